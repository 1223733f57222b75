r"""Field equations of Lagrangian n-forms: exterior calculus of variations (docs/conventions.md).

**Lagrangians.** A Lagrangian is a Python callable ``L(e, f)`` returning an
n-:class:`~geomkit.Form`.  ``e`` is a :class:`FrameOps` (the coframe and the
operations that depend on it: ``e.e[a]`` :math:`=e^a`, ``e.e_lower[a]``
:math:`=e_a=\eta_{ab}e^b`, ``e.iota(a, X)`` :math:`=\iota_{e_a}X`, ``e.hodge(X)``,
``e.vol``, ``e.lower(V)``, ``e.torsion_pieces(T)``); ``f`` holds the fields: ``f.T``
(the torsion 2-forms :math:`T^a=De^a`) and, for every potential ``name`` given in
``potentials``, ``f.name`` and its field strength ``f.dname`` (:math:`F=dA`).  Write
it as on paper:

>>> import sympy as sp
>>> import geomkit as gk
>>> maxwell = lambda e, f: -(f.dA ^ e.hodge(f.dA)) / 2
>>> torsion_energy = lambda e, f: sum(f.T[a] ^ e.hodge(e.lower(f.T)[a]) for a in range(e.n)) / 2

Inside a Lagrangian use the operators ``^ + - * /`` and the methods of ``e``
(``e.wedge``, ``e.hodge``, ``e.iota``): the variations travel with the forms, and
module-level functions (``gk.wedge``, ``gk.interior``, ``gk.d``, ``coframe.hodge``
of a coframe captured from outside) would see only the unvaried forms.

**Exterior route** (``method='exterior'``, the default).  With
:math:`\delta L=\delta e^a\wedge\partial L/\partial e^a+\delta T^a\wedge\partial L/\partial T^a`
(left coefficients) and :math:`\delta T^a=D\delta e^a` (the connection is held fixed),

.. math:: \delta L=\delta e^a\wedge\mathcal E_a+d(\delta e^a\wedge H_a),\qquad
          \mathcal E_a=\frac{\partial L}{\partial e^a}+DH_a,\qquad
          H_a=\frac{\partial L}{\partial T^a},

with :math:`DH_a=dH_a-\omega^b{}_a\wedge H_b`.  :math:`H_a` is read off by varying
:math:`T^a` algebraically; :math:`\partial L/\partial e^a` by evaluating ``L`` on a
*varied frame* whose operations carry their first-order variation under
:math:`\delta e^a=h^a` (:class:`VariedFrameOps`): :math:`\delta e_a=-(\iota_ah^b)e_b`
for the frame, :math:`\delta\iota_a=-(\iota_ah^b)\iota_b`, and the master formula
(Muench--Gronwald--Hehl) for the Hodge star, :func:`hodge_variation`,

.. math:: \delta\star\Phi=\star\delta\Phi-\star(h^a\wedge\iota_a\Phi)+h^a\wedge\iota_a\star\Phi .

For a p-form potential :math:`A` with :math:`F=dA`:
:math:`\mathcal E_A=\partial L/\partial A+(-1)^{p+1}d\,(\partial L/\partial F)`.

**Component route** (``method='component'``, the reference).  The coframe (or
potential) is varied by :math:`\epsilon h` with generic functions :math:`h`, the
coefficient of :math:`\epsilon` in the density is taken, and the Euler operator with
respect to :math:`h` gives :math:`\mathrm{EL}_a{}^\mu=\partial\mathcal L/\partial E^a{}_\mu-
\partial_\nu\,\partial\mathcal L/\partial(\partial_\nu E^a{}_\mu)` (sympy's
``euler_equations``).  The two routes agree when
:math:`\delta e^a\wedge\mathcal E_a=\delta E^a{}_\mu\,\mathrm{EL}_a{}^\mu\,d^nx`,
i.e. :math:`\mathrm{EL}_a{}^\mu` is the :math:`d^nx` coefficient of
:math:`dx^\mu\wedge\mathcal E_a` (:func:`to_components`).

>>> c = gk.Chart('t x y z')
>>> cf = gk.Coframe(c.dx, sp.diag(-1, 1, 1, 1))
>>> A = c.function('phi') * c.dx[0]
>>> E = gk.field_equations(maxwell, wrt='A', coframe=cf, potentials={'A': A})
>>> E.equals(-gk.d(cf.hodge(gk.d(A))))      # -d*F
True
"""

