"""Benchmark of gk.lower against a hand-written numba kernel, numpy lambdify and symengine.

Workloads (built with plain sympy in ``tests/workloads_lower.py``):

* W1  curvature (K, H) and Christoffel symbols of a graph surface z = h(x, y);
* W2  the 21 Kerr Riemann components R_abcd and the Kretschmann scalar;
* W3  Christoffel symbols from per-point g_ij and d_l g_ij, in 2-D and 3-D.

For each workload it prints the one-time cost (geomkit cold -- generate and compile in
a fresh cache -- and cached, both measured in fresh processes; the creation time of
every peer), then for each size the time per call (best of a few), throughput,
peak memory traced during the call (numpy allocations, via tracemalloc) and the
ratios.  All peers run in this process, on the same points.

Usage::

    python benchmarks/bench_lower.py            # 1e4, 1e6, 1e7 points
    python benchmarks/bench_lower.py --quick    # 1e4, 1e5 points
    python benchmarks/bench_lower.py --only W2 --sizes 10000 1000000

symengine (``pip install symengine``) is optional; without it its column is skipped.
"""

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests"), HERE]

import numba  # noqa: E402
import sympy as sp  # noqa: E402
import workloads_lower as W  # noqa: E402

import geomkit as gk  # noqa: E402

try:
    import symengine as se
except ImportError:  # pragma: no cover
    se = None

MAX_CALL_S = 40.0  # skip a peer at a size when its extrapolated call time exceeds this
MAX_BYTES = 6 * 2**30  # skip lambdify-with-cse above this much temporary memory
_STACKED = {}  # id(point set) -> stacked arrays of the W3 hand kernel


# -- workloads --------------------------------------------------------------------------
def workloads(only):
    """name -> dict(outputs, inputs, params, make_points(n, rng), param values, hand)."""
    import hand_kernels as H

    out = {}
    if "W1" in only:
        o, ins, pars = W.graph_surface()

        def hand_w1(arrs, pv, res):
            H.graph_surface(arrs["x"], arrs["y"], pv["a"], pv["b"], res)

        out["W1"] = dict(
            outputs=o, inputs=ins, params=pars, pvals={"a": 1.3, "b": 2.1},
            points=lambda n, rng: {"x": rng.uniform(-2, 2, n), "y": rng.uniform(-2, 2, n)},
            hand=hand_w1,
        )
    if "W2" in only:
        o, ins, pars = W.kerr_riemann()
        g, X, (M, a) = W.kerr_metric()
        r, th = X[1], X[2]
        comps = [(0, 0), (0, 3), (1, 1), (2, 2), (3, 3)]
        ders = [(), (r,), (th,), (r, r), (r, th), (th, th)]
        jet = [sp.diff(g[i, j], *d) if d else g[i, j] for d in ders for (i, j) in comps]
        jet_kernel = gk.lower(jet, [r, th], [M, a], name="kerr_jet")
        holder = {}

        def hand_w2(arrs, pv, res):
            if "k" not in holder:
                holder["k"] = H.make_kerr(jet_kernel.point)
            holder["k"](arrs["r"], arrs["theta"], pv["M"], pv["a"], res)

        out["W2"] = dict(
            outputs=o, inputs=ins, params=pars, pvals={"M": 1.0, "a": 0.7},
            points=lambda n, rng: {"r": rng.uniform(2.5, 20, n),
                                   "theta": rng.uniform(0.2, 2.9, n)},
            hand=hand_w2,
        )
    for dim in (2, 3):
        key = f"W3-{dim}d"
        if "W3" not in only and key not in only:
            continue
        o, ins, pars = W.metric_christoffel(dim)
        names = [str(s) for s in ins]
        m = dim * (dim + 1) // 2

        def points(n, rng, names=names, dim=dim):
            arrs = {k: rng.uniform(-1, 1, n) for k in names}
            for i in range(dim):
                arrs[f"g_{i}{i}"] += dim + 2
            return arrs

        def hand_w3(arrs, pv, res, names=names, dim=dim, m=m):
            # the hand kernel takes stacked (component, point) arrays, made once per
            # point set outside the timing (its best case)
            st = _STACKED.get(id(arrs))
            if st is None:
                st = _STACKED[id(arrs)] = (np.stack([arrs[k] for k in names[:m]]),
                                           np.stack([arrs[k] for k in names[m:]]))
            H.christoffel(dim, st[0], st[1], res)

        out[key] = dict(outputs=o, inputs=ins, params=pars, pvals={}, points=points,
                        hand=hand_w3)
    return out


