r"""Features of one huge structured grid in bounded memory.

A single-block binary Plot3D surface grid ``X: (ni, nj, 3)`` is processed in
slabs of grid lines ``j0 <= j < j1`` (``j1 - j0 = max(1, chunk_points // ni)``).
Each slab is read from the file with a **halo** of ``h = 6`` lines on each side
-- the reach of the widest finite-difference stencil of
:func:`geomkit.mesh.structured.grid_jet` (the 7-point one-sided stencils next
to a grid end or a crease; 4th-order central stencils reach 2) -- its 2-jet
and features are computed, the halo is dropped, and the rows are appended to
the output.  With this halo every kept point gets exactly the stencil it gets
in the whole grid, so the result is the in-memory one, bit for bit (the
topology of the grid lines -- periodic ``i`` of a wrapped section, crease of
a sharp trailing edge, periodic ``j`` -- is found once, on a sample of grid
lines, and given to every slab).

**Memory bound.**  Nothing of size ``ni * nj`` is held: the input is read
slab by slab (no memory map, so its pages do not count in the resident set)
and each output array is appended to its own temporary file, then streamed
into the ``.npz`` (stored, zip64).  The peak resident memory is

    ``M0 + c * (j1 - j0 + 2 h) * ni``  bytes,

with ``M0`` the interpreter with numpy/numba and the compiled kernels
(~250 MB) and ``c`` the bytes per point of a slab (its coordinates, its
15-row jet, the kernel's intermediate rows, the feature rows): measured by
``benchmarks/bench_batch.py`` at 340-500 B for ``K, H, k1, k2, normal``
(330 MB peak for a 10^7-point grid in chunks of 250 000 points, where the
in-memory path needs ~440 B per point of the whole grid, ~4.6 GB); more
features, more rows.  Disk: the output twice, briefly.
"""

import io
import json
import os
import tempfile
import types
import zipfile

import numpy as np

from .._io import atomic_path, check_output_folder
from ..errors import MeshError

__all__ = ["HALO", "Plot3DLayout", "plot3d_layout", "read_rows", "chunked_features"]

#: grid lines of halo on each side of a slab: reach of the 7-point one-sided stencils
HALO = 6


class Plot3DLayout(types.SimpleNamespace):
    """Where the coordinates of a single-block binary Plot3D surface grid are:
    ``ni, nj`` (``i`` fastest), ``dtype`` (float), ``offsets`` (byte offset of
    the x, y, z arrays), ``n_points``."""


def _ints(f, pos, dtype, count):
    f.seek(pos)
    b = f.read(dtype.itemsize * count)
    if len(b) != dtype.itemsize * count:
        return None
    return np.frombuffer(b, dtype, count)


def _surface_dims(d):
    d = [int(x) for x in d]
    if any(x < 1 for x in d):
        return None
    if len(d) == 3:
        ones = [k for k in range(3) if d[k] == 1]
        if not ones:
            return None
        d = [d[k] for k in range(3) if k != ones[0]]
    return d


def plot3d_layout(path):
    """The :class:`Plot3DLayout` of ``path`` when it is a single-block binary Plot3D
    surface grid (Fortran records with 4-byte markers, or a raw stream; either
    byte order; 32- or 64-bit floats; optional block count of 1; 2 or 3
    dimensions; optional iblank), else None (other files are read whole)."""
    path = os.fspath(path)
    if os.path.splitext(path)[1].lower() not in (".xyz", ".p3d", ".x", ".g"):
        return None
    try:
        size = os.path.getsize(path)
        f = open(path, "rb")
    except OSError:
        return None
    with f:
        head = f.read(64)
        if len(head) < 16 or b"\0" not in head:
            return None  # ASCII
        for e in "<>":
            lay = _fortran_layout(f, size, e) or _raw_layout(f, size, e)
            if lay is not None:
                return lay
    return None


def _finish(ni, nj, fsize, e, offsets):
    return Plot3DLayout(ni=ni, nj=nj, dtype=np.dtype(f"{e}f{fsize}"), offsets=offsets,
                        n_points=ni * nj)


