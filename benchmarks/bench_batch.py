"""Batch feature extraction: throughput and scaling, and one huge grid in bounded memory.

    python benchmarks/bench_batch.py            # 200 wing grids of ~100k points; 10^7-point grid
    python benchmarks/bench_batch.py --quick    # 24 grids of ~10k points; 10^6-point grid

Part 1 (files/s on the same inputs, outputs recomputed each run):

* ``serial loop``: :func:`geomkit.mesh.process_file` in a plain loop in this
  process, numba using all cores inside each file (the reference a batch tool
  must beat; no process start-up);
* ``local pool, 1 / 2 workers``: :func:`geomkit.batch.features` with one numba
  thread per worker, so that the scaling is that of the processes (process
  start-up included, as a user sees it);
* ``LocalCluster, 2 workers``: the same through ``dask.distributed`` (two worker
  processes, one thread each; cluster start-up not included).

Scaling efficiency = rate(2 workers) / (2 * rate(1 worker)).

Part 2 (peak resident memory, each run in a fresh process): the chunked path
on a 10^7-point binary Plot3D grid at two chunk sizes, and the in-memory path on
a 10x smaller grid for comparison (bytes per point).

The machine's cores may be shared with other jobs: timings are indicative.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import geomkit as gk  # noqa: E402
from geomkit.mesh.demo import wing_grid  # noqa: E402
from geomkit.mesh.plot3d import write_plot3d  # noqa: E402


def make_wings(d, n, ni, nj):
    """``n`` wings with different sweep, taper and thickness."""
    rng = np.random.default_rng(0)
    paths = []
    for k in range(n):
        X = wing_grid(ni, nj, sweep_deg=rng.uniform(10, 35), taper=rng.uniform(0.3, 0.8),
                      tau=rng.uniform(0.08, 0.15))
        p = os.path.join(d, f"wing{k:04d}.xyz")
        write_plot3d(p, [X], binary=True)
        paths.append(p)
    return paths


def serial(paths, out, names):
    t0 = time.perf_counter()
    for p in paths:
        gk.mesh.process_file(p, gk.batch.output_path(p, out), features=names)
    return time.perf_counter() - t0


def run_batch(paths, out, names, **kw):
    s = gk.batch.features(paths, out, names=names, overwrite=True, progress=False, **kw)
    assert s["failed"] == 0, s["failures"]
    return s["seconds"]


def part1(args, tmp):
    names = args.features.split(",")
    ni, nj = (129, 81) if args.quick else (513, 193)
    n = args.files or (24 if args.quick else 200)
    src = os.path.join(tmp, "in")
    os.makedirs(src)
    t0 = time.perf_counter()
    paths = make_wings(src, n, ni, nj)
    print(f"{n} wing grids of {ni} x {nj} = {ni * nj} points (features {args.features}); "
          f"generated in {time.perf_counter() - t0:.1f} s; {os.cpu_count()} cores")
    # compile / load the kernels once here, so that no run pays the first compilation
    gk.mesh.features(paths[0], names)
    rows = []

    def fresh():
        out = os.path.join(tmp, "out")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        return out

    rows.append(("serial loop (in-process)", serial(paths, fresh(), names)))
    # one numba thread per worker: the scaling is that of the processes
    rows.append(("local pool, 1 worker", run_batch(paths, fresh(), names, workers=1,
                                                    threads=1)))
    rows.append(("local pool, 2 workers", run_batch(paths, fresh(), names, workers=2,
                                                     threads=1)))
    try:
        import distributed
    except ImportError:
        print("  (dask.distributed not installed: LocalCluster row skipped)")
    else:
        import logging

        logging.getLogger("distributed").setLevel(logging.ERROR)
        os.environ["NUMBA_NUM_THREADS"] = "1"  # inherited by the worker processes
        try:
            with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                          host="127.0.0.1", dashboard_address=":0") as c:
                rows.append(("LocalCluster, 2 workers",
                             run_batch(paths, fresh(), names, scheduler=c.scheduler_address)))
        finally:
            del os.environ["NUMBA_NUM_THREADS"]
    shutil.rmtree(os.path.join(tmp, "out"), ignore_errors=True)
    print(f"\n{'':28s} {'seconds':>9s} {'files/s':>9s} {'Mpoints/s':>10s}")
    for name, sec in rows:
        print(f"{name:28s} {sec:9.2f} {n / sec:9.2f} {n * ni * nj / sec / 1e6:10.2f}")
    rate = {name: n / sec for name, sec in rows}
    eff = rate["local pool, 2 workers"] / (2 * rate["local pool, 1 worker"])
    print(f"\nscaling efficiency, local pool 1 -> 2 workers: {eff:.2f}")
    if "LocalCluster, 2 workers" in rate:
        e2 = rate["LocalCluster, 2 workers"] / (2 * rate["local pool, 1 worker"])
        print(f"scaling efficiency, LocalCluster 2 workers vs local pool 1 worker: {e2:.2f}")
    shutil.rmtree(src)


_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
import geomkit as gk
from geomkit.batch.chunked import chunked_features
t0 = time.perf_counter()
if {chunk}:
    r = chunked_features({path!r}, {out!r}, {names!r}, chunk_points={chunk})
else:
    r = gk.mesh.process_file({path!r}, {out!r}, features={names!r})
dt = time.perf_counter() - t0
print(json.dumps({{"seconds": dt, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                   "n": r["n_points"]}}))
"""

