"""Training tables: rows, neighbourhoods, edges, label alignment, streaming."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import geomkit as gk
from geomkit.errors import MeshError
from geomkit.learn.tables import dataset, wing_table, write_labels
from geomkit.mesh.wings import WingParams, sample_family, wing_grid, write_wing

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _wings(d, n, ni=17, nj=5, conds=((0.3, 0.0), (0.5, 2.0))):
    """n wing files with synthetic labels Cp = x - 2 z + alpha (aligned with the points)."""
    paths = []
    for k, p in enumerate(sample_family(n, seed=5)):
        path = write_wing(os.path.join(d, f"w{k:04d}.xyz"), p, ni, nj)
        P = gk.mesh.StructuredSurface([wing_grid(p, ni, nj)]).points
        write_labels(path, [P[:, 0] - 2 * P[:, 2] + a for _, a in conds], conds)
        paths.append(path)
    return paths


def test_rows_neighbourhoods_and_labels(tmp_path):
    (path,) = _wings(str(tmp_path), 1)
    cols, E = wing_table(path)
    n = 17 * 5
    assert len(cols["Cp"]) == 2 * n and np.array_equal(cols["point"][:n], np.arange(n))
    assert np.allclose(cols["Cp"], cols["x"] - 2 * cols["z"] + cols["alpha"])  # aligned
    # edges: grid lines, valid and unique; interior points have the 4-point stencil
    assert E.min() >= 0 and E.max() < n and (E[:, 0] < E[:, 1]).all()
    assert len(E) == 16 * 5 + 17 * 4 == len(np.unique(E, axis=0))
    cnt = cols["nb_count"][:n].reshape(5, 17)
    assert (cnt[1:-1, 1:-1] == 4).all() and cnt[0, 0] == 2
    p = 2 * 17 + 8  # (i, j) = (8, 2)
    nb = [p - 1, p + 1, p - 17, p + 17]
    K = cols["K"][:n]
    assert np.isclose(cols["nb_mean_K"][p], K[nb].mean())
    assert np.isclose(cols["nb_range_K"][p], np.ptp(K[nb]))


def test_labels_follow_points_through_repair(tmp_path):
    V, F = gk.mesh.wings.wing_triangles(WingParams(), 17, 5)
    # duplicate every vertex of the first faces and add an isolated vertex: repair merges
    # and drops them, the labels must follow
    dup = V[F[:10].ravel()]
    V2 = np.concatenate([V, dup, [[9.0, 9.0, 9.0]]])
    F2 = F.copy()
    F2[:10] = len(V) + np.arange(30).reshape(10, 3)
    meshio = pytest.importorskip("meshio", reason="writing .obj needs meshio")
    path = str(tmp_path / "t.obj")
    meshio.write(path, meshio.Mesh(V2, [("triangle", F2)]))
    write_labels(path, [V2[:, 0] + 10 * V2[:, 1]], [(0.4, 1.0)])
    cols, E = wing_table(path, repair=True, features=["K", "H"], neighbours=("K",))
    assert len(cols["Cp"]) == len(V)
    assert np.allclose(cols["Cp"], cols["x"] + 10 * cols["y"])
    assert E.max() < len(V)
    with pytest.raises(MeshError, match="no label"):
        wing_table(path, label="p", repair=True)


def test_dataset_streams_parquet_and_edges(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet", reason="parquet output needs pyarrow")
    paths = _wings(str(tmp_path), 3)
    open(tmp_path / "bad.xyz", "w").write("not a grid")
    s = dataset(paths + [str(tmp_path / "bad.xyz")], tmp_path / "d.parquet", workers=1,
                progress=False)
    assert s["rows"] == 3 * 2 * 85 and s["failed"] == 1 and "bad.xyz" in str(s["failures"])
    f = pq.ParquetFile(tmp_path / "d.parquet")
    assert f.metadata.num_rows == s["rows"] and f.metadata.num_row_groups == 3
    t = f.read().to_pydict()
    assert sorted(set(t["wing"])) == [0, 1, 2]
    e = pq.read_table(tmp_path / "d.edges.parquet").to_pydict()
    assert len(e["a"]) == 3 * (16 * 5 + 17 * 4)
    assert not any(p.name.startswith(".parts-") for p in tmp_path.iterdir())  # cleaned up
    # resume: parts are kept and reused by a rerun with the same options
    s1 = dataset(paths, tmp_path / "r.parquet", workers=1, progress=False, resume=True)
    parts = sorted(os.listdir(tmp_path / "r.parquet.parts"))
    mtimes = [os.path.getmtime(tmp_path / "r.parquet.parts" / p) for p in parts]
    s2 = dataset(paths, tmp_path / "r.parquet", workers=1, progress=False, resume=True)
    assert s1["rows"] == s2["rows"] == s["rows"] and len(parts) == 3
    assert mtimes == [os.path.getmtime(tmp_path / "r.parquet.parts" / p) for p in parts]
    with pytest.raises(MeshError, match=".parquet or .csv"):
        dataset(paths, tmp_path / "d.npz")


_STREAM = textwrap.dedent("""
    import resource, sys
    from geomkit.learn.tables import dataset
    s = dataset(sys.argv[1:-1], sys.argv[-1], workers=2, progress=False, edges=False,
                features=["K", "H"], neighbours=["K"])
    print(s["rows"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""")


@pytest.mark.slow
def test_streaming_memory_is_bounded_on_1000_wings(tmp_path):
    pytest.importorskip("pyarrow", reason="parquet output needs pyarrow")
    paths = _wings(str(tmp_path), 1000, ni=9, nj=3, conds=((0.3, 0.0),))
    env = dict(os.environ, PYTHONPATH=ROOT)
    peak = {}
    for n in (100, 1000):
        out = subprocess.run([sys.executable, "-c", _STREAM, *paths[:n],
                              str(tmp_path / f"d{n}.parquet")], env=env, capture_output=True,
                             text=True, check=True).stdout.split()
        assert int(out[0]) == n * 27
        peak[n] = int(out[1])
    # the writer holds one surface at a time: 10x the wings, about the same peak (KiB)
    print("peak RSS (KiB) of the parent:", peak)
    assert peak[1000] < 1.2 * peak[100] + 20_000, peak


def test_cli_wing_family_and_dataset(tmp_path, capsys):
    from geomkit.cli import main

    d = str(tmp_path / "wings")
    assert main(["wing", "--family", "2", "--seed", "3", "-o", d, "--ni", "17", "--nj", "5"]) == 0
    assert sorted(os.listdir(d)) == ["wing_0000.json", "wing_0000.xyz", "wing_0001.json",
                                     "wing_0001.xyz"]
    # no labels anywhere: a clear error naming the way out
    assert main(["dataset", os.path.join(d, "*.xyz"), "-o", str(tmp_path / "t.csv"),
                 "--workers", "1"]) == 2
    assert "--solver aero" in capsys.readouterr().err
    for k in range(2):
        P = gk.mesh.read(os.path.join(d, f"wing_{k:04d}.xyz")).points
        write_labels(os.path.join(d, f"wing_{k:04d}.xyz"), [P[:, 2]], [(0.5, 1.0)])
    assert main(["dataset", os.path.join(d, "*.xyz"), "-o", str(tmp_path / "t.csv"),
                 "--workers", "1", "--features", "K,H", "--neighbours", "K"]) == 0
    rows = np.loadtxt(tmp_path / "t.csv", delimiter=",", skiprows=1)
    head = open(tmp_path / "t.csv").readline().strip().split(",")
    assert len(rows) == 2 * 85 and head[-1] == "Cp"
    assert np.allclose(rows[:, head.index("Cp")], rows[:, head.index("z")])
    assert main(["wing", "-o", str(tmp_path / "w.stl"), "--section", "23012", "--ni", "17",
                 "--nj", "5"]) == 0
    assert main(["wing", "-o", str(tmp_path / "w.xyz"), "--section", "123"]) == 2


WINGS = os.path.join(ROOT, "..", "shared", "data", "wings")
PANAIR = os.path.join(WINGS, "dlrf4_wing_panair_cp.vtk")
M6 = os.path.join(WINGS, "oneram6_surface.fmt")


def _read_table(path):
    if path.endswith(".csv"):
        a = np.genfromtxt(path, delimiter=",", names=True)
        return {k: a[k] for k in a.dtype.names}
    t = pytest.importorskip("pyarrow.parquet").read_table(path)
    return {k: t[k].to_numpy() for k in t.column_names}


@pytest.mark.skipif(not os.path.exists(PANAIR), reason=f"{PANAIR} absent (shared data)")
@pytest.mark.filterwarnings("ignore:.*merged duplicate vertices disagree")
def test_dataset_of_a_real_labelled_file_after_repair(tmp_path):
    """PAN AIR Cp of the DLR-F4 wing in the file's point data: the quads' shared
    corners are repeated per network; repair merges them (labels averaged), and
    every row names the file point it stands for."""
    raw = gk.mesh.read(PANAIR)
    fmts = ["csv"]
    try:
        import pyarrow  # noqa: F401
        fmts.append("parquet")
    except ImportError:
        pass
    tabs = []
    for fmt in fmts:
        out = str(tmp_path / f"p.{fmt}")
        s = dataset([PANAIR], out, label="cp1", repair=True, features=["K", "H"],
                    neighbours=["K"], workers=1, progress=False)
        assert s["failed"] == 0
        tabs.append((_read_table(out), _read_table(s["edges"])))
    t, e = tabs[0]
    for t2, e2 in tabs[1:]:  # parquet holds the same table as csv
        assert all(np.array_equal(t[k], t2[k]) for k in t) and np.array_equal(e["a"], e2["a"])
    n = len(t["cp1"])
    # rows: one per distinct point, aligned with the file's numbering
    keys, inv, cnt = np.unique(raw.points, axis=0, return_inverse=True, return_counts=True)
    assert n == len(keys) < raw.n_vertices
    pi = t["point_index"].astype(np.int64)
    assert np.array_equal(t["point"], np.arange(n)) and len(np.unique(pi)) == n
    assert np.array_equal(np.column_stack([t["x"], t["y"], t["z"]]), raw.points[pi])
    cp = np.asarray(raw.point_data["cp1"], np.float64)
    inv = inv.ravel()
    mean = np.bincount(inv, cp) / cnt
    assert np.allclose(t["cp1"], mean[inv[pi]])  # merged points: the mean of their labels
    alone = cnt[inv[pi]] == 1
    assert alone.sum() > n // 2 and np.array_equal(t["cp1"][alone], cp[pi[alone]])
    assert e["a"].min() >= 0 and e["b"].max() < n and (e["a"] < e["b"]).all()


@pytest.mark.skipif(not os.path.exists(M6), reason=f"{M6} absent (shared data)")
def test_unlabelled_multiblock_file_gives_a_feature_table():
    with pytest.raises(MeshError, match="no label 'Cp'.*--no-label"):
        wing_table(M6, features=["K"], neighbours=())
    cols, E = wing_table(M6, label=None, features=["K", "g"], neighbours=())
    s = gk.mesh.read(M6)
    n = s.n_vertices
    assert len(cols["K"]) == n and "Cp" not in cols and np.isfinite(cols["K"]).all()
    assert np.array_equal(cols["point_index"], np.arange(n))
    assert (cols["chart_valid"] == 1).all() and E.max() < n
