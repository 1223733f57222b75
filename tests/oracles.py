"""Plain-sympy coordinate formulas used as oracles by the curvature tests.

Written straight from the textbook definitions (no frames, no geomkit), so a
test comparing geomkit's frame engine with them compares two independent
computations.
"""

import sympy as sp


def christoffel_direct(g, xs):
    """Gamma^l_{mu nu} as nested lists [l][mu][nu]."""
    n = len(xs)
    gi = g.inv()
    return [
        [
            [
                sum(
                    gi[l, k]
                    * (
                        sp.diff(g[k, nu], xs[mu])
                        + sp.diff(g[k, mu], xs[nu])
                        - sp.diff(g[mu, nu], xs[k])
                    )
                    for k in range(n)
                )
                / 2
                for nu in range(n)
            ]
            for mu in range(n)
        ]
        for l in range(n)
    ]


def riemann_direct(g, xs):
    """R^r_{s m n} = d_m G^r_{n s} - d_n G^r_{m s} + G^r_{m k} G^k_{n s} - G^r_{n k} G^k_{m s}."""
    n = len(xs)
    G = christoffel_direct(g, xs)
    R = {}
    for r in range(n):
        for s in range(n):
            for m in range(n):
                for v in range(n):
                    R[r, s, m, v] = (
                        sp.diff(G[r][v][s], xs[m])
                        - sp.diff(G[r][m][s], xs[v])
                        + sum(G[r][m][k] * G[k][v][s] - G[r][v][k] * G[k][m][s] for k in range(n))
                    )
    return R
