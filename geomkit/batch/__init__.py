r"""Feature extraction on many surface files: a local process pool or a Dask cluster.

>>> import os, tempfile
>>> import geomkit as gk
>>> from geomkit.cli import main
>>> d = tempfile.mkdtemp()
>>> for name in ('a', 'b'):
...     _ = main(['demo-wing', '-o', os.path.join(d, name + '.xyz'), '--ni', '33', '--nj', '9'])
/...a.xyz: wing grid 33 x 9 (Plot3D ASCII)
/...b.xyz: wing grid 33 x 9 (Plot3D ASCII)
>>> summary = gk.batch.features([os.path.join(d, '*.xyz')], os.path.join(d, 'out'),
...                             workers=1, progress=False)
>>> summary['ok'], summary['failed'], summary['failures']
(2, 0, [])

One function, :func:`process_one`, does the work for one input file (read,
compute the features with :func:`geomkit.mesh.features`, write atomically);
:func:`features` sends it either to a local process pool (default) or, with
``scheduler=ADDRESS``, to an existing ``dask.distributed`` cluster -- the same
function, no other code path.  A run is

* **idempotent and resumable**: the output of ``a/wing.xyz`` is
  ``OUT/wing.features.npz``; an existing output is complete (it was renamed
  into place after being written in full), so it is skipped unless
  ``overwrite=True``; leftover temporary files of a killed run are removed;
* **fault tolerant**: a bad input is reported (file and reason) and the others
  finish; a worker process that dies (killed, out of memory) is replaced and
  its files retried up to ``retries`` times;
* **bounded in memory** on huge structured grids: a single-block binary
  Plot3D grid with more than ``chunk_points`` points is processed in slabs of
  grid lines with a halo (:mod:`geomkit.batch.chunked`).

The return value is a summary dict: ``n_inputs``, ``ok``, ``skipped``,
``failed``, ``failures`` (list of ``{'input', 'reason'}``), ``seconds``,
``files_per_s``, ``points``, ``workers``, ``scheduler``, ``out_dir`` and
``results`` (one record per input, in input order).
"""

import glob
import json
import os
import sys
import threading
import time

from .._io import atomic_write
from ..errors import GeomkitError, MeshError

__all__ = [
    "features",
    "expand_inputs",
    "output_path",
    "process_one",
    "cleanup_temporaries",
    "DEFAULT_CHUNK_POINTS",
]

#: structured grids with more points than this are processed in chunks
DEFAULT_CHUNK_POINTS = 1_000_000

_MESH_EXTENSIONS = (
    ".xyz", ".p3d", ".x", ".g", ".fmt", ".p3dfmt", ".vts", ".vtk", ".vtu", ".stl", ".obj",
    ".ply", ".off", ".msh", ".mesh", ".xdmf",
)  # fmt: skip


# -- inputs and outputs --------------------------------------------------------------
def expand_inputs(specs):
    """Input files named by ``specs``, in order, without duplicates.

    Each spec is a path, a glob pattern (``*``, ``?``, ``[...]``, ``**``), a
    directory (its files with a surface-mesh extension, not recursive, and
    not the ``*.features.*`` outputs of a batch) or
    ``@LIST`` (a text file naming one spec per line; blank lines and lines
    starting with ``#`` are ignored, relative names are relative to the list).
    Raises :class:`geomkit.MeshError` for a spec that names nothing.
    """
    if isinstance(specs, (str, os.PathLike)):
        specs = [specs]
    out = []
    for spec in specs:
        out += _expand(os.fspath(spec), base=None)
    return list(dict.fromkeys(out))


