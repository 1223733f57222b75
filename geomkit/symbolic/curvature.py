r"""Coordinate views of curvature, computed by the frame engine.

Every function takes a :class:`~geomkit.Metric` (its Levi-Civita connection in
the orthonormal coframe of :meth:`Coframe.from_metric <geomkit.Coframe.from_metric>`
for a diagonal metric, in the coordinate coframe otherwise), a
:class:`~geomkit.Coframe` (its
Levi-Civita connection) or a :class:`~geomkit.Connection` (that connection).
The work happens in frame components (Cartan's structure equations); only the
result is transformed to coordinates.  Results are cached on the connection, and
the coframe built for a Metric is cached per Metric object, so nothing is
computed twice.

Index conventions (``docs/conventions.md``):

* ``christoffel(g)[l, m, n]`` :math:`=\Gamma^\lambda{}_{\mu\nu}`, derivative index
  first: :math:`\nabla_\mu V^\lambda=\partial_\mu V^\lambda+\Gamma^\lambda{}_{\mu\nu}V^\nu`;
  :math:`\Gamma^\lambda{}_{\mu\nu}=E_a{}^\lambda(\partial_\mu E^a{}_\nu+
  \omega^a{}_{b\mu}E^b{}_\nu)`;
* ``riemann(g)[r, s, m, n]`` :math:`=R^\rho{}_{\sigma\mu\nu}`, with
  :math:`R^a{}_b=\tfrac12R^a{}_{bcd}e^c\wedge e^d=d\omega^a{}_b+\omega^a{}_c\wedge\omega^c{}_b`;
* ``ricci(g)[s, n]`` :math:`=R^\rho{}_{\sigma\rho\nu}`; ``ricci_scalar(g)`` its trace
  (the unit 2-sphere has ``R = +2``);
* ``einstein(g)`` :math:`=R_{\mu\nu}-\tfrac12Rg_{\mu\nu}`; ``weyl(g)[r, s, m, n]``
  :math:`=C^\rho{}_{\sigma\mu\nu}`; ``kretschmann(g)``
  :math:`=R_{\rho\sigma\mu\nu}R^{\rho\sigma\mu\nu}`.

>>> import sympy as sp
>>> import geomkit as gk
>>> c = gk.Chart('t r theta phi', positive=True)
>>> t, r, th, ph = c.coords
>>> M = sp.Symbol('M', positive=True)
>>> f = 1 - 2*M/r
>>> g = gk.Metric(c, sp.diag(-f, 1/f, r**2, r**2*sp.sin(th)**2))
>>> gk.kretschmann(g)
48*M**2/r**6
>>> gk.ricci(g)
Matrix([
[0, 0, 0, 0],
[0, 0, 0, 0],
[0, 0, 0, 0],
[0, 0, 0, 0]])
>>> gk.christoffel(g)[1, 0, 0]
(-2*M**2 + M*r)/r**3
"""

import functools
import weakref

import sympy as sp

from ..errors import GeomkitError
from .connection import Connection, levi_civita
from .frames import DEFAULT_STRATEGY, Coframe, _sum
from .simplify import NEXT_CHEAPER, warn_fallback

__all__ = [
    "christoffel",
    "riemann",
    "ricci",
    "ricci_scalar",
    "einstein",
    "weyl",
    "kretschmann",
    "connection_of",
]

_METRIC_COFRAMES = weakref.WeakKeyDictionary()


def connection_of(obj, simplify=None):
    """The connection whose curvature the coordinate views show.

    ``Metric`` -> Levi-Civita connection of ``Coframe.from_metric`` for a diagonal
    metric (orthonormal) and of the coordinate coframe (``eta = g``) otherwise
    (cached per Metric and strategy); ``Coframe`` -> its Levi-Civita connection;
    ``Connection`` -> itself.
    ``simplify`` (default ``'algebraic'``) picks the engine strategy for a
    Metric, or rebuilds a Coframe with another strategy.
    """
    from .metric import Metric

    if isinstance(obj, Connection):
        return obj
    if isinstance(obj, Metric):
        strategy = DEFAULT_STRATEGY if simplify is None else simplify
        per = _METRIC_COFRAMES.setdefault(obj, {})
        key = strategy if isinstance(strategy, str) else id(strategy)
        if key not in per:
            if obj.matrix.is_diagonal():
                per[key] = Coframe.from_metric(obj, simplify=strategy)
            else:
                # a radical-free orthonormal coframe when one exists (g = L^T D L with
                # constant D: Alcubierre, 6x faster); otherwise the coordinate coframe,
                # faster than a (block-)orthonormal one whose square roots are
                # irreducible (measured: Kerr in Boyer-Lindquist form)
                ldl = _constant_ldl(obj)
                if ldl is not None:
                    per[key] = Coframe(ldl[0], ldl[1], simplify=strategy)
                else:
                    per[key] = Coframe(obj.chart.dx, obj, simplify=strategy)
        return levi_civita(per[key])
    if isinstance(obj, Coframe):
        if simplify is not None and simplify != obj.strategy:
            key = ("restrategy", simplify if isinstance(simplify, str) else id(simplify))
            if key not in obj._cache:
                eta = obj._given_metric if obj._given_metric is not None else obj.eta
                obj._cache[key] = Coframe(obj.forms, eta, simplify, obj.jet_order)
            obj = obj._cache[key]
        return levi_civita(obj)
    raise GeomkitError(
        f"expected a Metric, Coframe or Connection, got {type(obj).__name__}"
    )


