r"""The same learner on nested feature sets, split by wing.

Feature sets (columns of a :func:`geomkit.learn.dataset` table):

* ``a`` -- coordinates ``x, y, z`` and flight conditions ``mach, alpha``;
* ``b`` -- ``a`` + invariants ``normal_*, K, H, k1, k2``;
* ``c`` -- ``b`` + chart features ``g_*, Gamma_*, b_*`` (grid-dependent);
* ``d`` -- ``c`` + neighbourhood features ``nb_*``.

:func:`compare` trains scikit-learn's ``HistGradientBoostingRegressor`` (the
``learn`` extra) on each set with the same wings held out (no wing in both
train and test) for each seed and returns the test mean squared errors.
"""

import numpy as np

from ..errors import GeomkitError

__all__ = ["feature_sets", "split_by_wing", "fit_predict", "compare"]


def feature_sets(columns):
    """``{'a': [...], 'b': [...], 'c': [...], 'd': [...]}`` from a table's column names.

    >>> sets = feature_sets(['wing', 'x', 'y', 'z', 'mach', 'alpha', 'K', 'g_11', 'nb_mean_K'])
    >>> sets['a'], sets['d'][-3:]
    (['x', 'y', 'z', 'mach', 'alpha'], ['K', 'g_11', 'nb_mean_K'])
    """
    cols = list(columns)
    base = [c for c in ("x", "y", "z", "mach", "alpha") if c in cols]
    inv = [c for c in cols if c in ("K", "H", "k1", "k2") or c.startswith("normal_")]
    chart = [c for c in cols if c.split("_")[0] in ("g", "Gamma", "b")]
    nb = [c for c in cols if c.startswith("nb_")]
    return {"a": base, "b": base + inv, "c": base + inv + chart, "d": base + inv + chart + nb}


def split_by_wing(wing, test_fraction=0.25, seed=0):
    """Boolean test mask over rows: a random ``test_fraction`` of the wings."""
    ids = np.unique(wing)
    rng = np.random.default_rng(seed)
    k = max(1, int(round(test_fraction * len(ids))))
    test = rng.choice(ids, size=k, replace=False)
    return np.isin(wing, test)


def _learner(seed, **params):
    try:
        from sklearn.ensemble import HistGradientBoostingRegressor
    except ImportError:
        raise GeomkitError("learning needs the 'learn' extra: pip install scikit-learn "
                           "(or geomkit[learn])") from None
    opts = dict(max_iter=300, learning_rate=0.1, max_leaf_nodes=63, early_stopping=False,
                random_state=seed)
    opts.update(params)
    return HistGradientBoostingRegressor(**opts)


def fit_predict(table, columns, label="Cp", test=None, seed=0, threads=1, **params):
    """Fit on the rows not in ``test`` (a boolean mask), predict all rows;
    returns ``(model, prediction)``.  ``threads``: OpenMP threads of the learner
    (1 by default: on a shared machine more threads are often much slower)."""
    X = np.column_stack([np.asarray(table[c], np.float64) for c in columns])
    y = np.asarray(table[label], np.float64)
    train = ~test if test is not None else np.ones(len(y), bool)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(threads):
        model = _learner(seed, **params).fit(X[train], y[train])
        pred = model.predict(X)
    return model, pred


def compare(table, label="Cp", sets=None, seeds=(0, 1, 2), test_fraction=0.25, **params):
    """Test MSE of each feature set for each seed: ``{set: [mse per seed]}``; the
    seed chooses the held-out wings and the learner's randomness."""
    sets = sets or feature_sets(table.keys())
    y = np.asarray(table[label], np.float64)
    out = {k: [] for k in sets}
    for s in seeds:
        test = split_by_wing(np.asarray(table["wing"]), test_fraction, s)
        for k, cols in sets.items():
            _, pred = fit_predict(table, cols, label, test, s, **params)
            out[k].append(float(np.mean((pred[test] - y[test]) ** 2)))
    return out