def _expand(spec, base):
    if base is not None and not os.path.isabs(spec) and not spec.startswith("@"):
        spec = os.path.join(base, spec)
    if spec.startswith("@"):
        path = spec[1:]
        try:
            with open(path) as f:
                lines = [x.strip() for x in f]
        except OSError as e:
            raise MeshError(f"{path}: cannot read the list of inputs ({e.strerror})") from None
        d = os.path.dirname(os.path.abspath(path))
        found = []
        for x in lines:
            if x and not x.startswith("#"):
                found += _expand(x, d)
        return found
    if os.path.isdir(spec):
        names = sorted(os.listdir(spec))
        return [os.path.join(spec, n) for n in names
                if os.path.splitext(n)[1].lower() in _MESH_EXTENSIONS + (".npz",)
                and ".features." not in n  # outputs of an earlier batch
                and os.path.isfile(os.path.join(spec, n))]
    if glob.has_magic(spec):
        hits = sorted(p for p in glob.glob(spec, recursive=True) if os.path.isfile(p))
        if not hits:
            raise MeshError(f"{spec}: the pattern matches no file")
        return hits
    if not os.path.exists(spec):
        raise MeshError(f"{spec}: no such file")
    return [spec]


def output_path(input_path, out_dir, fmt="npz"):
    """``OUT_DIR/<stem>.features.<fmt>`` for ``<dir>/<stem>.<ext>``."""
    stem = os.path.splitext(os.path.basename(os.fspath(input_path)))[0]
    return os.path.join(os.fspath(out_dir), f"{stem}.features.{fmt}")


def _outputs(inputs, out_dir, fmt):
    outs = [output_path(p, out_dir, fmt) for p in inputs]
    seen = {}
    for p, o in zip(inputs, outs):
        if o in seen:
            raise MeshError(
                f"{p} and {seen[o]} would both be written to {o}; rename one or run them "
                "into different output directories"
            )
        seen[o] = p
    return outs


def cleanup_temporaries(output):
    """Remove temporary files left next to ``output`` by a killed writer; return
    how many were removed.  (Writers create ``.tmp-XXXX<name>`` in the output's
    directory and rename it to ``<name>`` when complete.)"""
    d, name = os.path.split(os.path.abspath(output))
    n = 0
    for p in glob.glob(os.path.join(glob.escape(d), ".tmp-*" + glob.escape(name))):
        try:
            os.unlink(p)
            n += 1
        except FileNotFoundError:
            pass
    return n


# -- the unit of work ---------------------------------------------------------------
# Files are computed one at a time per process: the kernels already use all of the
# process's numba threads, and numba's workqueue layer is not thread-safe (a Dask
# worker runs several tasks in threads).
_COMPUTE = threading.Lock()


def process_one(task):
    """Process one input; the function a pool or a Dask cluster runs.

    ``task`` is a dict with ``input``, ``output`` and optionally ``features``,
    ``fmt``, ``method``, ``repair``, ``overwrite``, ``chunk_points`` and
    ``options`` (more keyword arguments of :func:`geomkit.mesh.process_file`,
    e.g. ``degree``, ``crease_angle``).  Never
    raises for a bad input: returns a record with ``status`` ``'ok'``,
    ``'skipped'`` (complete output present) or ``'failed'`` (``reason``), and
    ``input``, ``output``, ``n_points``, ``seconds``, ``chunked``.
    """
    return guarded(task, _features_one)


def guarded(task, compute):
    """Run ``compute(task) -> (n_points, chunked)`` for one input and return the
    record of :func:`process_one` (skipping a complete output unless
    ``task['overwrite']``); never raises for a bad input.  Other work units
    (e.g. :mod:`geomkit.learn.tables`) reuse it."""
    inp, out = task["input"], task["output"]
    rec = {"input": inp, "output": out, "status": "failed", "reason": None, "n_points": 0,
           "seconds": 0.0, "chunked": False}
    t0 = time.perf_counter()
    try:
        if not task.get("overwrite") and os.path.isfile(out):
            rec["status"] = "skipped"
            return rec
        cleanup_temporaries(out)
        n, rec["chunked"] = compute(task)
        rec["n_points"] = int(n)
        rec["status"] = "ok"
    except GeomkitError as e:
        rec["reason"] = str(e)
    except MemoryError:
        rec["reason"] = f"{inp}: out of memory"
    except Exception as e:  # noqa: BLE001 - reported per file, the batch goes on
        rec["reason"] = f"{inp}: internal error: {type(e).__name__}: {e}"
    finally:
        rec["seconds"] = time.perf_counter() - t0
    return rec


