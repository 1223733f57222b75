"""Per-vertex curvature: geomkit against libigl, trimesh, pymeshlab and VTK, one run.

    python benchmarks/bench_mesh.py            # ~40k, ~260k, ~1M vertices
    python benchmarks/bench_mesh.py --quick    # ~10k, ~40k
    python benchmarks/bench_mesh.py --small    # accuracy table, 600 / 5k / 40k vertices
    python benchmarks/bench_mesh.py --own      # the default against geomkit's own estimators

``--small``: the analytic surfaces of ``tests/curvature_surfaces.py`` (UV sphere,
icosphere, ellipsoid, torus, hyperbolic paraboloid with boundary, open
cylinder, swept tapered wing; each regular and jittered by 0.25 of the
spacing), interior RMS errors of geomkit's default (``method='auto'``) and of
every peer method (libigl angle defect / Voronoi area and cotangent
Laplacian, ``principal_curvature`` r=2 and r=5; pymeshlab discrete, Taubin,
quadric and scale-dependent quadric fits; VTK ``vtkCurvatures``; trimesh
defect over barycentric area and, with rtree, the ball mean curvature); per
file and quantity the ratio default / best peer.  pymeshlab's filters take
minutes on the 40k wing (``--sizes 600,5000`` for a quick run).

Surfaces (closed forms known, docs/conventions.md): a geodesic icosphere (regular), the
same jittered (vertices moved tangentially by up to 0.25 edge, then back onto
the sphere), and the swept tapered wing of :mod:`geomkit.mesh.demo`
triangulated and jittered in its parameter plane (0.2 of the spacing; root and
tip are boundaries; the sharp trailing edge is a crease, and errors leave out
the vertices on it, where curvature is undefined).  The structured wing grid
is timed too.

Each method runs in its own subprocess (after a warm-up on a small mesh, so
numba compilation is not counted): CPU-s is the process CPU time (all threads)
of the call, peak MB the growth of the peak resident set during the call (Linux:
the peak is reset before the call through /proc/self/clear_refs).
Errors are absolute, interior vertices and boundary vertices separately; the
sign of H of each tool is aligned with the reference (conventions differ).
Timings are perturbed by other work on the machine: rerun the key rows.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


# -- meshes ----------------------------------------------------------------------
def geodesic_sphere(freq):
    """Icosahedron with each face cut into freq^2 triangles, projected to the unit
    sphere: 10 freq^2 + 2 vertices, faces counter-clockwise seen from outside."""
    t = (1 + 5**0.5) / 2
    V0 = np.array([[-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0], [0, -1, t], [0, 1, t],
                   [0, -1, -t], [0, 1, -t], [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1.0]])
    F0 = np.array([[0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9],
                   [5, 11, 4], [11, 10, 2], [10, 7, 6], [7, 1, 8], [3, 9, 4], [3, 4, 2],
                   [3, 2, 6], [3, 6, 8], [3, 8, 9], [4, 9, 5], [2, 4, 11], [6, 2, 10],
                   [8, 6, 7], [9, 8, 1]])
    n = freq
    i, j = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    keep = i + j <= n
    i, j = i[keep], j[keep]
    local = -np.ones((n + 1, n + 1), dtype=np.int64)
    local[i, j] = np.arange(len(i))
    a = local[:-1, :-1]
    b = np.roll(local, -1, 0)[:-1, :-1]
    c = np.roll(local, -1, 1)[:-1, :-1]
    d = np.roll(np.roll(local, -1, 0), -1, 1)[:-1, :-1]
    I, J = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    up = I + J <= n - 1
    dn = I + J <= n - 2
    tri = np.concatenate([np.stack([a[up], b[up], c[up]], 1), np.stack([b[dn], d[dn], c[dn]], 1)])
    pts, faces = [], []
    for f, (p, q, r) in enumerate(F0):
        P = V0[p] + np.outer(i / n, V0[q] - V0[p]) + np.outer(j / n, V0[r] - V0[p])
        pts.append(P)
        faces.append(tri + f * len(i))
    P = np.concatenate(pts)
    P /= np.linalg.norm(P, axis=1)[:, None]
    F = np.concatenate(faces)
    key = np.round(P * 1e9).astype(np.int64)
    _, first, inv = np.unique(key, axis=0, return_index=True, return_inverse=True)
    return P[first], inv.ravel()[F].astype(np.int64)


def jittered(V, F, amount=0.25, seed=0):
    rng = np.random.default_rng(seed)
    h = np.linalg.norm(V[F[:, 1]] - V[F[:, 0]], axis=1).mean()
    d = rng.uniform(-1, 1, V.shape) * amount * h
    d -= (d * V).sum(1)[:, None] * V
    W = V + d
    return W / np.linalg.norm(W, axis=1)[:, None]


def wing_reference(s, t):
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
    from curvature_surfaces import wing_curvature

    return wing_curvature(s, t)


def make_meshes(sizes, folder):
    """Write each test mesh as .npz (V, F, K, H, boundary, mask); return the list."""
    from geomkit.mesh.demo import wing_grid, wing_params, wing_triangles

    out = []
    for n in sizes:
        freq = int(round(np.sqrt((n - 2) / 10)))
        V, F = geodesic_sphere(freq)
        one, zero = np.ones(len(V)), np.zeros(len(V), bool)
        for name, W in (("icosphere", V), ("icosphere-jitter", jittered(V, F))):
            p = os.path.join(folder, f"{name}-{len(V)}.npz")
            np.savez(p, V=W, F=F, K=one, H=-one, boundary=zero, mask=~zero)
            out.append((name, len(V), p))
        nj = int(round(np.sqrt(n / 4)))
        ni = 4 * nj + 1
        V, F, s, t = wing_triangles(ni, nj, jitter=0.2, seed=1)
        K, H = wing_reference(s, t)
        bd = (t == 0) | (t == 1)
        p = os.path.join(folder, f"wing-{len(V)}.npz")
        np.savez(p, V=V, F=F, K=K, H=H, boundary=bd, mask=s**2 < 1 - 1e-12)
        out.append(("wing", len(V), p))
        X = wing_grid(ni, nj)
        S, T = wing_params(ni, nj)
        K, H = wing_reference(S, T)
        flat = lambda a: np.swapaxes(a, 0, 1).reshape(-1)  # noqa: E731
        Ig, Jg = np.meshgrid(np.arange(ni), np.arange(nj), indexing="ij")
        bd = flat((Jg == 0) | (Jg == nj - 1) | (Ig == 0) | (Ig == ni - 1))
        p = os.path.join(folder, f"wing-grid-{ni * nj}.npz")
        np.savez(p, X=X, K=flat(K), H=flat(H), boundary=bd, mask=np.ones(ni * nj, bool))
        out.append(("wing-grid", ni * nj, p))
    return out


# -- methods (run inside a subprocess) ------------------------------------------------
def _gk_surface(d):
    """The surface, validated; validation is timed apart (its own row) and the
    adjacency it caches is dropped, so the feature timing builds its own."""
    from geomkit.mesh import StructuredSurface, TriangleSurface

    if "X" in d:
        s = StructuredSurface([d["X"]])
        s.check()
        return s
    s = TriangleSurface(d["V"], d["F"])
    s.check()
    s2 = TriangleSurface(d["V"], d["F"])
    s2._checked = True
    return s2


def m_geomkit_check(d):
    from geomkit.mesh import StructuredSurface, TriangleSurface

    s = StructuredSurface([d["X"]]) if "X" in d else TriangleSurface(d["V"], d["F"])
    t0 = time.process_time()
    s.check()
    n = s.n_vertices
    return time.process_time() - t0, np.full(n, np.nan), np.full(n, np.nan)


def m_geomkit(d, degree=3, method="jet"):
    from geomkit.mesh import features

    s = d["surface"]
    t0 = time.process_time()
    f = features(s, ["normal", "K", "H", "k1", "k2", "d1", "d2"], method=method, degree=degree)
    return time.process_time() - t0, f["K"], f["H"]


def m_geomkit_all_grid(d):
    from geomkit.mesh import features

    s = d["surface"]
    t0 = time.process_time()
    f = features(s, ["normal", "K", "H", "k1", "k2", "d1", "d2", "g", "dg", "Gamma", "b",
                     "R1212", "dA"])
    return time.process_time() - t0, f["K"], f["H"]


def m_geomkit_onering(d):
    from geomkit.mesh import features

    s = d["surface"]
    t0 = time.process_time()
    f = features(s, ["normal", "K", "H", "k1", "k2"], method="one-ring")
    return time.process_time() - t0, f["K"], f["H"]


def m_igl_pc(d, radius=5):
    import igl

    t0 = time.process_time()
    _, _, k1, k2, _ = igl.principal_curvature(d["V"], d["F"], radius)
    return time.process_time() - t0, k1 * k2, 0.5 * (k1 + k2)


def m_igl_onering(d):
    import igl

    V, F = d["V"], d["F"]
    t0 = time.process_time()
    M = igl.massmatrix(V, F, igl.MASSMATRIX_TYPE_VORONOI)
    area = M.diagonal()
    K = igl.gaussian_curvature(V, F) / area
    L = igl.cotmatrix(V, F)
    HN = (L @ V) / area[:, None]
    N = igl.per_vertex_normals(V, F)
    H = 0.5 * (HN * N).sum(1)
    return time.process_time() - t0, K, H


def m_trimesh(d):
    import trimesh

    t0 = time.process_time()
    m = trimesh.Trimesh(d["V"], d["F"], process=False)
    area = np.bincount(m.faces.ravel(), np.repeat(m.area_faces / 3, 3), len(m.vertices))
    K = m.vertex_defects / area
    H = np.full(len(K), np.nan)
    try:
        import rtree  # noqa: F401  (trimesh's ball queries need it)
    except ImportError:
        rtree = None
    if rtree is not None and len(K) <= 50000:  # ball-query mean curvature: too slow beyond
        r = 2 * m.edges_unique_length.mean()
        H = trimesh.curvature.discrete_mean_curvature_measure(m, m.vertices, r) / (np.pi * r**2)
    return time.process_time() - t0, K, H


def m_pyvista(d):
    import pyvista as pv

    V, F = d["V"], d["F"]
    t0 = time.process_time()
    m = pv.PolyData(V, np.column_stack([np.full(len(F), 3), F]).ravel())
    K = m.curvature("gaussian")
    H = m.curvature("mean")
    return time.process_time() - t0, K, H


METHODS = {
    "geomkit check (validation)": (m_geomkit_check, "geomkit", "tri"),
    "geomkit default (auto)": (lambda d: m_geomkit(d, None, "auto"), "geomkit", "tri"),
    "geomkit jet (deg 3)": (m_geomkit, "geomkit", "tri"),
    "geomkit jet (deg 4)": (lambda d: m_geomkit(d, 4), "geomkit", "tri"),
    "geomkit one-ring": (m_geomkit_onering, "geomkit", "tri"),
    "libigl principal_curvature r=5": (m_igl_pc, "igl", "tri"),
    "libigl principal_curvature r=2": (lambda d: m_igl_pc(d, 2), "igl", "tri"),
    "libigl angle defect + cotan": (m_igl_onering, "igl", "tri"),
    "trimesh defect (ball H if rtree)": (m_trimesh, "trimesh", "tri"),
    "pyvista/VTK curvatures": (m_pyvista, "pyvista", "tri"),
    "geomkit grid FD (all features)": (m_geomkit_all_grid, "geomkit", "grid"),
}


def _status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def _reset_peak():
    """Current resident set (kB) after resetting the peak, or None where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return _status_kb("VmRSS")
    except OSError:
        return None


