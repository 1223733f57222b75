r"""Surface containers: triangle meshes and structured (i, j) grids.

Two kinds of surface, both holding plain numpy arrays:

* :class:`TriangleSurface` -- vertices ``V: (n, 3) float64`` and faces
  ``F: (m, 3) int64`` (counter-clockwise seen from the side the normal points
  to), optionally a parameterisation ``uv: (n, 2) float64``.  Derived arrays
  (face normals, areas, vertex normals, boundary, ...) are computed on first use
  and cached, like trimesh.
* :class:`StructuredSurface` -- one or more blocks (patches) ``X: (ni, nj, 3)``;
  the grid indices ``(i, j)`` are the chart.  Points are numbered block by block,
  ``i`` fastest (the Plot3D and VTK order): point ``(b, i, j)`` has number
  ``offset[b] + i + ni * j``.

Both check themselves (:meth:`problems`, :meth:`check`); a triangle surface
can repair what is safe to repair (:meth:`TriangleSurface.repaired`).

>>> import numpy as np
>>> V = np.array([[0., 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
>>> F = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
>>> s = TriangleSurface(V, F)
>>> s.n_vertices, s.n_faces, s.euler_characteristic
(4, 4, 2)
>>> s.check()
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..errors import MeshError

__all__ = ["Problem", "TriangleSurface", "StructuredSurface"]


@dataclass(frozen=True)
class Problem:
    """One defect found in a surface.

    ``kind`` is a short key (``'nan'``, ``'degenerate_face'``, ...), ``count``
    how many elements have it, ``first`` the first such element (a vertex,
    face or edge index, or a grid index tuple) and ``repairable`` whether
    ``repair=True`` fixes it safely.
    """

    kind: str
    message: str
    count: int = 1
    first: object = None
    repairable: bool = False


def _where(source):
    return f"{source}: " if source else ""


def _count(n, one, many):
    """``1 vertex has`` / ``2 vertices have``."""
    return f"{n} {one if n == 1 else many}"


def _readonly(a):
    a.setflags(write=False)
    return a


class TriangleSurface:
    """A triangle surface ``(V, F)``.

    Parameters
    ----------
    vertices : array_like, (n, 3)
        Vertex positions (converted to float64).
    faces : array_like, (m, 3)
        Vertex indices of each triangle (converted to int64).
    uv : array_like, (n, 2), optional
        A parameterisation (texture coordinates); when given, the chart-dependent
        features ``g``, ``Gamma``, ``b`` and ``R1212`` are computed in it.
    point_data : dict, optional
        Other per-vertex arrays read from the file (kept, not used).
    source : str, optional
        File name, used in error messages.
    file_format : str, optional
        Format the surface was read from.

    Notes
    -----
    Shapes are checked here; the geometry (NaN, degenerate faces, duplicate
    vertices, ...) is checked by :meth:`check`.
    """

    kind = "triangles"
    structured = False

    def __init__(self, vertices, faces, uv=None, point_data=None, source=None, file_format=None):
        self.source = source
        self.file_format = file_format
        V = np.array(vertices, dtype=np.float64, copy=True)
        F = np.array(faces, copy=True)
        if V.ndim != 2 or (V.size and V.shape[1] != 3):
            if V.ndim == 2 and V.shape[1] == 2:
                V = np.column_stack([V, np.zeros(len(V))])
            elif V.size == 0:
                V = V.reshape(0, 3)
            else:
                raise MeshError(f"{_where(source)}vertices must have shape (n, 3), got {V.shape}")
        if V.size == 0:
            V = V.reshape(0, 3)
        if F.size == 0:
            F = np.zeros((0, 3), dtype=np.int64)
        if F.ndim != 2 or F.shape[1] != 3:
            raise MeshError(f"{_where(source)}faces must have shape (m, 3), got {F.shape}")
        if not np.issubdtype(F.dtype, np.integer):
            if not np.all(np.isfinite(F)) or np.any(F != np.round(F)):
                raise MeshError(f"{_where(source)}face indices must be integers")
        F = F.astype(np.int64)
        self.V = _readonly(np.ascontiguousarray(V))
        self.F = _readonly(np.ascontiguousarray(F))
        if uv is not None:
            uv = np.array(uv, dtype=np.float64)
            if uv.ndim != 2 or uv.shape[0] != len(V) or uv.shape[1] < 2:
                raise MeshError(
                    f"{_where(source)}uv must have shape ({len(V)}, 2), got {uv.shape}"
                )
            uv = _readonly(np.ascontiguousarray(uv[:, :2]))
        self.uv = uv
        self.point_data = dict(point_data or {})
        self.point_index = np.arange(len(V), dtype=np.int64)
        self._checked = False

    def __repr__(self):
        name = f" {self.source!r}" if self.source else ""
        uv = ", uv" if self.uv is not None else ""
        return f"<TriangleSurface{name}: {self.n_vertices} vertices, {self.n_faces} faces{uv}>"

    # -- sizes ---------------------------------------------------------------
    @property
    def n_vertices(self):
        return len(self.V)

    @property
    def n_faces(self):
        return len(self.F)

    @property
    def points(self):
        """Vertex positions, (n, 3) float64 (same as ``V``)."""
        return self.V

    @property
    def has_chart(self):
        """True when the surface carries a parameterisation (``uv``)."""
        return self.uv is not None

    @cached_property
    def bounds(self):
        """Bounding box ``(min, max)``, two (3,) arrays (NaN rows ignored)."""
        ok = np.isfinite(self.V).all(axis=1)
        if not ok.any():
            return np.full(3, np.nan), np.full(3, np.nan)
        return self.V[ok].min(axis=0), self.V[ok].max(axis=0)

    # -- derived arrays (cached) --------------------------------------------
    @cached_property
    def _face_cross(self):
        V, F = self.V, self.F
        return np.cross(V[F[:, 1]] - V[F[:, 0]], V[F[:, 2]] - V[F[:, 0]])

    @cached_property
    def face_areas(self):
        """Triangle areas, (m,) float64."""
        return _readonly(0.5 * np.linalg.norm(self._face_cross, axis=1))

    @cached_property
    def face_normals(self):
        """Unit face normals ``(V1 - V0) x (V2 - V0) / |.|``, (m, 3) float64."""
        c = self._face_cross
        with np.errstate(invalid="ignore", divide="ignore"):
            return _readonly(c / np.linalg.norm(c, axis=1)[:, None])

    @cached_property
    def vertex_normals(self):
        """Area-weighted unit vertex normals, (n, 3) float64 (the one-ring estimate)."""
        n = self.n_vertices
        c = self._face_cross
        N = np.zeros((n, 3))
        for k in range(3):
            for corner in range(3):
                N[:, k] += np.bincount(self.F[:, corner], weights=c[:, k], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            return _readonly(N / np.linalg.norm(N, axis=1)[:, None])

    @cached_property
    def adjacency(self):
        """Vertex adjacency ``(ptr, nbr, boundary, nonmanifold)``, see
        :func:`geomkit.mesh.triangle.adjacency` (needs valid face indices)."""
        from .triangle import adjacency

        return adjacency(self.F, self.n_vertices)

    @property
    def boundary_vertices(self):
        """Boolean mask (n,) of vertices on a boundary edge (an edge with one face)."""
        return self.adjacency[2]

    @property
    def n_edges(self):
        """Number of distinct edges."""
        return len(self.adjacency[1]) // 2

    @cached_property
    def euler_characteristic(self):
        """``V - E + F`` (vertices used by faces only)."""
        used = int((np.bincount(self.F.ravel(), minlength=self.n_vertices) > 0).sum())
        return int(used - self.n_edges + self.n_faces)

    # -- checks ---------------------------------------------------------------
    @property
    def _first_index(self):
        """Messages number vertices and faces as the file does: OBJ from 1, others from 0."""
        return 1 if (self.file_format or "").lower() == "obj" else 0

    def problems(self):
        """All defects found, as a list of :class:`Problem` (empty when clean).

        Checked: no vertices, no faces, NaN/inf coordinates, face indices out of
        range, degenerate faces (a repeated index or zero area), duplicate
        vertices (equal coordinates), isolated vertices (in no face),
        non-manifold edges (in more than two faces).
        """
        out = []
        V, F, n, m = self.V, self.F, self.n_vertices, self.n_faces
        b = self._first_index
        if n == 0:
            out.append(Problem("empty", "the mesh has no vertices", 0))
            return out
        if m == 0:
            out.append(Problem("no_faces", f"the mesh has {_count(n, 'vertex', 'vertices')} "
                               "but no triangle faces", 0))
            return out
        bad = np.flatnonzero(~np.isfinite(V).all(axis=1))
        if bad.size:
            out.append(
                Problem(
                    "nan",
                    f"{_count(bad.size, 'vertex has', 'vertices have')} NaN or infinite "
                    f"coordinates (first: vertex {bad[0] + b} = {V[bad[0]].tolist()})",
                    int(bad.size),
                    int(bad[0]),
                )
            )
        bad = np.flatnonzero(((F < 0) | (F >= n)).any(axis=1))
        if bad.size:
            out.append(
                Problem(
                    "index",
                    f"{_count(bad.size, 'face uses', 'faces use')} vertex indices outside "
                    f"{b}..{n - 1 + b} (first: face {bad[0] + b} = {(F[bad[0]] + b).tolist()})",
                    int(bad.size),
                    int(bad[0]),
                )
            )
            return out
        out.extend(self._problems_degenerate())
        dup = _duplicate_groups(V)
        if len(dup):
            first = np.flatnonzero(dup != np.arange(n))
            out.append(
                Problem(
                    "duplicate_vertex",
                    f"{_count(first.size, 'vertex duplicates', 'vertices duplicate')} another "
                    f"vertex's coordinates (first: vertex {first[0] + b} equals vertex "
                    f"{dup[first[0]] + b})",
                    int(first.size),
                    int(first[0]),
                    True,
                )
            )
        used = np.bincount(F.ravel(), minlength=n)
        iso = np.flatnonzero(used == 0)
        if iso.size:
            out.append(
                Problem(
                    "isolated_vertex",
                    f"{_count(iso.size, 'vertex is', 'vertices are')} in no face "
                    f"(first: vertex {iso[0] + b})",
                    int(iso.size),
                    int(iso[0]),
                    True,
                )
            )
        nmv = self.adjacency[3]
        if nmv.any():
            # name the edges: count faces per edge among the faces at those vertices
            Fs = F[nmv[F].any(axis=1)]
            e = np.sort(np.concatenate([Fs[:, [0, 1]], Fs[:, [1, 2]], Fs[:, [2, 0]]]), axis=1)
            e, counts = np.unique(e, axis=0, return_counts=True)
            nm = np.flatnonzero(counts > 2)
            out.append(
                Problem(
                    "non_manifold_edge",
                    f"{_count(nm.size, 'edge is', 'edges are')} shared by more than two "
                    f"faces (first: edge {(e[nm[0]] + b).tolist()} in {counts[nm[0]]} faces)",
                    int(nm.size),
                    tuple(int(x) for x in e[nm[0]]),
                )
            )
        return out

    def _problems_degenerate(self):
        from .triangle import degenerate_faces

        F, b = self.F, self._first_index
        bad = np.flatnonzero(degenerate_faces(self.V, F))
        if not bad.size:
            return []
        return [
            Problem(
                "degenerate_face",
                f"{_count(bad.size, 'face is', 'faces are')} degenerate (a repeated vertex or "
                f"zero area; first: face {bad[0] + b} = {(F[bad[0]] + b).tolist()})",
                int(bad.size),
                int(bad[0]),
                True,
            )
        ]

    def check(self):
        """Raise :class:`geomkit.MeshError` naming the first problem, else return None."""
        if self._checked:
            return None
        probs = self.problems()
        if probs:
            p = probs[0]
            hint = " (use repair=True / --repair to fix it)" if p.repairable else ""
            more = f"; {len(probs) - 1} more problem kind(s)" if len(probs) > 1 else ""
            raise MeshError(f"{_where(self.source)}{p.message}{hint}{more}")
        self._checked = True
        return None

    def repaired(self):
        """Return ``(surface, report)`` with the safe fixes applied.

        Duplicate vertices are merged (faces re-indexed to the first copy),
        degenerate faces removed, isolated vertices removed.  ``report`` maps
        each fix to the number of elements changed.  Problems that have no
        safe fix (NaN, non-manifold edges) are left for :meth:`check`.

        Labels follow: a merged vertex keeps the lowest ``point_index`` of its
        copies and the mean of their ``point_data`` values (a warning says when
        the copies' values differ by more than ``1e-6`` of the array's range);
        removed vertices take their labels with them.
        """
        V, F, uv = self.V, self.F, self.uv
        report = {}
        n = len(V)
        index = self.point_index
        data = {k: np.asarray(v) for k, v in self.point_data.items()}
        if n and len(F) and not ((F < 0) | (F >= n)).any():
            rep = _duplicate_groups(V)
            if len(rep):
                k = int((rep != np.arange(n)).sum())
                F = rep[F]
                report["merged_duplicate_vertices"] = k
                data = _merge_labels(data, rep, n, self.source)
            from .triangle import degenerate_faces

            drop = degenerate_faces(V, F)
            if drop.any():
                report["removed_degenerate_faces"] = int(drop.sum())
                F = F[~drop]
            used = np.bincount(F.ravel(), minlength=n) > 0
            if not used.all():
                report["removed_isolated_vertices"] = int((~used).sum())
                new = np.cumsum(used) - 1
                F = new[F]
                V = V[used]
                index = index[used]
                data = {k: v[used] if v.ndim and len(v) == n else v for k, v in data.items()}
                if uv is not None:
                    uv = uv[used]
        out = TriangleSurface(
            V, F, uv=uv, point_data=data, source=self.source, file_format=self.file_format
        )
        out.point_index = np.asarray(index, dtype=np.int64)
        return out, report


def _merge_labels(data, rep, n, source):
    """Point data of merged vertices: each copy gets its group's mean."""
    import warnings

    out = {}
    cnt = np.bincount(rep, minlength=n).astype(np.float64)
    for k, v in data.items():
        if v.ndim == 0 or len(v) != n or not np.issubdtype(v.dtype, np.number):
            out[k] = v
            continue
        x = v.astype(np.float64).reshape(n, -1)
        tot = np.zeros_like(x)
        np.add.at(tot, rep, x)
        mean = tot[rep] / cnt[rep][:, None]
        spread = np.abs(x - mean).max() if x.size else 0.0
        rng = float(np.ptp(x[np.isfinite(x)])) if np.isfinite(x).any() else 0.0
        if spread > 1e-6 * max(rng, 1e-300):
            warnings.warn(f"{_where(source)}merged duplicate vertices disagree in point data "
                          f"{k!r} (by up to {spread:.3g}); they get the mean", stacklevel=4)
        out[k] = mean.reshape(v.shape)
    return out