from itertools import combinations
from types import SimpleNamespace

import sympy as sp

from ..errors import DegreeError, GeomkitError
from .forms import Form, d, interior, sort_sign
from .frames import Coframe
from .simplify import get_strategy

__all__ = [
    "FrameOps",
    "VariedFrameOps",
    "DualForm",
    "field_equations",
    "hodge_variation",
    "to_components",
    "reduce_form",
    "from_components",
    "new_gr",
    "tegr",
    "maxwell",
]


# -- forms with first-order variations ------------------------------------------------------
def _add_tangents(t1, t2, sign=1):
    out = dict(t1)
    for k, v in t2.items():
        w = out[k] + v * sign if k in out else v * sign
        if w:
            out[k] = w
        else:
            out.pop(k, None)
    return out


class DualForm(Form):
    """A form with first-order variations: :math:`\\Phi+\\sum_k\\epsilon_k\\,\\delta_k\\Phi`.

    Behaves like its base :class:`~geomkit.Form` under ``+ - * / ^`` (Leibniz rule
    for the variations); :attr:`tangent` maps a direction key ``k`` to
    :math:`\\delta_k\\Phi` (zero variations are not stored).  Produced by
    :class:`VariedFrameOps` (directions ``('e', a, mu)``: :math:`\\delta e^b=\\delta^b_a
    dx^\\mu`) and by :func:`field_equations` (directions of the torsion and of
    potentials).  Plain Forms mix in with zero variation.
    """

    __slots__ = ("tangent",)

    @classmethod
    def make(cls, base, tangent):
        obj = cls.__new__(cls)
        obj._init(base.chart, base.degree, dict(base._c))
        object.__setattr__(obj, "tangent", {k: v for k, v in tangent.items() if v})
        return obj

    @property
    def base(self):
        return Form._new(self.chart, self.degree, self._c)

    @staticmethod
    def _split(x):
        if isinstance(x, DualForm):
            return x.base, x.tangent
        return x, {}

    def __add__(self, other):
        b, t = self._split(other)
        return DualForm.make(self.base + b, _add_tangents(self.tangent, t))

    __radd__ = __add__

    def __neg__(self):
        return DualForm.make(-self.base, {k: -v for k, v in self.tangent.items()})

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def _wedge(self, other, left):
        if not isinstance(other, Form):
            return DualForm.make(self.base * other,
                                 {k: v * other for k, v in self.tangent.items()})
        b, t = self._split(other)
        base = self.base ^ b if left else b ^ self.base
        tan = {}
        for k, v in self.tangent.items():
            tan[k] = v ^ b if left else b ^ v
        for k, v in t.items():
            w = self.base ^ v if left else v ^ self.base
            tan[k] = tan[k] + w if k in tan else w
        return DualForm.make(base, tan)

    def __mul__(self, other):
        return self._wedge(other, True)

    def __rmul__(self, other):
        return self._wedge(other, False)

    def __xor__(self, other):
        return self._wedge(other, True)

    def __rxor__(self, other):
        return self._wedge(other, False)

    def __truediv__(self, other):
        return self._wedge(1 / sp.sympify(other), True)

    def simplify(self, strategy="cancel"):
        return DualForm.make(self.base.simplify(strategy),
                             {k: v.simplify(strategy) for k, v in self.tangent.items()})

    def __repr__(self):
        return f"DualForm({Form.__repr__(self.base)}; {len(self.tangent)} variations)"


