r"""Component route of the calculus of variations (reference for :mod:`.variational`).

The field (coframe :math:`E^a{}_\mu` or potential components :math:`A_I`) is varied by
:math:`\epsilon h` with *generic functions* :math:`h(x)`; the Lagrangian density
:math:`\mathcal L` (the :math:`d^nx` coefficient of ``L``) is evaluated on the varied
field with no simplification, differentiated in :math:`\epsilon` at 0, and the Euler
operator with respect to :math:`h`,

.. math:: \frac{\delta}{\delta h}=\sum_k(-1)^{|k|}\partial^k\frac{\partial}{\partial(\partial^kh)},

applied to that expression, which is linear in :math:`h`.  This gives
:math:`\mathrm{EL}=\partial\mathcal L/\partial E-\partial_\nu\,\partial\mathcal L/\partial
(\partial_\nu E)` at the background field (MATH.md §5.2), the same as sympy's
``euler_equations`` on :math:`\mathcal L`, without building the Lagrangian of a
fully generic coframe.
"""

from itertools import combinations

import sympy as sp

from .forms import Form, d
from .frames import Coframe
from .simplify import get_strategy

__all__ = ["euler_lagrange_components", "euler_operator"]


def euler_operator(expr, fn):
    """:math:`\\sum_k(-1)^{|k|}\\partial^k\\,\\partial(\\mathrm{expr})/\\partial(\\partial^k fn)`
    for an expression *linear* in the function ``fn`` and its derivatives."""
    out = sp.diff(expr, fn)
    for D in expr.atoms(sp.Derivative):
        if D.expr != fn:
            continue
        c = sp.diff(expr, D)
        for v, k in D.variable_count:
            c = (-1) ** k * sp.diff(c, v, k)
        out += c
    return out


def euler_lagrange_components(L, coframe, potentials, target, omega, f):
    """``EL[a, mu]`` (coframe, ``target is None``) or ``{I: EL^I}`` (potential ``target``)."""
    from .variational import FrameOps, _fields, _top, _torsion

    chart, n = coframe.chart, coframe.n
    xs = chart.coords
    eps = sp.Dummy("epsilon")
    if target is None:
        h = [[sp.Function(f"h_{a}{m}")(*xs) for m in range(n)] for a in range(n)]
        E = coframe.E + eps * sp.Matrix(h)
        eta = coframe._given_metric if coframe._given_metric is not None else coframe.eta
        varied = Coframe.from_matrix(chart, E, eta, simplify="none")
        T = _torsion(varied, omega)
        lag = _top(L(FrameOps(varied), _fields(T, potentials)), n)
        dlag = sp.diff(lag, eps).subs(eps, 0)
        f = f or get_strategy(coframe.strategy)
        return sp.Matrix(n, n, lambda a, m: f(euler_operator(dlag, h[int(a)][int(m)])))
    A = potentials[target]
    p = A.degree
    hs = {I: sp.Function("h_" + "".join(map(str, I)))(*xs)
          for I in combinations(range(n), p)}
    varied = dict(potentials)
    varied[target] = A + Form(chart, p, {I: eps * v for I, v in hs.items()})
    T = _torsion(coframe, None)
    fields = _fields(T, varied)
    if p < n:
        setattr(fields, "d" + target, d(varied[target]))
    lag = _top(L(FrameOps(coframe), fields), n)
    dlag = sp.diff(lag, eps).subs(eps, 0)
    f = f or get_strategy(coframe.strategy)
    return {I: f(euler_operator(dlag, v)) for I, v in hs.items()}
