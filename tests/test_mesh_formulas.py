"""The lowered surface formulas against independent numpy evaluations (MATH 7.1)."""

import numpy as np
import pytest

from geomkit.mesh.formulas import JET_INPUTS, SURFACE_OUTPUTS, surface_kernel


@pytest.fixture(scope="module")
def jet():
    rng = np.random.default_rng(5)
    J = rng.standard_normal((15, 200))
    return J, surface_kernel()(**{k: J[i] for i, k in enumerate(JET_INPUTS)})


def test_outputs(jet):
    assert set(jet[1]) == set(SURFACE_OUTPUTS)


def test_christoffel_equals_gauss_formula(jet):
    """Gamma^k_ij from E, F, G and derivatives == g^kl X_ij . X_l (MATH 7.1)."""
    J, r = jet
    Xu, Xv, Xuu, Xuv, Xvv = (J[3 * k : 3 * k + 3].T for k in range(5))
    g = np.stack([np.stack([(Xu * Xu).sum(1), (Xu * Xv).sum(1)], -1),
                  np.stack([(Xu * Xv).sum(1), (Xv * Xv).sum(1)], -1)], -2)
    gi = np.linalg.inv(g)
    second = {(0, 0): Xuu, (0, 1): Xuv, (1, 1): Xvv}
    first = (Xu, Xv)
    for (i, j), Xij in second.items():
        low = np.stack([(Xij * first[l]).sum(1) for l in range(2)], -1)  # X_ij . X_l
        Gam = np.einsum("nkl,nl->nk", gi, low)
        for k in range(2):
            assert np.allclose(r[f"Gamma{k + 1}_{i + 1}{j + 1}"], Gam[:, k], rtol=1e-9,
                               atol=1e-9)


def test_curvatures_and_gauss_equation(jet):
    J, r = jet
    Xu, Xv, Xuu, Xuv, Xvv = (J[3 * k : 3 * k + 3].T for k in range(5))
    n = np.cross(Xu, Xv)
    N = n / np.linalg.norm(n, axis=1)[:, None]
    g = np.stack([np.stack([r["E"], r["F"]], -1), np.stack([r["F"], r["G"]], -1)], -2)
    b = np.stack([np.stack([(Xuu * N).sum(1), (Xuv * N).sum(1)], -1),
                  np.stack([(Xuv * N).sum(1), (Xvv * N).sum(1)], -1)], -2)
    S = np.linalg.solve(g, b)
    assert np.allclose(r["K"], np.linalg.det(S))
    assert np.allclose(r["H"], np.trace(S, axis1=1, axis2=2) / 2)
    assert np.allclose(r["R1212"], r["K"] * np.linalg.det(g))  # R_1212 = K det g
    assert np.allclose(r["dA"], np.sqrt(np.linalg.det(g)))
    assert np.allclose(np.stack([r["nx"], r["ny"], r["nz"]], -1), N)
