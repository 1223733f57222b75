r"""Field equations of metric-affine, curvature and f(invariant) Lagrangians.

:func:`geomkit.field_equations` hands every variation other than "the coframe at a
fixed connection" to this module.  The fields are

* the coframe :math:`e^a` (``'coframe'``),
* the connection 1-forms :math:`\omega^a{}_b` -- all :math:`n^2` of them
  independent (``'connection'``, metric-affine / Palatini) or only the
  metric-compatible part :math:`\omega_{[ab]}` (``'metric_connection'``,
  Einstein--Cartan), with :math:`\omega_{(ab)}` held fixed,
* the frame metric :math:`\eta_{ab}` (``'metric'``: metric-affine theories, and
  the metric itself in the coincident gauge of symmetric teleparallelism, where
  the coframe is :math:`dx^\mu` and :math:`\eta=g`).

A Lagrangian ``L(e, f)`` sees ``f.T`` (:math:`T^a=de^a+\omega^a{}_b\wedge e^b`),
``f.R`` (``f.R[a][b]`` :math:`=R^a{}_b=d\omega^a{}_b+\omega^a{}_c\wedge\omega^c{}_b`),
``f.Q`` (``f.Q[a][b]`` :math:`=Q_{ab}=k(-d\eta_{ab}+\omega_{ab}+\omega_{ba})`),
``f.omega`` and the potentials; ``e`` is a :class:`AffineFrameOps` (the operations of
:class:`~geomkit.symbolic.variational.FrameOps` with :math:`\eta` varied too, the
scalars ``e.torsion_scalar``, ``e.nonmetricity_scalar``, ``e.curvature_scalar``,
``e.scalar`` (:math:`\star` of an n-form) and ``e.apply(f, X)`` for a scalar function
of an invariant).

**Exterior route.**  Every field :math:`x` (a p-form) and its derivative :math:`dx`
are varied independently in one evaluation of ``L`` (first-order variations carried
by :class:`~geomkit.symbolic.variational.DualForm`), which gives the left
coefficients in :math:`\delta L=\delta x\wedge\partial L/\partial x+d\delta x\wedge
\partial L/\partial(dx)`; integrating by parts,

.. math:: \mathcal E_x=\frac{\partial L}{\partial x}-(-1)^p\,d\,\frac{\partial L}{\partial(dx)} .

The Hodge star varies by the master formula, for a frame-metric direction with
:math:`h^a=\tfrac12\eta^{ac}\delta\eta_{cb}e^b` (the coframe change with the same
:math:`\delta g`).  A scalar function of an invariant, ``e.apply(f, X)``, is carried
by placeholders :math:`f^{(k)}(X)`; :math:`d` acts on them by the chain rule
:math:`d f^{(k)}(X)=f^{(k+1)}(X)\,dX`, and they are restored as ``f(X)`` and
``Subs(Derivative(f(xi), (xi, k)), xi, X)`` (use :func:`in_terms_of` to name the
argument).

**Results** (:math:`\delta L` up to an exact form):

* coframe: :math:`\delta L=\delta e^a\wedge\mathcal E_a`, a tuple of (n-1)-forms;
* connection: :math:`\delta L=\delta\omega^a{}_b\wedge\mathcal E_a{}^b`, nested list
  ``E[a][b]``;
* metric connection: :math:`\delta L=\sum_{a<b}\delta\omega_{ab}\wedge\mathcal E^{ab}`,
  antisymmetric nested list;
* frame metric: :math:`\delta L=\tfrac12\delta\eta_{ab}\,\mathcal M^{ab}`
  (:math:`\mathcal M^{ab}=2\partial L/\partial\eta_{ab}`), symmetric nested list of n-forms.

Several fields at once (``wrt=('coframe', 'metric_connection')``) give a dict.

**Component route** (``method='component'``): each field is varied by
:math:`\epsilon\,h(x)` with generic functions and sympy's Euler operator is applied
to the density, as for the coframe alone.

>>> import sympy as sp
>>> import geomkit as gk
>>> c = gk.Chart('x y z')
>>> cf = gk.Coframe(c.dx)
>>> W = gk.weitzenbock(cf)
>>> E = gk.field_equations(gk.einstein_hilbert(), 'metric_connection', connection=W)
>>> E[0][1]                      # Palatini: varying omega gives the torsion; zero here
0
"""

from itertools import combinations
from types import SimpleNamespace

import sympy as sp

from ..errors import DegreeError, GeomkitError
from .forms import Form, d
from .frames import Coframe
from .variational import (
    DualForm,
    VariedFrameOps,
    _assemble,
    _base,
    _dual_basis_form,
    _master,
    _tangents,
    _top,
)

