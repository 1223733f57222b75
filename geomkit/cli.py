"""The ``geomkit`` command.

::

    geomkit demo-wing -o wing.xyz                  # a swept tapered wing, Plot3D grid
    geomkit info wing.xyz                          # format, counts, bounds, problems
    geomkit features wing.xyz -o wing.vts          # all default features
    geomkit features a.stl b.obj -o out/ --format csv --features K,H,normal --repair

Exit status: 0 success, 2 bad input (the message names the file and the
element), 1 internal error.  Each sub-command is one ``_cmd_*`` function
registered in ``_COMMANDS`` with its argument setup, so more sub-commands
(plots, batch runs) plug in the same way; the per-file work is
:func:`geomkit.mesh.process_file`.
"""

import argparse
import json
import os
import sys
import time

from .errors import GeomkitError

__all__ = ["main", "Progress"]


class Progress:
    """A minimal stderr progress bar (drawn only when stderr is a terminal)."""

    def __init__(self, total, label="", stream=None, enabled=None):
        self.total = max(int(total), 1)
        self.label = label
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.t0 = time.perf_counter()

    def step(self, note=""):
        self.done += 1
        if not self.enabled:
            return
        width = 30
        k = int(width * self.done / self.total)
        bar = "#" * k + "-" * (width - k)
        dt = time.perf_counter() - self.t0
        self.stream.write(
            f"\r{self.label} [{bar}] {self.done}/{self.total} {dt:6.1f}s {note[:40]:40}"
        )
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def _out_path(inp, out, fmt, many):
    stem = os.path.splitext(os.path.basename(inp))[0]
    if many or os.path.isdir(out) or out.endswith(os.sep):
        os.makedirs(out, exist_ok=True)
        return os.path.join(out, f"{stem}.features.{fmt or 'npz'}")
    return out


def _args_features(p):
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="surface files")
    p.add_argument("-o", "--output", required=True,
                   help="output file (one input) or directory (several inputs)")
    p.add_argument("--features", default=None,
                   help="comma-separated names (default: normal,K,H,k1,k2,d1,d2 and, with a "
                        "chart, g,Gamma,b,R1212); known: normal,K,H,k1,k2,d1,d2,S,g,dg,Gamma,"
                        "b,R1212,dA")
    p.add_argument("--format", choices=("npz", "vtu", "vts", "parquet", "csv"), default=None,
                   help="output format (default: from the output extension, else npz)")
    p.add_argument("--method", choices=("auto", "corrected", "jet", "one-ring"), default="auto",
                   help="triangle meshes: curvature estimator (default auto: per vertex the "
                        "one-ring value where trustworthy, else the jet corrected by it)")
    p.add_argument("--degree", type=int, choices=(3, 4), default=None,
                   help="triangle meshes: degree of the jet fit (default 4 for auto and "
                        "corrected, 3 for jet)")
    p.add_argument("--crease-angle", type=float, default=60.0, metavar="DEG",
                   help="triangle meshes: cut edges sharper than this before fitting "
                        "(default 60; 0 disables)")
    p.add_argument("--repair", action="store_true",
                   help="merge duplicate vertices, drop degenerate faces and isolated vertices")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    from .batch.cli import add_batch_arguments  # batch: --workers, --scheduler, ...

    add_batch_arguments(p)


def _cmd_features(a):
    from .batch.cli import run_batch, wants_batch

    if wants_batch(a):
        return run_batch(a)
    from .mesh.extract import process_file

    many = len(a.inputs) > 1
    fmt = a.format
    if fmt is None and not many and not os.path.isdir(a.output):
        ext = os.path.splitext(a.output)[1].lower().lstrip(".")
        fmt = ext if ext else "npz"
    bar = Progress(len(a.inputs), "features", enabled=None if not a.quiet else False)
    for inp in a.inputs:
        out = _out_path(inp, a.output, fmt, many)
        if os.path.splitext(out)[1] == "":
            out = f"{out}.{fmt}"
        s = process_file(inp, out, features=a.features, fmt=fmt, repair=a.repair,
                         method=a.method, degree=a.degree, crease_angle=a.crease_angle)
        bar.step(os.path.basename(inp))
        if not a.quiet:
            rep = f", repaired {s['repaired']}" if s["repaired"] else ""
            print(f"{s['input']}: {s['kind']}, {s['n_points']} points -> {s['output']} "
                  f"({', '.join(s['features'])}; {s['seconds']:.2f} s{rep})")
    return 0


