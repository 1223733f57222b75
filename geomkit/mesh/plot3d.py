r"""Plot3D grid files (``.xyz``, ``.p3d``, ``.x``, ``.g``): reading and writing.

A Plot3D grid file holds one or more blocks of ``ni x nj x nk`` points stored
coordinate by coordinate (all x, then all y, then all z), ``i`` fastest.  The
variants found in practice, all read here and found from the file itself:

* ASCII or binary; binary as Fortran unformatted records (4- or 8-byte record
  markers) or raw (C stream);
* little or big endian; 32- or 64-bit floats; 32- or 64-bit integers;
* single block (no block count) or multi-block (a leading block count);
* 3D dimensions ``ni nj nk`` or 2D ``ni nj`` (with 3 coordinates, or planar
  with 2, then z = 0);
* with or without an ``iblank`` integer array after the coordinates.

A surface grid has one dimension equal to 1 (``nk = 1``, or ``ni``/``nj``);
the two remaining ones become the ``(i, j)`` chart of a
:class:`~geomkit.mesh.surface.StructuredSurface`.  Binary layouts are
recognised by the file size matching exactly, so a truncated or padded file is
an error rather than garbage.

>>> import numpy as np, tempfile, os
>>> X = np.random.default_rng(0).random((4, 3, 3))
>>> path = os.path.join(tempfile.mkdtemp(), 'g.xyz')
>>> write_plot3d(path, [X], binary=True, endian='>')
>>> blocks = read_plot3d(path)
>>> np.array_equal(blocks[0], X)
True
"""

import os
import re

import numpy as np

from .._io import atomic_path
from ..errors import MeshError

__all__ = ["read_plot3d", "write_plot3d", "read_functions", "function_files", "PLOT3D_EXTENSIONS"]

PLOT3D_EXTENSIONS = (".xyz", ".p3d", ".x", ".g", ".fmt", ".p3dfmt")


def _surface_blocks(dims, coords, path, ncoord):
    """Turn (dims, flat coords) per block into (ni, nj, 3) surface arrays."""
    blocks = []
    for b, (d, c) in enumerate(zip(dims, coords)):
        d = [int(x) for x in d]
        npts = int(np.prod(d))
        c = np.asarray(c, dtype=np.float64).reshape(ncoord, npts)
        if ncoord == 2:
            c = np.vstack([c, np.zeros((1, npts))])
        grid = c.reshape((3, *d[::-1])).T  # (ni, nj[, nk], 3), i fastest in the file
        if len(d) == 3:
            ones = [k for k in range(3) if d[k] == 1]
            if not ones:
                raise MeshError(
                    f"{path}: block {b} is a volume grid {d[0]}x{d[1]}x{d[2]}; "
                    "a surface grid needs one dimension equal to 1"
                )
            keep = [k for k in range(3) if k != ones[0]]
            grid = grid.reshape(d[keep[0]], d[keep[1]], 3)
        blocks.append(np.ascontiguousarray(grid))
    return blocks


def _data_size(dims, ncoord, iblank, fsize, isize):
    n = [int(np.prod(d)) for d in dims]
    return sum(ncoord * k * fsize + (k * isize if iblank else 0) for k in n)


