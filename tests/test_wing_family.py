"""The wing family: exact geometry as an oracle for the grid features, files, sampler."""

import numpy as np
import pytest

import geomkit as gk
from geomkit.errors import MeshError
from geomkit.mesh.wings import (
    WingParams,
    cap_grid,
    cap_jet,
    cap_params,
    naca,
    read_wing_params,
    sample_family,
    wing_blocks,
    wing_curvature,
    wing_grid,
    wing_jet,
    wing_params,
    wing_triangles,
    write_wing,
)

# cambered CST section (C2 nose: first lower weight = -first upper), twisted, swept, dihedral
CST = WingParams(section="cst", cst_upper=(0.2, 0.22, 0.2, 0.18),
                 cst_lower=(-0.2, -0.1, -0.05, 0.0),
                 sweep_deg=20, dihedral_deg=4, twist_root_deg=2, twist_tip_deg=-3, taper=0.6)


def _flat(a):
    return np.asarray(a).transpose(1, 0, *range(2, np.ndim(a))).reshape(-1, *np.shape(a)[2:])


def test_jet_matches_finite_differences_for_every_section():
    s, t = np.array([0.7, -0.3, 0.05, -0.9]), np.array([0.1, 0.5, 0.9, 0.3])
    for p in (CST, WingParams(**naca("2412"), twist_tip_deg=-4, bend=0.05, te_thickness=0.01),
              WingParams(**naca("23012"), dihedral_deg=5)):
        _check_jet(wing_jet, p, s, t)


def _check_jet(jet, p, a, b, h=1e-5):
    """The jet's derivatives against central differences of its lower ones."""
    J = jet(p, a, b)

    def d(k, da, db):
        return (jet(p, a + da, b + db)[k] - jet(p, a - da, b - db)[k]) / (2 * h)

    for got, want in ((J[1], d(0, h, 0)), (J[2], d(0, 0, h)), (J[3], d(1, h, 0)),
                      (J[4], d(1, 0, h)), (J[5], d(2, 0, h))):
        assert np.abs(got - want).max() < 1e-8


def test_grid_curvature_converges_to_the_exact_wing():
    errs = []
    for ni, nj in ((65, 17), (129, 33)):
        f = gk.mesh.features(gk.mesh.StructuredSurface([wing_grid(CST, ni, nj)]), ["K", "H"])
        K, H = (_flat(v) for v in wing_curvature(CST, *wing_params(ni, nj)))
        I, J = np.meshgrid(np.arange(ni), np.arange(nj), indexing="ij")
        inner = _flat((I > 2) & (I < ni - 3))  # away from the trailing-edge crease
        errs.append([np.abs(f["K"] - K)[inner].max() / np.abs(K).max(),
                     np.abs(f["H"] - H)[inner].max() / np.abs(H).max()])
    errs = np.array(errs)
    assert (errs[1] < 0.05).all(), errs
    # measured orders 2.6 (K), 1.76 (H): second order, the nose is only C2 (C3 jump)
    assert (np.log2(errs[0] / errs[1]) >= 1.7).all(), errs


def test_parameters_round_trip_through_files(tmp_path):
    p = sample_family(1, seed=7)[0]
    path = write_wing(tmp_path / "w.xyz", p, 33, 9)
    q = read_wing_params(path)
    assert q == p
    s = gk.mesh.read(path)
    assert np.array_equal(s.blocks[0], wing_grid(q, 33, 9))  # bit for bit
    with pytest.raises(MeshError, match="no wing parameters"):
        read_wing_params(tmp_path / "other.xyz")
    with pytest.raises(MeshError, match="unknown wing parameter"):
        WingParams.from_dict({"spam": 1})
    with pytest.raises(MeshError, match="taper"):
        WingParams(taper=-1)


def test_sampler_is_seeded_and_covers_the_ranges():
    a = sample_family(50, seed=3)
    assert a == sample_family(50, seed=3) and a != sample_family(50, seed=4)
    sweep = np.array([p.sweep_deg for p in a])
    assert 0 <= sweep.min() < 10 and 25 < sweep.max() <= 35


def test_blocks_and_triangles(tmp_path):
    p = WingParams(**naca("0012"), te_thickness=0.01)
    blocks = wing_blocks(p, 33, 9, multi=True)
    assert [b.shape[:2] for b in blocks] == [(17, 9), (17, 9), (3, 9)]
    X = wing_grid(p, 33, 9)
    assert np.array_equal(blocks[0][-1], blocks[1][0])  # the shared leading-edge row
    assert np.allclose(blocks[2][0], X[-1]) and np.allclose(blocks[2][-1], X[0])
    s = gk.mesh.read(write_wing(tmp_path / "m.xyz", p, 33, 9, multi=True))
    assert len(s.blocks) == 3
    for q, m in ((p, 33), (WingParams(), 32)):  # blunt: closed by a strip; sharp: merged
        V, F = wing_triangles(q, 33, 9)
        assert len(V) == m * 9
        t = gk.mesh.TriangleSurface(V, F)
        assert t.euler_characteristic == 0  # a tube: open at root and tip
    t = gk.mesh.read(write_wing(tmp_path / "w.stl", WingParams(), 33, 9))
    assert t.n_faces == 2 * 32 * 8


def test_naca_designations():
    assert naca("23012") == {"section": "naca5", "design_cl": 0.3, "camber_pos": 0.15,
                             "thickness": 0.12}
    with pytest.raises(MeshError, match="NACA designation"):
        naca("231")
    # NACA 2412: the mean line peaks at 2 % chord at x = 0.4
    p = WingParams(**naca("2412"), sweep_deg=0, taper=1)
    s = np.sqrt(0.4)
    z = wing_jet(p, np.array([s, -s]), np.array([0.0, 0.0]))[0][:, 2]
    assert abs(z.mean() - 0.02) < 1e-12


