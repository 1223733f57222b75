r"""b^k geometry: forms singular along a hypersurface, their calculus, cohomology, symplectic forms.

Setting (``docs/bk.md``).  A :class:`BkChart` is a chart ``(x_1, .., z, .., x_{n-1})``
with a distinguished coordinate ``z`` defining the hypersurface
:math:`Z=\{z=0\}` and an order :math:`k\ge1` (the chart fixes the
:math:`(k-1)`-jet of the defining function: it is ``z`` itself).  The
:math:`b^k`-tangent bundle is spanned by :math:`z^k\partial_z,\partial_{x_i}`;
its dual frame is

.. math:: \zeta=\frac{dz}{z^k},\qquad dx_i .

A :class:`BkForm` is stored by its components in the frame
:math:`\{\zeta, dx_i\}` (the index of ``z`` stands for :math:`\zeta`), with
coefficients smooth in :math:`(x,z)`: nothing is ever divided by ``z``.
Frame 1-forms are closed (:math:`d\zeta=0`), so the :math:`b^k` differential is

.. math:: d(c\,e^I)=z^k\partial_zc\;\zeta\wedge e^I+\sum_i\partial_{x_i}c\;dx_i\wedge e^I .

Laurent decomposition (§6.3), with :math:`\omega=\zeta\wedge A+B`:

.. math:: \omega=\sum_{j=1}^k\frac{dz}{z^j}\wedge\pi^*\alpha_j+\beta,\qquad
          \alpha_j=\frac{1}{(k-j)!}\partial_z^{k-j}A\big|_{z=0},

and ``residue`` is :math:`\alpha_1` (for ``k = 1``, :math:`\iota_{z\partial_z}\omega|_Z`).

Poles and smoothness are decided from Taylor data at ``z = 0``: coefficients
are taken real-analytic in ``z`` near ``Z``; undefined functions are generic
(``f(x, 0)`` counts as nonzero); branch points on ``Z`` (``sqrt(z)``,
``log(z)``, ``|z|``) and flat functions such as ``exp(-1/z**2)`` are rejected.

>>> import sympy as sp
>>> from geomkit import Chart
>>> c = Chart('h theta')
>>> h, theta = c.coords
>>> dh, dtheta = c.dx
>>> bk = BkChart(c, h, 2)
>>> omega = bk.from_form((dh ^ dtheta) / h**2)
>>> omega
zeta^dtheta
>>> omega.is_symplectic()
True
>>> omega.laurent().alpha
{1: 0, 2: dtheta}
>>> omega.poisson_bivector().matrix
Matrix([
[     0, h**2],
[-h**2,     0]])
>>> bk.from_form(dh / h**3)
Traceback (most recent call last):
...
geomkit.errors.BkFormError: not a b^2 form ...: the term h**(-3)*dh has a pole of order 3 ...
"""

from collections import defaultdict
from itertools import combinations
from math import factorial

import sympy as sp

from ..errors import BkFormError, DegenerateMetricError, DegreeError, GeomkitError
from .chart import Chart, VectorField, bracket
from .forms import Form, _collect, _wedge2, format_terms, map_images, sort_sign
from .forms import d as _d
from .forms import interior as _interior
from .forms import pullback as _pullback

__all__ = [
    "BkChart",
    "BkForm",
    "BkVectorField",
    "Laurent",
    "PoissonBivector",
    "BkModel",
    "model_spaces",
    "wedge",
    "d",
    "interior",
]

_MAX_ORDER = 64  # largest z-valuation searched for when looking for poles


def _cancel(e):
    return sp.cancel(sp.together(e))


def _nonsmooth(e):
    return e.has(sp.zoo, sp.oo, -sp.oo, sp.nan)


def _taylor(e, z, m, where):
    """Taylor coefficients ``e_0..e_{m-1}`` at ``z = 0`` of an analytic expression ``e``.

    Undefined functions are generic: ``f(x, 0)`` counts as nonzero.
    """
    out = []
    cur = e
    for i in range(m):
        c = cur.subs(z, 0)
        if _nonsmooth(c) or z in c.free_symbols:
            raise BkFormError(f"{where} is not smooth in {z} at {z} = 0 (got {c} at order {i})")
        out.append(_cancel(c / factorial(i)))
        if i + 1 < m:
            cur = sp.diff(cur, z)
    return out


def _valuation(e, z, limit, where):
    """Order of vanishing of an analytic expression at ``z = 0`` (``limit`` if >= limit)."""
    e = sp.expand(e) if e.is_polynomial(z) is True else e
    if e.is_polynomial(z) is True:
        if e == 0:
            return limit
        return min(min(m[0] for m in sp.Poly(e, z).monoms()), limit)
    cur = e
    for i in range(limit):
        c = cur.subs(z, 0)
        if _nonsmooth(c) or z in c.free_symbols:
            raise BkFormError(f"{where} is not smooth in {z} at {z} = 0 (got {c} at order {i})")
        if _cancel(c) != 0:
            return i
        cur = sp.diff(cur, z)
    return limit


_QUOTIENTS = {
    sp.cot: lambda u: sp.cos(u) / sp.sin(u),
    sp.tan: lambda u: sp.sin(u) / sp.cos(u),
    sp.csc: lambda u: 1 / sp.sin(u),
    sp.sec: lambda u: 1 / sp.cos(u),
    sp.coth: lambda u: sp.cosh(u) / sp.sinh(u),
    sp.tanh: lambda u: sp.sinh(u) / sp.cosh(u),
    sp.csch: lambda u: 1 / sp.sinh(u),
    sp.sech: lambda u: 1 / sp.cosh(u),
}


def _expose_poles(c):
    """Write functions with poles (cot, csc, ...) as quotients, so that cancel sees them."""
    for f, q in _QUOTIENTS.items():
        if c.has(f):
            c = c.replace(f, q)
    return c


_BRANCHED = (sp.log, sp.Abs, sp.sign, sp.Heaviside, sp.re, sp.im, sp.floor, sp.ceiling)


def _check_analytic(e, z, where):
    """Reject branch points and kinks on Z (``sqrt(z)``, ``log(z)``, ``|z|``: argument 0 there)."""
    for sub in sp.preorder_traversal(e):
        if isinstance(sub, sp.Pow) and not sub.exp.is_integer and sub.base.has(z):
            arg = sub.base
        elif isinstance(sub, _BRANCHED) and sub.args[0].has(z):
            arg = sub.args[0]
        else:
            continue
        if _cancel(arg.subs(z, 0)) == 0:
            raise BkFormError(f"{where} is not smooth in {z} at {z} = 0 (it contains {sub})")


