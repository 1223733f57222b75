r"""Training tables from surface files: one row per surface point and flight condition.

:func:`wing_table` turns one surface (a file or a surface object) and its
labels into columns; :func:`dataset` runs it over many files on the batch
machinery (:func:`geomkit.batch.features`: a local process pool or a Dask
cluster; resumable, a bad file is reported and the others go on) and streams
the rows into one ``.parquet`` file (one row group per surface; needs
``pyarrow``, the ``parquet`` extra) or ``.csv``, so memory stays bounded by one
surface whatever the number of files.

Columns, in order:

* ``wing`` (int, the input's position in the list), ``point`` (the point's
  number in its surface, ``surface.points`` order, the numbers of the edge
  list), ``point_index`` (its number in the input file: after ``repair`` a
  merged point keeps the lowest number of the points merged into it, so rows
  join back to the file), ``mach``, ``alpha`` (when the labels come with
  flight conditions);
* ``x, y, z``; the chosen features, flattened as in :func:`geomkit.mesh.write`
  (``normal_x``, ``g_12``, ``Gamma_1_12`` ...); with chart features,
  ``chart_valid`` (0.0 on a pole or collapsed edge, where they are NaN; 1.0
  elsewhere);
* neighbourhood features ``nb_mean_<f>`` and ``nb_range_<f>`` for each scalar
  feature ``f`` of ``neighbour_features`` (default ``K, H, k1, k2``): the mean
  and the spread (max - min) of ``f`` over the point's **mesh neighbours**, the
  points joined to it by a mesh edge (the 4-point stencil ``(i +- 1, j)``,
  ``(i, j +- 1)`` of a structured grid, fewer on a block border; the one-ring of
  a triangle mesh).  They are aggregated, so the column count does not depend on
  the valence; ``nb_count`` is the number of neighbours;
* the label (e.g. ``Cp``); with ``label=None`` there is none: a table of
  features to predict on (``geomkit dataset --no-label``).

The mesh graph for graph models goes to ``<output stem>.edges.<ext>``: columns
``wing, a, b`` (point numbers, each undirected edge once, ``a < b``).

**Chart dependence.**  ``normal, K, H, k1, k2`` (and ``d1, d2, S``) are
invariants: the same whatever parameterisation a file uses (``H``, ``k1``,
``k2`` flip sign with the normal's orientation).  ``g, Gamma, b, R1212`` are
components in the chart of the file (the structured ``(i, j)`` grid): a
learner that uses them learns something about the *grid* as well as the
shape, and transfers only to files meshed the same way (same point
distribution); a triangle mesh without ``uv`` has no chart features at all.

Labels come, in this order, from the surface's point data (``surface.point_data
[label]``, e.g. Cp carried from a CFD file; one flight condition, given by
``conditions``), from a sidecar ``<stem>.labels.npz`` next to the input
(arrays ``<label>: (n_conditions, n_points)`` aligned with the file's points
and ``conditions: (n_conditions, 2)`` of ``(mach, alpha_deg)``; written by
``geomkit wing --labels``), or, with ``solver='aero'``, from
:func:`geomkit.aero.surface_cp` on the fly.  When a surface was repaired
(merged or dropped points), labels follow the points: by the surface's
``point_index`` when it has one, else by matching coordinates exactly.
"""

import json
import os
import shutil
import tempfile

import numpy as np

from ..errors import MeshError

__all__ = ["wing_table", "dataset", "mesh_edges", "neighbour_features", "read_labels",
           "write_labels", "DEFAULT_NEIGHBOUR_FEATURES"]

DEFAULT_NEIGHBOUR_FEATURES = ("K", "H", "k1", "k2")
_SCALARS = ("K", "H", "k1", "k2", "R1212", "dA")


