"""The default triangle-mesh curvature ('auto') against geomkit's individual estimators.

Analytic surfaces (``curvature_surfaces``), regular and jittered, at ~600, ~5k
and (slow) ~40k vertices.  Errors are RMS over the interior vertices, where the
one-ring formulas hold (at boundary vertices the one-ring method only copies
its interior neighbours' mean); boundaries are checked against the interior.
"""

import numpy as np
import pytest
from curvature_surfaces import KINDS, OWN, errors, make, rms, spacing

from geomkit import MeshError
from geomkit.mesh import StructuredSurface, TriangleSurface, features
from geomkit.mesh import triangle as tri
from geomkit.mesh.demo import wing_grid

#: a file's default error may exceed the best individual estimator's by this
#: factor: within it the selection is tied (0.5 % RMS differences between the
#: corrected jet and the quartic jet on boundary-dominated files)
TOL = 1.05
#: measured gaps (default / best individual estimator, interior RMS) on the files
#: where the selection does not reach the best: regular grids, where the quartic
#: jet alone is superconvergent and the one-ring correction costs up to 1.7x;
#: the coarsest regular torus, icosphere and cylinder, where the one-ring value
#: (exact or superconvergent there) is not recognised at every vertex; and the
#: jittered UV sphere, whose second ring around each pole (triangles 20:1 and
#: worse) keeps a 5e-3 error with every method.  The tests keep them from growing
#: (the lattice check of the one-ring value took the 40k regular torus from
#: 1.6x to 1.2x and the 40k regular wing's H from 1.2x to 0.8x).
GAPS = {
    ("sphere", True, 600): (1.15, 1.15), ("sphere", True, 5000): (1.6, 1.6),
    ("sphere", True, 40000): (1.55, 1.45),
    ("icosphere", False, 600): (TOL, 16.0),
    ("torus", False, 600): (1.6, 4.3), ("torus", False, 5000): (1.25, 1.15),
    ("torus", False, 40000): (1.25, 1.2),
    ("saddle", False, 600): (1.15, 1.35), ("saddle", False, 5000): (1.2, 1.4),
    ("saddle", False, 40000): (1.25, 1.45), ("saddle", True, 600): (1.1, TOL),
    ("cylinder", False, 600): (TOL, 1e12),
    ("wing", False, 5000): (1.8, TOL), ("wing", False, 40000): (1.7, TOL),
    ("wing", True, 5000): (1.1, TOL),
}  # fmt: skip


@pytest.fixture(scope="module")
def table():
    """Lazily computed interior errors: ``table(kind, jittered, n)`` -> (auto, {own})."""
    cache = {}

    def get(kind, jittered, n):
        key = (kind, jittered, n)
        if key not in cache:
            V, F, ans = make(kind, n, jittered)
            cache[key] = (errors(V, F, ans), {m: errors(V, F, ans, **kw) for m, kw in OWN.items()})
        return cache[key]

    return get


def _check_against_own(kind, jittered, n, table):
    auto, own = table(kind, jittered, n)
    bound = GAPS.get((kind, jittered, n), (TOL, TOL))
    for q, b in zip("KH", bound):
        best = min(e[q] for e in own.values())
        # an error at rounding level (an exact one-ring value) cannot be beaten
        assert auto[q] <= b * best + 1e-12, (q, auto[q], {m: e[q] for m, e in own.items()})


@pytest.mark.parametrize("jittered", [False, True], ids=["regular", "jittered"])
@pytest.mark.parametrize("n", [600, 5000])
@pytest.mark.parametrize("kind", KINDS)
def test_default_no_worse_than_best_own_estimator(kind, n, jittered, table):
    _check_against_own(kind, jittered, n, table)


@pytest.mark.slow
@pytest.mark.parametrize("jittered", [False, True], ids=["regular", "jittered"])
@pytest.mark.parametrize("kind", KINDS)
def test_default_no_worse_than_best_own_estimator_40k(kind, jittered, table):
    _check_against_own(kind, jittered, 40000, table)


@pytest.mark.parametrize("kind", KINDS)
def test_third_order_convergence_on_irregular_meshes(kind):
    """Jittered meshes, 5k -> 40k vertices: order >= 1.8 required, about 3 measured
    (the one-ring correction reads the quartic fit's residuals)."""
    e, h = [], []
    for n in (5000, 40000):
        V, F, ans = make(kind, n, True)
        keep = ans["mask"].copy()
        if kind == "sphere":  # not the two rings around each pole (see GAPS)
            t = np.arccos(np.clip(V[:, 2], -1, 1))
            keep &= np.minimum(t, np.pi - t) > 2.5 * np.pi / round(np.sqrt(n / 2))
        f = features(TriangleSurface(V, F), ["K", "H"])
        e.append([rms((f[q] - ans[q])[keep]) for q in "KH"])
        h.append(spacing(V, F))
    order = np.log(np.divide(*e)) / np.log(h[0] / h[1])
    assert (order >= 2.5).all(), (order, e)


def test_boundary_keeps_the_one_sided_jet():
    """Boundary vertices take the one-sided quartic jet (the one-ring formulas
    do not hold there): the same values as ``method='jet', degree=4``, and on the
    jittered saddle their largest error stays within 2x the interior's of the
    cubic jet (the previous default)."""
    V, F, ans = make("saddle", 5000, True)
    s = TriangleSurface(V, F)
    auto = features(s, ["K", "H"])
    jet4 = features(s, ["K", "H"], method="jet", degree=4)
    jet3 = features(s, ["K", "H"], method="jet")
    bd = ans["boundary"]
    for q in "KH":
        assert np.array_equal(auto[q][bd], jet4[q][bd])
        assert np.abs(auto[q] - ans[q])[bd].max() <= 2 * np.abs(jet3[q] - ans[q])[~bd].max()


