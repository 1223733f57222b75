"""The code blocks of docs/teleparallel.md and docs/defects.md run as written and show
what the text says."""

import re
from pathlib import Path

import sympy as sp

ROOT = Path(__file__).resolve().parent.parent


def run_blocks(name):
    src = (ROOT / "docs" / name).read_text()
    blocks = re.findall(r"```python\n(.*?)```", src, re.S)
    assert blocks
    ns = {}
    exec(compile("\n".join(blocks), f"docs/{name}", "exec"), ns)
    return ns


def test_teleparallel_page():
    ns = run_blocks("teleparallel.md")
    beta = ns["beta"]
    assert ns["torsion_scalar"](ns["W"]) == beta**2 / 2
    assert ns["is_flat"](ns["G"])
    s = ns["s"]
    assert s.full == 0
    assert all((u - v).is_zero() for u, v in zip(ns["E"], ns["E_ref"]))


def test_defects_page():
    ns = run_blocks("defects.md")
    dd = ns["dd"]
    kappa = sp.Symbol("kappa")
    dy = ns["e5"].coframe.chart.dx[1]
    assert (dd.dislocation, dd.disclination, dd.point) == (-kappa * dy, 0, 2 * kappa * dy)
    ex = ns["ex"]
    b = ns["gk"].defects.burgers_vector(ex.coframe, ns["loop"], ns["param"])
    assert sp.simplify(b[2] - ex.extra["burgers"]) == 0
