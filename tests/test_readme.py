"""The README's promises hold: its taste snippets run, and its main job works.

The main-job command line is read from the README itself (the first bash
block of "Set-up on a fresh machine"), minus the install step, and run through
the ``geomkit`` command's entry function in a temporary directory.
"""

import os
import pathlib
import re
import shlex

import numpy as np
import pytest

from geomkit.cli import main as cli

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def blocks(lang):
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_readme_main_job(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    command = blocks("bash")[0].strip()
    steps = [s.strip() for s in command.split("&&")]
    assert steps[0].startswith("python -m pip install")
    for step in steps[1:]:
        argv = shlex.split(step)
        assert argv[0] == "geomkit"
        assert cli(argv[1:]) in (0, None), step
    out = np.load(tmp_path / "wing_features.npz")
    for name in ("K", "H", "k1", "k2", "g", "Gamma"):
        assert name in out.files
        assert np.isfinite(out[name]).all()
    # principal curvatures are consistent with K and H
    assert np.allclose(out["k1"] * out["k2"], out["K"], rtol=1e-8, atol=1e-10)
    assert np.allclose((out["k1"] + out["k2"]) / 2, out["H"], rtol=1e-8, atol=1e-10)


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = blocks("bash")[1].strip()
    assert test_command in ci


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_readme_python_snippets_run(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = blocks("python")[index]
    if "wing.xyz" in code:
        assert cli(["demo-wing", "-o", "wing.xyz"]) in (0, None)
    exec(compile(code, f"README.md python block {index}", "exec"), {"__name__": "readme"})
    assert os.getcwd() == str(tmp_path)
