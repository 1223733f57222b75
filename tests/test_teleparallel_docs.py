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
    assert all((u - v).is_zero() for u, v in zip(ns["E_half"], ns["E_half_ref"]))
    assert (ns["E_A"] - ns["E_A_ref"]).is_zero() and not ns["E_A"].is_zero()
    # the worked cosmology: f = -T (f(T)) and f = Q (f(Q)) give Friedmann's 3 H^2 = rho
    a, t = ns["a"], ns["t"]
    H2 = sp.diff(a, t) ** 2 / a**2
    f, T, Q = ns["f"], ns["T"], ns["Q"]
    fT = ns["fT"].in_terms_of(f, T)[0].rhs
    fQ = ns["fQ"].in_terms_of(f, Q)[0].rhs
    gr_T = fT.xreplace({sp.Derivative(f(T), T): -1, f(T): -6 * H2})
    gr_Q = fQ.xreplace({sp.Derivative(f(Q), Q): 1, f(Q): -6 * H2})
    assert sp.simplify(gr_T - 3 * H2) == 0 and sp.simplify(gr_Q - 3 * H2) == 0


def test_defects_page():
    ns = run_blocks("defects.md")
    dd = ns["dd"]
    kappa = sp.Symbol("kappa")
    dy = ns["e5"].coframe.chart.dx[1]
    assert (dd.dislocation, dd.disclination, dd.point) == (-kappa * dy, 0, 2 * kappa * dy)
    ex = ns["ex"]
    b = ns["gk"].defects.burgers_vector(ex.coframe, ns["loop"], ns["param"])
    assert sp.simplify(b[2] - ex.extra["burgers"]) == 0
