r"""An analytic multi-block wing: half an ellipsoid cut into blocks, with a tip cap.

The surface is ``x^2/a^2 + y^2/c^2 + z^2/b^2 = 1``, ``z >= 0`` (``z`` spanwise,
open at the root ``z = 0``): a wing with rounded leading and trailing edges
and a rounded tip, whose curvatures are known exactly (:func:`ellipsoid_curvature`).
It is gridded as CFD grids are: around the section by ``theta(s) = s - (beta/2)
sin 2s`` (points clustered at both edges, ``s`` uniform), along the span by the
polar angle ``phi`` from the root (``pi/2``) to the tip pole (``0``), evenly
(a grid generator's spacing is smooth across block edges).  The blocks:

* four wing blocks around the section (seams on the trailing edge, the
  leading edge and at mid-chord above and below), from the root over ``nspan``
  cells;
* a tip cap of two blocks over the last ``ncap`` cells to the pole, whose last
  grid line collapses to one point.

Some blocks are stored transposed or reversed, as real files have them.  With
``one_block=True`` the same points come as one block (the section wrapped, its
seam duplicated; the pole its last line).

>>> blocks = ellipsoid_wing(8, 4, 3)
>>> [b.shape[:2] for b in blocks]
[(9, 5), (5, 9), (9, 5), (9, 5), (4, 17), (17, 4)]
>>> ellipsoid_wing(8, 4, 3, one_block=True)[0].shape
(33, 8, 3)
"""

import numpy as np

__all__ = ["ellipsoid_wing", "ellipsoid_curvature", "ELLIPSOID_WING"]

#: default semi-axes (chord, thickness, span) and clustering
ELLIPSOID_WING = dict(a=1.0, c=0.25, b=2.0, beta=0.6)


def _point(s, phi, a, c, b, beta):
    th = s - 0.5 * beta * np.sin(2 * s)
    return np.stack([a * np.cos(th) * np.sin(phi), c * np.sin(th) * np.sin(phi),
                     b * np.cos(phi)], -1)


def ellipsoid_wing(nq, nspan, ncap, one_block=False, **params):
    """Blocks ``(ni, nj, 3)`` of the wing: ``nq`` cells per quarter of the section,
    ``nspan`` cells from root to cap, ``ncap`` cells on the cap."""
    p = {**ELLIPSOID_WING, **params}
    a, c, b, beta = p["a"], p["c"], p["b"], p["beta"]
    phi = np.linspace(np.pi / 2, 0.0, nspan + ncap + 1)
    phi_w, phi_c = phi[: nspan + 1], phi[nspan:]
    if one_block:
        s = np.linspace(0, 2 * np.pi, 4 * nq + 1)
        phi = np.concatenate([phi_w, phi_c[1:]])
        S, PH = np.meshgrid(s, phi, indexing="ij")
        X = _point(S, PH, a, c, b, beta)
        X[-1] = X[0]
        X[:, -1] = X[0, -1]
        return [X]
    out = []
    for q in range(4):
        s = np.linspace(q * np.pi / 2, (q + 1) * np.pi / 2, nq + 1)
        S, PH = np.meshgrid(s, phi_w, indexing="ij")
        out.append(_point(S, PH, a, c, b, beta))
    for h in range(2):
        s = np.linspace(h * np.pi, (h + 1) * np.pi, 2 * nq + 1)
        S, PH = np.meshgrid(s, phi_c, indexing="ij")
        X = _point(S, PH, a, c, b, beta)
        X[:, -1] = (0.0, 0.0, b)
        out.append(X)
    # shared points bit for bit, as a grid generator writes them
    for q in range(4):
        out[q][-1] = out[(q + 1) % 4][0]
    for q in range(4):
        h, k = divmod(q, 2)
        out[4 + h][k * nq: (k + 1) * nq + 1, 0] = out[q][:, -1]
    out[5][-1] = out[4][0]
    out[4][-1] = out[5][0]
    # stored as files have them: transposed, reversed
    out[1] = out[1].transpose(1, 0, 2)
    out[2] = out[2][::-1]
    out[4] = out[4].transpose(1, 0, 2)[::-1]
    out[5] = out[5][:, ::-1]
    return [np.ascontiguousarray(X) for X in out]


def ellipsoid_curvature(P, a=None, c=None, b=None, **_):
    """Exact ``K`` and ``H`` at points ``P: (n, 3)`` of the ellipsoid, outward
    normal (``H < 0``, the sphere's ``-1/r``)."""
    a = ELLIPSOID_WING["a"] if a is None else a
    c = ELLIPSOID_WING["c"] if c is None else c
    b = ELLIPSOID_WING["b"] if b is None else b
    x, y, z = P[:, 0], P[:, 1], P[:, 2]
    q = x * x / a**4 + y * y / c**4 + z * z / b**4
    K = 1.0 / (a * a * b * b * c * c * q * q)
    H = (x * x + y * y + z * z - a * a - b * b - c * c) / (2 * a * a * b * b * c * c * q**1.5)
    return K, H