__all__ = [
    "AffineFrameOps",
    "FIELDS",
    "general_field_equations",
    "in_terms_of",
    "einstein_hilbert",
    "einstein_cartan",
    "f_T",
    "f_Q",
    "quadratic_teleparallel",
]

#: the field names ``wrt`` accepts besides a Coframe and potentials
FIELDS = ("coframe", "connection", "metric_connection", "metric")


# -- scalar functions of invariants ---------------------------------------------------------
class _Placeholders:
    """:math:`f^{(k)}(X)` as plain symbols, with the argument X of each function."""

    def __init__(self):
        self.arg = {}  # fn -> argument expression
        self.sym = {}  # (fn, k) -> Symbol
        self.info = {}  # Symbol -> (fn, k)

    def get(self, fn, k, arg):
        old = self.arg.setdefault(fn, arg)
        if old is not arg and sp.cancel(old - arg) != 0:
            raise GeomkitError(f"{fn} is applied to two different invariants in one Lagrangian")
        key = (fn, k)
        if key not in self.sym:
            s = sp.Dummy(f"{fn}_{k}")
            self.sym[key] = s
            self.info[s] = key
        return self.sym[key]

    def chain(self):
        """{symbol f^(k): (symbol f^(k+1), X)}, creating the next derivative."""
        out = {}
        for s, (fn, k) in list(self.info.items()):
            out[s] = (self.get(fn, k + 1, self.arg[fn]), self.arg[fn])
        return out

    def restore(self):
        xi = sp.Dummy("xi")
        out = {}
        for s, (fn, k) in self.info.items():
            X = self.arg[fn]
            out[s] = fn(X) if k == 0 else sp.Subs(sp.Derivative(fn(xi), (xi, k)), xi, X)
        return out


def _apply_function(fn, X, ph):
    """``fn(X)`` for a 0-form X (with variations): chain rule on the variations."""
    Xb = _base(X)
    if Xb.degree != 0:
        raise DegreeError(f"apply: {fn} needs a 0-form, got a {Xb.degree}-form")
    x0 = Xb[()]
    if isinstance(fn, sp.core.function.UndefinedFunction):
        if ph is None:
            return Xb.chart.scalar(fn(x0)) if not _tangents(X) else None
        f0, f1 = ph.get(fn, 0, x0), ph.get(fn, 1, x0)
    else:
        xi = sp.Dummy("xi")
        fx = sp.sympify(fn(xi))
        f0, f1 = fx.subs(xi, x0), sp.diff(fx, xi).subs(xi, x0)
    base = Xb.chart.scalar(f0)
    t = _tangents(X)
    if not t:
        return base
    return DualForm.make(base, {k: v * f1 for k, v in t.items()})


def in_terms_of(obj, fn, symbol):
    """Replace ``fn(X)`` and its derivatives at any argument X by ``fn(symbol)`` and
    ``Derivative(fn(symbol), symbol, k)`` (for printing: f, f_T, f_TT at T = X).

    Works on expressions, Forms and nested lists/tuples of them.

    >>> import sympy as sp
    >>> t = sp.Symbol('t')
    >>> f, a = sp.Function('f'), sp.Function('a')(t)
    >>> e = sp.diff(f(a**2), t)
    >>> in_terms_of(e, f, sp.Symbol('T'))
    2*a(t)*Derivative(a(t), t)*Derivative(f(T), T)
    """
    if isinstance(obj, (list, tuple)):
        return type(obj)(in_terms_of(x, fn, symbol) for x in obj)
    if isinstance(obj, Form):
        return obj.applyfunc(lambda v: in_terms_of(v, fn, symbol))
    if isinstance(obj, sp.MatrixBase):
        return obj.applyfunc(lambda v: in_terms_of(v, fn, symbol))
    e = sp.sympify(obj)

    def subs_rule(s):
        expr, vars_, _ = s.args
        if isinstance(expr, sp.Derivative) and isinstance(expr.expr.func, type(fn)) \
                and expr.expr.func == fn and len(vars_) == 1:
            k = expr.derivative_count
            return sp.Derivative(fn(symbol), (symbol, k))
        return s

    e = e.replace(lambda x: isinstance(x, sp.Subs), subs_rule)
    e = e.replace(lambda x: isinstance(x, sp.Derivative) and x.expr.func == fn
                  and len(x.expr.args) == 1 and x.variables == x.expr.args,
                  lambda x: sp.Derivative(fn(symbol), (symbol, x.derivative_count)))
    return e.replace(lambda x: getattr(x, "func", None) == fn and len(x.args) == 1,
                     lambda x: fn(symbol))


