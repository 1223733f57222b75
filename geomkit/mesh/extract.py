r"""Per-point geometric features of a surface, and the per-file work unit.

:func:`features` returns a dict of float64 arrays with fixed names (``n`` is the
number of points):

=========  ============  =====================================================
name       shape         meaning
=========  ============  =====================================================
normal     (n, 3)        unit normal ``N``
K          (n,)          Gaussian curvature ``det S``
H          (n,)          mean curvature ``tr S / 2``
k1, k2     (n,)          principal curvatures, ``k1 >= k2``
d1, d2     (n, 3)        unit principal directions, ``d2 = N x d1``
S          (n, 3, 3)     shape operator as an ambient tensor ``k1 d1 d1^T + k2 d2 d2^T``
g          (n, 2, 2)     metric ``g_ij = X_i . X_j``            (chart)
dg         (n, 2, 2, 2)  ``d_k g_ij`` at ``[:, k, i, j]``          (chart)
Gamma      (n, 2, 2, 2)  ``Gamma^k_ij`` at ``[:, k, i, j]``        (chart)
b          (n, 2, 2)     second fundamental form ``b_ij = X_ij . N``  (chart)
R1212      (n,)          ``R_1212 = det b = K det g``           (chart)
dA         (n,)          area element ``sqrt(det g)``           (chart)
=========  ============  =====================================================

A structured surface with a collapsed block edge (a pole) also gets
``chart_valid`` (n,): 0.0 where the chart is singular and the chart features
are NaN, 1.0 elsewhere (see :mod:`geomkit.mesh.seams`).

**Conventions.**  ``S = g^-1 b`` with ``b_ij = X_ij . N`` (``docs/conventions.md``): with
the outward normal a sphere of radius ``a`` has ``H = k1 = k2 = -1/a`` and
``K = 1/a^2``; reversing the normal flips ``H, k1, k2, b`` (and swaps the
roles of ``k1``, ``k2``) but not ``K`` or ``R1212``.  The normal of a triangle
mesh follows its face orientation (counter-clockwise faces seen from outside
give the outward normal); that of a grid is ``X_i x X_j`` (the chart's).

**Chart dependence.**  ``K, H, k1, k2, d1, d2, normal, S`` are
invariants.  ``g, dg, Gamma, b, R1212, dA`` are components in a chart: the
``(i, j)`` index chart of a structured grid, or the ``uv`` parameterisation of
a triangle mesh that carries one.  A triangle mesh without ``uv`` has no chart,
and asking for chart features is an error (they would be made up).

**Error estimates** (triangle meshes, methods 'auto' and 'corrected'):
``K_err``, ``H_err`` (n,), the estimated absolute error of ``K`` and ``H`` at
each point (an order of magnitude; see :func:`geomkit.mesh.triangle.curvature`).
"""

import os
import time

import numpy as np

from ..errors import MeshError

__all__ = [
    "FEATURES",
    "INVARIANT_FEATURES",
    "CHART_FEATURES",
    "FEATURE_SHAPES",
    "ERROR_FEATURES",
    "features",
    "process_file",
]

INVARIANT_FEATURES = ("normal", "K", "H", "k1", "k2", "d1", "d2", "S")
CHART_FEATURES = ("g", "dg", "Gamma", "b", "R1212", "dA")
#: per-point error estimates of the triangle-mesh curvature (methods 'auto', 'corrected')
ERROR_FEATURES = ("K_err", "H_err")
FEATURES = INVARIANT_FEATURES + CHART_FEATURES + ERROR_FEATURES
#: per-point shape of each feature
FEATURE_SHAPES = {
    "normal": (3,), "K": (), "H": (), "k1": (), "k2": (), "d1": (3,), "d2": (3,),
    "S": (3, 3), "g": (2, 2), "dg": (2, 2, 2), "Gamma": (2, 2, 2), "b": (2, 2),
    "R1212": (), "dA": (), "chart_valid": (),
}  # fmt: skip
_DEFAULT = ("normal", "K", "H", "k1", "k2", "d1", "d2")
_DEFAULT_CHART = ("g", "Gamma", "b", "R1212")
FEATURE_SHAPES.update({k: () for k in ERROR_FEATURES})