def _features_one(task):
    inp, out = task["input"], task["output"]
    fmt = task.get("fmt") or "npz"
    limit = task.get("chunk_points", DEFAULT_CHUNK_POINTS)
    layout = None
    if limit and fmt == "npz":
        from .chunked import plot3d_layout

        layout = plot3d_layout(inp)
    with _COMPUTE:
        if layout is not None and layout.n_points > limit:
            from .chunked import chunked_features

            r = chunked_features(inp, out, names=task.get("features"),
                                 chunk_points=limit, layout=layout,
                                 compress=bool(task.get("options", {}).get("compress")))
            return r["n_points"], True
        from ..mesh.extract import process_file

        r = process_file(inp, out, features=task.get("features"), fmt=fmt,
                         repair=bool(task.get("repair")),
                         method=task.get("method", "auto"), **task.get("options", {}))
        return r["n_points"], False


# -- progress ------------------------------------------------------------------------
class _Progress:
    """One progress line on stderr for the whole batch (only on a terminal)."""

    def __init__(self, total, enabled=None, stream=None):
        self.total, self.done, self.failed = max(total, 1), 0, 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else bool(enabled)
        self.t0 = time.perf_counter()
        if self.enabled:  # at once: the first file waits for the workers to compile
            from .._progress import COMPILE_NOTE

            self._draw(f"  starting ({COMPILE_NOTE})")

    def step(self, rec):
        self.done += 1
        self.failed += rec["status"] == "failed"
        if self.enabled:
            self._draw(" " * 60)  # wipes the starting note

    def _draw(self, note):
        k = int(30 * self.done / self.total)
        dt = time.perf_counter() - self.t0
        self.stream.write(f"\rfeatures [{'#' * k}{'-' * (30 - k)}] {self.done}/{self.total} "
                          f"failed {self.failed}  {dt:7.1f} s{note}")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


# -- executors -----------------------------------------------------------------------
_PRELOAD = ["geomkit.batch", "geomkit.mesh.io", "geomkit.mesh.extract",
            "geomkit.mesh.structured", "geomkit.mesh.triangle"]


def _init_worker(threads):
    # the cores are shared among the workers: no oversubscription by numba's threads
    import numba

    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))


def _context():
    """Worker processes are forked from a server process that has imported numpy,
    numba and the mesh modules but never started a thread (so forking is safe and
    a new worker is ready at once); ``spawn`` where there is no fork server."""
    import multiprocessing as mp

    try:
        ctx = mp.get_context("forkserver")
    except ValueError:  # pragma: no cover - Windows
        return mp.get_context("spawn")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def _run_local(tasks, work, workers, retries, on_done, threads=None):
    """Run ``work`` on each task in a pool of ``workers`` processes.

    A worker that dies (killed, out of memory, crashed) breaks the pool: it is
    replaced, and the files that were in flight become suspects, each then run
    alone so that a death is charged to the right file; a file is failed after
    ``retries + 1`` deaths, the others are unaffected.
    """
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    threads = threads or max(1, (os.cpu_count() or 1) // workers)
    tasks = list(tasks)
    todo = list(range(len(tasks)))[::-1]  # a stack, first input on top
    suspects = []
    deaths = [0] * len(tasks)
    ctx = _context()
    while todo or suspects:
        pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                   initargs=(threads,))
        running = {}
        broken = False
        try:
            while (todo or suspects or running) and not broken:
                if suspects:  # alone in the pool
                    if not running:
                        k = suspects.pop()
                        running[pool.submit(work, tasks[k])] = k
                else:
                    while todo and len(running) < workers:
                        k = todo.pop()
                        running[pool.submit(work, tasks[k])] = k
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    k = running.pop(fut)
                    try:
                        on_done(k, fut.result())
                    except BrokenProcessPool:
                        running[fut] = k
                        broken = True
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if len(running) == 1:  # it ran alone: its death is its own
            (k,) = running.values()
            deaths[k] += 1
            if deaths[k] > retries:
                on_done(k, _died(tasks[k], deaths[k]))
            else:
                suspects.append(k)
        else:
            suspects += sorted(running.values(), reverse=True)
        for k in suspects:
            # a suspect may have finished its (atomic) output before the pool broke and
            # lost only its record: run it again in full rather than report it skipped
            tasks[k] = {**tasks[k], "overwrite": True}


