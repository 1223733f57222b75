"""Every file geomkit writes gets the permissions of a plain ``open()``:
``0666`` less the umask (results on a shared file system stay readable), and
is written atomically (no temporary left behind)."""

import os

import numpy as np
import pytest

from geomkit import cli
from geomkit._io import atomic_write, current_umask


@pytest.fixture(params=[0o022, 0o027])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def _mode(p):
    return os.stat(p).st_mode & 0o777


def test_current_umask_is_read_without_changing_it(umask):
    assert current_umask() == umask
    assert current_umask() == umask


def test_every_writer_follows_the_umask(umask, tmp_path):
    from geomkit.batch import write_json
    from geomkit.batch.chunked import chunked_features
    from geomkit.codegen.cache import write_atomic
    from geomkit.mesh import StructuredSurface, write, write_plot3d
    from geomkit.mesh.demo import wing_grid
    from geomkit.mesh.vts import write_vts

    want = 0o666 & ~umask
    X = wing_grid(17, 9)
    grid = tmp_path / "g.xyz"
    write_plot3d(grid, [X], binary=True)
    write_vts(tmp_path / "g.vts", X, {"K": np.zeros(17 * 9)})
    s = StructuredSurface([X])
    feats = {"K": np.zeros(s.n_vertices)}
    for ext in ("npz", "csv", "vtu", "vts"):
        write(tmp_path / f"f.{ext}", s, feats)
    write_json(tmp_path / "s.json", {"a": 1})
    write_atomic(str(tmp_path / "k.py"), "x = 1\n", exclusive=True)
    chunked_features(grid, tmp_path / "c.npz", names=["K"], chunk_points=50)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["c.npz", "f.csv", "f.npz", "f.vts", "f.vtu", "g.vts", "g.xyz", "k.py",
                     "s.json"]
    for name in files:
        assert _mode(tmp_path / name) == want, (name, oct(_mode(tmp_path / name)))


def test_cli_outputs_follow_the_umask(umask, tmp_path):
    w = tmp_path / "w.xyz"
    assert cli.main(["demo-wing", "-o", str(w), "--ni", "17", "--nj", "9"]) == 0
    assert cli.main(["features", str(w), "-o", str(tmp_path / "w.npz"), "-q"]) == 0
    for p in ("w.xyz", "w.npz"):
        assert _mode(tmp_path / p) == 0o666 & ~umask


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("old")
    with pytest.raises(ZeroDivisionError):
        with atomic_write(p, "w") as f:
            f.write("new")
            raise ZeroDivisionError
    assert p.read_text() == "old"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.txt"]
