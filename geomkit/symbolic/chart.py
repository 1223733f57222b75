"""Charts (coordinate systems) and vector fields on them.

A :class:`Chart` is an ordered tuple of distinct sympy symbols ``x^1 .. x^n``.
Two charts are the same chart when their coordinate symbols are equal.  A
:class:`VectorField` ``X = X^i d/dx^i`` stores its components in the
coordinate basis.

>>> c = Chart('x y')
>>> x, y = c.coords
>>> X = c.vector([-y, x])
>>> X(x**2 + y**2)
0
>>> bracket(c.vector([1, 0]), c.vector([0, x]))
VectorField(Chart('x y'), (0, 1))
"""

import sympy as sp

from .._display import LatexDisplay, latex_sum
from ..errors import ChartError, DimensionError

__all__ = ["Chart", "VectorField", "bracket"]


def _as_symbols(coords, **assumptions):
    if isinstance(coords, str):
        names = coords.replace(",", " ").split()
        if not assumptions:
            assumptions = {"real": True}
        syms = tuple(sp.Symbol(n, **assumptions) for n in names)
    else:
        syms = tuple(coords)
    if not syms:
        raise ChartError("a chart needs at least one coordinate")
    for s in syms:
        if not isinstance(s, sp.Symbol):
            raise ChartError(f"chart coordinate {s!r} is not a sympy Symbol")
    if len(set(syms)) != len(syms):
        raise ChartError(f"chart coordinates must be distinct, got {syms}")
    return syms


class Chart(LatexDisplay):
    """A coordinate chart ``(x^1, ..., x^n)``.

    Parameters
    ----------
    coords : str or sequence of sympy.Symbol
        ``'x y z'`` (real symbols are created) or existing symbols, whose
        assumptions (e.g. ``positive=True`` for a radius) are kept.
    **assumptions
        Assumptions for symbols created from a string, e.g. ``positive=True``.

    >>> c = Chart('r phi')
    >>> c.dim, c.coords
    (2, (r, phi))
    >>> c.dx
    (dr, dphi)
    >>> c.function('f')
    f(r, phi)
    """

    __slots__ = ("_coords", "_dx", "_index")

    def __init__(self, coords, **assumptions):
        self._coords = _as_symbols(coords, **assumptions)
        self._index = {s: i for i, s in enumerate(self._coords)}
        self._dx = None

    @property
    def coords(self):
        """The coordinate symbols, a tuple."""
        return self._coords

    @property
    def dim(self):
        """The number of coordinates ``n``."""
        return len(self._coords)

    def index(self, symbol):
        """Position of a coordinate symbol in the chart."""
        try:
            return self._index[symbol]
        except KeyError:
            raise ChartError(f"{symbol} is not a coordinate of {self!r}") from None

    @property
    def dx(self):
        """The coordinate 1-forms ``(dx^1, ..., dx^n)``."""
        if self._dx is None:
            from .forms import Form

            self._dx = tuple(Form(self, 1, {(i,): sp.S.One}) for i in range(self.dim))
        return self._dx

    @property
    def partials(self):
        """The coordinate vector fields ``(d/dx^1, ..., d/dx^n)``."""
        n = self.dim
        return tuple(
            VectorField(self, [1 if j == i else 0 for j in range(n)]) for i in range(n)
        )

    def vector(self, components):
        """The vector field ``components[i] d/dx^i``."""
        return VectorField(self, components)

    def function(self, name, **assumptions):
        """An undefined sympy function of all coordinates, e.g. ``f(x, y)``."""
        return sp.Function(name, **assumptions)(*self._coords)

    def scalar(self, expr):
        """The 0-form with value ``expr``."""
        from .forms import Form

        return Form(self, 0, {(): expr})

    def check_same(self, other, what="objects"):
        if self != other:
            raise ChartError(
                f"{what} live on different charts {self!r} and {other!r}; "
                "pull one back (gk.pullback) onto the other's chart first"
            )

    def __eq__(self, other):
        return isinstance(other, Chart) and self._coords == other._coords

    def __hash__(self):
        return hash(("Chart", self._coords))

    def __repr__(self):
        return f"Chart({' '.join(map(str, self._coords))!r})"

    def _latex(self, printer):
        return r"\mathrm{chart}\ \left(" + ", ".join(map(printer._print, self._coords)) + r"\right)"


class VectorField(LatexDisplay):
    """A vector field ``X = X^i d/dx^i`` on a chart (immutable).

    Calling it on a scalar expression (or a 0-form) differentiates:
    ``X(f) = X^i df/dx^i``.
    """

    __slots__ = ("chart", "components")

    def __init__(self, chart, components):
        comps = tuple(sp.sympify(c) for c in components)
        if len(comps) != chart.dim:
            raise DimensionError(
                f"a vector field on {chart!r} needs {chart.dim} components, got {len(comps)}"
            )
        object.__setattr__(self, "chart", chart)
        object.__setattr__(self, "components", comps)

    def __setattr__(self, name, value):
        raise AttributeError("VectorField is immutable")

    def __call__(self, f):
        from .forms import Form

        if isinstance(f, Form):
            self.chart.check_same(f.chart, "vector field and form")
            if f.degree != 0:
                return f(self)
            f = f.components.get((), sp.S.Zero)
        f = sp.sympify(f)
        return sp.Add(
            *(c * sp.diff(f, x) for c, x in zip(self.components, self.chart.coords) if c != 0)
        )

    def __getitem__(self, i):
        return self.components[i]

    def __iter__(self):
        return iter(self.components)

    def __len__(self):
        return len(self.components)

    def _other(self, other):
        if not isinstance(other, VectorField):
            return NotImplemented
        self.chart.check_same(other.chart, "vector fields")
        return other

    def __add__(self, other):
        other = self._other(other)
        if other is NotImplemented:
            return other
        return VectorField(self.chart, [a + b for a, b in zip(self, other)])

    def __sub__(self, other):
        other = self._other(other)
        if other is NotImplemented:
            return other
        return VectorField(self.chart, [a - b for a, b in zip(self, other)])

    def __neg__(self):
        return VectorField(self.chart, [-a for a in self])

    def __mul__(self, f):
        if isinstance(f, VectorField):
            return NotImplemented
        f = sp.sympify(f)
        return VectorField(self.chart, [f * a for a in self])

    __rmul__ = __mul__

    def applyfunc(self, func):
        """Apply ``func`` to every component."""
        return VectorField(self.chart, [func(a) for a in self])

    def subs(self, *args, **kwargs):
        return self.applyfunc(lambda a: a.subs(*args, **kwargs))

    def simplify(self, strategy="cancel"):
        from .simplify import get_strategy

        return self.applyfunc(get_strategy(strategy))

    def __eq__(self, other):
        return (
            isinstance(other, VectorField)
            and self.chart == other.chart
            and self.components == other.components
        )

    def __hash__(self):
        return hash(("VectorField", self.chart, self.components))

    def __repr__(self):
        return f"VectorField({self.chart!r}, {self.components})"

    def _latex(self, printer):
        return latex_sum([(c, rf"\partial_{{{printer._print(x)}}}")
                          for c, x in zip(self.components, self.chart.coords) if c != 0], printer)


def bracket(X, Y):
    """Lie bracket ``[X, Y]^i = X(Y^i) - Y(X^i)``.

    >>> c = Chart('x y')
    >>> x, y = c.coords
    >>> bracket(c.vector([x, 0]), c.vector([0, x]))
    VectorField(Chart('x y'), (0, x))
    """
    X.chart.check_same(Y.chart, "vector fields")
    return VectorField(X.chart, [X(b) - Y(a) for a, b in zip(X, Y)])