def _base(x):
    return x.base if isinstance(x, DualForm) else x


def _tangents(x):
    return x.tangent if isinstance(x, DualForm) else {}


# -- frame operations -----------------------------------------------------------------------
class FrameOps:
    """The coframe-dependent operations a Lagrangian may use (see the module doc).

    ``e.e`` (the 1-forms :math:`e^a`), ``e.e_lower`` (:math:`e_a`), ``e.iota(a, X)``
    (:math:`\\iota_{e_a}X`), ``e.iota_up(a, X)`` (:math:`\\iota^a X`), ``e.hodge(X)``,
    ``e.wedge(*forms)``,
    ``e.vol`` (:math:`\\star1`), ``e.lower(V)`` (:math:`V_a=\\eta_{ab}V^b`),
    ``e.trace(T)`` (:math:`\\iota_aT^a`), ``e.torsion_pieces(T)`` (the three
    irreducible pieces in the exterior formulas of ``docs/conventions.md``), ``e.n``,
    ``e.eta``, ``e.chart``, ``e.coframe``.
    """

    def __init__(self, coframe):
        if not isinstance(coframe, Coframe):
            raise GeomkitError(f"FrameOps needs a Coframe, got {type(coframe).__name__}")
        self.coframe = coframe
        self.n = coframe.n
        self.chart = coframe.chart
        self.eta = coframe.eta
        self.eta_inv = sp.Matrix(coframe.eta).inv()

    @property
    def e(self):
        return self.coframe.forms

    @property
    def e_lower(self):
        return self.lower(self.e)

    def lower(self, V):
        n, eta = self.n, self.eta
        return tuple(
            sum((V[b] * eta[a, b] for b in range(n) if eta[a, b] != 0), 0 * V[0])
            for a in range(n)
        )

    def raise_(self, V):
        n, gi = self.n, self.eta_inv
        return tuple(
            sum((V[b] * gi[a, b] for b in range(n) if gi[a, b] != 0), 0 * V[0])
            for a in range(n)
        )

    def wedge(self, *forms):
        """Exterior product of forms (variations included): ``forms[0] ^ forms[1] ^ ...``."""
        out = forms[0]
        for x in forms[1:]:
            out = out ^ x
        return out

    def _iota(self, a, X):
        if X.degree == 0:
            return Form(self.chart, 0)
        return interior(self.coframe.frame()[a], X)

    def iota(self, a, X):
        base = self._iota(a, _base(X))
        t = _tangents(X)
        if not t:
            return base
        return DualForm.make(base, {k: self._iota(a, v) for k, v in t.items()})

    def iota_up(self, a, X):
        gi = self.eta_inv
        out = None
        for b in range(self.n):
            if gi[a, b] != 0:
                t = self.iota(b, X) * gi[a, b]
                out = t if out is None else out + t
        return out

    def _hodge(self, X):
        return self.coframe.hodge(X)

    def hodge(self, X):
        base = self._hodge(_base(X))
        t = _tangents(X)
        if not t:
            return base
        return DualForm.make(base, {k: self._hodge(v) for k, v in t.items()})

    @property
    def vol(self):
        return self.hodge(self.chart.scalar(1))

    def trace(self, T):
        """:math:`\\iota_aT^a` of a vector-valued form."""
        return sum((self.iota(a, T[a]) for a in range(self.n)), 0 * self.iota(0, T[0]))

    def torsion_pieces(self, T):
        """:math:`({}^{(1)}T^a, {}^{(2)}T^a, {}^{(3)}T^a)` with
        :math:`{}^{(2)}T^a=\\frac1{n-1}e^a\\wedge\\iota_bT^b`,
        :math:`{}^{(3)}T^a=\\frac13\\iota^a(e_b\\wedge T^b)`, (1) the rest."""
        n = self.n
        e, el = self.e, self.e_lower
        tr = self.trace(T)
        A = sum((el[b] ^ T[b] for b in range(n)), 0 * (el[0] ^ T[0]))
        T2 = tuple((e[a] ^ tr) / (n - 1) for a in range(n))
        T3 = tuple(self.iota_up(a, A) / 3 for a in range(n))
        T1 = tuple(T[a] - T2[a] - T3[a] for a in range(n))
        return T1, T2, T3


