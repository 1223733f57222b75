r"""Reading sampled fields and writing defect densities (``geomkit defects``).

Inputs (point data; the array is named by ``name``, default the field kind):

* ``.npz``: the array with leading grid shape ``(nx, ny[, nz])`` plus 1-D
  coordinate arrays ``x, y[, z]`` (or ``origin`` and ``spacing``), optionally
  ``periodic`` (3 booleans); or ``(n, ...)`` with ``points: (n, 3)`` (a cloud);
* ``.vti`` (VTK ImageData: origin, spacing, extent) and ``.vts`` (VTK
  StructuredGrid; rectilinear point sets become grids, others clouds);
* Plot3D function files (``.f``, ``.fun``, ``.func``; ASCII or Fortran
  unformatted, one block ``ni nj nk nvar``, 3, 4 or 9 variables) on a uniform
  grid given by ``spacing``/``origin``;
* everything meshio reads (``.vtu``, ``.vtk``, ``.xdmf`` ...): the points and the
  named point-data array; a point set that fills a rectilinear grid is treated
  as one, anything else as an unstructured cloud (least-squares derivatives).

Tensors are stored per point as 9 components ``[a, mu]`` row-major (``beta_xy``
is :math:`\beta^x{}_y`), or as 3x3 arrays.  Outputs (``.npz``, ``.vtu``, ``.vti``)
are written to a temporary file and renamed into place.
"""

import json
import os
import time

import numpy as np

from ..errors import MeshError
from ..mesh.vts import parse_xml
from .fields import KINDS, Grid

__all__ = ["read_field", "write_densities", "process_file", "FUNCTION_EXTENSIONS",
           "OUTPUT_FORMATS"]

FUNCTION_EXTENSIONS = (".f", ".fun", ".func")
OUTPUT_FORMATS = ("npz", "vtu", "vti")


def _grid_from_points(P, periodic):
    """``(Grid, order)`` when the points ``P: (n, 3)`` fill a rectilinear grid
    (``order[flat grid index] = point index``), else None."""
    axes = [np.unique(P[:, k]) for k in range(3)]
    if int(np.prod([len(a) for a in axes])) != len(P):
        return None
    ijk = [np.searchsorted(a, P[:, k]) for k, a in enumerate(axes)]
    flat = np.ravel_multi_index(ijk, [len(a) for a in axes])
    if len(np.unique(flat)) != len(P):
        return None
    order = np.empty(len(P), dtype=np.int64)
    order[flat] = np.arange(len(P))
    return Grid(*axes, periodic=periodic), order


def _pick(data, name, kind, path):
    keys = [name] if name else [kind, {"coframe": "E", "displacement": "u", "metric": "g",
                                        "frame": "F", "beta": "distortion"}[kind]]
    for k in keys:
        if k in data:
            return np.asarray(data[k])
    raise MeshError(f"{path}: no point-data array named {' or '.join(map(repr, keys))}; "
                    f"found {sorted(data)}")


def read_field(path, kind="beta", name=None, spacing=None, origin=None,
               periodic=(False, False, False)):
    """Read a sampled field: returns ``(grid_or_points, values)`` where the first
    is a :class:`~geomkit.defects.fields.Grid` (values of shape ``grid.shape + ...``)
    or an ``(n, 3)`` point array (values ``(n, ...)``).  See the module doc."""
    path = os.fspath(path)
    if kind not in KINDS:
        raise MeshError(f"unknown field kind {kind!r}; choose one of {KINDS}")
    if not os.path.isfile(path):
        raise MeshError(f"{path}: no such file")
    if os.path.getsize(path) == 0:
        raise MeshError(f"{path}: the file is empty")
    ext = os.path.splitext(path)[1].lower()
    periodic = tuple(periodic)
    if ext == ".npz":
        return _read_npz(path, kind, name, periodic)
    if ext == ".vti":
        return _read_vti(path, kind, name, periodic)
    if ext in FUNCTION_EXTENSIONS:
        return _read_function(path, spacing, origin, periodic)
    if ext == ".vts":
        from ..mesh.vts import read_points

        P, _, data = read_points(path)
    else:
        P, data = _read_meshio(path, ext)
    vals = _pick(data, name, kind, path)
    if len(vals) != len(P):
        raise MeshError(f"{path}: the field has {len(vals)} rows for {len(P)} points")
    found = _grid_from_points(P, periodic)
    if found is None:
        return P, vals
    grid, order = found
    return grid, vals[order].reshape(grid.shape + vals.shape[1:])


