"""Command-line pieces for batch runs and plots, plugged into :mod:`geomkit.cli`.

``geomkit features`` runs as a batch (one output per input into ``-o OUTDIR``)
when it is given several inputs, a directory, a glob pattern, an ``@list``
file, an output directory, or a batch option::

    geomkit features 'wings/*.xyz' -o out/ --workers 2 --summary run.json
    geomkit features @inputs.txt -o out/ --scheduler tcp://10.0.0.5:8786
    geomkit plot wing.xyz --feature K -o wing-K.png

Exit status of a batch: 0 when no input failed, 2 otherwise (each failure is
printed with its file and reason).
"""

import glob
import os
import sys

__all__ = ["add_batch_arguments", "wants_batch", "run_batch", "add_plot_arguments", "run_plot"]


def add_batch_arguments(p):
    """Batch options of ``geomkit features``."""
    g = p.add_argument_group("batch (several inputs, a directory, a glob or @list.txt)")
    g.add_argument("--workers", type=int, default=None,
                   help="local worker processes (default: the number of cores)")
    g.add_argument("--threads", type=int, default=None,
                   help="numba threads of each local worker (default: cores / workers)")
    g.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on this Dask scheduler instead (default: $GEOMKIT_SCHEDULER)")
    g.add_argument("--overwrite", action="store_true",
                   help="recompute inputs whose output exists (default: skip them)")
    g.add_argument("--summary", default=None, metavar="FILE",
                   help="also write the batch summary as JSON")
    g.add_argument("--retries", type=int, default=2,
                   help="times a file is retried after its worker died (default 2)")
    g.add_argument("--chunk-points", type=int, default=None, metavar="N",
                   help="process binary Plot3D grids of more than N points in chunks of about "
                        "N points (bounded memory; default 1000000; 0: never)")


def wants_batch(a):
    """Whether the parsed ``features`` arguments ask for a batch run: several inputs,
    a directory, a glob pattern, an ``@list``, an output directory, or a batch
    option -- but never one input file with an output *file* name (``-o x.vts``)."""
    x = a.inputs[0]
    single = len(a.inputs) == 1 and not (x.startswith("@") or os.path.isdir(x)
                                         or glob.has_magic(x))
    out_dir = os.path.isdir(a.output) or a.output.endswith(("/", os.sep))
    ext = os.path.splitext(a.output)[1].lower().lstrip(".")
    if single and not out_dir and ext in ("npz", "vtu", "vts", "parquet", "csv"):
        return False
    if not single or out_dir:
        return True
    return a.overwrite or any(v is not None for v in (a.workers, a.threads, a.scheduler,
                                                       a.summary, a.chunk_points))


def run_batch(a):
    """Run ``geomkit features`` as a batch; return the exit status."""
    from . import DEFAULT_CHUNK_POINTS, features, format_summary

    s = features(
        a.inputs, a.output, names=a.features, fmt=a.format or "npz", method=a.method,
        repair=a.repair, workers=a.workers, threads=a.threads, scheduler=a.scheduler,
        overwrite=a.overwrite, retries=a.retries,
        **{k: getattr(a, k) for k in ("degree", "crease_angle", "seam_rtol") if hasattr(a, k)},
        **({"compress": True} if getattr(a, "compress", False) else {}),
        chunk_points=DEFAULT_CHUNK_POINTS if a.chunk_points is None else a.chunk_points,
        progress=False if a.quiet else None, summary=a.summary,
    )
    if not a.quiet:
        print(format_summary(s))
    elif s["failed"]:
        for f in s["failures"]:
            print(f"FAILED {f['input']}: {f['reason']}", file=sys.stderr)
    return 2 if s["failed"] else 0


def add_plot_arguments(p):
    """Arguments of ``geomkit plot``."""
    p.add_argument("input", metavar="INPUT", help="a surface file")
    p.add_argument("--feature", default="K",
                   help="scalar feature to colour by: K, H, k1, k2, R1212, dA (default K)")
    p.add_argument("-o", "--output", required=True, help="picture file (.png, .pdf, .svg)")
    p.add_argument("--method", choices=("auto", "corrected", "jet", "one-ring"), default="auto",
                   help="triangle meshes: curvature estimator")
    p.add_argument("--view", default="30,-60", metavar="ELEV,AZIM",
                   help="camera elevation and azimuth in degrees (default 30,-60)")
    p.add_argument("--dpi", type=int, default=120)


def run_plot(a):
    """Run ``geomkit plot``; return the exit status."""
    from ..errors import GeomkitError
    from ..plot import plot_feature

    try:
        elev, azim = (float(x) for x in a.view.split(","))
    except ValueError:
        raise GeomkitError(f"--view must be ELEV,AZIM in degrees, got {a.view!r}") from None
    plot_feature(a.input, a.feature, a.output, method=a.method, view=(elev, azim), dpi=a.dpi)
    print(f"{a.output}: {a.feature} on {a.input}")
    return 0