class VariedFrameOps(FrameOps):
    """:class:`FrameOps` of a varied coframe to first order; results are :class:`DualForm`.

    ``h`` maps a direction key to the n 1-forms :math:`h^a=\\delta e^a` of that
    direction; the default is every elementary direction ``('e', a, mu)``,
    :math:`\\delta e^b=\\delta^b_a\\,dx^\\mu`.  :math:`\\eta` is held fixed, so
    :math:`\\delta e_a=-(\\iota_ah^b)e_b`, :math:`\\delta\\iota_a=-(\\iota_ah^b)\\iota_b`
    and :math:`\\delta\\star` is the master formula (:func:`hodge_variation`).
    """

    def __init__(self, coframe, h=None):
        super().__init__(coframe)
        n, chart = self.n, self.chart
        if h is None:
            zero = Form(chart, 1)
            h = {("e", a, m): tuple(chart.dx[m] if b == a else zero for b in range(n))
                 for a in range(n) for m in range(n)}
        self.h = {}
        for k, hs in h.items():
            hs = tuple(hs)
            if len(hs) != n or any(not isinstance(x, Form) or x.degree != 1 for x in hs):
                raise DegreeError(f"variation {k!r} needs {n} 1-forms")
            self.h[k] = hs
        fr = coframe.frame()
        # c[k][b][a] = h_k^b(e_a)
        self._c = {k: [[hs[b](fr[a]) if hs[b] else 0 for a in range(n)] for b in range(n)]
                   for k, hs in self.h.items()}

    @property
    def e(self):
        return tuple(
            DualForm.make(e, {k: hs[a] for k, hs in self.h.items() if hs[a]})
            for a, e in enumerate(self.coframe.forms)
        )

    def iota(self, a, X):
        Xb = _base(X)
        base = self._iota(a, Xb)
        tan = {k: self._iota(a, v) for k, v in _tangents(X).items()}
        if Xb.degree == 0:
            return DualForm.make(base, tan)
        inner = {}
        for k, c in self._c.items():
            acc = None
            for b in range(self.n):
                if c[b][a] != 0:
                    if b not in inner:
                        inner[b] = self._iota(b, Xb)
                    t = inner[b] * c[b][a]
                    acc = t if acc is None else acc + t
            if acc is not None and acc:
                tan[k] = tan[k] - acc if k in tan else -acc
        return DualForm.make(base, tan)

    def hodge(self, X):
        Xb = _base(X)
        base = self._hodge(Xb)
        tan = {k: self._hodge(v) for k, v in _tangents(X).items()}
        n = self.n
        iX = [self._iota(a, Xb) if Xb.degree > 0 else None for a in range(n)]
        iS = [self._iota(a, base) if base.degree > 0 else None for a in range(n)]
        for k, hs in self.h.items():
            v = _master(self.coframe, hs, iX, iS, self._hodge)
            if v is not None and v:
                tan[k] = tan[k] + v if k in tan else v
        return DualForm.make(base, tan)


def _master(coframe, h, iX, iS, hodge):
    """The frame-variation part of the master formula, given iota_a Phi and iota_a *Phi."""
    n = coframe.n
    out = None
    if iX[0] is not None:
        acc = None
        for a in range(n):
            if h[a] and iX[a]:
                t = h[a] ^ iX[a]
                acc = t if acc is None else acc + t
        if acc is not None and acc:
            out = -hodge(acc)
    if iS[0] is not None:
        for a in range(n):
            if h[a] and iS[a]:
                t = h[a] ^ iS[a]
                out = t if out is None else out + t
    return out


