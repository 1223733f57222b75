r"""Metrics on a chart: musical isomorphisms, volume form, Hodge star, codifferential.

Conventions (``docs/conventions.md``):

* ``vol = sqrt|g| dx^1 ^ ... ^ dx^n``; ``s = sign(det g)``.
* :math:`\star(dx^{I}) ` is defined by
  :math:`(\star\alpha)_{J}=\alpha^{J^c}\,\varepsilon_{J^cJ}` with
  :math:`\varepsilon_{1\dots n}=+\sqrt{|g|}` (lower indices), which is
  :math:`\star(e^{a_1}\wedge\dots\wedge e^{a_p})=\iota^{a_p}\cdots\iota^{a_1}\mathrm{vol}`
  in an orthonormal frame.  Hence :math:`\star1=\mathrm{vol}`,
  :math:`\star\mathrm{vol}=s`, :math:`\star\star=s(-1)^{p(n-p)}`.
* :math:`\delta=(-1)^p\star^{-1}d\star` and the Laplace--de Rham operator
  :math:`\Delta=d\delta+\delta d` is *positive*: :math:`\Delta f=-\nabla^2 f`.

>>> import sympy as sp
>>> from geomkit import Chart
>>> c = Chart('x y z')
>>> g = Metric(c, sp.eye(3))
>>> dx, dy, dz = c.dx
>>> g.hodge(dx)
dy^dz
>>> x, y, z = c.coords
>>> g.laplacian(c.scalar(x**2 + y**2 + z**2))
-6
"""

from itertools import combinations

import sympy as sp

from .._display import LatexDisplay, latex_sum
from ..errors import DegenerateMetricError, DegreeError, DimensionError, GeomkitError
from .chart import Chart, VectorField
from .forms import Form, d, sort_sign
from .simplify import get_strategy

__all__ = ["Metric"]


def _numeric_sign(det, symbols):
    """Sign of ``det`` at generic points that respect the symbols' assumptions.

    Points with every symbol in (0.3, 0.9) first (negative symbols negated,
    integer ones 1..3); when ``det`` is not real there (a power of a base that
    is negative at such points, e.g. Janis-Newman-Winicour), points whose
    symbols spread over four orders of magnitude.
    """
    import random

    rng = random.Random(12345)
    symbols = sorted(symbols, key=sp.default_sort_key)

    def value(s, x):
        if s.is_integer:
            return sp.Integer(rng.randint(1, 3)) * (-1 if s.is_negative else 1)
        return -x if s.is_negative or s.is_nonpositive else x

    def draws():
        for _ in range(8):
            yield {s: value(s, sp.Rational(rng.randint(300, 900), 1000)) for s in symbols}
        for _ in range(24):
            yield {s: value(s, sp.Rational(rng.randint(1, 999), 1000) * 10 ** rng.randint(-1, 2))
                   for s in symbols}

    for point in draws():
        try:
            val = complex(sp.N(det.subs(point)))
        except (TypeError, ValueError):
            continue
        if abs(val.imag) < 1e-12 * max(1.0, abs(val.real)) and abs(val.real) > 1e-12:
            return 1 if val.real > 0 else -1
    return None


