r"""Gaussian and mean curvature of the demo wing, against the exact surface.

The swept, tapered wing of :mod:`geomkit.mesh.demo` is an exact parametric
surface, so its curvature is known in closed form from the derivatives
:func:`~geomkit.mesh.demo.wing_jet` gives: ``K = (LN - M^2)/(EG - F^2)``,
``H = (EN - 2FM + GL)/(2(EG - F^2))`` with ``b_ij = X_ij . N``.  The grid
features (4th-order finite differences in the index chart, one-sided at the
root, the tip and along both sides of the sharp trailing edge) are compared
with it, then drawn on the wing (K on a symmetric-log colour scale: it is
large at the leading edge and small, negative -- a nearly ruled surface --
elsewhere).

Writes ``wing_curvature.png`` into ``$GEOMKIT_GALLERY_OUT`` (default ``.``).
"""

import os

import numpy as np

import geomkit as gk
from geomkit.mesh.demo import wing_grid, wing_jet, wing_params

ni, nj = 257, 49
surface = gk.mesh.StructuredSurface([wing_grid(ni, nj)])
f = gk.mesh.features(surface, ["K", "H"])

# exact curvature at the grid points (any chart: K and H are invariants)
s, t = wing_params(ni, nj)
X, Xs, Xt, Xss, Xst, Xtt = wing_jet(s, t)
n = np.cross(Xs, Xt)
n /= np.linalg.norm(n, axis=-1)[..., None]
E, F, G = (Xs * Xs).sum(-1), (Xs * Xt).sum(-1), (Xt * Xt).sum(-1)
L, M, N = (Xss * n).sum(-1), (Xst * n).sum(-1), (Xtt * n).sum(-1)
D = E * G - F**2
K_exact = ((L * N - M**2) / D).T.ravel()  # grid point order: i fastest
H_exact = (-(E * N - 2 * F * M + G * L) / (2 * D)).T.ravel()
# the index chart runs sigma from 1 to -1: its normal X_i x X_j is -(X_s x X_t) (outward),
# which flips H and not K

errK = np.abs(f["K"] - K_exact) / np.abs(K_exact).max()
errH = np.abs(f["H"] - H_exact) / np.abs(H_exact).max()
print(f"relative max error on {ni} x {nj}: K {errK.max():.2e}, H {errH.max():.2e}")
assert errK.max() < 1e-5 and errH.max() < 1e-5
assert np.median(f["K"]) < 0  # mostly saddle-shaped: a nearly ruled surface

try:
    from matplotlib.figure import Figure
except ImportError:
    print("matplotlib is not installed (pip install geomkit[plot]): no picture")
else:
    from geomkit.plot import plot_feature

    fig = Figure(figsize=(10, 4.4))
    for k, name in enumerate(("K", "H")):
        ax = fig.add_subplot(1, 2, k + 1, projection="3d")
        plot_feature(surface, name, values=f[name], ax=ax, view=(30, -125),
                     title=f"{name} on the demo wing ({ni} x {nj} grid)")
    outdir = os.environ.get("GEOMKIT_GALLERY_OUT", ".")
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, "wing_curvature.png")
    fig.savefig(path, dpi=90, bbox_inches="tight")
    print(path)