def _constant_ldl(metric):
    """``(coframe 1-forms, diag D)`` with ``g = L^T D L``, L unit triangular, D constant.

    Pivots are taken simplest diagonal entry first; ``None`` when a pivot is not
    a nonzero number (then no such radical-free orthonormal coframe is used).
    """
    g = metric.matrix
    n = g.shape[0]
    order = sorted(range(n), key=lambda i: (sp.count_ops(g[i, i]), i))
    A = g.extract(order, order).as_mutable()
    L = sp.eye(n)
    D = []
    for k in range(n):
        p = sp.cancel(A[k, k])
        if not p.is_number or p == 0:
            return None
        D.append(p)
        for j in range(k + 1, n):
            L[k, j] = sp.cancel(A[k, j] / p)
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                A[i, j] = sp.cancel(A[i, j] - p * L[k, i] * L[k, j])
    dx = metric.chart.dx
    forms = [sum((L[k, j] * dx[order[j]] for j in range(n) if L[k, j] != 0), 0 * dx[0])
             for k in range(n)]
    return forms, sp.diag(*D)


def _transform(conn, X, pattern):
    """Coordinate components of a frame tensor ``X`` (engine level, nested lists).

    ``pattern`` has one letter per index: ``'u'`` (contravariant, uses
    :math:`E_a{}^\\mu`) or ``'d'`` (covariant, uses :math:`E^a{}_\\mu`).
    """
    cf, eng = conn.coframe, conn.engine
    n = cf.n
    lz = eng.lazy
    E = [[lz(v) for v in row] for row in cf._E]
    Ei = [[lz(v) for v in row] for row in cf._Einv]
    X = _map(X, lz)

    def contract(Y, pos, kind):
        # replace the frame index at position pos by a coordinate index
        def rec(y, depth):
            if depth == pos:
                out = []
                for m in range(n):
                    if kind == "u":
                        coeffs = [Ei[m][a] for a in range(n)]
                    else:
                        coeffs = [E[a][m] for a in range(n)]
                    out.append(_lincomb(coeffs, y, 0))
                return out
            return [rec(z, depth + 1) for z in y]

        return rec(Y, 0)

    for pos, kind in enumerate(pattern):
        X = contract(X, pos, kind)
    return _map(X, lambda v: eng.restore(eng.unlazy(v)) if v != 0 else sp.S.Zero)


def _lincomb(coeffs, items, zero):
    """sum_a coeffs[a] * items[a] where items are (nested) lists or scalars."""
    if isinstance(items[0], list):
        return [_lincomb(coeffs, [it[k] for it in items], zero) for k in range(len(items[0]))]
    return _sum((c * x for c, x in zip(coeffs, items) if c != 0 and x != 0), zero)


def _map(x, f):
    if isinstance(x, list):
        return [_map(y, f) for y in x]
    return f(x)


def _falls_back(fn):
    """Run ``fn(obj, simplify)``; when the strategy cannot handle the input (an
    exception from sympy's machinery, not a geomkit error), warn in one line and
    retry with the next cheaper strategy (:data:`~geomkit.symbolic.simplify.NEXT_CHEAPER`)."""

    @functools.wraps(fn)
    def wrapper(obj, simplify=None):
        strategy = simplify
        while True:
            try:
                return fn(obj, strategy)
            except GeomkitError:
                raise
            except Exception as exc:
                current = strategy
                if current is None:
                    current = obj.strategy if isinstance(obj, Coframe) else DEFAULT_STRATEGY
                nxt = (NEXT_CHEAPER.get(current) if isinstance(current, str)
                       and not isinstance(obj, Connection) else None)
                if nxt is None:
                    raise GeomkitError(
                        f"{fn.__name__} failed with simplify={current!r}: "
                        f"{type(exc).__name__}: {str(exc)[:200]}"
                    ) from exc
                warn_fallback(current, nxt, exc, f"this input of {fn.__name__}")
                strategy = nxt

    return wrapper