class Metric(LatexDisplay):
    """A (pseudo-)Riemannian metric ``g_ij dx^i dx^j`` on a chart.

    Parameters
    ----------
    chart : Chart
    matrix : sympy Matrix or nested sequence
        Symmetric ``n x n`` components ``g_ij`` (may depend on the coordinates).
    sign : {1, -1}, optional
        ``sign(det g)``; found from the matrix when sympy can decide it,
        otherwise from the value at a generic point.  Pass it for metrics
        whose determinant sign cannot be decided that way.
    simplify : str
        Strategy applied to the inverse metric and ``sqrt|g|``.

    >>> import sympy as sp
    >>> from geomkit import Chart
    >>> c = Chart('t x y z')
    >>> eta = Metric(c, sp.diag(-1, 1, 1, 1))
    >>> eta.sign, eta.signature
    (-1, (3, 1))
    """

    def __init__(self, chart, matrix, sign=None, simplify="cancel"):
        if not isinstance(chart, Chart):
            raise GeomkitError(f"Metric needs a Chart, got {type(chart).__name__}")
        g = sp.Matrix(matrix)
        n = chart.dim
        if g.shape != (n, n):
            raise DimensionError(f"a metric on {chart!r} is {n}x{n}, got {g.shape[0]}x{g.shape[1]}")
        if (g - g.T).applyfunc(sp.expand) != sp.zeros(n, n):
            raise GeomkitError("metric matrix is not symmetric")
        self.chart = chart
        self.matrix = g.as_immutable()
        self._simp = get_strategy(simplify)
        det = self._simp(g.det(method="berkowitz"))
        if det == 0:
            raise DegenerateMetricError(f"metric on {chart!r} is degenerate: det g = 0")
        self.det = det
        if sign is None:
            if det.is_positive:
                sign = 1
            elif det.is_negative:
                sign = -1
            else:
                sign = _numeric_sign(det, det.free_symbols)
                if sign is None:
                    raise DegenerateMetricError(
                        f"cannot tell the sign of det g = {det}: sympy cannot decide it "
                        "and it is not real at sampled points; pass sign=+1 or sign=-1 "
                        "(or give the symbols assumptions such as positive=True)"
                    )
        if sign not in (1, -1):
            raise GeomkitError(f"sign must be +1 or -1, got {sign!r}")
        self.sign = sign
        self._inv = None
        self._sqrt = None

    # -- basic data -----------------------------------------------------------
    @property
    def dim(self):
        return self.chart.dim

    @property
    def inverse(self):
        """The inverse metric ``g^ij`` (cached)."""
        if self._inv is None:
            n = self.dim
            if self.matrix.is_diagonal():
                inv = sp.diag(*[1 / self.matrix[i, i] for i in range(n)])
            else:
                adj = self.matrix.adjugate(method="berkowitz")
                inv = (adj / self.det).applyfunc(self._simp)
            self._inv = inv.as_immutable()
        return self._inv

    @property
    def sqrt_abs_det(self):
        """``sqrt|det g|``, simplified with ``sympy.sqrt`` of the factored determinant."""
        if self._sqrt is None:
            self._sqrt = sp.sqrt(sp.factor(self.sign * self.det))
        return self._sqrt

    @property
    def signature(self):
        """``(p, q)``: numbers of positive and negative eigenvalues at a generic point."""
        g = self.matrix
        syms = g.free_symbols
        import random

        rng = random.Random(7)
        point = {s: sp.Rational(rng.randint(300, 900), 1000) for s in syms}
        import numpy as np

        ev = np.linalg.eigvalsh(np.array(g.subs(point).evalf(), dtype=float))
        q = int((ev < 0).sum())
        return (self.dim - q, q)

    def __call__(self, X, Y):
        """``g(X, Y)``."""
        self._check_vec(X)
        self._check_vec(Y)
        g = self.matrix
        n = self.dim
        return sp.Add(*(g[i, j] * X[i] * Y[j] for i in range(n) for j in range(n) if g[i, j] != 0))

    def _check_vec(self, X):
        if not isinstance(X, VectorField):
            raise GeomkitError(f"expected a VectorField, got {type(X).__name__}")
        self.chart.check_same(X.chart, "metric and vector field")

    def _check_form(self, a):
        if not isinstance(a, Form):
            raise GeomkitError(f"expected a Form, got {type(a).__name__}")
        self.chart.check_same(a.chart, "metric and form")

    # -- musical isomorphisms ---------------------------------------------------
    def flat(self, X):
        """The 1-form ``X^flat = g_ij X^j dx^i``."""
        self._check_vec(X)
        n = self.dim
        comps = {(i,): sp.Add(*(self.matrix[i, j] * X[j] for j in range(n))) for i in range(n)}
        return Form(self.chart, 1, comps)

    def sharp(self, alpha):
        """The vector field ``alpha^sharp = g^ij alpha_j d_i``."""
        self._check_form(alpha)
        if alpha.degree != 1:
            raise DegreeError(f"sharp takes a 1-form, got a {alpha.degree}-form")
        gi = self.inverse
        n = self.dim
        return VectorField(
            self.chart, [sp.Add(*(gi[i, j] * alpha[j] for j in range(n))) for i in range(n)]
        )

    # -- raising all indices, inner products ------------------------------------
    def _raise(self, alpha):
        """Contravariant components ``alpha^I`` on increasing tuples I."""
        p = alpha.degree
        gi = self.inverse
        if p == 0:
            return dict(alpha.components)
        out = {}
        diag = gi.is_diagonal()
        for I in combinations(range(self.dim), p):
            if diag:
                v = alpha.components.get(I)
                if v is not None:
                    out[I] = sp.Mul(*(gi[i, i] for i in I)) * v
                continue
            terms = []
            for K, v in alpha.components.items():
                m = gi.extract(list(I), list(K))
                det = m.det(method="berkowitz")
                if det != 0:
                    terms.append(det * v)
            if terms:
                s = sp.Add(*terms)
                if s != 0:
                    out[I] = s
        return out

    def inner(self, alpha, beta):
        r"""Pointwise inner product :math:`\langle\alpha,\beta\rangle=\sum_I\alpha^I\beta_I`.

        It satisfies :math:`\alpha\wedge\star\beta=\langle\alpha,\beta\rangle\,\mathrm{vol}`.
        """
        self._check_form(alpha)
        self._check_form(beta)
        if alpha.degree != beta.degree:
            raise DegreeError("inner product of forms of different degrees")
        up = self._raise(alpha)
        return sp.Add(*(v * beta.components.get(I, 0) for I, v in up.items()))

    # -- volume, Hodge star, codifferential, Laplacian ----------------------------
    @property
    def volume_form(self):
        """``vol = sqrt|g| dx^1 ^ ... ^ dx^n``."""
        return Form(self.chart, self.dim, {tuple(range(self.dim)): self.sqrt_abs_det})

    def hodge(self, alpha):
        r"""Hodge star :math:`\star\alpha` (see the module docstring for the convention).

        >>> import sympy as sp
        >>> from geomkit import Chart
        >>> c = Chart('t x y z')
        >>> eta = Metric(c, sp.diag(-1, 1, 1, 1))
        >>> eta.hodge(c.dx[0])
        -dx^dy^dz
        """
        self._check_form(alpha)
        n = self.dim
        p = alpha.degree
        if p > n:
            return Form(self.chart, 0)
        up = self._raise(alpha)
        comps = {}
        full = tuple(range(n))
        for I, v in up.items():
            J = tuple(i for i in full if i not in I)
            s, _ = sort_sign(I + J)
            comps[J] = s * v * self.sqrt_abs_det
        return Form(self.chart, n - p, comps)

    def hodge_inverse(self, alpha):
        """:math:`\\star^{-1} = s(-1)^{p(n-p)}\\star` on a p-form result."""
        n = self.dim
        q = n - alpha.degree  # degree of the result
        sgn = self.sign * (-1) ** (q * (n - q))
        return sgn * self.hodge(alpha)

    def codifferential(self, alpha, simplify="cancel"):
        r"""Codifferential :math:`\delta\alpha=(-1)^p\star^{-1}d\star\alpha` (adjoint of d).

        On 1-forms :math:`\delta\alpha=-\nabla_\mu\alpha^\mu`.
        """
        self._check_form(alpha)
        p = alpha.degree
        if p == 0:
            return Form(self.chart, 0)
        res = (-1) ** p * self.hodge_inverse(d(self.hodge(alpha)))
        return res.simplify(simplify)

    def laplacian(self, alpha, simplify="cancel"):
        r"""Laplace--de Rham operator :math:`\Delta=d\delta+\delta d` (positive).

        A plain sympy expression is taken as a 0-form.
        """
        if not isinstance(alpha, Form):
            alpha = self.chart.scalar(alpha)
        self._check_form(alpha)
        n = self.dim
        out = Form(self.chart, alpha.degree)
        if alpha.degree > 0:
            out = out + d(self.codifferential(alpha, simplify))
        if alpha.degree < n:
            out = out + self.codifferential(d(alpha), simplify)
        return out.simplify(simplify)

    def __repr__(self):
        return f"Metric({self.chart!r}, {self.matrix.tolist()})"

    def _latex(self, printer):
        """The line element, ``ds^2 = g_ij dx^i dx^j`` (symmetric pairs once)."""
        x = [printer._print(c) for c in self.chart.coords]
        n = len(x)
        terms = [((1 if i == j else 2) * self.matrix[i, j],
                  f"d{x[i]}^{{2}}" if i == j else f"d{x[i]}\\, d{x[j]}")
                 for i in range(n) for j in range(i, n) if self.matrix[i, j] != 0]
        return "ds^{2} = " + latex_sum(terms, printer)

