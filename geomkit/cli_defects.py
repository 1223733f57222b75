"""``geomkit defects``: defect densities of sampled fields (plugged into :mod:`geomkit.cli`).

::

    geomkit defects beta.vti --field beta -o out.vtu           # dislocation densities
    geomkit defects 'dic/*.npz' --field displacement -o out/ --workers 2
    geomkit defects g.npz --field metric -o g-defects.npz      # point defects, disclinations

Exit status 2 for bad input (the message names the file and the point: NaN,
wrong tensor shape, singular distortion); with several inputs the others finish.
The work is :func:`geomkit.defects.io.process_file` / ``process_files``.
"""

import os
import sys

from .errors import GeomkitError

__all__ = ["add_arguments", "run"]


def add_arguments(p):
    """Arguments of ``geomkit defects``."""
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="field files (.npz .vti .vts .vtu .vtk, Plot3D function .f), a "
                        "directory, a glob or @list.txt")
    p.add_argument("-o", "--output", required=True,
                   help="output file (one input) or directory (several)")
    p.add_argument("--field", default="beta",
                   choices=("beta", "coframe", "frame", "displacement", "metric"),
                   help="what the data is (default beta: E = 1 + beta); see docs/defects-data")
    p.add_argument("--name", default=None, help="point-data array (default: the field kind)")
    p.add_argument("--densities", default=None,
                   help="comma-separated: nye,trace,axial,det,rotation,frank and the torsion "
                        "pieces T_tensor,T_vector,T_axial (coframe kinds), or "
                        "weyl,Lambda,Lambda_W,det,nonmetricity and its pieces "
                        "Q_symmetric,Q_remainder,Q_vector,Q_dilation (metric); default "
                        "nye,trace,axial,det or weyl,Lambda,Lambda_W,det")
    p.add_argument("--periodic", default="", metavar="AXES", help="periodic axes, e.g. xy")
    p.add_argument("--spacing", default=None, metavar="H[,H,H]",
                   help="grid spacing of Plot3D function files (default 1)")
    p.add_argument("--format", choices=("npz", "vtu", "vti"), default=None)
    p.add_argument("--overwrite", action="store_true",
                   help="several inputs: recompute existing outputs (default: skip them)")
    p.add_argument("--workers", type=int, default=1, help="several inputs: processes")
    p.add_argument("-q", "--quiet", action="store_true")


def run(a):
    """Run ``geomkit defects``; return the exit status."""
    from .batch import expand_inputs
    from .defects.io import process_file, process_files

    bad = set(a.periodic) - set("xyz")
    if bad:
        raise GeomkitError(f"--periodic takes axis letters x, y, z, got {a.periodic!r}")
    opts = dict(name=a.name, densities=a.densities.split(",") if a.densities else None,
                spacing=None if a.spacing is None else [float(v) for v in a.spacing.split(",")],
                periodic=tuple(c in a.periodic for c in "xyz"))
    inputs = expand_inputs(a.inputs)
    if len(inputs) == 1 and not (os.path.isdir(a.output) or a.output.endswith(os.sep)):
        done = [process_file(inputs[0], a.output, a.field, fmt=a.format, **opts)]
        failures = []
    else:
        s = process_files(inputs, a.output, a.field, a.format or "npz", a.workers,
                          a.overwrite, **opts)
        done, failures = s["results"], s["failures"]
        for f in failures:
            print(f"FAILED {f['input']}: {f['reason']}", file=sys.stderr)
    for s in [] if a.quiet else done:
        shape = "x".join(map(str, s["grid"])) if s["grid"] else "cloud"
        print(f"{s['input']}: {s['kind']} on {shape} ({s['n_points']} points) -> "
              f"{s['output']} ({', '.join(s['densities'])}; {s['seconds']:.2f} s)")
    return 2 if failures else 0