def _died(task, n):
    return {"input": task["input"], "output": task["output"], "status": "failed",
            "reason": f"{task['input']}: the worker process died {n} time(s) while processing it "
                      "(killed, or out of memory)", "n_points": 0, "seconds": 0.0,
            "chunked": False}


def _run_dask(tasks, work, address, retries, on_done):
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise GeomkitError(
            "a Dask scheduler needs the dask extra: pip install 'dask[distributed]' "
            "(or geomkit[dask])"
        ) from None
    try:
        client = address if isinstance(address, Client) else Client(address, timeout="20s")
    except OSError as e:
        raise GeomkitError(f"cannot connect to the Dask scheduler at {address} ({e})") from None
    try:
        futs = client.map(work, tasks, pure=False, retries=retries)
        index = {f.key: k for k, f in enumerate(futs)}
        for fut in as_completed(futs):
            k = index[fut.key]
            try:
                rec = fut.result()
            except Exception as e:  # noqa: BLE001 - e.g. KilledWorker after repeated deaths
                rec = _died(tasks[k], retries + 1)
                rec["reason"] = f"{tasks[k]['input']}: {type(e).__name__}: {e}"
            on_done(k, rec)
            fut.release()
    finally:
        if client is not address:
            client.close()


# -- the batch -----------------------------------------------------------------------
def features(
    inputs,
    out_dir,
    *,
    names=None,
    fmt="npz",
    method="auto",
    repair=False,
    workers=None,
    threads=None,
    scheduler=None,
    overwrite=False,
    retries=2,
    chunk_points=DEFAULT_CHUNK_POINTS,
    progress=None,
    summary=None,
    _work=None,
    **options,
):
    """Compute features of many surface files, one output file per input.

    Parameters
    ----------
    inputs : str or sequence of str
        Paths, glob patterns, directories, ``@list.txt`` files
        (:func:`expand_inputs`).
    out_dir : str
        Output directory (created); input ``<stem>.<ext>`` gives
        ``<stem>.features.<fmt>``.
    names, fmt, method, repair
        As for :func:`geomkit.mesh.process_file` (``names`` are the features).
    workers : int, optional
        Local processes (default: the number of cores).  Ignored with ``scheduler``.
    threads : int, optional
        Numba threads of each local worker (default: cores // workers).
    scheduler : str or distributed.Client, optional
        Address of a Dask scheduler (``tcp://host:8786``); default the
        ``GEOMKIT_SCHEDULER`` environment variable, else the local pool.
    overwrite : bool
        Recompute inputs whose output exists.
    retries : int
        Times a file is retried after its worker died.
    chunk_points : int or None
        Single-block binary Plot3D grids with more points are processed in
        chunks (npz output); None or 0: never.
    progress : bool, optional
        Progress bar on stderr (default: when stderr is a terminal).
    summary : str, optional
        Also write the summary as JSON to this file (atomically).
    **options
        Passed on to :func:`geomkit.mesh.process_file` (``degree``,
        ``crease_angle`` for triangle meshes).

    Returns
    -------
    dict
        The summary described in the module docstring.

    Raises
    ------
    geomkit.MeshError
        Only for problems with the batch as a whole: no input, two inputs with
        the same output name, an output directory that cannot be created.
        Failures of single files are in the summary.
    """
    t0 = time.perf_counter()
    paths = expand_inputs(inputs)
    if not paths:
        raise MeshError("no input files")
    fmt = (fmt or "npz").lower()
    out_dir = os.fspath(out_dir)
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as e:
        raise MeshError(f"{out_dir}: cannot create the output directory ({e.strerror})") from None
    outs = _outputs(paths, out_dir, fmt)
    if isinstance(names, (list, tuple)):
        names = list(names)
    tasks = [{"input": p, "output": o, "features": names, "fmt": fmt, "method": method,
              "repair": bool(repair), "overwrite": bool(overwrite),
              "chunk_points": int(chunk_points or 0), "options": dict(options)}
             for p, o in zip(paths, outs)]
    if scheduler is None:
        scheduler = os.environ.get("GEOMKIT_SCHEDULER") or None
    work = _work or process_one
    results = [None] * len(tasks)
    bar = _Progress(len(tasks), progress)

    def on_done(k, rec):
        results[k] = rec
        bar.step(rec)

    # complete outputs are skipped here already: a resumed batch starts no worker for them
    todo = []
    for k, t in enumerate(tasks):
        if not overwrite and os.path.isfile(t["output"]):
            on_done(k, {"input": t["input"], "output": t["output"], "status": "skipped",
                        "reason": None, "n_points": 0, "seconds": 0.0, "chunked": False})
        else:
            todo.append(k)
    sub = [tasks[k] for k in todo]

    def on_sub(i, rec):
        on_done(todo[i], rec)

    workers_used = None
    if scheduler is not None:
        if sub:
            _run_dask(sub, work, scheduler, retries, on_sub)
    else:
        workers_used = max(1, int(workers or os.cpu_count() or 1))
        if sub:
            _run_local(sub, work, min(workers_used, len(sub)), retries, on_sub, threads)
    for o in outs:  # nothing half-written stays behind
        cleanup_temporaries(o)
    out = _summary(results, time.perf_counter() - t0, workers_used, scheduler, out_dir)
    if summary:
        write_json(summary, out)
    return out


