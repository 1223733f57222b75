r"""Finite differences and quadrature on rectilinear 3-D grids (numba).

A grid is three 1-D coordinate arrays (an axis of one point is a direction in
which the field does not vary: a 2-D grid is ``(nx, ny, 1)``).  Fields are
arrays ``F[i, j, k, c]`` (point-major, components last).

* :func:`axis_stencil` -- first-derivative stencils of one axis: 4th-order
  central (5 points) inside, one-sided on 7 points at the ends (the node
  choice of :func:`geomkit.mesh.grid.stencils`), periodic wrap-around when
  asked; weights from the actual coordinates (Fornberg), so uneven spacing is
  allowed on open axes;
* :func:`gradient` -- ``dF[i, j, k, c, d]`` :math:`=\partial_d F_c`;
* :func:`generated_driver` -- a lowered kernel fused with the differencing:
  values and derivatives are formed per point and passed straight to the
  kernel's ``point`` function, so no derivative array is ever stored (memory:
  inputs + outputs);
* :func:`quad_weights` -- 1-D weights of a 4th-order rule (composite Simpson,
  a 3/8 panel for an odd number of intervals) on even spacing, trapezoid otherwise.
"""

import os

import numba as nb
import numpy as np

from ..errors import MeshError
from ..mesh.grid import fd_weights, stencils

__all__ = ["axis_stencil", "gradient", "generated_driver", "quad_weights", "first_nonfinite"]

DRIVER_VERSION = "5"


def axis_stencil(x, periodic=False):
    r"""Stencil table of one axis with coordinates ``x`` (increasing, 1-D).

    Returns ``idx: (n, 7) int64``, ``w: (n, 7) float64``, ``nw: (n,) int64``:
    :math:`f'(x_i)\approx\sum_{m<nw_i}w_{im}f_{idx_{im}}`.  A one-point axis gets
    ``nw = 0`` (derivative zero).  ``periodic``: point ``n-1`` is followed by point
    0 at the same spacing (the period is ``n h``; do not repeat the first point).

    >>> idx, w, nw = axis_stencil(np.linspace(0, 1, 11))
    >>> int(nw[0]), int(nw[5]), np.round(w[5, :5] * 0.1 * 12).tolist()
    (7, 5, [1.0, -8.0, 0.0, 8.0, -1.0])
    """
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    idx = np.zeros((n, 7), dtype=np.int64)
    w = np.zeros((n, 7))
    nw = np.zeros(n, dtype=np.int64)
    if n == 1:
        return idx, w, nw
    h = np.diff(x)
    if not np.all(h > 0):
        k = int(np.argmax(~(h > 0)))
        raise MeshError(f"grid coordinates must increase strictly; they do not at index {k}")
    if periodic:
        if np.ptp(h) > 1e-9 * abs(h.mean()):
            raise MeshError("a periodic axis needs even spacing")
        idx[:], w1, _ = stencils(n, 2)
        w[:] = w1 / h.mean()
        nw[:] = 5
        return idx, w, nw
    if n < 3:
        raise MeshError(f"an open grid axis needs 1 or at least 3 points, got {n}")
    sidx = stencils(n, 0)[0]
    for i in range(n):
        m = 3 if n < 7 else (5 if 2 <= i <= n - 3 else 7)  # the nodes stencils() chose
        nodes = sidx[i, :m]
        idx[i, :m] = nodes
        w[i, :m] = fd_weights(x[i], x[nodes], 1)[:, 1]
        nw[i] = m
    return idx, w, nw


@nb.njit(parallel=True, cache=True)
def _gradient(F, ix, wx, nx_, iy, wy, ny_, iz, wz, nz_, D):
    NX, NY, NZ, C = F.shape
    for i in nb.prange(NX):
        for j in range(NY):
            for k in range(NZ):
                for c in range(C):
                    s = 0.0
                    for m in range(nx_[i]):
                        s += wx[i, m] * F[ix[i, m], j, k, c]
                    D[i, j, k, c, 0] = s
                    s = 0.0
                    for m in range(ny_[j]):
                        s += wy[j, m] * F[i, iy[j, m], k, c]
                    D[i, j, k, c, 1] = s
                    s = 0.0
                    for m in range(nz_[k]):
                        s += wz[k, m] * F[i, j, iz[k, m], c]
                    D[i, j, k, c, 2] = s


def gradient(F, tables):
    """``dF[i, j, k, c, d]`` of ``F: (nx, ny, nz, C)`` with the three
    :func:`axis_stencil` tables ``tables``."""
    F = np.ascontiguousarray(F, dtype=np.float64)
    D = np.empty(F.shape + (3,))
    _gradient(F, *tables[0], *tables[1], *tables[2], D)
    return D


@nb.njit(cache=True)
def _below(O, q, tol, signed):
    flat = O.reshape((-1, O.shape[-1]))
    first, count = -1, 0
    for p in range(flat.shape[0]):
        v = flat[p, q]
        if not ((v if signed else abs(v)) > tol):
            count += 1
            if first < 0:
                first = p
    return first, count


