r"""Reading surfaces, writing features.

:func:`read` turns a file into a :class:`~geomkit.mesh.surface.StructuredSurface`
(Plot3D ``.xyz/.p3d/.x/.g/.fmt``, VTK ``.vts``, or a geomkit ``.npz`` of a grid)
or a :class:`~geomkit.mesh.surface.TriangleSurface` (everything meshio reads:
``.vtk .vtu .stl .obj .ply .off .msh .mesh .xdmf ...``; quads and polygons are
split into triangles, volume cells ignored).  Texture coordinates in the point
data (``uv``, ``UV``, ``TCoords``, ``obj:vt``, ...) become the surface's chart.

:func:`write` stores points and features as ``.npz``, ``.vtu`` (point data;
opens in ParaView), ``.vts`` (single-block grids), ``.parquet`` (needs
pyarrow) or ``.csv``.  Files are written to a temporary name and renamed; the
input file is never overwritten.  In ``.csv``/``.parquet`` columns, vector
components are suffixed ``_x _y _z``, chart tensors by their 1-based indices
(``g_12``; ``Gamma_1_12`` is ``Gamma^1_12``; ``dg_2_11`` is ``d_2 g_11``).
"""

import itertools
import json
import os
import warnings

import numpy as np

from .._io import atomic_path, check_output_folder
from ..errors import MeshError
from .plot3d import PLOT3D_EXTENSIONS, read_plot3d
from .surface import StructuredSurface, TriangleSurface

__all__ = ["read", "write", "read_features", "info", "columns", "labels", "OUTPUT_FORMATS"]

OUTPUT_FORMATS = ("npz", "vtu", "vts", "parquet", "csv")
_UV_NAMES = ("uv", "uvs", "tcoords", "texture_coordinates", "texcoords", "texcoord", "st",
             "obj:vt", "texture")
_FEATURE_SHAPES = None


def _shapes():
    global _FEATURE_SHAPES
    if _FEATURE_SHAPES is None:
        from .extract import FEATURE_SHAPES

        _FEATURE_SHAPES = FEATURE_SHAPES
    return _FEATURE_SHAPES


def _meshio():
    try:
        import meshio
    except ImportError:  # pragma: no cover - meshio is a dependency of the mesh extra
        raise MeshError("reading this format needs meshio: pip install meshio") from None
    return meshio