# -- ASCII -------------------------------------------------------------------------
def _read_ascii(text, path):
    toks = text.replace("D", "E").replace("d", "e").split()
    if not toks:
        raise MeshError(f"{path}: the file is empty")
    ints = []
    for t in toks[:4096]:
        if re.fullmatch(r"[+-]?\d+", t):
            ints.append(int(t))
        else:
            break
    ntok = len(toks)
    # (has block count, dims per block, coordinates)
    for multi in (True, False):
        for ndim, ncoord in ((3, 3), (2, 3), (2, 2)):
            if multi:
                if not ints or ints[0] < 1:
                    continue
                nb = ints[0]
                head = 1 + nb * ndim
            else:
                nb = 1
                head = ndim
            if len(ints) < head:
                continue
            dims = [ints[head - nb * ndim + k * ndim : head - nb * ndim + (k + 1) * ndim]
                    for k in range(nb)]
            if any(x < 1 for d in dims for x in d):
                continue
            npts = [int(np.prod(d)) for d in dims]
            for iblank in (False, True):
                need = head + sum(ncoord * k + (k if iblank else 0) for k in npts)
                if need != ntok:
                    continue
                try:
                    vals = np.array(toks[head:], dtype=np.float64)
                except ValueError as e:
                    raise MeshError(f"{path}: not a number in the coordinates ({e})") from None
                coords, pos = [], 0
                for k in npts:
                    coords.append(vals[pos : pos + ncoord * k])
                    pos += ncoord * k + (k if iblank else 0)
                return _surface_blocks(dims, coords, path, ncoord)
    raise MeshError(
        f"{path}: not a Plot3D ASCII grid (the {ntok} numbers do not match any "
        "header 'nblocks / ni nj [nk]' layout)"
    )


# -- binary ------------------------------------------------------------------------
def _fortran_records(buf, endian, msize):
    """Split ``buf`` into Fortran unformatted records, or None if it is not one."""
    mt = np.dtype(f"{endian}i{msize}")
    recs, pos, n = [], 0, len(buf)
    while pos < n:
        if pos + msize > n:
            return None
        ln = int(np.frombuffer(buf, mt, 1, pos)[0])
        end = pos + msize + ln
        if ln < 0 or end + msize > n:
            return None
        if int(np.frombuffer(buf, mt, 1, end)[0]) != ln:
            return None
        recs.append(buf[pos + msize : end])
        pos = end + msize
    return recs if recs else None


def _from_records(recs, endian, path):
    for isize in (4, 8):
        it = np.dtype(f"{endian}i{isize}")
        # header: optional [nb] record, then one dims record
        for multi in (True, False):
            k = 0
            if multi:
                if len(recs[0]) != isize:
                    continue
                nb = int(np.frombuffer(recs[0], it)[0])
                k = 1
            else:
                nb = 1
            if nb < 1 or k >= len(recs) or len(recs[k]) % isize:
                continue
            hd = np.frombuffer(recs[k], it)
            for ndim in (3, 2):
                if hd.size != nb * ndim or (hd < 1).any():
                    continue
                dims = hd.reshape(nb, ndim).tolist()
                data = recs[k + 1 :]
                blocks = _records_data(data, dims, endian, isize)
                if blocks is not None:
                    coords, ncoord = blocks
                    return _surface_blocks(dims, coords, path, ncoord)
    return None


def _records_data(data, dims, endian, isize):
    npts = [int(np.prod(d)) for d in dims]
    for fsize in (8, 4):
        ft = np.dtype(f"{endian}f{fsize}")
        for ncoord in ((3, 2) if len(dims[0]) == 2 else (3,)):
            # one record per block: coords [+ iblank]
            if len(data) == len(npts):
                coords = []
                for rec, k in zip(data, npts):
                    if len(rec) in (ncoord * k * fsize, ncoord * k * fsize + k * isize):
                        coords.append(np.frombuffer(rec, ft, ncoord * k))
                    else:
                        break
                else:
                    return coords, ncoord
            # one record per coordinate
            if len(data) == ncoord * len(npts) and all(
                len(data[ncoord * b + c]) == k * fsize
                for b, k in enumerate(npts)
                for c in range(ncoord)
            ):
                coords = [
                    np.concatenate([np.frombuffer(data[ncoord * b + c], ft) for c in range(ncoord)])
                    for b in range(len(npts))
                ]
                return coords, ncoord
    return None