def hodge_variation(coframe, Phi, h, dPhi=None):
    r"""First-order change of :math:`\star\Phi` when :math:`e^a\to e^a+h^a` (:math:`\eta` fixed).

    The master formula :math:`\delta\star\Phi=\star\delta\Phi-\star(h^a\wedge\iota_a\Phi)+
    h^a\wedge\iota_a\star\Phi` (``dPhi`` is :math:`\delta\Phi`, default 0).  Tested
    against the exact derivative of the Hodge star of the coframe :math:`e+\epsilon h`.

    >>> import sympy as sp
    >>> import geomkit as gk
    >>> c = gk.Chart('x y')
    >>> s = sp.Symbol('s')
    >>> cf = gk.Coframe(c.dx)
    >>> hodge_variation(cf, c.scalar(1), [s * c.dx[0], 0 * c.dx[0]])   # vol = (1+s) dx^dy
    s*dx^dy
    """
    n = coframe.n
    fr = coframe.frame()
    out = Form(coframe.chart, n - Phi.degree)
    if dPhi is not None and dPhi:
        out = out + coframe.hodge(dPhi)
    if Phi.degree > 0:
        acc = Form(coframe.chart, Phi.degree)
        for a in range(n):
            if h[a]:
                acc = acc + (h[a] ^ interior(fr[a], Phi))
        if acc:
            out = out - coframe.hodge(acc)
    star = coframe.hodge(Phi)
    if star.degree > 0:
        for a in range(n):
            if h[a]:
                out = out + (h[a] ^ interior(fr[a], star))
    return out


# -- reading coefficients ------------------------------------------------------------------------
def _top(form, n):
    """The d^n x coefficient of an n-form (0 for the zero form)."""
    if not isinstance(form, Form):
        raise GeomkitError(f"a Lagrangian must return an n-Form, got {type(form).__name__}")
    if form.degree != n:
        raise DegreeError(f"a Lagrangian must be an {n}-form, got a {form.degree}-form")
    return form[tuple(range(n))]


def _complement(I, n):
    return tuple(i for i in range(n) if i not in I)


def _dual_basis_form(chart, coeffs, degree):
    """The (n-p)-form X with dx^I ^ X = coeffs[I] d^nx for every increasing p-tuple I."""
    n = chart.dim
    comps = {}
    for I, c in coeffs.items():
        if c != 0:
            J = _complement(I, n)
            s, _ = sort_sign(I + J)
            comps[J] = s * c
    return Form(chart, n - degree, comps)


def _basis_variation(chart, degree, name):
    """A p-form with one fresh symbol per increasing index tuple: (form, {I: symbol})."""
    syms = {I: sp.Symbol(f"_{name}_{''.join(map(str, I))}") for I in
            combinations(range(chart.dim), degree)}
    return Form(chart, degree, dict(syms)), syms


def to_components(E):
    """Component Euler--Lagrange expressions of Euler--Lagrange (n-p)-forms.

    For one form :math:`\\mathcal E` (the equation of a p-form field ``A``) returns
    ``{I: EL^I}`` with :math:`dx^I\\wedge\\mathcal E=\\mathrm{EL}^I d^nx`; for a tuple
    :math:`\\mathcal E_a` (the equations of a coframe, p = 1) returns the Matrix
    ``EL[a, mu]`` :math:`=\\mathrm{EL}_a{}^\\mu`.
    """
    if isinstance(E, Form):
        n = E.chart.dim
        p = n - E.degree
        out = {}
        for I in combinations(range(n), p):
            J = _complement(I, n)
            s, _ = sort_sign(I + J)
            out[I] = s * E[J]
        return out
    rows = [to_components(x) for x in E]
    n = len(rows)
    return sp.Matrix(n, n, lambda a, m: rows[int(a)][(int(m),)])


def from_components(chart, EL):
    """Inverse of :func:`to_components` for a coframe: the (n-1)-forms :math:`\\mathcal E_a`."""
    n = chart.dim
    EL = sp.Matrix(EL)
    return tuple(_dual_basis_form(chart, {(m,): EL[a, m] for m in range(n)}, 1)
                 for a in range(n))