def _summary(results, seconds, workers, scheduler, out_dir):
    counts = {s: sum(r["status"] == s for r in results) for s in ("ok", "skipped", "failed")}
    return {
        "n_inputs": len(results),
        **counts,
        "failures": [{"input": r["input"], "reason": r["reason"]}
                     for r in results if r["status"] == "failed"],
        "seconds": seconds,
        "files_per_s": counts["ok"] / seconds if seconds > 0 else 0.0,
        "points": sum(r["n_points"] for r in results),
        "workers": workers,
        "scheduler": None if scheduler is None else _address(scheduler),
        "out_dir": out_dir,
        "results": results,
    }


def _address(scheduler):
    if isinstance(scheduler, str):
        return scheduler
    return getattr(getattr(scheduler, "scheduler", None), "address", None) or repr(scheduler)


def write_json(path, obj):
    """Write ``obj`` as JSON to ``path`` atomically (temp file + rename)."""
    path = os.fspath(path)
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    with atomic_write(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def format_summary(s):
    """The summary as a few lines of text."""
    lines = [f"{s['n_inputs']} input(s): {s['ok']} ok, {s['skipped']} skipped (output present), "
             f"{s['failed']} failed in {s['seconds']:.1f} s ({s['files_per_s']:.2f} files/s, "
             f"{s['points']} points; "
             + (f"scheduler {s['scheduler']})" if s["scheduler"] else f"{s['workers']} worker(s))")]
    for f in s["failures"]:
        lines.append(f"  FAILED {f['input']}: {f['reason']}")
    return "\n".join(lines)