def _split(c, z, where):
    """``(num, den, pole_order, v_den)`` of a coefficient; pole order along ``z = 0`` (>= 0)."""
    _check_analytic(c, z, where)
    num, den = sp.fraction(_cancel(_expose_poles(c)))
    if not den.has(z):
        v_den = 0
    else:
        v_den = _valuation(den, z, _MAX_ORDER, where)
        if v_den >= _MAX_ORDER:
            raise BkFormError(f"{where}: the denominator {den} vanishes identically at {z} = 0")
    if v_den == 0:
        _valuation(num, z, 1, where)  # smoothness check of the numerator at z = 0
        return num, den, 0, 0
    v_num = _valuation(num, z, v_den, where)
    return num, den, max(v_den - v_num, 0), v_den


def _pole_order(c, z, where):
    return _split(c, z, where)[2]


def _smooth_taylor(c, z, m, where):
    """Taylor coefficients at ``z = 0`` of a coefficient smooth there (removable singularity ok)."""
    num, den, pole, v = _split(c, z, where)
    if pole > 0:
        raise BkFormError(f"{where} has a pole of order {pole} at {z} = 0")
    N = _taylor(num, z, v + m, where)[v:]
    D = _taylor(den, z, v + m, where)[v:]
    q = []
    for i in range(m):
        s = N[i] - sp.Add(*(D[l] * q[i - l] for l in range(1, i + 1)))
        q.append(_cancel(s / D[0]))
    return q