def mesh_edges(surface):
    """Undirected mesh edges ``(E, 2)`` int64, ``a < b``, sorted: grid lines of a
    structured surface (quad edges), triangle edges of a triangle mesh.

    >>> from geomkit.mesh import StructuredSurface
    >>> import numpy as np
    >>> mesh_edges(StructuredSurface([np.zeros((3, 2, 3))])).tolist()
    [[0, 1], [0, 3], [1, 2], [1, 4], [2, 5], [3, 4], [4, 5]]
    """
    if surface.structured:
        out = []
        for (ni, nj), off in zip(surface.shapes, surface.offsets[:-1]):
            p = off + np.arange(ni * nj).reshape(nj, ni).T  # (ni, nj), i fastest
            out += [np.stack([p[:-1].ravel(), p[1:].ravel()], 1),
                    np.stack([p[:, :-1].ravel(), p[:, 1:].ravel()], 1)]
        E = np.concatenate(out) if out else np.zeros((0, 2), np.int64)
    else:
        F = surface.F
        E = np.concatenate([F[:, [0, 1]], F[:, [1, 2]], F[:, [2, 0]]])
    E = np.sort(E, axis=1)
    return np.unique(E, axis=0).astype(np.int64)


def neighbour_features(feats, edges, n, names=DEFAULT_NEIGHBOUR_FEATURES):
    """``nb_mean_<f>``, ``nb_range_<f>`` of each scalar feature over mesh neighbours,
    and ``nb_count``; a point without neighbours takes its own value (range 0)."""
    a, b = np.concatenate([edges[:, 0], edges[:, 1]]), np.concatenate([edges[:, 1], edges[:, 0]])
    cnt = np.bincount(a, minlength=n)
    out = {}
    for f in names:
        if f not in feats or np.ndim(feats[f]) != 1:
            raise MeshError(f"neighbourhood feature {f!r} must be one of the computed scalar "
                            f"features ({', '.join(k for k in feats if np.ndim(feats[k]) == 1)})")
        v = feats[f]
        s = np.bincount(a, v[b], minlength=n)
        mean = np.where(cnt > 0, s / np.maximum(cnt, 1), v)
        hi = np.full(n, -np.inf)
        lo = np.full(n, np.inf)
        np.maximum.at(hi, a, v[b])
        np.minimum.at(lo, a, v[b])
        rng = np.where(cnt > 0, hi - lo, 0.0)
        out[f"nb_mean_{f}"], out[f"nb_range_{f}"] = mean, rng
    out["nb_count"] = cnt.astype(np.float64)
    return out


def _sidecar(path):
    return os.path.splitext(os.fspath(path))[0] + ".labels.npz"


def write_labels(path, labels, conditions, name="Cp"):
    """Write ``<stem>.labels.npz`` for the surface file ``path``: ``labels``
    ``(n_conditions, n_points)`` aligned with the file's points, ``conditions``
    ``(n_conditions, 2)`` of ``(mach, alpha_deg)``; atomically.  Returns its path."""
    from .._io import atomic_write

    out = _sidecar(path)
    labels = np.atleast_2d(np.asarray(labels, np.float64))
    conditions = np.atleast_2d(np.asarray(conditions, np.float64))
    if len(labels) != len(conditions):
        raise MeshError(f"{len(labels)} label rows for {len(conditions)} conditions")
    with atomic_write(out, "wb") as f:
        np.savez(f, **{name: labels}, conditions=conditions)
    return out


def read_labels(path, name="Cp"):
    """``(labels (n_conditions, n_points), conditions (n_conditions, 2))`` from the
    sidecar of ``path``, or None when there is none."""
    p = _sidecar(path)
    if not os.path.isfile(p):
        return None
    z = np.load(p, allow_pickle=False)
    if name not in z.files:
        raise MeshError(f"{p}: no label {name!r} (has {', '.join(z.files)})")
    return np.atleast_2d(z[name]), np.atleast_2d(z["conditions"])


