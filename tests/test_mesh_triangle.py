"""Triangle meshes: jet fit and one-ring estimators against closed forms (MATH 7.3, 7.4)."""

import numpy as np
import pytest
from mesh_surfaces import (
    edge_length,
    graph_answers,
    icosphere,
    jitter_sphere,
    rotation,
    saddle,
    torus,
)

from geomkit import MeshError
from geomkit.mesh import TriangleSurface, angle_defect, features, jet_fit, one_ring
from geomkit.mesh.demo import wing_jet, wing_triangles

INV = ["normal", "K", "H", "k1", "k2", "d1", "d2"]


def order(e, h):
    return np.log(e[0] / e[1]) / np.log(h[0] / h[1])


@pytest.fixture(scope="module")
def spheres():
    out = []
    for level in (3, 4, 5):
        V, F = icosphere(level)
        out.append((V, jitter_sphere(V, F, 0.25, seed=level), F, edge_length(V, F)))
    return out


def test_sphere_jet_sign_and_accuracy(spheres):
    V, J, F, h = spheres[-1]
    r = jet_fit(V, F)
    # outward normal (counter-clockwise faces), MATH sign: H = k1 = k2 = -1/a
    assert np.allclose(r["normal"], V, atol=1e-5)
    assert np.allclose(r["K"], 1, atol=5e-3) and np.allclose(r["H"], -1, atol=3e-3)
    assert (r["k1"] >= r["k2"]).all() and np.allclose(r["k2"], -1, atol=1e-2)
    assert (r["status"] == 0).all()


def test_jittered_sphere_converges_at_second_order(spheres):
    eK, eH, hs = [], [], []
    for _, J, F, h in spheres:
        r = jet_fit(J, F)
        eK.append(np.abs(r["K"] - 1).max())
        eH.append(np.abs(r["H"] + 1).max())
        hs.append(h)
    assert order(eK[-2:], hs[-2:]) >= 1.8, eK
    assert order(eH[-2:], hs[-2:]) >= 1.8, eH


def test_one_ring_does_not_converge_on_jittered_sphere(spheres):
    """The documented weakness of the cheap estimators (and why jet is the default)."""
    errs = [np.sqrt(np.mean((one_ring(J, F)["H"] + 1) ** 2)) for V, J, F, h in spheres]
    assert errs[-1] > 0.3 * errs[0]
    jet = np.sqrt(np.mean((jet_fit(spheres[-1][1], spheres[-1][2])["H"] + 1) ** 2))
    assert jet < 0.1 * errs[-1]


def test_gauss_bonnet_is_exact(spheres):
    for _, J, F, _ in spheres:
        assert angle_defect(J, F).sum() == pytest.approx(4 * np.pi, abs=1e-9)
    P, F, uv, _ = torus(24, 12, jitter=0.3)
    assert abs(angle_defect(P, F).sum()) < 1e-9
    assert TriangleSurface(P, F).euler_characteristic == 0


def test_torus_jet_and_uv_chart_closed_forms():
    P, F, uv, ans = torus(96, 48, jitter=0.2, seed=1)
    s = TriangleSurface(P, F, uv=uv)
    f3 = features(s, ["K", "H", "g", "Gamma"])
    f = features(s, INV + ["g", "Gamma", "R1212"], degree=4)
    for k, tol in (("K", 3e-3), ("H", 2e-3)):
        assert np.abs(f[k] - ans[k]).max() < tol, k
        assert np.abs(f3[k] - ans[k]).max() < 20 * tol, k  # cubic: same order, larger constant
    # uv jumps by 2 pi across the seams: compare the chart features away from them
    inner = (uv > 0.5).all(1) & (uv < 2 * np.pi - 0.5).all(1)
    for k, tol in (("g", 1e-3), ("Gamma", 2e-3)):
        assert np.abs(f[k] - ans[k])[inner].max() < tol, k
        assert np.abs(f3[k] - ans[k])[inner].max() < 20 * tol, k
    R = (f["K"] * np.linalg.det(f["g"]))[inner]
    assert np.abs(f["R1212"][inner] - R).max() < 1e-2 * np.abs(R).max()


def test_no_chart_no_christoffel():
    V, F = icosphere(2)
    with pytest.raises(MeshError, match="uv"):
        features(TriangleSurface(V, F), ["K", "Gamma"])
    assert "g" not in features(TriangleSurface(V, F))


