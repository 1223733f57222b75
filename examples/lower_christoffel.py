"""Christoffel symbols and Gaussian curvature of a surface whose metric is only measured.

The formulas are written once for a metric ``E du^2 + 2F du dv + G dv^2`` of
*unknown* functions; ``gk.lower`` turns them into one parallel numba kernel whose
inputs are the values of E, F, G and their derivatives at each point.  Here the
"measurements" are the exact metric of a torus sampled on a grid, so the output
can be checked against the known answers

    Gamma^u_uv = -r sin v / (R + r cos v),   Gamma^v_uu = (R + r cos v) sin v / r,
    K = cos v / (r (R + r cos v)).

Run: ``python examples/lower_christoffel.py``.
"""

import time

import numpy as np
import sympy as sp

import geomkit as gk


def symbolic_formulas():
    u, v = sp.symbols("u v")
    E, F, G = (sp.Function(name)(u, v) for name in "EFG")
    g = sp.Matrix([[E, F], [F, G]])
    ginv = g.inv()
    X = (u, v)
    out = {}
    for k in range(2):
        for i in range(2):
            for j in range(i, 2):
                out[f"Gamma^{'uv'[k]}_{'uv'[i]}{'uv'[j]}"] = sp.cancel(sum(
                    ginv[k, m] * (sp.diff(g[m, j], X[i]) + sp.diff(g[m, i], X[j])
                                  - sp.diff(g[i, j], X[m]))
                    for m in range(2)
                ) / 2)
    # Brioschi's formula for K from E, F, G and their first and second derivatives
    Eu, Ev, Fu, Fv, Gu, Gv = (sp.diff(f, x) for f in (E, F, G) for x in X)
    A = sp.Matrix([[-sp.diff(E, v, 2) / 2 + sp.diff(F, u, v) - sp.diff(G, u, 2) / 2,
                    Eu / 2, Fu - Ev / 2],
                   [Fv - Gu / 2, E, F],
                   [Gv / 2, F, G]])
    B = sp.Matrix([[0, Ev / 2, Gu / 2], [Ev / 2, E, F], [Gu / 2, F, G]])
    out["K"] = (A.det() - B.det()) / (E * G - F**2) ** 2
    return out, X


def main(R=2.0, r=0.5, n=1000):
    out, X = symbolic_formulas()
    t0 = time.perf_counter()
    kernel = gk.lower(out, X, name="surface_christoffel")
    print(f"{kernel.signature}\n  source: {kernel.path}")

    # the torus metric and its derivatives, sampled on an n x n grid
    u, v = np.meshgrid(np.linspace(0, 2 * np.pi, n), np.linspace(0, 2 * np.pi, n),
                       indexing="ij")
    rho = R + r * np.cos(v)
    zero = np.zeros_like(v)
    data = dict(E=rho**2, F=zero, G=np.full_like(v, r * r), E_u=zero,
                E_v=-2 * r * rho * np.sin(v), F_u=zero, F_v=zero, G_u=zero, G_v=zero,
                E_vv=-2 * r * (rho * np.cos(v) - r * np.sin(v) ** 2), F_uv=zero, G_uu=zero)
    res = kernel(**data)  # compiles at the first call (or loads numba's cache)
    print(f"  first call, compilation included: {time.perf_counter() - t0:.2f} s")
    t = time.perf_counter()
    res = kernel(**data)
    dt = time.perf_counter() - t
    print(f"  evaluated at {v.size:,} points in {dt * 1e3:.1f} ms")

    exact = {"Gamma^u_uv": -r * np.sin(v) / rho, "Gamma^v_uu": rho * np.sin(v) / r,
             "K": np.cos(v) / (r * rho)}
    for name, value in exact.items():
        err = np.abs(res[name] - value).max()
        print(f"  max |{name} - exact| = {err:.1e}")
        assert err < 1e-12 * max(1.0, np.abs(value).max()), name
    others = [k for k in kernel.outputs if k not in exact]
    vanish = all(not res[k].any() for k in others)
    print(f"  {', '.join(others)} vanish: {vanish}")
    assert vanish


if __name__ == "__main__":
    main()
