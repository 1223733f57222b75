"""Cp labels (geomkit.aero) against PAN AIR on the DLR-F4 wing: RMS error by span station.

    python benchmarks/bench_panair_cp.py [--no-sweep]

PAN AIR (NASA/Boeing higher-order panel code) Cp at Mach 0.6, alpha -2, 0, +2
deg from ``../shared/data/wings/dlrf4_wing_panair_cp.vtk`` (wing network: 27
stations x 81 points); the flat tip station (y = 0.5857), where PAN AIR's Cp is
singular, is masked.  The geometry given to the labeller is the file's own
points, with the section order reversed into geomkit's wing layout (the file
runs along the upper side first, which the layout check rejects).
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
DATA = os.path.join(HERE, "..", "..", "shared", "data", "wings", "dlrf4_wing_panair_cp.vtk")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-sweep", action="store_true", help="no simple-sweep correction")
    a = ap.parse_args()
    import meshio

    from geomkit.aero import surface_cp, wing_sections

    m = meshio.read(DATA)
    X = m.points[:2187].reshape(27, 81, 3).transpose(1, 0, 2)[::-1]
    refs = [m.point_data[f"cp{k}"][:2187].reshape(27, 81).T[::-1] for k in (1, 2, 3)]
    conds = [(0.6, -2.0), (0.6, 0.0), (0.6, 2.0)]
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cp = surface_cp(X, conds, sweep=not a.no_sweep)
    dt = time.perf_counter() - t0
    sec = wing_sections(X)
    keep = X[0, :, 1] < 0.58
    eta = X[0, :, 1] / 0.5857
    print(f"geomkit.aero.surface_cp, sweep={'off' if a.no_sweep else 'on'}: {dt:.2f} s for 3 "
          "conditions (27 stations x 81 points)\n")
    print(f"{'eta':>6} " + " ".join(f"{'a=' + str(c[1]):>9}" for c in conds) + "   (Cp RMS)")
    err = [cp[k] - refs[k] for k in range(3)]
    for j in np.flatnonzero(keep):
        print(f"{eta[j]:6.3f} " + " ".join(f"{np.sqrt((e[:, j] ** 2).mean()):9.3f}" for e in err))
    print(f"{'all':>6} " + " ".join(f"{np.sqrt((e[:, keep] ** 2).mean()):9.3f}" for e in err))
    j = 13
    cl = [-np.trapezoid(c[:, j], sec["xi"][:, j]) for c in cp]
    ref = [-np.trapezoid(c[:, j], sec["xi"][:, j]) for c in refs]
    print(f"\nsection lift at eta = {eta[j]:.3f}: geomkit {np.round(cl, 3).tolist()}, "
          f"PAN AIR {np.round(ref, 3).tolist()}")


if __name__ == "__main__":
    main()