def _read_npz(path, kind, name, periodic):
    try:
        z = dict(np.load(path, allow_pickle=False))
    except Exception as e:  # noqa: BLE001 - numpy raises many kinds on bad files
        raise MeshError(f"{path}: not a readable .npz ({e})") from None
    vals = _pick(z, name, kind, path)
    if "periodic" in z:
        periodic = tuple(bool(v) for v in np.atleast_1d(z["periodic"]))
    if "points" in z:
        return np.asarray(z["points"], dtype=np.float64).reshape(-1, 3), vals
    if "x" in z:
        coords = [z[k] for k in ("x", "y", "z") if k in z]
    elif "spacing" in z:
        nd = 3 if "z" in z or len(np.atleast_1d(z["spacing"])) == 3 else 2
        sp_ = np.broadcast_to(np.asarray(z["spacing"], float), (nd,))
        o = np.broadcast_to(np.asarray(z.get("origin", 0.0), float), (nd,))
        coords = [o[k] + sp_[k] * np.arange(vals.shape[k]) for k in range(nd)]
    else:
        raise MeshError(f"{path}: no grid coordinates (arrays x, y[, z] or spacing) and no "
                        "points")
    grid = Grid(*coords, periodic=periodic)
    if vals.shape[:3] == grid.shape:  # already (nx, ny, nz, ...)
        return grid, vals
    lead = tuple(len(c) for c in coords)
    if vals.shape[:len(lead)] != lead:
        raise MeshError(f"{path}: the field has shape {vals.shape}, the grid {lead}")
    return grid, vals.reshape(grid.shape + vals.shape[len(lead):])


def _point_data(piece, dec):
    out = {}
    pd = piece.find("./PointData")
    for el in (pd.findall("./DataArray") if pd is not None else []):
        out[el.get("Name")] = dec.array(el)
    return out


def _read_vti(path, kind, name, periodic):
    root, dec = parse_xml(path)
    img = root.find("./ImageData")
    if root.get("type") != "ImageData" or img is None:
        raise MeshError(f"{path}: VTK XML type {root.get('type')!r}, expected ImageData")
    e = [int(v) for v in img.get("WholeExtent").split()]
    o = [float(v) for v in img.get("Origin", "0 0 0").split()]
    h = [float(v) for v in img.get("Spacing", "1 1 1").split()]
    dims = [e[1] - e[0] + 1, e[3] - e[2] + 1, e[5] - e[4] + 1]
    pieces = img.findall("./Piece")
    if len(pieces) != 1:
        raise MeshError(f"{path}: {len(pieces)} pieces; one is supported")
    vals = _pick(_point_data(pieces[0], dec), name, kind, path)
    if len(vals) != int(np.prod(dims)):
        raise MeshError(f"{path}: {len(vals)} values for extent {dims}")
    grid = Grid(*(o[k] + h[k] * (e[2 * k] + np.arange(dims[k])) for k in range(3)),
                periodic=periodic)
    # VTK orders points x fastest
    vals = vals.reshape(dims[::-1] + [-1]).transpose(2, 1, 0, 3)
    return grid, vals.reshape(grid.shape + (vals.shape[-1],))


def _read_meshio(path, ext):
    from ..mesh.io import _meshio

    try:
        m = _meshio().read(path)
    except (Exception, SystemExit) as e:  # meshio raises many kinds on bad files
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise MeshError(f"{path}: cannot read as {ext or 'a mesh'} ({msg})") from None
    P = np.asarray(m.points, dtype=np.float64)
    if P.ndim != 2 or not len(P):
        raise MeshError(f"{path}: no points")
    if P.shape[1] == 2:
        P = np.column_stack([P, np.zeros(len(P))])
    return P, dict(m.point_data)


