"""The mesh examples run (a gallery the suite executes)."""

import os
import runpy
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("name", ["wing_features.py"])
def test_example_runs(name, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [name, str(tmp_path)])
    runpy.run_path(os.path.join(ROOT, "examples", name), run_name="__main__")
    out = capsys.readouterr().out
    assert "max |K - K_exact|" in out
    assert sorted(os.listdir(tmp_path)) == ["wing.csv", "wing.vts", "wing.xyz"]