def _from_raw(buf, endian, path):
    n = len(buf)
    for isize in (4, 8):
        it = np.dtype(f"{endian}i{isize}")
        if n < isize:
            continue
        for multi in (True, False):
            pos = 0
            if multi:
                nb = int(np.frombuffer(buf, it, 1, 0)[0])
                pos = isize
                if nb < 1 or nb > 100000:
                    continue
            else:
                nb = 1
            for ndim in (3, 2):
                end = pos + nb * ndim * isize
                if end > n:
                    continue
                dims = np.frombuffer(buf, it, nb * ndim, pos).reshape(nb, ndim)
                if (dims < 1).any() or (dims > 10**9).any():
                    continue
                dims = dims.tolist()
                for fsize in (8, 4):
                    for ncoord in ((3, 2) if ndim == 2 else (3,)):
                        for iblank in (False, True):
                            if end + _data_size(dims, ncoord, iblank, fsize, isize) != n:
                                continue
                            ft = np.dtype(f"{endian}f{fsize}")
                            coords, p = [], end
                            for d in dims:
                                k = int(np.prod(d))
                                coords.append(np.frombuffer(buf, ft, ncoord * k, p))
                                p += ncoord * k * fsize + (k * isize if iblank else 0)
                            return _surface_blocks(dims, coords, path, ncoord)
    return None


def _looks_binary(head):
    if b"\0" in head:
        return True
    try:
        head.decode("ascii")
    except UnicodeDecodeError:
        return True
    return False


