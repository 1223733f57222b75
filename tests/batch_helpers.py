"""Shared inputs and checks of the batch tests: tiny analytic grids (sphere of
radius a: K = 1/a^2, H = -1/a with the outward normal, MATH 7.4) and demo wings."""

import os

import numpy as np
from mesh_surfaces import sphere_grid

import geomkit as gk
from geomkit.mesh.demo import wing_grid
from geomkit.mesh.plot3d import write_plot3d

A = 1.5  # sphere radius
NAMES = ["K", "H", "normal", "g"]


def warm_kernels():
    """Compile/load the feature kernels in this process (and fill the kernel cache
    the worker processes then load from)."""
    gk.mesh.features(gk.mesh.StructuredSurface([wing_grid(33, 9)]), NAMES)


def make_inputs(d, n_wings=3, corrupt=True):
    """``n_wings`` wing grids, a sphere patch and (optionally) a corrupt file in ``d``."""
    d.mkdir(exist_ok=True)
    paths = []
    for k in range(n_wings):
        p = d / f"wing{k}.xyz"
        write_plot3d(p, [wing_grid(25 + 2 * k, 9)], binary=True)
        paths.append(str(p))
    p = d / "sphere.xyz"
    write_plot3d(p, [sphere_grid(17, 25, a=A)[0]], binary=True)
    paths.append(str(p))
    if corrupt:
        p = d / "corrupt.xyz"
        p.write_bytes(b"\x00\x07not a grid" * 7)
        paths.append(str(p))
    return paths


def reference(path):
    return gk.mesh.features(path, NAMES)


def check_outputs(summary, names=NAMES):
    """Every 'ok' output holds the features computed here, bit for bit; no temp file."""
    for r in summary["results"]:
        if r["status"] != "failed":
            _, f = gk.mesh.read_features(r["output"])
            ref = reference(r["input"])
            for k in names:
                np.testing.assert_array_equal(f[k], ref[k], err_msg=f"{r['input']} {k}")
    left = [x for x in os.listdir(summary["out_dir"]) if x.startswith(".tmp-")]
    assert left == []
