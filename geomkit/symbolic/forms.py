r"""Differential forms on a chart: wedge, d, interior product, Lie derivative, pullback.

Conventions (``docs/conventions.md``): a p-form is stored by its components on
strictly increasing index tuples,

.. math:: \alpha = \sum_{i_1<\dots<i_p} \alpha_{i_1\dots i_p}\,
          dx^{i_1}\wedge\dots\wedge dx^{i_p},

so ``alpha(d_{i_1}, ..., d_{i_p}) = alpha_{i_1...i_p}`` (determinant convention,
equivalently :math:`\alpha=\frac1{p!}\alpha_{\mu_1\dots\mu_p}dx^{\mu_1}\wedge\dots`
with antisymmetric components).  Zero components are not stored; values are
immutable and every operation returns a new :class:`Form`.

Python's ``^`` (wedge) binds *more loosely* than ``+`` and ``*``:
``a + b ^ c`` means ``(a + b) ^ c``.  Use parentheses, or :func:`wedge`.

>>> from geomkit import Chart
>>> c = Chart('x y z')
>>> x, y, z = c.coords
>>> dx, dy, dz = c.dx
>>> (x*dx) ^ dy
x*dx^dy
>>> d(x*y*dz)
y*dx^dz + x*dy^dz
>>> d(d(x**2*y*dz)).is_zero()
True
>>> interior(c.vector([1, 0, 0]), dx ^ dy)
dy
"""

from collections import defaultdict
from itertools import combinations
from types import MappingProxyType

import sympy as sp

from .._display import LatexDisplay, latex_sum
from ..errors import DegreeError, DimensionError, GeomkitError
from .chart import Chart, VectorField, bracket
from .simplify import get_strategy

__all__ = ["Form", "wedge", "d", "interior", "lie", "pullback", "sort_sign"]


def sort_sign(idx):
    """Return ``(sign, sorted_tuple)`` for an index tuple; sign 0 on a repeat.

    >>> sort_sign((2, 0, 1))
    (1, (0, 1, 2))
    >>> sort_sign((1, 0))
    (-1, (0, 1))
    >>> sort_sign((1, 1))
    (0, None)
    """
    idx = tuple(idx)
    if len(set(idx)) != len(idx):
        return 0, None
    inv = sum(1 for a in range(len(idx)) for b in range(a + 1, len(idx)) if idx[a] > idx[b])
    return (-1 if inv % 2 else 1), tuple(sorted(idx))


def _merge_sign(I, J):
    """Sign of sorting the concatenation of increasing tuples I and J (0 if they meet)."""
    inv = 0
    for j in J:
        for i in I:
            if i == j:
                return 0
            if i > j:
                inv += 1
    return -1 if inv & 1 else 1


def _collect(terms):
    """Sum lists of terms per index; drop exact zeros."""
    out = {}
    for k, v in terms.items():
        s = sp.Add(*v) if len(v) > 1 else v[0]
        if s != 0:
            out[k] = s
    return out


def _foreign(other):
    """True for operands Form arithmetic does not know, so Python tries their reflected method."""
    if isinstance(other, (Form, VectorField)):
        return False
    try:
        sp.sympify(other)
    except sp.SympifyError:
        return True
    return False