class BkChart:
    r"""A chart with a hypersurface :math:`Z=\{z=0\}` and an order ``k``: the :math:`b^k` frame.

    Parameters
    ----------
    chart : Chart
        The underlying chart of :math:`M`.
    z : sympy.Symbol, str or int
        The coordinate that defines :math:`Z` (a symbol, its name, or its index).
    k : int
        The order, ``k >= 1`` (``k = 1``: b-forms of Melrose).

    Notes
    -----
    Attributes: ``chart``, ``z``, ``k``, ``zindex``; ``zeta`` (the b^k form
    :math:`dz/z^k`), ``basis`` (the frame 1-forms, ``zeta`` in the slot of ``z``),
    ``frame`` (the anchored frame :math:`z^k\partial_z, \partial_{x_i}` as
    :class:`~geomkit.VectorField` on ``chart``).

    >>> c = Chart('x z')
    >>> bk = BkChart(c, 'z', 3)
    >>> bk.basis
    (dx, zeta)
    >>> bk.frame[1]
    VectorField(Chart('x z'), (0, z**3))
    >>> bk.to_form(bk.zeta)
    z**(-3)*dz
    """

    __slots__ = ("chart", "z", "k", "zindex")

    def __init__(self, chart, z, k):
        if not isinstance(chart, Chart):
            raise GeomkitError(f"BkChart needs a Chart, got {type(chart).__name__}")
        if isinstance(z, int) and not isinstance(z, bool):
            if not 0 <= z < chart.dim:
                raise GeomkitError(f"BkChart: index {z} out of range for {chart!r}")
            zi = z
        else:
            if isinstance(z, str):
                names = [str(s) for s in chart.coords]
                if z not in names:
                    raise GeomkitError(f"BkChart: {z!r} is not a coordinate of {chart!r}")
                zi = names.index(z)
            else:
                zi = chart.index(z)
        if isinstance(k, bool) or int(k) != k or int(k) < 1:
            raise GeomkitError(f"BkChart: the order k must be an integer >= 1, got {k!r}")
        object.__setattr__(self, "chart", chart)
        object.__setattr__(self, "zindex", zi)
        object.__setattr__(self, "z", chart.coords[zi])
        object.__setattr__(self, "k", int(k))

    def __setattr__(self, name, value):
        raise AttributeError("BkChart is immutable")

    @property
    def dim(self):
        return self.chart.dim

    @property
    def coords(self):
        return self.chart.coords

    def __eq__(self, other):
        return (
            isinstance(other, BkChart)
            and self.chart == other.chart
            and self.zindex == other.zindex
            and self.k == other.k
        )

    def __hash__(self):
        return hash(("BkChart", self.chart, self.zindex, self.k))

    def __repr__(self):
        return f"BkChart({self.chart!r}, z={self.z}, k={self.k})"

    def check_same(self, other, what="b^k objects"):
        if self != other:
            raise GeomkitError(
                f"{what} live on different b^k charts {self!r} and {other!r}; "
                "pull one back (BkForm.pullback) first"
            )

    # -- frame -----------------------------------------------------------------
    @property
    def zeta(self):
        r"""The frame 1-form :math:`\zeta=dz/z^k`."""
        return BkForm._new(self, Form._new(self.chart, 1, {(self.zindex,): sp.S.One}))

    @property
    def basis(self):
        """The frame 1-forms: ``zeta`` in the slot of ``z``, ``dx_i`` elsewhere."""
        return tuple(
            BkForm._new(self, Form._new(self.chart, 1, {(i,): sp.S.One})) for i in range(self.dim)
        )

    @property
    def frame(self):
        r"""The anchored frame :math:`z^k\partial_z,\ \partial_{x_i}` (ordinary vector fields)."""
        out = []
        for i in range(self.dim):
            comps = [0] * self.dim
            comps[i] = self.z**self.k if i == self.zindex else 1
            out.append(VectorField(self.chart, comps))
        return tuple(out)

    def dz_over_z(self, j):
        r"""The b^k 1-form :math:`dz/z^j` (``j <= k``), i.e. :math:`z^{k-j}\zeta`.

        >>> bk = BkChart(Chart('z'), 'z', 3)
        >>> bk.dz_over_z(1)
        z**2*zeta
        """
        j = int(j)
        if j > self.k:
            raise BkFormError(
                f"dz/z**{j} is not a b^{self.k} form on {self!r} (poles of order <= {self.k})"
            )
        return self.zeta * self.z ** (self.k - j)

    # -- constructors ----------------------------------------------------------
    def scalar(self, expr):
        """The b^k 0-form ``expr`` (a smooth function)."""
        return self.from_form(sp.sympify(expr))

    def form(self, degree, components):
        """A b^k form from frame components (index of ``z`` means ``zeta``); must be smooth."""
        f = Form(self.chart, degree, components)
        for idx, v in f:
            p = _pole_order(v, self.z, f"the frame component {idx}")
            if p:
                raise BkFormError(
                    f"frame component {idx} = {v} of a b^k form on {self!r} has a pole of "
                    f"order {p} along Z; frame components must be smooth"
                )
        return BkForm._new(self, f)

    def from_form(self, form):
        r"""The b^k form equal to an ordinary form (or expression) on :math:`M\setminus Z`.

        Poles in ``z`` are detected: a term ``a dz ^ dx^J`` may have a pole of
        order at most ``k`` and a term ``b dx^J`` none; otherwise
        :class:`~geomkit.BkFormError` names the term.  Each coefficient is
        stored cancelled: ``a z^k`` and ``b``.

        >>> c = Chart('z x')
        >>> z, x = c.coords
        >>> dz, dx = c.dx
        >>> bk = BkChart(c, z, 2)
        >>> bk.from_form((x + z**3) * dz / z**2 + x**2 * dx)
        (x + z**3)*zeta + x**2*dx
        """
        if isinstance(form, BkForm):
            self.check_same(form.bk, "from_form")
            return form
        if not isinstance(form, Form):
            if isinstance(form, VectorField):
                raise GeomkitError("from_form takes a Form or an expression, not a vector field")
            form = Form._new(self.chart, 0, {(): sp.sympify(form)} if sp.sympify(form) != 0 else {})
        self.chart.check_same(form.chart, "b^k chart and form")
        zi, z, k = self.zindex, self.z, self.k
        comps = {}
        for I, v in form:
            term = Form._new(self.chart, form.degree, {I: v})
            where = f"the term {term!r}"
            if zi in I:
                p = _pole_order(v, z, where)
                if p > k:
                    raise BkFormError(
                        f"not a b^{k} form on {self!r}: {where} has a pole of order {p} along "
                        f"Z = {{{z} = 0}}; a b^{k} form allows d{z}/{z}**j only for j <= {k}"
                    )
                w = _cancel(v * z**k)
            else:
                p = _pole_order(v, z, where)
                if p:
                    raise BkFormError(
                        f"not a b^{k} form on {self!r}: {where} has a pole of order {p} along "
                        f"Z = {{{z} = 0}}; only terms containing d{z} may be singular"
                    )
                w = v
            if w != 0:
                comps[I] = w
        return BkForm._new(self, Form._new(self.chart, form.degree, comps))

    def to_form(self, omega):
        r"""Restriction of a b^k form to :math:`M\setminus Z`, an ordinary Form."""
        return _as_bk(self, omega).to_form()

    def vector(self, components):
        r"""The b^k vector field :math:`v^zz^k\partial_z+\sum_iv^i\partial_{x_i}`."""
        return BkVectorField(self, components)

    def from_vector(self, X):
        r"""A vector field tangent to order ``k`` to ``Z`` as a section of :math:`{}^{b^k}TM`.

        Requires :math:`X(z)\in z^kC^\infty`; otherwise :class:`~geomkit.BkFormError`.

        >>> c = Chart('z x')
        >>> z, x = c.coords
        >>> BkChart(c, z, 2).from_vector(c.vector([x * z**3, 1]))
        BkVectorField(BkChart(Chart('z x'), z=z, k=2), (x*z, 1))
        """
        if not isinstance(X, VectorField):
            raise GeomkitError(f"from_vector takes a VectorField, got {type(X).__name__}")
        self.chart.check_same(X.chart, "b^k chart and vector field")
        comps = list(X.components)
        vz = _cancel(comps[self.zindex] / self.z**self.k)
        p = _pole_order(vz, self.z, f"the {self.z}-component {comps[self.zindex]}")
        if p:
            raise BkFormError(
                f"the vector field {X!r} is not a b^{self.k} vector field on {self!r}: "
                f"X({self.z}) = {comps[self.zindex]} does not vanish to order {self.k} on Z"
            )
        comps[self.zindex] = vz
        return BkVectorField(self, comps)

    # -- normal forms ----------------------------------------------------------
    def darboux(self, pairs=None):
        r"""The b^k-Darboux form :math:`\zeta\wedge dy_1+\sum_{i\ge2}dx_i\wedge dy_i` (§6.5).

        ``pairs`` lists coordinate pairs ``(x_i, y_i)``; the first must contain
        ``z`` first.  By default ``z`` is paired with the first other
        coordinate and the rest are paired in chart order.

        >>> c = Chart('z y x2 y2')
        >>> BkChart(c, 'z', 2).darboux()
        zeta^dy + dx2^dy2
        """
        n = self.dim
        if n % 2:
            raise DegreeError(f"a b^k symplectic form needs an even dimension, {self!r} has {n}")
        if pairs is None:
            rest = [i for i in range(n) if i != self.zindex]
            idx = [(self.zindex, rest[0])] + [(rest[i], rest[i + 1]) for i in range(1, n - 1, 2)]
        else:
            idx = [(self.chart.index(a), self.chart.index(b)) for a, b in pairs]
            flat = [i for p in idx for i in p]
            if sorted(flat) != list(range(n)) or idx[0][0] != self.zindex:
                raise GeomkitError(
                    f"darboux: pairs must use every coordinate once and start with "
                    f"({self.z}, y1); got {pairs}"
                )
        terms = defaultdict(list)
        for a, b in idx:
            s, key = sort_sign((a, b))
            terms[key].append(sp.Integer(s))
        return BkForm._new(self, Form._new(self.chart, 2, _collect(terms)))

    def semilocal(self, alpha, beta=None):
        r"""The form :math:`\sum_j\frac{dz}{z^j}\wedge\pi^*\alpha_j+\pi^*\beta` (§6.3, §6.5).

        ``alpha`` maps ``j in 1..k`` to forms on :math:`Z` written on ``chart``
        (no ``dz``, coefficients free of ``z``); ``beta`` likewise.  They must
        be closed, so the result is closed.
        """
        degs = set()
        out = None
        items = list(alpha.items()) + ([(0, beta)] if beta is not None else [])
        for j, a in items:
            a = a if isinstance(a, Form) else self.chart.scalar(a)
            self.chart.check_same(a.chart, "semilocal data")
            if any(self.zindex in I or v.has(self.z) for I, v in a):
                raise BkFormError(
                    f"semilocal: the datum for j = {j} ({a!r}) is not pulled back from Z "
                    f"(it contains d{self.z} or depends on {self.z})"
                )
            if not _d(a).is_zero():
                raise BkFormError(f"semilocal: the datum for j = {j} ({a!r}) is not closed")
            if j == 0:
                piece = self.from_form(a)
            else:
                if not 1 <= j <= self.k:
                    raise BkFormError(f"semilocal: j = {j} is outside 1..{self.k}")
                piece = self.dz_over_z(j) ^ self.from_form(a)
            degs.add(piece.degree)
            out = piece if out is None else out + piece
        if len(degs) > 1:
            raise DegreeError(f"semilocal: the pieces have different degrees {sorted(degs)}")
        return out


def _as_bk(bk, x):
    if isinstance(x, BkForm):
        bk.check_same(x.bk, "b^k forms")
        return x
    return bk.from_form(x)


