r"""Differential geometry of structured (i, j) surface grids by finite differences.

The chart is the grid itself: ``u = i``, ``v = j`` (unit spacing), so ``g_ij``
has units of length^2 per index^2 and ``Gamma^k_ij`` are those of the index
chart -- the chart a CFD surface grid provides (``docs/conventions.md``).  Invariants
(``K``, ``H``, ``k1``, ``k2``, directions, normal) do not depend on it.

Derivatives ``X_u, X_v, X_uu, X_uv, X_vv``:

* 4th-order central differences inside; near the ends of a grid line
  one-sided stencils on seven points (one order more than needed, so the
  error at a patch edge stays at the interior's level); 2nd order on lines
  with fewer than seven points (at least three are needed);
* a *periodic* direction is found from the grid: the two ends of every line
  coincide (or are one ordinary step apart) and the line turns smoothly and
  with even spacing across the seam (a wrapped airfoil section with a round
  trailing edge);
* a *crease* (sharp trailing edge, or ends that meet at an angle) is never
  differenced across: the line is cut there and each side gets one-sided
  stencils; the point on the crease takes the values of the side with the
  lower index.

The formulas (metric, its derivatives, Christoffel symbols, second fundamental
form, K, H, R_1212, normal, area element) are evaluated by the kernel lowered
from :mod:`geomkit.mesh.formulas`.
"""

import numba as nb
import numpy as np

from .grid import fd_weights, line_topology, stencils  # noqa: F401  (re-exported)
from .pointwise import (  # noqa: F401  (re-exported: the pointwise formulas' home)
    _principal,
    _sym2,
    jet_features,
    principal,
    principal_point,
    shape_tensor,
)

__all__ = [
    "fd_weights",
    "stencils",
    "line_topology",
    "grid_jet",
    "structured_features",
    "principal",
]

@nb.njit(parallel=True, cache=True)
def _jet_kernel(Xt, iu, wu1, wu2, iv, wv1, wv2, J):
    nj, ni = Xt.shape[0], Xt.shape[1]
    W = iu.shape[1]
    for j in nb.prange(nj):
        for i in range(ni):
            for c in range(3):
                a1 = 0.0
                a2 = 0.0
                for k in range(W):
                    x = Xt[j, iu[i, k], c]
                    a1 += wu1[i, k] * x
                    a2 += wu2[i, k] * x
                b1 = 0.0
                b2 = 0.0
                for k in range(W):
                    x = Xt[iv[j, k], i, c]
                    b1 += wv1[j, k] * x
                    b2 += wv2[j, k] * x
                m = 0.0
                for l in range(W):
                    w = wv1[j, l]
                    if w != 0.0:
                        jj = iv[j, l]
                        s = 0.0
                        for k in range(W):
                            s += wu1[i, k] * Xt[jj, iu[i, k], c]
                        m += w * s
                J[c, j, i] = a1
                J[3 + c, j, i] = b1
                J[6 + c, j, i] = a2
                J[9 + c, j, i] = m
                J[12 + c, j, i] = b2


def grid_jet(X, topology=None, out=None):
    """Derivatives of one block ``X: (ni, nj, 3)`` in the index chart.

    Returns ``J: (15, ni * nj)`` float64, rows in the order of
    :data:`geomkit.mesh.formulas.JET_INPUTS` (``X_u``, ``X_v``, ``X_uu``,
    ``X_uv``, ``X_vv``; x, y, z each), points ``i`` fastest.  ``topology`` is
    ``((periodic_i, cuts_i), (periodic_j, cuts_j))``; found by
    :func:`line_topology` when None.  ``out``: a (15, ni * nj) array (e.g. the
    columns of one block in a jet of several) to write into.
    """
    X = np.asarray(X, dtype=np.float64)
    ni, nj = X.shape[:2]
    if topology is None:
        topology = (line_topology(X, 0), line_topology(X, 1))
    (pi, ci), (pj, cj) = topology
    iu, wu1, wu2 = stencils(ni, pi, ci)
    iv, wv1, wv2 = stencils(nj, pj, cj)
    Xt = np.ascontiguousarray(X.transpose(1, 0, 2))
    if out is not None:
        J = out.reshape(15, nj, ni)
        if np.shares_memory(J, out):
            _jet_kernel(Xt, iu, wu1, wu2, iv, wv1, wv2, J)
            return out
    J = np.empty((15, nj, ni))
    _jet_kernel(Xt, iu, wu1, wu2, iv, wv1, wv2, J)
    if out is not None:
        out[...] = J.reshape(15, ni * nj)
        return out
    return J.reshape(15, ni * nj)


def structured_features(surface, names):
    """Features of a :class:`~geomkit.mesh.surface.StructuredSurface`, blocks concatenated
    (seams, orientation and singular points: :mod:`geomkit.mesh.seams`)."""
    from .seams import multiblock_features

    where = f"{surface.source}: " if surface.source else ""
    return multiblock_features(surface, names, where)
