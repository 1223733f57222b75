"""Reading, writing and bad input: every defect gets a MeshError naming what and where."""

import os
import sys

import meshio
import numpy as np
import pytest
from mesh_surfaces import grid_triangles, icosphere

from geomkit import MeshError
from geomkit.mesh import (
    StructuredSurface,
    TriangleSurface,
    features,
    read,
    read_features,
    read_plot3d,
    write,
    write_plot3d,
)
from geomkit.mesh.demo import wing_grid
from geomkit.mesh.vts import read_vts


@pytest.fixture(scope="module")
def blocks():
    rng = np.random.default_rng(7)
    return [rng.random((5, 4, 3)), rng.random((3, 6, 3))]


# -- Plot3D ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "kw",
    [
        dict(binary=False),
        dict(binary=True, fortran=True, endian="<"),
        dict(binary=True, fortran=True, endian=">"),
        dict(binary=True, fortran=False, endian="<"),
        dict(binary=True, fortran=False, endian=">"),
        dict(binary=True, fortran=True, endian=">", double=False),
        dict(binary=True, fortran=True, iblank=True),
        dict(binary=False, iblank=True),
    ],
)
@pytest.mark.parametrize("multi", [False, True])
def test_plot3d_variants_round_trip(tmp_path, blocks, kw, multi):
    bl = blocks if multi else blocks[:1]
    p = tmp_path / "g.xyz"
    write_plot3d(p, bl, multi=multi, **kw)
    got = read_plot3d(p)
    assert len(got) == len(bl)
    tol = 1e-6 if kw.get("double") is False else 0
    for a, b in zip(got, bl):
        assert a.shape == b.shape
        assert np.allclose(a, b, atol=tol, rtol=0)
    s = read(p)
    assert isinstance(s, StructuredSurface) and s.shapes == [b.shape[:2] for b in bl]


def test_plot3d_2d_dims_and_raw_records(tmp_path):
    X = np.random.default_rng(1).random((4, 3, 3))
    # ASCII with 2D dims and three coordinates
    txt = "4 3\n" + "\n".join(" ".join(f"{v:.17g}" for v in X[:, :, c].T.ravel()) for c in range(3))
    (tmp_path / "a.p3d").write_text(txt)
    assert np.array_equal(read_plot3d(tmp_path / "a.p3d")[0], X)
    # planar 2D grid (x, y only): z = 0
    txt = "4 3\n" + "\n".join(" ".join(f"{v:.17g}" for v in X[:, :, c].T.ravel()) for c in range(2))
    (tmp_path / "b.x").write_text(txt)
    Y = read_plot3d(tmp_path / "b.x")[0]
    assert np.array_equal(Y[..., :2], X[..., :2]) and not Y[..., 2].any()
    # nk = 1 may be any of the three dimensions: ni = 1 here
    d = np.array([1, 4, 3], "<i4").tobytes()
    data = np.stack([X[:, :, c].T.ravel() for c in range(3)]).astype("<f8").tobytes()
    (tmp_path / "c.xyz").write_bytes(d + data)
    assert np.array_equal(read_plot3d(tmp_path / "c.xyz")[0], X)


def test_plot3d_bad_files(tmp_path):
    p = tmp_path / "e.xyz"
    p.write_bytes(b"")
    with pytest.raises(MeshError, match="empty"):
        read(p)
    write_plot3d(p, [wing_grid(9, 7)], binary=True)
    p.write_bytes(p.read_bytes()[:-10])
    with pytest.raises(MeshError, match="truncated|not a Plot3D"):
        read(p)
    p.write_text("2 2 2\n" + " ".join(["0.5"] * 24))
    with pytest.raises(MeshError, match="volume grid"):
        read(p)
    p.write_text("3 3 1\n1 2 3")
    with pytest.raises(MeshError, match="do not match"):
        read(p)


