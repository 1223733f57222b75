"""The ``geomkit`` command.

::

    geomkit demo-wing -o wing.xyz                  # a swept tapered wing, Plot3D grid
    geomkit info wing.xyz                          # format, counts, bounds, problems
    geomkit features wing.xyz -o wing.vts          # all default features
    geomkit features a.stl b.obj -o out/ --format csv --features K,H,normal --repair
    geomkit wing --family 200 --seed 0 -o wings/ --labels 0.6:0,0.6:2   # wings + Cp
    geomkit dataset 'wings/*.xyz' --label Cp -o data.parquet          # training table

Exit status: 0 success; 2 a user mistake -- bad input, an unknown feature or
format, a missing file or output folder (the message names the file and the
element); 130 interrupted (Ctrl-C); 141 output pipe closed (``| head``); 1 an
internal error (a bug).  Each sub-command is one ``_cmd_*`` function
registered in ``_COMMANDS`` with its argument setup; :func:`main` runs every
one through the same error handling (:func:`run_command`), so more
sub-commands plug in the same way; the per-file work is
:func:`geomkit.mesh.process_file`.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
import warnings

from .errors import GeomkitError

__all__ = ["main", "Progress", "run_command"]


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


def _defects_command():
    from .cli_defects import add_arguments, run

    return add_arguments, run, "dislocation, disclination and point-defect densities of fields"


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
    p.add_argument("--seam-tol", type=float, default=0.1, dest="seam_rtol", metavar="RTOL",
                   help="multi-block grids: edge points closer than RTOL x the grid spacing "
                        "are one point (default 0.1)")
    p.add_argument("--repair", action="store_true",
                   help="merge duplicate vertices, drop degenerate faces and isolated vertices")
    p.add_argument("--compress", action="store_true",
                   help=".npz: deflate the arrays (about 25%% smaller, slower to write)")
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
    from ._progress import StageDisplay

    for inp in a.inputs:
        out = _out_path(inp, a.output, fmt, many)
        if os.path.splitext(out)[1] == "":
            out = f"{out}.{fmt}"
        with StageDisplay(f"geomkit features {inp}", enabled=False if a.quiet else None):
            s = process_file(inp, out, features=a.features, fmt=fmt, repair=a.repair,
                             method=a.method, degree=a.degree, crease_angle=a.crease_angle,
                             compress=a.compress, seam_rtol=a.seam_rtol)
        if not a.quiet:
            rep = f", repaired {s['repaired']}" if s["repaired"] else ""
            print(f"{s['input']}: {s['kind']}, {s['n_points']} points -> {s['output']} "
                  f"({', '.join(s['features'])}; {s['seconds']:.2f} s{rep})")
    return 0


def _args_info(p):
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--json", action="store_true", help="print JSON")


def _cmd_info(a):
    from .batch import expand_inputs
    from .mesh.io import info

    status = 0
    for inp in _each_input(a.inputs, expand_inputs):
        try:
            if isinstance(inp, Exception):  # a spec that names nothing
                raise inp
            d = info(inp)
        except (GeomkitError, OSError) as e:  # report it and go on with the others
            print(f"geomkit info: error: {_describe(e)}", file=sys.stderr)
            status = 2
            continue
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
        con = d.get("connectivity")
        if con and (con["seams"] or con["collapsed"]):
            print(f"  welded      {con['welded_points']} distinct points "
                  f"(seam tolerance {con['rtol']} x spacing); block signs {con['block_sign']}")
            for x in con["seams"]:
                print(f"  seam        {x}")
            for x in con["collapsed"]:
                print(f"  collapsed   {x} (pole: fitted on the welded surface)")
        if d.get("point_data"):
            print(f"  point data  {', '.join(d['point_data'])}")
        if d["problems"]:
            print("  problems:")
            for p in d["problems"]:
                print(f"    - {p}")
        else:
            print("  problems    none found")
    return status


def _each_input(specs, expand):
    """Files named by ``specs`` (paths, directories, globs, ``@lists``), one spec at
    a time; a spec that names nothing yields its error instead, so the caller
    reports it and goes on with the rest."""
    for spec in specs:
        try:
            yield from expand([spec])
        except GeomkitError as e:
            yield e


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


def _conditions(text):
    """``'0.6:2,0.6:-2'`` -> [(0.6, 2.0), (0.6, -2.0)] (Mach:alpha in degrees)."""
    from .errors import MeshError

    try:
        return [tuple(float(v) for v in c.split(":")) for c in text.split(",") if c.strip()]
    except ValueError:
        raise MeshError(f"conditions {text!r}: use MACH:ALPHA[,MACH:ALPHA...]") from None


def _args_wing(p):
    p.add_argument("-o", "--output", required=True,
                   help="wing file (.xyz Plot3D, .stl .obj .ply .vtu ...) or, with --family, "
                        "a directory")
    p.add_argument("--family", type=int, metavar="N", help="N wings sampled from the family")
    p.add_argument("--seed", type=int, default=0, help="sampler seed (with --family)")
    p.add_argument("--format", default="xyz", help="file extension for --family (default xyz)")
    p.add_argument("--section", default="0012",
                   help="NACA 4- or 5-digit designation (2412, 23012) or 'cst'")
    p.add_argument("--cst", nargs=2, metavar=("UPPER", "LOWER"),
                   help="CST weights, comma-separated, for --section cst")
    for name, default in (("span", 3.0), ("c-root", 1.0), ("taper", 0.5), ("sweep", 25.0),
                          ("dihedral", 0.0), ("twist-root", 0.0), ("twist-tip", 0.0),
                          ("te-thickness", 0.0)):
        deg = "; degrees" if "twist" in name or name in ("sweep", "dihedral") else ""
        p.add_argument(f"--{name}", type=float, default=default, help=f"(default {default}{deg})")
    p.add_argument("--ni", type=int, default=129, help="points around the section (odd)")
    p.add_argument("--nj", type=int, default=33, help="points along the span")
    p.add_argument("--multi", action="store_true", help="Plot3D: lower/upper(/base) blocks")
    p.add_argument("--tip-cap", action="store_true",
                   help="close the tip with a rounded cap (an extra block; sharp TE only)")
    p.add_argument("--binary", action="store_true", help="Plot3D: Fortran unformatted")
    p.add_argument("--labels", metavar="M:A,...",
                   help="also write Cp labels (<stem>.labels.npz) for these Mach:alpha "
                        "conditions (needs the aero extra)")


def _cmd_wing(a):
    from .mesh.wings import WingParams, naca, sample_family, wing_grid, write_wing

    if a.family:
        os.makedirs(a.output, exist_ok=True)
        todo = [(os.path.join(a.output, f"wing_{k:04d}.{a.format.lstrip('.')}"), p)
                for k, p in enumerate(sample_family(a.family, a.seed, tip_cap=a.tip_cap))]
    else:
        sec = ({"section": "cst", "cst_upper": [float(v) for v in a.cst[0].split(",")],
                "cst_lower": [float(v) for v in a.cst[1].split(",")]} if a.section == "cst"
               else naca(a.section))
        p = WingParams(span=a.span, c_root=a.c_root, taper=a.taper, sweep_deg=a.sweep,
                       dihedral_deg=a.dihedral, twist_root_deg=a.twist_root,
                       twist_tip_deg=a.twist_tip, te_thickness=a.te_thickness,
                       tip_cap=a.tip_cap, **sec)
        todo = [(a.output, p)]
    conds = _conditions(a.labels) if a.labels else None
    if conds and a.tip_cap:
        from .errors import MeshError

        raise MeshError("--labels with --tip-cap: the aero solver takes the uncapped wing grid")
    for path, p in todo:
        write_wing(path, p, a.ni, a.nj, multi=a.multi, binary=a.binary)
        if conds:
            from .aero import surface_cp
            from .learn.tables import write_labels

            cp = surface_cp(wing_grid(p, a.ni, a.nj), conds, where=path)
            write_labels(path, cp.transpose(0, 2, 1).reshape(len(conds), -1), conds)
    print(f"{len(todo)} wing(s) {a.ni} x {a.nj} -> {a.output} (parameters in <stem>.json"
          f"{', Cp in <stem>.labels.npz' if conds else ''})")
    return 0


def _args_dataset(p):
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="surface files, globs, dirs")
    p.add_argument("-o", "--output", required=True, help="table to write (.parquet or .csv)")
    p.add_argument("--label", default="Cp", help="label name (point data or sidecar)")
    p.add_argument("--no-label", action="store_true",
                   help="no label column: a table of features to predict on")
    p.add_argument("--features", default=None, help="comma-separated feature names")
    p.add_argument("--neighbours", default="K,H,k1,k2",
                   help="scalar features aggregated over mesh neighbours ('' for none)")
    p.add_argument("--conditions", help="Mach:alpha[,...] for --solver or point-data labels")
    p.add_argument("--solver", choices=("aero",), help="compute labels (the aero extra)")
    p.add_argument("--repair", action="store_true", help="repair triangle meshes first")
    p.add_argument("--no-edges", action="store_true", help="do not write the edge list")
    p.add_argument("--resume", action="store_true",
                   help="keep per-surface parts in OUTPUT.parts/ and reuse them on a rerun")
    p.add_argument("--workers", type=int, default=None, help="local processes")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address")


def _cmd_dataset(a):
    from .learn.tables import dataset

    s = dataset(a.inputs, a.output, label=None if a.no_label else a.label, features=a.features,
                neighbours=[f for f in a.neighbours.split(",") if f.strip()],
                conditions=_conditions(a.conditions) if a.conditions else None,
                solver=a.solver, repair=a.repair, edges=not a.no_edges, workers=a.workers,
                scheduler=a.scheduler, resume=a.resume)
    print(f"{s['output']}: {s['rows']} rows x {len(s['columns'])} columns from "
          f"{s['surfaces']} surface(s); edges -> {s['edges']}")
    for f in s["failures"]:
        print(f"  failed: {f['reason']}", file=sys.stderr)
    return 2 if s["failed"] else 0


_COMMANDS = {
    "features": (_args_features, _cmd_features, "compute per-point geometric features"),
    "info": (_args_info, _cmd_info, "describe surface files and the problems found"),
    "demo-wing": (_args_demo_wing, _cmd_demo_wing, "write a demo wing as a Plot3D grid"),
    "wing": (_args_wing, _cmd_wing, "write a parametric wing or a sampled family of wings"),
    "dataset": (_args_dataset, _cmd_dataset, "one training table (rows = points) from many files"),
    "defects": _defects_command(),
}


def _plot_command():
    from .batch.cli import add_plot_arguments, run_plot

    return add_plot_arguments, run_plot, "picture of one feature on a surface (matplotlib)"


_COMMANDS["plot"] = _plot_command()


_DESCRIPTION = """\
Geometric features of surfaces read from mesh files: metric, Christoffel
symbols, normals, Gaussian, mean and principal curvatures at every point of a
structured grid (Plot3D, VTK) or a triangle mesh (STL, OBJ, PLY, VTK, ...).
The first run compiles the numeric kernels (some seconds); later runs load
them from the cache.
"""

_EPILOG = """\
examples:
  geomkit demo-wing -o wing.xyz                 a swept wing to try things on
  geomkit info wing.xyz                         format, counts, problems found
  geomkit features wing.xyz -o wing.vts         features for ParaView
  geomkit features 'wings/*.xyz' -o out/        many files (parallel workers)
  geomkit plot wing.xyz --feature K -o K.png    a picture

