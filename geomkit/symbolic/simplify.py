"""Named simplification strategies.

Every heavy symbolic operation of geomkit takes a ``simplify=`` strategy; they
are, from cheapest to dearest:

``'none'``
    no work at all: sympy's automatic term collection only.
``'expand'``
    :func:`sympy.expand` -- canonical for polynomial coefficients.
``'cancel'``
    :func:`sympy.cancel` after :func:`sympy.together` -- canonical for rational
    functions of the coordinates, of undefined functions and their derivatives
    (radicals and trigonometric atoms are treated as independent symbols).
``'trig'``
    ``'cancel'`` followed by :func:`sympy.trigsimp`.
``'full'``
    :func:`sympy.simplify` -- slow; never a default on a hot path.

A strategy may also be any callable ``expr -> expr``.

>>> import sympy as sp
>>> x = sp.Symbol('x')
>>> simplify_expr(x/(x**2 + x) - 1/(x + 1), 'cancel')
0
"""

import sympy as sp

from ..errors import GeomkitError

STRATEGIES = ("none", "expand", "cancel", "trig", "full")


def _cancel(expr):
    return sp.cancel(sp.together(expr))


_FUNCS = {
    "none": lambda e: e,
    "expand": sp.expand,
    "cancel": _cancel,
    "trig": lambda e: sp.trigsimp(_cancel(e)),
    "full": sp.simplify,
}


def get_strategy(strategy):
    """Return the callable for a strategy name (or the callable itself)."""
    if callable(strategy):
        return strategy
    try:
        return _FUNCS[strategy]
    except KeyError:
        raise GeomkitError(
            f"unknown simplification strategy {strategy!r}; choose one of "
            f"{', '.join(STRATEGIES)} or pass a callable"
        ) from None


def simplify_expr(expr, strategy="cancel"):
    """Simplify one sympy expression with a named strategy."""
    return get_strategy(strategy)(sp.sympify(expr))