CAPPED = WingParams(**{**CST.to_dict(), "tip_cap": True})


def test_cap_jet_matches_finite_differences_and_is_c1_with_the_wing():
    _check_jet(cap_jet, CAPPED, np.array([0.3, 0.6, 0.8, 0.1]), np.array([0.4, 1.2, 2.5, 0.1]))
    # on both tip seams the cap meets the wing with the same point and the same normal
    ss = np.linspace(0.05, 0.95, 9)
    for phi0, sigma in ((0.0, -ss), (np.pi, ss)):
        C = cap_jet(CAPPED, ss, np.full_like(ss, phi0))
        W = wing_jet(CAPPED, sigma, np.ones_like(ss))
        n1, n2 = np.cross(C[1], C[2]), -np.cross(W[1], W[2])
        cos = (n1 * n2).sum(-1) / np.linalg.norm(n1, axis=-1) / np.linalg.norm(n2, axis=-1)
        assert np.abs(C[0] - W[0]).max() < 1e-15 and cos.min() > 1 - 1e-12
    # without sweep, taper, dihedral or twist: a half body of revolution about the camber line
    plain = WingParams(**naca("2412"), sweep_deg=0, taper=1, tip_cap=True)
    C = cap_jet(plain, 0.5, np.linspace(0, np.pi, 7))[0]
    U, L = wing_jet(plain, np.array([-0.5, 0.5]), np.ones(2))[0]
    r = np.hypot(C[:, 2] - (U[2] + L[2]) / 2, C[:, 1] - plain.span)
    assert np.allclose(r, (U[2] - L[2]) / 2) and np.allclose(C[:, 0], U[0])


def test_capped_wing_curvature_converges_to_the_exact_cap():
    errs = []
    for ni, nj in ((65, 17), (129, 33)):
        blocks = wing_blocks(CAPPED, ni, nj)
        cap = blocks[-1]
        assert np.array_equal(cap[:, 0], blocks[0][ni // 2:, -1])  # seams bit for bit
        assert np.array_equal(cap[:, -1], blocks[0][ni // 2::-1, -1])
        s = gk.mesh.StructuredSurface(blocks)
        f = gk.mesh.features(s, ["K", "H", "g"])
        off = ni * nj
        S, PHI = (_flat(v) for v in cap_params(*cap.shape[:2]))
        inner = (S > 0) & (S < 1) & (PHI > 0) & (PHI < np.pi)  # off the seams and poles
        K, H = wing_curvature(CAPPED, S[inner], PHI[inner], cap=True)
        errs.append([np.abs(f["K"][off:][inner] - K).max() / np.abs(K).max(),
                     np.abs(f["H"][off:][inner] - H).max() / np.abs(H).max()])
        # the poles (nose, trailing edge): invariants from the welded surface, no chart
        sing = s.connectivity.singular
        assert sing[off:].sum() == 2 * cap.shape[1] and not sing[:off].any()
        assert np.isfinite(f["K"]).all() and np.isfinite(f["H"]).all()
        assert np.isnan(f["g"][sing]).all() and (f["chart_valid"] == ~sing).all()
        nose = sing & (np.abs(s.points - blocks[0][ni // 2, -1]).max(1) == 0)
        assert nose.sum() == cap.shape[1] and np.ptp(f["K"][nose]) == 0
        # the nose is where wing and cap meet (C1, curvature jumps): between both sides
        Kc, Hc = wing_curvature(CAPPED, 1e-4, np.linspace(0, np.pi, 9), cap=True)
        Kw, Hw = wing_curvature(CAPPED, np.array([-1e-4, 1e-4]), 1.0)
        for v, a, b in ((f["K"][nose][0], Kw, Kc), (f["H"][nose][0], Hw, Hc)):
            lo, hi = min(a.min(), b.min()), max(a.max(), b.max())
            assert lo <= v <= hi, (v, lo, hi)
    errs = np.array(errs)
    # measured 1.2e-3 / 1.3e-3 at 65 x 17, 7.9e-5 / 8.2e-5 at 129 x 33 (order 3.9)
    assert (errs[1] < 2e-4).all(), errs
    assert (np.log2(errs[0] / errs[1]) >= 3).all(), errs


def test_capped_wing_files_triangles_and_cli(tmp_path):
    from geomkit.cli import main

    path = write_wing(tmp_path / "c.xyz", CAPPED, 33, 9)
    q = read_wing_params(path)
    assert q == CAPPED and q.tip_cap
    s = gk.mesh.read(path)
    assert [b.shape[:2] for b in s.blocks] == [(33, 9), (17, 5)]
    assert np.array_equal(s.blocks[1], cap_grid(CAPPED, 33, 9))
    V, F = wing_triangles(CAPPED, 33, 9)
    assert len(V) == 32 * 9 + 15 * 3
    t = gk.mesh.TriangleSurface(V, F)
    assert t.euler_characteristic == 1  # closed at the tip: a disc, open at the root
    assert gk.mesh.read(write_wing(tmp_path / "c.stl", CAPPED, 33, 9)).n_faces == len(F)
    with pytest.raises(MeshError, match="tip_cap needs a sharp trailing edge"):
        WingParams(tip_cap=True, te_thickness=0.01)
    with pytest.raises(MeshError, match="odd ni"):
        wing_blocks(CAPPED, 32, 9)
    out = tmp_path / "cli.xyz"
    assert main(["wing", "-o", str(out), "--tip-cap", "--ni", "17", "--nj", "5"]) == 0
    assert read_wing_params(out).tip_cap and len(gk.mesh.read(out).blocks) == 2
    assert main(["wing", "-o", str(out), "--tip-cap", "--labels", "0.6:0"]) == 2
