r"""Coframes: n independent 1-forms, their frame metric, dual frame and anholonomy.

Conventions (``docs/conventions.md``):

* coframe :math:`e^a=E^a{}_\mu dx^\mu`, frame :math:`e_a=E_a{}^\mu\partial_\mu` with
  :math:`E_a{}^\mu E^b{}_\mu=\delta^b_a`;
* frame metric :math:`\eta_{ab}` (constant :math:`\pm1` diagonal for an orthonormal
  coframe; the metric itself for a coordinate coframe), spacetime metric
  :math:`g_{\mu\nu}=\eta_{ab}E^a{}_\mu E^b{}_\nu`;
* anholonomy :math:`[e_b,e_c]=C^a{}_{bc}e_a`, i.e.
  :math:`de^a=-\tfrac12C^a{}_{bc}e^b\wedge e^c`;
* frame components of a p-form: :math:`\alpha=\sum_{a_1<\dots<a_p}\alpha_{a_1\dots a_p}
  e^{a_1}\wedge\dots\wedge e^{a_p}` (the same storage as :class:`~geomkit.Form`);
* volume :math:`\mathrm{vol}=\sqrt{|\det\eta|}\,e^1\wedge\dots\wedge e^n` and
  :math:`\star(e^{a_1}\wedge\dots\wedge e^{a_p})=\iota^{a_p}\cdots\iota^{a_1}\mathrm{vol}`.

Component arrays returned by geomkit put the *form* indices last: the
anholonomy is ``C[a, b, c]`` :math:`=C^a{}_{bc}`.

The heavy lifting (derivatives, reductions) happens on *atomized* expressions of
an internal engine chosen by the ``simplify`` strategy (default ``'algebraic'``,
see :mod:`geomkit.symbolic.algebraic`); results are restored to ordinary sympy
expressions at the API boundary and cached on the object.

>>> import sympy as sp
>>> import geomkit as gk
>>> c = gk.Chart('theta phi', positive=True)
>>> th, ph = c.coords
>>> S2 = gk.Coframe([c.dx[0], sp.sin(th) * c.dx[1]])
>>> S2.metric().matrix
Matrix([
[1,            0],
[0, sin(theta)**2]])
>>> S2.anholonomy()[1, 0, 1]
-cos(theta)/sin(theta)
>>> S2.hodge(c.scalar(1))
sin(theta)*dtheta^dphi
"""

from itertools import combinations

import sympy as sp

from .._display import LatexDisplay, latex_frame_metric
from ..errors import (
    ChartError,
    DegenerateMetricError,
    DegreeError,
    DimensionError,
    GeomkitError,
    SingularCoframeError,
)
from .chart import Chart, VectorField
from .forms import Form, sort_sign
from .simplify import get_strategy

__all__ = ["Coframe", "DEFAULT_STRATEGY"]

#: Default simplification strategy of the frame engine (measured in
#: ``benchmarks/bench_curvature.py``: it is the cheapest one that gives canonical
#: zeros on Schwarzschild, FLRW and Kerr).
DEFAULT_STRATEGY = "algebraic"


class ExprEngine:
    """Frame-engine arithmetic on ordinary sympy expressions with a strategy as ``reduce``.

    Used for every strategy other than ``'algebraic'``, and for ``'algebraic'``
    when an expression is outside the field engine (then ``reduce`` is the
    expression-level :meth:`~geomkit.symbolic.algebraic.AtomAlgebra.reduce`).
    """

    zero = sp.S.Zero
    one = sp.S.One

    def __init__(self, coords, strategy):
        self.strategy = strategy
        self.coords = tuple(coords)
        if strategy == "algebraic":
            from .algebraic import AtomAlgebra

            alg = AtomAlgebra(coords)
            self.atomize = alg.atomize
            self.restore = alg.restore
            self.diff = alg.diff
            self.reduce = alg.reduce
        else:
            self.atomize = sp.sympify
            self.restore = lambda e: e
            self.reduce = get_strategy(strategy)

    def diff(self, expr, i):  # replaced per instance for 'algebraic'
        return sp.diff(expr, self.coords[i])

    def diff_lazy(self, expr, i):
        return self.diff(expr, i)

    def covers(self, expr):
        return True

    @staticmethod
    def lazy(expr):
        return expr

    def unlazy(self, expr):
        return self.reduce(sp.sympify(expr))