_GEN = r"""
import sys
sys.path.insert(0, {root!r})
from geomkit.mesh.demo import wing_grid
from geomkit.mesh.plot3d import write_plot3d
write_plot3d({path!r}, [wing_grid({ni}, {nj})], binary=True)
"""


def child(code):
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(r.stderr)
    lines = r.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def part2(args, tmp):
    names = args.features.split(",")
    big = (1001, 1001) if args.quick else (5001, 2001)
    small = (317, 317) if args.quick else (1601, 625)
    chunks = (50_000, 200_000) if args.quick else (250_000, 1_000_000)
    print(f"\npeak resident memory (fresh process each; features {args.features}):")
    print(f"{'grid':>14s} {'points':>10s} {'path':>22s} {'seconds':>8s} {'peak RSS MB':>12s} "
          f"{'B/point':>8s}")
    # the interpreter, numpy, numba and the kernels, on a tiny grid
    gp = os.path.join(tmp, "g.xyz")
    child(_GEN.format(root=ROOT, path=gp, ni=33, nj=9))
    base = child(_CHILD.format(root=ROOT, path=gp, out=os.path.join(tmp, "g.npz"),
                               names=names, chunk=0))
    print(f"{'33 x 9':>14s} {297:10d} {'baseline':>22s} {base['seconds']:8.2f} "
          f"{base['rss'] / 2**20:12.0f} {'':>8s}")
    for (ni, nj), modes in ((small, [0]), (big, list(chunks))):
        p = os.path.join(tmp, f"wing{ni}x{nj}.xyz")
        child(_GEN.format(root=ROOT, path=p, ni=ni, nj=nj))
        for chunk in modes:
            out = os.path.join(tmp, "big.npz")
            r = child(_CHILD.format(root=ROOT, path=p, out=out, names=names, chunk=chunk))
            extra = (r["rss"] - base["rss"]) / (chunk or r["n"])
            label = f"chunks of {chunk}" if chunk else "in memory"
            print(f"{f'{ni} x {nj}':>14s} {r['n']:10d} {label:>22s} {r['seconds']:8.2f} "
                  f"{r['rss'] / 2**20:12.0f} {extra:8.0f}")
            if chunk:
                _, f = gk.mesh.read_features(out) if args.check else (None, None)
                if f is not None:
                    assert all(np.isfinite(v).all() for v in f.values())
            os.unlink(out)
        os.unlink(p)
    print("B/point: (peak RSS - baseline) / (points held at once: the chunk, or the grid)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer, smaller grids")
    ap.add_argument("--files", type=int, default=None, help="number of wing grids")
    ap.add_argument("--features", default="K,H,k1,k2,normal")
    ap.add_argument("--skip-memory", action="store_true", help="part 1 only")
    ap.add_argument("--skip-throughput", action="store_true", help="part 2 only")
    ap.add_argument("--check", action="store_true", help="read the huge output back")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="geomkit-bench-batch-")
    try:
        if not args.skip_throughput:
            part1(args, tmp)
        if not args.skip_memory:
            part2(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
