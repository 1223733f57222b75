"""Symbolic workloads shared by the lowering tests and ``benchmarks/bench_lower.py``.

Plain sympy only (no geomkit curvature code), so the lowering is tested on its own.
W1: curvature and Christoffel symbols of a closed-form graph surface;
W2: Kerr coordinate Riemann components and the Kretschmann scalar;
W3: Christoffel symbols from the metric and its first derivatives (2-D and 3-D).
"""

import sympy as sp

from geomkit.symbolic import spacetimes


def christoffel(g, coords, dg=None):
    r"""Coordinate Christoffel symbols :math:`\Gamma^k_{ij}=\tfrac12g^{kl}(\partial_ig_{lj}
    +\partial_jg_{li}-\partial_lg_{ij})` as a dict ``(k, i, j) -> expr`` with ``i <= j``.

    ``dg[l][i][j]`` is :math:`\partial_lg_{ij}` (default: differentiate ``g``).
    """
    n = len(coords)
    if dg is None:
        dg = [[[sp.diff(g[i, j], coords[l]) for j in range(n)] for i in range(n)]
              for l in range(n)]
    ginv = g.inv() if n > 2 else g.adjugate() / g.det()
    out = {}
    for k in range(n):
        for i in range(n):
            for j in range(i, n):
                out[k, i, j] = sum(
                    ginv[k, l] * (dg[i][l][j] + dg[j][l][i] - dg[l][i][j]) for l in range(n)
                ) / 2
    return out


def graph_surface():
    """W1: ``z = h(x, y)`` with a closed-form height; returns ``(outputs, (x, y), (a, b))``.

    Outputs: Gaussian and mean curvature and the six Christoffel symbols of the
    induced metric.
    """
    x, y = sp.symbols("x y", real=True)
    a, b = sp.symbols("a b", positive=True)
    h = a * sp.exp(-(x**2 + y**2)) * sp.cos(b * x) + sp.sin(x * y) / 3
    hx, hy = sp.diff(h, x), sp.diff(h, y)
    hxx, hxy, hyy = sp.diff(h, x, 2), sp.diff(h, x, y), sp.diff(h, y, 2)
    w = 1 + hx**2 + hy**2
    out = {
        "K": (hxx * hyy - hxy**2) / w**2,
        "H": ((1 + hy**2) * hxx - 2 * hx * hy * hxy + (1 + hx**2) * hyy)
        / (2 * w ** sp.Rational(3, 2)),
    }
    g = sp.Matrix([[1 + hx**2, hx * hy], [hx * hy, 1 + hy**2]])
    for (k, i, j), e in christoffel(g, (x, y)).items():
        out[f"Gamma_{k}_{i}_{j}"] = e
    return out, (x, y), (a, b)


def kerr_metric():
    """Kerr metric in Boyer--Lindquist coordinates ``(t, r, theta, phi)``, G = c = 1."""
    t, r, th, ph = sp.symbols("t r theta phi", real=True)
    M, a = sp.symbols("M a", positive=True)
    return spacetimes.kerr((t, r, th, ph), M, a), (t, r, th, ph), (M, a)