'geomkit COMMAND --help' describes a command.  Exit status: 0 ok, 2 bad input
or usage, 130 interrupted, 1 internal error.
"""


def build_parser():
    from . import __version__

    parser = argparse.ArgumentParser(prog="geomkit", description=_DESCRIPTION, epilog=_EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"geomkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (setup, func, help_) in _COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        setup(p)
        p.set_defaults(func=func)
    return parser


def _describe(e):
    """A one-line message for a user's mistake."""
    if isinstance(e, OSError) and not isinstance(e, GeomkitError) and e.strerror:
        where = e.filename if e.filename is not None else ""
        return f"{where}: {e.strerror}" if where else e.strerror
    return str(e)


def run_command(name, func, *args):
    """Run one sub-command with the command line's error handling; return the
    exit status (see the module docstring).

    A user's mistake (:class:`geomkit.GeomkitError`, or an ``OSError`` about a
    file: missing, not writable, a folder) is one line on stderr and status 2.
    Ctrl-C is status 130 with one line, also when it lands inside numba's
    compiler, which reports it as some other error after printing it as
    "ignored": a SIGINT received during the command makes any later failure an
    interruption.  A closed output pipe ends the command quietly.
    """
    interrupted = threading.Event()

    def on_sigint(signum, frame):
        interrupted.set()
        raise KeyboardInterrupt

    main_thread = threading.current_thread() is threading.main_thread()
    old_sigint = signal.signal(signal.SIGINT, on_sigint) if main_thread else None
    hook = sys.unraisablehook

    def quiet_interrupts(u):  # a KeyboardInterrupt inside a C callback (llvmlite)
        if isinstance(u.exc_value, KeyboardInterrupt):
            interrupted.set()
        else:
            hook(u)

    sys.unraisablehook = quiet_interrupts
    show = warnings.showwarning

    def one_line(message, category, filename, lineno, file=None, line=None):
        # a user reads "what and where", not the library line that warned
        print(f"geomkit {name}: warning: {message}", file=sys.stderr)

    warnings.showwarning = one_line
    try:
        status = func(*args)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return status
    except KeyboardInterrupt:
        print(f"geomkit {name}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 141
    except (GeomkitError, OSError) as e:
        if interrupted.is_set():
            print(f"geomkit {name}: interrupted", file=sys.stderr)
            return 130
        print(f"geomkit {name}: error: {_describe(e)}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - a bug, reported as such
        if interrupted.is_set():
            print(f"geomkit {name}: interrupted", file=sys.stderr)
            return 130
        print(f"geomkit {name}: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    finally:
        sys.unraisablehook = hook
        warnings.showwarning = show
        if main_thread:
            signal.signal(signal.SIGINT, old_sigint)


def _silence_stdout():
    """Point stdout at the null device, so that the interpreter's final flush into
    the closed pipe does not print another BrokenPipeError."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (tests)
        pass


def main(argv=None):
    """Run the ``geomkit`` command; return the exit status."""
    parser = build_parser()
    try:
        a = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    return run_command(a.command, a.func, a)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