def read(path, repair=False, seam_rtol=0.1):
    """Read a surface file.

    Parameters
    ----------
    path : str or os.PathLike
    repair : bool
        Merge duplicate vertices, drop degenerate faces and isolated vertices
        (triangle meshes); what was done is in ``surface.repair_report``.
    seam_rtol : float
        Grids: block-edge points closer than this fraction of the local grid
        spacing are one point (see :mod:`geomkit.mesh.connectivity`).

    Notes
    -----
    Returns a :class:`TriangleSurface` or :class:`StructuredSurface`.  Raises
    :class:`geomkit.MeshError` naming the file for a missing, empty,
    unreadable or unsupported file, or a file with no surface faces.  The
    geometry is checked by ``surface.check()`` (called by
    :func:`geomkit.mesh.features`).
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise MeshError(f"{path}: no such file")
    if os.path.isdir(path):
        raise MeshError(f"{path}: is a directory, not a mesh file")
    if os.path.getsize(path) == 0:
        raise MeshError(f"{path}: the file is empty")
    ext = os.path.splitext(path)[1].lower()
    if ext in PLOT3D_EXTENSIONS:
        s = StructuredSurface(read_plot3d(path), source=path, file_format="plot3d",
                              seam_rtol=seam_rtol)
        from .plot3d import read_functions

        s.point_data = read_functions(path, s.shapes)
    elif ext == ".vts":
        from .vts import read_vts

        X, data = read_vts(path)
        s = StructuredSurface([X], source=path, file_format="vts", seam_rtol=seam_rtol)
        s.point_data = data
    elif ext == ".npz":
        s = _read_npz_surface(path)
    else:
        s = _read_meshio(path, ext)
    s.repair_report = {}
    if repair and not s.structured:
        s2, report = s.repaired()
        s2.repair_report = report
        return s2
    return s


def _read_meshio(path, ext):
    meshio = _meshio()
    from pathlib import Path

    from meshio._helpers import _filetypes_from_path

    try:
        _filetypes_from_path(Path(path))
    except Exception:
        raise MeshError(
            f"{path}: unsupported format {ext or '(no extension)'!r}; supported: Plot3D "
            f"({', '.join(PLOT3D_EXTENSIONS)}), .vts, .npz and meshio's formats "
            "(.vtk .vtu .stl .obj .ply .off .msh ...)"
        ) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # meshio's format sniffing warns on valid files
            m = meshio.read(path)
    except (Exception, SystemExit) as e:  # meshio raises many kinds (even exits) on bad files
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise MeshError(f"{path}: cannot read as {ext} ({msg})") from None
    pts = np.asarray(m.points)
    if pts.ndim != 2 or pts.shape[0] == 0:
        raise MeshError(f"{path}: the mesh has no vertices")
    if pts.shape[1] == 2:
        pts = np.column_stack([pts, np.zeros(len(pts))])
    faces, kinds = [], set()
    for block in m.cells:
        kinds.add(block.type)
        d = np.asarray(block.data)
        if block.type == "triangle":
            faces.append(d)
        elif block.type == "quad":
            faces += [d[:, [0, 1, 2]], d[:, [0, 2, 3]]]
        elif block.type.startswith("polygon") and d.ndim == 2 and d.shape[1] >= 3:
            faces += [d[:, [0, k, k + 1]] for k in range(1, d.shape[1] - 1)]
    if not faces:
        what = ", ".join(sorted(kinds)) or "no cells"
        raise MeshError(f"{path}: no surface faces (triangles, quads or polygons); found {what}")
    F = np.concatenate(faces).astype(np.int64)
    uv = None
    for k, v in m.point_data.items():
        v = np.asarray(v)
        if k.lower() in _UV_NAMES and v.ndim == 2 and v.shape[0] == len(pts) and v.shape[1] >= 2:
            uv = v[:, :2]
            break
    data = {k: (np.asarray(v)[:, 0] if np.ndim(v) == 2 and np.shape(v)[1] == 1
                else np.asarray(v)) for k, v in m.point_data.items()}
    return TriangleSurface(pts, F, uv=uv, point_data=data, source=path,
                           file_format=ext.lstrip("."))


def _read_npz_surface(path):
    try:
        z = np.load(path, allow_pickle=False)
    except Exception as e:
        raise MeshError(f"{path}: not a readable .npz ({e})") from None
    if "points" not in z:
        raise MeshError(f"{path}: no 'points' array (not a geomkit .npz)")
    P = z["points"]
    if "shapes" in z:
        blocks, off = [], 0
        for ni, nj in z["shapes"]:
            blocks.append(P[off : off + ni * nj].reshape(nj, ni, 3).transpose(1, 0, 2))
            off += ni * nj
        return StructuredSurface(blocks, source=path, file_format="npz")
    if "faces" not in z:
        raise MeshError(f"{path}: no 'faces' or 'shapes' array")
    return TriangleSurface(P, z["faces"], uv=z["uv"] if "uv" in z else None, source=path,
                           file_format="npz")


def columns(name, arr):
    """Column names of a feature array: ``K``; ``normal_x``; ``g_12``; ``Gamma_1_12``."""
    shape = arr.shape[1:]
    if shape == ():
        return [name]
    if shape == (3,):
        return [f"{name}_{c}" for c in "xyz"]
    if shape == (3, 3):
        return [f"{name}_{a}{b}" for a in "xyz" for b in "xyz"]
    if shape == (2, 2):
        return [f"{name}_{i + 1}{j + 1}" for i in range(2) for j in range(2)]
    if shape == (2, 2, 2):
        return [f"{name}_{k + 1}_{i + 1}{j + 1}" for k in range(2) for i in range(2)
                for j in range(2)]
    return [f"{name}_{'_'.join(map(str, ix))}" for ix in itertools.product(*map(range, shape))]


def _table(surface, feats):
    cols = {"x": surface.points[:, 0], "y": surface.points[:, 1], "z": surface.points[:, 2]}
    for k, v in feats.items():
        flat = np.asarray(v).reshape(len(v), -1)
        for c, name in enumerate(columns(k, np.asarray(v))):
            cols[name] = flat[:, c]
    return cols


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


_RESERVED = ("points", "shapes", "faces", "uv", "x", "y", "z", "_meta")


def labels(surface, features=()):
    """The per-point arrays :func:`write` stores next to the features: the
    surface's ``point_data`` (numeric arrays of one row per point; a name that
    clashes with a feature or a stored array gets the prefix ``input_``) and
    ``point_index``, each point's number in the input file."""
    n = surface.n_vertices
    out = {}
    for k, v in (getattr(surface, "point_data", None) or {}).items():
        v = np.asarray(v)
        if v.ndim == 0 or len(v) != n or not np.issubdtype(v.dtype, np.number):
            warnings.warn(f"point data {k!r} is not a numeric per-point array; not written",
                          stacklevel=3)
            continue
        name = str(k)
        if name in features or name in _RESERVED or name == "point_index":
            name = f"input_{name}"
        out[name] = v.astype(np.float64).reshape(n, -1) if v.ndim > 2 else v.astype(np.float64)
    idx = getattr(surface, "point_index", None)
    out["point_index"] = (np.arange(n, dtype=np.int64) if idx is None
                          else np.asarray(idx, dtype=np.int64))
    return out