def _duplicate_groups(V):
    """For each vertex, the index of the first vertex with equal coordinates.

    Returns an empty array when there is no duplicate.  O(n log n): rows are
    sorted by a random projection, then equal projections are compared in full.
    """
    n = len(V)
    if n < 2:
        return np.zeros(0, dtype=np.int64)
    finite = np.isfinite(V).all(axis=1)
    h = V @ np.array([0.7548776662466927, 0.5698402909980532, 0.3247179572447461])
    h = np.where(finite, h, np.inf)
    order = np.argsort(h, kind="stable")
    hs = h[order]
    same = (hs[1:] == hs[:-1]) & np.isfinite(hs[1:])
    if not same.any():
        return np.zeros(0, dtype=np.int64)
    rep = np.arange(n)
    for k in np.flatnonzero(same):
        a, b = order[k], order[k + 1]
        if np.array_equal(V[a], V[b]):
            ra = rep[a]
            first = min(ra, rep[b])
            rep[b] = first
            rep[a] = first
    # resolve chains (a run of equal points all to its smallest index)
    rep = rep[rep]
    if (rep == np.arange(n)).all():
        return np.zeros(0, dtype=np.int64)
    return rep


class StructuredSurface:
    """A structured surface grid: blocks ``X: (ni, nj, 3)``, chart = grid indices.

    Parameters
    ----------
    blocks : sequence of array_like, each (ni, nj, 3)
        Point coordinates of each patch; ``X[i, j]`` is grid point ``(i, j)``.
    source, file_format : str, optional
    seam_rtol : float
        Points of block edges closer than this fraction of the local grid
        spacing are one physical point (see :attr:`connectivity`).

    ``point_data`` holds per-point arrays read with the grid (labels such as
    Plot3D function-file variables), ``point_index`` each point's number in the
    input file.

    >>> import numpy as np
    >>> u, v = np.meshgrid(np.linspace(0, 1, 4), np.linspace(0, 1, 3), indexing='ij')
    >>> s = StructuredSurface([np.stack([u, v, u * v], axis=-1)])
    >>> s.shapes, s.n_vertices
    ([(4, 3)], 12)
    >>> s.points[:2].tolist()   # i fastest
    [[0.0, 0.0, 0.0], [0.3333333333333333, 0.0, 0.0]]
    """

    kind = "structured"
    structured = True
    has_chart = True
    uv = None

    def __init__(self, blocks, source=None, file_format=None, seam_rtol=0.1):
        self.source = source
        self.seam_rtol = seam_rtol
        self.file_format = file_format
        if isinstance(blocks, np.ndarray) and blocks.ndim == 3:
            blocks = [blocks]
        out = []
        for b, X in enumerate(blocks):
            X = np.array(X, dtype=np.float64)
            if X.ndim != 3 or X.shape[2] != 3:
                raise MeshError(
                    f"{_where(source)}block {b} must have shape (ni, nj, 3), got {X.shape}"
                )
            out.append(_readonly(np.ascontiguousarray(X)))
        if not out:
            raise MeshError(f"{_where(source)}the grid has no blocks")
        self.blocks = out
        self.point_data = {}
        self.point_index = np.arange(self.n_vertices, dtype=np.int64)
        self._checked = False

    @cached_property
    def connectivity(self):
        """Block connectivity: welded points, seams, creases, collapsed edges and
        block orientation signs (:func:`geomkit.mesh.connectivity.block_connectivity`)."""
        from .connectivity import block_connectivity

        return block_connectivity(self.blocks, self.seam_rtol, self.source)

    def __repr__(self):
        name = f" {self.source!r}" if self.source else ""
        dims = ", ".join(f"{a}x{b}" for a, b in self.shapes)
        return f"<StructuredSurface{name}: {len(self.blocks)} block(s) {dims}>"

    @property
    def shapes(self):
        """``[(ni, nj), ...]``, one per block."""
        return [X.shape[:2] for X in self.blocks]

    @property
    def n_vertices(self):
        return int(sum(a * b for a, b in self.shapes))

    @property
    def n_faces(self):
        """Number of grid cells (quadrilaterals)."""
        return int(sum(max(a - 1, 0) * max(b - 1, 0) for a, b in self.shapes))

    @property
    def offsets(self):
        """First point number of each block, (nblocks + 1,) int64."""
        return np.concatenate([[0], np.cumsum([a * b for a, b in self.shapes])]).astype(np.int64)

    @cached_property
    def points(self):
        """All points, (n, 3) float64, block by block, ``i`` fastest."""
        return _readonly(
            np.concatenate([X.transpose(1, 0, 2).reshape(-1, 3) for X in self.blocks])
        )

    @property
    def V(self):
        return self.points

    @cached_property
    def bounds(self):
        P = self.points
        ok = np.isfinite(P).all(axis=1)
        if not ok.any():
            return np.full(3, np.nan), np.full(3, np.nan)
        return P[ok].min(axis=0), P[ok].max(axis=0)

    @cached_property
    def quads(self):
        """Grid cells as quadrilaterals ``(q, 4)`` int64 (point numbers, counter-clockwise
        in (i, j))."""
        out = []
        for (ni, nj), off in zip(self.shapes, self.offsets[:-1]):
            if ni < 2 or nj < 2:
                continue
            i, j = np.meshgrid(np.arange(ni - 1), np.arange(nj - 1), indexing="ij")
            p = off + i + ni * j
            out.append(np.stack([p, p + 1, p + 1 + ni, p + ni], axis=-1).reshape(-1, 4))
        if not out:
            return np.zeros((0, 4), dtype=np.int64)
        return np.concatenate(out).astype(np.int64)

    def to_triangles(self):
        """The grid as a :class:`TriangleSurface` (each cell split along its diagonal)."""
        q = self.quads
        F = np.concatenate([q[:, [0, 1, 2]], q[:, [0, 2, 3]]])
        return TriangleSurface(self.points, F, source=self.source, file_format=self.file_format)

    def problems(self):
        """Defects: too few points in a direction, NaN/inf, collapsed cells (X_i x X_j = 0).

        Collapsed cells are detected on the grid edges: a zero-length grid edge
        makes the chart singular there (g is not invertible), except along a
        block edge all of whose points coincide (a pole or collapsed line: its
        features come from a fit on the welded surface).
        """
        out = []
        for b, X in enumerate(self.blocks):
            ni, nj = X.shape[:2]
            if ni < 3 or nj < 3:
                out.append(
                    Problem(
                        "too_small",
                        f"block {b} is {ni}x{nj}: at least 3 points are needed in each "
                        "direction for second derivatives",
                        1,
                        (b,),
                    )
                )
                continue
            bad = ~np.isfinite(X).all(axis=2)
            if bad.any():
                i, j = np.argwhere(bad)[0]
                out.append(
                    Problem(
                        "nan",
                        f"block {b}: {int(bad.sum())} grid points have NaN or infinite "
                        f"coordinates (first: (i, j) = ({i}, {j}))",
                        int(bad.sum()),
                        (b, int(i), int(j)),
                    )
                )
                continue
            scale = float(np.ptp(X.reshape(-1, 3), axis=0).max()) or 1.0
            for axis, name in ((0, "i"), (1, "j")):
                step = np.linalg.norm(np.diff(X, axis=axis), axis=2)
                zero = step <= 1e-13 * scale
                # a whole block edge collapsed to one point (a pole) is a recognised
                # singular line, handled by the features; other zero-length edges are not
                for side in (0, -1):
                    line = zero[:, side] if axis == 0 else zero[side, :]
                    if line.all():
                        line[:] = False
                if zero.any():
                    i, j = np.argwhere(zero)[0]
                    out.append(
                        Problem(
                            "collapsed",
                            f"block {b}: {int(zero.sum())} zero-length grid edges in direction "
                            f"{name} (first between (i, j) = ({i}, {j}) and the next point): "
                            "the chart is singular there",
                            int(zero.sum()),
                            (b, int(i), int(j)),
                        )
                    )
        return out

    def check(self):
        """Raise :class:`geomkit.MeshError` naming the first problem, else return None."""
        if self._checked:
            return None
        probs = self.problems()
        if probs:
            more = f"; {len(probs) - 1} more problem(s)" if len(probs) > 1 else ""
            raise MeshError(f"{_where(self.source)}{probs[0].message}{more}")
        self._checked = True
        return None
