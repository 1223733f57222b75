r"""Pointwise surface formulas shared by grids and triangle meshes.

Everything here works point by point on arrays of one row per point, whatever
produced them (finite differences on a grid, a jet fit on a triangle mesh):

* :func:`jet_features` -- all features from a 2-jet ``X_u, X_v, X_uu, X_uv,
  X_vv`` (the lowered kernel of :mod:`geomkit.mesh.formulas`, then principal
  curvatures and the chart arrays);
* :func:`principal` / :func:`principal_point` -- principal curvatures and
  directions from the fundamental forms;
* :func:`shape_tensor` -- the shape operator as an ambient 3x3 tensor.

``geomkit.mesh.structured`` re-exports them under their old names.
"""

import numba as nb
import numpy as np

from ..errors import MeshError

__all__ = ["jet_features", "principal", "principal_point", "shape_tensor"]


@nb.njit(cache=True, inline="always")
def principal_point(E, F, G, L, M, N, ux, uy, uz, vx, vy, vz, nx, ny, nz):
    """k1, k2 and d1 (3 numbers) at one point; see :func:`principal`."""
    D = E * G - F * F
    s11 = (G * L - F * M) / D  # S = g^-1 b
    s12 = (G * M - F * N) / D
    s21 = (E * M - F * L) / D
    s22 = (E * N - F * M) / D
    H = 0.5 * (s11 + s22)
    K = s11 * s22 - s12 * s21
    disc = H * H - K
    r = np.sqrt(disc) if disc > 0.0 else 0.0
    k1 = H + r
    k2 = H - r
    # eigenvector of S for k1: two candidates, keep the longer one in space
    a0, a1 = s12, k1 - s11
    b0, b1 = k1 - s22, s21
    ax, ay, az = a0 * ux + a1 * vx, a0 * uy + a1 * vy, a0 * uz + a1 * vz
    bx, by, bz = b0 * ux + b1 * vx, b0 * uy + b1 * vy, b0 * uz + b1 * vz
    na = np.sqrt(ax * ax + ay * ay + az * az)
    nb_ = np.sqrt(bx * bx + by * by + bz * bz)
    if max(na, nb_) <= 1e-8 * (abs(k1) + abs(k2) + 1e-300) * np.sqrt(E + G):
        ax, ay, az = ux, uy, uz  # umbilic: any tangent direction
    elif nb_ > na:
        ax, ay, az = bx, by, bz
    t = ax * nx + ay * ny + az * nz
    ax -= t * nx
    ay -= t * ny
    az -= t * nz
    na = np.sqrt(ax * ax + ay * ay + az * az)
    return k1, k2, ax / na, ay / na, az / na


@nb.njit(parallel=True, cache=True)
def _principal_kernel(E, F, G, L, M, N, J, nx_, ny_, nz_, k1, k2, d1, d2):
    # J: (15, n) jet, rows 0..2 = X_u, 3..5 = X_v
    for p in nb.prange(E.shape[0]):
        nx, ny, nz = nx_[p], ny_[p], nz_[p]
        a, b, x, y, z = principal_point(
            E[p], F[p], G[p], L[p], M[p], N[p], J[0, p], J[1, p], J[2, p],
            J[3, p], J[4, p], J[5, p], nx, ny, nz,
        )
        k1[p] = a
        k2[p] = b
        d1[p, 0] = x
        d1[p, 1] = y
        d1[p, 2] = z
        d2[p, 0] = ny * z - nz * y
        d2[p, 1] = nz * x - nx * z
        d2[p, 2] = nx * y - ny * x

def principal(E, F, G, L, M, N, Xu, Xv, normal):
    """Principal curvatures and directions from the fundamental forms.

    Inputs are (n,) arrays ``E, F, G`` (metric), ``L, M, N`` (second form,
    ``b_ij = X_ij . normal``), (n, 3) ``Xu, Xv, normal``.  Returns ``k1 >= k2``
    (n,) -- the eigenvalues of ``S = g^-1 b`` -- and unit directions ``d1, d2``
    (n, 3): ``d1`` is the eigenvector of ``S`` for ``k1`` pushed forward by
    ``dX``, ``d2 = normal x d1`` (so ``(d1, d2, normal)`` is right-handed; the
    sign of ``d1`` is arbitrary).  At umbilics ``d1`` is along ``X_u``.
    """
    J = np.zeros((15, len(E)))
    J[0:3] = np.asarray(Xu).T
    J[3:6] = np.asarray(Xv).T
    nrm = np.asarray(normal)
    return _principal(E, F, G, L, M, N, J, nrm[:, 0], nrm[:, 1], nrm[:, 2])