def _fortran_layout(f, size, e):
    m = np.dtype(f"{e}i4")
    pos = 0
    first = _ints(f, 0, m, 1)
    if first is None:
        return None
    ln = int(first[0])
    if ln == 4:  # a block count record
        nb = _ints(f, 4, m, 1)
        if nb is None or int(nb[0]) != 1 or _ints(f, 8, m, 1) is None:
            return None
        pos = 12
    head = _ints(f, pos, m, 1)
    if head is None or int(head[0]) not in (8, 12):
        return None
    ndim = int(head[0]) // 4
    d = _ints(f, pos + 4, m, ndim)
    tail = _ints(f, pos + 4 + 4 * ndim, m, 1)
    if d is None or tail is None or int(tail[0]) != 4 * ndim:
        return None
    dims = _surface_dims(d)
    if dims is None:
        return None
    n = dims[0] * dims[1]
    pos += 8 + 4 * ndim
    for fsize in (8, 4):
        for iblank in (0, 4 * n):
            one = 3 * n * fsize + iblank
            if pos + 8 + one == size:  # one record: x, y, z [, iblank]
                r = _ints(f, pos, m, 1)
                if r is not None and int(r[0]) == one:
                    start = pos + 4
                    return _finish(*dims, fsize, e,
                                   [start + c * n * fsize for c in range(3)])
        if pos + 3 * (8 + n * fsize) == size:  # one record per coordinate
            step = 8 + n * fsize
            return _finish(*dims, fsize, e, [pos + 4 + c * step for c in range(3)])
    return None


def _raw_layout(f, size, e):
    it = np.dtype(f"{e}i4")
    for multi in (True, False):
        pos = 4 if multi else 0
        if multi:
            nb = _ints(f, 0, it, 1)
            if nb is None or int(nb[0]) != 1:
                continue
        for ndim in (3, 2):
            d = _ints(f, pos, it, ndim)
            if d is None or (d > 10**9).any():
                continue
            dims = _surface_dims(d)
            if dims is None:
                continue
            n = dims[0] * dims[1]
            start = pos + 4 * ndim
            for fsize in (8, 4):
                for iblank in (0, 4 * n):
                    if start + 3 * n * fsize + iblank == size:
                        return _finish(*dims, fsize, e,
                                       [start + c * n * fsize for c in range(3)])
    return None


def read_rows(path, layout, rows):
    """Grid lines ``X[:, rows]`` of the file, shape (ni, len(rows), 3) float64.
    ``rows`` is an increasing-by-one run (one read per coordinate) or any
    index array (one read per run of consecutive rows)."""
    rows = np.asarray(rows, dtype=np.int64)
    ni, fs = layout.ni, layout.dtype.itemsize
    out = np.empty((len(rows), ni, 3))
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    with open(path, "rb") as f:
        for run in np.split(np.arange(len(rows)), breaks):
            if not len(run):
                continue
            j0, cnt = int(rows[run[0]]), len(run)
            for c in range(3):
                f.seek(layout.offsets[c] + j0 * ni * fs)
                a = np.fromfile(f, layout.dtype, cnt * ni)
                if a.size != cnt * ni:
                    raise MeshError(f"{path}: the file ends inside grid line {j0 + cnt}")
                out[run, :, c] = a.reshape(cnt, ni)
    return out.transpose(1, 0, 2)