class Form(LatexDisplay):
    """An exterior p-form on a :class:`~geomkit.Chart`.

    Parameters
    ----------
    chart : Chart
    degree : int
        ``0 <= degree <= chart.dim``.
    components : mapping, optional
        Index tuple -> sympy expression.  Tuples may be in any order (the
        sign of the sorting permutation is applied, repeated indices give
        zero); several entries for the same sorted tuple add up.

    >>> c = Chart('x y')
    >>> Form(c, 2, {(1, 0): 3})
    -3*dx^dy
    >>> Form(c, 1, {(0,): c.coords[1]}).components
    mappingproxy({(0,): y})
    """

    __slots__ = ("chart", "degree", "_c", "_hash")

    def __init__(self, chart, degree, components=None):
        if not isinstance(chart, Chart):
            raise GeomkitError(f"Form needs a Chart, got {type(chart).__name__}")
        degree = int(degree)
        if degree < 0 or (degree > chart.dim and components):
            raise DegreeError(
                f"a nonzero form on the {chart.dim}-dimensional {chart!r} has degree "
                f"0..{chart.dim}, got {degree}"
            )
        terms = defaultdict(list)
        for idx, val in (components or {}).items():
            idx = (idx,) if isinstance(idx, int) else tuple(idx)
            if len(idx) != degree:
                raise DegreeError(f"component index {idx} does not fit a {degree}-form")
            for i in idx:
                if not 0 <= i < chart.dim:
                    raise DimensionError(f"index {i} out of range for {chart!r}")
            s, key = sort_sign(idx)
            if s:
                terms[key].append(s * sp.sympify(val))
        self._init(chart, degree, _collect(terms))

    def _init(self, chart, degree, comps):
        object.__setattr__(self, "chart", chart)
        object.__setattr__(self, "degree", degree)
        object.__setattr__(self, "_c", comps)
        object.__setattr__(self, "_hash", None)

    @classmethod
    def _new(cls, chart, degree, comps):
        """Trusted constructor: ``comps`` already sorted, sympified, zero-free."""
        obj = cls.__new__(cls)
        obj._init(chart, degree, comps)
        return obj

    def __setattr__(self, name, value):
        raise AttributeError("Form is immutable")

    # -- access ---------------------------------------------------------------
    @property
    def components(self):
        """Read-only mapping from increasing index tuples to expressions."""
        return MappingProxyType(self._c)

    def __getitem__(self, idx):
        """Component for any index order, with the antisymmetry sign."""
        idx = (idx,) if isinstance(idx, int) else tuple(idx)
        s, key = sort_sign(idx)
        if not s:
            return sp.S.Zero
        return s * self._c.get(key, sp.S.Zero)

    @property
    def n(self):
        return self.chart.dim

    @property
    def free_symbols(self):
        out = set()
        for v in self._c.values():
            out |= v.free_symbols
        return out

    def __iter__(self):
        return iter(self._c.items())

    def __len__(self):
        return len(self._c)

    def __bool__(self):
        return bool(self._c)

    def to_scalar(self):
        """The value of a 0-form."""
        if self.degree != 0:
            raise DegreeError(f"only a 0-form is a scalar, this is a {self.degree}-form")
        return self._c.get((), sp.S.Zero)

    # -- arithmetic -----------------------------------------------------------
    def _coerce(self, other, op):
        if isinstance(other, Form):
            self.chart.check_same(other.chart, "forms")
            if other.degree != self.degree:
                raise DegreeError(
                    f"cannot {op} a {self.degree}-form and a {other.degree}-form"
                )
            return other
        if isinstance(other, VectorField):
            raise GeomkitError(f"cannot {op} a form and a vector field")
        other = _scalar(other, f"cannot {op} a form and")
        if self.degree != 0:
            if other == 0:
                return Form._new(self.chart, self.degree, {})
            raise DegreeError(f"cannot {op} a scalar and a {self.degree}-form")
        return Form._new(self.chart, 0, {(): other} if other != 0 else {})

    def __add__(self, other):
        if _foreign(other):
            return NotImplemented
        other = self._coerce(other, "add")
        terms = defaultdict(list)
        for k, v in self._c.items():
            terms[k].append(v)
        for k, v in other._c.items():
            terms[k].append(v)
        return Form._new(self.chart, self.degree, _collect(terms))

    __radd__ = __add__

    def __neg__(self):
        return Form._new(self.chart, self.degree, {k: -v for k, v in self._c.items()})

    def __sub__(self, other):
        if _foreign(other):
            return NotImplemented
        return self + (-self._coerce(other, "subtract"))

    def __rsub__(self, other):
        if _foreign(other):
            return NotImplemented
        return self._coerce(other, "subtract") - self

    def _scale(self, f):
        f = sp.sympify(f)
        if f == 0:
            return Form._new(self.chart, self.degree, {})
        scaled = ((k, f * v) for k, v in self._c.items())
        return Form._new(self.chart, self.degree, {k: v for k, v in scaled if v != 0})

    def __mul__(self, other):
        if _foreign(other):
            return NotImplemented
        if isinstance(other, Form):
            return wedge(self, other)
        if isinstance(other, VectorField):
            return NotImplemented
        return self._scale(other)

    def __rmul__(self, other):
        if _foreign(other):
            return NotImplemented
        if isinstance(other, VectorField):
            return NotImplemented
        return self._scale(other)

    def __truediv__(self, other):
        if _foreign(other):
            return NotImplemented
        if isinstance(other, (Form, VectorField)):
            return NotImplemented
        return self._scale(1 / sp.sympify(other))

    def __xor__(self, other):
        if _foreign(other):
            return NotImplemented
        if isinstance(other, Form):
            return wedge(self, other)
        return self._scale(other)

    def __rxor__(self, other):
        if _foreign(other):
            return NotImplemented
        return self._scale(other)

    # -- evaluation -----------------------------------------------------------
    def __call__(self, *vectors):
        """Evaluate on ``degree`` vector fields: ``alpha(X_1, ..., X_p)``.

        >>> c = Chart('x y')
        >>> dx, dy = c.dx
        >>> (dx ^ dy)(c.vector([1, 2]), c.vector([3, 4]))
        -2
        """
        if len(vectors) != self.degree:
            raise DegreeError(
                f"a {self.degree}-form takes {self.degree} vector fields, got {len(vectors)}"
            )
        for X in vectors:
            if not isinstance(X, VectorField):
                raise GeomkitError(f"a form is evaluated on VectorFields, got {type(X).__name__}")
            self.chart.check_same(X.chart, "form and vector field")
        if self.degree == 0:
            return self.to_scalar()
        terms = []
        for idx, val in self._c.items():
            m = sp.Matrix([[X.components[i] for X in vectors] for i in idx])
            terms.append(val * m.det(method="berkowitz"))
        return sp.Add(*terms)

    # -- transformations --------------------------------------------------------
    def applyfunc(self, func):
        """Apply ``func`` to every stored component (zeros are dropped)."""
        comps = {}
        for k, v in self._c.items():
            w = sp.sympify(func(v))
            if w != 0:
                comps[k] = w
        return Form._new(self.chart, self.degree, comps)

    def subs(self, *args, **kwargs):
        """``sympy.subs`` on every component."""
        return self.applyfunc(lambda v: v.subs(*args, **kwargs))

    def simplify(self, strategy="cancel"):
        """Simplify every component with a named strategy (see :mod:`geomkit.symbolic.simplify`)."""
        return self.applyfunc(get_strategy(strategy))

    def expand(self):
        return self.applyfunc(sp.expand)

    def is_zero(self, strategy="cancel"):
        """True when every component simplifies to zero under ``strategy``."""
        f = get_strategy(strategy)
        return all(f(v) == 0 for v in self._c.values())

    def equals(self, other, strategy="cancel"):
        """Mathematical equality: ``(self - other).is_zero(strategy)``."""
        return (self - other).is_zero(strategy)

    # -- identity and display ---------------------------------------------------
    def __eq__(self, other):
        if isinstance(other, Form):
            return (
                self.chart == other.chart
                and self.degree == other.degree
                and self._c == other._c
            )
        if self.degree == 0 and not isinstance(other, VectorField):
            try:
                return self.to_scalar() == sp.sympify(other)
            except (sp.SympifyError, TypeError):
                return False
        if other == 0 and not isinstance(other, VectorField):
            return not self._c
        return NotImplemented

    def __hash__(self):
        if self._hash is None:
            object.__setattr__(
                self, "_hash", hash((self.chart, self.degree, frozenset(self._c.items())))
            )
        return self._hash

    def _latex_basis(self, idx):
        return r" \wedge ".join("d" + sp.latex(self.chart.coords[i]) for i in idx)

    def __repr__(self):
        names = [f"d{x}" for x in self.chart.coords]
        return format_terms(self, names)

    def _latex(self, printer):
        if self.degree == 0:
            return printer._print(self._c.get((), sp.S.Zero))
        return latex_sum([(self._c[i], self._latex_basis(i)) for i in sorted(self._c)], printer)