# -- frame operations with a varied frame metric ----------------------------------------------
class AffineFrameOps(VariedFrameOps):
    """The operations of :class:`~geomkit.symbolic.variational.FrameOps` when the coframe
    (directions ``h_e``) and the frame metric (``eta`` entries carrying variations) vary.

    Also offers the invariants as 0-forms (with their variations):
    ``torsion_scalar(T)`` :math:`\\mathbb T`, ``nonmetricity_scalar(Q)`` :math:`\\mathcal Q`,
    ``curvature_scalar(R)`` :math:`R=\\eta^{bd}R^a{}_{bad}`, ``scalar(X)`` :math:`=\\star X`
    of an n-form, and ``apply(f, X)`` :math:`=f(X)`.
    """

    def __init__(self, coframe, h_e=None, eta=None, eta_inv=None, h_g=None, placeholders=None):
        super().__init__(coframe, h_e)
        n = self.n
        chart = self.chart
        self._eta_d = eta or [[chart.scalar(coframe.eta[a, b]) for b in range(n)]
                              for a in range(n)]
        gi = self.eta_inv
        self._eta_inv_d = eta_inv or [[chart.scalar(gi[a, b]) for b in range(n)]
                                      for a in range(n)]
        self.h_g = dict(h_g or {})
        self._ph = placeholders

    @staticmethod
    def _live(x):
        return bool(_base(x)) or bool(_tangents(x))

    def _contract(self, M, V):
        n = self.n
        out = []
        for a in range(n):
            acc = None
            for b in range(n):
                if self._live(M[a][b]) and self._live(V[b]):
                    t = M[a][b] * V[b]
                    acc = t if acc is None else acc + t
            out.append(acc if acc is not None else 0 * V[0])
        return tuple(out)

    def lower(self, V):
        return self._contract(self._eta_d, V)

    def raise_(self, V):
        return self._contract(self._eta_inv_d, V)

    def iota_up(self, a, X):
        out = None
        for b in range(self.n):
            g = self._eta_inv_d[a][b]
            if self._live(g):
                t = self.iota(b, X) * g
                out = t if out is None else out + t
        return out

    def hodge(self, X):
        out = super().hodge(X)
        if not self.h_g:
            return out
        Xb = _base(X)
        base = _base(out)
        n = self.n
        iX = [self._iota(a, Xb) if Xb.degree > 0 else None for a in range(n)]
        iS = [self._iota(a, base) if base.degree > 0 else None for a in range(n)]
        tan = dict(_tangents(out))
        for k, hs in self.h_g.items():
            v = _master(self.coframe, hs, iX, iS, self._hodge)
            if v is not None and v:
                tan[k] = tan[k] + v if k in tan else v
        return DualForm.make(base, tan)

    # -- invariants ---------------------------------------------------------------------------
    def apply(self, fn, X):
        """:math:`f(X)` of a scalar (0-form) ``X``: ``fn`` an undefined sympy Function
        (f' and f'' then appear in the equations) or any callable of one sympy argument."""
        return _apply_function(fn, X, self._ph)

    def scalar(self, X):
        """:math:`\\star X` of an n-form (its scalar density per unit volume)."""
        return self.hodge(X)

    def _comps(self, X):
        """Frame components of a 1- or 2-form: ``[c]`` or ``[b][c]`` (0-forms)."""
        n = self.n
        if _base(X).degree == 1:
            return [self.iota(c, X) for c in range(n)]
        return [[self.iota(c, self.iota(b, X)) for c in range(n)] for b in range(n)]

    def _raise_slot(self, A, slot):
        """Raise index ``slot`` of a rank-3 array of 0-forms."""
        n, gi = self.n, self._eta_inv_d
        out = [[[None] * n for _ in range(n)] for _ in range(n)]
        for i in range(n):
            for j in range(n):
                for k in range(n):
                    acc = None
                    for m in range(n):
                        g = gi[(i, j, k)[slot]][m]
                        idx = [i, j, k]
                        idx[slot] = m
                        x = A[idx[0]][idx[1]][idx[2]]
                        if self._live(g) and self._live(x):
                            t = x * g
                            acc = t if acc is None else acc + t
                    out[i][j][k] = acc if acc is not None else self.chart.scalar(0)
        return out

    def _sum(self, terms, degree=0):
        acc = None
        for t in terms:
            if self._live(t):
                acc = t if acc is None else acc + t
        return acc if acc is not None else Form(self.chart, degree)

    def torsion_scalar(self, T):
        """:math:`\\mathbb T=\\tfrac14T_{abc}T^{abc}+\\tfrac12T_{abc}T^{bac}-T_aT^a`."""
        n = self.n
        comps = [self._comps(T[a]) for a in range(n)]  # T^a_bc
        low = [[[self._sum(self._eta_d[a][m] * comps[m][b][c] for m in range(n))
                 for c in range(n)] for b in range(n)] for a in range(n)]
        up = self._raise_slot(self._raise_slot(comps, 1), 2)  # T^a^b^c
        Tv = [self._sum(comps[b][b][a] for b in range(n)) for a in range(n)]  # T_a
        Tu = self.raise_(Tv)
        r = range(n)
        s1 = self._sum(low[a][b][c] * up[a][b][c] for a in r for b in r for c in r)
        s2 = self._sum(low[a][b][c] * up[b][a][c] for a in r for b in r for c in r)
        s3 = self._sum(Tv[a] * Tu[a] for a in r)
        return s1 / 4 + s2 / 2 - s3

    def nonmetricity_scalar(self, Q):
        """:math:`\\mathcal Q=-\\tfrac14Q_{cab}Q^{cab}+\\tfrac12Q_{cab}Q^{acb}
        +\\tfrac14q_cq^c-\\tfrac12q_c\\lambda^c` (``Q_{cab}`` :math:`=Q_{ab}(e_c)`)."""
        n = self.n
        r = range(n)
        S = [[[self.iota(c, Q[a][b]) for b in r] for a in r] for c in r]  # S[c][a][b]
        U = self._raise_slot(self._raise_slot(self._raise_slot(S, 0), 1), 2)
        gi = self._eta_inv_d
        q = [self._sum(gi[a][b] * S[c][a][b] for a in r for b in r) for c in r]
        lam = [self._sum(gi[a][c] * S[c][a][b] for a in r for c in r) for b in r]
        qu = self.raise_(q)
        s1 = self._sum(S[c][a][b] * U[c][a][b] for a in r for b in r for c in r)
        s2 = self._sum(S[c][a][b] * U[a][c][b] for a in r for b in r for c in r)
        s3 = self._sum(q[c] * qu[c] for c in r)
        s4 = self._sum(lam[c] * qu[c] for c in r)
        return -s1 / 4 + s2 / 2 + s3 / 4 - s4 / 2

    def curvature_scalar(self, R):
        """:math:`R=\\eta^{bd}R^a{}_{bad}` of the curvature 2-forms ``R[a][b]``."""
        n = self.n
        r = range(n)
        return self._sum(self._eta_inv_d[b][dd] * self.iota(dd, self.iota(a, R[a][b]))
                         for a in r for b in r for dd in r)