def _topology(path, layout, chunk_points):
    """Line topology of both directions, from a sample of grid lines."""
    from ..mesh.grid import line_topology

    ni, nj = layout.ni, layout.nj
    n_j = int(min(nj, max(16, chunk_points // max(ni, 1))))
    js = np.unique(np.linspace(0, nj - 1, n_j).round().astype(np.int64))
    ti = line_topology(read_rows(path, layout, js), 0)
    n_i = int(min(ni, max(16, chunk_points // max(nj, 1))))
    is_ = np.unique(np.linspace(0, ni - 1, n_i).round().astype(np.int64))
    step = max(1, chunk_points // max(ni, 1))
    cols = [read_rows(path, layout, np.arange(j, min(nj, j + step)))[is_]
            for j in range(0, nj, step)]
    tj = line_topology(np.concatenate(cols, axis=1), 1)
    return ti, tj


def _temp(out, tag):
    d, name = os.path.split(os.path.abspath(out))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-", suffix=f"-{tag}-{name}")
    os.close(fd)
    return tmp


def chunked_features(path, output, names=None, chunk_points=1_000_000, layout=None,
                     compress=False):
    """Features of a single-block binary Plot3D grid, computed slab by slab, written
    to ``output`` (``.npz``, the layout of :func:`geomkit.mesh.write`; ``compress``
    deflates its members, as for :func:`geomkit.mesh.write`).

    ``names`` as for :func:`geomkit.mesh.features`.  Returns the summary dict of
    :func:`geomkit.mesh.process_file` (plus ``chunks``).  Raises
    :class:`geomkit.MeshError` when the file is not such a grid, when the
    output is the input, or where a feature is not finite (naming the point).
    """
    import time

    from ..mesh.extract import _names
    from ..mesh.io import _CONVENTIONS
    from ..mesh.structured import grid_jet, jet_features

    t0 = time.perf_counter()
    path, output = os.fspath(path), os.fspath(output)
    layout = layout or plot3d_layout(path)
    if layout is None:
        raise MeshError(f"{path}: not a single-block binary Plot3D surface grid")
    if os.path.exists(output) and os.path.samefile(path, output):
        raise MeshError(f"{output}: refusing to overwrite the input file")
    check_output_folder(output)
    names = _names(names, types.SimpleNamespace(has_chart=True, source=path))
    ni, nj = layout.ni, layout.nj
    if ni < 3 or nj < 3:
        raise MeshError(f"{path}: a {ni} x {nj} grid is too small (at least 3 x 3)")
    chunk_points = max(int(chunk_points), 1)
    (pi, ci), (pj, cj) = _topology(path, layout, chunk_points)
    rows = max(1, chunk_points // ni)
    m = (nj - 1 if pj == 1 else nj) if pj else nj
    tmps = {k: _temp(output, k) for k in ["points", *names, "point_index"]}
    shapes = {}
    n_chunks = 0
    try:
        files = {k: open(p, "wb") for k, p in tmps.items()}
        try:
            for j0 in range(0, nj, rows):
                j1 = min(nj, j0 + rows)
                if pj and nj > rows:  # wrap the halo around a periodic direction
                    idx = np.arange(j0 - HALO, j1 + HALO) % m
                    lo, topo_j = j0 - HALO, (0, [])
                else:
                    lo, hi = max(0, j0 - HALO), min(nj, j1 + HALO)
                    idx = np.arange(lo, hi)
                    if nj <= rows:
                        topo_j = (pj, cj)
                    else:
                        topo_j = (0, [c - lo for c in cj if lo < c < hi - 1])
                X = read_rows(path, layout, idx)
                if not np.isfinite(X).all():
                    bad = np.argwhere(~np.isfinite(X).all(-1))[0]
                    raise MeshError(f"{path}: coordinate not finite at (i, j) = "
                                    f"({bad[0]}, {int(idx[bad[1]])})")
                J = grid_jet(X, ((pi, ci), topo_j))
                J = np.ascontiguousarray(J[:, (j0 - lo) * ni : (j1 - lo) * ni])

                def label(p, j0=j0):
                    return f"block 0 (i, j) = ({p % ni}, {j0 + p // ni})"

                feats = jet_features(J, names, f"{path}: ", label)
                del J
                files["points"].write(np.ascontiguousarray(
                    X[:, j0 - lo : j1 - lo].transpose(1, 0, 2)).reshape(-1, 3).tobytes())
                files["point_index"].write(np.arange(j0 * ni, j1 * ni, dtype=np.int64).tobytes())
                for k in names:
                    v = np.ascontiguousarray(feats[k], dtype=np.float64)
                    bad = ~np.isfinite(v.reshape(len(v), -1)).all(axis=1)
                    if bad.any():
                        raise MeshError(f"{path}: feature {k!r} is not finite at "
                                        f"{label(int(np.flatnonzero(bad)[0]))}; the surface "
                                        "is degenerate there")
                    shapes[k] = v.shape[1:]
                    files[k].write(v.tobytes())
                n_chunks += 1
        finally:
            for fh in files.values():
                fh.close()
        meta = {"kind": "structured", "source": path, "conventions": _CONVENTIONS,
                "chart": "grid (i, j)", "chunks": n_chunks, "halo": HALO,
                "labels": ["point_index"]}
        small = {"shapes": np.array([[ni, nj]], dtype=np.int64),
                 "_meta": np.array(json.dumps(meta))}
        n = ni * nj
        with atomic_path(output, suffix=f"-zip-{os.path.basename(output)}") as tmp:
            _write_npz(tmp, [("points", (n, 3))] + [(k, (n, *shapes[k])) for k in names]
                       + [("point_index", (n,), np.int64)], tmps, small, compress)
    finally:
        for p in tmps.values():
            if os.path.exists(p):
                os.unlink(p)
    return {"input": path, "output": output, "format": "npz", "kind": "structured",
            "n_points": ni * nj, "features": list(names), "repaired": {},
            "seconds": time.perf_counter() - t0, "chunks": n_chunks}


def _write_npz(tmp, big, raw, small, compress=False):
    """An ``.npz`` streamed from raw files (float64 unless a third entry of ``big``
    gives the dtype; no array in memory), its members deflated if ``compress``."""
    mode = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(tmp, "w", mode, allowZip64=True) as z:
        for k, shape, *dt in big:
            dt = np.dtype(dt[0] if dt else np.float64)
            with z.open(f"{k}.npy", "w", force_zip64=True) as w, open(raw[k], "rb") as r:
                np.lib.format.write_array_header_2_0(
                    w, {"descr": dt.str, "fortran_order": False, "shape": shape})
                while True:
                    b = r.read(1 << 24)
                    if not b:
                        break
                    w.write(b)
        for k, v in small.items():
            buf = io.BytesIO()
            np.save(buf, v, allow_pickle=False)
            z.writestr(f"{k}.npy", buf.getvalue())