# -- the entry point ------------------------------------------------------------------------------
_FIELDS = ("coframe", "connection", "metric_connection", "metric")


def _torsion(coframe, omega):
    n = coframe.n
    T = []
    for a in range(n):
        t = d(coframe.forms[a])
        if omega is not None:
            for b in range(n):
                if omega[a][b]:
                    t = t + (omega[a][b] ^ coframe.forms[b])
        T.append(t)
    return tuple(T)


def _fields(T, potentials):
    f = SimpleNamespace(T=T)
    for name, A in potentials.items():
        setattr(f, name, A)
        setattr(f, "d" + name, d(A))
    return f


def field_equations(L, wrt, coframe=None, potentials=None, connection=None,
                    method="exterior", simplify=None):
    r"""Euler--Lagrange forms of a Lagrangian n-form ``L(e, f)`` (see the module doc).

    Parameters
    ----------
    L : callable ``(FrameOps, fields) -> n-Form``
    wrt : Coframe, str or tuple of str
        A :class:`~geomkit.Coframe`: vary the coframe, return the n (n-1)-forms
        :math:`\mathcal E_a` (coefficients of :math:`\delta e^a`).  The name of a
        potential in ``potentials``: vary it, return the (n-p)-form :math:`\mathcal E_A`.
        ``'coframe'``, ``'connection'`` (all :math:`\omega^a{}_b`),
        ``'metric_connection'`` (:math:`\omega_{[ab]}`), ``'metric'`` (the frame
        metric), or a tuple of them: see :mod:`geomkit.symbolic.field_theories`
        (Lagrangians may then use ``f.R``, ``f.Q``, ``f.omega`` and the invariants of
        ``e``).
    coframe : Coframe
        The (fixed) coframe when varying a potential.
    potentials : dict name -> Form
        Matter potentials; the Lagrangian sees ``f.name`` and ``f.dname``.
    connection : Connection, optional
        The (fixed) connection :math:`\omega` with :math:`T^a=De^a`; default the
        Weitzenbock connection :math:`\omega=0` of the varied coframe.
    method : {'exterior', 'component'}
        ``'component'`` returns the same forms computed by the reference route
        (generic-function variation and sympy's Euler operator).
    simplify : strategy, optional
        Applied to the result; by default the result is reduced in the coframe's
        engine (its ``simplify`` strategy, ``'algebraic'`` unless chosen otherwise).
    """
    potentials = dict(potentials or {})
    names = None
    if isinstance(wrt, (tuple, list)) or (isinstance(wrt, str) and wrt not in potentials
                                          and wrt in _FIELDS):
        names = wrt
    if names is not None:
        from .field_theories import general_field_equations

        if coframe is None and connection is not None:
            coframe = connection.coframe
        return general_field_equations(L, names, coframe, connection, potentials, method,
                                       simplify)
    for k, A in potentials.items():
        if not isinstance(A, Form):
            raise GeomkitError(f"potential {k!r} must be a Form, got {type(A).__name__}")
    if isinstance(wrt, Coframe):
        coframe = wrt
        target = None
    elif isinstance(wrt, str):
        if wrt not in potentials:
            raise GeomkitError(f"wrt={wrt!r} is not one of the potentials {sorted(potentials)}")
        if not isinstance(coframe, Coframe):
            raise GeomkitError("varying a potential needs the coframe= (held fixed)")
        target = wrt
    else:
        raise GeomkitError(f"wrt must be a Coframe or a potential name, got {type(wrt).__name__}")
    omega = None
    if connection is not None:
        if connection.coframe.chart != coframe.chart:
            raise GeomkitError("connection and coframe live on different charts")
        omega = connection.omega()
    if method not in ("exterior", "component"):
        raise GeomkitError(f"method must be 'exterior' or 'component', got {method!r}")
    f = None if simplify is None else get_strategy(simplify)
    if method == "component" and target is None:
        from .field_theories import general_field_equations

        return general_field_equations(L, "coframe", coframe, connection, potentials, method,
                                       simplify)
    if method == "component":
        from .variational_components import euler_lagrange_components

        EL = euler_lagrange_components(L, coframe, potentials, target, omega, f)
        p = potentials[target].degree
        return _dual_basis_form(coframe.chart, EL, p)
    if target is None:
        return _coframe_equations(L, coframe, potentials, omega, f, connection)
    return _potential_equations(L, coframe, potentials, target, f)


