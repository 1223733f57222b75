"""Structured (i, j) grids: finite differences against closed forms (MATH 7.1, 7.4)."""

import numpy as np
import pytest
from mesh_surfaces import flat, sphere_grid, torus_answers, torus_grid

from geomkit import MeshError
from geomkit.mesh import StructuredSurface, features
from geomkit.mesh.demo import wing_grid, wing_jet, wing_params
from geomkit.mesh.grid import fd_weights, line_topology, stencils

ALL = ["normal", "K", "H", "k1", "k2", "d1", "d2", "g", "dg", "Gamma", "b", "R1212", "dA", "S"]


def feats(X, names=ALL):
    return features(StructuredSurface([X]), names)


def order(e_coarse, e_fine, ratio=2.0):
    return np.log(e_coarse / e_fine) / np.log(ratio)


def test_fd_weights_exact_on_polynomials():
    x = np.array([0.0, 1, 2, 3, 4, 5, 6])
    c = fd_weights(0.0, x, 2)
    for p in range(6):  # one-sided 7 points: exact up to degree 6 / 5
        f = x**p
        assert c[:, 1] @ f == pytest.approx(p * 0.0 ** (p - 1) if p else 0.0, abs=1e-9)
        assert c[:, 2] @ f == pytest.approx(2.0 if p == 2 else 0.0, abs=1e-8)


def test_stencils_open_periodic_and_cut():
    idx, w1, w2 = stencils(12, 0, cuts=[6])
    f = np.arange(12.0) ** 2
    d1, d2 = (w1 * f[idx]).sum(1), (w2 * f[idx]).sum(1)
    assert np.allclose(d1, 2 * np.arange(12.0)) and np.allclose(d2, 2.0)
    assert idx[6].max() <= 6 and idx[7].min() >= 6  # the crease is not crossed
    idx, w1, w2 = stencils(21, 1)
    f = np.sin(2 * np.pi * np.arange(21) / 20)
    d1 = (w1 * f[idx]).sum(1)
    assert np.allclose(d1, 2 * np.pi / 20 * np.cos(2 * np.pi * np.arange(21) / 20), atol=1e-4)


def test_sphere_closed_forms_and_sign_convention():
    a = 1.5
    X, T, P, dt, dp = sphere_grid(81, 161, a)
    f = feats(X)
    t = flat(T)
    assert np.allclose(f["K"], 1 / a**2, atol=1e-6)
    # MATH 7.4 item 1: N = X_theta x X_phi / |.| is outward and H = k1 = k2 = -1/a
    assert np.allclose((f["normal"] * flat(X)).sum(1), a, atol=1e-9)
    assert np.allclose(f["H"], -1 / a, atol=1e-6)
    assert np.allclose(f["k1"], -1 / a, atol=1e-5) and np.allclose(f["k2"], -1 / a, atol=1e-5)
    # index chart: g_ij = g^(theta, phi)_ij J_i J_j with J = (dt, dp)
    assert np.allclose(f["g"][:, 0, 0], a**2 * dt**2, rtol=1e-8)
    assert np.allclose(f["g"][:, 1, 1], a**2 * np.sin(t) ** 2 * dp**2, rtol=1e-6)
    assert np.allclose(f["g"][:, 0, 1], 0, atol=1e-10)
    # Gamma^theta_phiphi = -sin cos, Gamma^phi_thetaphi = cot (MATH 7.4 item 1)
    assert np.allclose(f["Gamma"][:, 0, 1, 1], -np.sin(t) * np.cos(t) * dp**2 / dt, atol=1e-7)
    assert np.allclose(f["Gamma"][:, 1, 0, 1], np.cos(t) / np.sin(t) * dt, atol=1e-7)
    assert np.allclose(f["Gamma"][:, 1, 1, 0], f["Gamma"][:, 1, 0, 1])
    # R_1212 = K det g = det b (Gauss)
    assert np.allclose(f["R1212"], f["K"] * np.linalg.det(f["g"]), rtol=1e-10)
    assert np.allclose(f["R1212"], np.linalg.det(f["b"]), rtol=1e-10)
    assert np.allclose(f["dA"], np.sqrt(np.linalg.det(f["g"])))
    # periodic direction (duplicated seam) found, theta direction open
    assert line_topology(X, 1)[0] == 1 and line_topology(X, 0) == (0, [])