class BkVectorField:
    r"""A section of :math:`{}^{b^k}TM` by its frame components (frame z^k d_z, d_x)."""

    __slots__ = ("bk", "components")

    def __init__(self, bk, components):
        comps = tuple(sp.sympify(c) for c in components)
        if len(comps) != bk.dim:
            raise GeomkitError(f"a b^k vector field on {bk!r} needs {bk.dim} components")
        for c in comps:
            if _pole_order(c, bk.z, f"the frame component {c}"):
                raise BkFormError(f"frame component {c} of a b^k vector field is not smooth on Z")
        object.__setattr__(self, "bk", bk)
        object.__setattr__(self, "components", comps)

    def __setattr__(self, name, value):
        raise AttributeError("BkVectorField is immutable")

    def anchor(self):
        """The ordinary vector field (``z`` component multiplied by ``z**k``)."""
        bk = self.bk
        return VectorField(
            bk.chart,
            [c * bk.z**bk.k if i == bk.zindex else c for i, c in enumerate(self.components)],
        )

    def bracket(self, other):
        """Lie bracket of b^k vector fields (the Lie algebroid bracket)."""
        self.bk.check_same(other.bk, "b^k vector fields")
        return self.bk.from_vector(bracket(self.anchor(), other.anchor()).simplify())

    def __eq__(self, other):
        return (
            isinstance(other, BkVectorField)
            and self.bk == other.bk
            and self.components == other.components
        )

    def __hash__(self):
        return hash(("BkVectorField", self.bk, self.components))

    def __repr__(self):
        return f"BkVectorField({self.bk!r}, {self.components})"


class Laurent:
    r"""Laurent data of a b^k form: :math:`\omega=\sum_j\frac{dz}{z^j}\wedge\pi^*\alpha_j+\beta`.

    ``alpha``: dict ``j -> Form`` (``j = 1..k``; forms on ``chart`` without
    ``dz``, free of ``z``: pullbacks of forms on :math:`Z`); ``beta``: the
    smooth remainder, an ordinary :class:`~geomkit.Form` (it may be written with
    a removable singularity when the coefficients are not polynomial in ``z``).
    ``beta`` depends on the collar (§6.4): do not treat it as an invariant.
    """

    __slots__ = ("bk", "degree", "alpha", "beta")

    def __init__(self, bk, degree, alpha, beta):
        self.bk, self.degree, self.alpha, self.beta = bk, degree, alpha, beta

    def singular_part(self):
        r""":math:`\sum_j dz/z^j\wedge\pi^*\alpha_j` as a b^k form."""
        bk = self.bk
        out = BkForm._new(bk, Form._new(bk.chart, self.degree, {}))
        for j, a in self.alpha.items():
            out = out + (bk.dz_over_z(j) ^ bk.from_form(a))
        return out

    def __repr__(self):
        return f"Laurent(alpha={self.alpha}, beta={self.beta!r})"