def _cached(conn, key, fn):
    return conn._cached(key, fn)


@_falls_back
def christoffel(obj, simplify=None):
    """Christoffel symbols ``G[l, m, n]`` :math:`=\\Gamma^\\lambda{}_{\\mu\\nu}` (derivative first).

    Shape ``(n, n, n)`` sympy Array, from the tetrad postulate
    :math:`\\Gamma^\\lambda{}_{\\mu\\nu}=E_a{}^\\lambda(\\partial_\\mu E^a{}_\\nu+
    \\omega^a{}_{b\\mu}E^b{}_\\nu)`.
    """
    conn = connection_of(obj, simplify)

    def build():
        cf, eng = conn.coframe, conn.engine
        n, lz = cf.n, eng.lazy
        E = [[lz(v) for v in row] for row in cf._E]
        Ei = [[lz(v) for v in row] for row in cf._Einv]
        w = [[[lz(v) for v in row] for row in mat] for mat in conn._w]
        # omega^a_{b mu} = omega^a_{bc} E^c_mu
        wmu = [[[_sum((w[a][b][c] * E[c][m] for c in range(n) if w[a][b][c] != 0
                       and E[c][m] != 0), 0)
                 for m in range(n)] for b in range(n)] for a in range(n)]
        dE = [[[lz(eng.diff(cf._E[a][nu], mu)) for nu in range(n)] for mu in range(n)]
              for a in range(n)]
        G = []
        for lam in range(n):
            rows = []
            for mu in range(n):
                row = []
                for nu in range(n):
                    s = 0
                    for a in range(n):
                        if Ei[lam][a] == 0:
                            continue
                        inner = dE[a][mu][nu]
                        for b in range(n):
                            if wmu[a][b][mu] != 0 and E[b][nu] != 0:
                                inner = inner + wmu[a][b][mu] * E[b][nu]
                        if inner != 0:
                            s = s + Ei[lam][a] * inner
                    row.append(eng.restore(eng.unlazy(s)) if s != 0 else sp.S.Zero)
                rows.append(row)
            G.append(rows)
        return sp.ImmutableDenseNDimArray(G)

    return _cached(conn, "christoffel", build)


@_falls_back
def riemann(obj, simplify=None):
    """Riemann tensor ``R[r, s, m, n]`` :math:`=R^\\rho{}_{\\sigma\\mu\\nu}`, shape ``(n,)*4``."""
    conn = connection_of(obj, simplify)
    return _cached(
        conn,
        "riemann",
        lambda: sp.ImmutableDenseNDimArray(_transform(conn, conn._curvature(), "uddd")),
    )


@_falls_back
def ricci(obj, simplify=None):
    """Ricci tensor ``Ric[s, n]`` :math:`=R^\\rho{}_{\\sigma\\rho\\nu}` (a sympy Matrix)."""
    conn = connection_of(obj, simplify)
    return _cached(
        conn, "ricci", lambda: sp.ImmutableMatrix(_transform(conn, conn._ricci(), "dd"))
    )


@_falls_back
def ricci_scalar(obj, simplify=None):
    """Curvature scalar :math:`R=g^{\\sigma\\nu}R_{\\sigma\\nu}` (unit 2-sphere: 2)."""
    return connection_of(obj, simplify).ricci_scalar()


@_falls_back
def einstein(obj, simplify=None):
    """Einstein tensor :math:`G_{\\mu\\nu}=R_{\\mu\\nu}-\\tfrac12Rg_{\\mu\\nu}` (a sympy Matrix)."""
    conn = connection_of(obj, simplify)

    def build():
        n, eta = conn.n, conn.coframe._eta
        Ric, R = conn._ricci(), conn._scalar()
        G = [[Ric[b][d] - R * eta[b][d] / 2 for d in range(n)] for b in range(n)]
        return sp.ImmutableMatrix(_transform(conn, G, "dd"))

    return _cached(conn, "einstein", build)


def _lower_all(conn, lazy=False):
    """Engine-level :math:`R_{abcd}=\\eta_{ae}R^e{}_{bcd}` (as LazyFracs if ``lazy``)."""
    n, eng, eta = conn.n, conn.engine, conn.coframe._eta
    R = conn._curvature()
    zero = eng.zero
    if lazy:
        eta, R, zero = _map(eta, eng.lazy), _map(R, eng.lazy), 0
    return [[[[_sum((eta[a][e] * R[e][b][c][d] for e in range(n)
                     if eta[a][e] != 0 and R[e][b][c][d] != 0), zero)
               for d in range(n)] for c in range(n)] for b in range(n)] for a in range(n)]