def test_torus_closed_forms_converge_at_fourth_order():
    errs = []
    for n in (24, 48):
        X, U, V, DU, D2U, dv = torus_grid(n + 1, n // 2 + 1)
        f = feats(X, ["K", "H", "g", "Gamma"])
        ans = torus_answers(flat(U), flat(V))
        J = np.stack([flat(DU), np.full(len(f["K"]), dv)], -1)
        g = ans["g"] * J[:, :, None] * J[:, None, :]
        Gam = ans["Gamma"] * J[:, None, :, None] * J[:, None, None, :] / J[:, :, None, None]
        errs.append([abs(f["K"] - ans["K"]).max(), abs(f["H"] - ans["H"]).max(),
                     abs(f["g"] - g).max(), abs(f["Gamma"] - Gam).max()])
    errs = np.array(errs)
    assert errs[1].max() < 1e-3
    assert (order(errs[0], errs[1]) > 3.5).all(), errs


def test_gamma_transforms_as_a_connection():
    """Unevenly spaced grid: the index-chart Gamma must follow the affine law
    Gamma~^k_ij = (Gamma^a_bc J^b_i J^c_j + d2 x^a / di dj) / J^k_a,
    including the second-derivative term that makes Gamma no tensor."""
    X, U, V, DU, D2U, dv = torus_grid(129, 65, warp=0.4)
    f = feats(X, ["Gamma", "g", "K"])
    ans = torus_answers(flat(U), flat(V))
    J = np.stack([flat(DU), np.full(len(f["K"]), dv)], -1)
    law = ans["Gamma"] * J[:, None, :, None] * J[:, None, None, :] / J[:, :, None, None]
    tensor_only = law.copy()
    law[:, 0, 0, 0] += flat(D2U) / flat(DU)
    assert np.abs(f["Gamma"] - law).max() < 1e-6
    assert np.abs(f["Gamma"] - tensor_only).max() > 1e-2  # the inhomogeneous term matters
    # K is invariant: same as on the even grid
    assert np.allclose(f["K"], ans["K"], atol=1e-5)


def _wing_reference(ni, nj):
    s, t = wing_params(ni, nj)
    _, Xs, Xt, Xss, Xst, Xtt = wing_jet(s, t)
    E, F, G = (Xs * Xs).sum(-1), (Xs * Xt).sum(-1), (Xt * Xt).sum(-1)
    n = np.cross(Xs, Xt)
    N = -n / np.linalg.norm(n, axis=-1)[..., None]  # the grid runs against sigma
    L, M, Nn = (Xss * N).sum(-1), (Xst * N).sum(-1), (Xtt * N).sum(-1)
    D = E * G - F * F
    K = (L * Nn - M * M) / D
    H = (E * Nn - 2 * F * M + G * L) / (2 * D)
    # index chart: sigma = 1 - 2 i/(ni-1), t = j/(nj-1)
    J = np.array([-2.0 / (ni - 1), 1.0 / (nj - 1)])
    g = np.stack([np.stack([E, F], -1), np.stack([F, G], -1)], -2) * np.outer(J, J)
    return flat(K), flat(H), flat(g), flat(np.cross(Xs, Xt) * -1)


def test_wing_converges_and_boundary_is_no_worse():
    errs = []
    for ni, nj in ((65, 17), (129, 33)):
        X = wing_grid(ni, nj)
        f = feats(X, ["K", "H", "g", "normal"])
        K, H, g, n = _wing_reference(ni, nj)
        I, Jj = np.meshgrid(np.arange(ni), np.arange(nj), indexing="ij")
        edge = flat((I < 3) | (I > ni - 4) | (Jj < 3) | (Jj > nj - 4))
        eK, eH = abs(f["K"] - K), abs(f["H"] - H)
        errs.append([eK.max(), eH.max()])
        assert eK[edge].max() <= 2 * eK[~edge].max()
        assert eH[edge].max() <= 2 * eH[~edge].max()
        assert np.allclose(f["g"], g, rtol=1e-3, atol=1e-9)
        # the grid normal points out of the wing: forward at the leading edge
        le = flat(I == (ni - 1) // 2)
        assert (f["normal"][le, 0] < -0.9).all()
    errs = np.array(errs)
    assert (order(errs[0], errs[1]) >= 1.8).all(), errs


def test_wing_trailing_edge_is_a_crease_not_periodic():
    X = wing_grid(65, 9)
    assert line_topology(X, 0) == (0, [])
    # a round closed section (ellipse) with a duplicated seam is periodic
    th = np.linspace(0, 2 * np.pi, 41)
    Y = np.stack(np.broadcast_arrays(np.cos(th)[:, None], np.linspace(0, 1, 9)[None],
                                     0.2 * np.sin(th)[:, None]), -1)
    Y[-1] = Y[0]
    assert line_topology(Y, 0)[0] == 1
    assert line_topology(Y[:-1], 0)[0] == 2  # closed, seam not duplicated


def test_interior_crease_is_not_differenced_across():
    # a roof: two planes meeting at x = 0; every point is flat
    x = np.linspace(-1, 1, 21)
    y = np.linspace(0, 1, 11)
    Xg, Yg = np.meshgrid(x, y, indexing="ij")
    X = np.stack([Xg, Yg, -np.abs(Xg)], -1)
    assert line_topology(X, 0) == (0, [10])
    f = feats(X, ["K", "H"])
    assert np.abs(f["K"]).max() < 1e-10 and np.abs(f["H"]).max() < 1e-10


def test_multiblock_features_concatenate():
    X1, *_ = sphere_grid(21, 41)
    X2 = wing_grid(33, 9)
    s = StructuredSurface([X1, X2])
    f = features(s, ["K"])
    assert f["K"].shape == (21 * 41 + 33 * 9,)
    assert np.allclose(f["K"][: 21 * 41], 1 / 1.5**2, atol=1e-3)


def test_rigid_motion_invariance_and_normal_flip():
    from mesh_surfaces import rotation

    X = wing_grid(65, 17)
    Q = rotation(3)
    f = feats(X, ["K", "H", "k1", "k2", "d1", "normal", "g"])
    f2 = feats(X @ Q.T + np.array([1.0, -2.0, 0.5]), ["K", "H", "k1", "k2", "d1", "normal", "g"])
    for k in ("K", "H", "k1", "k2"):
        assert np.allclose(f[k], f2[k], rtol=1e-8, atol=1e-8)
    assert np.allclose(f["normal"] @ Q.T, f2["normal"], atol=1e-10)
    assert np.allclose(np.abs((f["d1"] @ Q.T * f2["d1"]).sum(1)), 1, atol=1e-6)
    # reversing i flips the chart normal: K kept, H negated, k1 <-> -k2
    f3 = feats(X[::-1], ["K", "H", "k1", "k2"])
    rev = flat(np.arange(65 * 17).reshape(17, 65).T[::-1])
    assert np.allclose(f3["K"], f["K"][rev], rtol=1e-8, atol=1e-10)
    assert np.allclose(f3["H"], -f["H"][rev], rtol=1e-8, atol=1e-10)
    assert np.allclose(f3["k1"], -f["k2"][rev], rtol=1e-8, atol=1e-8)


def test_principal_directions_are_eigenvectors():
    f = feats(wing_grid(65, 17), ["S", "d1", "d2", "k1", "k2", "normal"])
    Sd1 = np.einsum("nij,nj->ni", f["S"], f["d1"])
    assert np.allclose(Sd1, f["k1"][:, None] * f["d1"], atol=1e-8)
    assert np.allclose((f["d1"] * f["d2"]).sum(1), 0, atol=1e-10)
    assert np.allclose(np.cross(f["d1"], f["d2"]), f["normal"], atol=1e-10)
    assert (f["k1"] >= f["k2"]).all()


@pytest.mark.parametrize(
    "make, what",
    [
        (lambda X: X[:2], "at least 3"),
        (lambda X: np.where(np.arange(9)[None, :, None] == 4, np.nan, X), "NaN"),
        (lambda X: np.concatenate([X[:1], X[:1], X[1:]]), "zero-length"),
    ],
)
def test_bad_grids_raise(make, what):
    X = make(wing_grid(17, 9).copy())
    with pytest.raises(MeshError, match=what):
        features(StructuredSurface([X], source="w.xyz"), ["K"])


def test_sphere_pole_is_a_singular_chart_fitted_on_the_welded_surface():
    # the pole row (i = 0) collapses: invariants there from the (quartic) jet fit;
    # chart features NaN and marked by chart_valid
    a = 1.5
    errs = []
    for n in (11, 21):
        X, *_ = sphere_grid(n, 2 * n - 1, a=a, theta=(0.0, np.pi / 2))
        s = StructuredSurface([X])
        assert s.connectivity.collapsed == [(0, 0)]
        f = features(s, ["K", "H", "g"])
        pole = s.connectivity.singular
        assert pole.sum() == 2 * n - 1 and (f["chart_valid"] == ~pole).all()
        assert np.isnan(f["g"][pole]).all() and np.isfinite(f["g"][~pole]).all()
        assert np.allclose(f["K"][pole], f["K"][pole][0])  # one value per physical point
        errs.append((abs(f["K"][0] * a * a - 1), abs(f["H"][0] * a + 1)))
    assert errs[0][0] < 2e-3 and errs[0][1] < 1e-3  # quartic fit: 0.06 % at 11 x 21
    assert errs[0][0] / errs[1][0] > 8 and errs[0][1] / errs[1][1] > 8  # like the grid's FD


def test_helicoid_and_ellipsoid_grids():
    # helicoid (u cos v, u sin v, c v): K = -c^2/(c^2+u^2)^2, H = 0 (MATH 7.4 item 4)
    c = 0.5
    u = np.linspace(0.2, 1.2, 41)
    v = np.linspace(0, 3, 61)
    U, V = np.meshgrid(u, v, indexing="ij")
    X = np.stack([U * np.cos(V), U * np.sin(V), c * V], -1)
    f = feats(X, ["K", "H", "g"])
    assert np.abs(f["K"] + c**2 / (c**2 + flat(U) ** 2) ** 2).max() < 1e-6
    assert np.abs(f["H"]).max() < 1e-6
    du, dv = u[1] - u[0], v[1] - v[0]
    assert np.allclose(f["g"][:, 1, 1], (c**2 + flat(U) ** 2) * dv**2)  # E = 1, G = c^2 + u^2
    assert np.allclose(f["g"][:, 0, 0], du**2)
    # ellipsoid (a sin t cos p, b sin t sin p, c cos t), away from the poles
    a, b, c = 1.0, 0.7, 0.5
    t = np.linspace(0.3, np.pi - 0.3, 61)
    p = np.linspace(0, 2 * np.pi, 121)
    T, P = np.meshgrid(t, p, indexing="ij")
    X = np.stack([a * np.sin(T) * np.cos(P), b * np.sin(T) * np.sin(P), c * np.cos(T)], -1)
    X[:, -1] = X[:, 0]
    f = feats(X, ["K", "H"])
    x, y, z = flat(X).T
    q = x**2 / a**4 + y**2 / b**4 + z**2 / c**4
    assert np.abs(f["K"] - 1 / (a * b * c) ** 2 / q**2).max() < 1e-4
    H = (x**2 + y**2 + z**2 - a**2 - b**2 - c**2) / (2 * (a * b * c) ** 2 * q**1.5)
    assert np.abs(f["H"] - H).max() < 1e-4  # outward normal: H < 0, as for the sphere
