"""Analytic surfaces with closed-form K and H, triangulated regular and jittered at
several resolutions: the test set of the triangle curvature estimators (tests and
``benchmarks/bench_mesh.py``).

Every generator returns ``(V, F, ans)`` with ``ans`` holding ``K``, ``H`` (sign
convention ``b_ij = X_ij . N``, normal of the face orientation), ``boundary``
(vertices on a boundary) and ``mask`` (vertices where curvature is defined: all
but the sharp trailing edge of the wing).
"""

import numpy as np
from mesh_surfaces import grid_triangles, icosphere, jitter_sphere, param_jitter, saddle, torus

from geomkit.mesh.demo import wing_jet, wing_triangles

KINDS = ("sphere", "icosphere", "ellipsoid", "torus", "saddle", "cylinder", "wing")
#: approximate vertex counts of the three resolutions
SIZES = (600, 5000, 40000)


def _ans(K, H, boundary=None, mask=None):
    n = len(K)
    return {"K": np.asarray(K, float), "H": np.asarray(H, float),
            "boundary": np.zeros(n, bool) if boundary is None else boundary,
            "mask": np.ones(n, bool) if mask is None else mask}


def _ico_level(n):
    return int(np.argmin([abs(10 * 4**k + 2 - n) for k in range(8)]))


def uv_sphere(n, jitter=0.0, seed=0):
    """Unit latitude-longitude sphere, ~n vertices (two poles of high valence),
    outward normal; ``jitter`` moves the points in (theta, phi)."""
    nt = max(int(round(np.sqrt(n / 2))), 4)
    npp = 2 * nt
    th = np.pi * np.arange(1, nt) / nt
    ph = 2 * np.pi * np.arange(npp) / npp
    T, P = np.meshgrid(th, ph, indexing="ij")
    if jitter:
        T, P = param_jitter(T, P, np.pi / nt, 2 * np.pi / npp, jitter, seed)
    T, P = T.ravel(), P.ravel()
    V = np.stack([np.sin(T) * np.cos(P), np.sin(T) * np.sin(P), np.cos(T)], -1)
    m = nt - 1  # rings
    idx = np.arange(m * npp).reshape(m, npp)
    F = []
    for i in range(m - 1):
        a, b = idx[i], np.roll(idx[i], -1)
        c, d = idx[i + 1], np.roll(idx[i + 1], -1)
        F += [np.stack([a, c, d], 1), np.stack([a, d, b], 1)]
    north, south = m * npp, m * npp + 1
    F += [np.stack([np.full(npp, north), idx[0], np.roll(idx[0], -1)], 1),
          np.stack([np.full(npp, south), np.roll(idx[-1], -1), idx[-1]], 1)]
    V = np.concatenate([V, [[0, 0, 1.0], [0, 0, -1.0]]])
    F = np.concatenate(F).astype(np.int64)
    nv = len(V)
    return V, F, _ans(np.ones(nv), -np.ones(nv))


def ico_sphere(n, jitter=0.0, seed=0):
    V, F = icosphere(_ico_level(n))
    if jitter:
        V = jitter_sphere(V, F, jitter, seed)
    return V, F, _ans(np.ones(len(V)), -np.ones(len(V)))


def ellipsoid(n, jitter=0.0, seed=0, axes=(1.0, 0.7, 0.5)):
    V, F = icosphere(_ico_level(n))
    if jitter:
        V = jitter_sphere(V, F, jitter, seed)
    a, b, c = axes
    P = V * axes
    x, y, z = P.T
    q = x**2 / a**4 + y**2 / b**4 + z**2 / c**4
    K = 1 / (a * b * c) ** 2 / q**2
    H = (x**2 + y**2 + z**2 - a**2 - b**2 - c**2) / (2 * (a * b * c) ** 2 * q**1.5)
    return P, F, _ans(K, H)


def torus_mesh(n, jitter=0.0, seed=0):
    nv = max(int(round(np.sqrt(n / 2.5))), 6)
    P, F, _, ans = torus(int(round(2.5 * nv)), nv, jitter=jitter, seed=seed)
    return P, F, _ans(ans["K"], ans["H"])


