r"""Gaussian curvature on the ONERA M6 wing, a 9-block CFD surface grid.

The grid (Plot3D, 9 blocks, 16,001 points; rounded trailing edge and tip cap)
is read as one surface: its blocks' edges are matched
(:attr:`~geomkit.mesh.StructuredSurface.connectivity`), the difference stencils
cross every smooth seam, and the normal is made consistent and outward.  At
the points the blocks share, the blocks then agree on K and H: the script
counts the pairs that agree within 10 % (or 1 % of the 90th percentile of
``|K|``, ``|H|``) and asserts at least 95 %.  Differencing each block alone,
as a reader of the blocks one by one would, is shown for comparison: its
seams show up as lines in the picture.

Writes ``oneram6_curvature.png`` into ``$GEOMKIT_GALLERY_OUT`` (default ``.``).
The grid is read from ``../shared/data/wings/`` beside the repository; without
it the script says so and stops.
"""

import os
import sys
from pathlib import Path

import numpy as np

import geomkit as gk

path = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "wings" / \
    "oneram6_surface.fmt"
if not path.exists():
    print(f"{path} not found: no picture")
    sys.exit(0)

surface = gk.mesh.read(path)
f = gk.mesh.features(surface, ["K", "H"])
alone = gk.mesh.StructuredSurface(surface.blocks)
alone.connectivity.partner[:] = -1  # no stencil crosses a seam: each block alone
f_alone = gk.mesh.features(alone, ["K", "H"])

a, b = surface.connectivity.coincident_pairs()  # shared points, off creases
for name, g in (("seams crossed", f), ("blocks alone", f_alone)):
    share = []
    for k in ("K", "H"):
        v = g[k]
        tol = np.maximum(0.1 * np.maximum(abs(v[a]), abs(v[b])),
                         0.01 * np.percentile(abs(v), 90))
        share.append(100 * (np.abs(v[a] - v[b]) <= tol).mean())
    print(f"{name:14}: {len(a)} coincident pairs agree in K {share[0]:.1f} %, "
          f"H {share[1]:.1f} %")
    if name == "seams crossed":
        assert min(share) >= 95.0

try:
    from matplotlib.figure import Figure
except ImportError:
    print("matplotlib is not installed (pip install geomkit[plot]): no picture")
else:
    from geomkit.plot import plot_feature

    fig = Figure(figsize=(12, 12))
    # chord, span, thickness as the picture's x, y, z (the file has z spanwise)
    shown = gk.mesh.StructuredSurface([X[..., [0, 2, 1]] for X in surface.blocks])
    ax = fig.add_subplot(3, 1, 1, projection="3d")
    plot_feature(shown, "K", values=f["K"], ax=ax, view=(62, -100),
                 title="K on the ONERA M6 (9 blocks read as one surface)")
    # the mid-span section, block by block: grid line 32 of the spanwise index
    offs, shapes = surface.offsets, surface.shapes
    lines = {}
    for b in range(4):
        ni, nj = shapes[b]
        lines[b] = (offs[b] + 32 + ni * np.arange(nj) if b in (0, 3)  # i spanwise
                    else offs[b] + np.arange(ni) + ni * 32)  # j spanwise
    P = surface.points
    sec = np.concatenate(list(lines.values()))
    xle, xte = P[sec, 0].min(), P[sec, 0].max()
    for row, (xlim, where) in enumerate((((1e-5, 0.2), "leading edge"),
                                         ((0.985, 1.0005), "trailing edge"))):
        for k, (g, what) in enumerate(((f_alone, "each block differenced alone"),
                                       (f, "stencils cross the seams"))):
            ax = fig.add_subplot(3, 2, 3 + 2 * row + k)
            for b in range(4):
                sel = lines[b][P[lines[b], 1] >= -1e-4]  # upper side
                xc = (P[sel, 0] - xle) / (xte - xle)
                order = np.argsort(xc)
                ax.plot(xc[order], -g["H"][sel][order], ".-", ms=5, lw=0.8,
                        label=f"block {b}")
            if row == 0:
                ax.set_xscale("log")
            ax.set_yscale("symlog", linthresh=1.0)
            ax.set_xlim(*xlim)
            ax.set_xlabel("x / chord, upper side, mid-span section")
            ax.set_ylabel("-H")
            ax.set_title(f"{where}: {what}", fontsize=10)
            ax.legend(fontsize=8)
    fig.subplots_adjust(hspace=0.35)
    outdir = os.environ.get("GEOMKIT_GALLERY_OUT", ".")
    os.makedirs(outdir, exist_ok=True)
    out = os.path.join(outdir, "oneram6_curvature.png")
    fig.savefig(out, dpi=80, bbox_inches="tight")
    print(out)
