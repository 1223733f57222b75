r"""Component route for :mod:`.field_theories` (the reference the exterior route is tested on).

Each field named in ``wrt`` -- coframe :math:`E^a{}_\mu`, connection components
:math:`\omega^a{}_{b\mu}` (or :math:`\omega_{[ab]\mu}`), frame metric :math:`\eta_{ab}` --
is varied by :math:`\epsilon\,h(x)` with generic functions :math:`h`; the density is
evaluated on the varied fields with plain forms, its first order in :math:`\epsilon`
taken, and the Euler operator with respect to each :math:`h` applied.
"""

from itertools import combinations

import sympy as sp
from sympy.core.function import AppliedUndef

from .forms import Form
from .frames import Coframe
from .simplify import get_strategy
from .variational import _dual_basis_form, _top
from .variational_components import _euler_linear, _first_order, _linear_part

__all__ = ["component_equations"]


def _density(L, coframe, omega, scale, potentials):
    from .field_theories import _build, _fields_with_potentials

    ops, fields, _ = _build(coframe, omega, (), scale, None)
    return _top(L(ops, _fields_with_potentials(fields, potentials)), coframe.n)


def _freeze(exprs, coords):
    """Functions of non-coordinate arguments (f(X), f'(X) as Subs) -> dummies."""
    found = {}
    cs = set(coords)

    def key_of(x):
        if isinstance(x, sp.Subs):
            inner, vars_, pts = x.args
            if isinstance(inner, sp.Derivative) and isinstance(inner.expr, AppliedUndef) \
                    and len(vars_) == 1 and inner.expr.args == tuple(vars_):
                return (inner.expr.func, inner.derivative_count), pts[0]
            return None
        if isinstance(x, AppliedUndef) and not set(x.args) <= cs:
            return (x.func, 0), x.args[0]
        return None

    def rule(x):
        k = key_of(x)
        if k is None:
            return x
        (fn, order), Y = k
        if (fn, order) not in found:
            found[fn, order] = (sp.Dummy(f"{fn}_{order}"), Y)
        return found[fn, order][0]

    out = [e.replace(lambda x: key_of(x) is not None, rule) for e in exprs]
    return out, found


def _thaw(exprs, found, f):
    xi = sp.Dummy("xi")
    back = {}
    for (fn, k), (s, Y) in found.items():
        Y = f(Y)
        back[s] = fn(Y) if k == 0 else sp.Subs(sp.Derivative(fn(xi), (xi, k)), xi, Y)
    return [e.xreplace(back) for e in exprs]


def component_equations(L, names, coframe, connection, potentials, scale, simplify):
    from .field_theories import _omega_forms

    chart, n = coframe.chart, coframe.n
    xs = chart.coords
    eps = sp.Dummy("epsilon")
    f = get_strategy(simplify if simplify is not None else coframe.strategy)
    omega = _omega_forms(coframe, connection)
    eta = coframe._given_metric if coframe._given_metric is not None else coframe.eta
    pairs = list(combinations(range(n), 2))
    top = tuple(range(n))
    out = {}

    def euler(lag, hs):
        EL = _euler_linear(_linear_part(lag, eps, set(hs)), hs)
        vals, found = _freeze([EL[h] for h in hs], xs)
        vals = [f(v) for v in vals]
        return dict(zip(hs, _thaw(vals, found, f)))

    for name in names:
        if name == "coframe":
            h = [[sp.Function(f"h_{a}{m}")(*xs) for m in range(n)] for a in range(n)]
            varied = Coframe.from_matrix(chart, coframe.E + eps * sp.Matrix(h), eta,
                                         simplify=_first_order(eps))
            EL = euler(_density(L, varied, omega, scale, potentials), sum(h, []))
            out[name] = tuple(_dual_basis_form(chart, {(m,): EL[h[a][m]] for m in range(n)}, 1)
                              for a in range(n))
        elif name in ("connection", "metric_connection"):
            gi = sp.Matrix(coframe.eta).inv()
            w = [[omega[a][b] for b in range(n)] for a in range(n)]
            hs = {}
            if name == "connection":
                for a in range(n):
                    for b in range(n):
                        hs[a, b] = [sp.Function(f"h_{a}{b}{m}")(*xs) for m in range(n)]
                        w[a][b] = w[a][b] + Form(chart, 1, {(m,): eps * hs[a, b][m]
                                                            for m in range(n)})
            else:
                for c, b in pairs:
                    hs[c, b] = [sp.Function(f"h_{c}{b}{m}")(*xs) for m in range(n)]
                    dw = Form(chart, 1, {(m,): eps * hs[c, b][m] for m in range(n)})
                    for a in range(n):
                        if gi[a, c] != 0:
                            w[a][b] = w[a][b] + dw * gi[a, c]
                        if gi[a, b] != 0:
                            w[a][c] = w[a][c] - dw * gi[a, b]
            cf = Coframe.from_matrix(chart, coframe.E, eta, simplify=_first_order(eps))
            EL = euler(_density(L, cf, w, scale, potentials), sum(hs.values(), []))
            E = [[Form(chart, n - 1) for _ in range(n)] for _ in range(n)]
            for (a, b), hh in hs.items():
                E[a][b] = _dual_basis_form(chart, {(m,): EL[hh[m]] for m in range(n)}, 1)
                if name == "metric_connection":
                    E[b][a] = -E[a][b]
            out[name] = E
        else:  # metric
            sym = [(a, b) for a in range(n) for b in range(a, n)]
            hs = {(a, b): sp.Function(f"h_{a}{b}")(*xs) for a, b in sym}
            H = sp.Matrix(n, n, lambda a, b, hs=hs: hs[min(a, b), max(a, b)])
            cf = Coframe.from_matrix(chart, coframe.E, sp.Matrix(coframe.eta) + eps * H,
                                     simplify=_first_order(eps))
            EL = euler(_density(L, cf, omega, scale, potentials), list(hs.values()))
            M = [[None] * n for _ in range(n)]
            for a, b in sym:
                k = 2 if a == b else 1
                M[a][b] = M[b][a] = Form(chart, n, {top: k * EL[hs[a, b]]})
            out[name] = M
    return out