def test_corrected_jet_beats_the_jet_on_irregular_meshes():
    """The one-ring reading of the fit's residuals: the jittered icosphere's
    error drops below the quartic jet's (by ~3x), and the correction vanishes
    where the fit interpolates its one-ring exactly (a plane)."""
    V, F, ans = make("icosphere", 2500, True)
    s = TriangleSurface(V, F)
    c = features(s, ["K", "H"], method="corrected")
    j = features(s, ["K", "H"], method="jet", degree=4)
    for q in "KH":
        assert rms(c[q] - ans[q]) < 0.5 * rms(j[q] - ans[q])
    x = np.linspace(0, 1, 12)
    X, Y = np.meshgrid(x, x)
    rng = np.random.default_rng(0)
    P = np.stack([X.ravel() + 0.02 * rng.uniform(-1, 1, X.size), Y.ravel(), 0 * X.ravel()], 1)
    from mesh_surfaces import grid_triangles

    r = tri.curvature(P @ np.linalg.qr(rng.normal(size=(3, 3)))[0], grid_triangles(12, 12),
                      method="corrected")
    assert np.abs(r["K"]).max() < 1e-9 and np.abs(r["H"]).max() < 1e-9


def test_one_ring_kept_where_exact():
    """On the regular cylinder the angle defect and the cotangent Laplacian are
    exact; the default keeps them at (almost) every interior vertex from 5k on."""
    V, F, ans = make("cylinder", 5000)
    r = tri.curvature(V, F)
    inner = ~ans["boundary"]
    assert np.mean(r["K_choice"][inner] == 2) > 0.95
    assert np.mean(r["H_choice"][inner] == 2) > 0.95
    assert np.abs(r["K"][inner]).max() < 1e-9
    assert set(np.unique(r["K_choice"][ans["boundary"]])) == {0}


def test_one_ring_must_hold_at_twice_the_spacing():
    """On a regular lattice the one-ring value is taken only where it also holds
    on the fan at twice the spacing.  On the regular torus its O(h^2) error agrees
    with the corrected jet at scattered vertices by chance: those are left out
    (the vertices that keep it are 10x more accurate than the rest, against
    about as accurate without the check), while the icosphere's superconvergent
    cotangent-Laplacian H and the cylinder's exact values are kept."""
    V, F, ans = make("torus", 5000)
    r = tri.curvature(V, F)
    e = np.abs(r["K"] - ans["K"])
    ring = r["K_choice"] == 2
    assert 0 < ring.mean() < 0.1
    assert rms(e[ring]) < 0.3 * rms(e)
    V, F, ans = make("icosphere", 2500)
    r = tri.curvature(V, F)
    assert np.mean(r["H_choice"] == 2) > 0.95
    assert rms(r["H"] - ans["H"]) < 1e-5


def test_invariance_and_orientation():
    P, F, ans = make("torus", 2000, True)
    r = tri.curvature(P, F)
    Q = np.linalg.qr(np.random.default_rng(3).normal(size=(3, 3)))[0]
    r2 = tri.curvature(P @ Q.T + [1.0, -2.0, 0.5], F)
    r3 = tri.curvature(P, F[:, ::-1])
    for k in ("K", "H", "k1", "k2", "K_err", "H_err"):
        assert np.allclose(r[k], r2[k], atol=1e-8, rtol=1e-6), k
    assert np.allclose(r3["K"], r["K"], atol=1e-8)
    assert np.allclose(r3["H"], -r["H"], atol=1e-8)
    assert (r["k1"] >= r["k2"]).all()
    assert np.allclose(0.5 * (r["k1"] + r["k2"]), r["H"])


def test_error_estimate_flags_bad_vertices():
    """``K_err``/``H_err``: an order of magnitude.  On the jittered UV sphere the
    two rings around each pole are 100x worse than the rest; the estimate
    says so, and overall it is within 10x of the actual RMS error."""
    V, F, ans = make("sphere", 5000, True)
    f = features(TriangleSurface(V, F), ["K", "H", "K_err", "H_err"])
    t = np.arccos(np.clip(V[:, 2], -1, 1))
    polar = np.minimum(t, np.pi - t) < 2.5 * np.pi / round(np.sqrt(5000 / 2))
    for q in "KH":
        e, est = np.abs(f[q] - ans[q]), f[q + "_err"]
        assert np.median(e[polar]) > 100 * np.median(e[~polar])
        assert np.median(est[polar]) > 10 * np.median(est[~polar])
        assert 0.1 < rms(est) / rms(e) < 10
        assert (est >= 0).all()


def test_methods_and_bad_input():
    V, F, _ = make("icosphere", 600)
    s = TriangleSurface(V, F)
    with pytest.raises(MeshError, match="unknown method"):
        features(s, ["K"], method="magic")
    with pytest.raises(MeshError, match="K_err"):
        features(s, ["K_err"], method="jet")
    with pytest.raises(MeshError, match="H_err"):
        features(StructuredSurface([wing_grid(17, 5)]), ["H_err"])
    f = features(s, ["K", "H"], method="one_ring")  # alias
    assert np.allclose(f["K"], tri.one_ring(V, F)["K"])
    # the default is 'auto'; the individual estimators stay selectable
    auto = features(s, ["K"])["K"]
    assert np.array_equal(auto, tri.curvature(V, F)["K"])
    assert not np.array_equal(auto, features(s, ["K"], method="jet")["K"])