def _align(values, original_points, surface, where):
    """Labels given on the file's points, moved onto the (possibly repaired) surface."""
    idx = getattr(surface, "point_index", None)
    if idx is not None:
        return values[:, np.asarray(idx)]
    P = surface.points
    if len(P) == len(original_points) and np.array_equal(P, original_points):
        return values
    first = {}
    for k, row in enumerate(map(tuple, np.asarray(original_points))):
        first.setdefault(row, k)
    try:
        idx = np.array([first[tuple(r)] for r in P], dtype=np.int64)
    except KeyError:
        raise MeshError(
            f"{where}: cannot align labels with the repaired surface's points") from None
    return values[:, idx]


def wing_table(path, label="Cp", features=None, conditions=None, solver=None,
               neighbours=DEFAULT_NEIGHBOUR_FEATURES, repair=False, wing=0, **feature_options):
    """Columns (dict name -> 1-D array, one row per point and condition) and mesh
    edges of one surface file ``path``; see the module docstring for the columns.

    ``features``: names for :func:`geomkit.mesh.features` (default: its
    default set); ``neighbours``: scalar features aggregated over mesh
    neighbours (() for none; they are added to ``features`` when missing);
    ``conditions``: ``(mach, alpha_deg)`` pairs for point-data labels or for the
    solver; ``solver``: None or ``'aero'``.  Raises :class:`geomkit.MeshError`
    when no labels are found or they do not match the points.
    """
    from ..mesh.extract import CHART_FEATURES, _names
    from ..mesh.extract import features as compute
    from ..mesh.io import columns, read

    where = os.fspath(path)
    raw = read(path)
    surface = read(path, repair=True) if repair else raw
    names = _names(features, surface)
    names += [f for f in neighbours if f not in names]
    feats = compute(surface, names, **feature_options)
    n = surface.n_vertices
    conds = None
    pd = getattr(surface, "point_data", {}) or {}
    if label is None:
        if solver is not None:
            raise MeshError(f"{where}: solver {solver!r} computes a label; give its name")
        values = np.empty((1, n))
        if conditions is not None:
            conds = np.atleast_2d(np.asarray(conditions, np.float64))
            values = np.empty((len(conds), n))
    elif label in pd and solver is None:
        values = np.asarray(pd[label], np.float64).reshape(1, -1)
        if conditions is not None:
            conds = np.atleast_2d(np.asarray(conditions, np.float64))
            if len(conds) != 1:
                raise MeshError(f"{where}: point data {label!r} is one condition; "
                                f"got {len(conds)} conditions")
    else:
        side = None if solver else read_labels(path, label)
        if side is not None:
            values, conds = side
            values = _align(values, raw.points, surface, where)
        elif solver == "aero":
            from ..aero import surface_cp

            if not surface.structured or len(surface.blocks) != 1:
                raise MeshError(f"{where}: the aero solver needs a single-block wing grid")
            if conditions is None:
                raise MeshError(f"{where}: the aero solver needs conditions (mach, alpha)")
            conds = np.atleast_2d(np.asarray(conditions, np.float64))
            cp = surface_cp(surface.blocks[0], conds, where=where)
            values = cp.transpose(0, 2, 1).reshape(len(conds), -1)  # i fastest
        elif solver is not None:
            raise MeshError(f"unknown label solver {solver!r} (use 'aero')")
        else:
            raise MeshError(f"{where}: no label {label!r} in the point data and no "
                            f"{os.path.basename(_sidecar(path))}; give solver='aero' "
                            "(geomkit dataset --solver aero), write labels first, or "
                            "ask for no label (label=None, geomkit dataset --no-label)")
    if values.shape[1] != n:
        raise MeshError(f"{where}: {values.shape[1]} labels for {n} points")
    edges = mesh_edges(surface)
    per_point = {"point": np.arange(n, dtype=np.int64)}
    idx = getattr(surface, "point_index", None)
    per_point["point_index"] = (per_point["point"] if idx is None
                                else np.asarray(idx, dtype=np.int64))
    P = surface.points
    per_point.update(x=P[:, 0], y=P[:, 1], z=P[:, 2])
    for k in names:
        v = np.asarray(feats[k])
        flat = v.reshape(n, -1)
        for c, cname in enumerate(columns(k, v)):
            per_point[cname] = flat[:, c]
    if any(k in CHART_FEATURES for k in names):  # 0 where a pole left them NaN
        per_point["chart_valid"] = np.asarray(feats.get("chart_valid", np.ones(n)), np.float64)
    if neighbours:
        per_point.update(neighbour_features(feats, edges, n, neighbours))
    m = len(values)
    cols = {"wing": np.full(n * m, int(wing), dtype=np.int64)}
    cols["point"] = np.tile(per_point.pop("point"), m)
    if conds is not None:
        cols["mach"] = np.repeat(conds[:, 0], n)
        cols["alpha"] = np.repeat(conds[:, 1], n)
    for k, v in per_point.items():
        cols[k] = np.tile(v, m)
    if label is not None:
        cols[label] = values.ravel()
    return cols, edges