def kerr_riemann():
    r"""W2: all independent components :math:`R_{abcd}` (``a<b``, ``c<d``, ``(a,b)<=(c,d)``)
    of the Kerr metric and the Kretschmann scalar, from plain sympy.

    Cheap on purpose: the inverse metric is block-inverted and each Christoffel
    symbol is ``cancel``-ed once; the Riemann components are left unsimplified
    (that is what a lowering has to cope with).  Returns ``(outputs, (r, theta), (M, a))``.
    """
    g, X, (M, a) = kerr_metric()
    n = 4
    ginv = sp.zeros(4, 4)
    blk = sp.Matrix([[g[0, 0], g[0, 3]], [g[3, 0], g[3, 3]]])
    det = sp.factor(sp.cancel(blk.det()))
    ginv[0, 0], ginv[3, 3] = sp.cancel(g[3, 3] / det), sp.cancel(g[0, 0] / det)
    ginv[0, 3] = ginv[3, 0] = sp.cancel(-g[0, 3] / det)
    ginv[1, 1], ginv[2, 2] = 1 / g[1, 1], 1 / g[2, 2]
    dg = [[[sp.diff(g[i, j], X[l]) for j in range(n)] for i in range(n)] for l in range(n)]
    Gam = [[[0] * n for _ in range(n)] for _ in range(n)]
    for k in range(n):
        for i in range(n):
            for j in range(i, n):
                e = sum(ginv[k, l] * (dg[i][l][j] + dg[j][l][i] - dg[l][i][j]) for l in range(n))
                Gam[k][i][j] = Gam[k][j][i] = sp.cancel(e / 2)

    def R_up(s, b, c, d):  # R^s_{bcd}
        e = sp.diff(Gam[s][d][b], X[c]) - sp.diff(Gam[s][c][b], X[d])
        e += sum(Gam[s][c][k] * Gam[k][d][b] - Gam[s][d][k] * Gam[k][c][b] for k in range(n))
        return e

    pairs = [(a_, b_) for a_ in range(n) for b_ in range(a_ + 1, n)]
    out = {}
    Rdown = {}
    for p, (a_, b_) in enumerate(pairs):
        for c_, d_ in pairs[p:]:
            e = sum(g[a_, s] * R_up(s, b_, c_, d_) for s in range(n) if g[a_, s] != 0)
            Rdown[a_, b_, c_, d_] = Rdown[c_, d_, a_, b_] = e
            out[f"R_{a_}{b_}{c_}{d_}"] = e
    # Kretschmann R_abcd R^abcd = 4 sum_{a<b, c<d} R_abcd R^abcd (g^-1 is block diagonal)
    def R(a_, b_, c_, d_):
        s = (1 if a_ < b_ else -1) * (1 if c_ < d_ else -1)
        key = (min(a_, b_), max(a_, b_), min(c_, d_), max(c_, d_))
        return s * Rdown[key] if a_ != b_ and c_ != d_ else 0

    up = [[k for k in range(n) if ginv[i, k] != 0] for i in range(n)]
    K = 0
    for a_, b_ in pairs:
        for c_, d_ in pairs:
            Rup = sum(
                ginv[a_, e] * ginv[b_, f] * ginv[c_, h] * ginv[d_, m] * R(e, f, h, m)
                for e in up[a_] for f in up[b_] for h in up[c_] for m in up[d_]
            )
            K += 4 * Rdown[a_, b_, c_, d_] * Rup
    out["Kretschmann"] = K
    return out, (X[1], X[2]), (M, a)


def metric_christoffel(n):
    """W3: Christoffel symbols from per-point ``g_ij`` and ``dg_lij`` (plain symbols).

    Returns ``(outputs, inputs, ())`` with inputs ``g_ij`` (``i <= j``) and ``dg_l_ij``.
    """
    gs = {}
    for i in range(n):
        for j in range(i, n):
            gs[i, j] = gs[j, i] = sp.Symbol(f"g_{i}{j}")
    dgs = {}
    for l in range(n):
        for i in range(n):
            for j in range(i, n):
                dgs[l, i, j] = dgs[l, j, i] = sp.Symbol(f"dg_{l}_{i}{j}")
    g = sp.Matrix(n, n, lambda i, j: gs[i, j])
    dg = [[[dgs[l, i, j] for j in range(n)] for i in range(n)] for l in range(n)]
    gam = christoffel(g, [None] * n, dg)
    out = {f"Gamma_{k}_{i}_{j}": e for (k, i, j), e in gam.items()}
    inputs = [gs[i, j] for i in range(n) for j in range(i, n)]
    inputs += [dgs[l, i, j] for l in range(n) for i in range(n) for j in range(i, n)]
    return out, inputs, ()
