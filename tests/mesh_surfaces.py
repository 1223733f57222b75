"""Analytic test surfaces for the mesh tests (and the mesh benchmark).

Each generator returns sampled points together with the closed-form answers
of MATH 7.4 (sign convention: ``b_ij = X_ij . N``, outward sphere ``H = -1/a``).
"""

import numpy as np

# -- triangle meshes ---------------------------------------------------------------


def icosphere(level, radius=1.0):
    """Unit icosphere subdivided ``level`` times: (V, F), faces counter-clockwise
    seen from outside (outward normal)."""
    t = (1 + 5**0.5) / 2
    V = np.array(
        [[-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0], [0, -1, t], [0, 1, t], [0, -1, -t],
         [0, 1, -t], [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1]], dtype=float,
    )  # fmt: skip
    F = np.array(
        [[0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9], [5, 11, 4],
         [11, 10, 2], [10, 7, 6], [7, 1, 8], [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8],
         [3, 8, 9], [4, 9, 5], [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1]],
    )  # fmt: skip
    V /= np.linalg.norm(V, axis=1)[:, None]
    for _ in range(level):
        e = np.sort(np.concatenate([F[:, [0, 1]], F[:, [1, 2]], F[:, [2, 0]]]), axis=1)
        ue, inv = np.unique(e, axis=0, return_inverse=True)
        inv = inv.ravel()
        mid = V[ue].mean(axis=1)
        mid /= np.linalg.norm(mid, axis=1)[:, None]
        m, n = len(F), len(V)
        a, b, c = inv[:m] + n, inv[m : 2 * m] + n, inv[2 * m :] + n
        F = np.concatenate(
            [np.stack([F[:, 0], a, c], 1), np.stack([F[:, 1], b, a], 1),
             np.stack([F[:, 2], c, b], 1), np.stack([a, b, c], 1)]
        )  # fmt: skip
        V = np.concatenate([V, mid])
    return radius * V, F.astype(np.int64)


def edge_length(V, F):
    return float(np.linalg.norm(V[F[:, 1]] - V[F[:, 0]], axis=1).mean())


def jitter_sphere(V, F, amount=0.2, seed=0, radius=1.0):
    """Move vertices tangentially by up to ``amount`` x the mean edge length,
    then back onto the sphere: an irregular mesh of the same sphere."""
    rng = np.random.default_rng(seed)
    h = edge_length(V, F)
    d = rng.uniform(-1, 1, V.shape) * amount * h
    d -= (d * V).sum(1)[:, None] * V / radius**2
    W = V + d
    return radius * W / np.linalg.norm(W, axis=1)[:, None]


def grid_triangles(ni, nj, periodic_i=False, periodic_j=False):
    """Faces of an (ni, nj) grid split into triangles; vertex (i, j) is i + ni j.
    Periodic directions wrap (no duplicated seam)."""
    I, J = np.meshgrid(np.arange(ni if periodic_i else ni - 1),
                       np.arange(nj if periodic_j else nj - 1), indexing="ij")
    i1, j1 = (I + 1) % ni, (J + 1) % nj
    a, b, c, d = I + ni * J, i1 + ni * J, i1 + ni * j1, I + ni * j1
    q = np.stack([a, b, c, d], -1).reshape(-1, 4)
    return np.concatenate([q[:, [0, 1, 2]], q[:, [0, 2, 3]]]).astype(np.int64)


def param_jitter(U, V_, du, dv, amount, seed, fix_u=None, fix_v=None):
    rng = np.random.default_rng(seed)
    U2 = U + amount * du * rng.uniform(-1, 1, U.shape) * (1 if fix_u is None else fix_u)
    V2 = V_ + amount * dv * rng.uniform(-1, 1, V_.shape) * (1 if fix_v is None else fix_v)
    return U2, V2


def torus(nu, nv, R=2.0, r=0.7, jitter=0.0, seed=0):
    """Closed torus ((R + r cos v) cos u, (R + r cos v) sin u, r sin v): points of an
    (nu, nv) periodic parameter grid, with closed forms (MATH 7.4 item 2)."""
    u = 2 * np.pi * np.arange(nu) / nu
    v = 2 * np.pi * np.arange(nv) / nv
    U, Vv = np.meshgrid(u, v, indexing="ij")
    if jitter:
        U, Vv = param_jitter(U, Vv, 2 * np.pi / nu, 2 * np.pi / nv, jitter, seed)
    U, Vv = U.T.ravel(), Vv.T.ravel()
    P = np.stack([(R + r * np.cos(Vv)) * np.cos(U), (R + r * np.cos(Vv)) * np.sin(U),
                  r * np.sin(Vv)], -1)  # fmt: skip
    F = grid_triangles(nu, nv, True, True)
    ans = torus_answers(U, Vv, R, r)
    return P, F, np.stack([U, Vv], -1), ans