def saddle_mesh(n, jitter=0.0, seed=0):
    P, F, ans = saddle(max(int(round(np.sqrt(n))), 5), jitter=jitter, seed=seed)
    return P, F, _ans(ans["K"], ans["H"], ans["boundary"])


def cylinder(n, jitter=0.0, seed=0, radius=0.5, length=1.5):
    """Open cylinder (boundary at both ends), outward normal: K = 0, H = -1/(2r)."""
    nz = max(int(round(np.sqrt(n / 2.0))), 4)
    nt = int(round(n / nz))
    th = 2 * np.pi * np.arange(nt) / nt
    z = np.linspace(0, length, nz)
    T, Z = np.meshgrid(th, z, indexing="ij")
    if jitter:
        inner = (Z > 0) & (Z < length)
        T, Z = param_jitter(T, Z, 2 * np.pi / nt, length / (nz - 1), jitter, seed, None, inner)
    T, Z = T.T.ravel(), Z.T.ravel()
    P = np.stack([radius * np.cos(T), radius * np.sin(T), Z], -1)
    F = grid_triangles(nt, nz, periodic_i=True)
    bd = (Z <= 0) | (Z >= length)
    return P, F, _ans(np.zeros(len(P)), np.full(len(P), -0.5 / radius), bd)


def wing_curvature(sigma, t):
    """Exact ``K, H`` of the demo wing at ``(sigma, t)``, outward normal
    ``-X_s x X_t``."""
    _, Xs, Xt, Xss, Xst, Xtt = wing_jet(sigma, t)
    nn = -np.cross(Xs, Xt)
    N = nn / np.linalg.norm(nn, axis=-1)[..., None]
    E, Fm, G = (Xs * Xs).sum(-1), (Xs * Xt).sum(-1), (Xt * Xt).sum(-1)
    L, M, Nn = (Xss * N).sum(-1), (Xst * N).sum(-1), (Xtt * N).sum(-1)
    D = E * G - Fm * Fm
    return (L * Nn - M * M) / D, (E * Nn - 2 * Fm * M + G * L) / (2 * D)


def wing(n, jitter=0.0, seed=0):
    nj = max(int(round(np.sqrt(n / 4))), 5)
    V, F, s, t = wing_triangles(4 * nj + 1, nj, jitter=jitter, seed=seed)
    K, H = wing_curvature(s, t)
    bd = (t <= 0) | (t >= 1)
    return V, F, _ans(K, H, bd, s**2 < 1 - 1e-12)


GENERATORS = {"sphere": uv_sphere, "icosphere": ico_sphere, "ellipsoid": ellipsoid,
              "torus": torus_mesh, "saddle": saddle_mesh, "cylinder": cylinder, "wing": wing}
JITTER = 0.25


def make(kind, n, jittered=False, seed=1):
    """The ``kind`` surface with about ``n`` vertices: ``(V, F, ans)``."""
    return GENERATORS[kind](n, JITTER if jittered else 0.0, seed)


def spacing(V, F):
    """Mean edge length."""
    return float(np.linalg.norm(V[F[:, 1]] - V[F[:, 0]], axis=1).mean())


#: geomkit's individual estimators, as ``features`` keyword arguments
OWN = {"jet3": {"method": "jet", "degree": 3}, "jet4": {"method": "jet", "degree": 4},
       "one-ring": {"method": "one-ring"}}


def rms(e):
    return float(np.sqrt(np.mean(np.square(e)))) if len(e) else float("nan")


def errors(V, F, ans, **kw):
    """RMS errors of ``features(..., **kw)`` K and H: ``{'K', 'H'}`` over the
    interior vertices (where curvature is defined and the one-ring formulas
    hold), ``{'Kb', 'Hb'}`` over the boundary ones (NaN when none)."""
    from geomkit.mesh import TriangleSurface, features

    f = features(TriangleSurface(V, F), ["K", "H"], **kw)
    inner = ans["mask"] & ~ans["boundary"]
    bd = ans["mask"] & ans["boundary"]
    out = {}
    for q in ("K", "H"):
        e = f[q] - ans[q]
        out[q], out[q + "b"] = rms(e[inner]), rms(e[bd])
    return out
