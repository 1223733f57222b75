"""Field equations of TEGR: exterior route vs the component route (sympy Euler operator).

Prints one table: case, route, seconds (best of ``--repeat`` fresh evaluations), and
whether the equations match the Einstein tensor.  The component route is the peer:
it is what a plain sympy ``euler_equations`` treatment of the densitized Lagrangian does.

    python benchmarks/bench_field_equations.py [--repeat 3]
"""

import argparse
import time

import sympy as sp

import geomkit as gk
from geomkit.symbolic.variational import tegr, to_components


def cases():
    c = gk.Chart("t r theta phi", positive=True)
    t, r, th, ph = c.coords
    M = sp.Symbol("M", positive=True)
    f = 1 - 2 * M / r
    eta = sp.diag(-1, 1, 1, 1)
    yield "Schwarzschild, diagonal tetrad", lambda: gk.Coframe(
        [sp.sqrt(f) * c.dx[0], c.dx[1] / sp.sqrt(f), r * c.dx[2], r * sp.sin(th) * c.dx[3]],
        eta), ("exterior",)
    yield "E1 (H^2 x R)", lambda: gk.defects.examples.E1().coframe, ("exterior", "component")
    yield "E2 (Nil)", lambda: gk.defects.examples.E2().coframe, ("exterior", "component")


def einstein_ok(cf, E):
    n = cf.n
    G, g = gk.einstein(cf), cf.metric().matrix
    gi, fr, det = g.inv(), cf.frame(), cf.E.det()
    want = sp.Matrix(n, n, lambda a, lam: 2 * det * sum(
        gi[lam, m] * G[m, nu] * fr[a][nu] for m in range(n) for nu in range(n)))
    diff = (to_components(E) - want).applyfunc(
        lambda e: gk.symbolic.simplify_expr(e, "algebraic"))
    return diff == sp.zeros(n, n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{'case':34s} {'route':10s} {'seconds':>8s}  Einstein")
    for name, make, routes in cases():
        for route in routes:
            best, E, cf = float("inf"), None, None
            for _ in range(args.repeat):
                cf = make()
                t0 = time.perf_counter()
                E = gk.field_equations(tegr(cf.n), cf, method=route)
                best = min(best, time.perf_counter() - t0)
            print(f"{name:34s} {route:10s} {best:8.2f}  {einstein_ok(cf, E)}")


if __name__ == "__main__":
    main()
