"""From surfaces to learned pressure coefficients: training tables and learners.

* :func:`dataset`, :func:`wing_table`, :func:`mesh_edges`, :func:`neighbour_features`,
  :func:`write_labels`, :func:`read_labels` -- one row per surface point and
  flight condition, streamed from many files (:mod:`geomkit.learn.tables`);
* :func:`feature_sets`, :func:`fit_predict`, :func:`compare` -- the same learner
  on nested feature sets, split by wing (:mod:`geomkit.learn.model`; needs the
  ``learn`` extra, scikit-learn).

Labels themselves come from files or from :func:`geomkit.aero.surface_cp`.
"""

from .model import compare, feature_sets, fit_predict, split_by_wing
from .tables import (
    DEFAULT_NEIGHBOUR_FEATURES,
    dataset,
    mesh_edges,
    neighbour_features,
    read_labels,
    wing_table,
    write_labels,
)

# both modules import only numpy at load time; scikit-learn and pyarrow on first use
__all__ = [
    "DEFAULT_NEIGHBOUR_FEATURES", "compare", "dataset", "feature_sets", "fit_predict",
    "mesh_edges", "neighbour_features", "read_labels", "split_by_wing", "wing_table",
    "write_labels",
]