class BkForm:
    """A b^k p-form on a :class:`BkChart`, stored in the frame ``{zeta, dx_i}``.

    Build it with :meth:`BkChart.from_form`, :meth:`BkChart.form`,
    :attr:`BkChart.basis`, :attr:`BkChart.zeta`.  Values are immutable;
    ``+ - *`` and ``^`` (wedge) work as for :class:`~geomkit.Form`.

    >>> c = Chart('z x')
    >>> z, x = c.coords
    >>> bk = BkChart(c, z, 1)
    >>> zeta, dx = bk.zeta, bk.basis[1]
    >>> (x * zeta ^ dx).d()
    0
    >>> bk.scalar(z * x).d()
    x*z*zeta + z*dx
    """

    __slots__ = ("bk", "_f")

    def __init__(self, bk, degree, components=None):
        f = bk.form(degree, components or {})
        object.__setattr__(self, "bk", bk)
        object.__setattr__(self, "_f", f._f)

    @classmethod
    def _new(cls, bk, form):
        obj = cls.__new__(cls)
        object.__setattr__(obj, "bk", bk)
        object.__setattr__(obj, "_f", form)
        return obj

    def __setattr__(self, name, value):
        raise AttributeError("BkForm is immutable")

    # -- access ----------------------------------------------------------------
    @property
    def degree(self):
        return self._f.degree

    @property
    def components(self):
        """Read-only map from increasing index tuples to frame components (``z`` slot = zeta)."""
        return self._f.components

    @property
    def frame_form(self):
        """The components as a :class:`~geomkit.Form` whose ``dz`` slot means ``zeta``."""
        return self._f

    def __getitem__(self, idx):
        return self._f[idx]

    def __iter__(self):
        return iter(self._f)

    def __len__(self):
        return len(self._f)

    def __bool__(self):
        return bool(self._f)

    # -- arithmetic ------------------------------------------------------------
    def _other(self, other):
        if isinstance(other, BkForm):
            self.bk.check_same(other.bk, "b^k forms")
            return other
        return self.bk.from_form(other)

    def __add__(self, other):
        other = self._other(other)
        if other.degree != self.degree:
            raise DegreeError(f"cannot add a {self.degree}-form and a {other.degree}-form")
        return BkForm._new(self.bk, self._f + other._f)

    __radd__ = __add__

    def __neg__(self):
        return BkForm._new(self.bk, -self._f)

    def __sub__(self, other):
        return self + (-self._other(other))

    def __rsub__(self, other):
        return self._other(other) - self

    def __mul__(self, other):
        if isinstance(other, (BkForm, Form)):
            return self.wedge(other)
        if isinstance(other, (VectorField, BkVectorField)):
            return NotImplemented
        try:
            other = sp.sympify(other)
        except sp.SympifyError:
            return NotImplemented
        if _pole_order(other, self.bk.z, f"the factor {other}"):
            # a singular factor may still give a b^k form (z dx times 1/z): decide on M minus Z
            return self.bk.from_form(self.to_form() * other)
        return BkForm._new(self.bk, self._f * other)

    def __rmul__(self, other):
        if isinstance(other, Form):
            return self.bk.from_form(other).wedge(self)
        return self * other

    def __xor__(self, other):
        return self * other

    def __rxor__(self, other):
        if isinstance(other, Form):
            return self.bk.from_form(other).wedge(self)
        return self * other

    def wedge(self, other):
        r"""Exterior product :math:`\omega\wedge\eta` (frame algebra = coordinate algebra)."""
        other = self._other(other)
        return BkForm._new(self.bk, _wedge2(self._f, other._f))

    def interior(self, V):
        r"""Interior product :math:`\iota_V\omega` with a b^k vector field.

        ``V`` is a :class:`BkVectorField` or an ordinary vector field tangent
        to order ``k`` to ``Z`` (converted by :meth:`BkChart.from_vector`).
        """
        if isinstance(V, VectorField):
            V = self.bk.from_vector(V)
        if not isinstance(V, BkVectorField):
            raise GeomkitError(f"interior takes a b^k vector field, got {type(V).__name__}")
        self.bk.check_same(V.bk, "vector field and form")
        if self.degree == 0:
            return BkForm._new(self.bk, Form._new(self.bk.chart, 0, {}))
        return BkForm._new(self.bk, _interior(VectorField(self.bk.chart, V.components), self._f))

    def d(self):
        r"""The b^k differential (§6.2): :math:`\partial_z` acts as :math:`z^k\partial_z`."""
        bk = self.bk
        chart, p = bk.chart, self.degree
        if p >= chart.dim:
            return BkForm._new(bk, Form._new(chart, p + 1, {}))
        zk = bk.z**bk.k
        terms = defaultdict(list)
        for I, v in self._f:
            fs = v.free_symbols
            for j, x in enumerate(chart.coords):
                if j in I or x not in fs:
                    continue
                dv = sp.diff(v, x)
                if j == bk.zindex:
                    dv = zk * dv
                if dv == 0:
                    continue
                pos = sum(1 for i in I if i < j)
                terms[tuple(sorted(I + (j,)))].append(-dv if pos & 1 else dv)
        return BkForm._new(bk, Form._new(chart, p + 1, _collect(terms)))

    def lie(self, V):
        r"""Lie derivative along a b^k vector field, :math:`\iota_Vd\omega+d\iota_V\omega`."""
        if self.degree == 0:
            return self.d().interior(V)
        return self.d().interior(V) + self.interior(V).d()

    def to_form(self):
        r"""Restriction to :math:`M\setminus Z`: ``zeta -> dz/z**k`` (an ordinary Form)."""
        bk = self.bk
        zk = bk.z**bk.k
        comps = {I: (v / zk if bk.zindex in I else v) for I, v in self._f}
        return Form._new(bk.chart, self.degree, comps)

    def pullback(self, mapping, target):
        r"""Pull back along a map :math:`\varphi` from ``target`` (a BkChart) to ``self.bk``.

        ``mapping`` sends the coordinates of ``self.bk.chart`` to expressions in
        those of ``target.chart`` (missing ones map to themselves).  The map
        must preserve the hypersurfaces, :math:`\varphi^*z=z'u` with ``u``
        nowhere zero, and be a b^k map; geomkit checks that
        :math:`\varphi^*z` vanishes on :math:`Z'` and that
        :math:`\varphi^*\zeta=d(\varphi^*z)/(\varphi^*z)^k` is a
        :math:`b^{k'}` form on ``target`` (poles of order at most ``k'``).
        """
        if not isinstance(target, BkChart):
            raise GeomkitError(f"pullback needs the target BkChart, got {type(target).__name__}")
        bk = self.bk
        src = bk.chart
        images = map_images(mapping, src, target.chart)
        zimg = images[bk.zindex]
        if _cancel(zimg.subs(target.z, 0)) != 0:
            raise BkFormError(
                f"pullback: the map does not send Z' = {{{target.z} = 0}} into "
                f"Z = {{{bk.z} = 0}} ({bk.z} pulls back to {zimg})"
            )
        frame_img = []
        for a, f in enumerate(images):
            ordinary = _d(target.chart.scalar(f))
            if a == bk.zindex:
                ordinary = ordinary / zimg**bk.k
            try:
                frame_img.append(target.from_form(ordinary))
            except BkFormError as err:
                raise BkFormError(f"pullback: the map is not a b^k map ({err})") from None
        sub = dict(zip(src.coords, images))
        out = BkForm._new(target, Form._new(target.chart, self.degree, {}))
        for I, v in self._f:
            piece = target.scalar(v.subs(sub, simultaneous=True))
            for i in I:
                piece = piece ^ frame_img[i]
            out = out + piece
        return out.simplify()

    # -- transformations -------------------------------------------------------
    def applyfunc(self, func):
        return BkForm._new(self.bk, self._f.applyfunc(func))

    def subs(self, *args, **kwargs):
        return BkForm._new(self.bk, self._f.subs(*args, **kwargs))

    def simplify(self, strategy="cancel"):
        return BkForm._new(self.bk, self._f.simplify(strategy))

    def is_zero(self, strategy="cancel"):
        return self._f.is_zero(strategy)

    def equals(self, other, strategy="cancel"):
        return (self - other).is_zero(strategy)

    def is_closed(self, strategy="cancel"):
        return self.d().is_zero(strategy)

    # -- Laurent decomposition, residue, classes on the model ----------------------
    def laurent(self):
        r"""The Laurent decomposition (§6.3) in the collar given by the chart.

        With :math:`\omega=\zeta\wedge A+B`, :math:`\alpha_j` is the
        :math:`z^{k-j}` Taylor coefficient of :math:`A` at :math:`Z` and
        :math:`\beta=\omega-\sum_j dz/z^j\wedge\pi^*\alpha_j`.

        >>> c = Chart('z x')
        >>> z, x = c.coords
        >>> bk = BkChart(c, z, 2)
        >>> L = bk.from_form((x + 3*z + z**2) * c.dx[0] / z**2).laurent()
        >>> L.alpha
        {1: 3, 2: x}
        >>> L.beta
        dz
        """
        bk = self.bk
        chart, z, k, zi = bk.chart, bk.z, bk.k, bk.zindex
        p = self.degree
        if p == 0:
            alpha = {j: Form._new(chart, 0, {}) for j in range(1, k + 1)}
            return Laurent(bk, 0, alpha, self.to_form())
        A = _interior(VectorField(chart, [1 if i == zi else 0 for i in range(bk.dim)]), self._f)
        coeffs = {
            J: _smooth_taylor(v, z, k, f"the dz-part coefficient {v}")
            for J, v in A.components.items()
        }
        alpha = {}
        for j in range(1, k + 1):
            comps = {J: cs[k - j] for J, cs in coeffs.items() if cs[k - j] != 0}
            alpha[j] = Form._new(chart, p - 1, comps)
        L = Laurent(bk, p, alpha, None)
        L.beta = (self - L.singular_part()).to_form().simplify()
        return L

    def residue(self):
        r"""The residue :math:`\alpha_1` (coefficient of :math:`dz/z`), a form on :math:`Z`."""
        return self.laurent().alpha[1]

    def class_coefficients(self):
        r"""Class of a closed b^k 1-form on the model :math:`\mathbb R^n`, :math:`Z=\{z=0\}`.

        There :math:`{}^{b^k}H^1=\mathbb R^k` with basis :math:`[dz/z^j]`, and
        the class of :math:`\omega` is :math:`\sum_jc_j[dz/z^j]` with
        :math:`c_j=\alpha_j` (constant because :math:`\alpha_j` is a closed
        function on the connected :math:`Z`).  Returns ``{j: c_j}``.

        >>> bk = BkChart(Chart('z'), 'z', 2)
        >>> z = bk.z
        >>> bk.from_form((5 + 7*z + z**2) * bk.chart.dx[0] / z**2).class_coefficients()
        {1: 7, 2: 5}
        """
        if self.degree != 1:
            raise DegreeError(f"class_coefficients is for 1-forms, this is a {self.degree}-form")
        if not self.is_closed():
            raise BkFormError("class_coefficients: the form is not closed")
        return {j: a.to_scalar() for j, a in self.laurent().alpha.items()}

    def is_exact(self):
        r"""Exactness on the model :math:`\mathbb R^n`, :math:`Z=\{z=0\}` (a hyperplane).

        By §6.4, :math:`{}^{b^k}H^p(\mathbb R^n)=H^p(\mathbb R^n)\oplus
        H^{p-1}(\mathbb R^{n-1})^k`, which is :math:`\mathbb R` for ``p = 0``,
        :math:`\mathbb R^k` (spanned by :math:`[dz/z^j]`) for ``p = 1`` and zero
        otherwise.  So a closed form is exact iff it is zero (``p = 0``), all
        :math:`c_j` vanish (``p = 1``), or always (``p >= 2``).
        :meth:`primitive` builds a primitive.
        """
        if not self.is_closed():
            return False
        if self.degree == 0:
            return self.is_zero()
        if self.degree == 1:
            return all(_cancel(c) == 0 for c in self.class_coefficients().values())
        return True

    def primitive(self):
        r"""A b^k form :math:`\eta` with :math:`d\eta=\omega`, on the model :math:`\mathbb R^n`.

        Construction: the singular part :math:`dz/z^j\wedge\pi^*\alpha_j` has
        the primitive :math:`-dz/z^j\wedge\pi^*K_Z\alpha_j` (``p >= 2``), and the
        smooth closed remainder :math:`\beta` has :math:`K\beta`, where ``K`` is
        the radial homotopy operator of the Poincare lemma,
        :math:`(K\beta)=\int_0^1t^{p-1}\iota_E\beta(tx)\,dt`, :math:`E=x^i\partial_i`.
        The ``t``-integrals are done by sympy, so they must be elementary.
        Raises :class:`~geomkit.BkFormError` when ``omega`` is not exact.

        >>> bk = BkChart(Chart('z'), 'z', 2)
        >>> z = bk.z
        >>> bk.from_form(z**3 * bk.chart.dx[0] / z**2).primitive()
        z**2/2
        """
        bk = self.bk
        if not self.is_exact():
            raise BkFormError(
                f"primitive: {self!r} is not exact in the b^{bk.k} complex of the model "
                f"(closed: {self.is_closed()})"
            )
        if self.degree == 0:
            return BkForm._new(bk, Form._new(bk.chart, 0, {}))  # unreachable: zero is exact only
        L = self.laurent()
        eta = bk.from_form(_homotopy(L.beta, bk.chart.coords))
        if self.degree >= 2:
            zfree = [x for x in bk.chart.coords if x != bk.z]
            for j, a in L.alpha.items():
                if a:
                    gamma = _homotopy(a, zfree)
                    eta = eta - (bk.dz_over_z(j) ^ bk.from_form(gamma))
        return eta.simplify()

    # -- symplectic --------------------------------------------------------------
    def _matrix(self):
        if self.degree != 2:
            raise DegreeError(f"a b^k symplectic form is a 2-form, this is a {self.degree}-form")
        n = self.bk.dim
        W = sp.zeros(n, n)
        for (a, b), v in self._f:
            W[a, b] = v
            W[b, a] = -v
        return W

    def pfaffian(self):
        r"""Frame component of :math:`\omega^m/m!` (``n = 2m``): nonzero iff nondegenerate.

        For the Darboux form it is ``1``; :math:`\det W=\mathrm{Pf}^2` for the
        frame matrix :math:`W_{ab}=\omega(e_a,e_b)`.
        """
        self._matrix()
        n = self.bk.dim
        if n % 2:
            return sp.S.Zero
        m = n // 2
        top = self._f
        for _ in range(m - 1):
            top = _wedge2(top, self._f)
        return _cancel(top.components.get(tuple(range(n)), sp.S.Zero) / factorial(m))

    def is_symplectic(self):
        r"""Closed and nondegenerate on :math:`{}^{b^k}TM` (§6.5).

        Nondegeneracy is tested symbolically: the frame Pfaffian must not vanish
        identically, nor identically on ``Z``.  (A symbolic function can still
        vanish at isolated points; check :meth:`pfaffian` there if needed.)
        """
        if self.degree != 2 or self.bk.dim % 2:
            return False
        pf = self.pfaffian()
        if pf == 0:
            return False
        if _smooth_taylor(pf, self.bk.z, 1, "the Pfaffian")[0] == 0:
            return False
        return self.is_closed()

    def poisson_bivector(self):
        r"""The dual Poisson bivector :math:`\Pi=-W^{-1}` in the b^k frame (§6.5).

        Returns a :class:`PoissonBivector`; its coordinate matrix has the
        ``z`` row and column multiplied by :math:`z^k`, e.g.
        :math:`\Pi=z^k\partial_z\wedge\partial_y` for :math:`\zeta\wedge dy`.
        """
        W = self._matrix()
        pf = self.pfaffian()
        if pf == 0:
            raise DegenerateMetricError(
                f"the b^k 2-form {self!r} is degenerate on the b^k tangent bundle "
                "(its frame Pfaffian vanishes identically)"
            )
        P = (-W.inv(method="LU")).applyfunc(_cancel)
        return PoissonBivector(self.bk, P)

    # -- identity and display ----------------------------------------------------
    def __eq__(self, other):
        if isinstance(other, BkForm):
            return self.bk == other.bk and self._f == other._f
        if not isinstance(other, (Form, VectorField, BkVectorField)):
            try:
                return self._f == other
            except (sp.SympifyError, TypeError):
                return False
        return NotImplemented

    def __hash__(self):
        return hash(("BkForm", self.bk, self._f))

    def __repr__(self):
        bk = self.bk
        names = ["zeta" if i == bk.zindex else f"d{x}" for i, x in enumerate(bk.coords)]
        return format_terms(self._f, names)


