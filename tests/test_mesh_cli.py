"""The geomkit command: main job, info, exit codes."""

import numpy as np
import pytest

from geomkit import cli
from geomkit.mesh import process_file, read_features


@pytest.fixture(scope="module")
def wing(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    p = d / "wing.xyz"
    assert cli.main(["demo-wing", "-o", str(p), "--ni", "65", "--nj", "17"]) == 0
    return p


def test_main_job_wing_to_features(wing, tmp_path, capsys):
    out = tmp_path / "wing.npz"
    assert cli.main(["features", str(wing), "-o", str(out)]) == 0
    P, f = read_features(out)
    assert P.shape == (65 * 17, 3)
    assert {"K", "H", "k1", "k2", "normal", "d1", "d2", "g", "Gamma", "b", "R1212"} <= set(f)
    assert f["Gamma"].shape == (65 * 17, 2, 2, 2)
    assert "structured, 1105 points" in capsys.readouterr().out


def test_feature_selection_and_format(wing, tmp_path):
    out = tmp_path / "w.csv"
    rc = cli.main(["features", str(wing), "-o", str(out), "--features", "K,H", "-q"])
    assert rc == 0
    head = out.read_text().splitlines()[0]
    assert head == "x,y,z,K,H,point_index"  # the input numbering rides along
    out = tmp_path / "w.vts"
    assert cli.main(["features", str(wing), "-o", str(out), "--features", "K", "-q"]) == 0
    assert read_features(out)[1]["K"].shape == (1105,)


def test_many_inputs_go_to_a_directory(wing, tmp_path):
    import shutil

    a, b = tmp_path / "a.xyz", tmp_path / "b.xyz"
    shutil.copy(wing, a)
    shutil.copy(wing, b)
    out = tmp_path / "out"
    rc = cli.main(["features", str(a), str(b), "-o", str(out), "--format", "npz", "-q"])
    assert rc == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.features.npz", "b.features.npz"]


def test_info(wing, capsys):
    assert cli.main(["info", str(wing)]) == 0
    out = capsys.readouterr().out
    assert "structured grid" in out and "points      1105" in out and "problems    none" in out


def test_bad_input_exit_2_names_the_file(tmp_path, capsys):
    p = tmp_path / "empty.stl"
    p.write_bytes(b"")
    assert cli.main(["features", str(p), "-o", str(tmp_path / "o.npz")]) == 2
    err = capsys.readouterr().err
    assert "empty.stl: the file is empty" in err
    assert cli.main(["info", str(p)]) == 2
    q = tmp_path / "dup.obj"
    q.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 1 0\nv 1 1 0\nf 1 2 3\nf 2 5 4\n")
    assert cli.main(["features", str(q), "-o", str(tmp_path / "o.npz")]) == 2
    assert "vertex 4 equals vertex 3" in capsys.readouterr().err  # OBJ counts from 1
    assert cli.main(["info", str(q)]) == 2
    assert "repairable" in capsys.readouterr().out


def test_unknown_feature_and_usage_errors(wing, tmp_path, capsys):
    assert cli.main(["features", str(wing), "-o", str(tmp_path / "o.npz"),
                     "--features", "K,curv"]) == 2
    assert "unknown feature(s) 'curv'" in capsys.readouterr().err
    assert cli.main(["features", str(wing)]) == 2  # argparse: -o missing
    assert cli.main(["features", str(wing), "-o", str(wing)]) == 2  # .xyz is no output format


def test_internal_error_exit_1(wing, tmp_path, monkeypatch, capsys):
    import geomkit.mesh.extract as fm

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(fm, "process_file", boom)
    assert cli.main(["features", str(wing), "-o", str(tmp_path / "o.npz")]) == 1
    assert "internal error: RuntimeError: kaboom" in capsys.readouterr().err


def test_repair_flag_and_process_file_summary(tmp_path):
    q = tmp_path / "dup.obj"
    # a 6 x 6 grid patch of z = (x^2 - y^2)/4 written with one vertex duplicated
    x = np.linspace(-1, 1, 6)
    X, Y = np.meshgrid(x, x, indexing="ij")
    P = np.stack([X.T.ravel(), Y.T.ravel(), (X.T.ravel() ** 2 - Y.T.ravel() ** 2) / 4], -1)
    from mesh_surfaces import grid_triangles

    F = grid_triangles(6, 6)
    F[0][F[0] == 7] = 36
    P = np.vstack([P, P[7]])
    lines = [f"v {a:.17g} {b:.17g} {c:.17g}" for a, b, c in P]
    lines += [f"f {a + 1} {b + 1} {c + 1}" for a, b, c in F]
    q.write_text("\n".join(lines) + "\n")
    assert cli.main(["features", str(q), "-o", str(tmp_path / "o.npz"), "-q"]) == 2
    s = process_file(q, tmp_path / "o.npz", features=["K", "H"], repair=True)
    assert s["repaired"] == {"merged_duplicate_vertices": 1, "removed_isolated_vertices": 1}
    assert s["n_points"] == 36 and s["kind"] == "triangles" and s["features"] == ["K", "H"]
    assert cli.main(["features", str(q), "-o", str(tmp_path / "o2.npz"), "--repair", "-q"]) == 0
