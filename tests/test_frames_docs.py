"""The tutorial docs/frames.md and examples/kerr_curvature.py run as written."""

import re
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_tutorial_code_blocks_run():
    src = (ROOT / "docs" / "frames.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", src, re.S)
    assert blocks
    namespace = {}
    exec(compile("\n".join(blocks), "docs/frames.md", "exec"), namespace)
    M, r = namespace["M"], namespace["r"]
    assert namespace["gk"].kretschmann(namespace["g"]) == 48 * M**2 / r**6
    assert namespace["p"].total() == namespace["w"].torsion_components()


def test_kerr_example(capsys):
    runpy.run_path(str(ROOT / "examples" / "kerr_curvature.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "Ricci tensor is zero: True" in out
    assert "48*M**2" in out
