"""The documentation stands on its own: no reference to files outside the
repository, no control characters, and the formulas it relies on are stated
on its own pages."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXT = [p for d in ("docs", "geomkit") for p in sorted((ROOT / d).rglob("*"))
        if p.suffix in (".md", ".py", ".rst") and "_build" not in p.parts]
TEXT.append(ROOT / "README.md")
# "MATH.md", "MATH 7.1", "MATH §2.2", "MATH sign": the maintainers' notes, not shipped
OUTSIDE = re.compile(r"MATH(\.md|\s*§|\s+\d|'s|\s+sign)")


@pytest.mark.parametrize("path", TEXT, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_reference_to_unshipped_notes(path):
    text = path.read_text(encoding="utf-8")
    bad = [f"{path.name}:{i}: {line.strip()}" for i, line in enumerate(text.splitlines(), 1)
           if OUTSIDE.search(line)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", [p for p in TEXT if p.suffix == ".md"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_control_characters(path):
    text = path.read_text(encoding="utf-8")
    bad = [(i, repr(line)) for i, line in enumerate(text.splitlines(), 1)
           if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", line)]
    assert not bad


def test_conventions_page_carries_what_the_topic_pages_cite():
    conv = (ROOT / "docs" / "conventions.md").read_text(encoding="utf-8")
    for section in ("## Frame changes", "## Levi-Civita connection and distortion",
                    "## Irreducible pieces", "## Teleparallel geometries",
                    "## Defect densities", "## Field equations", "## Surfaces"):
        assert section in conv
    # the formulas the code and the pages lean on
    for formula in (r"\omega'=L^{-1}\omega L+L^{-1}dL",
                    r"\mathring\omega_{abc}=\tfrac12(C_{cab}-C_{abc}-C_{bca})",
                    r"R^a{}_b=\mathring R^a{}_b+\mathring DN^a{}_b+N^a{}_c\wedge N^c{}_b",
                    r"\Gamma^1_{11}=\tfrac{GE_u-2FF_u+FE_v}{2\Delta}",
                    "| E7 |"):
        assert formula in conv, formula