# -- VTS ---------------------------------------------------------------------------
def _appended_zlib_vts(X, K):
    import zlib

    def blk(a):
        raw = np.ascontiguousarray(a, "<f4").tobytes()
        c = zlib.compress(raw)
        return np.array([1, len(raw), len(raw), len(c)], "<u4").tobytes() + c

    ni, nj = X.shape[:2]
    pts = blk(X.transpose(1, 0, 2).reshape(-1, 3))
    kk = blk(K)
    ext = f"0 {ni - 1} 0 {nj - 1} 0 0"
    head = (
        '<?xml version="1.0"?>\n<VTKFile type="StructuredGrid" version="1.0" '
        'byte_order="LittleEndian" header_type="UInt32" compressor="vtkZLibDataCompressor">'
        f'<StructuredGrid WholeExtent="{ext}"><Piece Extent="{ext}">'
        '<PointData><DataArray type="Float32" Name="K" format="appended" offset="0"/>'
        "</PointData><Points>"
        f'<DataArray type="Float32" NumberOfComponents="3" format="appended" offset="{len(kk)}"/>'
        '</Points></Piece></StructuredGrid><AppendedData encoding="raw">_'
    )
    return head.encode() + kk + pts + b"</AppendedData></VTKFile>"


def test_vts_reader_variants(tmp_path):
    X = wing_grid(9, 7)
    K = np.arange(63.0)
    p = tmp_path / "a.vts"
    p.write_bytes(_appended_zlib_vts(X, K))
    Y, data = read_vts(p)
    assert np.allclose(Y, X, atol=1e-6) and np.array_equal(data["K"], K)
    # ASCII
    pts = " ".join(f"{v:.17g}" for v in X.transpose(1, 0, 2).ravel())
    p.write_text(
        '<VTKFile type="StructuredGrid"><StructuredGrid WholeExtent="0 8 0 6 0 0">'
        '<Piece Extent="0 8 0 6 0 0"><Points><DataArray type="Float64" '
        f'NumberOfComponents="3" format="ascii">{pts}</DataArray></Points></Piece>'
        "</StructuredGrid></VTKFile>"
    )
    assert np.array_equal(read(p).blocks[0], X)
    p.write_text("<VTKFile type='UnstructuredGrid'></VTKFile>")
    with pytest.raises(MeshError, match="StructuredGrid"):
        read(p)


# -- meshio formats ------------------------------------------------------------------
@pytest.mark.parametrize("ext", ["stl", "obj", "ply", "off", "vtk", "vtu"])
def test_meshio_formats_read_as_triangles(tmp_path, ext):
    V, F = icosphere(3)
    p = tmp_path / f"s.{ext}"
    meshio.write(p, meshio.Mesh(V, [("triangle", F.astype(np.int32))]))
    s = read(p)
    assert isinstance(s, TriangleSurface)
    assert s.n_vertices == len(V) and s.n_faces == len(F)
    f = features(s, ["K", "H"])
    assert np.allclose(f["K"], 1, atol=0.05) and np.allclose(f["H"], -1, atol=0.03)