def _peak():
    try:
        return _status_kb("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(method, path, warm):
    lib = METHODS[method][1]
    if warm:
        w = dict(np.load(warm))
        if lib == "geomkit":
            w["surface"] = _gk_surface(w)
            # the crease cut compiles on first use (for the surface's read-only
            # arrays); a fine jittered mesh may have sharp slivers where its 20k
            # warm-up has none
            from geomkit.mesh.triangle import split_creases

            cV = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
            cF = np.array([[0, 1, 2], [0, 3, 1]])
            cV.flags.writeable = cF.flags.writeable = False
            split_creases(cV, cF)
        METHODS[method][0](w)
    d = dict(np.load(path))
    if lib == "geomkit":  # built and validated outside the measured call
        d["surface"] = _gk_surface(d)
    rss0 = _reset_peak()
    cpu, K, H = METHODS[method][0](d)
    rss1 = _peak()
    K, H = np.asarray(K, float), np.asarray(H, float)
    ok, bd = d["mask"], d["boundary"]
    if np.isfinite(H).any() and np.nanmean(np.abs(H - d["H"])) > np.nanmean(np.abs(H + d["H"])):
        H = -H  # another sign convention

    def stats(e, sel):
        e = e[sel & ok]
        if not e.size or not np.isfinite(e).any():
            return None, None
        return float(np.sqrt(np.nanmean(e**2))), float(np.nanmax(e))

    eK, eH = np.abs(K - d["K"]), np.abs(H - d["H"])
    res = {"cpu": cpu, "mb": (rss1 - rss0) / 1024.0 if rss0 is not None else float("nan"),
           "K": stats(eK, ~bd), "H": stats(eH, ~bd),
           "Kb": stats(eK, bd) if bd.any() else (None, None),
           "Hb": stats(eH, bd) if bd.any() else (None, None),
           "bad": int((~np.isfinite(K)).sum())}
    print(json.dumps(res))


def _available(lib):
    try:
        __import__({"geomkit": "geomkit", "igl": "igl", "trimesh": "trimesh",
                    "pyvista": "pyvista", "pymeshlab": "pymeshlab", "vtk": "vtk"}[lib])
        return True
    except ImportError:
        return False


# -- small meshes: the default against each peer's best method, per file ---------------
def _peer_vtk(V, F):
    import vtk
    from vtk.util import numpy_support as ns

    pts = vtk.vtkPoints()
    pts.SetData(ns.numpy_to_vtk(np.ascontiguousarray(V), deep=True))
    cells = vtk.vtkCellArray()
    cells.SetData(ns.numpy_to_vtkIdTypeArray(np.arange(0, 3 * len(F) + 1, 3), deep=True),
                  ns.numpy_to_vtkIdTypeArray(np.ascontiguousarray(F.ravel()), deep=True))
    poly = vtk.vtkPolyData()
    poly.SetPoints(pts)
    poly.SetPolys(cells)
    out = []
    for kind in ("Gaussian", "Mean"):
        c = vtk.vtkCurvatures()
        c.SetInputData(poly)
        getattr(c, f"SetCurvatureTypeTo{kind}")()
        c.Update()
        out.append(ns.vtk_to_numpy(c.GetOutput().GetPointData().GetScalars()).astype(float))
    return {"vtkCurvatures": tuple(out)}


def _peer_igl(V, F):
    import igl

    M = igl.massmatrix(V, F, igl.MASSMATRIX_TYPE_VORONOI)
    area = M.diagonal()
    K = igl.gaussian_curvature(V, F) / area
    HN = (igl.cotmatrix(V, F) @ V) / area[:, None]
    H = 0.5 * (HN * igl.per_vertex_normals(V, F)).sum(1)
    out = {"igl defect/cotan": (K, H)}
    for r in (2, 5):
        try:
            _, _, k1, k2, _ = igl.principal_curvature(V, F, r)
            out[f"igl principal r={r}"] = (k1 * k2, 0.5 * (k1 + k2))
        except Exception:  # noqa: BLE001 (a failing peer method is left out)
            pass
    return out


def _peer_meshlab(V, F):
    import pymeshlab

    out = {}

    def run(filt, **kw):
        ms = pymeshlab.MeshSet()
        ms.add_mesh(pymeshlab.Mesh(V, F))
        sys.stdout.flush()
        keep = os.dup(1)  # the filters print to the C stdout
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                getattr(ms, filt)(**kw)
        finally:
            os.dup2(keep, 1)
            os.close(keep)
        return ms.current_mesh().vertex_scalar_array().astype(float)

    out["meshlab discrete"] = tuple(
        run("compute_scalar_by_discrete_curvature_per_vertex", curvaturetype=c)
        for c in ("Gaussian Curvature", "Mean Curvature"))
    for m in ("Taubin approximation", "Quadric Fitting", "Scale Dependent Quadric Fitting"):
        out[f"meshlab {m}"] = tuple(
            run("compute_curvature_principal_directions_per_vertex", method=m,
                curvcolormethod=c, autoclean=False)
            for c in ("Gaussian Curvature", "Mean Curvature"))
    return out


def _peer_trimesh(V, F):
    import trimesh

    m = trimesh.Trimesh(V, F, process=False)
    area = np.bincount(m.faces.ravel(), np.repeat(m.area_faces / 3, 3), len(m.vertices))
    K = m.vertex_defects / area
    H = np.full(len(K), np.nan)
    try:
        import rtree  # noqa: F401  (trimesh's ball queries need it)

        r = 2 * m.edges_unique_length.mean()
        H = trimesh.curvature.discrete_mean_curvature_measure(m, m.vertices, r) / (np.pi * r**2)
    except ImportError:
        pass
    return {"trimesh defect/ball": (K, H)}


PEERS = {"igl": _peer_igl, "pymeshlab": _peer_meshlab, "vtk": _peer_vtk, "trimesh": _peer_trimesh}


def own_table(sizes, kinds=None):
    """Interior RMS errors of the default against geomkit's individual estimators
    (``jet`` degree 3 and 4, ``one-ring``, ``corrected``) on the analytic test
    surfaces; per file and quantity the ratio default / best of jet and one-ring
    (the measure of ``tests/test_mesh_curvature.py``)."""
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
    import curvature_surfaces as cs

    methods = {**cs.OWN, "corrected": {"method": "corrected"}}
    print(f"{'surface':20} {'n':>6} {'q':1} {'default':>9} " +
          " ".join(f"{m:>9}" for m in methods) + f" {'ratio':>6}")
    for kind in kinds or cs.KINDS:
        for jit in (False, True):
            for n in sizes:
                V, F, ans = cs.make(kind, n, jit)
                auto = cs.errors(V, F, ans)
                own = {m: cs.errors(V, F, ans, **kw) for m, kw in methods.items()}
                for q in "KH":
                    best = min(own[m][q] for m in cs.OWN)
                    ratio = auto[q] / best if auto[q] > 1e-12 else 0.0
                    print(f"{kind + ('-jitter' if jit else ''):20} {len(V):>6} {q} "
                          f"{auto[q]:9.2e} " + " ".join(f"{own[m][q]:9.2e}" for m in methods)
                          + f" {ratio:6.2f}", flush=True)


def small_table(sizes, kinds=None):
    """Interior RMS errors of the default and of every peer method on the analytic
    test surfaces; prints, per file and quantity, the ratio default / best peer."""
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
    import curvature_surfaces as cs

    from geomkit.mesh import TriangleSurface, features

    libs = [k for k in PEERS if _available(k)]
    head = (f"{'surface':20} {'n':>6} {'K default':>9} {'K peer':>9} {'ratio':>6} "
            f"{'best K peer':24} {'H default':>9} {'H peer':>9} {'ratio':>6} {'best H peer':24}")
    print(head)
    print("-" * len(head))
    worst = []
    for kind in kinds or cs.KINDS:
        for jit in (False, True):
            for n in sizes:
                V, F, ans = cs.make(kind, n, jit)
                inner = ans["mask"] & ~ans["boundary"]
                ours = features(TriangleSurface(V, F), ["K", "H"])
                peers = {}
                for lib in libs:
                    peers.update(PEERS[lib](V, F))
                row = f"{kind + ('-jitter' if jit else ''):20} {len(V):>6}"
                for q, i in (("K", 0), ("H", 1)):
                    e0 = cs.rms((ours[q] - ans[q])[inner])
                    best, name = np.inf, "-"
                    for nm, vals in peers.items():
                        x = np.asarray(vals[i], float)
                        flip = np.nanmean(np.abs(x + ans[q])) < np.nanmean(np.abs(x - ans[q]))
                        if q == "H" and flip:
                            x = -x  # another sign convention
                        e = cs.rms((x - ans[q])[inner])
                        if np.isfinite(e) and e < best:
                            best, name = e, nm
                    ratio = e0 / best if best > 0 else np.inf
                    worst.append((ratio, kind, jit, len(V), q))
                    row += f" {e0:9.2e} {best:9.2e} {ratio:6.2f} {name:24}"
                print(row, flush=True)
    worst.sort()
    tail = ", ".join(f"{k}{'-jitter' if j else ''}-{n} {q} {r:.2f}" for r, k, j, n, q in worst[-6:])
    print(f"# ratio <= 1 on {sum(w[0] <= 1 for w in worst)} of {len(worst)} (file, K or H); "
          f"largest: {tail}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only")
    ap.add_argument("--sizes", type=str, default=None, help="comma-separated vertex counts")
    ap.add_argument("--methods", type=str, default=None, help="substring filter on methods")
    ap.add_argument("--small", action="store_true",
                    help="the small-mesh accuracy table (600, 5k, 40k vertices) instead")
    ap.add_argument("--own", action="store_true",
                    help="the small-mesh table against geomkit's own estimators instead")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.own:
        own_table([int(x) for x in a.sizes.split(",")] if a.sizes else [600, 5000, 40000])
        return
    if a.small:
        small_table([int(x) for x in a.sizes.split(",")] if a.sizes else [600, 5000, 40000])
        return
    if a.child:
        _child(a.child[0], a.child[1], a.child[2] if a.child[2] != "-" else None)
        return
    sizes = [10000, 40000] if a.quick else [40000, 260000, 1000000]
    if a.sizes:
        sizes = [int(x) for x in a.sizes.split(",")]
    for lib in ("igl", "trimesh", "pyvista"):
        if not _available(lib):
            print(f"# {lib} not installed: its rows are skipped (pip install "
                  f"{ {'igl': 'libigl'}.get(lib, lib)})")
    with tempfile.TemporaryDirectory() as tmp:
        meshes = make_meshes(sizes, tmp)
        # same kinds, large enough for every parallel code path (compiled in the warm-up)
        os.makedirs(os.path.join(tmp, "warm"))
        warm = make_meshes([20000], os.path.join(tmp, "warm"))
        warm = {kind: p for kind, _, p in warm}
        head = (f"{'surface':18} {'n':>8} {'method':32} {'CPU-s':>7} {'peakMB':>7} "
                f"{'K rms':>9} {'K max':>9} {'H rms':>9} {'H max':>9} {'Kb max':>9} {'Hb max':>9}")
        print(head)
        print("-" * len(head))
        for kind, n, path in meshes:
            for method, (_, lib, what) in METHODS.items():
                if a.methods and a.methods not in method:
                    continue
                if (what == "grid") != (kind == "wing-grid") or not _available(lib):
                    continue
                cmd = [sys.executable, __file__, "--child", method, path, warm[kind]]
                r = subprocess.run(cmd, capture_output=True, text=True)
                if r.returncode:
                    print(f"{kind:18} {n:>8} {method:32} failed: {r.stderr.strip()[-200:]}")
                    continue
                d = json.loads(r.stdout.strip().splitlines()[-1])
                f = lambda x: f"{x:9.2e}" if x is not None else f"{'-':>9}"  # noqa: E731
                print(f"{kind:18} {n:>8} {method:32} {d['cpu']:7.2f} {d['mb']:7.0f} "
                      f"{f(d['K'][0])} {f(d['K'][1])} {f(d['H'][0])} {f(d['H'][1])} "
                      f"{f(d['Kb'][1])} {f(d['Hb'][1])}", flush=True)


if __name__ == "__main__":
    main()
