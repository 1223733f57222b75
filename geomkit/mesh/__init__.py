"""Geometric features of surfaces read from mesh files.

>>> import geomkit as gk
>>> from geomkit.mesh.demo import wing_grid
>>> s = gk.mesh.StructuredSurface([wing_grid(33, 9)])
>>> sorted(gk.mesh.features(s))
['Gamma', 'H', 'K', 'R1212', 'b', 'd1', 'd2', 'g', 'k1', 'k2', 'normal']

* :func:`read` / :func:`write` / :func:`read_features` / :func:`info` -- files
  (:mod:`geomkit.mesh.io`, Plot3D in :mod:`geomkit.mesh.plot3d`);
* :class:`TriangleSurface`, :class:`StructuredSurface` -- containers that check
  and repair themselves (:mod:`geomkit.mesh.surface`);
* :func:`features` -- per-point normal, K, H, k1, k2, directions, and in a
  chart g, dg, Gamma, b, R1212 (:mod:`geomkit.mesh.extract`);
* :func:`process_file` -- read, compute, write one file (the batch work unit);
* :func:`jet_fit`, :func:`one_ring`, :func:`angle_defect`, :func:`adjacency`,
  :func:`vertex_normals` -- array functions on ``(V, F)`` (:mod:`geomkit.mesh.triangle`);
* :func:`grid_jet` -- finite-difference 2-jets of grids (:mod:`geomkit.mesh.structured`);
* :func:`block_connectivity` -- seams, creases, poles and orientation of multi-block
  grids (:mod:`geomkit.mesh.connectivity`; ``surface.connectivity``), used by
  :func:`features` to difference across seams (:mod:`geomkit.mesh.seams`);
* :func:`labels` -- the point data and input point numbers written with the features.
* :func:`wing`, :class:`WingParams`, :func:`sample_family` -- exact parametric wing
  families (:mod:`geomkit.mesh.wings`).

Modules are imported on first use, so ``geomkit info`` does not load numba.
"""

from importlib import import_module

_LAZY = {
    "read": "io",
    "write": "io",
    "read_features": "io",
    "info": "io",
    "OUTPUT_FORMATS": "io",
    "TriangleSurface": "surface",
    "StructuredSurface": "surface",
    "Problem": "surface",
    "features": "extract",
    "process_file": "extract",
    "FEATURES": "extract",
    "FEATURE_SHAPES": "extract",
    "INVARIANT_FEATURES": "extract",
    "CHART_FEATURES": "extract",
    "jet_fit": "triangle",
    "one_ring": "triangle",
    "angle_defect": "triangle",
    "adjacency": "triangle",
    "vertex_normals": "triangle",
    "uv_jet": "triangle",
    "split_creases": "triangle",
    "grid_jet": "structured",
    "read_plot3d": "plot3d",
    "write_plot3d": "plot3d",
    "block_connectivity": "connectivity",
    "labels": "io",
    "wing": "wings",
    "WingParams": "wings",
    "sample_family": "wings",
}

__all__ = sorted(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(f"geomkit.mesh.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'geomkit.mesh' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