def _names(names, surface):
    if names is None:
        names = _DEFAULT + (_DEFAULT_CHART if surface.has_chart else ())
    elif isinstance(names, str):
        names = [x.strip() for x in names.split(",") if x.strip()]
    names = list(dict.fromkeys(names))
    unknown = [x for x in names if x not in FEATURES]
    if unknown:
        raise MeshError(
            f"unknown feature(s) {', '.join(map(repr, unknown))}; known: {', '.join(FEATURES)}"
        )
    if not names:
        raise MeshError("no feature requested")
    chart = [x for x in names if x in CHART_FEATURES]
    if chart and not surface.has_chart:
        where = f"{surface.source}: " if surface.source else ""
        raise MeshError(
            f"{where}chart features {', '.join(chart)} need a parameterisation: this triangle "
            "mesh has no uv coordinates (they depend on the chart and are not made up; "
            "use a structured grid or a mesh with uv point data)"
        )
    return names


def features(surface, names=None, method="auto", degree=None, crease_angle=60.0):
    """Geometric features of a surface, one row per point.

    Parameters
    ----------
    surface : TriangleSurface, StructuredSurface, or a path (read with
        :func:`geomkit.mesh.read`)
    names : sequence of str or comma-separated str, optional
        Features to compute (table in the module docstring).  Default:
        ``normal, K, H, k1, k2, d1, d2`` and, when the surface has a chart,
        ``g, Gamma, b, R1212``.
    method : {'auto', 'corrected', 'jet', 'one-ring'}
        Triangle meshes only (:func:`geomkit.mesh.triangle.curvature`): 'auto'
        (default) takes per vertex the one-ring value where the mesh makes it
        trustworthy and else the quartic jet corrected by the one-ring
        estimators; 'corrected' always the latter; 'jet' the jet fit alone;
        'one-ring' the angle defect and cotan Laplacian (no ``d1``, ``d2``, ``S``).
    degree : {3, 4}, optional
        Triangle meshes: degree of the jet fit inside the surface (4 near the
        boundary in any case); default 4 for 'auto' and 'corrected', 3 for
        'jet' (4 is more accurate, about 1.5 times slower).
    crease_angle : float or None
        Triangle meshes, jet fits: edges whose faces' normals differ by more
        than this many degrees (a sharp trailing edge) are cut before fitting,
        so no fit crosses them; a vertex on such an edge takes the values of
        one side.  None or 0 disables.

    Returns
    -------
    dict name -> float64 array (shapes in the module docstring).  Points are
    the surface's (``surface.points``).

    Raises :class:`geomkit.MeshError` for bad input (see ``surface.check()``),
    unknown names, chart features without a chart, and any point where a
    feature would be NaN or infinite (it names the point).

    >>> from geomkit.mesh import StructuredSurface
    >>> from geomkit.mesh.demo import wing_grid
    >>> f = features(StructuredSurface([wing_grid(33, 9)]), ['K', 'H', 'g'])
    >>> f['g'].shape, f['K'].dtype
    ((297, 2, 2), dtype('float64'))
    """
    if isinstance(surface, (str, os.PathLike)):
        from .io import read

        surface = read(surface)
    _check_surface(surface, "features()")
    names = _names(names, surface)
    surface.check()
    where = f"{surface.source}: " if surface.source else ""
    err = [x for x in names if x in ERROR_FEATURES]
    if err and (surface.structured or method not in ("auto", "corrected")):
        raise MeshError(
            f"{where}{', '.join(err)}: error estimates come with the triangle-mesh methods "
            "'auto' and 'corrected' only"
        )
    if surface.structured:
        from .structured import structured_features

        out = structured_features(surface, names)
    else:
        out = _triangle_features(surface, names, method, where, degree, crease_angle)
    valid = out.get("chart_valid")
    out = {k: np.ascontiguousarray(out[k], dtype=np.float64)
           for k in [*names, "chart_valid"] if k in out}
    for k, v in out.items():
        if np.isfinite(v).all():
            continue
        bad = ~np.isfinite(v.reshape(len(v), -1)).all(axis=1)
        if valid is not None and k in CHART_FEATURES:
            bad &= valid > 0  # NaN by design where the chart is singular
        if bad.any():
            p = int(np.flatnonzero(bad)[0])
            at = f"point {p}" if surface.structured else _vertex_label(surface)(p)
            raise MeshError(
                f"{where}feature {k!r} is not finite at {at} ({int(bad.sum())} points); "
                "the surface is degenerate there"
            )
    return out


def _vertex_label(surface, orig=None):
    """``label(v)`` naming vertex ``v`` of a triangle surface in messages as its
    file does: through ``point_index`` (a repaired mesh keeps the numbers of the
    input), from 1 for OBJ.  ``orig`` maps the vertices of a crease-cut mesh to
    the surface's."""
    index = getattr(surface, "point_index", None)
    base = getattr(surface, "_first_index", 0)

    def label(v):
        if orig is not None:
            v = int(orig[v])
        if index is not None and v < len(index):
            v = int(index[v])
        return f"vertex {v + base}"

    return label


