"""From a wing family to a Cp model, end to end (the script of docs/tutorial-cp.md).

    python docs/tutorial_cp.py OUT_DIR            # 40 wings, 3 conditions (about 2 min, 2 cores)
    python docs/tutorial_cp.py OUT_DIR --small    # 10 wings, 2 conditions (the test suite's)

Needs the extras ``aero`` (aerosandbox, neuralfoil), ``learn`` (scikit-learn),
``parquet`` (pyarrow) and ``plot`` (matplotlib).
"""

import argparse
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(out, n_wings=40, ni=33, nj=9, conditions=((0.3, 0.0), (0.5, 2.0), (0.6, 4.0)), seed=0):
    """Returns a dict of figures written and test errors."""
    import pyarrow.parquet as pq

    import geomkit as gk
    from geomkit.aero import surface_cp
    from geomkit.learn import dataset, feature_sets, fit_predict, split_by_wing, write_labels
    from geomkit.mesh.wings import sample_family, wing_grid, write_wing

    os.makedirs(out, exist_ok=True)
    wings = os.path.join(out, "wings")
    os.makedirs(wings, exist_ok=True)
    # 1. a family of wings, 2. Cp labels for each flight condition
    family = sample_family(n_wings, seed=seed)
    paths = []
    for k, p in enumerate(family):
        path = write_wing(os.path.join(wings, f"wing_{k:04d}.xyz"), p, ni, nj)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cp = surface_cp(wing_grid(p, ni, nj), conditions)  # (conditions, ni, nj)
        write_labels(path, cp.transpose(0, 2, 1).reshape(len(conditions), -1), conditions)
        paths.append(path)
    # 3. features and 4. one table (rows = points x conditions)
    table_path = os.path.join(out, "data.parquet")
    s = dataset(paths, table_path, workers=2, progress=False)
    t = {k: np.asarray(v) for k, v in pq.read_table(table_path).to_pydict().items()}
    # 5. a model on all features, a quarter of the wings held out
    test = split_by_wing(t["wing"], 0.25, seed)
    sets = feature_sets(t)
    errs = {}
    for name in ("a", "d"):
        _, pred = fit_predict(t, sets[name], test=test, seed=seed, max_iter=150)
        errs[name] = float(np.mean((pred[test] - t["Cp"][test]) ** 2))
    # 6. pictures of one held-out wing at the last condition
    w = int(t["wing"][test][0])
    rows = (t["wing"] == w) & (t["alpha"] == conditions[-1][1])
    true = t["Cp"][rows].reshape(nj, ni)  # points are i fastest
    guess = pred[rows].reshape(nj, ni)
    fig = gk.plot.matplotlib_figure(figsize=(10, 3.4))
    xi = np.asarray(wing_grid(family[w], ni, nj))
    for c, j in enumerate((1, nj // 2, nj - 2)):
        ax = fig.add_subplot(1, 3, c + 1)
        x = xi[:, j, 0]
        ax.plot(x, true[j], "k-", label="labels")
        ax.plot(x, guess[j], "r--", label="model")
        ax.invert_yaxis()
        ax.set_title(f"station {j} (y = {xi[0, j, 1]:.2f})")
        ax.set_xlabel("x")
        if c == 0:
            ax.set_ylabel("Cp")
            ax.legend()
    fig.tight_layout()
    stations = os.path.join(out, "cp_stations.png")
    fig.savefig(stations, dpi=100)
    surf = gk.mesh.StructuredSurface([xi])
    errmap = os.path.join(out, "cp_error.png")
    gk.plot.plot_feature(surf, "Cp error", errmap, values=(guess - true).ravel(),
                         title=f"predicted - true Cp, wing {w}, Mach {conditions[-1][0]}, "
                               f"alpha {conditions[-1][1]}")
    return {"rows": s["rows"], "mse": errs, "figures": [stations, errmap]}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--small", action="store_true")
    a = ap.parse_args(argv)
    if a.small:
        r = run(a.out, n_wings=10, ni=21, nj=7, conditions=((0.3, 0.0), (0.5, 3.0)))
    else:
        r = run(a.out)
    print(f"{r['rows']} rows; test MSE coords + conditions {r['mse']['a']:.4f}, "
          f"all features {r['mse']['d']:.4f}; figures {', '.join(r['figures'])}")
    return r


if __name__ == "__main__":
    main()