# -- building the varied fields ----------------------------------------------------------------
def _unit(chart, I):
    return Form(chart, len(I), {I: 1})


def _dual(base, tangent):
    return DualForm.make(base, tangent) if tangent else base


def _normalize_wrt(wrt):
    names = (wrt,) if isinstance(wrt, str) else tuple(wrt)
    for w in names:
        if w not in FIELDS:
            raise GeomkitError(f"wrt: unknown field {w!r}; choose among {FIELDS} or a potential")
    if "connection" in names and "metric_connection" in names:
        raise GeomkitError("vary either 'connection' (all omega) or 'metric_connection', not both")
    if "metric_connection" in names and "metric" in names:
        raise GeomkitError("'metric_connection' with a varied frame metric is not defined; "
                           "vary 'connection' (all omega^a_b) in metric-affine theories")
    return names


def _omega_forms(coframe, connection):
    n, chart = coframe.n, coframe.chart
    if connection is None:
        return [[Form(chart, 1) for _ in range(n)] for _ in range(n)]
    return [[w if isinstance(w, Form) else Form(chart, 1) for w in row]
            for row in connection.omega()]


def _build(coframe, omega, names, scale, ph):
    """Varied fields, frame operations and the variation keys of each field."""
    n, chart = coframe.n, coframe.chart
    dx = chart.dx
    pairs = list(combinations(range(n), 2))
    keys = {}
    eta = coframe.eta
    eta_inv = sp.Matrix(eta).inv()
    zero1 = Form(chart, 1)
    # coframe
    h_e = {}
    if "coframe" in names:
        h_e = {("e", a, m): tuple(dx[m] if b == a else zero1 for b in range(n))
               for a in range(n) for m in range(n)}
        keys["coframe"] = (list(h_e), [("de", a, I) for a in range(n) for I in pairs])
    # frame metric
    eta_d = eta_inv_d = None
    h_g = {}
    if "metric" in names:
        sym = [(a, b) for a in range(n) for b in range(a, n)]
        eta_d = [[None] * n for _ in range(n)]
        for a, b in sym:
            x = _dual(chart.scalar(eta[a, b]), {("g", a, b): chart.scalar(1)})
            eta_d[a][b] = eta_d[b][a] = x
        eta_inv_d = []
        for a in range(n):
            row = []
            for b in range(n):
                # delta eta^{ab} = -eta^{ac} delta eta_cd eta^{db}
                t = {}
                for c, dd in sym:
                    v = eta_inv[a, c] * eta_inv[dd, b]
                    if c != dd:
                        v += eta_inv[a, dd] * eta_inv[c, b]
                    v = sp.cancel(v)
                    if v != 0:
                        t["g", c, dd] = chart.scalar(-v)
                row.append(_dual(chart.scalar(eta_inv[a, b]), t))
            eta_inv_d.append(row)
        e_forms = coframe.forms
        for a, b in sym:
            # h^c = 1/2 eta^{cd} delta eta_de e^e for delta eta_ab = delta eta_ba = 1
            hs = []
            for c in range(n):
                h = zero1
                for dd, ee in ((a, b), (b, a)) if a != b else ((a, a),):
                    if eta_inv[c, dd] != 0:
                        h = h + e_forms[ee] * (eta_inv[c, dd] / 2)
                hs.append(h)
            h_g["g", a, b] = tuple(hs)
        keys["metric"] = (list(h_g), [("dg", a, b, m) for a, b in sym for m in range(n)])
    ops = AffineFrameOps(coframe, h_e, eta_d, eta_inv_d, h_g, ph)
    e = ops.e
    de = [_dual(d(coframe.forms[a]), {("de", a, I): _unit(chart, I) for I in pairs}
                if "coframe" in names else {}) for a in range(n)]
    # connection
    w_t = [[{} for _ in range(n)] for _ in range(n)]
    dw_t = [[{} for _ in range(n)] for _ in range(n)]
    if "connection" in names:
        for a in range(n):
            for b in range(n):
                w_t[a][b] = {("w", a, b, m): dx[m] for m in range(n)}
                dw_t[a][b] = {("dw", a, b, I): _unit(chart, I) for I in pairs}
        keys["connection"] = ([("w", a, b, m) for a in range(n) for b in range(n)
                               for m in range(n)],
                              [("dw", a, b, I) for a in range(n) for b in range(n) for I in pairs])
    if "metric_connection" in names:
        wk, dk = [], []
        for c, b in pairs:
            # delta omega_cb = -delta omega_bc = dx^m: delta omega^a_b = eta^{ac} dx^m, ...
            for a in range(n):
                for (lo, hi, s) in ((c, b, 1), (b, c, -1)):
                    g = eta_inv[a, lo]
                    if g == 0:
                        continue
                    for m in range(n):
                        w_t[a][hi]["w", c, b, m] = dx[m] * (s * g)
                    for I in pairs:
                        dw_t[a][hi]["dw", c, b, I] = _unit(chart, I) * (s * g)
            wk += [("w", c, b, m) for m in range(n)]
            dk += [("dw", c, b, I) for I in pairs]
        if not coframe.constant_eta:
            raise GeomkitError("'metric_connection' needs a constant frame metric")
        keys["metric_connection"] = (wk, dk)
    w = [[_dual(omega[a][b], w_t[a][b]) for b in range(n)] for a in range(n)]
    dw = [[_dual(d(omega[a][b]), dw_t[a][b]) for b in range(n)] for a in range(n)]
    # eta and d eta
    if eta_d is None:
        eta_d = [[chart.scalar(eta[a, b]) for b in range(n)] for a in range(n)]
    deta = [[None] * n for _ in range(n)]
    for a in range(n):
        for b in range(a, n):
            t = {("dg", a, b, m): dx[m] for m in range(n)} if "metric" in names else {}
            deta[a][b] = deta[b][a] = _dual(d(chart.scalar(eta[a, b])), t)
    live = AffineFrameOps._live
    T = []
    for a in range(n):
        t = de[a]
        for b in range(n):
            if live(w[a][b]):
                t = t + (w[a][b] ^ e[b])
        T.append(t)
    R = [[None] * n for _ in range(n)]
    for a in range(n):
        for b in range(n):
            r = dw[a][b]
            for c in range(n):
                if live(w[a][c]) and live(w[c][b]):
                    r = r + (w[a][c] ^ w[c][b])
            R[a][b] = r
    # omega_ab = eta_ac omega^c_b
    wl = [[ops._sum((eta_d[a][c] * w[c][b] for c in range(n)), 1) for b in range(n)]
          for a in range(n)]
    Q = [[None] * n for _ in range(n)]
    for a in range(n):
        for b in range(a, n):
            q = (-deta[a][b] + wl[a][b] + wl[b][a]) * scale
            if not live(q):
                q = Form(chart, 1)
            Q[a][b] = Q[b][a] = q
    fields = SimpleNamespace(T=tuple(T), R=R, Q=Q, omega=w, eta=eta_d)
    return ops, fields, keys


