"""Batch feature extraction: inputs, local pool, faults, resume, chunked huge grids.

The surfaces are tiny analytic grids (sphere of radius a: K = 1/a^2,
H = -1/a with the outward normal, MATH 7.4) and demo wings; the batch results
are compared with :func:`geomkit.mesh.features` computed in this process.
"""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from batch_helpers import NAMES, A, check_outputs, make_inputs, warm_kernels
from mesh_surfaces import sphere_grid, torus_grid

import geomkit as gk
from geomkit.batch import chunked
from geomkit.mesh.demo import wing_grid
from geomkit.mesh.plot3d import write_plot3d


@pytest.fixture(scope="session")
def warm():
    warm_kernels()


def test_expand_inputs(tmp_path):
    paths = make_inputs(tmp_path / "in", n_wings=2)
    (tmp_path / "in" / "notes.txt").write_text("not a mesh")
    (tmp_path / "in" / "wing0.features.vtu").write_text("an earlier output")
    lst = tmp_path / "list.txt"
    lst.write_text("# wings\nin/wing1.xyz\n\nin/sphere.xyz\n")
    ex = gk.batch.expand_inputs
    assert ex([str(tmp_path / "in")]) == sorted(paths)  # not the .txt, not the output
    assert ex([str(tmp_path / "in" / "wing*.xyz")]) == paths[:2]
    assert ex([f"@{lst}", paths[1]]) == [paths[1], paths[2]]  # order kept, no duplicate
    with pytest.raises(gk.MeshError, match="matches no file"):
        ex([str(tmp_path / "*.stl")])
    with pytest.raises(gk.MeshError, match="no such file"):
        ex([str(tmp_path / "missing.xyz")])
    with pytest.raises(gk.MeshError, match="list of inputs"):
        ex([f"@{tmp_path / 'nolist.txt'}"])
    # two inputs that would write the same output
    (tmp_path / "b").mkdir()
    write_plot3d(tmp_path / "b" / "wing0.xyz", [wing_grid(25, 9)], binary=True)
    with pytest.raises(gk.MeshError, match="both be written"):
        gk.batch.features([paths[0], str(tmp_path / "b" / "wing0.xyz")], tmp_path / "out")


def test_local_pool_with_a_corrupt_file(tmp_path, warm):
    paths = make_inputs(tmp_path / "in")
    s = gk.batch.features(str(tmp_path / "in"), tmp_path / "out", names=NAMES, workers=2,
                          summary=tmp_path / "summary.json")
    assert (s["n_inputs"], s["ok"], s["skipped"], s["failed"]) == (5, 4, 0, 1)
    (fail,) = s["failures"]
    assert fail["input"] == paths[-1] and "corrupt.xyz" in fail["reason"]
    assert "Plot3D" in fail["reason"]
    check_outputs(s)
    # the sphere: K = 1/a^2, H = -1/a (outward normal)
    _, f = gk.mesh.read_features(tmp_path / "out" / "sphere.features.npz")
    assert np.allclose(f["K"], 1 / A**2, rtol=1e-3) and np.allclose(f["H"], -1 / A, rtol=1e-3)
    on_disk = json.loads((tmp_path / "summary.json").read_text())
    assert on_disk["failed"] == 1 and on_disk["failures"][0]["input"] == paths[-1]
    # rerun: idempotent, everything present is skipped, the corrupt file fails again
    s2 = gk.batch.features(str(tmp_path / "in"), tmp_path / "out", names=NAMES, workers=2)
    assert (s2["ok"], s2["skipped"], s2["failed"]) == (0, 4, 1)


def _dies_once(task):
    """Work function of the killed-worker test: for the input named by the marker
    file, the first attempt starts writing its output (a temp file, as the
    writers do) and then the process is killed; later attempts do the work."""
    marker = os.path.join(os.path.dirname(task["output"]), "..", "kill-once")
    if os.path.basename(task["input"]) == "wing1.xyz":
        try:
            os.unlink(marker)
        except FileNotFoundError:
            return gk.batch.process_one(task)
        d, name = os.path.split(task["output"])
        with open(os.path.join(d, f".tmp-partial{name}"), "wb") as f:
            f.write(b"PK\x03\x04 half a zip")
        os.kill(os.getpid(), signal.SIGKILL)
    return gk.batch.process_one(task)


def _dies_after_another_finished(task):
    """wing0's first attempt writes its output, then is slow to report it; wing1's
    first attempt kills its worker once wing0's output is on disk: wing0's record
    is lost with the broken pool although its output is complete."""
    d = os.path.join(os.path.dirname(task["output"]), "..")
    name = os.path.basename(task["input"])
    first = os.path.join(d, f"first-{name}")
    if name in ("wing0.xyz", "wing1.xyz") and os.path.exists(first):
        os.unlink(first)
        if name == "wing0.xyz":
            rec = gk.batch.process_one(task)
            open(os.path.join(d, "wing0-written"), "w").close()
            time.sleep(3)
            return rec
        t0 = time.time()
        while not os.path.exists(os.path.join(d, "wing0-written")) and time.time() - t0 < 60:
            time.sleep(0.02)
        os.kill(os.getpid(), signal.SIGKILL)
    return gk.batch.process_one(task)


