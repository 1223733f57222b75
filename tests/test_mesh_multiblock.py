"""Multi-block structured surfaces: connectivity, seams, orientation, poles, labels.

The analytic case is half an ellipsoid gridded as a CFD wing (four blocks
around the section, a two-block tip cap collapsing to a pole; some blocks
transposed or reversed), with exact K and H, at two resolutions.
"""

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

import geomkit as gk
from geomkit.errors import MeshError
from geomkit.mesh import StructuredSurface, features
from geomkit.mesh.demo_blocks import ellipsoid_curvature, ellipsoid_wing

WINGS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "wings"
M6 = WINGS / "oneram6_surface.fmt"
PANAIR = WINGS / "dlrf4_wing_panair_cp.vtk"


def _rel_errors(f, P):
    K, H = ellipsoid_curvature(P)
    return np.abs(f["K"] - K) / np.abs(K), np.abs(f["H"] - H) / np.abs(H)


def _regions(s, nspan, ncap):
    """Seam points (coincident across blocks) and block interiors (3 rows in from
    every block edge), both away from the open root; cap; pole."""
    c = s.connectivity
    a, b = c.coincident_pairs()
    seam = np.zeros(s.n_vertices, bool)
    seam[a] = seam[b] = True
    inner = np.zeros(s.n_vertices, bool)
    for (ni, nj), off in zip(s.shapes, s.offsets[:-1]):
        i, j = np.meshgrid(np.arange(3, ni - 3), np.arange(3, nj - 3), indexing="ij")
        inner[off + i + ni * j] = True
    dphi = np.pi / 2 / (nspan + ncap)
    z = s.points[:, 2]
    away = z > 2.0 * np.cos(np.pi / 2 - 3.5 * dphi)
    cap_z = s.blocks[0][0, -1, 2]
    wing = z < cap_z - 1e-12
    return {"seam": seam & away & wing, "interior": inner & away & wing,
            "cap": ~wing & ~c.singular, "pole": c.singular}


def _match(P, Q):
    """Index into Q of each point of P (the same points, another numbering)."""
    m = np.concatenate([np.argmin(((P[k:k + 400, None] - Q[None]) ** 2).sum(-1), 1)
                        for k in range(0, len(P), 400)])
    assert np.abs(Q[m] - P).max() < 1e-12
    return m


@pytest.fixture(scope="module")
def levels():
    return _levels()