def _unit(chart, I):
    return Form(chart, len(I), {I: 1})


def _coefficients(res, keys, n):
    """d^nx coefficients of the variations ``keys`` of a Lagrangian's value."""
    _top(_base(res), n)
    tan = _tangents(res)
    top = tuple(range(n))
    return {k: (tan[k][top] if k in tan else sp.S.Zero) for k in keys}


def _coframe_equations(L, coframe, potentials, omega, f, connection=None):
    from .field_theories import AffineFrameOps, _Placeholders, _plain_fields

    n, chart = coframe.n, coframe.chart
    T = _torsion(coframe, omega)
    pairs = list(combinations(range(n), 2))
    Tdual = tuple(
        DualForm.make(T[a], {("T", a, I): _unit(chart, I) for I in pairs}) for a in range(n)
    )
    ph = _Placeholders()
    fields = _fields(Tdual, potentials)
    _plain_fields(fields, coframe, connection)
    res = L(AffineFrameOps(coframe, placeholders=ph), fields)
    keys = [("T", a, I) for a in range(n) for I in pairs]
    keys += [("e", a, m) for a in range(n) for m in range(n)]
    c = _coefficients(res, keys, n)
    E = []
    for a in range(n):
        # H_a = dL/dT^a and dL/de^a (at fixed T), read off as left coefficients
        H = _dual_basis_form(chart, {I: c["T", a, I] for I in pairs}, 2)
        dLde = _dual_basis_form(chart, {(m,): c["e", a, m] for m in range(n)}, 1)
        E.append((dLde, H))
    chain = ph.chain() if ph.info else None
    restore = ph.restore() if ph.info else None
    out = []
    for a in range(n):
        plain = [E[a][0]]
        if omega is not None:
            for b in range(n):
                if omega[b][a] and E[b][1]:
                    plain.append(-(omega[b][a] ^ E[b][1]))
        x = _assemble(coframe, plain, [E[a][1]], None, chain)
        if restore:
            x = x.applyfunc(lambda v: v.xreplace(restore))
        out.append(x if f is None else x.simplify(f))
    return tuple(out)


def reduce_form(coframe, form):
    """``form`` with every component reduced in the coframe's engine (canonical zeros
    for the coframe's strategy; cheaper than simplifying expressions one by one).

    >>> import geomkit as gk
    >>> c = gk.Chart('x y')
    >>> x, y = c.coords
    >>> reduce_form(gk.Coframe(c.dx), (x / (x**2 + x) - 1 / (x + 1)) * c.dx[0])
    0
    """
    return _assemble(coframe, [form], [], None)


