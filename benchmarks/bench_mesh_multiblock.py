"""Multi-block structured grids: what connectivity and seam stencils cost, one run.

    python benchmarks/bench_mesh_multiblock.py            # ~1M points, 20 blocks
    python benchmarks/bench_mesh_multiblock.py --quick    # ~65k points

The demo wing (:mod:`geomkit.mesh.demo`) as one block ``ni x nj`` and the same
points cut into 5 x 4 = 20 blocks that share their edge points, every other
block stored transposed or reversed (the sharp trailing edge, where the first
and last blocks meet, is found to be a crease).  Timed, as process CPU time
(all threads) after a warm-up that compiles the kernels:

* one block, all features (the reference);
* 20 blocks: the connectivity alone (welding, seams, creases, orientation),
  then connectivity + all features (a fresh surface, so nothing is cached).

Each is the best of three calls (each call's result freed before the next, so
its memory is reused: warm), and the first call (cold: the operating system
hands out fresh pages for the ~48 float64 outputs per point).  Printed: CPU-s
and wall-s of each, the overhead of the multi-block path over
the one-block one (goal: at most 10 %), and the one-block CPU-s against the
goal of 1 CPU-s per million points.  Also checked: the multi-block features
equal the one-block ones at the points away from the trailing edge (the seams
reproduce the one-block stencils).  Timings are perturbed by other work on the
machine: rerun the key rows.
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import geomkit as gk  # noqa: E402
from geomkit.mesh.demo import wing_grid  # noqa: E402


def cut(X, ni_parts, nj_parts):
    """Blocks sharing edge points; odd blocks transposed, every third reversed in i."""
    ni, nj = X.shape[:2]
    ci = np.linspace(0, ni - 1, ni_parts + 1).round().astype(int)
    cj = np.linspace(0, nj - 1, nj_parts + 1).round().astype(int)
    out = []
    for a in range(ni_parts):
        for b in range(nj_parts):
            B = X[ci[a]: ci[a + 1] + 1, cj[b]: cj[b + 1] + 1]
            k = len(out)
            if k % 3 == 2:
                B = B[::-1]
            if k % 2 == 1:
                B = B.transpose(1, 0, 2)
            out.append(np.ascontiguousarray(B))
    return out


def timed(fn, repeat=3):
    """Result, CPU-s and wall-s of the first call (fresh memory) and the least of
    ``repeat`` calls (warm: the previous result freed, its memory reused)."""
    times = []
    r = None
    for _ in range(repeat):
        r = None  # free the previous result before the next call
        c0, w0 = time.process_time(), time.perf_counter()
        r = fn()
        times.append((time.process_time() - c0, time.perf_counter() - w0))
    return r, times[0], min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    ni, nj = (513, 129) if a.quick else (2049, 513)
    names = list(gk.mesh.INVARIANT_FEATURES + gk.mesh.CHART_FEATURES)  # all grid features
    # warm-up: compile every kernel on a small grid, both paths
    w = wing_grid(65, 17)
    gk.mesh.features(gk.mesh.StructuredSurface([w]), names)
    gk.mesh.features(gk.mesh.StructuredSurface(cut(w, 5, 4)), names)

    X = wing_grid(ni, nj)
    blocks = cut(X, 5, 4)
    one, cold1, (c1, w1) = timed(lambda: gk.mesh.features(gk.mesh.StructuredSurface([X]),
                                                          names))
    s = gk.mesh.StructuredSurface(blocks)
    from geomkit.mesh.connectivity import block_connectivity

    conn, _, (cc, wc) = timed(lambda: block_connectivity(s.blocks))

    def fresh():
        s2 = gk.mesh.StructuredSurface(blocks)  # nothing cached
        return s2, gk.mesh.features(s2, names)

    (s2, multi), coldm, (cm, wm) = timed(fresh)
    n = ni * nj
    print(f"demo wing {ni} x {nj} = {n:,} points; 20 blocks: {len(conn.seams)} seam runs "
          f"({sum(sm.crease for sm in conn.seams)} on creases), "
          f"{conn.n_welded:,} distinct points; all {len(names)} features")
    print(f"{'case (warm: best of 3; cold: first call)':48} {'CPU-s':>7} {'wall-s':>7} "
          f"{'cold CPU-s':>10}")
    print(f"{'one block, all features (reference)':48} {c1:7.2f} {w1:7.2f} {cold1[0]:10.2f}")
    print(f"{'20 blocks: connectivity only':48} {cc:7.2f} {wc:7.2f}")
    print(f"{'20 blocks: connectivity + all features':48} {cm:7.2f} {wm:7.2f} {coldm[0]:10.2f}")
    print(f"multi-block overhead (warm): {100 * (cm / c1 - 1):+.1f} % CPU (goal <= +10 %); "
          f"connectivity alone {100 * cc / c1:.1f} %")
    import numba

    print(f"one block: {c1 / (n / 1e6):.2f} CPU-s per million points warm, "
          f"{cold1[0] / (n / 1e6):.2f} cold (goal 1.0; cold includes first-touch of the "
          f"~400 MB of outputs); {numba.get_num_threads()} numba threads")
    # equality with the one-block features away from the trailing edge (a crease)
    ids = cut(np.arange(n, dtype=float).reshape(nj, ni).T[..., None].repeat(3, -1), 5, 4)
    idx = np.concatenate([B[..., 0].T.ravel() for B in ids]).astype(np.int64)
    x = s2.points[:, 0]
    sel = ~conn.on_crease & (x < x.max() - 0.02)  # rows near the trailing edge are one-sided
    dK = np.abs(multi["K"][sel] - one["K"][idx[sel]]).max() / np.abs(one["K"]).max()
    dH = np.abs(multi["H"][sel] - one["H"][idx[sel]]).max() / np.abs(one["H"]).max()
    print(f"20 blocks vs one block away from the trailing edge: max relative difference "
          f"K {dK:.1e}, H {dH:.1e} ({sel.sum():,} points)")

if __name__ == "__main__":
    main()
