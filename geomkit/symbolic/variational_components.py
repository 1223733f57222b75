r"""Component route of the calculus of variations (reference for :mod:`.variational`).

The field (coframe :math:`E^a{}_\mu` or potential components :math:`A_I`) is varied by
:math:`\epsilon h` with *generic functions* :math:`h(x)`; the Lagrangian density
:math:`\mathcal L` (the :math:`d^nx` coefficient of ``L``) is evaluated on the varied
field with no simplification, differentiated in :math:`\epsilon` at 0, and the Euler
operator with respect to :math:`h`,

.. math:: \frac{\delta}{\delta h}=\sum_k(-1)^{|k|}\partial^k\frac{\partial}{\partial(\partial^kh)},

applied to that expression, which is linear in :math:`h`.  This gives
:math:`\mathrm{EL}=\partial\mathcal L/\partial E-\partial_\nu\,\partial\mathcal L/\partial
(\partial_\nu E)` at the background field (docs/conventions.md), the same as sympy's
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
    return _euler_linear(expr, [fn])[fn]


def _euler_linear(expr, fns):
    """Euler operators of ``expr`` with respect to each of ``fns`` (``expr`` linear in them).

    Every function and derivative of ``fns`` is first replaced by a plain symbol, so
    that coefficients are read by differentiating in symbols (fast), not in
    ``Derivative`` objects."""
    jets = _jet_symbols(expr, fns)
    flat = expr.xreplace(jets)
    zero = {s: 0 for s in jets.values()}
    out = {fn: sp.S.Zero for fn in fns}
    for atom, s in jets.items():
        c = sp.diff(flat, s).xreplace(zero)
        if c == 0:
            continue
        if isinstance(atom, sp.Derivative):
            for v, k in atom.variable_count:
                c = (-1) ** k * sp.diff(c, v, k)
            out[atom.expr] += c
        else:
            out[atom] += c
    return out


def _jet_symbols(expr, fns):
    """A fresh symbol for each of ``fns`` and each of their derivatives in ``expr``."""
    fset = set(fns)
    jets = {D: sp.Dummy("jet") for D in expr.atoms(sp.Derivative) if D.expr in fset}
    jets.update({fn: sp.Dummy("jet") for fn in fns})
    return jets


def _first_order(eps):
    """Strategy: the first-order Taylor polynomial in ``eps`` (its constant term cancelled)."""

    def trunc(e):
        e = sp.sympify(e)
        if not e.has(eps):
            return sp.cancel(sp.together(e))
        e0 = sp.cancel(sp.together(e.xreplace({eps: 0})))
        e1 = sp.diff(e, eps).xreplace({eps: 0})
        return e0 + eps * e1

    return trunc


def _linear_part(lag, eps, fns):
    """d/d eps at eps = 0 of ``lag``, with the varied functions made plain symbols first."""
    jets = _jet_symbols(lag, fns)
    flat = lag.xreplace(jets)
    lin = sp.diff(flat, eps).xreplace({eps: 0})
    return lin.xreplace({v: k for k, v in jets.items()})


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
        # each engine reduction keeps the first order in eps only (exact for what we read)
        varied = Coframe.from_matrix(chart, E, eta, simplify=_first_order(eps))
        T = _torsion(varied, omega)
        lag = _top(L(FrameOps(varied), _fields(T, potentials)), n)
        flat = [fn for row in h for fn in row]
        EL = _euler_linear(_linear_part(lag, eps, set(flat)), flat)
        f = f or get_strategy(coframe.strategy)
        return sp.Matrix(n, n, lambda a, m: f(EL[h[int(a)][int(m)]]))
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
    EL = _euler_linear(_linear_part(lag, eps, set(hs.values())), list(hs.values()))
    f = f or get_strategy(coframe.strategy)
    return {I: f(EL[v]) for I, v in hs.items()}
