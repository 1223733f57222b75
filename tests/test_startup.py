"""Start-up cost of a process: a kernel compiled before is found by its name
and version and loads without sympy (no import, no re-derivation)."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import sympy as sp

import geomkit as gk
from geomkit import cli
from geomkit.codegen.kernel import indexed

ROOT = Path(__file__).resolve().parents[1]


def _env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def test_lower_records_and_indexed_finds_by_name_and_version():
    u, v = sp.symbols("u v")
    assert indexed("startup_demo", "v1-absent") is None
    k = gk.lower({"q": u * v + 1}, [u, v], name="startup_demo", version="v1")
    again = indexed("startup_demo", "v1")
    assert again is not None and again.path == k.path and again.inputs == ("u", "v")
    x = np.linspace(0.0, 1.0, 5)
    assert np.array_equal(again(u=x, v=2 * x)["q"], 2 * x * x + 1)
    assert indexed("startup_demo", "v2") is None  # another version is another formula


def test_a_cached_kernel_loads_without_sympy(tmp_path):
    wing = tmp_path / "wing.xyz"
    assert cli.main(["demo-wing", "-o", str(wing), "--ni", "17", "--nj", "9"]) == 0
    from geomkit.mesh.formulas import surface_kernel

    surface_kernel()  # generated (and indexed) now, or found in the index already
    cmd = [sys.executable, "-X", "importtime", "-m", "geomkit.cli", "features", str(wing),
           "-o", str(tmp_path / "w.npz"), "-q"]
    second = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in second.stderr.splitlines()
                if line.startswith("import time:")]
    assert "numba" in imported  # the run did load its kernel
    assert not [m for m in imported if m == "sympy" or m.startswith("sympy.")]


def test_codegen_package_imports_without_sympy():
    code = "import sys, geomkit.codegen, geomkit.mesh.formulas; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                         text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr
