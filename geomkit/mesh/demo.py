r"""A swept, tapered wing with a NACA-like section, as an exact parametric surface.

The section is a symmetric NACA four-digit profile (thickness ratio ``tau``)
refitted in the form ``y_t = 5 tau sqrt(x) (a0 + a1 x + ... + a4 x^4)`` with the
NACA leading-edge term ``a0 = 0.2969`` and a sharp trailing edge
(``sum a = 0``); it stays within 0.002 * 5 tau of the NACA 00xx ordinates.
Written with ``sigma = +-sqrt(x)`` the wrapped section is a polynomial,

    ``x(sigma) = sigma^2``,  ``z(sigma) = -5 tau sigma (a0 + a1 sigma^2 + ... + a4 sigma^8)``,

``sigma`` going from 1 (trailing edge, lower side) through 0 (leading edge) to
-1 (trailing edge, upper side), so the surface is smooth everywhere except
along the sharp trailing edge, where the grid's two ends meet at an angle.
Spanwise, ``t`` in [0, 1]:

    ``X(sigma, t) = (t b tan(sweep) + c(t) x(sigma),  b t,  c(t) z(sigma) + b dihedral t^2)``

with chord ``c(t) = c_root (1 - (1 - taper) t)``.  :func:`wing_jet` gives its
exact derivatives, so tests and benchmarks can compare with the analytic
surface.  The grid's ``(i, j)`` chart is ``sigma = 1 - 2 i / (ni - 1)``,
``t = j / (nj - 1)``; the normal ``X_i x X_j`` points out of the wing.

>>> X = wing_grid(41, 9)
>>> X.shape
(41, 9, 3)
>>> bool(np.allclose(X[0], X[-1]))   # the trailing edge closes the section
True
"""

import numpy as np

__all__ = ["WING", "wing_point", "wing_jet", "wing_grid", "wing_triangles"]

_A = (0.2969, -0.4901, 0.4621, -0.4158, 0.1469)

#: default wing parameters
WING = dict(tau=0.12, c_root=1.0, taper=0.5, span=3.0, sweep_deg=25.0, dihedral=0.05)


def _section(s, tau):
    s2 = s * s
    p = _A[0] + s2 * (_A[1] + s2 * (_A[2] + s2 * (_A[3] + s2 * _A[4])))
    dp = 2 * s * (_A[1] + s2 * (2 * _A[2] + s2 * (3 * _A[3] + s2 * 4 * _A[4])))
    d2p = 2 * (_A[1] + s2 * (6 * _A[2] + s2 * (15 * _A[3] + s2 * 28 * _A[4])))
    k = -5.0 * tau
    z = k * s * p
    dz = k * (p + s * dp)
    d2z = k * (2 * dp + s * d2p)
    return s2, 2 * s, 2 * np.ones_like(s), z, dz, d2z


def wing_point(sigma, t, **params):
    """Points ``X(sigma, t)``, shape ``broadcast(sigma, t).shape + (3,)``."""
    return wing_jet(sigma, t, **params)[0]


def wing_jet(sigma, t, **params):
    """Exact ``X, X_s, X_t, X_ss, X_st, X_tt`` (each ``shape + (3,)``) in the
    ``(sigma, t)`` chart."""
    p = {**WING, **params}
    s, t = np.broadcast_arrays(np.asarray(sigma, float), np.asarray(t, float))
    x, dx, d2x, z, dz, d2z = _section(s, p["tau"])
    b = p["span"]
    c = p["c_root"] * (1 - (1 - p["taper"]) * t)
    dc = -p["c_root"] * (1 - p["taper"])
    tan = np.tan(np.radians(p["sweep_deg"]))
    zero = np.zeros_like(s)
    X = np.stack([t * b * tan + c * x, b * t, c * z + b * p["dihedral"] * t**2], -1)
    Xs = np.stack([c * dx, zero, c * dz], -1)
    Xt = np.stack([b * tan + dc * x, b + zero, dc * z + 2 * b * p["dihedral"] * t], -1)
    Xss = np.stack([c * d2x, zero, c * d2z], -1)
    Xst = np.stack([dc * dx, zero, dc * dz], -1)
    Xtt = np.stack([zero, zero, 2 * b * p["dihedral"] + zero], -1)
    return X, Xs, Xt, Xss, Xst, Xtt


def wing_params(ni, nj):
    """The ``(sigma, t)`` of grid point ``(i, j)``: two (ni, nj) arrays."""
    s = 1.0 - 2.0 * np.arange(ni) / (ni - 1)
    t = np.arange(nj) / (nj - 1)
    return np.meshgrid(s, t, indexing="ij")


def wing_grid(ni=129, nj=33, **params):
    """The wing as a structured grid ``X: (ni, nj, 3)`` (``ni`` odd puts a point on
    the leading edge)."""
    s, t = wing_params(ni, nj)
    X = wing_point(s, t, **params)
    X[-1] = X[0]  # the same trailing-edge points, bit for bit
    return X


def wing_triangles(ni=129, nj=33, jitter=0.0, seed=0, **params):
    """The wing as a triangle mesh ``(V, F, sigma, t)``: the grid's cells split
    along a diagonal, the trailing-edge seam merged.  ``jitter`` moves each
    vertex by up to that fraction of the local spacing in the parameter plane
    (then back onto the exact surface), so the mesh is irregular."""
    s, t = wing_params(ni, nj)
    if jitter:
        rng = np.random.default_rng(seed)
        ds, dt = 2.0 / (ni - 1), 1.0 / (nj - 1)
        s = s + jitter * ds * rng.uniform(-1, 1, s.shape) * (np.abs(s) < 1 - ds / 2)
        t = t + jitter * dt * rng.uniform(-1, 1, t.shape) * ((t > dt / 2) & (t < 1 - dt / 2))
    X = wing_point(s, t, **params)
    # grid numbering without the duplicated trailing-edge row i = ni - 1
    m = ni - 1
    idx = np.arange(m * nj).reshape(nj, m).T  # (m, nj), i fastest
    idx = np.concatenate([idx, idx[:1]], axis=0)
    q = np.stack([idx[:-1, :-1], idx[1:, :-1], idx[1:, 1:], idx[:-1, 1:]], -1).reshape(-1, 4)
    F = np.concatenate([q[:, [0, 1, 2]], q[:, [0, 2, 3]]]).astype(np.int64)
    V = X[:m].transpose(1, 0, 2).reshape(-1, 3)
    return V, F, s[:m].T.ravel(), t[:m].T.ravel()
