"""From surfaces to learned pressure coefficients: training tables and learners.

* :func:`dataset`, :func:`wing_table`, :func:`mesh_edges`, :func:`neighbour_features`,
  :func:`write_labels`, :func:`read_labels` -- one row per surface point and
  flight condition, streamed from many files (:mod:`geomkit.learn.tables`);
* :func:`feature_sets`, :func:`fit_predict`, :func:`compare` -- the same learner
  on nested feature sets, split by wing (:mod:`geomkit.learn.model`; needs the
  ``learn`` extra, scikit-learn).

Labels themselves come from files or from :func:`geomkit.aero.surface_cp`.
"""

from importlib import import_module

_LAZY = {
    "dataset": "tables", "wing_table": "tables", "mesh_edges": "tables",
    "neighbour_features": "tables", "write_labels": "tables", "read_labels": "tables",
    "DEFAULT_NEIGHBOUR_FEATURES": "tables",
    "feature_sets": "model", "fit_predict": "model", "compare": "model",
    "split_by_wing": "model",
}

__all__ = sorted(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(f"geomkit.learn.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'geomkit.learn' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