def _levels():
    out = []
    for nq in (12, 24):
        args = (nq, 4 * nq // 3, nq // 2)
        s = StructuredSurface(ellipsoid_wing(*args))
        one = StructuredSurface(ellipsoid_wing(*args, one_block=True))
        alone = StructuredSurface(s.blocks)
        alone.connectivity.partner[:] = -1  # every block differenced alone
        f = features(s, ["K", "H", "normal"])
        eK, eH = _rel_errors(f, s.points)
        oK, oH = _rel_errors(features(one, ["K", "H"]), one.points)
        aK, aH = _rel_errors(features(alone, ["K", "H"]), s.points)
        m = _match(s.points, one.points)
        reg = _regions(s, *args[1:])
        err = {k: (eK[r].max(), eH[r].max()) for k, r in reg.items()}
        err_one = {k: (oK[m][r].max(), oH[m][r].max()) for k, r in reg.items()}
        err_alone = {k: (aK[r].max(), aH[r].max()) for k, r in reg.items()}
        out.append(dict(nq=nq, s=s, f=f, err=err, one=err_one, alone=err_alone))
    return out


def test_seams_match_the_interior_and_converge_alike(levels):
    for lv in levels:
        e = lv["err"]
        for q in range(2):  # K, H
            assert e["seam"][q] <= 2.0 * e["interior"][q]
            assert e["interior"][q] <= 1.0001 * lv["one"]["interior"][q]  # no worse than one block
            assert e["cap"][q] <= 2.0 * e["interior"][q]  # the cap, up to the pole's ring
        # differencing each block alone (the old way) is what the seams fix
        assert lv["alone"]["seam"][0] > 5 * e["seam"][0]
    for region in ("seam", "interior", "cap"):
        for q in range(2):
            order = np.log2(levels[0]["err"][region][q] / levels[1]["err"][region][q])
            assert order > 3.5, (region, q, order)  # 4th order across seams as inside


def test_pole_by_the_welded_fit(levels):
    coarse, fine = (lv["err"]["pole"] for lv in levels)
    assert coarse[0] < 1e-3 and coarse[1] < 1e-3  # well within a few per cent, coarse level
    assert coarse[0] / fine[0] > 8 and coarse[1] / fine[1] > 8  # converges like the FD
    s, f = levels[0]["s"], levels[0]["f"]
    pole = s.connectivity.singular
    assert np.ptp(f["K"][pole]) == 0 and np.ptp(f["H"][pole]) == 0  # one value


def test_one_orientation_outward(levels):
    s, f = levels[0]["s"], levels[0]["f"]
    assert sorted(set(s.connectivity.block_sign.tolist())) == [-1, 1]  # transposed blocks
    n = s.points / np.array([1.0, 0.25**2, 4.0])  # gradient of the implicit surface
    n /= np.linalg.norm(n, axis=1)[:, None]
    assert (f["normal"] * n).sum(1).min() > 0.999
    # the same surface with every block reversed keeps the outward normal
    r = StructuredSurface([X[::-1] for X in s.blocks])
    assert (r.connectivity.block_sign == -s.connectivity.block_sign).all()


def test_flipped_blocks_keep_their_chart(levels):
    s = levels[0]["s"]
    b = int(np.flatnonzero(s.connectivity.block_sign < 0)[0])
    f = features(s, ["g", "b", "H", "K", "k1", "k2"])
    lo, hi = s.offsets[b], s.offsets[b + 1]
    alone = features(StructuredSurface([s.blocks[b]]), ["g", "b", "H", "K", "k1", "k2"])
    inner = np.zeros(s.shapes[b], bool)
    inner[3:-3, 3:-3] = True
    inner = inner.T.ravel()  # same stencils inside the block
    np.testing.assert_allclose(f["g"][lo:hi][inner], alone["g"][inner], rtol=1e-12)
    np.testing.assert_allclose(f["b"][lo:hi][inner], -alone["b"][inner], rtol=1e-12)
    np.testing.assert_allclose(f["H"][lo:hi][inner], -alone["H"][inner], rtol=1e-12)
    np.testing.assert_allclose(f["K"][lo:hi][inner], alone["K"][inner], rtol=1e-12)
    np.testing.assert_allclose(f["k1"][lo:hi][inner], -alone["k2"][inner], rtol=1e-12)


def test_connectivity_transforms_carry_steps():
    blocks = ellipsoid_wing(4, 4, 2)
    c = StructuredSurface(blocks).connectivity
    shapes = [X.shape[:2] for X in blocks]
    from geomkit.mesh.connectivity import _OUT, side_points

    for sm in c.seams:
        ib, jb = side_points(*shapes[sm.block], sm.side)
        ic, jc = side_points(*shapes[sm.other], sm.other_side)
        Xb, Xc = blocks[sm.block], blocks[sm.other]
        assert np.allclose(Xb[ib[sm.k0], jb[sm.k0]], Xc[ic[sm.m0], jc[sm.m0]])
        # a step back into block b, carried by T, is the step into c's interior... reversed
        step_in_c = sm.transform @ (-_OUT[sm.side])
        assert (step_in_c == _OUT[sm.other_side]).all()
    assert len(c.collapsed) == 2 and c.singular.sum() == 2 * (2 * 4 + 1)


def test_moebius_strip_is_not_orientable():
    t = np.linspace(0, np.pi, 9)
    w = np.linspace(-0.3, 0.3, 5)

    def strip(t):
        T, W = np.meshgrid(t, w, indexing="ij")
        return np.stack([(1 + W * np.cos(T / 2)) * np.cos(T), (1 + W * np.cos(T / 2)) * np.sin(T),
                         W * np.sin(T / 2)], -1)

    a, b = strip(t), strip(t + np.pi)
    b[-1] = a[0, ::-1]
    a[-1] = b[0]
    with pytest.raises(MeshError, match="orientable"):
        features(StructuredSurface([a, b]), ["K"])


@pytest.mark.parametrize("what", ["nan", "line", "rtol", "near"])
def test_bad_multiblock_input_names_the_block(what):
    blocks = [X.copy() for X in ellipsoid_wing(4, 4, 2)]
    rtol = 0.1
    if what == "nan":
        blocks[2][1, 1] = np.nan
        match = "block 2"
    elif what == "line":
        blocks[3] = blocks[3][:1]
        match = "block 3"
    elif what == "rtol":
        rtol = 0.7
        match = "rtol"
    else:  # an abutting edge off by 0.15 grid steps: neither coincident nor apart
        X = blocks[0]
        step = X[1, 1:-1] - X[0, 1:-1]
        h = np.minimum(np.linalg.norm(step, axis=1),
                       np.linalg.norm(X[0, 2:] - X[0, 1:-1], axis=1))
        X[0, 1:-1] += 0.15 * h[:, None] * step / np.linalg.norm(step, axis=1)[:, None]
        match = "block"
    s = StructuredSurface(blocks, seam_rtol=rtol)
    with pytest.raises(MeshError, match=match):
        features(s, ["K"])


@pytest.mark.skipif(not M6.exists(), reason="ONERA M6 grid not found (../shared/data/wings)")
def test_oneram6_coincident_points_agree():
    s = gk.mesh.read(M6)
    f = features(s, ["K", "H", "normal"])
    c = s.connectivity
    assert len(s.blocks) == 9 and not c.collapsed
    a, b = c.coincident_pairs()
    assert len(a) > 500
    for k in ("K", "H"):
        v = f[k]
        tol = np.maximum(0.1 * np.maximum(abs(v[a]), abs(v[b])), 0.01 * np.percentile(abs(v), 90))
        assert (np.abs(v[a] - v[b]) <= tol).mean() >= 0.95, k
    assert (f["normal"][a] * f["normal"][b]).sum(1).min() > 0.99  # one orientation


@pytest.mark.skipif(not PANAIR.exists(), reason="PAN AIR wing not found (../shared/data/wings)")
@pytest.mark.parametrize("fmt", ["npz", "vtu", "csv", "parquet"])
def test_panair_labels_survive_repair(fmt, tmp_path):
    if fmt == "parquet":
        pytest.importorskip("pyarrow", reason="parquet output needs pyarrow")
    import meshio

    from geomkit.cli import main

    out = tmp_path / f"w.{fmt}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # merged copies disagree on the singular tip
        assert main(["features", str(PANAIR), "-o", str(out), "--repair", "-q",
                     "--features", "K,H"]) == 0
    if fmt == "npz":
        z = np.load(out)
        cols = {k: z[k] for k in z.files}
    elif fmt == "vtu":
        m = meshio.read(out)
        cols = {k: np.asarray(v) for k, v in m.point_data.items()}
        cols["points"] = m.points
    elif fmt == "csv":
        data = np.genfromtxt(out, delimiter=",", names=True)
        cols = {k: data[k] for k in data.dtype.names}
    else:
        import pyarrow.parquet as pq

        t = pq.read_table(out)
        cols = {c: t.column(c).to_numpy() for c in t.column_names}
    if "points" not in cols:
        cols["points"] = np.column_stack([cols["x"], cols["y"], cols["z"]])
    src = meshio.read(PANAIR)
    P0 = np.asarray(src.points)
    idx = np.asarray(cols["point_index"]).astype(np.int64).ravel()
    assert np.array_equal(P0[idx], cols["points"])  # join back to the input points
    for k in ("cp1", "cp2", "cp3"):
        v0 = np.asarray(src.point_data[k]).ravel()
        got = np.asarray(cols[k]).ravel()
        # the rule: lowest original index, mean over all copies at that point
        for r in range(0, len(idx), 97):
            copies = np.flatnonzero((P0 == P0[idx[r]]).all(1))
            assert idx[r] == copies.min()
            assert np.isclose(got[r], v0[copies].mean())


def test_function_files_are_labels(tmp_path):
    from geomkit.mesh.demo import wing_grid
    from geomkit.mesh.plot3d import write_plot3d

    X = wing_grid(17, 9)
    Y = X[:9, :5] + np.array([0.0, 10.0, 0.0])  # apart from the first block
    write_plot3d(tmp_path / "g.xyz", [X, Y])
    n = [17 * 9, 9 * 5]
    cp = np.arange(sum(n), dtype=float) / 7
    with open(tmp_path / "g.cp.f", "w") as f:  # ASCII function file, one variable
        f.write(f"2\n17 9 1 1\n9 5 1 1\n{' '.join(map(repr, cp.tolist()))}\n")
    it, ft = np.dtype(">i4"), np.dtype(">f4")  # big-endian Fortran solution file

    def rec(fh, b):
        fh.write(np.array([len(b)], it).tobytes() + b + np.array([len(b)], it).tobytes())

    q = [np.arange(5 * k, dtype=ft).reshape(5, k) for k in n]
    with open(tmp_path / "g.q", "wb") as fh:
        rec(fh, np.array([2], it).tobytes())
        rec(fh, np.array([17, 9, 1, 9, 5, 1], it).tobytes())
        for a in q:
            rec(fh, np.array([0.5, 2.0, 1e6, 0.0], ft).tobytes())
            rec(fh, a.tobytes())
    s = gk.mesh.read(tmp_path / "g.xyz")
    assert sorted(s.point_data) == ["cp", "e", "rho", "rhou", "rhov", "rhow"]
    np.testing.assert_array_equal(s.point_data["cp"], cp)
    np.testing.assert_array_equal(s.point_data["rhov"], np.concatenate([a[2] for a in q]))
    out = gk.mesh.write(tmp_path / "o.npz", s, features(s, ["K"]))
    z = np.load(out)
    np.testing.assert_array_equal(z["cp"], cp)
    np.testing.assert_array_equal(z["point_index"], np.arange(sum(n)))
    with open(tmp_path / "g.cp.f", "w") as f:  # wrong block size: named
        f.write(f"2\n17 9 1 1\n9 4 1 1\n{' '.join(map(repr, cp[:-9].tolist()))}\n")
    with pytest.raises(MeshError, match="g.cp.f"):
        gk.mesh.read(tmp_path / "g.xyz")
    os.remove(tmp_path / "g.cp.f")


def test_info_shows_connectivity(tmp_path):
    from geomkit.mesh.plot3d import write_plot3d

    write_plot3d(tmp_path / "w.xyz", ellipsoid_wing(4, 4, 2))
    d = gk.mesh.info(tmp_path / "w.xyz")
    con = d["connectivity"]
    assert len(con["seams"]) == 10 and len(con["collapsed"]) == 2
    assert any("opposite handedness" in x for x in con["seams"])


if __name__ == "__main__":  # the seam/interior error table: python tests/test_mesh_multiblock.py
    print("max relative error of K and H; 'one block': the same points as one block; "
          "'alone': each block differenced alone")
    print(f"{'cells/quarter':>13} {'points':>9} {'K':>9} {'H':>9} {'K one':>9} {'H one':>9} "
          f"{'K alone':>9} {'H alone':>9}")
    for lv in _levels():
        for k in ("seam", "interior", "cap", "pole"):
            e, o, a = lv["err"][k], lv["one"][k], lv["alone"][k]
            print(f"{lv['nq']:>13} {k:>9} {e[0]:9.2e} {e[1]:9.2e} {o[0]:9.2e} {o[1]:9.2e} "
                  f"{a[0]:9.2e} {a[1]:9.2e}")
