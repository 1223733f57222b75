"""Field equations: exterior route vs the component route (sympy Euler operator).

Prints two tables.  TEGR: case, route, seconds (best of ``--repeat`` fresh
evaluations), and whether the equations match the Einstein tensor.  f(T) and f(Q)
(undefined f) on flat FLRW and static spherical ansatze: CPU seconds of each route
(a route over ``--limit`` CPU seconds is stopped and shown as ``>limit``) and whether
the two routes agree.  The component route is the peer: it is what a plain sympy
``euler_equations`` treatment of the densitized Lagrangian does.

    python benchmarks/bench_field_equations.py [--repeat 3] [--limit 600]
"""

import argparse
import signal
import time
from functools import partial

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


def modified_cases():
    """(name, wrt, Lagrangian, connection) for f(T) and f(Q) ansatze."""
    f = sp.Function("f")
    eta = sp.diag(-1, 1, 1, 1)
    c = gk.Chart("t x y z")
    t = c.coords[0]
    a = sp.Function("a")(t)
    flrw = gk.Coframe([c.dx[0]] + [a * dx for dx in c.dx[1:]], eta)
    yield "f(T) flat FLRW, diagonal tetrad", "coframe", gk.f_T(f), gk.weitzenbock(flrw)
    s = gk.Chart("t r theta phi", positive=True)
    r, th = s.coords[1], s.coords[2]
    A, B = sp.Function("A")(r), sp.Function("B")(r)
    sph = gk.Coframe([A * s.dx[0], B * s.dx[1], r * s.dx[2], r * sp.sin(th) * s.dx[3]], eta)
    yield "f(T) static spherical, diagonal", "coframe", gk.f_T(f), gk.weitzenbock(sph)
    G = gk.coincident_gauge(gk.Metric(c, sp.diag(-1, a**2, a**2, a**2), sign=-1))
    yield "f(Q) flat FLRW, coincident", "metric", gk.f_Q(f), G
    Gs = gk.coincident_gauge(gk.Metric(s, sp.diag(-A**2, B**2, r**2, r**2 * sp.sin(th) ** 2),
                                       sign=-1))
    yield "f(Q) static spherical, coincident", "metric", gk.f_Q(f), Gs


class _Limit(Exception):
    pass


def _alarm(signum, frame):
    raise _Limit


def timed(fn, limit):
    """(CPU seconds, result) of fn(), or (None, None) past ``limit`` CPU seconds."""
    signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, limit)
    t0 = time.process_time()
    try:
        out = fn()
    except _Limit:
        return None, None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    return time.process_time() - t0, out


def agree(cf, u, v, f):
    from geomkit.symbolic.variational import reduce_form

    T = sp.Symbol("X")
    flat = []
    for x, y in ((u, v),):
        if isinstance(x, tuple):
            flat += list(zip(x, y))
        else:
            flat += [(p, q) for rp, rq in zip(x, y) for p, q in zip(rp, rq)]
    return all(reduce_form(cf, gk.in_terms_of(p, f, T) - gk.in_terms_of(q, f, T)) == 0
               for p, q in flat)


def main_modified(limit):
    print(f"\n{'case':36s} {'exterior CPU-s':>15s} {'component CPU-s':>16s}  agree")
    f = sp.Function("f")
    for name, wrt, L, conn in modified_cases():
        te, E = timed(partial(gk.field_equations, L, wrt, connection=conn), limit)
        tc, C = timed(partial(gk.field_equations, L, wrt, connection=conn,
                              method="component"), limit)
        def fmt(x):
            return f"{x:.2f}" if x is not None else f">{limit:.0f}"

        ok = agree(conn.coframe, E, C, f) if E is not None and C is not None else "-"
        print(f"{name:36s} {fmt(te):>15s} {fmt(tc):>16s}  {ok}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=float, default=600.0,
                    help="CPU-second cap per route in the f(T)/f(Q) table")
    ap.add_argument("--only-modified", action="store_true")
    args = ap.parse_args()
    if args.only_modified:
        main_modified(args.limit)
        return
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
    main_modified(args.limit)


if __name__ == "__main__":
    main()
