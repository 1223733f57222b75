"""Pictures of features (matplotlib, optional; skipped when it is missing)."""

import sys

import numpy as np
import pytest
from mesh_surfaces import flat, torus_grid

import geomkit as gk
from geomkit.mesh.plot3d import write_plot3d
from geomkit.plot import color_limits

PNG = b"\x89PNG\r\n\x1a\n"


def test_color_limits():
    v = np.r_[np.linspace(-1.0, 2.0, 1001), 1e6]  # one spike
    lo, hi, div = color_limits(v)
    assert div and lo == -hi and hi < 2.0  # symmetric, the spike clipped
    assert color_limits(np.array([np.nan, 3.0, 3.0])) == (1.5, 4.5, False)


def test_missing_matplotlib_is_a_clear_error(monkeypatch):
    from geomkit.plot import matplotlib_figure

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(gk.GeomkitError, match=r"pip install matplotlib"):
        matplotlib_figure()


def test_torus_picture_colours_follow_K(tmp_path):
    pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
    from geomkit.plot import plot_feature

    R, r = 2.0, 0.7
    X, U, V = torus_grid(41, 25, R=R, r=r)[:3]
    s = gk.mesh.StructuredSurface([X])
    K = flat(np.cos(V) / (r * (R + r * np.cos(V))))  # MATH 7.4
    fig = plot_feature(s, "K", tmp_path / "t.png", values=K, scale="linear", clip=(0, 100))
    assert (tmp_path / "t.png").read_bytes()[:8] == PNG
    ax, cax = fig.axes
    poly = ax.collections[0]
    colors = poly.get_facecolor()
    assert len(colors) == 2 * 40 * 24  # two triangles per cell
    # symmetric colour range reaching the inner equator's K = -1/(r (R - r)) (faces
    # show the mean of their corners, a little less)
    lo, hi = cax.get_ylim()
    kin = 1 / (r * (R - r))
    assert np.isclose(lo, -hi) and 0.95 * kin < hi <= kin
    # red where K > 0 (the outer half), blue where K < 0; mplot3d reorders the faces
    # by depth, so compare the proportions
    corner_K = K[s.quads].mean(axis=1)
    red = (colors[:, 0] > colors[:, 2]).mean()
    assert abs(red - (corner_K > 0).mean()) < 0.03 and 0.3 < red < 0.7


def test_cli_plot(tmp_path):
    pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
    from geomkit.cli import main
    from geomkit.mesh.demo import wing_grid

    p = tmp_path / "w.xyz"
    write_plot3d(p, [wing_grid(33, 9)], binary=True)
    out = tmp_path / "w.png"
    assert main(["plot", str(p), "--feature", "H", "-o", str(out), "--view", "20,-100"]) == 0
    assert out.read_bytes()[:8] == PNG
    assert main(["plot", str(p), "--feature", "normal", "-o", str(out)]) == 2
    assert main(["plot", str(p), "-o", str(out), "--view", "up"]) == 2