def format_terms(form, names):
    """``coef*b1^b2 + ...`` text of a form whose basis 1-forms are called ``names``."""
    comps = form.components
    if not comps:
        return "0"
    if form.degree == 0:
        return str(comps[()])
    parts = []
    for idx in sorted(comps):
        v = comps[idx]
        b = "^".join(names[i] for i in idx)
        if v == 1:
            t = b
        elif v == -1:
            t = "-" + b
        elif isinstance(v, sp.Add):
            t = f"({v})*{b}"
        else:
            t = f"{v}*{b}"
        parts.append(t)
    out = parts[0]
    for t in parts[1:]:
        out += " - " + t[1:] if t.startswith("-") else " + " + t
    return out


def _zero(chart, degree):
    return Form._new(chart, degree, {})


def _as_form(chart, x):
    if isinstance(x, Form):
        return x
    x = _scalar(x, "wedge() got")
    return Form._new(chart, 0, {(): x} if x != 0 else {})


def _scalar(x, where):
    """``x`` as a sympy scalar; a string is refused rather than parsed, since
    ``'dy'`` would silently become a symbol named dy, not the 1-form."""
    if isinstance(x, str):
        raise GeomkitError(
            f"{where} the string {x!r}; forms are objects of a chart: use "
            "chart.dx (e.g. dx, dy = chart.dx) or chart.scalar(expr)"
        )
    try:
        return sp.sympify(x, strict=True)
    except sp.SympifyError:
        raise GeomkitError(f"{where} a value of type {type(x).__name__}, which is neither a "
                           "Form nor a sympy scalar") from None


