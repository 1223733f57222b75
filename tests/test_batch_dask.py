"""The same batch on a real ``distributed.LocalCluster`` (loopback).

Skipped when the ``dask`` extra is not installed (``pip install 'dask[distributed]'``).
"""

import os
import signal

import pytest

distributed = pytest.importorskip(
    "distributed", reason="the dask extra is not installed: pip install 'dask[distributed]'"
)

from batch_helpers import NAMES, check_outputs, make_inputs, warm_kernels  # noqa: E402

import geomkit as gk  # noqa: E402


@pytest.fixture(scope="session")
def warm():
    warm_kernels()


@pytest.fixture(scope="module")
def cluster():
    """One in-process cluster (threads, no worker processes) for the module."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  protocol="tcp", host="127.0.0.1",
                                  dashboard_address=":0") as c:
        yield c


def test_dask_cluster_with_a_corrupt_file(tmp_path, cluster, warm):
    paths = make_inputs(tmp_path / "in")
    s = gk.batch.features(str(tmp_path / "in"), tmp_path / "out", names=NAMES,
                          scheduler=cluster.scheduler_address)
    assert (s["ok"], s["skipped"], s["failed"]) == (4, 0, 1)
    assert s["scheduler"] == cluster.scheduler_address and s["workers"] is None
    (fail,) = s["failures"]
    assert fail["input"] == paths[-1] and "Plot3D" in fail["reason"]
    check_outputs(s)  # the same bits as the features computed in this process


def test_dask_from_environment_and_cli_resume(tmp_path, cluster, warm, monkeypatch):
    from geomkit.cli import main

    make_inputs(tmp_path / "in", corrupt=False)
    out = tmp_path / "out"
    monkeypatch.setenv("GEOMKIT_SCHEDULER", cluster.scheduler_address)
    s = gk.batch.features([str(tmp_path / "in" / "wing*.xyz")], out, names=NAMES)
    assert s["ok"] == 3 and s["scheduler"] == cluster.scheduler_address
    os.unlink(out / "wing1.features.npz")
    monkeypatch.delenv("GEOMKIT_SCHEDULER")
    summary = tmp_path / "s.json"
    argv = ["features", str(tmp_path / "in"), "-o", str(out), "--features", ",".join(NAMES),
            "--scheduler", cluster.scheduler_address, "--summary", str(summary), "-q"]
    assert main(argv) == 0
    s = __import__("json").loads(summary.read_text())
    assert (s["ok"], s["skipped"]) == (2, 2)  # wing1 and the sphere were missing
    check_outputs(s)


def _dies_once(task):
    """Kill the Dask worker process on the first attempt at wing1.xyz, after it
    started writing its output."""
    marker = os.path.join(os.path.dirname(task["output"]), "..", "kill-once")
    if os.path.basename(task["input"]) == "wing1.xyz" and os.path.exists(marker):
        os.unlink(marker)
        d, name = os.path.split(task["output"])
        with open(os.path.join(d, f".tmp-partial{name}"), "wb") as f:
            f.write(b"PK\x03\x04 half a zip")
        os.kill(os.getpid(), signal.SIGKILL)
    return gk.batch.process_one(task)


@pytest.mark.slow
def test_dask_worker_killed_mid_batch(tmp_path, warm):
    make_inputs(tmp_path / "in", corrupt=False)
    (tmp_path / "kill-once").write_text("")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=":0") as c:
        s = gk.batch.features(str(tmp_path / "in"), tmp_path / "out", names=NAMES,
                              scheduler=c.scheduler_address, _work=_dies_once)
    assert not (tmp_path / "kill-once").exists()  # a worker did die
    # a file finished by the dead worker whose result was lost with it is run again
    # and finds its complete output: 'skipped', not computed twice
    assert s["failed"] == 0 and s["ok"] + s["skipped"] == 4 and s["ok"] >= 1
    check_outputs(s)  # its partial temp file is gone, wing1's output complete