def make_engine(coords, strategy, exprs, jet_order=2):
    """The frame engine for a strategy: a field engine for ``'algebraic'`` when possible."""
    if strategy == "algebraic":
        from .algebraic import FieldEngine, UnsupportedExpression

        try:
            eng = FieldEngine(coords, exprs, jet_order)
            for e in exprs:
                eng.atomize(e)
            return eng
        except UnsupportedExpression:
            pass
    return ExprEngine(coords, strategy)


def _sum(terms, zero):
    terms = list(terms)
    if len(terms) > 2 and type(terms[0]).__name__ == "LazyFrac":
        from .algebraic import LazyFrac, lazy_sum

        if all(isinstance(t, LazyFrac) for t in terms):
            out = lazy_sum(terms)
            return zero if isinstance(out, int) else out
    out = zero
    for t in terms:
        out = out + t
    return out


def _det(M):
    """Determinant of a small square nested list (cofactor expansion, any ring)."""
    k = len(M)
    if k == 0:
        return 1  # the empty minor (Hodge star of a 0-form with a non-diagonal eta)
    if k == 1:
        return M[0][0]
    if k == 2:
        return M[0][0] * M[1][1] - M[0][1] * M[1][0]
    out = None
    for j in range(k):
        if M[0][j] == 0:
            continue
        sub = [row[:j] + row[j + 1:] for row in M[1:]]
        t = M[0][j] * _det(sub)
        if out is None:
            out = t if j % 2 == 0 else -t
        else:
            out = out + t if j % 2 == 0 else out - t
    return M[0][0] * 0 if out is None else out


def _sign_of(expr, sample=False):
    """Sign (+1/-1) of a nonzero expression: decided by sympy, else sampled at a
    generic point (``sample=True``), else as written (a leading minus sign)."""
    expr = sp.sympify(expr)
    if expr.is_positive:
        return 1
    if expr.is_negative:
        return -1
    if sample:
        from .metric import _numeric_sign

        s = _numeric_sign(expr, expr.free_symbols)
        if s is not None:
            return s
    return -1 if expr.could_extract_minus_sign() else 1


def _as_matrix(obj, n, what):
    from .metric import Metric

    if isinstance(obj, Metric):
        obj = obj.matrix
    try:
        m = sp.Matrix(obj)
    except (TypeError, ValueError) as exc:
        raise DimensionError(f"{what} must be an {n}x{n} matrix: {exc}") from None
    if m.shape != (n, n):
        raise DimensionError(f"{what} must be {n}x{n}, got {m.shape[0]}x{m.shape[1]}")
    return m