def _coefficients(res, keys, n):
    _top(_base(res), n)
    tan = _tangents(res)
    top = tuple(range(n))
    return {k: (tan[k][top] if k in tan else sp.S.Zero) for k in keys}


def general_field_equations(L, names, coframe, connection=None, potentials=None,
                            method="exterior", simplify=None, nonmetricity_scale=None):
    """Euler--Lagrange forms of ``L`` for the fields ``names`` (see the module doc)."""
    names = _normalize_wrt(names)
    if not isinstance(coframe, Coframe):
        raise GeomkitError("field equations need a coframe= (or a connection= on one)")
    if connection is not None and connection.coframe.chart != coframe.chart:
        raise GeomkitError("connection and coframe live on different charts")
    scale = sp.nsimplify(nonmetricity_scale if nonmetricity_scale is not None else
                         (connection.nonmetricity_scale if connection is not None else 1))
    if method == "component":
        from .field_theories_components import component_equations

        out = component_equations(L, names, coframe, connection, potentials or {}, scale,
                                  simplify)
    elif method == "exterior":
        out = _exterior(L, names, coframe, connection, potentials or {}, scale, simplify)
    else:
        raise GeomkitError(f"method must be 'exterior' or 'component', got {method!r}")
    return out[names[0]] if len(names) == 1 else out