def _args_info(p):
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--json", action="store_true", help="print JSON")


def _cmd_info(a):
    from .mesh.io import info

    status = 0
    for inp in a.inputs:
        d = info(inp)
        if d["problems"]:
            status = 2
        if a.json:
            print(json.dumps(d))
            continue
        lo, hi = d["bounds"]
        print(f"{d['path']}")
        print(f"  format      {d['format']}")
        kind = "structured grid" if d["structured"] else "triangle mesh"
        print(f"  kind        {kind}" + (f", blocks {d['blocks']}" if d.get("blocks") else ""))
        what = "cells" if d["structured"] else "faces"
        print(f"  points      {d['n_points']}    {what} {d['n_faces']}")
        print("  bounds      " + ", ".join(f"[{a_:.6g}, {b_:.6g}]" for a_, b_ in zip(lo, hi)))
        if not d["structured"]:
            print(f"  uv chart    {'yes' if d['has_uv'] else 'no'}")
            if "euler_characteristic" in d:
                print(f"  boundary    {d['boundary_vertices']} vertices;  "
                      f"Euler characteristic {d['euler_characteristic']}")
        for b, t in enumerate(d.get("topology", [])):
            desc = []
            for ax in ("i", "j"):
                x = t[ax]
                s = "periodic" if x["periodic"] else "open"
                if x["creases"]:
                    s += f", creases at {x['creases']}"
                desc.append(f"{ax}: {s}")
            print(f"  block {b}     " + "; ".join(desc))
        if d["problems"]:
            print("  problems:")
            for p in d["problems"]:
                print(f"    - {p}")
        else:
            print("  problems    none found")
    return status


def _args_demo_wing(p):
    p.add_argument("-o", "--output", required=True, help="Plot3D file to write (.xyz)")
    p.add_argument("--ni", type=int, default=257, help="points around the section (odd)")
    p.add_argument("--nj", type=int, default=65, help="points along the span")
    p.add_argument("--binary", action="store_true", help="Fortran unformatted (default ASCII)")


def _cmd_demo_wing(a):
    from .errors import MeshError
    from .mesh.demo import wing_grid
    from .mesh.plot3d import write_plot3d

    if a.ni < 7 or a.nj < 7:
        raise MeshError("--ni and --nj must be at least 7")
    write_plot3d(a.output, [wing_grid(a.ni, a.nj)], binary=a.binary)
    print(f"{a.output}: wing grid {a.ni} x {a.nj} (Plot3D {'binary' if a.binary else 'ASCII'})")
    return 0


_COMMANDS = {
    "features": (_args_features, _cmd_features, "compute per-point geometric features"),
    "info": (_args_info, _cmd_info, "describe surface files and the problems found"),
    "demo-wing": (_args_demo_wing, _cmd_demo_wing, "write a demo wing as a Plot3D grid"),
}


def _plot_command():
    from .batch.cli import add_plot_arguments, run_plot

    return add_plot_arguments, run_plot, "picture of one feature on a surface (matplotlib)"


_COMMANDS["plot"] = _plot_command()


def build_parser():
    parser = argparse.ArgumentParser(prog="geomkit", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (setup, func, help_) in _COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        setup(p)
        p.set_defaults(func=func)
    return parser


def main(argv=None):
    """Run the ``geomkit`` command; return the exit status."""
    parser = build_parser()
    try:
        a = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        return a.func(a)
    except GeomkitError as e:
        print(f"geomkit {a.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 - a bug, reported as such
        print(f"geomkit {a.command}: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