# -- many files ------------------------------------------------------------------------
def _work(task):
    """Batch work unit: one input -> ``task['output']`` (npz of its columns and edges);
    returns a record like :func:`geomkit.batch.process_one`'s, never raises."""
    from ..batch import guarded

    return guarded(task, _table_one)


def _table_one(task):
    from .._io import atomic_write
    from ..batch import _COMPUTE

    o = task["options"]
    with _COMPUTE:
        cols, edges = wing_table(task["input"], label=o["label"], features=task["features"],
                                 conditions=o["conditions"], solver=o["solver"],
                                 neighbours=tuple(o["neighbours"]), repair=task["repair"])
    with atomic_write(task["output"], "wb") as f:
        np.savez(f, _edges=edges, _names=np.array(list(cols)), **cols)
    return int(cols["point"].max()) + 1, False


class _Writer:
    """Streams tables into one parquet (row group per call) or csv file."""

    def __init__(self, path, fmt, meta):
        from .._io import atomic_path

        self.path, self.fmt, self.meta = path, fmt, meta
        self.w = None
        self.names = None
        if fmt == "parquet":
            try:
                import pyarrow as pa
                import pyarrow.parquet as pq
            except ImportError:
                raise MeshError("writing .parquet needs pyarrow: pip install pyarrow (or "
                                "geomkit[parquet]); or write .csv") from None
            self.pa, self.pq = pa, pq
        # entered here, left in close(): success renames, failure removes the temporary
        self._atomic = atomic_path(path)
        self.tmp = self._atomic.__enter__()
        if fmt != "parquet":
            self.f = open(self.tmp, "w", encoding="utf-8")

    def write(self, cols):
        if self.names is None:
            self.names = list(cols)
        elif list(cols) != self.names:
            raise MeshError(f"{self.path}: surfaces give different columns "
                            f"({sorted(set(cols) ^ set(self.names))}); use the same features, "
                            "label source and conditions for all")
        if self.fmt == "parquet":
            t = self.pa.table(cols)
            if self.w is None:
                t = t.replace_schema_metadata({"geomkit": json.dumps(self.meta)})
                self.w = self.pq.ParquetWriter(self.tmp, t.schema)
            self.w.write_table(t.cast(self.w.schema))
        else:
            if self.f.tell() == 0:
                self.f.write(",".join(cols) + "\n")
            np.savetxt(self.f, np.column_stack(list(cols.values())), delimiter=",",
                       fmt="%.17g")

    def close(self, ok=True):
        if self.fmt == "parquet":
            if self.w is not None:
                self.w.close()
        else:
            self.f.close()
        if ok:
            self._atomic.__exit__(None, None, None)
        else:
            err = MeshError(f"{self.path}: not written")
            self._atomic.__exit__(MeshError, err, None)