def _fields_with_potentials(fields, potentials):
    for name, A in potentials.items():
        if not isinstance(A, Form):
            raise GeomkitError(f"potential {name!r} must be a Form, got {type(A).__name__}")
        setattr(fields, name, A)
        setattr(fields, "d" + name, d(A))
    return fields


def _exterior(L, names, coframe, connection, potentials, scale, simplify):
    from .simplify import get_strategy

    n, chart = coframe.n, coframe.chart
    ph = _Placeholders()
    omega = _omega_forms(coframe, connection)
    ops, fields, keys = _build(coframe, omega, names, scale, ph)
    res = L(ops, _fields_with_potentials(fields, potentials))
    allkeys = [k for a, b in keys.values() for k in a + b]
    c = _coefficients(res, allkeys, n)
    chain = ph.chain() if ph.info else None
    f = None if simplify is None else get_strategy(simplify)
    restore = ph.restore() if ph.info else None
    pairs = list(combinations(range(n), 2))

    def assemble(plain, derived):
        out = _assemble(coframe, plain, derived, None, chain)
        if restore:
            out = out.applyfunc(lambda v: v.xreplace(restore))
        return out if f is None else out.simplify(f)

    out = {}
    for name in names:
        if name == "coframe":
            E = []
            for a in range(n):
                A = _dual_basis_form(chart, {(m,): c["e", a, m] for m in range(n)}, 1)
                P = _dual_basis_form(chart, {I: c["de", a, I] for I in pairs}, 2)
                E.append(assemble([A], [P]))
            out[name] = tuple(E)
        elif name == "connection":
            E = [[None] * n for _ in range(n)]
            for a in range(n):
                for b in range(n):
                    A = _dual_basis_form(chart, {(m,): c["w", a, b, m] for m in range(n)}, 1)
                    P = _dual_basis_form(chart, {I: c["dw", a, b, I] for I in pairs}, 2)
                    E[a][b] = assemble([A], [P])
            out[name] = E
        elif name == "metric_connection":
            E = [[Form(chart, n - 1) for _ in range(n)] for _ in range(n)]
            for a, b in pairs:
                A = _dual_basis_form(chart, {(m,): c["w", a, b, m] for m in range(n)}, 1)
                P = _dual_basis_form(chart, {I: c["dw", a, b, I] for I in pairs}, 2)
                E[a][b] = assemble([A], [P])
                E[b][a] = -E[a][b]
            out[name] = E
        else:  # metric
            M = [[None] * n for _ in range(n)]
            top = tuple(range(n))
            for a in range(n):
                for b in range(a, n):
                    k = 2 if a == b else 1
                    A = Form(chart, n, {top: k * c["g", a, b]})
                    P = _dual_basis_form(chart, {(m,): -k * c["dg", a, b, m] for m in range(n)},
                                         1)
                    M[a][b] = M[b][a] = assemble([A], [P])
            out[name] = M
    return out