def test_output_finished_before_the_pool_broke_counts_as_ok(tmp_path, warm):
    make_inputs(tmp_path / "in", corrupt=False)
    for name in ("wing0.xyz", "wing1.xyz"):
        (tmp_path / f"first-{name}").write_text("")
    s = gk.batch.features(str(tmp_path / "in"), tmp_path / "out", names=NAMES, workers=2,
                          _work=_dies_after_another_finished)
    assert (tmp_path / "wing0-written").exists()  # the race did happen
    assert (s["ok"], s["skipped"], s["failed"]) == (4, 0, 0)
    check_outputs(s)


def _always_dies(task):
    if os.path.basename(task["input"]) == "wing1.xyz":
        os.kill(os.getpid(), signal.SIGKILL)
    return gk.batch.process_one(task)


def test_worker_killed_mid_batch_is_retried(tmp_path, warm):
    make_inputs(tmp_path / "in", corrupt=False)
    (tmp_path / "kill-once").write_text("")
    s = gk.batch.features(str(tmp_path / "in"), tmp_path / "out", names=NAMES, workers=2,
                          _work=_dies_once)
    assert not (tmp_path / "kill-once").exists()  # the worker did die
    assert (s["ok"], s["failed"]) == (4, 0)
    check_outputs(s)  # the partial temp file is gone, wing1's output is complete


def test_a_file_that_always_kills_its_worker_fails_alone(tmp_path, warm):
    make_inputs(tmp_path / "in", corrupt=False)
    s = gk.batch.features(str(tmp_path / "in"), tmp_path / "out", names=NAMES, workers=2,
                          retries=1, _work=_always_dies)
    assert (s["ok"], s["failed"]) == (3, 1)
    (fail,) = s["failures"]
    assert fail["input"].endswith("wing1.xyz") and "died 2 time(s)" in fail["reason"]
    check_outputs(s)


def test_resume_after_interrupted_run(tmp_path, warm):
    """Kill a whole `geomkit features` run, rerun it: it completes, recomputes only
    what was missing, and leaves no partial output."""
    d = tmp_path / "in"
    d.mkdir()
    for k in range(8):
        write_plot3d(d / f"w{k}.xyz", [wing_grid(41, 17)], binary=True)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "geomkit.cli", "features", str(d), "-o", str(out),
           "--workers", "1", "--features", ",".join(NAMES), "-q"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), *sys.path])}
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    t0 = time.time()
    while time.time() - t0 < 60 and proc.poll() is None:
        if out.is_dir() and any(x.endswith(".npz") and not x.startswith(".tmp-")
                                for x in os.listdir(out)):
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, mid-batch
    proc.wait()
    before = {x for x in os.listdir(out) if not x.startswith(".tmp-")}
    assert 1 <= len(before) < 8, "the run was not interrupted mid-batch"
    from geomkit.cli import main

    summary = tmp_path / "s.json"
    assert main(cmd[3:] + ["--summary", str(summary)]) == 0
    s = json.loads(summary.read_text())
    assert (s["ok"], s["skipped"], s["failed"]) == (8 - len(before), len(before), 0)
    check_outputs(s)


def test_cli_batch_exit_status_and_list_file(tmp_path, warm, capsys):
    from geomkit.cli import main

    paths = make_inputs(tmp_path / "in", n_wings=1)
    lst = tmp_path / "inputs.txt"
    lst.write_text("\n".join(paths[:2]))
    out = tmp_path / "out"
    assert main(["features", f"@{lst}", "-o", str(out), "--workers", "1"]) == 0
    assert sorted(os.listdir(out)) == ["sphere.features.npz", "wing0.features.npz"]
    assert main(["features", *paths, "-o", str(out), "--workers", "1", "--overwrite"]) == 2
    text = capsys.readouterr().out
    assert "2 ok, 0 skipped" in text and f"FAILED {paths[-1]}" in text
    # one input and an output *file* name: the single-file command, not a directory
    one = tmp_path / "one.npz"
    assert main(["features", paths[0], "-o", str(one), "--overwrite", "-q"]) == 0
    assert one.is_file()


# -- one huge grid, in chunks -------------------------------------------------------
def _compare_chunked(tmp_path, X, chunk_points, names=NAMES):
    p = tmp_path / "g.xyz"
    write_plot3d(p, [X], binary=True)
    ref = gk.mesh.features(str(p), names)
    r = chunked.chunked_features(p, tmp_path / "g.npz", names, chunk_points=chunk_points)
    assert r["chunks"] > 2
    P, f = gk.mesh.read_features(tmp_path / "g.npz")
    np.testing.assert_array_equal(P, gk.mesh.read(str(p)).points)
    np.testing.assert_array_equal(np.load(tmp_path / "g.npz")["point_index"], np.arange(len(P)))
    for k in names:
        np.testing.assert_array_equal(f[k], ref[k], err_msg=k)
    return f