def write(path, surface, features, fmt=None, compress=False):
    """Write a surface's points and its features to ``path``; return the path.

    Next to the features go the surface's labels (:func:`labels`: its
    ``point_data``, e.g. pressure coefficients read with the mesh, and
    ``point_index``, the point numbers of the input file, to join back).

    ``fmt`` is one of :data:`OUTPUT_FORMATS` (default: from the extension).
    ``compress`` deflates ``.npz`` members (``np.load`` reads both kinds): about
    a quarter smaller for curvature features -- float64 noise compresses
    poorly -- at several times the writing time, hence off by default.
    Raises :class:`geomkit.MeshError` when ``path`` is the surface's input
    file, the format is unknown, or feature arrays do not have one row per point.
    """
    path = os.fspath(path)
    if fmt is None:
        fmt = os.path.splitext(path)[1].lower().lstrip(".")
    fmt = fmt.lower()
    if fmt not in OUTPUT_FORMATS:
        raise MeshError(f"{path}: unknown output format {fmt!r}; use one of {OUTPUT_FORMATS}")
    if surface.source and os.path.exists(path) and _same_file(path, surface.source):
        raise MeshError(f"{path}: refusing to overwrite the input file")
    n = surface.n_vertices
    for k, v in features.items():
        if len(v) != n:
            raise MeshError(f"feature {k!r} has {len(v)} rows, the surface {n} points")
    features = {**features, **labels(surface, features)}
    check_output_folder(path)
    with atomic_path(path) as tmp:
        {"npz": _write_npz_compressed if compress else _write_npz, "vtu": _write_vtu,
         "vts": _write_vts, "csv": _write_csv, "parquet": _write_parquet}[fmt](tmp, surface,
                                                                             features)
    return path


_CONVENTIONS = (
    "b_ij = X_ij . N, S = g^-1 b, K = det S, H = tr S / 2 (outward sphere: H = -1/a); "
    "Gamma[:, k, i, j] = Gamma^k_ij, dg[:, k, i, j] = d_k g_ij"
)


def _write_npz_compressed(tmp, surface, feats):
    _write_npz(tmp, surface, feats, np.savez_compressed)


def _write_npz(tmp, surface, feats, save=np.savez):
    meta = {"kind": surface.kind, "source": surface.source, "conventions": _CONVENTIONS,
            "chart": "grid (i, j)" if surface.structured else
            ("uv" if surface.uv is not None else None),
            "labels": [k for k in feats if k not in _shapes()]}
    extra = {"points": surface.points}
    if surface.structured:
        extra["shapes"] = np.array(surface.shapes, dtype=np.int64)
    else:
        extra["faces"] = surface.F
        if surface.uv is not None:
            extra["uv"] = surface.uv
    clash = set(extra) & set(feats)
    if clash:
        raise MeshError(f"feature names {clash} clash with stored arrays")
    with open(tmp, "wb") as f:
        save(f, **extra, **feats, _meta=np.array(json.dumps(meta)))


def _point_data(feats):
    return {k: np.asarray(v).reshape(len(v), -1) if np.ndim(v) > 1 else np.asarray(v)
            for k, v in feats.items()}


def _write_vtu(tmp, surface, feats):
    meshio = _meshio()
    if surface.structured:
        cells = [("quad", surface.quads)]
    else:
        cells = [("triangle", surface.F)]
    m = meshio.Mesh(surface.points, cells, point_data=_point_data(feats))
    meshio.write(tmp, m, file_format="vtu")