def _read_function(path, spacing, origin, periodic):
    """A single-block Plot3D function file ``ni nj nk nvar`` + data (i fastest, then
    j, k, variable)."""
    from ..mesh.plot3d import _fortran_records, _looks_binary

    with open(path, "rb") as f:
        buf = f.read()
    dims = data = None
    if not _looks_binary(buf[:4096]):
        tok = np.array(buf.decode("ascii").split(), dtype=np.float64)
        for skip in (1, 0):  # optional block count
            if len(tok) > skip + 4:
                d = tok[skip:skip + 4].astype(np.int64)
                if (d >= 1).all() and len(tok) == skip + 4 + int(np.prod(d)):
                    dims, data = d, tok[skip + 4:]
                    break
    else:
        for endian in ("<", ">"):
            recs = _fortran_records(buf, endian, 4)
            if not recs:
                continue
            if len(recs[0]) == 4 and len(recs) == 3:
                recs = recs[1:]
            if len(recs) == 2 and len(recs[0]) == 16:
                d = np.frombuffer(recs[0], f"{endian}i4").astype(np.int64)
                for ft in ("f8", "f4"):
                    if (d >= 1).all() and len(recs[1]) == int(np.prod(d)) * int(ft[1]):
                        dims, data = d, np.frombuffer(recs[1], f"{endian}{ft}").astype(float)
            if dims is not None:
                break
    if dims is None:
        raise MeshError(f"{path}: not a single-block Plot3D function file (ni nj nk nvar, "
                        "then the values)")
    ni, nj, nk, nv = (int(v) for v in dims)
    if nv not in (3, 4, 9):
        raise MeshError(f"{path}: {nv} variables; a field has 3 (displacement), 4 (2x2) or "
                        "9 (3x3 tensor)")
    vals = data.reshape(nv, nk, nj, ni).transpose(3, 2, 1, 0)
    grid = Grid.uniform((ni, nj, nk), 1.0 if spacing is None else spacing,
                        0.0 if origin is None else origin, periodic)
    return grid, vals


# -- writing -------------------------------------------------------------------------
def write_densities(path, where, dens, fmt=None, meta=None):
    """Write densities ``dens`` (name -> array) on ``where`` (a Grid or ``(n, 3)``
    points) to ``path`` (``.npz``, ``.vtu``, ``.vti``); atomically."""
    from .._io import atomic_path, check_output_folder

    path = os.fspath(path)
    fmt = (fmt or os.path.splitext(path)[1].lstrip(".") or "npz").lower()
    if fmt not in OUTPUT_FORMATS:
        raise MeshError(f"{path}: unknown output format {fmt!r}; use one of {OUTPUT_FORMATS}")
    check_output_folder(path)
    grid = where if isinstance(where, Grid) else None
    with atomic_path(path) as tmp:
        if fmt == "npz":
            extra = ({"x": grid.coords[0], "y": grid.coords[1], "z": grid.coords[2]}
                     if grid is not None else {"points": np.asarray(where)})
            with open(tmp, "wb") as f:
                np.savez(f, **extra, **dens, _meta=np.array(json.dumps(meta or {})))
        elif fmt == "vti":
            _write_vti(tmp, grid, dens, path)
        else:
            import meshio

            P = grid.points() if grid is not None else np.asarray(where)
            n = len(P)
            pd = {k: np.asarray(v).reshape(n, -1) if np.ndim(v) > (3 if grid else 1)
                  else np.asarray(v).reshape(n) for k, v in dens.items()}
            meshio.write(tmp, meshio.Mesh(P, [("vertex", np.arange(n)[:, None])],
                                          point_data=pd), file_format="vtu")
    return path


