r"""A swept, tapered wing with a NACA-like section, as an exact parametric surface
(one member of the family in :mod:`geomkit.mesh.wings`).

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

from . import wings as _wing
from .wings import WingParams, wing_params

__all__ = ["WING", "wing_point", "wing_jet", "wing_grid", "wing_triangles"]

#: default wing parameters
WING = dict(tau=0.12, c_root=1.0, taper=0.5, span=3.0, sweep_deg=25.0, dihedral=0.05)


def _params(params):
    p = {**WING, **params}
    return WingParams(thickness=p["tau"], c_root=p["c_root"], taper=p["taper"], span=p["span"],
                      sweep_deg=p["sweep_deg"], bend=p["dihedral"])


def wing_point(sigma, t, **params):
    """Points ``X(sigma, t)``, shape ``broadcast(sigma, t).shape + (3,)``."""
    return wing_jet(sigma, t, **params)[0]


def wing_jet(sigma, t, **params):
    """Exact ``X, X_s, X_t, X_ss, X_st, X_tt`` (each ``shape + (3,)``) in the
    ``(sigma, t)`` chart."""
    return _wing.wing_jet(_params(params), sigma, t)


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