def _homotopy(beta, coords):
    r"""Radial homotopy operator on the coordinates ``coords`` (others are parameters)."""
    chart = beta.chart
    p = beta.degree
    t = sp.Dummy("t", positive=True)
    # generic nonzero coordinates during the t-integration: no Piecewise on x = 0
    generic = {x: sp.Dummy(str(x), real=True, nonzero=True) for x in chart.coords}
    back = {v: k for k, v in generic.items()}
    scale = {x: t * generic[x] for x in coords}
    scale.update({x: generic[x] for x in chart.coords if x not in coords})
    E = VectorField(chart, [x if x in coords else 0 for x in chart.coords])
    out = Form._new(chart, p - 1, {})
    for I, v in beta:
        vt = v.subs(scale, simultaneous=True) * t ** (p - 1)
        integral = sp.integrate(sp.expand(vt), (t, 0, 1))
        if integral.has(sp.Integral, sp.Piecewise):
            raise GeomkitError(f"primitive: sympy could not integrate {vt} in t")
        integral = integral.subs(back)
        out = out + integral * _interior(E, Form._new(chart, p, {I: sp.S.One}))
    return out.simplify()


class PoissonBivector:
    r"""A bivector :math:`\Pi=\sum_{a<b}\Pi^{ab}e_a\wedge e_b` dual to a b^k symplectic form.

    ``frame``: the antisymmetric matrix in the frame :math:`z^k\partial_z,\partial_{x_i}`;
    ``matrix``: in the coordinate frame :math:`\partial_i` (smooth, vanishing on ``Z``).
    Calling it on two functions gives the Poisson bracket
    :math:`\{f,g\}=\Pi^{ij}\partial_if\,\partial_jg`.
    """

    __slots__ = ("bk", "frame", "matrix")

    def __init__(self, bk, frame):
        self.bk = bk
        self.frame = frame
        zi, zk = bk.zindex, bk.z**bk.k
        M = frame.copy()
        for i in range(bk.dim):
            if i != zi:
                M[zi, i] = M[zi, i] * zk
                M[i, zi] = M[i, zi] * zk
        self.matrix = M

    def __call__(self, f, g):
        xs = self.bk.coords
        n = len(xs)
        df = [sp.diff(f, x) for x in xs]
        dg = [sp.diff(g, x) for x in xs]
        return _cancel(
            sp.Add(*(self.matrix[i, j] * df[i] * dg[j] for i in range(n) for j in range(n)))
        )

    def jacobiator(self, f, g, h):
        r""":math:`\{f,\{g,h\}\}+\{g,\{h,f\}\}+\{h,\{f,g\}\}` (zero for a Poisson bivector)."""
        return _cancel(self(f, self(g, h)) + self(g, self(h, f)) + self(h, self(f, g)))

    def top_power(self):
        r"""Coefficient of :math:`\Pi^{\wedge m}/m!` on :math:`\partial_1\wedge\dots\partial_n`."""
        n = self.bk.dim
        # the Pfaffian of the coordinate matrix: Pf^2 = det
        terms = {(a, b): self.matrix[a, b] for a, b in combinations(range(n), 2)}
        f = Form(Chart(self.bk.coords), 2, terms)
        top = f
        for _ in range(n // 2 - 1):
            top = _wedge2(top, f)
        return _cancel(top.components.get(tuple(range(n)), sp.S.Zero) / factorial(n // 2))

    def vanishing_order(self):
        r"""Vanishing order of :math:`\Pi^{\wedge m}` along ``Z`` (``k`` if b^k symplectic)."""
        top = self.top_power()
        num, den = sp.fraction(_cancel(top))
        where = f"the top power {top}"
        return _valuation(num, self.bk.z, _MAX_ORDER, where) - _valuation(
            den, self.bk.z, _MAX_ORDER, where
        )

    def __repr__(self):
        return f"PoissonBivector({self.bk!r}, {self.matrix.tolist()})"


# -- module-level operations ------------------------------------------------------------


def wedge(a, b):
    """Exterior product of two b^k forms (or a b^k form and an ordinary form/scalar)."""
    if not isinstance(a, BkForm):
        return b.bk.from_form(a).wedge(b)
    return a.wedge(b)


def d(omega):
    """The b^k differential (§6.2)."""
    if not isinstance(omega, BkForm):
        raise GeomkitError(f"bk.d takes a BkForm, got {type(omega).__name__}")
    return omega.d()


def interior(V, omega):
    """Interior product with a b^k vector field."""
    return omega.interior(V)


# -- cohomology of model spaces -----------------------------------------------------------


class _Cycle:
    """A cycle given by a parametrisation of a box (degree = number of parameters)."""

    def __init__(self, image, params=()):
        self.image = image  # coord -> expression in the params
        self.params = tuple(params)  # ((symbol, lo, hi), ...)

    @property
    def degree(self):
        return len(self.params)

    def integrate(self, form):
        if form.degree != self.degree:
            return sp.S.Zero
        if self.degree == 0:
            return _cancel(form.to_scalar().subs(self.image, simultaneous=True))
        pchart = Chart([s for s, _, _ in self.params])
        pulled = _pullback(self.image, form, pchart)
        val = pulled.components.get(tuple(range(self.degree)), sp.S.Zero)
        return sp.integrate(val, *self.params)


class BkModel:
    r"""A compact model :math:`(M,Z)` with explicit generators, for :math:`{}^{b^k}H^*(M)`.

    Hypotheses (Mazzeo--Melrose ``k = 1``, Scott general ``k``; §6.4): ``Z``
    is a closed embedded co-orientable hypersurface with a global collar
    coordinate ``z`` (its :math:`(k-1)`-jet is fixed by the chart), so that
    :math:`{}^{b^k}H^p(M)\cong H^p(M)\oplus H^{p-1}(Z)^k`.  Then

    * the de Rham classes of ``M`` are spanned by the given closed forms
      ``m_gens``, those of ``Z`` by ``z_gens`` (pulled back to the chart), and
    * :math:`{}^{b^k}H^*` is spanned by ``m_gens`` and the b^k forms
      :math:`g_j(z)\,dz\wedge\pi^*a` (``a`` in ``z_gens``, ``j = 1..k``),
      where :math:`g_j` has a pole of order exactly ``j`` (``pole_profile``).

    What is *computed*: each generator is checked to be a closed b^k form;
    the dimension of the span of the smooth generators is the rank of their
    period matrix over the cycles ``m_cycles``; the singular part is the rank
    of the matrix of their Laurent data paired with the cycles ``z_cycles``
    of ``Z``: :math:`\int_c\alpha_{j'}(g)`.  Smooth classes have zero Laurent
    data, so the two ranks add up (the spanning and the injectivity of
    :math:`H^*(M)\to{}^{b^k}H^*(M)` are the theorem, not computed).
    """

    def __init__(self, name, bk, m_gens, m_cycles, z_gens, z_cycles, pole_profile=None):
        self.name, self.bk = name, bk
        self.m_gens, self.m_cycles = m_gens, m_cycles
        self.z_gens, self.z_cycles = z_gens, z_cycles
        z = bk.z
        self.pole_profile = pole_profile or (lambda j: z**-j)

    def bk_generators(self):
        """The b^k generators: ``m_gens`` and ``g_j(z) dz ^ pi^* a``, each checked closed."""
        bk = self.bk
        dz = bk.chart.dx[bk.zindex]
        smooth = [bk.from_form(g) for g in self.m_gens]
        singular = []
        for a in self.z_gens:
            a = a if isinstance(a, Form) else bk.chart.scalar(a)
            for j in range(1, bk.k + 1):
                singular.append(bk.from_form((self.pole_profile(j) * dz) ^ a))
        for g in smooth + singular:
            if not g.is_closed("trig"):
                raise BkFormError(f"model {self.name}: the generator {g!r} is not closed")
        return smooth, singular

    def _rank(self, rows):
        if not rows or not rows[0]:
            return 0
        return sp.Matrix(rows).applyfunc(sp.nsimplify).rank(simplify=True)

    @staticmethod
    def _poly(ranks, t):
        return sp.expand(sp.Add(*(r * t**p for p, r in ranks.items())))

    def betti_M(self):
        """Betti numbers of ``M`` from the rank of the period matrix of ``m_gens``."""
        return self._ranks(
            [self.bk.chart.scalar(g) if not isinstance(g, Form) else g for g in self.m_gens],
            self.m_cycles,
            self.bk.dim,
        )

    def betti_Z(self):
        """Betti numbers of ``Z`` from the periods of ``z_gens`` over ``z_cycles``."""
        forms = [g if isinstance(g, Form) else self.bk.chart.scalar(g) for g in self.z_gens]
        return self._ranks(forms, self.z_cycles, self.bk.dim - 1)

    def _ranks(self, forms, cycles, top):
        out = {}
        for p in range(top + 1):
            fs = [f for f in forms if f.degree == p]
            cs = [c for c in cycles if c.degree == p]
            out[p] = self._rank([[c.integrate(f) for c in cs] for f in fs])
        return out

    def betti(self):
        r"""Betti numbers of :math:`{}^{b^k}H^*(M)`: period rank + Laurent rank, per degree."""
        bk = self.bk
        smooth, singular = self.bk_generators()
        m = self.betti_M()
        laurent = [g.laurent().alpha for g in singular]
        out = {}
        for p in range(bk.dim + 1):
            rows = []
            for g, al in zip(singular, laurent):
                if g.degree != p:
                    continue
                rows.append(
                    [
                        c.integrate(al[j])
                        for j in range(1, bk.k + 1)
                        for c in self.z_cycles
                        if c.degree == p - 1
                    ]
                )
            out[p] = m[p] + self._rank(rows)
        return out

    def poincare_polynomial(self, t=None):
        r""":math:`P_{b^k}(t)=\sum_p\dim{}^{b^k}H^p\,t^p`, computed by :meth:`betti`."""
        t = sp.Symbol("t") if t is None else t
        return self._poly(self.betti(), t)

    def poincare_M(self, t=None):
        t = sp.Symbol("t") if t is None else t
        return self._poly(self.betti_M(), t)

    def poincare_Z(self, t=None):
        t = sp.Symbol("t") if t is None else t
        return self._poly(self.betti_Z(), t)

    def __repr__(self):
        return f"BkModel({self.name!r}, {self.bk!r})"


def model_spaces(k):
    r"""The model spaces of §6.6 with their explicit generators, for order ``k``.

    * ``'R'``: :math:`M=\mathbb R`, :math:`Z=\{0\}`, generators :math:`1` and
      :math:`dz/z^j`;
    * ``'S1'``: :math:`M=S^1` (angle :math:`\theta`), :math:`Z=\{\theta=0\}`;
      the singular generators use the periodic profiles
      :math:`g_1=\tfrac12\cot(\theta/2)` and
      :math:`g_{j+1}=-g_j'/j` (pole of order exactly ``j + 1``);
    * ``'S2'``: height ``h`` and angle :math:`\theta`, ``Z`` the equator
      :math:`\{h=0\}`; :math:`dh\wedge d\theta` is the area form;
    * ``'T2'``: angles :math:`(\theta,\phi)`, ``Z`` the meridian
      :math:`\{\theta=0\}`.

    >>> model_spaces(2)['S2'].poincare_polynomial()
    3*t**2 + 2*t + 1
    """
    out = {}
    t2pi = (0, 2 * sp.pi)

    z = sp.Symbol("z", real=True)
    bk = BkChart(Chart([z]), z, k)
    out["R"] = BkModel("R", bk, [sp.S.One], [_Cycle({z: 1})], [sp.S.One], [_Cycle({z: 0})])

    def periodic(th):
        g = [sp.cot(th / 2) / 2]
        for j in range(1, k):
            g.append(-sp.diff(g[-1], th) / j)
        return lambda j: g[j - 1]

    th = sp.Symbol("theta", real=True)
    s = sp.Symbol("s", real=True)
    c1 = Chart([th])
    out["S1"] = BkModel(
        "S1",
        BkChart(c1, th, k),
        [sp.S.One, c1.dx[0]],
        [_Cycle({th: 1}), _Cycle({th: s}, [(s, *t2pi)])],
        [sp.S.One],
        [_Cycle({th: 0})],
        periodic(th),
    )

    h = sp.Symbol("h", real=True)
    c2 = Chart([h, th])
    dh, dth = c2.dx
    u = sp.Symbol("u", real=True)
    out["S2"] = BkModel(
        "S2",
        BkChart(c2, h, k),
        [sp.S.One, dh ^ dth],
        [_Cycle({h: 1, th: 0}), _Cycle({h: u, th: s}, [(u, -1, 1), (s, *t2pi)])],
        [sp.S.One, dth],
        [_Cycle({h: 0, th: 0}), _Cycle({h: 0, th: s}, [(s, *t2pi)])],
    )

    ph = sp.Symbol("phi", real=True)
    c3 = Chart([th, ph])
    dth3, dph = c3.dx
    out["T2"] = BkModel(
        "T2",
        BkChart(c3, th, k),
        [sp.S.One, dth3, dph, dth3 ^ dph],
        [
            _Cycle({th: 1, ph: 0}),
            _Cycle({th: s, ph: 0}, [(s, *t2pi)]),
            _Cycle({th: 1, ph: s}, [(s, *t2pi)]),
            _Cycle({th: u, ph: s}, [(u, *t2pi), (s, *t2pi)]),
        ],
        [sp.S.One, dph],
        [_Cycle({th: 0, ph: 0}), _Cycle({th: 0, ph: s}, [(s, *t2pi)])],
        periodic(th),
    )
    return out
