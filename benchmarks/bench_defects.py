"""Dislocation densities of a sampled distortion: geomkit against the numpy route, one run.

    python benchmarks/bench_defects.py            # 256^3 grid (1.2 GB of beta; ~12 GB peak)
    python benchmarks/bench_defects.py --n 96     # a quick run

The field: a regularised screw and a regularised edge dislocation on the z axis
(Burgers vectors b e_z and b e_x, core radius r_0 = 1, f = 1 - exp(-r^2/r_0^2))
plus the gradient of a smooth 3-D displacement (no defect content, but nonzero
z-derivatives), beta[i, j, k, a, mu] on [-8, 8]^2 x [0, 4].  Exact Nye tensor:
alpha^{xz} = alpha^{zz} = b f'(r) / (2 pi r); all else zero.

Routes, each on the same beta, computing all dislocation densities (Nye tensor
alpha = curl beta, torsion trace T = i_a T^a, axial torsion A_xyz):

* ``geomkit``: :func:`geomkit.defects.fields.densities` -- kernels lowered from
  the symbolic dictionaries, fused with 4th-order differences (+ det E);
* ``numpy``: what a user writes -- ``np.gradient`` (2nd order, ``edge_order=2``)
  for each axis, ``einsum`` for the curl, ``np.linalg.inv`` + ``einsum`` for the
  trace and the axial part.

Each route runs in its own subprocess after a warm-up on a small grid (numba
compilation not counted): CPU-s is the process CPU time of the call (all
threads), peak MB the growth of the peak resident set during the call (the peak
is reset first through /proc/self/clear_refs, as in bench_mesh.py).  Accuracy:
the largest error of alpha against the exact one, and the Burgers vector as the
flux of alpha through the plane z = 2 (relative error).  The machine may be
shared: timings are perturbed by other work.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

B = 0.5
L, LZ = 8.0, 4.0


def grid_coords(n):
    return (np.linspace(-L, L, n), np.linspace(-L, L, n), np.linspace(0.0, LZ, n))


def make_beta(n):
    """beta (n, n, n, 3, 3), filled slab by slab (bounded temporaries)."""
    x, y, z = grid_coords(n)
    beta = np.empty((n, n, n, 3, 3))
    Y, Z = np.meshgrid(y, z, indexing="ij")
    eps, k = 0.02, 0.7
    for i, xi in enumerate(x):
        r2 = xi**2 + Y**2
        a = B / (2 * np.pi) * (1 - np.exp(-r2)) / r2  # b f(r) / (2 pi r^2)
        s = beta[i]
        s[...] = 0.0
        # screw: e^3 = dz + a (x dy - y dx); edge: e^1 = dx + a (x dy - y dx)
        s[..., 2, 0] = s[..., 0, 0] = -a * Y
        s[..., 2, 1] = s[..., 0, 1] = a * xi
        # + grad u, u = eps (sin(k x) sin(k z), cos(k y) z, sin(k x) cos(k y))
        s[..., 0, 0] += eps * k * np.cos(k * xi) * np.sin(k * Z)
        s[..., 0, 2] += eps * k * np.sin(k * xi) * np.cos(k * Z)
        s[..., 1, 1] += -eps * k * np.sin(k * Y) * Z
        s[..., 1, 2] += eps * np.cos(k * Y)
        s[..., 2, 0] += eps * k * np.cos(k * xi) * np.cos(k * Y)
        s[..., 2, 1] += -eps * k * np.sin(k * xi) * np.sin(k * Y)
    return beta


def exact_alpha_zz(n):
    x, y, _ = grid_coords(n)
    X, Y = np.meshgrid(x, y, indexing="ij")
    r2 = X**2 + Y**2
    return B / np.pi * np.exp(-r2)  # b f'(r) / (2 pi r) with f' = 2 r exp(-r^2)


# -- routes ---------------------------------------------------------------------------
def route_geomkit(beta, n):
    from geomkit.defects import fields

    g = fields.Grid(*grid_coords(n))
    d = fields.densities(beta, g, "beta", names=("nye", "trace", "axial", "det"))
    return d["nye"], d


def route_numpy(beta, n):
    x, y, z = grid_coords(n)
    D = np.gradient(beta, x, y, z, axis=(0, 1, 2), edge_order=2)  # D[mu][..., a, nu]
    eps = np.zeros((3, 3, 3))
    eps[0, 1, 2] = eps[1, 2, 0] = eps[2, 0, 1] = 1.0
    eps[0, 2, 1] = eps[2, 1, 0] = eps[1, 0, 2] = -1.0
    nye = sum(np.einsum("ln,...an->...al", eps[:, m, :], D[m]) for m in range(3))
    del D
    E = beta + np.eye(3)
    Einv = np.linalg.inv(E)  # Einv[..., mu, a] = E_a^mu
    # T^a_{mu nu} = eps_{mu nu lam} alpha^{a lam}; T_nu = E_a^mu T^a_{mu nu}
    T = np.einsum("mnl,...al->...amn", eps, nye)
    trace = np.einsum("...ma,...amn->...n", Einv, T)
    axial = np.einsum("...al,...al->...", E, nye)
    return nye, {"nye": nye, "trace": trace, "axial": axial}


ROUTES = {"geomkit (4th order, fused)": route_geomkit,
          "numpy np.gradient + einsum (2nd order)": route_numpy}


def _child(route, n, warm):
    from bench_mesh import _peak, _reset_peak

    fn = ROUTES[route]
    if warm:
        fn(make_beta(warm), warm)
    beta = make_beta(n)
    base = _reset_peak()
    c0, t0 = time.process_time(), time.perf_counter()
    nye, dens = fn(beta, n)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    peak = (_peak() - base) / 1024 if base is not None else float("nan")
    out_mb = sum(v.nbytes for v in dens.values()) / 2**20
    x, y, _ = grid_coords(n)
    k = n // 2
    ex = exact_alpha_zz(n)
    err = max(np.abs(nye[:, :, k, 2, 2] - ex).max(), np.abs(nye[:, :, k, 0, 2] - ex).max())
    others = np.abs(np.delete(nye[:, :, k].reshape(n, n, 9), (2, 8), axis=2)).max()
    from geomkit.defects.grid import quad_weights

    w = np.outer(quad_weights(x), quad_weights(y))
    b = np.array([(w * nye[:, :, k, a, 2]).sum() for a in range(3)])
    print(json.dumps({"cpu": cpu, "wall": wall, "peak": peak, "in_mb": beta.nbytes / 2**20,
                      "out_mb": out_mb, "err": float(max(err, others)),
                      "b_err": float(max(abs(b[0] - B), abs(b[2] - B), abs(b[1])) / B)}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=256, help="grid points per axis (default 256)")
    ap.add_argument("--threads", type=int, default=None, help="numba threads")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        _child(a.child[0], int(a.child[1]), int(a.child[2]))
        return
    env = dict(os.environ)
    if a.threads:
        env["NUMBA_NUM_THREADS"] = str(a.threads)
    env.setdefault("GEOMKIT_CACHE", os.path.join(tempfile.gettempdir(), "geomkit-bench-cache"))
    print(f"grid {a.n}^3 of beta ({a.n**3 * 72 / 2**20:.0f} MB), numba threads "
          f"{env.get('NUMBA_NUM_THREADS', 'all')}, {os.cpu_count()} cores")
    print(f"{'route':42s} {'CPU-s':>7s} {'wall-s':>7s} {'peak MB':>8s} {'out MB':>7s} "
          f"{'max|da|':>9s} {'b rel.err':>9s}")
    rows = {}
    for route in ROUTES:
        cmd = [sys.executable, os.path.abspath(__file__), "--child", route, str(a.n), "24"]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if r.returncode:
            print(f"{route:42s} failed: {r.stderr.strip().splitlines()[-1:]}")
            continue
        d = rows[route] = json.loads(r.stdout.strip().splitlines()[-1])
        print(f"{route:42s} {d['cpu']:7.2f} {d['wall']:7.2f} {d['peak']:8.0f} "
              f"{d['out_mb']:7.0f} {d['err']:9.2e} {d['b_err']:9.2e}")
    if len(rows) == 2:
        g, p = rows.values()
        print(f"speed-up (CPU-s): {p['cpu'] / g['cpu']:.1f}x; geomkit peak / (in + out) over "
              f"the input: {g['peak']:.0f} MB for {g['out_mb']:.0f} MB of outputs")


if __name__ == "__main__":
    main()