def test_quads_are_split_and_uv_becomes_the_chart(tmp_path):
    n = 12
    x = np.linspace(0, 1, n)
    U, W = np.meshgrid(x, x, indexing="ij")
    U, W = U.T.ravel(), W.T.ravel()
    P = np.stack([U, W, 0.3 * U * W], -1)
    tri = grid_triangles(n, n)
    quads = np.column_stack([tri[: len(tri) // 2], tri[len(tri) // 2 :, 2]])  # (a b c) + (a c d)
    p = tmp_path / "q.vtu"
    meshio.write(p, meshio.Mesh(P, [("quad", quads)], point_data={"uv": np.stack([U, W], -1)}))
    s = read(p)
    assert s.n_faces == 2 * len(quads) and s.has_chart
    f = features(s, ["g", "Gamma", "K"])
    # X = (u, w, 0.3 u w): g = [[1 + .09 w^2, .09 u w], [.09 u w, 1 + .09 u^2]]
    assert np.allclose(f["g"][:, 0, 0], 1 + 0.09 * W**2, atol=1e-8)
    assert np.allclose(f["g"][:, 0, 1], 0.09 * U * W, atol=1e-8)
    # Gamma^k_ij = g^kl X_ij . X_l with X_uw = (0, 0, .3) the only second derivative
    D = 1 + 0.09 * (U**2 + W**2)
    assert np.allclose(f["Gamma"][:, 0, 0, 1], 0.09 * W / D, atol=1e-7)
    assert np.allclose(f["K"], -0.09 / D**2, atol=1e-4)


# -- writers --------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["npz", "vtu", "vts", "csv", "parquet"])
def test_writers_round_trip(tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    s = StructuredSurface([wing_grid(17, 9)], source=str(tmp_path / "w.xyz"))
    f = features(s, ["K", "H", "normal", "g", "Gamma", "S"])
    out = write(tmp_path / f"o.{fmt}", s, f)
    P, g = read_features(out)
    assert np.allclose(P, s.points)
    assert set(g) == set(f)
    for k in f:
        assert g[k].shape == f[k].shape and g[k].dtype == np.float64
        assert np.allclose(g[k], f[k], rtol=1e-12, atol=0)
    assert [x for x in os.listdir(tmp_path) if x.startswith(".tmp")] == []


def test_npz_round_trips_the_surface(tmp_path):
    V, F = icosphere(1)
    s = TriangleSurface(V, F)
    write(tmp_path / "a.npz", s, {"K": np.ones(len(V))})
    t = read(tmp_path / "a.npz")
    assert np.array_equal(t.V, V) and np.array_equal(t.F, F)
    g = StructuredSurface([wing_grid(9, 7), wing_grid(11, 7)])
    write(tmp_path / "b.npz", g, {})
    assert [b.shape for b in read(tmp_path / "b.npz").blocks] == [(9, 7, 3), (11, 7, 3)]


def test_write_refuses_input_bad_format_and_leaves_no_temp(tmp_path, monkeypatch):
    p = tmp_path / "s.vtu"
    V, F = icosphere(1)
    meshio.write(p, meshio.Mesh(V, [("triangle", F)]))
    s = read(p)
    before = p.read_bytes()
    with pytest.raises(MeshError, match="overwrite the input"):
        write(p, s, {"K": np.ones(len(V))})
    assert p.read_bytes() == before
    with pytest.raises(MeshError, match="unknown output format"):
        write(tmp_path / "o.xyz", s, {})
    with pytest.raises(MeshError, match="rows"):
        write(tmp_path / "o.npz", s, {"K": np.ones(3)})
    with pytest.raises(MeshError, match="does not exist"):
        write(tmp_path / "nope" / "o.npz", s, {})
    with pytest.raises(MeshError, match="one structured block"):
        write(tmp_path / "o.vts", s, {})
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MeshError, match="pip install pyarrow"):
        write(tmp_path / "o.parquet", s, {"K": np.ones(len(V))})
    assert sorted(os.listdir(tmp_path)) == ["s.vtu"]


# -- bad input ----------------------------------------------------------------------
def _obj(path, V, F):
    lines = [f"v {x:.17g} {y:.17g} {z:.17g}" for x, y, z in V]
    lines += [f"f {a + 1} {b + 1} {c + 1}" for a, b, c in F]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_bad_files(tmp_path):
    with pytest.raises(MeshError, match="no such file"):
        read(tmp_path / "missing.stl")
    with pytest.raises(MeshError, match="directory"):
        read(tmp_path)
    for ext in ("stl", "obj", "vtu", "ply"):
        (tmp_path / f"e.{ext}").write_bytes(b"")
        with pytest.raises(MeshError, match=f"e.{ext}: the file is empty"):
            read(tmp_path / f"e.{ext}")
    (tmp_path / "a.foo").write_text("1 2 3")
    with pytest.raises(MeshError, match="unsupported format '.foo'"):
        read(tmp_path / "a.foo")
    (tmp_path / "g.vtu").write_text("<this is not xml")
    with pytest.raises(MeshError, match="g.vtu: cannot read"):
        read(tmp_path / "g.vtu")
    (tmp_path / "p.obj").write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\n")
    with pytest.raises(MeshError, match="no surface faces"):
        read(tmp_path / "p.obj")
    p = tmp_path / "t.vtu"
    meshio.write(p, meshio.Mesh(np.eye(4, 3), [("tetra", np.array([[0, 1, 2, 3]]))]))
    with pytest.raises(MeshError, match="found tetra"):
        read(p)


def _split_vertex(V, F, v):
    """A copy of vertex v used by one of its faces: a crack, as in meshes whose
    vertices were not merged."""
    f = int(np.flatnonzero((F == v).any(axis=1))[0])
    F[f][F[f] == v] = len(V)
    return np.vstack([V, V[v]]), F


def _sphere_with(change):
    V, F = icosphere(2)
    V, F = change(V.copy(), F.copy())
    return TriangleSurface(V, F, source="s.obj")


DEFECTS = {
    "nan": (lambda V, F: (np.where(np.arange(len(V))[:, None] == 7, np.nan, V), F),
            r"s.obj: 1 vertex has NaN or infinite coordinates \(first: vertex 7"),
    "inf": (lambda V, F: (np.where(np.arange(len(V))[:, None] == 3, np.inf, V), F), "vertex 3"),
    "degenerate": (lambda V, F: (V, np.vstack([F, [[0, 0, 1]]])), r"degenerate.*face 320"),
    "collinear": (lambda V, F: (np.vstack([V, [[2, 0, 0], [3, 0, 0], [4, 0, 0]]]),
                                np.vstack([F, [[162, 163, 164]]])), r"degenerate.*face 320"),
    "duplicate": (lambda V, F: _split_vertex(V, F, 5), "vertex 162 equals vertex 5"),
    "isolated": (lambda V, F: (np.vstack([V, [[5.0, 5, 5]]]), F), "in no face.*vertex 162"),
    "non_manifold": (lambda V, F: (np.vstack([V, [[2.0, 2, 2]]]),
                                   np.vstack([F, [[F[0, 0], F[0, 1], 162]]])),
                     "shared by more than two faces"),
    "index": (lambda V, F: (V, np.vstack([F, [[0, 1, 999]]])), "outside 0..161"),
}


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_each_defect_raises_and_names_the_element(name):
    change, msg = DEFECTS[name]
    s = _sphere_with(change)
    with pytest.raises(MeshError, match=msg):
        features(s, ["K"])


def test_empty_and_faceless_arrays():
    with pytest.raises(MeshError, match="no vertices"):
        features(TriangleSurface(np.zeros((0, 3)), np.zeros((0, 3), int)), ["K"])
    with pytest.raises(MeshError, match="no triangle faces"):
        features(TriangleSurface(np.eye(3), np.zeros((0, 3), int)), ["K"])
    with pytest.raises(MeshError, match="shape"):
        TriangleSurface(np.zeros((4, 4)), [[0, 1, 2]])
    with pytest.raises(MeshError, match="unknown feature"):
        features(TriangleSurface(*icosphere(1)), ["curvature"])


@pytest.mark.parametrize("name", ["duplicate", "isolated", "degenerate", "collinear"])
def test_repair_fixes_what_is_safe(tmp_path, name):
    s = _sphere_with(DEFECTS[name][0])
    fixed, report = s.repaired()
    assert report and all(v > 0 for v in report.values())
    assert fixed.problems() == []
    f = features(fixed, ["K"])
    assert np.allclose(f["K"], 1, atol=0.15)
    p = _obj(tmp_path / "d.obj", s.V, s.F)
    r = read(p, repair=True)
    assert r.repair_report and r.problems() == []


def test_repair_leaves_nan_and_non_manifold_to_check():
    for name in ("nan", "non_manifold"):
        fixed, _ = _sphere_with(DEFECTS[name][0]).repaired()
        with pytest.raises(MeshError):
            fixed.check()


def test_info_reports_problems(tmp_path):
    from geomkit.mesh import info

    V, F = icosphere(1)
    p = _obj(tmp_path / "d.obj", np.vstack([V, V[:1]]), F)
    d = info(p)
    assert d["kind"] == "triangles" and d["n_points"] == len(V) + 1
    assert any("duplicate" in x and "repairable" in x for x in d["problems"])
    write_plot3d(tmp_path / "w.xyz", [wing_grid(17, 9)])
    d = info(tmp_path / "w.xyz")
    assert d["structured"] and d["blocks"] == [[17, 9]] and d["problems"] == []
    assert d["topology"][0]["i"] == {"periodic": False, "creases": []}