def _wedge2(a, b):
    a.chart.check_same(b.chart, "forms")
    p = a.degree + b.degree
    if p > a.chart.dim:
        return _zero(a.chart, p)
    terms = defaultdict(list)
    for I, u in a._c.items():
        for J, v in b._c.items():
            s = _merge_sign(I, J)
            if s:
                terms[tuple(sorted(I + J))].append(s * u * v if s > 0 else -(u * v))
    return Form._new(a.chart, p, _collect(terms))


def wedge(*forms):
    r"""Exterior product :math:`\alpha_1\wedge\dots\wedge\alpha_k` (also ``a ^ b``).

    Scalars (sympy expressions) are 0-forms.  A product whose degree exceeds
    the dimension is the zero form of that degree.

    >>> c = Chart('x y z')
    >>> dx, dy, dz = c.dx
    >>> wedge(dx + dy, dx - dy, dz)
    -2*dx^dy^dz
    """
    if not forms:
        raise GeomkitError("wedge() needs at least one form")
    charts = [f.chart for f in forms if isinstance(f, Form)]
    if not charts:
        raise GeomkitError("wedge() needs at least one Form (got only scalars)")
    chart = charts[0]
    out = _as_form(chart, forms[0])
    for f in forms[1:]:
        out = _wedge2(out, _as_form(chart, f))
    return out


def d(form):
    r"""Exterior derivative: :math:`d(\alpha_I dx^I)=\partial_j\alpha_I\,dx^j\wedge dx^I`.

    >>> c = Chart('x y')
    >>> x, y = c.coords
    >>> d(c.scalar(x**2 * y))
    2*x*y*dx + x**2*dy
    """
    if not isinstance(form, Form):
        hint = ""
        if isinstance(form, (sp.Basic, int, float)):
            hint = (f"; a function such as {form} becomes a 0-form on its chart: "
                    f"d(chart.scalar({form}))")
        raise GeomkitError(f"d() takes a Form, got {type(form).__name__}{hint}")
    chart = form.chart
    if form.degree >= chart.dim:
        return _zero(chart, form.degree + 1)
    terms = defaultdict(list)
    coords = chart.coords
    for I, v in form._c.items():
        fs = v.free_symbols
        for j, x in enumerate(coords):
            if j in I or (x not in fs):
                continue
            dv = sp.diff(v, x)
            if dv == 0:
                continue
            pos = sum(1 for i in I if i < j)
            terms[tuple(sorted(I + (j,)))].append(-dv if pos & 1 else dv)
    return Form._new(chart, form.degree + 1, _collect(terms))


