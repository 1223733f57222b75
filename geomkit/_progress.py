"""A one-line stage display on a terminal: reading, compiling, computing, writing.

Library code marks stages with :func:`stage`, a no-op unless a
:class:`StageDisplay` is active (the command line opens one when stderr is a
terminal and ``-q`` is not given), so pipes, logs and library users see
nothing.  Compilation is detected from numba's own ``numba:compile`` events,
so any compiled function -- the grid kernels, the triangle-mesh fits --
shows as "compiling" while numba works, with the note that only the first
run compiles.  A ticker thread redraws the elapsed time twice a second, so a
long step never looks frozen.
"""

import sys
import threading
import time

__all__ = ["StageDisplay", "stage", "COMPILE_NOTE"]

COMPILE_NOTE = "first run compiles, later runs are cached"

_active = None  # the StageDisplay of this process, if any
_numba_watch = []  # the installed numba listener (once per process)


def stage(name):
    """Mark the start of a stage (``'reading'``, ``'computing'``, ``'writing'``)."""
    d = _active
    if d is not None:
        d.set_stage(name)


class StageDisplay:
    """``with StageDisplay(label, stream): ...`` draws ``label: stage  12.3s`` on
    one line of ``stream`` (default stderr) while the block runs, if the
    stream is a terminal (or ``enabled=True``)."""

    def __init__(self, label="", stream=None, enabled=None, interval=0.5):
        self.stream = stream or sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.label = label
        self.interval = interval
        self._stage = "starting"
        self._compiling = 0
        self._t_stage = time.perf_counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        self._width = 0

    def __enter__(self):
        global _active
        if self.enabled:
            _active = self
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        global _active
        if self.enabled:
            _active = None
            self._stop.set()
            self._thread.join()
            self._write("\r" + " " * self._width + "\r")
        return False

    def relabel(self, label):
        """Show ``label`` (e.g. the file being worked on) from now on."""
        with self._lock:
            self.label = label
        self._draw()

    def set_stage(self, name):
        with self._lock:
            self._stage = name
            self._t_stage = time.perf_counter()
        if name == "computing":
            _watch_numba()
        self._draw()

    def _compile(self, delta):
        with self._lock:
            before = self._compiling
            self._compiling = max(before + delta, 0)
            if before == 0 and self._compiling:
                self._t_compile = time.perf_counter()
            changed = (before == 0) != (self._compiling == 0)
        if changed:  # nested compilations fire many events: draw transitions only
            self._draw()

    def _text(self):
        with self._lock:
            if self._compiling:
                what, t0 = f"compiling ({COMPILE_NOTE})", self._t_compile
            else:
                what, t0 = self._stage, self._t_stage
            label = self.label
        return f"{label}: {what} {time.perf_counter() - t0:5.1f}s"

    def _draw(self):
        if _active is not self:
            return
        text = self._text()
        pad = max(self._width - len(text), 0)
        self._width = len(text)
        self._write("\r" + text + " " * pad)

    def _write(self, s):
        try:
            self.stream.write(s)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away
            pass

    def _tick(self):
        while not self._stop.wait(self.interval):
            self._draw()


def _watch_numba():
    """Route numba's compile events to the active display (installed once)."""
    if _numba_watch:
        return
    from numba.core import event

    class _Listener(event.Listener):
        def on_start(self, ev):
            d = _active
            if d is not None:
                d._compile(+1)

        def on_end(self, ev):
            d = _active
            if d is not None:
                d._compile(-1)

    listener = _Listener()
    event.register("numba:compile", listener)
    _numba_watch.append(listener)