class Coframe(LatexDisplay):
    """A coframe: ``n`` linearly independent 1-forms ``e^a`` on an n-dimensional chart.

    Parameters
    ----------
    forms : sequence of n 1-:class:`~geomkit.Form`
        The coframe :math:`e^a=E^a{}_\\mu dx^\\mu` (one chart for all).
    eta : matrix, Metric, optional
        Frame metric :math:`\\eta_{ab}`: a constant matrix (orthonormal coframes,
        any signature: ``sp.diag(-1, 1, 1, 1)``), or, for a coordinate coframe
        ``e^a = dx^a``, the metric itself (a :class:`~geomkit.Metric` or its
        matrix).  Default: the identity.
    simplify : str or callable
        Strategy of the frame engine: ``'algebraic'`` (default), ``'cancel'``,
        ``'none'``, ``'trig'``, ``'full'`` or a callable (see
        :mod:`geomkit.symbolic.simplify`).

    Raises
    ------
    SingularCoframeError
        when :math:`\\det E=0`.
    DimensionError, ChartError, DegreeError
        for a wrong number of forms, forms on different charts, or forms that
        are not 1-forms.

    >>> import sympy as sp
    >>> import geomkit as gk
    >>> c = gk.Chart('r phi', positive=True)
    >>> r, phi = c.coords
    >>> polar = gk.Coframe([c.dx[0], r * c.dx[1]])
    >>> polar.frame()
    (VectorField(Chart('r phi'), (1, 0)), VectorField(Chart('r phi'), (0, 1/r)))
    >>> gk.Coframe([c.dx[0], 2 * c.dx[0]])
    Traceback (most recent call last):
    ...
    geomkit.errors.SingularCoframeError: coframe on Chart('r phi') is singular: det E = 0 ...
    """

    def __init__(self, forms, eta=None, simplify=DEFAULT_STRATEGY, jet_order=2, _extra=()):
        forms = tuple(forms)
        if not forms:
            raise DimensionError("a coframe needs at least one 1-form")
        for k, f in enumerate(forms):
            if not isinstance(f, Form):
                raise GeomkitError(f"coframe entry {k} is a {type(f).__name__}, not a Form")
        chart = forms[0].chart
        for k, f in enumerate(forms):
            if f.chart != chart:
                raise ChartError(
                    f"coframe entry {k} lives on {f.chart!r}, entry 0 on {chart!r}; "
                    "pull it back (gk.pullback) onto one chart first"
                )
            if f.degree != 1:
                raise DegreeError(f"coframe entry {k} is a {f.degree}-form, not a 1-form")
        n = chart.dim
        if len(forms) != n:
            raise DimensionError(f"a coframe on {chart!r} has {n} 1-forms, got {len(forms)}")
        self.chart = chart
        self.n = n
        self.forms = forms
        #: ``E[a, mu]`` = :math:`E^a{}_\mu`
        self.E = sp.ImmutableMatrix(n, n, lambda a, m: forms[int(a)][int(m)])
        from .metric import Metric

        if eta is None:
            eta = sp.eye(n)
        self._given_metric = eta if isinstance(eta, Metric) else None
        eta = _as_matrix(eta, n, "frame metric eta")
        if (eta - eta.T).applyfunc(sp.expand) != sp.zeros(n, n):
            raise DegenerateMetricError("frame metric eta is not symmetric")
        self.eta = eta.as_immutable()
        self.strategy = simplify
        self.jet_order = jet_order
        self._extra = tuple(_extra)
        det_eta = get_strategy("cancel")(self.eta.det(method="berkowitz"))
        if det_eta == 0:
            raise DegenerateMetricError("frame metric eta is degenerate: det eta = 0")
        if self._given_metric is not None:
            self.sign = self._given_metric.sign
        else:
            self.sign = _sign_of(det_eta, sample=True)
        self.constant_eta = not (self.eta.free_symbols & set(chart.coords))
        sqrt_det = sp.sqrt(sp.factor(self.sign * det_eta))
        exprs = list(self.E) + list(self.eta) + [sqrt_det] + list(self._extra)
        self.engine = eng = make_engine(chart.coords, simplify, exprs, jet_order)
        self._cache = {}
        # engine-level coframe, frame metric, inverses, determinants
        self._E = [[eng.atomize(self.E[a, m]) for m in range(n)] for a in range(n)]
        self._eta = [[eng.atomize(self.eta[a, b]) for b in range(n)] for a in range(n)]
        self._sqrt_det_eta = eng.atomize(sqrt_det)
        detE = eng.reduce(_det(self._E))
        if detE == 0:
            raise SingularCoframeError(
                f"coframe on {chart!r} is singular: det E = 0 (the 1-forms are linearly "
                "dependent)"
            )
        self._detE = detE
        self._det_eta = eng.reduce(_det(self._eta))
        self._Einv = self._inverse(self._E, detE)  # _Einv[mu][a] = E_a^mu
        self._etainv = self._inverse(self._eta, self._det_eta)

    def _covering(self, exprs):
        """This coframe, or an equal one whose engine also represents ``exprs``."""
        exprs = [sp.sympify(e) for e in exprs]
        if all(self.engine.covers(e) for e in exprs):
            return self
        ext = self._cache.get("_ext")
        if ext is not None and all(ext.engine.covers(e) for e in exprs):
            return ext
        eta = self._given_metric if self._given_metric is not None else self.eta
        ext = Coframe(self.forms, eta, self.strategy, self.jet_order, self._extra + tuple(exprs))
        if "metric" in self._cache:
            ext._cache["metric"] = self._cache["metric"]
        self._cache["_ext"] = ext
        return ext

    # -- construction ------------------------------------------------------------------
    @classmethod
    def from_matrix(cls, chart, E, eta=None, simplify=DEFAULT_STRATEGY):
        """The coframe :math:`e^a=E^a{}_\\mu dx^\\mu` from the matrix ``E[a, mu]``."""
        if not isinstance(chart, Chart):
            raise GeomkitError(f"from_matrix needs a Chart, got {type(chart).__name__}")
        E = _as_matrix(E, chart.dim, "coframe matrix E")
        n = chart.dim
        forms = [Form(chart, 1, {(m,): E[a, m] for m in range(n)}) for a in range(n)]
        return cls(forms, eta, simplify)

    @classmethod
    def from_metric(cls, metric, simplify=DEFAULT_STRATEGY):
        """A coframe of ``metric``: orthonormal when it is (block-)diagonal.

        A diagonal metric gives :math:`e^a=\\sqrt{|g_{aa}|}\\,dx^a` with
        :math:`\\eta=\\mathrm{diag}(\\operatorname{sgn}g_{aa})`.  Blocks of size 2
        (e.g. the :math:`t\\phi` block of Kerr in Boyer--Lindquist coordinates) are
        diagonalised by completing the square on the *later* coordinate, which
        gives the zero-angular-momentum frame for Kerr.  Any larger block gives
        the coordinate coframe :math:`e^a=dx^a` with :math:`\\eta=g`.  The sign
        of an entry that cannot be decided is taken as written; square roots are
        taken positive on the chart's domain (``sqrt(r**2*sin(theta)**2)`` is
        ``r*sin(theta)``, not ``r*Abs(sin(theta))``).

        >>> import sympy as sp
        >>> import geomkit as gk
        >>> c = gk.Chart('t r', positive=True)
        >>> t, r = c.coords
        >>> cf = gk.Coframe.from_metric(gk.Metric(c, sp.diag(-(1 - 1/r), 1/(1 - 1/r))))
        >>> cf.eta
        Matrix([
        [-1, 0],
        [ 0, 1]])
        >>> cf.forms[0]
        sqrt(r - 1)/sqrt(r)*dt
        """
        from .metric import Metric

        if not isinstance(metric, Metric):
            raise GeomkitError(f"from_metric needs a Metric, got {type(metric).__name__}")
        g = metric.matrix
        chart = metric.chart
        n = chart.dim
        # blocks: connected components of the nonzero off-diagonal pattern
        parent = list(range(n))

        def find(i):
            while parent[i] != i:
                i = parent[i]
            return i

        for i in range(n):
            for j in range(i + 1, n):
                if g[i, j] != 0:
                    parent[find(j)] = find(i)
        blocks = {}
        for i in range(n):
            blocks.setdefault(find(i), []).append(i)
        if any(len(b) > 2 for b in blocks.values()):
            return cls(chart.dx, metric, simplify)
        E = sp.zeros(n, n)
        signs = [0] * n

        def simp(x):
            # factored after the algebraic reduction, so that radicands split well
            if simplify == "algebraic":
                from .algebraic import factor_algebraic

                return factor_algebraic(x, chart.coords)
            return sp.factor(sp.cancel(x))

        for b in blocks.values():
            if len(b) == 1:
                i = b[0]
                s = _sign_of(g[i, i])
                E[i, i] = sp.sqrt(s * simp(g[i, i]))
                signs[i] = s
                continue
            i, j = b  # complete the square on j: g = g_jj (dx^j + u dx^i)^2 + D dx^i^2
            gjj = simp(g[j, j])
            u = simp(g[i, j] / gjj)
            D = simp(g[i, i] - g[i, j] ** 2 / gjj)
            if D == 0:
                return cls(chart.dx, metric, simplify)
            sj, si = _sign_of(gjj), _sign_of(D)
            rj = sp.sqrt(sj * gjj)
            E[j, j] = rj
            E[j, i] = rj * u
            E[i, i] = sp.sqrt(si * D)
            signs[i], signs[j] = si, sj
        # square roots are taken positive on the chart's domain: sqrt(r**2 sin**2) = r sin
        E = E.applyfunc(lambda v: v.replace(sp.Abs, lambda u: u))
        cf = cls.from_matrix(chart, E, sp.diag(*signs), simplify)
        cf._cache["metric"] = metric
        return cf

    def change(self, L, Linv=None, simplify=None):
        """The coframe :math:`e'=L^{-1}e` with frame metric :math:`\\eta'=L^T\\eta L` (conventions).

        ``L`` is an invertible ``n x n`` matrix of functions; the metric is unchanged.
        """
        n = self.n
        strategy = self.strategy if simplify is None else simplify
        f = get_strategy(strategy)
        L = sp.Matrix(L)
        if L.shape != (n, n):
            raise DimensionError(f"L must be {n}x{n}, got {L.shape[0]}x{L.shape[1]}")
        if Linv is None:
            det = f(L.det(method="berkowitz"))
            if det == 0:
                raise SingularCoframeError("frame change L is singular (det L = 0)")
            Linv = (L.adjugate(method="berkowitz") / det).applyfunc(f)
        forms = []
        for a in range(n):
            acc = Form(self.chart, 1)
            for b in range(n):
                if Linv[a, b] != 0:
                    acc = acc + self.forms[b] * Linv[a, b]
            forms.append(acc.simplify(f))
        eta = (L.T * self.eta * L).applyfunc(f)
        return Coframe(forms, eta, strategy)

    # -- linear algebra in the engine -------------------------------------------------------
    def _inverse(self, M, det):
        """Inverse of an engine-level matrix: ``inv[i][j]`` (adjugate / det)."""
        n = self.n
        eng = self.engine
        if all(M[i][j] == 0 for i in range(n) for j in range(n) if i != j):
            return [
                [eng.reduce(eng.one / M[i][i]) if i == j else eng.zero for j in range(n)]
                for i in range(n)
            ]
        inv = [[eng.zero] * n for _ in range(n)]
        for i in range(n):
            for j in range(n):
                sub = [[M[r][c] for c in range(n) if c != i] for r in range(n) if r != j]
                cof = _det(sub) if sub else eng.one
                inv[i][j] = eng.reduce(cof / det if (i + j) % 2 == 0 else -cof / det)
        return inv

    def _cached(self, key, fn):
        try:
            return self._cache[key]
        except KeyError:
            val = self._cache[key] = fn()
            return val

    # -- public data -------------------------------------------------------------------------
    @property
    def dim(self):
        return self.n

    @property
    def is_orthonormal(self):
        """True when eta is constant, diagonal, with entries +-1."""
        e = self.eta
        return e.is_diagonal() and all(e[i, i] in (1, -1) for i in range(self.n))

    def frame(self):
        """The dual frame :math:`e_a` (VectorFields), :math:`e^a(e_b)=\\delta^a_b`."""

        def build():
            r = self.engine.restore
            return tuple(
                VectorField(self.chart, [r(self._Einv[m][a]) for m in range(self.n)])
                for a in range(self.n)
            )

        return self._cached("frame", build)

    def metric(self):
        """The :class:`~geomkit.Metric` :math:`g_{\\mu\\nu}=\\eta_{ab}E^a{}_\\mu E^b{}_\\nu`."""

        def build():
            from .metric import Metric

            if self._given_metric is not None and self.E == sp.eye(self.n):
                return self._given_metric
            f = get_strategy(self._metric_strategy())
            g = (self.E.T * self.eta * self.E).applyfunc(f)
            return Metric(self.chart, g, sign=self.sign, simplify=self._metric_strategy())

        return self._cached("metric", build)

    def _metric_strategy(self):
        return "cancel" if self.strategy == "algebraic" else self.strategy

    def frame_derivative(self, expr, a):
        """:math:`e_a(f)=E_a{}^\\mu\\partial_\\mu f` of an engine expression (internal)."""
        eng = self.engine
        return _sum(
            (self._Einv[m][a] * eng.diff(expr, m) for m in range(self.n) if self._Einv[m][a] != 0),
            eng.zero,
        )

    def _anholonomy(self):
        """Engine-level ``C[a][b][c]`` = :math:`C^a{}_{bc}`."""

        def build():
            n, eng, E, Ei = self.n, self.engine, self._E, self._Einv
            # de^a in coordinates: (de^a)_{mu nu} = d_mu E^a_nu - d_nu E^a_mu
            dE = [[[None] * n for _ in range(n)] for _ in range(n)]
            for a in range(n):
                der = [[eng.diff(E[a][v], m) for v in range(n)] for m in range(n)]
                for m in range(n):
                    for v in range(n):
                        dE[a][m][v] = der[m][v] - der[v][m]
            C = [[[eng.zero] * n for _ in range(n)] for _ in range(n)]
            for a in range(n):
                pairs = [(m, v) for m in range(n) for v in range(m + 1, n) if dE[a][m][v] != 0]
                if not pairs:
                    continue
                for b in range(n):
                    for c in range(b + 1, n):
                        s = _sum(
                            (
                                dE[a][m][v] * (Ei[m][b] * Ei[v][c] - Ei[v][b] * Ei[m][c])
                                for m, v in pairs
                            ),
                            eng.zero,
                        )
                        val = eng.reduce(-s)
                        C[a][b][c] = val
                        C[a][c][b] = -val
            return C

        return self._cached("_C", build)

    def anholonomy(self):
        """Anholonomy ``C[a, b, c]`` :math:`=C^a{}_{bc}`, :math:`[e_b,e_c]=C^a{}_{bc}e_a`.

        Equivalently :math:`de^a=-\\tfrac12C^a{}_{bc}e^b\\wedge e^c`.  Shape ``(n, n, n)``.
        """
        return self._cached("anholonomy", lambda: self.to_array(self._anholonomy()))

    def to_array(self, nested):
        """Restore an engine-level nested list to a sympy ``ImmutableDenseNDimArray``."""
        r = self.engine.restore
        return sp.ImmutableDenseNDimArray(_map_nested(nested, r))

    # -- frame <-> coordinate components ---------------------------------------------------------
    def components(self, form):
        """Frame components of a coordinate Form: ``{(a_1<...<a_p): alpha_{a_1...a_p}}``.

        The values are ordinary (restored) sympy expressions.
        """
        comps, cf = self._to_frame(form)
        return {k: cf.engine.restore(v) for k, v in comps.items()}

    def _to_frame(self, form):
        if not isinstance(form, Form):
            raise GeomkitError(f"expected a Form, got {type(form).__name__}")
        self.chart.check_same(form.chart, "coframe and form")
        cf = self._covering(form.components.values())
        if cf is not self:
            return cf._to_frame_here(form), cf
        return self._to_frame_here(form), self

    def _to_frame_here(self, form):
        p, n, eng = form.degree, self.n, self.engine
        comps = {J: eng.atomize(v) for J, v in form.components.items()}
        if p == 0:
            return {(): eng.reduce(comps[()])} if comps else {}
        out = {}
        for I in combinations(range(n), p):
            s = _sum((v * _minor(self._Einv, J, I) for J, v in comps.items()), eng.zero)
            s = eng.reduce(s)
            if s != 0:
                out[I] = s
        return out

    def _from_frame(self, p, comps):
        """Coordinate Form from engine-level frame components ``{I: value}``."""
        n, eng = self.n, self.engine
        if p == 0:
            v = comps.get((), eng.zero)
            return Form(self.chart, 0, {(): eng.restore(v)} if v != 0 else {})
        out = {}
        E_T = [[self._E[a][m] for a in range(n)] for m in range(n)]  # E_T[mu][a]
        for J in combinations(range(n), p):
            s = _sum((v * _minor(E_T, J, I) for I, v in comps.items() if v != 0), eng.zero)
            if s != 0:
                s = eng.reduce(s)
                if s != 0:
                    out[J] = eng.restore(s)
        return Form(self.chart, p, out)

    def to_form(self, components, degree):
        """The coordinate Form :math:`\\sum_I\\alpha_I e^I` from frame components.

        ``components`` maps increasing (or any, signs applied) frame index tuples
        to expressions.
        """
        components = dict(components)
        cf = self._covering(components.values())
        if cf is not self:
            return cf.to_form(components, degree)
        eng = self.engine
        comps = {}
        for idx, v in components.items():
            idx = (idx,) if isinstance(idx, int) else tuple(idx)
            if len(idx) != degree:
                raise DegreeError(f"component index {idx} does not fit a {degree}-form")
            s, key = sort_sign(idx)
            if s:
                comps[key] = comps.get(key, eng.zero) + s * eng.atomize(v)
        return self._from_frame(degree, comps)

    # -- Hodge star --------------------------------------------------------------------------------
    def hodge(self, form):
        """Hodge star of a coordinate Form with respect to this coframe's metric and orientation.

        :math:`(\\star\\alpha)_K=\\alpha^{I}\\varepsilon_{IK}` with
        :math:`\\varepsilon_{1\\dots n}=\\sqrt{|\\det\\eta|}` (frame indices, lower),
        i.e. :math:`\\star(e^{a_1}\\wedge\\dots\\wedge e^{a_p})=
        \\iota^{a_p}\\cdots\\iota^{a_1}\\mathrm{vol}` with
        :math:`\\mathrm{vol}=\\sqrt{|\\det\\eta|}\\,e^1\\wedge\\dots\\wedge e^n`.
        """
        fr, cf = self._to_frame(form)
        return cf._from_frame(cf.n - form.degree, cf._hodge_frame(form.degree, fr))

    def _hodge_frame(self, p, comps):
        n, eng = self.n, self.engine
        gi = self._etainv
        up = {}
        diag = all(gi[i][j] == 0 for i in range(n) for j in range(n) if i != j)
        for I in combinations(range(n), p):
            if diag:
                v = comps.get(I)
                if v is not None:
                    for i in I:
                        v = v * gi[i][i]
                    up[I] = v
                continue
            s = _sum((v * _minor(gi, I, J) for J, v in comps.items()), eng.zero)
            if s != 0:
                up[I] = s
        vol = self._sqrt_det_eta
        full = tuple(range(n))
        out = {}
        for I, v in up.items():
            K = tuple(i for i in full if i not in I)
            sgn, _ = sort_sign(I + K)
            val = eng.reduce(sgn * v * vol)
            if val != 0:
                out[K] = val
        return out

    def __repr__(self):
        return f"Coframe({list(self.forms)!r}, eta={self.eta.tolist()})"

    def _latex(self, printer):
        forms = [f"e^{{{a + 1}}} = {printer._print(f)}" for a, f in enumerate(self.forms)]
        return r",\ ".join(forms) + r",\quad " + latex_frame_metric(self.eta, printer)


def _minor(M, rows, cols):
    """Determinant of the submatrix ``M[rows][cols]`` (nested lists)."""
    k = len(rows)
    if k == 1:
        return M[rows[0]][cols[0]]
    if k == 2:
        return M[rows[0]][cols[0]] * M[rows[1]][cols[1]] - M[rows[0]][cols[1]] * M[rows[1]][cols[0]]
    return _det([[M[i][j] for j in cols] for i in rows])


def _map_nested(x, f):
    if isinstance(x, (list, tuple)):
        return [_map_nested(y, f) for y in x]
    return f(x)