# -- ready-made Lagrangians ---------------------------------------------------------------------
def einstein_hilbert(kappa=1, cosmological_constant=0):
    r"""Einstein--Hilbert in forms, :math:`L=\frac1{2\kappa}\big(R^a{}_b\wedge\star(e_a\wedge e^b)
    -2\Lambda\,\mathrm{vol}\big)=\frac1{2\kappa}(R-2\Lambda)\mathrm{vol}`.

    Varying the coframe at the Levi-Civita connection gives
    :math:`\mathrm{EL}_a{}^\nu=-\frac{\det E}{\kappa}(G^\nu{}_a+\Lambda E_a{}^\nu)`; varying the
    metric-compatible connection gives :math:`\mathcal E^{ab}=\frac1\kappa\,
    \star(e^a\wedge e^b\wedge e_c)\wedge T^c`, so :math:`T=0` (Palatini).
    """
    kappa = sp.sympify(kappa)
    lam = sp.sympify(cosmological_constant)

    def L(e, f):
        el = e.e_lower
        n = e.n
        out = None
        for a in range(n):
            for b in range(n):
                if AffineFrameOps._live(f.R[a][b]):
                    t = f.R[a][b] ^ e.hodge(el[a] ^ e.e[b])
                    out = t if out is None else out + t
        vol = e.vol
        out = 0 * vol if out is None else out
        if lam != 0:
            out = out - vol * (2 * lam)
        return out / (2 * kappa)

    return L


def einstein_cartan(spin, kappa=1):
    r"""Einstein--Cartan: :func:`einstein_hilbert` plus a given spin source,
    :math:`L=\frac1{2\kappa}R^a{}_b\wedge\star(e_a\wedge e^b)+\tfrac12\omega^{ab}\wedge\tau_{ab}`,

    ``spin[a][b]`` the antisymmetric (n-1)-forms :math:`\tau_{ab}` (lower indices,
    :math:`\delta L_{\rm matter}=\tfrac12\delta\omega^{ab}\wedge\tau_{ab}`).  Varied with
    ``'metric_connection'``:
    :math:`\frac1\kappa\star(e^a\wedge e^b\wedge e_c)\wedge T^c+\tau^{ab}=0`:
    the torsion is algebraic in the spin.
    """
    EH = einstein_hilbert(kappa)

    def L(e, f):
        n = e.n
        out = EH(e, f)
        for a in range(n):
            for b in range(n):
                tau = spin[a][b]
                if not isinstance(tau, Form) or not tau:
                    continue
                # omega^{ab} = omega^a_c eta^{cb}
                wab = e._sum((f.omega[a][c] * e._eta_inv_d[c][b] for c in range(n)), 1)
                out = out + (wab ^ tau) / 2
        return out

    return L


def f_T(f, kappa=1):
    r"""f(T) gravity: :math:`L=\frac1{2\kappa}f(\mathbb T)\,\mathrm{vol}` (vary the coframe at a
    fixed flat metric connection, e.g. :func:`~geomkit.weitzenbock`).

    ``f`` is an undefined ``sympy.Function`` (f', f'' appear in the equations) or any
    callable.  In geomkit's signs (:math:`\mathring R=-\mathbb T+2\mathring\nabla_cT^c`) general
    relativity is :math:`f(\mathbb T)=-\mathbb T`.
    """
    kappa = sp.sympify(kappa)

    def L(e, fl):
        return e.apply(f, e.torsion_scalar(fl.T)) * e.vol / (2 * kappa)

    return L


def f_Q(f, kappa=1):
    r"""f(Q) gravity: :math:`L=\frac1{2\kappa}f(\mathcal Q)\,\mathrm{vol}` (vary the frame metric in
    the coincident gauge, or the coframe at a fixed flat torsion-free connection).

    With :math:`\mathring R=\mathcal Q+\mathring\nabla_c(q^c-\lambda^c)` general relativity is
    :math:`f(\mathcal Q)=\mathcal Q`.
    """
    kappa = sp.sympify(kappa)

    def L(e, fl):
        return e.apply(f, e.nonmetricity_scalar(fl.Q)) * e.vol / (2 * kappa)

    return L


