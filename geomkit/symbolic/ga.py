"""Bridge to galgebra: constant-coefficient forms <-> geometric-algebra multivectors.

galgebra is imported lazily (its import takes seconds); the bridge exists to
cross-check geomkit's exterior algebra against an independent implementation
and to hand results to users who think in geometric algebra.

Dictionary, for a constant diagonal metric ``g`` with basis vectors ``e_i``
and reciprocal vectors ``e^i = g^{ii} e_i``:

* the 1-form ``dx^i`` is the reciprocal vector ``e^i`` and ``dx^I`` the blade
  ``e^{i_1} ^ ... ^ e^{i_p}``; the wedge is the outer product ``^``;
* a vector field ``X^i d_i`` is ``X^i e_i`` and the interior product
  ``iota_X alpha`` is the left contraction ``X < A``;
* the Hodge star is ``star(A) = rev(A) < I`` with ``I = e^1 ^ ... ^ e^n``,
  which is geomkit's convention ``star(e^{a_1..a_p}) = iota^{a_p}..iota^{a_1} vol``.

>>> import sympy as sp
>>> from geomkit import Chart, Metric
>>> c = Chart('x y z')
>>> ga = algebra(Metric(c, sp.eye(3)))
>>> dx, dy, dz = c.dx
>>> A = to_multivector(dx ^ dy, ga)
>>> from_multivector(hodge_ga(A, ga), c, ga, 1)
dz
"""

import sympy as sp

from ..errors import GeomkitError
from .chart import VectorField
from .forms import Form

__all__ = ["algebra", "to_multivector", "from_multivector", "vector_to_multivector", "hodge_ga"]


def _galgebra():
    """Import galgebra without letting it restyle sympy's printing globally.

    On import, galgebra's printer replaces ``builtins.print`` and sympy's
    ``__repr__`` (dropping the arguments of undefined functions, so
    ``f(x, y)`` prints as ``f``); the bridge must not change how a user's
    unrelated expressions print, so both are put back.
    """
    import builtins

    from sympy.printing.defaults import Printable

    try:
        import galgebra.printer as gaprinter
        from galgebra.ga import Ga
    except ImportError as exc:  # pragma: no cover - galgebra is a core dependency
        raise GeomkitError("the galgebra bridge needs galgebra: pip install galgebra") from exc
    if builtins.print is getattr(gaprinter, "_print", None):
        builtins.print = gaprinter._old_print
    Printable.__repr__ = Printable.__str__  # sympy's own definition
    if "__ga_print_str__" in Printable.__dict__:
        del Printable.__ga_print_str__
    return Ga


def algebra(metric):
    """A galgebra ``Ga`` for a constant diagonal metric on ``metric.chart``."""
    g = metric.matrix
    if not g.is_diagonal() or g.free_symbols & set(metric.chart.coords):
        raise GeomkitError("the galgebra bridge needs a constant diagonal metric")
    Ga = _galgebra()
    names = "e*" + "|".join(str(i) for i in range(metric.dim))
    ga = Ga(names, g=[g[i, i] for i in range(metric.dim)])
    ga._geomkit_metric = metric
    return ga


def _check_constant(form):
    coords = set(form.chart.coords)
    for idx, v in form.components.items():
        if v.free_symbols & coords:
            raise GeomkitError(
                f"the galgebra bridge takes constant coefficients; component {idx} is {v}"
            )


def to_multivector(form, ga):
    """The multivector of a constant-coefficient form (reciprocal-basis blades)."""
    _check_constant(form)
    rec = ga.mvr()
    out = ga.mv(0, "scalar")
    for idx, v in form.components.items():
        blade = ga.mv(1, "scalar")
        for i in idx:
            blade = blade ^ rec[i]
        out = out + v * blade
    return out


def vector_to_multivector(X, ga):
    """The grade-1 multivector ``X^i e_i`` of a vector field with constant components."""
    if not isinstance(X, VectorField):
        raise GeomkitError("expected a VectorField")
    return sum((c * e for c, e in zip(X.components, ga.mv())), ga.mv(0, "scalar"))


def from_multivector(mv, chart, ga, degree):
    """The ``degree``-form of the grade-``degree`` part of a multivector."""
    g = ga._geomkit_metric.matrix
    comps = {}
    coefs = mv.blade_coefs()
    for blade_idx, c in zip(ga.indexes_to_blades_dict.keys(), coefs):
        if len(blade_idx) != degree or c == 0:
            continue
        w = sp.sympify(c).doit()  # galgebra leaves Mul(-1, 3) unevaluated
        for i in blade_idx:
            w = w * g[i, i]
        comps[tuple(blade_idx)] = w
    return Form(chart, degree, comps)


def hodge_ga(mv, ga):
    """``rev(A) < I`` -- geomkit's Hodge star expressed in geometric algebra."""
    rec = ga.mvr()
    I = rec[0]
    for v in rec[1:]:
        I = I ^ v
    return mv.rev() < I
