"""The Cp tutorial (docs/tutorial_cp.py) runs end to end in its small version."""

import pathlib
import sys

import pytest

for mod, extra in (("aerosandbox", "aero"), ("neuralfoil", "aero"), ("sklearn", "learn"),
                   ("pyarrow", "parquet"), ("matplotlib", "plot")):
    pytest.importorskip(mod, reason=f"the Cp tutorial needs the {extra} extra ({mod})")

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"


def test_small_tutorial_writes_its_plots_and_learns(tmp_path):
    sys.path.insert(0, str(DOCS))
    try:
        import tutorial_cp
    finally:
        sys.path.remove(str(DOCS))
    r = tutorial_cp.main([str(tmp_path), "--small"])
    assert r["rows"] == 10 * 2 * 21 * 7
    for f in r["figures"]:
        assert pathlib.Path(f).stat().st_size > 10_000  # a picture, not an empty file
    # geometry helps: all features beat coordinates + conditions on held-out wings
    assert r["mse"]["d"] < r["mse"]["a"]