def dataset(inputs, output, *, label="Cp", features=None, conditions=None, solver=None,
            neighbours=DEFAULT_NEIGHBOUR_FEATURES, edges=True, repair=False, workers=None,
            scheduler=None, work_dir=None, resume=False, progress=None):
    """Build one training table from many surface files (module docstring).

    ``inputs``: paths, globs, directories or ``@list`` files; ``output``:
    ``.parquet`` or ``.csv``.  Per-surface tables are computed by the batch
    machinery into ``work_dir`` and streamed into ``output`` in input order.  By
    default ``work_dir`` is a temporary folder next to ``output``, removed at the
    end; with ``resume=True`` it is ``<output>.parts/`` (or the one given) and is
    kept, so a rerun with the *same* options skips the surfaces already done.
    The edge list goes to
    ``<output stem>.edges.<ext>``.  Returns a summary dict (``rows``,
    ``surfaces``, ``failed``, ``failures``, ``columns``, ``output``, ``edges``).
    A surface that fails is reported and left out; with every surface failed
    :class:`geomkit.MeshError` is raised.
    """
    from ..batch import expand_inputs

    output = os.fspath(output)
    fmt = os.path.splitext(output)[1].lower().lstrip(".")
    if fmt not in ("parquet", "csv"):
        raise MeshError(f"{output}: dataset output must be .parquet or .csv")
    paths = expand_inputs(inputs)
    if not paths:
        raise MeshError("no input files")
    tmp_dir = None
    if work_dir is None and not resume:
        tmp_dir = work_dir = tempfile.mkdtemp(dir=os.path.dirname(os.path.abspath(output)),
                                              prefix=".parts-")
    work_dir = work_dir or output + ".parts"
    try:
        return _dataset(paths, output, fmt, work_dir, label, features, conditions, solver,
                        neighbours, edges, repair, workers, scheduler, progress)
    finally:
        if tmp_dir:
            shutil.rmtree(tmp_dir, ignore_errors=True)


def _dataset(paths, output, fmt, work_dir, label, features, conditions, solver, neighbours,
             edges, repair, workers, scheduler, progress):
    from ..batch import features as run_batch

    names = features if features is None or isinstance(features, str) else list(features)
    summary = run_batch(
        paths, work_dir, names=names, fmt="rows.npz", repair=repair, workers=workers,
        scheduler=scheduler, progress=progress, _work=_work, label=label,
        conditions=None if conditions is None else np.asarray(conditions).tolist(),
        solver=solver, neighbours=list(neighbours or ()))
    meta = {"inputs": paths, "label": label, "features": names,
            "neighbours": list(neighbours or ()),
            "neighbourhood": "mean and max-min over mesh-edge neighbours"}
    rows = 0
    ok = [(k, r) for k, r in enumerate(summary["results"]) if r["status"] in ("ok", "skipped")]
    if not ok:
        raise MeshError("no surface gave a table: " + "; ".join(
            r["reason"] or "" for r in summary["failures"][:3]))
    tab = _Writer(output, fmt, meta)
    epath = os.path.splitext(output)[0] + ".edges." + fmt
    etab = _Writer(epath, fmt, meta) if edges else None
    done = False
    try:
        for k, r in ok:
            with np.load(r["output"], allow_pickle=False) as z:
                cols = {c: z[c] for c in z["_names"]}
                cols["wing"] = np.full(len(cols["wing"]), k, dtype=np.int64)
                tab.write(cols)
                rows += len(cols["point"])
                if etab is not None:
                    E = z["_edges"]
                    etab.write({"wing": np.full(len(E), cols["wing"][0]), "a": E[:, 0],
                                "b": E[:, 1]})
        done = True
    finally:
        tab.close(done)
        if etab is not None:
            etab.close(done)
    return {"rows": rows, "surfaces": len(ok), "failed": summary["failed"],
            "failures": summary["failures"], "columns": tab.names, "output": output,
            "edges": epath if edges else None, "seconds": summary["seconds"]}

