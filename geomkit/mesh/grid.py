"""Grid-line topology and finite-difference stencils (numpy only, no numba).

See :mod:`geomkit.mesh.structured` for how they are used.
"""

import numpy as np

from ..errors import MeshError

__all__ = ["CREASE_DEG", "fd_weights", "stencils", "line_topology"]

CREASE_DEG = 45.0  # a turning angle above this, and dominant locally, is a crease


def fd_weights(z, x, m):
    """Finite-difference weights (Fornberg 1988) at ``z`` on nodes ``x``.

    Returns ``c`` of shape (len(x), m + 1): ``f^(k)(z) ~ sum_j c[j, k] f(x_j)``.

    >>> c = fd_weights(0.0, [-1.0, 0.0, 1.0], 2)
    >>> c[:, 1].tolist(), c[:, 2].tolist()
    ([-0.5, 0.0, 0.5], [1.0, -2.0, 1.0])
    """
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    c = np.zeros((n, m + 1))
    c1, c4 = 1.0, x[0] - z
    c[0, 0] = 1.0
    for i in range(1, n):
        mn = min(i, m)
        c2, c5 = 1.0, c4
        c4 = x[i] - z
        for j in range(i):
            c3 = x[i] - x[j]
            c2 *= c3
            if j == i - 1:
                for k in range(mn, 0, -1):
                    c[i, k] = c1 * (k * c[i - 1, k - 1] - c5 * c[i - 1, k]) / c2
                c[i, 0] = -c1 * c5 * c[i - 1, 0] / c2
            for k in range(mn, 0, -1):
                c[j, k] = (c4 * c[j, k] - k * c[j, k - 1]) / c3
            c[j, 0] = c4 * c[j, 0] / c3
        c1 = c2
    return c


def stencils(n, periodic=0, cuts=(), width=7):
    """Stencil tables of one grid direction with ``n`` points.

    Parameters
    ----------
    n : int
    periodic : {0, 1, 2}
        0: open line; 1: closed, point ``n-1`` duplicates point 0; 2: closed,
        point ``n-1`` is followed by point 0.
    cuts : sequence of int
        Crease indices (not differenced across).

    Returns
    -------
    idx : (n, width) int64, w1, w2 : (n, width) float64
        ``f'(i) ~ sum_k w1[i, k] f[idx[i, k]]`` and the same for ``f''``.
    """
    idx = np.zeros((n, width), dtype=np.int64)
    w1 = np.zeros((n, width))
    w2 = np.zeros((n, width))
    if periodic:
        m = n - 1 if periodic == 1 else n
        if m < 5:
            raise MeshError(f"a closed grid line needs at least 5 distinct points, got {m}")
        c = fd_weights(0.0, np.arange(-2.0, 3.0), 2)
        for i in range(n):
            idx[i, :5] = (i + np.arange(-2, 3)) % m
            w1[i, :5], w2[i, :5] = c[:, 1], c[:, 2]
            idx[i, 5:] = i % m
        return idx, w1, w2
    bounds = sorted({0, n - 1, *[int(c) for c in cuts if 0 < c < n - 1]})
    cache = {}
    for a, b in zip(bounds[:-1], bounds[1:]):
        length = b - a + 1
        if length < 3:
            raise MeshError(
                f"a grid line piece between indices {a} and {b} has {length} points; "
                "at least 3 are needed for second derivatives"
            )
        start = a if a == 0 else a + 1  # the crease point keeps the lower piece's values
        for i in range(start, b + 1):
            if length >= width:
                if i - 2 >= a and i + 2 <= b:
                    nodes = np.arange(i - 2, i + 3)
                else:  # one-sided, one order higher than needed: boundary error below interior
                    lo = a if i - a < b - i else b - width + 1
                    nodes = np.arange(lo, lo + width)
            else:
                lo = min(max(i - 1, a), b - 2)
                nodes = np.arange(lo, lo + 3)
            key = tuple(nodes - i)
            if key not in cache:
                cache[key] = fd_weights(0.0, np.array(key, dtype=float), 2)
            c = cache[key]
            k = len(nodes)
            idx[i, :k] = nodes
            idx[i, k:] = i
            w1[i, :k], w2[i, :k] = c[:, 1], c[:, 2]
    return idx, w1, w2


def _turning(X, axis):
    """Turning angles (degrees) at interior points along ``axis``, shape of X minus 2."""
    e = np.diff(X, axis=axis)
    a = np.take(e, np.arange(e.shape[axis] - 1), axis=axis)
    b = np.take(e, np.arange(1, e.shape[axis]), axis=axis)
    cos = (a * b).sum(-1) / np.maximum(np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1),
                                       1e-300)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def line_topology(X, axis):
    """``(periodic, cuts)`` of grid direction ``axis`` (0 for i, 1 for j) of ``X: (ni, nj, 3)``.

    See :func:`stencils` for the meaning of ``periodic``.  ``cuts`` are the
    interior crease indices, where at least half of the grid lines turn by more
    than ``CREASE_DEG`` degrees and by more than three times the neighbouring angles
    (an under-resolved smooth leading edge turns sharply too, but so do its neighbours).
    """
    Y = np.moveaxis(X, axis, 0)  # (n, m, 3)
    n = Y.shape[0]
    Ys = Y
    if Y.shape[1] > 64:  # creases run across the grid: 64 lines tell as well as all
        Ys = Y[:, np.unique(np.linspace(0, Y.shape[1] - 1, 64).round().astype(int))]
    scale = float(np.ptp(Ys.reshape(-1, 3), axis=0).max()) or 1.0  # the lines span the grid
    cuts = []
    if n >= 3:
        ang = _turning(Ys, 0)  # (n-2, m)
        pad = np.pad(ang, ((1, 1), (0, 0)), constant_values=0.0)
        neigh = np.maximum(pad[:-2], pad[2:])
        crease = (ang > CREASE_DEG) & (ang > 3.0 * neigh)
        cuts = [int(i) + 1 for i in np.flatnonzero(crease.mean(axis=1) >= 0.5)]
    periodic = 0
    if n >= 6:
        step0 = np.linalg.norm(Y[1] - Y[0], axis=-1)
        step1 = np.linalg.norm(Y[-1] - Y[-2], axis=-1)
        gap = np.linalg.norm(Y[-1] - Y[0], axis=-1)
        if np.all(gap <= 1e-9 * scale):
            t0, t1 = Y[1] - Y[0], Y[-1] - Y[-2]
            if _smooth_seam(t0, t1, step0, step1):
                periodic = 1
        elif np.all((gap > 0.5 * step0) & (gap < 2.0 * step0) & (gap > 0.5 * step1)
                    & (gap < 2.0 * step1)):
            seam = Y[0] - Y[-1]
            if _smooth_seam(seam, Y[1] - Y[0], gap, step0) and _smooth_seam(
                Y[-1] - Y[-2], seam, step1, gap
            ):
                periodic = 2
    return periodic, cuts


def _smooth_seam(t_before, t_after, h_before, h_after):
    cos = (t_before * t_after).sum(-1) / np.maximum(h_before * h_after, 1e-300)
    ratio = h_after / np.maximum(h_before, 1e-300)
    return bool(np.all(cos > np.cos(np.radians(CREASE_DEG))) and np.all((ratio > 0.6)
                                                                         & (ratio < 1.7)))