def _principal(E, F, G, L, M, N, J, nx, ny, nz):
    """:func:`principal` on a jet ``J: (15, n)`` and normal components (n,)."""
    n = len(E)
    k1, k2 = np.empty(n), np.empty(n)
    d1, d2 = np.empty((n, 3)), np.empty((n, 3))
    f = np.ascontiguousarray
    _principal_kernel(f(E), f(F), f(G), f(L), f(M), f(N), f(J), f(nx), f(ny), f(nz),
                      k1, k2, d1, d2)
    return k1, k2, d1, d2


def jet_features(J, names, where="", labels=None):
    """All features from a 2-jet ``J: (15, n)`` (see :func:`grid_jet`).

    Returns a dict name -> float64 array; see :func:`geomkit.mesh.features` for
    names and shapes.  Raises :class:`geomkit.MeshError` when the chart is
    singular at a point (``X_u x X_v = 0``), naming the point via ``labels``.
    """
    from .formulas import JET_INPUTS, surface_kernel

    n = J.shape[1]
    r = surface_kernel()(**{k: J[a] for a, k in enumerate(JET_INPUTS)})
    dA = r["dA"]
    scale = np.sqrt(r["E"] * r["G"])
    bad = ~(np.isfinite(dA) & (dA > 1e-12 * scale))
    if bad.any():
        p = int(np.flatnonzero(bad)[0])
        lab = labels(p) if labels else f"point {p}"
        raise MeshError(
            f"{where}the chart is singular at {lab} (X_u x X_v = 0: collapsed or folded grid); "
            f"{int(bad.sum())} such points"
        )
    out = {}
    if "normal" in names:
        out["normal"] = np.column_stack([r["nx"], r["ny"], r["nz"]])
    for k in ("K", "H", "R1212", "dA"):
        if k in names:
            out[k] = r[k]
    if "g" in names:
        out["g"] = _sym2(r["E"], r["F"], r["G"])
    if "b" in names:
        out["b"] = _sym2(r["L"], r["M"], r["N"])
    if "dg" in names:
        dg = np.empty((n, 2, 2, 2))
        _sym2(r["E_u"], r["F_u"], r["G_u"], dg[:, 0])
        _sym2(r["E_v"], r["F_v"], r["G_v"], dg[:, 1])
        out["dg"] = dg
    if "Gamma" in names:
        Gm = np.empty((n, 2, 2, 2))
        _sym2(r["Gamma1_11"], r["Gamma1_12"], r["Gamma1_22"], Gm[:, 0])
        _sym2(r["Gamma2_11"], r["Gamma2_12"], r["Gamma2_22"], Gm[:, 1])
        out["Gamma"] = Gm
    if {"k1", "k2", "d1", "d2", "S"} & set(names):
        k1, k2, d1, d2 = _principal(r["E"], r["F"], r["G"], r["L"], r["M"], r["N"], J,
                                    r["nx"], r["ny"], r["nz"])
        for k, v in (("k1", k1), ("k2", k2), ("d1", d1), ("d2", d2)):
            if k in names:
                out[k] = v
        if "S" in names:
            out["S"] = shape_tensor(k1, k2, d1, d2)
    return out


def shape_tensor(k1, k2, d1, d2):
    """Shape operator as an ambient tensor ``k1 d1 d1^T + k2 d2 d2^T``, (n, 3, 3)."""
    f = np.ascontiguousarray
    out = np.empty((len(k1), 3, 3))
    _shape_kernel(f(k1, dtype=np.float64), f(k2, dtype=np.float64), f(d1, dtype=np.float64),
                  f(d2, dtype=np.float64), out)
    return out


@nb.njit(cache=True)  # memory-bound: threads would only wait
def _shape_kernel(k1, k2, d1, d2, out):
    for p in range(k1.shape[0]):
        for a in range(3):
            for b in range(3):
                out[p, a, b] = k1[p] * d1[p, a] * d1[p, b] + k2[p] * d2[p, a] * d2[p, b]


@nb.njit(cache=True)  # memory-bound: threads would only wait
def _sym2_kernel(a, b, c, out):
    for p in range(a.shape[0]):
        out[p, 0, 0] = a[p]
        out[p, 0, 1] = b[p]
        out[p, 1, 0] = b[p]
        out[p, 1, 1] = c[p]


def _sym2(a, b, c, out=None):
    """Symmetric 2x2 components ``[[a, b], [b, c]]`` per point, (n, 2, 2)."""
    if out is None:
        out = np.empty((len(a), 2, 2))
    f = np.ascontiguousarray
    _sym2_kernel(f(a, dtype=np.float64), f(b, dtype=np.float64), f(c, dtype=np.float64), out)
    return out
