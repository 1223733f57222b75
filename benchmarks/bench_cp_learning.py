"""What are the geometric features worth to a Cp learner?

    python benchmarks/bench_cp_learning.py                 # 200 wings x 3 conditions, 3 seeds
    python benchmarks/bench_cp_learning.py --wings 24 --seeds 2 --grid 25 7   # quick

1. a family of wings (:func:`geomkit.mesh.wings.sample_family`: sweep 0-35 deg,
   taper 0.3-1, tip twist -5..2 deg, thickness 8-16 %, NACA camber 0-4 % at
   30-50 % chord, span, dihedral), each with its own 3 flight conditions
   (Mach 0.2-0.6, alpha -2..6 deg), labelled with :func:`geomkit.aero.surface_cp`
   (aerosandbox VLM + NeuralFoil strips; the ``aero`` extra);
2. one table with :func:`geomkit.learn.dataset` (batch machinery, 2 workers);
3. scikit-learn's ``HistGradientBoostingRegressor`` (same hyper-parameters) on
   nested feature sets (a) coordinates + conditions, (b) + invariants
   ``normal, K, H, k1, k2``, (c) + chart features ``g, Gamma, b``, (d) +
   neighbourhood features; a quarter of the wings held out (no wing in both
   train and test), repeated over seeds (held-out wings and learner);
   and two controls: (a+) = (a) + the point's exact place on its section (x/c,
   upper/lower side, span fraction: what a grid's chart features reveal), (e) =
   (a+) + invariants + neighbourhood (no chart features).

Prints test MSE per set (mean +- std over seeds) and the change against (a)
(mean +- std of the per-seed relative change).  The reference figure is the
15 % average MSE reduction reported for curvature/connection features on
DLR-F11 data (Hu, Wang, Xiang, Sommer, arXiv:2401.09452), with another learner
and other labels: a comparison of direction, not of numbers.

Output of the default run (shared, loaded 2-core machine; 13 min: labels 284 s,
table 14 s, fitting 477 s; 270,600 rows, label variance 0.128)::

    set                                  columns             test MSE      change vs (a)
    (a) coords + conditions                    5     0.09631 +- 0.00515      +0.0 +- 0.0 %
    (b) + invariants (normal,K,H,k1,k2)       12     0.01340 +- 0.00010     -86.0 +- 0.7 %
    (c) + chart (g, Gamma, b)                 28     0.00551 +- 0.00026     -94.3 +- 0.2 %
    (d) + neighbourhood                       37     0.00524 +- 0.00028     -94.6 +- 0.1 %
    (a+) (a) + x/c, side, eta                  8     0.02775 +- 0.00100     -71.2 +- 0.5 %
    (e) (a+) + invariants + neighb.           24     0.00903 +- 0.00031     -90.6 +- 0.2 %

Wings and labels are cached in ``--cache`` (default ``benchmarks/.cache_cp``):
a second run only retrains.  The machine may be shared: timings are indicative.
"""

import argparse
import glob
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def make_wings(n, seed, cache, ni, nj):
    from geomkit.aero import surface_cp
    from geomkit.learn.tables import read_labels, write_labels
    from geomkit.mesh.wings import sample_family, wing_grid, write_wing

    os.makedirs(cache, exist_ok=True)
    rng = np.random.default_rng(seed + 1000)
    t0, made = time.perf_counter(), 0
    for k, p in enumerate(sample_family(n, seed)):
        conds = np.column_stack([rng.uniform(0.2, 0.6, 3), rng.uniform(-2, 6, 3)]).round(4)
        path = os.path.join(cache, f"wing_{k:04d}.xyz")
        old = read_labels(path) if os.path.exists(path) else None
        if old is not None and np.array_equal(old[1], conds) and old[0].shape[1] == ni * nj:
            continue
        write_wing(path, p, ni, nj)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cp = surface_cp(wing_grid(p, ni, nj), conds)
        write_labels(path, cp.transpose(0, 2, 1).reshape(len(conds), -1), conds)
        made += 1
    return made, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wings", type=int, default=200)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--grid", type=int, nargs=2, default=(41, 11), metavar=("NI", "NJ"))
    ap.add_argument("--cache", default=os.path.join(HERE, ".cache_cp"))
    ap.add_argument("--iters", type=int, default=200, help="boosting iterations")
    a = ap.parse_args()
    import pyarrow.parquet as pq

    from geomkit.learn.model import compare, feature_sets
    from geomkit.learn.tables import dataset

    ni, nj = a.grid
    cache = os.path.join(a.cache, f"n{a.wings}_{ni}x{nj}")
    made, t_lab = make_wings(a.wings, 0, cache, ni, nj)
    print(f"labels: {a.wings} wings x 3 conditions, grid {ni} x {nj} "
          f"({made} computed in {t_lab:.1f} s, the rest cached)")
    t0 = time.perf_counter()
    out = os.path.join(cache, "data.parquet")
    paths = sorted(glob.glob(os.path.join(cache, "wing_*.xyz")))[: a.wings]
    s = dataset(paths, out, workers=2, features=["normal", "K", "H", "k1", "k2", "g", "Gamma",
                                                 "b"], progress=False)
    print(f"dataset: {s['rows']} rows, {len(s['columns'])} columns, "
          f"{time.perf_counter() - t0:.1f} s")
    table = pq.read_table(out).to_pydict()
    table = {k: np.asarray(v) for k, v in table.items()}
    sets = feature_sets(table.keys())
    # where each point sits on its section, known exactly for these grids: sigma = 1 - 2 i /
    # (ni - 1), x/c = sigma^2, side = sign(sigma), eta = j / (nj - 1).  A baseline that knows
    # it separates "the learner needs the chordwise position" from "curvature helps"
    i, j = table["point"] % ni, table["point"] // ni
    sig = 1 - 2 * i / (ni - 1)
    table["xc"], table["side"], table["eta"] = sig**2, np.sign(sig), j / (nj - 1)
    sets["a+"] = sets["a"] + ["xc", "side", "eta"]
    sets["e"] = sets["a+"] + [c for c in sets["d"] if c not in sets["c"] or c in sets["b"]
                              if c not in sets["a"]]
    t0 = time.perf_counter()
    mse = compare(table, sets=sets, seeds=range(a.seeds), max_iter=a.iters)
    t_fit = time.perf_counter() - t0
    var = float(np.var(table["Cp"]))
    base = np.array(mse["a"])
    print(f"\ntest MSE of Cp (label variance {var:.4f}); {a.seeds} seeds, 25 % of wings held out;"
          f" HistGradientBoosting, {a.iters} iterations; {t_fit:.0f} s of fitting\n")
    print(f"{'set':<36} {'columns':>7} {'test MSE':>20} {'change vs (a)':>18}")
    names = {"a": "(a) coords + conditions", "b": "(b) + invariants (normal,K,H,k1,k2)",
             "c": "(c) + chart (g, Gamma, b)", "d": "(d) + neighbourhood",
             "a+": "(a+) (a) + x/c, side, eta", "e": "(e) (a+) + invariants + neighb."}
    for k in ("a", "b", "c", "d", "a+", "e"):
        m = np.array(mse[k])
        rel = 100 * (m / base - 1)
        print(f"{names[k]:<36} {len(sets[k]):>7} {m.mean():>11.5f} +- {m.std():.5f} "
              f"{rel.mean():>+9.1f} +- {rel.std():.1f} %")
    print("\nper seed:", {k: [round(v, 6) for v in mse[k]] for k in mse})


if __name__ == "__main__":
    main()