def test_chunked_equals_in_memory_on_a_wing(tmp_path, warm):
    # open span direction, crease (sharp trailing edge) in i; slabs of 3 lines < halo
    _compare_chunked(tmp_path, wing_grid(33, 41), 33 * 3, NAMES + ["k1", "Gamma"])


def test_chunked_periodic_direction_and_known_curvature(tmp_path, warm):
    X = sphere_grid(17, 61, a=A)[0]  # j periodic (duplicated seam)
    f = _compare_chunked(tmp_path, X, 17 * 7)
    assert np.allclose(f["K"], 1 / A**2, rtol=1e-3)
    X = torus_grid(41, 31, warp=0.3)[0]  # both periodic, uneven spacing in i
    _compare_chunked(tmp_path, X, 41 * 4)


def test_chunked_layouts_and_crease_in_j(tmp_path, warm):
    X = wing_grid(33, 25).transpose(1, 0, 2).copy()  # the crease is now in j
    p = tmp_path / "t.xyz"
    for kw in (dict(fortran=False, endian=">"), dict(double=False, multi=True)):
        write_plot3d(p, [X], binary=True, **kw)
        lay = chunked.plot3d_layout(p)
        assert (lay.ni, lay.nj) == (25, 33)
        ref = gk.mesh.features(str(p), NAMES)
        chunked.chunked_features(p, tmp_path / "t.npz", NAMES, chunk_points=25 * 2)
        _, f = gk.mesh.read_features(tmp_path / "t.npz")
        for k in NAMES:
            np.testing.assert_array_equal(f[k], ref[k], err_msg=f"{kw} {k}")
    write_plot3d(p, [X])  # ASCII: read whole, not chunked
    assert chunked.plot3d_layout(p) is None


def test_batch_chunks_large_grids(tmp_path, warm):
    d = tmp_path / "in"
    d.mkdir()
    write_plot3d(d / "big.xyz", [wing_grid(33, 41)], binary=True)
    write_plot3d(d / "small.xyz", [wing_grid(17, 9)], binary=True)
    s = gk.batch.features(str(d), tmp_path / "out", names=NAMES, workers=1,
                          chunk_points=500)
    chunk = {os.path.basename(r["input"]): r["chunked"] for r in s["results"]}
    assert chunk == {"big.xyz": True, "small.xyz": False} and s["ok"] == 2
    check_outputs(s)


def test_batch_compress_reaches_chunked_grids(tmp_path, warm):
    """``compress=True`` deflates the chunked output too (it was silently stored
    uncompressed), with the same arrays as the uncompressed run."""
    import zipfile

    d = tmp_path / "in"
    d.mkdir()
    write_plot3d(d / "big.xyz", [wing_grid(33, 41)], binary=True)
    out = {}
    for c in (False, True):
        s = gk.batch.features(str(d), tmp_path / f"out{c}", names=NAMES, workers=1,
                              chunk_points=500, compress=c)
        assert s["ok"] == 1 and s["results"][0]["chunked"]
        out[c] = s["results"][0]["output"]
        with zipfile.ZipFile(out[c]) as z:
            kinds = {i.compress_type for i in z.infolist()}
        assert kinds == ({zipfile.ZIP_DEFLATED} if c else {zipfile.ZIP_STORED})
    a, b = np.load(out[False]), np.load(out[True])
    for k in NAMES:
        np.testing.assert_array_equal(a[k], b[k])


def test_chunked_bad_input(tmp_path):
    p = tmp_path / "g.xyz"
    X = wing_grid(17, 9)
    X[5, 6] = np.nan
    write_plot3d(p, [X], binary=True)
    with pytest.raises(gk.MeshError, match=r"not finite at \(i, j\) = \(5, 6\)"):
        chunked.chunked_features(p, tmp_path / "g.npz", NAMES, chunk_points=17 * 2)
    with pytest.raises(gk.MeshError, match="single-block binary"):
        chunked.chunked_features(tmp_path / "none.xyz", tmp_path / "g.npz")
    assert not any(x.startswith(".tmp-") for x in os.listdir(tmp_path))


def test_triangle_meshes_and_estimator_options(tmp_path, warm):
    import meshio
    from mesh_surfaces import icosphere

    V, F = icosphere(3, radius=A)
    d = tmp_path / "in"
    d.mkdir()
    meshio.write(d / "sphere.obj", meshio.Mesh(V, [("triangle", F)]))
    s = gk.batch.features(str(d), tmp_path / "out", names=["K", "H"], workers=1, degree=4)
    assert s["ok"] == 1
    _, f = gk.mesh.read_features(tmp_path / "out" / "sphere.features.npz")
    ref = gk.mesh.features(str(d / "sphere.obj"), ["K", "H"], degree=4)
    np.testing.assert_array_equal(f["K"], ref["K"])
    assert np.allclose(f["K"], 1 / A**2, rtol=0.05) and np.allclose(f["H"], -1 / A, rtol=0.05)