def _write_vts(tmp, surface, feats):
    from .vts import write_vts

    if not surface.structured or len(surface.blocks) != 1:
        raise MeshError(".vts holds one structured block; use .vtu for this surface")
    write_vts(tmp, surface.blocks[0], feats)


def _write_csv(tmp, surface, feats):
    cols = _table(surface, feats)
    data = np.column_stack(list(cols.values()))
    np.savetxt(tmp, data, delimiter=",", header=",".join(cols), comments="", fmt="%.17g")


def _write_parquet(tmp, surface, feats):
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MeshError(
            "writing .parquet needs pyarrow: pip install pyarrow (or geomkit[parquet]); "
            "or choose --format npz|vtu|csv"
        ) from None
    pq.write_table(pa.table(_table(surface, feats)), tmp)


def _from_columns(cols):
    """Inverse of :func:`_table`: points and feature arrays from named columns."""
    P = np.column_stack([cols["x"], cols["y"], cols["z"]])
    n = len(P)
    feats = {}
    for name, shape in _shapes().items():
        names = columns(name, np.zeros((1, *shape)))
        if all(c in cols for c in names):
            feats[name] = np.column_stack([cols[c] for c in names]).reshape(n, *shape)
    return P, feats


def read_features(path):
    """Read back what :func:`write` wrote: ``(points, features)``, the points an
    ``(n, 3)`` float64 array and the features a dict name -> array of the
    shapes in :data:`geomkit.mesh.FEATURE_SHAPES` (vectors ``(n, 3)``, chart
    tensors ``(n, 2, 2)``, ...), whatever the file format."""
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    shapes = _shapes()
    if ext == ".npz":
        z = np.load(path, allow_pickle=False)
        return z["points"], {k: z[k] for k in z.files if k in shapes}
    if ext == ".csv":
        with open(path) as f:
            head = f.readline().strip().split(",")
        data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
        return _from_columns({h: data[:, i] for i, h in enumerate(head)})
    if ext == ".parquet":
        import pyarrow.parquet as pq

        t = pq.read_table(path)
        return _from_columns({c: t.column(c).to_numpy() for c in t.column_names})
    if ext == ".vts":
        from .vts import read_vts

        X, data = read_vts(path)
        P = X.transpose(1, 0, 2).reshape(-1, 3)
    else:
        m = _meshio().read(path)
        P, data = np.asarray(m.points), m.point_data
    n = len(P)
    return P, {k: np.asarray(v, dtype=np.float64).reshape(n, *shapes[k])
               for k, v in data.items() if k in shapes}


def info(path):
    """A summary of a surface file (no features computed): dict with ``path``,
    ``format``, ``kind``, ``structured``, ``n_points``, ``n_faces``, ``blocks``
    (grid shapes), ``bounds`` (min, max lists), ``has_uv``, ``boundary_vertices``,
    ``euler_characteristic`` (triangles), ``problems`` (messages); for grids
    ``topology`` and ``connectivity`` (seams, collapsed edges, block signs:
    :meth:`geomkit.mesh.connectivity.Connectivity.summary`), and
    ``point_data`` (label names)."""
    s = read(path)
    lo, hi = s.bounds
    out = {
        "path": os.fspath(path),
        "format": s.file_format,
        "kind": s.kind,
        "structured": s.structured,
        "n_points": int(s.n_vertices),
        "n_faces": int(s.n_faces),
        "bounds": [lo.tolist(), hi.tolist()],
        "has_uv": bool(getattr(s, "uv", None) is not None),
        "point_data": sorted(map(str, getattr(s, "point_data", {}) or {})),
    }
    probs = s.problems()
    out["problems"] = [p.message + (" [repairable]" if p.repairable else "") for p in probs]
    if s.structured:
        out["blocks"] = [list(x) for x in s.shapes]
        if not probs:
            from .grid import line_topology

            topo = []
            for X in s.blocks:
                (pi, ci), (pj, cj) = line_topology(X, 0), line_topology(X, 1)
                topo.append({"i": {"periodic": bool(pi), "creases": ci},
                             "j": {"periodic": bool(pj), "creases": cj}})
            out["topology"] = topo
            try:
                out["connectivity"] = s.connectivity.summary()
            except MeshError as e:  # not orientable, tolerance that does not fit, ...
                out["problems"].append(str(e))
    elif not any(p.kind in ("empty", "no_faces", "index") for p in probs):
        out["boundary_vertices"] = int(s.boundary_vertices.sum())
        out["euler_characteristic"] = s.euler_characteristic
    return out