def _check_surface(surface, where):
    if all(hasattr(surface, a) for a in ("structured", "has_chart", "n_vertices")):
        return
    what = type(surface).__name__
    if isinstance(surface, np.ndarray):
        what = f"an array of shape {surface.shape}"
    raise MeshError(
        f"{where} takes a surface or a file path, got {what}: read a file with "
        "gk.mesh.read(path), or wrap arrays as gk.mesh.TriangleSurface(V, F) "
        "(points (n, 3), triangles (m, 3)) or gk.mesh.StructuredSurface([X]) (grids (ni, nj, 3))"
    )


def _triangle_features(surface, names, method, where, degree, crease_angle):
    from . import triangle as tri
    from .pointwise import jet_features, shape_tensor

    V0, F0 = V, F = surface.V, surface.F
    adj0 = adj = surface.adjacency
    label = label0 = _vertex_label(surface)
    if adj[3].any():
        v = int(np.flatnonzero(adj[3])[0])
        raise MeshError(f"{where}{label(v)} is on a non-manifold edge (more than two faces)")
    out = {}
    inv = [x for x in names if x in INVARIANT_FEATURES]
    chart = [x for x in names if x in CHART_FEATURES]
    method = tri._method(method)
    est = [x for x in names if x in INVARIANT_FEATURES or x in ERROR_FEATURES]
    back, uv, N0 = None, surface.uv, None
    if method != "one-ring" and crease_angle:
        N0 = tri._checked_normals(V, F, where, label=label)
        V2, F2, orig = tri.split_creases(V, F, crease_angle, normals=N0)
        if orig is not None:
            label = _vertex_label(surface, orig)
            # vertices keep their indices, copies come after: the input's rows are
            # the first len(V0) (a view, not a gather of every output array)
            back = slice(0, len(V0))
            V, F = V2, F2
            adj = tri.adjacency(F, len(V))
            uv = None if uv is None else uv[orig]
    if est:
        if method != "one-ring":
            r = tri.curvature(V, F, adj, where, method, degree, strict=back is None,
                              normals=N0 if back is None else None, label=label)
            if back is not None:
                r = {k: v[back] for k, v in r.items()}
                failed = r["status"] == 2
                if failed.any():  # a fan cut too small to fit: fit those on the uncut mesh
                    r2 = tri.curvature(V0, F0, adj0, where, method, degree, todo=failed,
                                       label=label0)
                    for k in r:
                        r[k][failed] = r2[k][failed]
            if "S" in inv:
                r["S"] = shape_tensor(r["k1"], r["k2"], r["d1"], r["d2"])
        elif method in ("one-ring", "one_ring"):
            missing = [x for x in inv if x in ("d1", "d2", "S")]
            if missing:
                raise MeshError(
                    f"the one-ring method gives no {', '.join(missing)}; use method='jet'"
                )
            r = tri.one_ring(V, F, adj, where, label)
        out.update({k: r[k] for k in est})
    if chart:
        J = tri.uv_jet(V, F, uv, adj, where, 3 if degree is None else degree, label)
        if back is not None:
            J = np.ascontiguousarray(J[:, back])
        out.update(jet_features(J, chart, where))
    return out


def process_file(
    input_path,
    output_path,
    features=None,
    fmt=None,
    repair=False,
    method="auto",
    degree=None,
    crease_angle=60.0,
    compress=False,
    seam_rtol=0.1,
):
    """Read one surface file, compute its features, write them; the unit of batch work.

    ``seam_rtol``: the seam tolerance of multi-block grids (:func:`geomkit.mesh.read`).

    Returns a small summary dict: ``input``, ``output``, ``format`` (output),
    ``kind`` ('structured' or 'triangles'), ``n_points``, ``features`` (names),
    ``repaired`` (what ``repair=True`` fixed), ``seconds``.  Raises
    :class:`geomkit.MeshError` on bad input.
    """
    from .._progress import stage
    from .io import read, write

    t0 = time.perf_counter()
    stage("reading")
    surface = read(input_path, repair=repair, seam_rtol=seam_rtol)
    stage("computing")
    feats = globals()["features"](
        surface, features, method=method, degree=degree, crease_angle=crease_angle
    )
    stage("writing")
    out = write(output_path, surface, feats, fmt=fmt, compress=compress)
    return {
        "input": os.fspath(input_path),
        "output": os.fspath(out),
        "format": os.path.splitext(os.fspath(out))[1].lstrip(".") if fmt is None else fmt,
        "kind": surface.kind,
        "n_points": int(surface.n_vertices),
        "features": list(feats),
        "repaired": dict(getattr(surface, "repair_report", {}) or {}),
        "seconds": time.perf_counter() - t0,
    }