def quadratic_teleparallel(a=(0, 0, 0), b=(0, 0, 0, 0, 0), c=(0, 0, 0)):
    r"""The general quadratic teleparallel Lagrangian :math:`L=\mathbb G\,\mathrm{vol}`,

    .. math:: \mathbb G=a_1T_{abc}T^{abc}+a_2T_{abc}T^{bac}+a_3T_aT^a
       +b_1Q_{cab}Q^{cab}+b_2Q_{cab}Q^{acb}+b_3q_cq^c+b_4\lambda_c\lambda^c+b_5q_c\lambda^c
       +c_1T_{abc}Q^{bca}+c_2T_aq^a+c_3T_a\lambda^a

    (:math:`T_a=T^b{}_{ba}`, :math:`Q_{cab}=Q_{ab}(e_c)`, :math:`q=\eta^{ab}Q_{ab}`,
    :math:`\lambda_b=Q^a{}_{ab}`).  TEGR is :math:`a=(\tfrac14,\tfrac12,-1)`, STEGR
    :math:`b=(-\tfrac14,\tfrac12,\tfrac14,0,-\tfrac12)` (the scalars :math:`\mathbb T`,
    :math:`\mathcal Q`).
    """
    a = [sp.sympify(x) for x in a]
    b = [sp.sympify(x) for x in b]
    c = [sp.sympify(x) for x in c]

    def L(e, f):
        n = e.n
        r = range(n)
        terms = []
        if any(a) or c[0] != 0 or c[1] != 0 or c[2] != 0:
            comps = [e._comps(f.T[x]) for x in r]
            Tv = [e._sum(comps[y][y][x] for y in r) for x in r]
            Tu = e.raise_(Tv)
        if any(a):
            up = e._raise_slot(e._raise_slot(comps, 1), 2)
            low = [[[e._sum(e._eta_d[x][m] * comps[m][y][z] for m in r) for z in r] for y in r]
                   for x in r]
            terms.append(e._sum(low[x][y][z] * up[x][y][z] for x in r for y in r for z in r)
                         * a[0])
            terms.append(e._sum(low[x][y][z] * up[y][x][z] for x in r for y in r for z in r)
                         * a[1])
            terms.append(e._sum(Tv[x] * Tu[x] for x in r) * a[2])
        if any(b) or any(c):
            S = [[[e.iota(z, f.Q[x][y]) for y in r] for x in r] for z in r]  # S[c][a][b]
            gi = e._eta_inv_d
            q = [e._sum(gi[x][y] * S[z][x][y] for x in r for y in r) for z in r]
            lam = [e._sum(gi[x][z] * S[z][x][y] for x in r for z in r) for y in r]
            qu, lu = e.raise_(q), e.raise_(lam)
        if any(b):
            U = e._raise_slot(e._raise_slot(e._raise_slot(S, 0), 1), 2)
            terms.append(e._sum(S[z][x][y] * U[z][x][y] for x in r for y in r for z in r) * b[0])
            terms.append(e._sum(S[z][x][y] * U[x][z][y] for x in r for y in r for z in r) * b[1])
            terms.append(e._sum(q[x] * qu[x] for x in r) * b[2])
            terms.append(e._sum(lam[x] * lu[x] for x in r) * b[3])
            terms.append(e._sum(q[x] * lu[x] for x in r) * b[4])
        if c[0] != 0:
            # T_abc Q^bca = T^a_bc Q_{a}^{bc}... with Q^{bca} = Q^{ca}(e^b): lower T's first
            low = [[[e._sum(e._eta_d[x][m] * comps[m][y][z] for m in r) for z in r] for y in r]
                   for x in r]
            U = e._raise_slot(e._raise_slot(e._raise_slot(S, 0), 1), 2)
            terms.append(e._sum(low[x][y][z] * U[y][z][x] for x in r for y in r for z in r)
                         * c[0])
        if c[1] != 0:
            terms.append(e._sum(Tv[x] * qu[x] for x in r) * c[1])
        if c[2] != 0:
            terms.append(e._sum(Tv[x] * lu[x] for x in r) * c[2])
        return e._sum(terms) * e.vol

    return L


def _plain_fields(fields, coframe, connection):
    """``f.R``, ``f.Q``, ``f.omega`` of a fixed connection (the coframe varied alone)."""
    chart = coframe.chart
    z1, z2 = Form(chart, 1), Form(chart, 2)
    if connection is None:
        from .teleparallel import weitzenbock

        connection = weitzenbock(coframe)
    w = _omega_forms(coframe, connection)
    R = connection.curvature()
    Q = connection.nonmetricity()
    fields.omega = w
    fields.R = [[x if isinstance(x, Form) else z2 for x in row] for row in R]
    fields.Q = [[x if isinstance(x, Form) else z1 for x in row] for row in Q]
    return fields