def interior(X, form):
    r"""Interior product :math:`(\iota_X\alpha)_{\mu_2\dots}=X^\nu\alpha_{\nu\mu_2\dots}`.

    The interior product of a 0-form is zero (returned as the scalar 0).

    >>> c = Chart('x y')
    >>> dx, dy = c.dx
    >>> interior(c.vector([2, 3]), dx ^ dy)
    -3*dx + 2*dy
    """
    if not isinstance(X, VectorField) or not isinstance(form, Form):
        raise GeomkitError("interior(X, form) takes a VectorField and a Form")
    X.chart.check_same(form.chart, "vector field and form")
    if form.degree == 0:
        return sp.S.Zero
    terms = defaultdict(list)
    Xc = X.components
    for I, v in form._c.items():
        for k, i in enumerate(I):
            xi = Xc[i]
            if xi == 0:
                continue
            t = xi * v
            terms[I[:k] + I[k + 1:]].append(-t if k & 1 else t)
    return Form._new(form.chart, form.degree - 1, _collect(terms))


def lie(X, obj):
    r"""Lie derivative along ``X`` of a form (Cartan: :math:`\iota_Xd+d\iota_X`) or vector field.

    >>> c = Chart('x y')
    >>> x, y = c.coords
    >>> dx, dy = c.dx
    >>> lie(c.vector([x, y]), dx ^ dy)
    2*dx^dy
    """
    if isinstance(obj, VectorField):
        return bracket(X, obj)
    if not isinstance(obj, Form):
        obj = _as_form(X.chart, obj)
    if obj.degree == 0:
        return _as_form(obj.chart, X(obj.to_scalar()))
    return d(interior(X, obj)) + interior(X, d(obj))


def map_images(mapping, src, target):
    """Images of ``src``'s coordinates under a map given as ``{x: expr in target}``.

    A coordinate missing from ``mapping`` maps to itself, which must then be a
    coordinate of ``target``; keys that are not coordinates of ``src`` are errors.
    """
    images = []
    for x in src.coords:
        if x in mapping:
            images.append(sp.sympify(mapping[x]))
        elif x in target.coords:
            images.append(x)
        else:
            raise GeomkitError(
                f"pullback: no image given for coordinate {x} of {src!r} "
                f"(and it is not a coordinate of {target!r})"
            )
    extra = set(mapping) - set(src.coords)
    if extra:
        raise GeomkitError(
            f"pullback: {sorted(map(str, extra))} are not coordinates of {src!r}"
        )
    return images


def pullback(mapping, form, chart):
    r"""Pull ``form`` back along a map ``phi: chart -> form.chart``.

    ``mapping`` is a dict from the coordinates of ``form.chart`` to
    expressions in the coordinates of ``chart`` (missing coordinates map to
    themselves, which must then be coordinates of ``chart``).

    .. math:: (\varphi^*\alpha)=\alpha_I(x(y))\,d\varphi^{i_1}\wedge\dots\wedge d\varphi^{i_p}

    >>> xy = Chart('x y')
    >>> polar = Chart('r phi')
    >>> r, phi = polar.coords
    >>> x, y = xy.coords
    >>> dx, dy = xy.dx
    >>> pullback({x: r*sp.cos(phi), y: r*sp.sin(phi)}, dx ^ dy, polar).simplify('trig')
    r*dr^dphi
    """
    if not isinstance(form, Form):
        raise GeomkitError(f"pullback() takes a Form, got {type(form).__name__}")
    if not isinstance(chart, Chart):
        raise GeomkitError(f"pullback() needs the target Chart, got {type(chart).__name__}")
    src = form.chart
    images = map_images(mapping, src, chart)
    if form.degree > chart.dim:
        return _zero(chart, form.degree)
    sub = dict(zip(src.coords, images))
    dphi = [d(Form._new(chart, 0, {(): f} if f != 0 else {})) for f in images]
    terms = defaultdict(list)
    for I, v in form._c.items():
        v2 = v.subs(sub, simultaneous=True)
        piece = Form._new(chart, 0, {(): v2} if v2 != 0 else {})
        for i in I:
            piece = _wedge2(piece, dphi[i])
        for k, w in piece._c.items():
            terms[k].append(w)
    return Form._new(chart, form.degree, _collect(terms))


def basis_forms(chart, degree):
    """All basis p-forms ``dx^I`` (I increasing) of a chart, in lexicographic order."""
    return [Form._new(chart, degree, {I: sp.S.One}) for I in combinations(range(chart.dim), degree)]