def _write_vti(tmp, grid, dens, path):
    from ..mesh.vts import _b64

    if grid is None:
        raise MeshError(f"{path}: .vti holds grids; use .vtu or .npz for point clouds")
    h = []
    for c in grid.coords:
        d = np.diff(c) if len(c) > 1 else np.array([1.0])
        if np.ptp(d) > 1e-9 * abs(d.mean()):
            raise MeshError(f"{path}: .vti needs even spacing; use .vtu or .npz")
        h.append(float(d.mean()))
    n = int(np.prod(grid.shape))
    ext = " ".join(f"0 {s - 1}" for s in grid.shape)
    origin = " ".join(repr(float(c[0])) for c in grid.coords)
    parts = ['<?xml version="1.0"?>',
             '<VTKFile type="ImageData" version="1.0" byte_order="LittleEndian" '
             'header_type="UInt64">',
             f'<ImageData WholeExtent="{ext}" Origin="{origin}" '
             f'Spacing="{" ".join(map(repr, h))}">', f'<Piece Extent="{ext}">', "<PointData>"]
    for k, v in dens.items():
        a = np.asarray(v, dtype=np.float64)
        comp = int(a.size // n)
        a = a.reshape(grid.shape + (comp,)).transpose(2, 1, 0, 3)  # x fastest
        raw = np.ascontiguousarray(a).tobytes()
        hdr = np.array([len(raw)], "<u8").tobytes()
        parts.append(f'<DataArray type="Float64" Name="{k}" NumberOfComponents="{comp}" '
                     f'format="binary">{_b64(hdr)}{_b64(raw)}</DataArray>')
    parts += ["</PointData>", "</Piece></ImageData></VTKFile>", ""]
    with open(tmp, "wb") as f:
        f.write("\n".join(parts).encode("ascii"))


def process_file(input_path, output_path, kind="beta", name=None, densities=None, fmt=None,
                 spacing=None, origin=None, periodic=(False, False, False)):
    """Read one field file, compute its densities, write them (the unit of batch
    work).  Returns a summary dict (``input``, ``output``, ``kind``, ``n_points``,
    ``grid`` shape or None, ``densities``, ``seconds``)."""
    from . import fields

    t0 = time.perf_counter()
    where, vals = read_field(input_path, kind, name, spacing, origin, periodic)
    tag = f"{os.fspath(input_path)}: "
    if isinstance(where, Grid):
        dens = fields.densities(vals, where, kind, densities, where=tag)
    else:
        dens = fields.cloud_densities(vals, where, kind, densities, where=tag)
    meta = {"kind": kind, "source": os.fspath(input_path),
            "conventions": "nye[a, lam] = eps^{lam mu nu} d_mu E^a_nu, E = 1 + beta; "
                           "trace_mu = (i_a T^a)_mu; components in the sampling chart"}
    out = write_densities(output_path, where, dens, fmt, meta)
    n = int(np.prod(where.shape)) if isinstance(where, Grid) else len(where)
    return {"input": os.fspath(input_path), "output": out, "kind": kind, "n_points": n,
            "grid": list(where.shape) if isinstance(where, Grid) else None,
            "densities": list(dens), "seconds": time.perf_counter() - t0}


def _one(job):
    inp, out, kind, options = job
    from ..errors import GeomkitError

    try:
        return True, process_file(inp, out, kind, **options)
    except GeomkitError as e:
        return False, f"{e}"


def process_files(inputs, out_dir, kind="beta", fmt="npz", workers=1, overwrite=False,
                  **options):
    """Many field files (paths, globs, directories, ``@list`` files) into
    ``out_dir/<stem>.defects.<fmt>``; a bad file is reported and the others
    finish; existing outputs are skipped unless ``overwrite``.  ``workers > 1``
    runs files in that many processes.  ``options`` go to :func:`process_file`.

    Returns ``{'ok', 'skipped', 'failed', 'failures': [{'input', 'reason'}],
    'results': [summary of each file done]}``.
    """
    from ..batch import expand_inputs

    files = expand_inputs(inputs)
    os.makedirs(out_dir, exist_ok=True)
    jobs, skipped = [], 0
    for inp in files:
        stem = os.path.splitext(os.path.basename(inp))[0]
        out = os.path.join(out_dir, f"{stem}.defects.{fmt}")
        if os.path.exists(out) and not overwrite:
            skipped += 1
            continue
        jobs.append((inp, out, kind, dict(options, fmt=fmt)))
    if workers and workers > 1 and len(jobs) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("spawn")  # no fork of numba's threads
        with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=ctx) as ex:
            done = list(ex.map(_one, jobs))
    else:
        done = [_one(j) for j in jobs]
    results = [r for ok, r in done if ok]
    failures = [{"input": j[0], "reason": r} for j, (ok, r) in zip(jobs, done) if not ok]
    return {"ok": len(results), "skipped": skipped, "failed": len(failures),
            "failures": failures, "results": results}