def below(O, q, tol, signed=False):
    """``(first flat index, count)`` of points where ``O[..., q]`` (``|O[..., q]|``
    unless ``signed``) is not above ``tol`` (NaN included); ``(-1, 0)`` if none."""
    first, count = _below(np.ascontiguousarray(O), int(q), float(tol), bool(signed))
    return int(first), int(count)


@nb.njit(cache=True)
def _first_nonfinite(a):
    for i in range(a.size):
        if not np.isfinite(a[i]):
            return i
    return -1


def first_nonfinite(a):
    """Flat index of the first NaN/inf of ``a`` (C order), or -1."""
    a = np.ascontiguousarray(a)
    return int(_first_nonfinite(a.reshape(-1)))


def quad_weights(x):
    """1-D quadrature weights on the nodes ``x`` (see the module doc).

    >>> x = np.linspace(0.0, 1.0, 8)             # 7 intervals: Simpson + one 3/8 panel
    >>> round(float(quad_weights(x) @ x**3), 14)
    0.25
    """
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    if n < 2:
        return np.zeros(n)
    h = np.diff(x)
    if n < 4 or np.ptp(h) > 1e-9 * abs(h.mean()):
        w = np.zeros(n)
        w[:-1] += h / 2
        w[1:] += h / 2
        return w
    h = h.mean()
    w = np.zeros(n)
    m = n - 1 if (n - 1) % 2 == 0 else n - 4  # last node of the Simpson part
    w[0:m + 1:2] += 2.0
    w[1:m:2] += 4.0
    w[0] -= 1.0
    w[m] -= 1.0
    w *= h / 3
    if m < n - 1:
        w[m:] += 3 * h / 8 * np.array([1.0, 3.0, 3.0, 1.0])
    return w


# -- fused drivers ------------------------------------------------------------------
def _driver_source(k, layout, ncomp):
    # only the values and derivatives the formula reads (the Nye tensor needs no
    # diagonal derivative d_mu E^a_mu): one unrolled stencil sum per input
    body = []
    names = []
    tab = {0: ("wx", "ix", "nx_", "i", "F[ix[i, m], j, k, {c}]"),
           1: ("wy", "iy", "ny_", "j", "F[i, iy[j, m], k, {c}]"),
           2: ("wz", "iz", "nz_", "k", "F[i, j, iz[k, m], {c}]")}
    for c, d in layout:
        if d < 0:
            names.append(f"v{c}")
            body.append(f"v{c} = F[i, j, k, {c}] + shift[{c}]")
            continue
        w, _, nw, at, load = tab[d]
        v = f"d{c}{'xyz'[d]}"
        names.append(v)
        body += [f"{v} = 0.0", f"for m in range({nw}[{at}]):",
                 f"    {v} += {w}[{at}, m] * {load.format(c=c)}"]
    nout = len(k.outputs)
    lines = [
        "",
        "",
        "# -- grid driver (geomkit.defects.grid) -------------------------------------",
        "import numba as _nb",
        "",
        "",
        "@_nb.njit(parallel=True, cache=True, error_model='numpy', fastmath=True)",
        "def grid_apply(F, shift, ix, wx, nx_, iy, wy, ny_, iz, wz, nz_, O):",
        '    """Values (F + shift) and derivatives of F[i, j, k, c] fed to point()."""',
        "    NX, NY, NZ = F.shape[0], F.shape[1], F.shape[2]",
        "    for i in _nb.prange(NX):",
        "        for j in range(NY):",
        "            for k in range(NZ):",
        *("                " + b for b in body),
        f"                r = point({', '.join(names)})",
        *(f"                O[i, j, k, {q}] = r[{q}]" for q in range(nout)),
        "",
    ]
    return "\n".join(lines)


_DRIVERS = {}


def generated_driver(k, layout, ncomp):
    """Module holding ``k``'s generated source plus a fused ``grid_apply`` driver
    (written next to the kernel in the on-disk cache; ``module.__file__`` is it)."""
    from ..codegen import cache

    key = (k.key, DRIVER_VERSION)
    mod = _DRIVERS.get(key)
    if mod is None:
        tag = cache.source_key([k.key, DRIVER_VERSION, repr(layout), str(ncomp)])[:12]
        stem = os.path.splitext(os.path.basename(k.path))[0] + f"_grid_{tag}"
        path = os.path.join(os.path.dirname(k.path), stem + ".py")
        if not os.path.exists(path):
            cache.write_atomic(path, k.source + _driver_source(k, layout, ncomp), exclusive=True)
        mod = _DRIVERS[key] = cache.import_source(path, f"_geomkit_kernel_{stem}")
    return mod


def apply(k, layout, F, tables, shift=None):
    """Run kernel ``k`` on the grid field ``F: (nx, ny, nz, C)`` (values ``F + shift``,
    derivatives of ``F``): returns ``O: (nx, ny, nz, len(k.outputs))``."""
    F = np.ascontiguousarray(F, dtype=np.float64)
    mod = generated_driver(k, layout, F.shape[3])
    O = np.empty(F.shape[:3] + (len(k.outputs),))
    shift = np.zeros(F.shape[3]) if shift is None else np.asarray(shift, dtype=np.float64)
    mod.grid_apply(F, shift, *tables[0], *tables[1], *tables[2], O)
    return O