def torus_answers(u, v, R=2.0, r=0.7):
    """Closed forms in the (u, v) chart, normal X_u x X_v (outward)."""
    w = R + r * np.cos(v)
    n = np.shape(u)
    g = np.zeros(n + (2, 2))
    g[..., 0, 0] = w**2
    g[..., 1, 1] = r**2
    Gam = np.zeros(n + (2, 2, 2))
    Gam[..., 0, 0, 1] = Gam[..., 0, 1, 0] = -r * np.sin(v) / w
    Gam[..., 1, 0, 0] = w * np.sin(v) / r
    return {"K": np.cos(v) / (r * w), "H": -(R + 2 * r * np.cos(v)) / (2 * r * w), "g": g,
            "Gamma": Gam}


def graph_answers(fx, fy, fxx, fxy, fyy):
    """K and H of a graph z = f(x, y) with the upward normal."""
    q = 1 + fx**2 + fy**2
    K = (fxx * fyy - fxy**2) / q**2
    H = ((1 + fy**2) * fxx - 2 * fx * fy * fxy + (1 + fx**2) * fyy) / (2 * q**1.5)
    return K, H


def saddle(n, jitter=0.0, seed=0, half=1.0):
    """Hyperbolic paraboloid z = (x^2 - y^2) / 2 on [-half, half]^2 (a surface with
    boundary), triangulated from an (n, n) grid; upward normal."""
    x = np.linspace(-half, half, n)
    X, Y = np.meshgrid(x, x, indexing="ij")
    if jitter:
        h = 2 * half / (n - 1)
        inner = (np.abs(X) < half - h / 2) & (np.abs(Y) < half - h / 2)
        X, Y = param_jitter(X, Y, h, h, jitter, seed, inner, inner)
    X, Y = X.T.ravel(), Y.T.ravel()
    P = np.stack([X, Y, (X**2 - Y**2) / 2], -1)
    F = grid_triangles(n, n)
    K, H = graph_answers(X, -Y, np.ones_like(X), np.zeros_like(X), -np.ones_like(X))
    bd = (np.abs(X) >= half - 1e-12) | (np.abs(Y) >= half - 1e-12)
    return P, F, {"K": K, "H": H, "boundary": bd}


def rotation(seed=0):
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((3, 3)))
    if np.linalg.det(q) < 0:
        q[:, 0] *= -1
    return q


# -- structured grids --------------------------------------------------------------


def sphere_grid(ni, nj, a=1.5, theta=(0.4, np.pi - 0.4)):
    """Sphere X = a (sin t cos p, sin t sin p, cos t), t in ``theta`` (i), p around
    (j, duplicated seam).  Returns X (ni, nj, 3), t, p (ni, nj), dt, dp."""
    t = np.linspace(*theta, ni)
    p = np.linspace(0, 2 * np.pi, nj)
    T, P = np.meshgrid(t, p, indexing="ij")
    X = a * np.stack([np.sin(T) * np.cos(P), np.sin(T) * np.sin(P), np.cos(T)], -1)
    X[:, -1] = X[:, 0]
    return X, T, P, t[1] - t[0], p[1] - p[0]


def torus_grid(nu, nv, R=2.0, r=0.7, warp=0.0):
    """Torus grid with a duplicated seam in both directions; ``warp`` makes the
    spacing in u uneven: u(i) = 2 pi i/(nu-1) + warp sin(2 pi i/(nu-1)).
    Returns X, U, V (ni, nj) and du/di, d2u/di2, dv/dj (arrays / scalar)."""
    s = np.arange(nu) / (nu - 1)
    u = 2 * np.pi * s + warp * np.sin(2 * np.pi * s)
    du = (2 * np.pi + warp * 2 * np.pi * np.cos(2 * np.pi * s)) / (nu - 1)
    d2u = -warp * (2 * np.pi) ** 2 * np.sin(2 * np.pi * s) / (nu - 1) ** 2
    v = 2 * np.pi * np.arange(nv) / (nv - 1)
    U, Vv = np.meshgrid(u, v, indexing="ij")
    X = np.stack([(R + r * np.cos(Vv)) * np.cos(U), (R + r * np.cos(Vv)) * np.sin(U),
                  r * np.sin(Vv)], -1)  # fmt: skip
    X[-1] = X[0]
    X[:, -1] = X[:, 0]
    DU = np.broadcast_to(du[:, None], U.shape)
    D2U = np.broadcast_to(d2u[:, None], U.shape)
    return X, U, Vv, DU, D2U, 2 * np.pi / (nv - 1)


def flat(a):
    """(ni, nj, ...) grid array -> (ni * nj, ...) in point order (i fastest)."""
    a = np.asarray(a)
    return np.swapaxes(a, 0, 1).reshape(-1, *a.shape[2:])