@_falls_back
def weyl(obj, simplify=None):
    """Weyl tensor ``C[r, s, m, n]`` :math:`=C^\\rho{}_{\\sigma\\mu\\nu}` (n >= 3; zero for n = 3).

    :math:`C_{abcd}=R_{abcd}-\\frac{1}{n-2}(\\eta_{ac}R_{bd}-\\eta_{ad}R_{bc}
    -\\eta_{bc}R_{ad}+\\eta_{bd}R_{ac})+\\frac{R}{(n-1)(n-2)}(\\eta_{ac}\\eta_{bd}
    -\\eta_{ad}\\eta_{bc})`.
    """
    conn = connection_of(obj, simplify)

    def build():
        n, eng = conn.n, conn.engine
        if n < 3:
            from ..errors import DimensionError

            raise DimensionError(f"the Weyl tensor needs n >= 3, got n = {n}")
        eta, gi = conn.coframe._eta, conn.coframe._etainv
        Rl = _lower_all(conn)
        Ric, R = conn._ricci(), conn._scalar()
        Cl = [[[[Rl[a][b][c][d]
                 - (eta[a][c] * Ric[b][d] - eta[a][d] * Ric[b][c] - eta[b][c] * Ric[a][d]
                    + eta[b][d] * Ric[a][c]) / (n - 2)
                 + R * (eta[a][c] * eta[b][d] - eta[a][d] * eta[b][c]) / ((n - 1) * (n - 2))
                 for d in range(n)] for c in range(n)] for b in range(n)] for a in range(n)]
        Cu = [[[[_sum((gi[a][e] * Cl[e][b][c][d] for e in range(n) if gi[a][e] != 0), eng.zero)
                 for d in range(n)] for c in range(n)] for b in range(n)] for a in range(n)]
        return sp.ImmutableDenseNDimArray(_transform(conn, Cu, "uddd"))

    return _cached(conn, "weyl", build)


@_falls_back
def kretschmann(obj, simplify=None):
    """Kretschmann scalar :math:`R_{abcd}R^{abcd}` (Schwarzschild: :math:`48M^2/r^6`)."""
    conn = connection_of(obj, simplify)

    def build():
        n, eng = conn.n, conn.engine
        lz = eng.lazy
        gi = [[lz(v) for v in row] for row in conn.coframe._etainv]
        diag = all(gi[i][j] == 0 for i in range(n) for j in range(n) if i != j)
        lc = conn is conn.coframe._cache.get("levi_civita")
        Rl = None if lc and not diag else _map(_lower_all(conn, lazy=True), lz)
        terms = []
        if diag:
            for a in range(n):
                for b in range(n):
                    for c in range(n):
                        for d in range(c + 1, n):
                            v = Rl[a][b][c][d]
                            if v != 0:
                                terms.append(2 * v * v * gi[a][a] * gi[b][b] * gi[c][c] * gi[d][d])
        elif lc:
            # pair symmetry: K = R^{ab}_{cd} R^{cd}_{ab} with R^{ab}_{cd} = R^a_{ecd} eta^{eb},
            # antisymmetric in a, b and c, d -- 36 products in 4-D instead of thousands
            R = _map(conn._curvature(), lz)
            pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
            X = {}
            for a, b in pairs:
                for c, d in pairs:
                    X[a, b, c, d] = _sum((R[a][e][c][d] * gi[e][b] for e in range(n)
                                          if gi[e][b] != 0 and R[a][e][c][d] != 0), 0)
            for a, b in pairs:
                for c, d in pairs:
                    u, v = X[a, b, c, d], X[c, d, a, b]
                    if u != 0 and v != 0:
                        terms.append(4 * u * v)
        else:
            # raise all four indices one after the other
            up = Rl
            for pos in range(4):
                up = _raise_index(up, pos, gi, 0)
            for a in range(n):
                for b in range(n):
                    for c in range(n):
                        for d in range(n):
                            if Rl[a][b][c][d] != 0 and up[a][b][c][d] != 0:
                                terms.append(Rl[a][b][c][d] * up[a][b][c][d])
        s = _sum(terms, 0)
        return eng.restore(eng.unlazy(s)) if s != 0 else sp.S.Zero

    return _cached(conn, "kretschmann", build)


def _raise_index(X, pos, gi, zero):
    n = len(gi)

    def rec(y, depth):
        if depth == pos:
            return [_lincomb(gi[a], y, zero) for a in range(n)]
        return [rec(z, depth + 1) for z in y]

    return rec(X, 0)