def read_plot3d(path):
    """Read a Plot3D surface grid; return a list of blocks, each (ni, nj, 3) float64.

    The variant (ASCII/binary, record markers, byte order, precision, block
    count, 2D/3D dimensions, iblank) is found from the file.  Raises
    :class:`geomkit.MeshError` for an empty file, a volume grid, or a file
    whose size matches no layout.
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        buf = f.read()
    if not buf.strip():
        raise MeshError(f"{path}: the file is empty")
    if not _looks_binary(buf[:4096]):
        return _read_ascii(buf.decode("ascii"), path)
    for endian in ("<", ">"):
        for msize in (4, 8):
            recs = _fortran_records(buf, endian, msize)
            if recs is not None:
                out = _from_records(recs, endian, path)
                if out is not None:
                    return out
    for endian in ("<", ">"):
        out = _from_raw(buf, endian, path)
        if out is not None:
            return out
    raise MeshError(
        f"{path}: not a Plot3D grid (binary, {len(buf)} bytes, matching no "
        "record or raw layout; truncated?)"
    )


def write_plot3d(
    path,
    blocks,
    *,
    binary=False,
    fortran=True,
    endian="<",
    double=True,
    multi=None,
    iblank=False,
):
    """Write surface blocks ``(ni, nj, 3)`` as a Plot3D grid (``nk = 1``), atomically.

    ``binary=False`` writes ASCII; otherwise ``fortran`` chooses Fortran
    unformatted records (4-byte markers) or a raw stream, ``endian`` is
    ``'<'`` or ``'>'``, ``double`` 64- or 32-bit floats.  ``multi`` writes the
    block count (default: when there is more than one block).
    """
    blocks = [np.asarray(b, dtype=np.float64) for b in blocks]
    if multi is None:
        multi = len(blocks) > 1
    if not multi and len(blocks) != 1:
        raise MeshError("a single-block Plot3D file holds exactly one block")
    dims = [(b.shape[0], b.shape[1], 1) for b in blocks]
    path = os.fspath(path)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            if not binary:
                lines = []
                if multi:
                    lines.append(f"{len(blocks)}")
                lines += [" ".join(str(x) for x in dd) for dd in dims]
                f.write(("\n".join(lines) + "\n").encode())
                for b in blocks:
                    for c in range(3):
                        vals = b[:, :, c].T.ravel()
                        for k in range(0, len(vals), 4):
                            f.write((" ".join(repr(float(v)) for v in vals[k : k + 4]) + "\n")
                                    .encode())
                    if iblank:
                        ones = np.ones(b.shape[0] * b.shape[1], dtype=int)
                        f.write((" ".join(map(str, ones)) + "\n").encode())
            else:
                it = np.dtype(f"{endian}i4")
                ft = np.dtype(f"{endian}f{8 if double else 4}")

                def rec(payload):
                    if fortran:
                        f.write(np.array([len(payload)], it).tobytes())
                    f.write(payload)
                    if fortran:
                        f.write(np.array([len(payload)], it).tobytes())

                if multi:
                    rec(np.array([len(blocks)], it).tobytes())
                rec(np.array(dims, it).ravel().tobytes())
                for b in blocks:
                    payload = np.stack([b[:, :, c].T.ravel() for c in range(3)]).astype(ft)
                    payload = payload.tobytes()
                    if iblank:
                        payload += np.ones(b.shape[0] * b.shape[1], it).tobytes()
                    rec(payload)


# -- function and solution files (labels next to a grid) ----------------------------
_Q_NAMES = {5: ("rho", "rhou", "rhov", "rhow", "e"), 4: ("rho", "rhou", "rhov", "e")}


def function_files(grid_path):
    """Plot3D function (``.f``) and solution (``.q``) files that belong to a grid:
    ``STEM.f``, ``STEM.q`` and ``STEM.NAME.f`` next to ``STEM.EXT``, sorted."""
    d = os.path.dirname(os.path.abspath(grid_path))
    stem = os.path.splitext(os.path.basename(grid_path))[0]
    out = []
    for name in sorted(os.listdir(d)):
        low = name.lower()
        if not (low.endswith(".f") or low.endswith(".q")):
            continue
        base = name[:-2]
        if base == stem or (low.endswith(".f") and base.startswith(stem + ".")):
            out.append(os.path.join(d, name))
    return out


def _function_names(path, stem, nvar):
    base = os.path.basename(path)[:-2]
    if path.lower().endswith(".q"):
        return list(_Q_NAMES.get(nvar, [f"q{k + 1}" for k in range(nvar)]))
    label = base[len(stem) + 1:] if base != stem else "f"
    if nvar == 1 and base != stem:
        return [label]
    return [f"{label}{k + 1}" for k in range(nvar)]


def _split_values(vals, npts, nvar, lead, path):
    """Per-block (nvar, npts) arrays from the flat data (``lead`` numbers before each
    block's data: 4 free-stream values in a .q file)."""
    out, pos = [], 0
    for k in npts:
        pos += lead
        out.append(np.asarray(vals[pos: pos + nvar * k], dtype=np.float64).reshape(nvar, k))
        pos += nvar * k
    if pos != len(vals):
        raise MeshError(f"{path}: {len(vals)} values, expected {pos} for the grid's blocks")
    return out


def read_functions(grid_path, shapes):
    """Point data from the function/solution files of a grid (:func:`function_files`).

    Returns a dict name -> (n,) float64 (points in the grid's order, block by
    block, ``i`` fastest).  Names: a ``.q`` file gives ``rho, rhou, rhov, rhow,
    e``; ``STEM.f`` with ``m`` variables gives ``f1 .. fm``; ``STEM.NAME.f``
    gives ``NAME`` (one variable) or ``NAME1 .. NAMEm``.  ASCII and binary
    (Fortran records or a raw stream, either byte order, 32/64-bit) are read;
    a file whose block sizes do not match the grid is a
    :class:`geomkit.MeshError` naming the block.
    """
    npts = [int(a) * int(b) for a, b in shapes]
    stem = os.path.splitext(os.path.basename(grid_path))[0]
    data = {}
    for path in function_files(grid_path):
        with open(path, "rb") as f:
            buf = f.read()
        q = path.lower().endswith(".q")
        blocks = (_read_function_ascii(buf.decode("ascii"), npts, q, path)
                  if not _looks_binary(buf[:4096]) else _read_function_binary(buf, npts, q, path))
        nvar = blocks[0].shape[0]
        for k, name in enumerate(_function_names(path, stem, nvar)):
            data[name] = np.concatenate([b[k] for b in blocks])
    return data


def _check_dims(dims, npts, path):
    for b, (d, k) in enumerate(zip(dims, npts)):
        if int(np.prod(d)) != k:
            raise MeshError(f"{path}: block {b} has {'x'.join(map(str, d))} points, the grid's "
                            f"block {b} has {k}")


def _read_function_ascii(text, npts, q, path):
    toks = text.replace("D", "E").replace("d", "e").split()
    nb = len(npts)
    ints = []
    for t in toks[: 1 + 4 * nb]:
        if not re.fullmatch(r"[+-]?\d+", t):
            break
        ints.append(int(t))
    for multi in (True, False):
        if multi and (not ints or ints[0] != nb):
            continue
        if not multi and nb != 1:
            continue
        h0 = 1 if multi else 0
        for nd in ((3, 2) if q else (4, 3)):
            head = h0 + nb * nd
            if len(ints) < head:
                continue
            rows = [ints[h0 + b * nd: h0 + (b + 1) * nd] for b in range(nb)]
            dims = [r if q else r[:-1] for r in rows]
            nvar = (5 if nd == 3 else 4) if q else rows[0][-1]
            if any(int(np.prod(d)) != k for d, k in zip(dims, npts)):
                continue
            lead = 4 if q else 0
            if len(toks) - head != sum(lead + nvar * k for k in npts):
                continue
            try:
                vals = np.array(toks[head:], dtype=np.float64)
            except ValueError as e:
                raise MeshError(f"{path}: not a number ({e})") from None
            return _split_values(vals, npts, nvar, lead, path)
    raise MeshError(f"{path}: not a Plot3D {'solution' if q else 'function'} file matching the "
                    f"grid's {nb} block(s) of {npts} points")


def _read_function_binary(buf, npts, q, path):
    nb = len(npts)
    for endian in ("<", ">"):
        for isize in (4, 8):
            it = np.dtype(f"{endian}i{isize}")
            for msize in (4, 8, 0):
                if msize:
                    recs = _fortran_records(buf, endian, msize)
                    if recs is None:
                        continue
                    head = b"".join(r for r in recs[:2] if len(r) % isize == 0
                                    and len(r) <= isize * (1 + 4 * nb))
                    nhead = sum(1 for r in recs[:2] if len(r) % isize == 0
                                and len(r) <= isize * (1 + 4 * nb))
                    body = b"".join(recs[nhead:])
                    ints = np.frombuffer(head, it)
                else:
                    ints = np.frombuffer(buf[: (len(buf) // isize) * isize], it)[: 1 + 4 * nb]
                for multi in (True, False):
                    if multi and (not len(ints) or ints[0] != nb):
                        continue
                    if not multi and nb != 1:
                        continue
                    h0 = 1 if multi else 0
                    for nd in ((3, 2) if q else (4, 3)):
                        if len(ints) < h0 + nb * nd:
                            continue
                        rows = ints[h0: h0 + nb * nd].reshape(nb, nd)
                        dims = rows if q else rows[:, :-1]
                        if any(int(np.prod(d)) != k for d, k in zip(dims, npts)):
                            continue
                        nvar = (5 if nd == 3 else 4) if q else int(rows[0, -1])
                        lead = 4 if q else 0
                        count = sum(lead + nvar * k for k in npts)
                        data = body if msize else buf[(h0 + nb * nd) * isize:]
                        for fsize in (8, 4):
                            if len(data) == count * fsize:
                                vals = np.frombuffer(data, np.dtype(f"{endian}f{fsize}"))
                                return _split_values(vals, npts, nvar, lead, path)
    raise MeshError(f"{path}: not a Plot3D {'solution' if q else 'function'} file matching the "
                    f"grid's {nb} block(s) of {npts} points (binary, {len(buf)} bytes)")
