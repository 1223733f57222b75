r"""Dislocation density of a sampled edge-dislocation dipole.

Two regularised edge dislocations (core radius ``r0 = 1``) at ``x = -3.06`` and
``x = +3.06`` with opposite Burgers vectors ``+b e_x`` and ``-b e_x`` (``b = 1``),
sampled as an elastic distortion ``beta`` on a 161 x 121 grid of
``[-10, 10] x [-7.5, 7.5]`` -- the kind of field digital image correlation or a
coarse-grained atomistic simulation provides.  The lowered kernels give the
Nye tensor; the component :math:`\alpha^{xz}` (x-Burgers content per area in
the plane) is drawn, with the two loops around which the Burgers vector is
integrated:

* around one core: :math:`\oint e^x = \int\alpha^{xz}dA = \pm b` (loop and
  surface agree to ~1e-9);
* around both: zero, the dipole's net Burgers vector;
* the general teleparallel dislocation density (the torsion trace) of an
  edge dislocation lies in the glide plane, along :math:`e^y`.

Writes ``dislocation_dipole.png`` into ``$GEOMKIT_GALLERY_OUT`` (default ``.``).
"""

import os

import numpy as np

from geomkit.defects import fields

BOX = {"facecolor": "white", "alpha": 0.85, "edgecolor": "none"}
B, R0, X0 = 1.0, 1.0, 3.0625  # cores between grid nodes (spacing 0.125)


def dipole_beta(grid):
    """beta^x_mu = sum of  +-b/(2 pi) f(r)/r^2 (-(y), x - x0),  f = 1 - exp(-r^2/r0^2)."""
    x, y, _ = grid.mesh()
    beta = np.zeros(grid.shape + (3, 3))
    for x0, sign in ((-X0, 1.0), (X0, -1.0)):
        r2 = (x - x0) ** 2 + y**2
        a = sign * B / (2 * np.pi) * (1 - np.exp(-r2 / R0**2)) / r2
        beta[..., 0, 0] += -a * y
        beta[..., 0, 1] += a * (x - x0)
    return beta


def main():
    g = fields.Grid(np.linspace(-10, 10, 161), np.linspace(-7.5, 7.5, 121))
    beta = dipole_beta(g)
    d = fields.densities(beta, g, "beta", names=("nye", "trace", "det"))
    left = ((20, 80), (30, 90))    # x in [-7.5, 0], y in [-3.75, 3.75]
    right = ((80, 140), (30, 90))
    both = ((0, 160), (0, 120))
    res = {k: fields.burgers_vector(beta, g, "beta", box=b, dens=d)
           for k, b in (("left", left), ("right", right), ("both", both))}
    for name, sign in (("left", 1.0), ("right", -1.0)):
        for way in ("loop", "surface"):
            assert abs(res[name][way][0] - sign * B) < 1e-3, (name, way, res[name][way])
    for way in ("loop", "surface"):
        assert abs(res["both"][way][0]) < 1e-6, res["both"]
    # the torsion trace of an edge dislocation points along e^y at the core
    i, j = int(np.argmin(np.abs(g.coords[0] + X0))), 60  # the node nearest (-x0, 0)
    tr = d["trace"][i, j, 0]
    assert abs(tr[1]) > 10 * max(abs(tr[0]), abs(tr[2])), tr
    for k, v in res.items():
        print(f"{k:6s} loop b = {np.round(v['loop'], 9)}  surface b = {np.round(v['surface'], 9)}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x, y = g.coords[0], g.coords[1]
    a = d["nye"][:, :, 0, 0, 2].T
    fig, ax = plt.subplots(figsize=(7.5, 5))
    m = np.abs(a).max()
    im = ax.pcolormesh(x, y, a, cmap="RdBu_r", vmin=-m, vmax=m, shading="auto")
    fig.colorbar(im, ax=ax, label=r"Nye tensor $\alpha^{xz}$ (Burgers vector $x$ per area)")
    for (i0, i1), (j0, j1) in (left, right):
        ax.plot([x[i0], x[i1], x[i1], x[i0], x[i0]], [y[j0], y[j0], y[j1], y[j1], y[j0]],
                "k--", lw=1)
    ax.text(x[left[0][0]] + 0.2, y[left[1][1]] + 0.5,
            rf"$\oint e^x$ = {res['left']['loop'][0]:+.4f}", fontsize=9, bbox=BOX)
    ax.text(x[right[0][0]] + 0.3, y[right[1][1]] + 0.5,
            rf"$\oint e^x$ = {res['right']['loop'][0]:+.4f}", fontsize=9, bbox=BOX)
    sk = (slice(None, None, 8), slice(None, None, 8))
    X, Y = np.meshgrid(x, y, indexing="ij")
    ax.quiver(X[sk], Y[sk], beta[..., 0, 0, 0][sk], beta[..., 0, 0, 1][sk], color="0.35",
              width=0.002, scale=2.0)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("sampled edge dislocation dipole: density from the lowered kernels\n"
                 r"(arrows: row $\beta^x{}_\mu$ of the distortion)", fontsize=10)
    out = os.environ.get("GEOMKIT_GALLERY_OUT", ".")
    path = os.path.join(out, "dislocation_dipole.png")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