def test_saddle_boundary_error_at_most_twice_interior():
    errs, hs = [], []
    for n in (33, 65):
        P, F, ans = saddle(n, jitter=0.25, seed=n)
        r = jet_fit(P, F)
        bd = ans["boundary"]
        eK, eH = np.abs(r["K"] - ans["K"]), np.abs(r["H"] - ans["H"])
        assert eK[bd].max() <= 2 * eK[~bd].max(), (eK[bd].max(), eK[~bd].max())
        assert eH[bd].max() <= 2 * eH[~bd].max(), (eH[bd].max(), eH[~bd].max())
        errs.append([eK.max(), eH.max()])
        hs.append(2.0 / (n - 1))
    errs = np.array(errs)
    assert (order(errs, hs) >= 1.8).all(), errs


def test_cylinder_and_helicoid():
    # open cylinder radius 0.5: K = 0, H = -1/(2r) with the outward normal
    n, m = 64, 24
    th = 2 * np.pi * np.arange(n) / n
    z = np.linspace(0, 1, m)
    T, Z = np.meshgrid(th, z, indexing="ij")
    P = np.stack([0.5 * np.cos(T.T.ravel()), 0.5 * np.sin(T.T.ravel()), Z.T.ravel()], -1)
    from mesh_surfaces import grid_triangles

    F = grid_triangles(n, m, periodic_i=True)
    r = jet_fit(P, F)
    assert np.abs(r["K"]).max() < 1e-2 and np.abs(r["H"] + 1.0).max() < 1e-2
    r = jet_fit(P, F, degree=4)
    assert np.abs(r["K"]).max() < 3e-3 and np.abs(r["H"] + 1.0).max() < 3e-3
    # helicoid (u cos v, u sin v, c v): K = -c^2/(c^2+u^2)^2, H = 0 (MATH 7.4 item 4)
    c = 0.5
    u = np.linspace(0.2, 1.2, 41)
    v = np.linspace(0, 3, 81)
    U, Vv = np.meshgrid(u, v, indexing="ij")
    U, Vv = U.T.ravel(), Vv.T.ravel()
    P = np.stack([U * np.cos(Vv), U * np.sin(Vv), c * Vv], -1)
    r = jet_fit(P, grid_triangles(41, 81))
    assert np.abs(r["K"] + c**2 / (c**2 + U**2) ** 2).max() < 1e-2
    assert np.abs(r["H"]).max() < 5e-3


def test_ellipsoid():
    a, b, c = 1.0, 0.7, 0.5
    V, F = icosphere(5)
    P = V * [a, b, c]
    r = jet_fit(P, F)
    x, y, z = P.T
    q = x**2 / a**4 + y**2 / b**4 + z**2 / c**4
    K = 1 / (a * b * c) ** 2 / q**2
    H = (x**2 + y**2 + z**2 - a**2 - b**2 - c**2) / (2 * (a * b * c) ** 2 * q**1.5)
    assert np.abs(r["K"] / K - 1).max() < 2e-2
    assert np.abs(r["H"] / H - 1).max() < 1e-2


@pytest.mark.parametrize("degree", [3, 4])
def test_wing_triangulation_matches_analytic_surface_away_from_trailing_edge(degree):
    errs = []
    for ni, nj in ((129, 33), (257, 65)):
        V, F, s, t = wing_triangles(ni, nj, jitter=0.2, seed=ni)
        f = features(TriangleSurface(V, F), INV, degree=degree)
        _, Xs, Xt, Xss, Xst, Xtt = wing_jet(s, t)
        n = -np.cross(Xs, Xt)
        N = n / np.linalg.norm(n, axis=1)[:, None]
        E, Fm, G = (Xs * Xs).sum(1), (Xs * Xt).sum(1), (Xt * Xt).sum(1)
        L, M, Nn = (Xss * N).sum(1), (Xst * N).sum(1), (Xtt * N).sum(1)
        D = E * G - Fm**2
        K, H = (L * Nn - M**2) / D, (E * Nn - 2 * Fm * M + G * L) / (2 * D)
        # the trailing edge is a crease: leave out the vertices on it
        away = s**2 < 1 - 1e-12
        errs.append([np.abs(f["K"] - K)[away].max() / np.abs(K).max(),
                     np.abs(f["H"] - H)[away].max() / np.abs(H).max()])
        assert (np.sum(f["normal"] * N, axis=1)[away] > 0.99).all()
    errs = np.array(errs)
    assert errs[-1].max() < 2e-2, errs
    assert (np.log2(errs[0] / errs[1]) > 1.8).all(), errs


def test_fits_do_not_cross_a_sharp_trailing_edge():
    V, F, s, t = wing_triangles(129, 33, jitter=0.2)
    _, Xs, Xt, *_ = wing_jet(s, t)
    near_te = (s**2 > 0.9) & (s**2 < 1 - 1e-12)
    cut = features(TriangleSurface(V, F), ["normal", "K"])
    uncut = features(TriangleSurface(V, F), ["normal", "K"], crease_angle=None)
    n = -np.cross(Xs, Xt)
    N = n / np.linalg.norm(n, axis=1)[:, None]
    assert (np.sum(cut["normal"] * N, axis=1)[near_te] > 0.999).all()
    assert (np.sum(uncut["normal"] * N, axis=1)[near_te] < 0.99).any()
    assert np.abs(uncut["K"][near_te]).max() > 100 * np.abs(cut["K"][near_te]).max()