def _assemble(coframe, plain, derived, f, chain=None):
    r"""``sum(plain) + sum(d(x) for x in derived)`` computed in the coframe's engine
    (rational-function arithmetic: no expression swell), then ``f`` if given.

    ``chain`` maps placeholder symbols s (standing for a function of the expression X)
    to ``(s', X)``: ``d`` then also applies :math:`ds=s'\,dX`."""
    exprs = [v for x in plain + derived for v in x.components.values()]
    if chain:
        exprs += [s for s in chain] + [v for pair in chain.values() for v in pair]
    cf = coframe._covering(exprs)
    eng, n = cf.engine, cf.n
    if chain:
        links = [(s, eng.atomize(s2), [eng.diff(eng.atomize(X), j) for j in range(n)])
                 for s, (s2, X) in chain.items()]

        def diff(ev, j):
            out = eng.diff(ev, j)
            for s, s2, dX in links:
                if dX[j] != 0:
                    ds = _diff_by_symbol(eng, ev, s)
                    if ds != 0:
                        out = out + ds * s2 * dX[j]
            return out
    else:
        diff = eng.diff
    acc = {}

    def add(key, val):
        acc[key] = acc[key] + val if key in acc else val

    for x in plain:
        for I, v in x.components.items():
            add(I, eng.atomize(v))
    for x in derived:
        for I, v in x.components.items():
            ev = eng.atomize(v)
            for j in range(n):
                if j in I:
                    continue
                dv = diff(ev, j)
                if dv == 0:
                    continue
                pos = sum(1 for i in I if i < j)
                add(tuple(sorted(I + (j,))), -dv if pos & 1 else dv)
    degree = plain[0].degree if plain else derived[0].degree + 1
    comps = {}
    for I, v in acc.items():
        v = eng.reduce(v)
        if v != 0:
            comps[I] = eng.restore(v)
    out = Form(cf.chart, degree, comps)
    return out if f is None else out.simplify(f)


def _diff_by_symbol(eng, elem, sym):
    """Partial derivative of an engine element by a parameter symbol."""
    if hasattr(eng, "field") and hasattr(elem, "numer"):
        return elem.diff(eng.field.gens[eng._index[sym]])
    return sp.diff(elem, sym)


def _potential_equations(L, coframe, potentials, target, f):
    n, chart = coframe.n, coframe.chart
    A = potentials[target]
    p = A.degree
    T = _torsion(coframe, None)
    fields = _fields(T, potentials)
    IA = list(combinations(range(n), p))
    IF = list(combinations(range(n), p + 1)) if p < n else []
    setattr(fields, target, DualForm.make(A, {("A", I): _unit(chart, I) for I in IA}))
    if IF:
        setattr(fields, "d" + target,
                DualForm.make(d(A), {("F", I): _unit(chart, I) for I in IF}))
    res = L(FrameOps(coframe), fields)
    c = _coefficients(res, [("A", I) for I in IA] + [("F", I) for I in IF], n)
    dLdA = _dual_basis_form(chart, {I: c["A", I] for I in IA}, p)
    if not IF:
        return _assemble(coframe, [dLdA], [], f)
    H = _dual_basis_form(chart, {I: c["F", I] for I in IF}, p + 1) * (-1) ** (p + 1)
    return _assemble(coframe, [dLdA], [H], f)


# -- ready-made Lagrangians ------------------------------------------------------------------------
def new_gr(a1, a2, a3):
    r"""The new-GR family :math:`L=T^a\wedge\star(a_1{}^{(1)}T_a+a_2{}^{(2)}T_a+a_3{}^{(3)}T_a)`.

    :func:`tegr` is :math:`(a_1,a_2,a_3)=(1,-(n-2),-\tfrac12)`, for which
    :math:`L=\mathbb T\,\mathrm{vol}` (``docs/conventions.md``, Irreducible pieces).
    """

    def L(e, f):
        T1, T2, T3 = e.torsion_pieces(f.T)
        X = tuple(T1[a] * a1 + T2[a] * a2 + T3[a] * a3 for a in range(e.n))
        Xl = e.lower(X)
        return sum((f.T[a] ^ e.hodge(Xl[a]) for a in range(e.n)), 0 * e.vol)

    return L


def tegr(n):
    """The TEGR Lagrangian :math:`\\mathbb T\\,\\mathrm{vol}` in n dimensions (:func:`new_gr`)."""
    return new_gr(1, -(n - 2), sp.Rational(-1, 2))


def maxwell(e, f):
    """:math:`L=-\\tfrac12F\\wedge\\star F` with ``F = f.dA`` (potential named ``'A'``)."""
    return -(f.dA ^ e.hodge(f.dA)) / 2