# -- one-time costs in fresh processes ------------------------------------------------------
_CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    t0 = time.perf_counter()
    sys.path[:0] = [{root!r}, {tests!r}]
    import numba
    @numba.njit(cache=False)
    def _warm(x):
        return x + 1.0
    _warm(1.0)  # numba's one-time initialisation, reported apart
    t_numba = time.perf_counter() - t0
    import workloads_lower as W
    from geomkit.codegen import kernel as K
    K._LAYOUT = {layout!r}
    out, ins, pars = {builder}
    t = time.perf_counter()
    k = K.lower(out, ins, pars, name={name!r}.replace("-", "_"))
    t_lower = time.perf_counter() - t
    c0 = time.process_time(); t = time.perf_counter()
    k.compile()
    t_compile = time.perf_counter() - t
    print(json.dumps(dict(numba_init=t_numba, lower=t_lower, compile=t_compile,
                          compile_cpu=time.process_time() - c0, **k.cache_info())))
    """
)


def one_time(builder, name, cache, layout="auto"):
    code = _CHILD.format(root=ROOT, tests=os.path.join(ROOT, "tests"), builder=builder,
                         name=name, layout=layout)
    env = dict(os.environ, GEOMKIT_CACHE=cache)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if p.returncode:
        raise RuntimeError(p.stderr)
    return json.loads(p.stdout.strip().splitlines()[-1])


BUILDERS = {
    "W1": "W.graph_surface()",
    "W2": "W.kerr_riemann()",
    "W3-2d": "W.metric_christoffel(2)",
    "W3-3d": "W.metric_christoffel(3)",
}


# -- timing ------------------------------------------------------------------------------
def timed(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def traced_peak(fn):
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def mb(b):
    return f"{b / 2**20:8.1f}"


def run_workload(name, w, sizes, cache, args):
    outs, ins, pars, pv = w["outputs"], w["inputs"], w["params"], w["pvals"]
    names = list(outs)
    exprs = list(outs.values())
    syms = list(ins) + list(pars)
    nops = sum(sp.count_ops(e) for e in exprs)
    print(f"\n=== {name}: {len(names)} outputs, {len(ins)} inputs, {len(pars)} params, "
          f"{nops} ops before CSE ===")

    # one-time costs
    cold = one_time(BUILDERS[name], name, cache)
    warm = one_time(BUILDERS[name], name, cache)
    print(f"geomkit one-time: cold lower {cold['lower']:.2f} s + compile {cold['compile']:.2f} s"
          f" (cpu {cold['compile_cpu']:.2f} s); cached: lower {warm['lower']:.3f} s + load"
          f" {warm['compile']:.3f} s [origin {warm['origin']}, numba hits {warm['numba_hits']},"
          f" misses {warm['numba_misses']}]; numba's own process init {warm['numba_init']:.2f} s")
    if args.naive and name == "W2":
        naive = one_time(BUILDERS[name], name + "_naive",
                         tempfile.mkdtemp(prefix="gk-naive-"), layout="inline")
        print(f"  naive layout (formula inside the prange body): compile "
              f"{naive['compile']:.2f} s (cpu {naive['compile_cpu']:.2f} s)")

    kern = gk.lower(outs, ins, pars, name=name.replace("-", "_"))
    kern.compile()
    creation = {}
    t = time.perf_counter()
    f_np = sp.lambdify(syms, exprs, "numpy")
    creation["lambdify"] = time.perf_counter() - t
    t = time.perf_counter()
    f_cse = sp.lambdify(syms, exprs, "numpy", cse=True)
    creation["lambdify cse"] = time.perf_counter() - t
    f_se = None
    if se is not None:
        t = time.perf_counter()
        f_se = se.Lambdify([se.sympify(s) for s in syms], [se.sympify(e) for e in exprs],
                           backend="llvm", cse=True, real=True)
        creation["symengine llvm"] = time.perf_counter() - t
    else:
        print("symengine not installed (pip install symengine): its column is skipped")

    # compile the hand kernel on a few points, so its timings below are runs only
    t = time.perf_counter()
    small = w["points"](16, np.random.default_rng(0))
    w["hand"](small, pv, np.empty((len(names), 16)))
    creation["hand numba (compile)"] = time.perf_counter() - t
    print("peer creation: " + ", ".join(f"{k} {v:.2f} s" for k, v in creation.items()))

    # lambdify with cse keeps every temporary array alive until it returns
    w["cse_arrays"] = len(sp.cse(exprs, order="none")[0]) + len(exprs)
    rng = np.random.default_rng(1)
    est = {}  # peer -> seconds per point at the last size
    for n in sizes:
        bench_size(n, w, kern, names, (f_np, f_cse, f_se), rng, est, args.skip)


def bench_size(n, w, kern, names, fns, rng, est, skip=()):
    """Time every peer on the same n points and print the table."""
    f_np, f_cse, f_se = fns
    _STACKED.clear()
    ins, pars, pv = w["inputs"], w["params"], w["pvals"]
    arrs = w["points"](n, rng)
    in_bytes = sum(a.nbytes for a in arrs.values())
    out_bytes = len(names) * n * 8
    cols = [arrs[str(s)] for s in ins]
    pcols = [pv[str(p)] for p in pars]
    rows = []
    repeat = 5 if n <= 10**5 else 2

    def bench(label, fn):
        per = est.get(label)
        if label in skip:
            rows.append((label, None, "skipped (--skip)"))
            return None
        if label == "lambdify cse" and w["cse_arrays"] * n * 8 > MAX_BYTES:
            gb = w["cse_arrays"] * n * 8 / 2**30
            rows.append((label, None, f"skipped (its {w['cse_arrays']} live temporaries "
                                      f"would take {gb:.0f} GiB)"))
            return None
        if per is not None and per * n > MAX_CALL_S:
            rows.append((label, None, f"skipped (estimated {per * n:.0f} s per call)"))
            return None
        t0 = time.perf_counter()
        res = fn()  # warm-up
        t0 = time.perf_counter() - t0
        # best of several runs; one more run for slow peers (the warm-up paid the
        # first touch of fresh output pages, which a busy machine makes erratic)
        t = timed(fn, repeat) if t0 < 2.0 else min(t0, timed(fn, 1)) if t0 < 20 else t0
        # tracemalloc slows Python-level allocation a lot: skip it for slow peers
        peak = traced_peak(fn) if t0 < 2.0 else None
        est[label] = t / n
        rows.append((label, t, peak))
        return res

    def hand_call():
        out = np.empty((len(names), n))  # allocated per call, like the others' outputs
        w["hand"](arrs, pv, out)
        return out

    def one_thread(fn):
        def run():
            k = numba.get_num_threads()
            numba.set_num_threads(1)
            try:
                return fn()
            finally:
                numba.set_num_threads(k)

        return run

    ref = bench("geomkit", lambda: kern(**arrs, **pv))
    hand_out = bench("hand numba", hand_call)
    # one thread each: the per-core comparison, robust to other load on the machine
    bench("geomkit 1 thr", one_thread(lambda: kern(**arrs, **pv)))
    bench("hand 1 thr", one_thread(hand_call))
    if hand_out is not None:
        err = max(np.max(np.abs(hand_out[k] - ref[nm]) / (1 + np.abs(ref[nm])))
                  for k, nm in enumerate(names))
        if err > 1e-9:
            print(f"  WARNING hand kernel differs from geomkit by {err:.1e}")
    del hand_out, ref
    bench("lambdify", lambda: f_np(*cols, *pcols))
    bench("lambdify cse", lambda: f_cse(*cols, *pcols))
    if f_se is not None:
        packed = np.column_stack(cols + [np.full(n, p) for p in pcols])
        bench("symengine llvm", lambda: f_se(packed))
        del packed
    tg = rows[0][1]
    print(f"\n  n = {n:,}  (load {os.getloadavg()[0]:.1f}; inputs {mb(in_bytes).strip()} MB, "
          f"outputs {mb(out_bytes).strip()} MB; threads {numba.get_num_threads()})")
    print(f"  {'peer':16s} {'time s':>9s} {'Mpts/s':>8s} {'geomkit x':>10s} "
          f"{'peak MB':>8s} {'peak/out':>8s}")
    for label, t, peak in rows:
        if t is None:
            print(f"  {label:16s} {peak}")
            continue
        mem = f"{mb(peak)} {peak / out_bytes:8.2f}" if peak is not None else "     n/a      n/a"
        print(f"  {label:16s} {t:9.4f} {n / t / 1e6:8.2f} {t / tg:10.2f} {mem}")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="sizes 1e4 and 1e5")
    ap.add_argument("--sizes", type=int, nargs="*", help="numbers of points")
    ap.add_argument("--only", nargs="*", default=["W1", "W2", "W3"],
                    help="workloads: W1 W2 W3 (or W3-2d, W3-3d)")
    ap.add_argument("--threads", type=int, default=None, help="numba threads (default: all)")
    ap.add_argument("--skip", nargs="*", default=(),
                    help="peers to leave out, e.g. 'lambdify' 'hand numba'")
    ap.add_argument("--no-naive", dest="naive", action="store_false",
                    help="skip the cold compile of the naive layout for W2")
    args = ap.parse_args()
    sizes = args.sizes or ([10**4, 10**5] if args.quick else [10**4, 10**6, 10**7])
    if args.threads:
        numba.set_num_threads(args.threads)
    cache = tempfile.mkdtemp(prefix="gk-bench-")
    os.environ["GEOMKIT_CACHE"] = cache
    sev = getattr(se, "__version__", "absent")
    print(f"load average {os.getloadavg()}; geomkit {gk.__version__}, "
          f"numba {numba.__version__}, sympy {sp.__version__}, symengine {sev}, "
          f"numpy {np.__version__}; "
          f"{os.cpu_count()} CPUs, {numba.get_num_threads()} numba threads; cache {cache}")
    print("ratio 'geomkit x' = peer time / geomkit time (above 1: geomkit faster); "
          "peak = largest numpy memory traced during one call, outputs included")
    for name, w in workloads(args.only).items():
        run_workload(name, w, sizes, cache, args)


if __name__ == "__main__":
    main()