def test_split_creases_cuts_only_sharp_edges():
    from geomkit.mesh.triangle import split_creases

    V, F = icosphere(3)
    assert split_creases(V, F)[2] is None  # smooth: nothing cut
    # a cube: 12 sharp edges, each corner in three faces' fans -> 3 copies per corner
    c = np.array([[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)], float)
    q = [[0, 1, 3, 2], [4, 6, 7, 5], [0, 4, 5, 1], [2, 3, 7, 6], [0, 2, 6, 4], [1, 5, 7, 3]]
    Fc = np.array([[a, b, cc] for a, b, cc, d in q] + [[a, cc, d] for a, b, cc, d in q])
    V2, F2, orig = split_creases(c, Fc)
    assert len(V2) == 24 and np.bincount(orig).tolist() == [3] * 8
    assert np.array_equal(orig[:8], np.arange(8)) and np.array_equal(V2, c[orig])
    assert TriangleSurface(V2, F2).boundary_vertices.all()


def test_rigid_motion_invariance_and_flip(spheres):
    P, F, ans = saddle(33, jitter=0.2)
    Q = rotation(1)
    r = jet_fit(P, F)
    r2 = jet_fit(P @ Q.T + [3.0, 0.1, -2.0], F)
    for k in ("K", "H", "k1", "k2"):
        assert np.allclose(r[k], r2[k], atol=1e-9)
    assert np.allclose(r["normal"] @ Q.T, r2["normal"], atol=1e-10)
    assert np.allclose(np.abs((r["d1"] @ Q.T * r2["d1"]).sum(1)), 1, atol=1e-6)
    r3 = jet_fit(P, F[:, ::-1])  # opposite orientation: K kept, H and the normal flip
    assert np.allclose(r3["K"], r["K"], atol=1e-9)
    assert np.allclose(r3["H"], -r["H"], atol=1e-9)
    assert np.allclose(r3["normal"], -r["normal"])
    K, H = graph_answers(P[:, 0], -P[:, 1], 1.0, 0.0, -1.0)
    assert np.abs(r["K"] - K).max() < 0.05


def test_one_ring_values_on_regular_sphere(spheres):
    V, J, F, h = spheres[-1]
    r = one_ring(V, F)
    assert np.allclose(r["K"], 1, atol=1e-2) and np.allclose(r["H"], -1, atol=1e-3)
    f = features(TriangleSurface(V, F), ["K", "H"], method="one-ring")
    assert np.allclose(f["K"], r["K"])
    with pytest.raises(MeshError, match="d1"):
        features(TriangleSurface(V, F), ["d1"], method="one-ring")


def test_unrolled_quartic_solve():
    """The generated straight-line solve of the quartic jet's normal equations is
    the one its generator writes today, and solves the weighted least squares:
    coefficients as numpy's, the Cholesky factor reproducing the normal matrix;
    a rank-deficient neighbourhood (points on a line) is refused."""
    import inspect

    from geomkit.mesh import _unrolled as u

    decorator, body = inspect.getsource(u._solve14.py_func).split("\n", 1)
    assert decorator.startswith("@nb.njit") and body == u.source()
    rng = np.random.default_rng(7)
    x, y, w, z = rng.normal(size=(4, 25))
    w = np.abs(w)

    def moments(x, y):
        mom, zm = np.zeros((9, 9)), np.zeros((5, 5, 1))
        for p in range(9):
            for q in range(9 - p):
                mom[p, q] = (w * x**p * y**q).sum()
                if p + q <= 4:
                    zm[p, q, 0] = (w * x**p * y**q * z).sum()
        return mom, zm

    Phi = np.stack([u.PC[i] * x ** u.PX[i] * y ** u.PY[i] for i in range(14)], 1)
    A, r, rs = np.zeros((14, 14)), np.zeros((14, 1)), np.zeros((14, 1))
    assert u._solve14(*moments(x, y), A, r, rs)
    ref = np.linalg.lstsq(Phi * np.sqrt(w)[:, None], z * np.sqrt(w), rcond=None)[0]
    assert np.allclose(r[:, 0], ref, rtol=1e-10, atol=1e-12)
    L = np.tril(A)
    assert np.allclose(L @ L.T, Phi.T @ (w[:, None] * Phi), rtol=1e-12, atol=1e-12)
    assert np.allclose(rs[:, 0], Phi.T @ (w * z))
    assert not u._solve14(*moments(x, 2 * x), A, r, rs)
