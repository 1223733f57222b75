"""The command line with a new user's mistakes: one error path, exit codes,
Ctrl-C and closed pipes, several inputs for ``info``, help, version, the
stage display on a terminal, the plot's framing, npz compression, and the
start-up of a process whose kernel is cached."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import geomkit as gk
from geomkit import cli
from geomkit.codegen.kernel import indexed as _indexed

ROOT = Path(__file__).resolve().parents[1]


def _env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def wing(tmp_path_factory):
    d = tmp_path_factory.mktemp("usability")
    p = d / "wing.xyz"
    assert cli.main(["demo-wing", "-o", str(p), "--ni", "33", "--nj", "9"]) == 0
    return p


# -- (3) user mistakes are exit 2 with a one-line message, for every command ---------
@pytest.mark.parametrize("output, says", [
    ("n.jpg2", "cannot write pictures as 'jpg2'"),
    ("nodir/x.png", "does not exist"),
])
def test_plot_output_mistakes_are_user_errors(wing, tmp_path, capsys, output, says):
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    rc = cli.main(["plot", str(wing), "-o", str(tmp_path / output)])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert says in err and "internal error" not in err


def test_os_errors_about_files_are_user_errors(wing, tmp_path, capsys):
    # an output path under a regular file: the OS refuses, the user can fix it
    rc = cli.run_command("x", lambda: open(wing / "sub.npz", "wb"))
    err = capsys.readouterr().err
    assert rc == 2 and "Not a directory" in err and str(wing) in err


def test_a_bug_is_still_an_internal_error(capsys):
    def bug():
        raise ZeroDivisionError("oops")

    assert cli.run_command("x", bug) == 1
    assert "internal error: ZeroDivisionError" in capsys.readouterr().err


# -- (4) Ctrl-C ----------------------------------------------------------------------
def test_interrupt_inside_a_compiler_callback_is_an_interruption(capsys):
    """llvmlite runs Python callbacks from C: a Ctrl-C there is printed as an
    'ignored' exception and the compiler then fails with an unrelated error
    (``RuntimeError: no compiled object yet``).  Modelled exactly: SIGINT lands
    in a callback whose exception is unraisable, then a RuntimeError follows."""
    import ctypes

    def command():
        cb = ctypes.CFUNCTYPE(None)(lambda: signal.raise_signal(signal.SIGINT))
        cb()  # the KeyboardInterrupt goes to sys.unraisablehook, as in llvmlite
        raise RuntimeError("no compiled object yet")

    # the handler in place before (a background job starts with SIGINT ignored)
    before = signal.getsignal(signal.SIGINT)
    rc = cli.run_command("features", command)
    err = capsys.readouterr().err
    assert rc == 130
    assert "interrupted" in err and "Traceback" not in err and "internal error" not in err
    assert signal.getsignal(signal.SIGINT) is before  # restored


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_ctrl_c_during_a_cold_compile_exits_130(wing, tmp_path):
    """A real process with empty kernel caches, its stderr a terminal: SIGINT as
    soon as the display says it compiles."""
    import pty
    import select

    env = _env(GEOMKIT_CACHE=str(tmp_path / "cache"), NUMBA_CACHE_DIR=str(tmp_path / "nb"))
    m, s = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "geomkit.cli", "features", str(wing), "-o",
                          str(tmp_path / "w.npz")], env=env, stderr=s,
                         stdout=subprocess.DEVNULL)
    os.close(s)
    buf, sent, t0 = b"", False, time.monotonic()
    try:
        while time.monotonic() - t0 < 120:
            r, _, _ = select.select([m], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(m, 4096)
                except OSError:
                    break
                buf += chunk
                if not sent and b"compiling (first run compiles, later runs are cached)" in buf:
                    p.send_signal(signal.SIGINT)
                    sent = True
            elif p.poll() is not None:
                break
        rc = p.wait(timeout=60)
    finally:
        os.close(m)
        if p.poll() is None:
            p.kill()
    text = buf.decode(errors="replace")
    assert sent, f"never showed the compile stage: {text!r}"
    assert rc == 130, text
    assert "Traceback" not in text and "internal error" not in text
    assert "geomkit features: interrupted" in text
    assert not (tmp_path / "w.npz").exists()
    assert not list(tmp_path.glob(".tmp-*"))


# -- (5) info: several inputs, directories, globs; broken pipes ------------------------
def test_info_goes_on_past_bad_inputs_and_expands_specs(wing, tmp_path, capsys):
    bad = tmp_path / "bad.stl"
    bad.write_bytes(b"solid x\nnonsense\n")
    d = tmp_path / "dir"
    d.mkdir()
    (d / "w.xyz").write_bytes(wing.read_bytes())
    rc = cli.main(["info", str(bad), str(tmp_path / "missing.obj"), str(d),
                   str(wing.parent / "*.xyz")])
    out, err = capsys.readouterr()
    assert rc == 2
    assert "bad.stl" in err and "missing.obj" in err
    assert out.count("structured grid") == 2  # the directory's file and the glob's
    assert str(d / "w.xyz") in out and str(wing) in out


def test_info_into_a_closed_pipe_is_quiet(wing):
    p = subprocess.Popen([sys.executable, "-m", "geomkit.cli", "info", *[str(wing)] * 400],
                         env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.readline()
    p.stdout.close()  # `| head -n 1`
    err = p.stderr.read().decode()
    rc = p.wait(timeout=120)
    assert rc == 141, err
    assert err == "", err


# -- (9) help and version ----------------------------------------------------------------
def test_help_describes_the_tool_and_version_is_there(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "Gaussian, mean and principal curvatures" in out
    assert "first run compiles" in out and "geomkit features" in out
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"geomkit {gk.__version__}"


# -- (1) stages on a terminal, nothing in a pipe or with -q ----------------------------
class _Tty:
    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def test_stage_display_shows_each_stage_on_a_terminal(wing, tmp_path, monkeypatch, capsys):
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    assert cli.main(["features", str(wing), "-o", str(tmp_path / "w.npz")]) == 0
    seen = [x.split(": ", 1)[1].split()[0] for x in tty.text.split("\r") if ": " in x]
    stages = [s for s in dict.fromkeys(seen) if s != "compiling"]  # compiling: if not cached
    assert stages == ["reading", "computing", "writing"], seen
    assert tty.text.endswith("\r")  # the line is cleared at the end
    assert "structured, 297 points" in capsys.readouterr().out


def test_stage_display_compiling_note():
    from geomkit._progress import COMPILE_NOTE, StageDisplay

    tty = _Tty()
    with StageDisplay("job", stream=tty, interval=60) as d:
        d.set_stage("computing")
        d._compile(+1)
        d._compile(+1)  # nested: no redraw
        d._compile(-1)
        d._compile(-1)
    lines = [x for x in tty.text.split("\r") if x.strip()]
    assert [x.split(":")[1].split()[0] for x in lines] == ["computing", "compiling",
                                                          "computing"]
    assert COMPILE_NOTE in lines[1] and COMPILE_NOTE == "first run compiles, later runs are cached"


@pytest.mark.parametrize("quiet", [True, False])
def test_no_display_in_pipes_or_with_q(wing, tmp_path, monkeypatch, capsys, quiet):
    tty = _Tty()
    if not quiet:
        tty.isatty = lambda: False  # a pipe
    monkeypatch.setattr(sys, "stderr", tty)
    args = ["features", str(wing), "-o", str(tmp_path / "w.npz")] + (["-q"] if quiet else [])
    assert cli.main(args) == 0
    assert tty.text == ""


# -- (9) the README's picture: the whole wing, little empty paper ------------------------
def test_plot_is_cropped_to_the_whole_surface(tmp_path):
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    from matplotlib.image import imread

    w = tmp_path / "wing.xyz"
    assert cli.main(["demo-wing", "-o", str(w), "--ni", "65", "--nj", "17"]) == 0
    out = tmp_path / "wing_K.png"
    assert cli.main(["plot", str(w), "--feature", "K", "-o", str(out)]) == 0
    img = imread(out)[..., :3]
    ink = np.argwhere((img < 0.97).any(axis=-1))
    (r0, c0), (r1, c1) = ink.min(axis=0), ink.max(axis=0)
    h, wd = img.shape[:2]
    # nothing touches the border (a cut-off root would), and the margins are thin
    assert r0 > 0 and c0 > 0 and r1 < h - 1 and c1 < wd - 1
    assert (r1 - r0) / h > 0.85 and (c1 - c0) / wd > 0.85


def test_compressed_npz_is_smaller_and_reads_back_the_same(wing, tmp_path):
    from geomkit.mesh import read_features

    a, b = tmp_path / "plain.npz", tmp_path / "small.npz"
    assert cli.main(["features", str(wing), "-o", str(a), "-q"]) == 0
    assert cli.main(["features", str(wing), "-o", str(b), "-q", "--compress"]) == 0
    assert b.stat().st_size < 0.9 * a.stat().st_size
    (Pa, fa), (Pb, fb) = read_features(a), read_features(b)
    assert np.array_equal(Pa, Pb) and fa.keys() == fb.keys()
    assert all(np.array_equal(fa[k], fb[k]) for k in fa)


def test_batch_progress_speaks_before_the_first_file_is_done():
    from geomkit.batch import _Progress

    tty = _Tty()
    bar = _Progress(2, stream=tty)
    assert "0/2" in tty.text and "first run compiles, later runs are cached" in tty.text
    bar.step({"status": "ok"})
    bar.step({"status": "failed"})
    last = tty.text.split("\r")[-1]
    assert "2/2 failed 1" in last and "first run" not in last and last.endswith("\n")
    quiet = _Tty()
    quiet.isatty = lambda: False
    _Progress(2, stream=quiet).step({"status": "ok"})
    assert quiet.text == ""


# -- (10) start-up: a kernel compiled before loads by name and version, without sympy ----
def test_lower_records_and_indexed_finds_by_name_and_version():
    u, v = sp.symbols("u v")
    assert _indexed("startup_demo", "v1-absent") is None
    k = gk.lower({"q": u * v + 1}, [u, v], name="startup_demo", version="v1")
    again = _indexed("startup_demo", "v1")
    assert again is not None and again.path == k.path and again.inputs == ("u", "v")
    x = np.linspace(0.0, 1.0, 5)
    assert np.array_equal(again(u=x, v=2 * x)["q"], 2 * x * x + 1)
    assert _indexed("startup_demo", "v2") is None  # another version is another formula


def test_a_cached_kernel_loads_without_sympy(tmp_path):
    wing = tmp_path / "wing.xyz"
    assert cli.main(["demo-wing", "-o", str(wing), "--ni", "17", "--nj", "9"]) == 0
    from geomkit.mesh.formulas import surface_kernel

    surface_kernel()  # generated (and indexed) now, or found in the index already
    cmd = [sys.executable, "-X", "importtime", "-m", "geomkit.cli", "features", str(wing),
           "-o", str(tmp_path / "w.npz"), "-q"]
    second = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in second.stderr.splitlines()
                if line.startswith("import time:")]
    assert "numba" in imported  # the run did load its kernel
    assert not [m for m in imported if m == "sympy" or m.startswith("sympy.")]


def test_codegen_package_imports_without_sympy():
    code = "import sys, geomkit.codegen, geomkit.mesh.formulas; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                         text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr


def test_warnings_are_one_line_naming_the_command(capsys):
    import warnings

    def work():
        warnings.warn("merged duplicate vertices disagree in point data 'cp1'", stacklevel=1)
        return 0

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        before = warnings.showwarning
        assert cli.run_command("features", work) == 0
        assert warnings.showwarning is before  # restored for the caller
    err = capsys.readouterr().err
    assert err == "geomkit features: warning: merged duplicate vertices disagree in point " \
                  "data 'cp1'\n"
