"""On-disk cache of generated kernel sources.

A kernel's source file is named after a hash of the *sympy input* (output names,
expressions, input and parameter symbols, options), so a second ``gk.lower`` of
the same formula -- in this process or another -- skips function replacement,
CSE and printing, and numba's ``cache=True`` finds its compiled machine code in
the ``__pycache__`` folder next to the file.

Location: ``$GEOMKIT_CACHE`` when set, else the per-user cache directory
(``$XDG_CACHE_HOME/geomkit`` or ``~/.cache/geomkit`` on Linux,
``~/Library/Caches/geomkit`` on macOS, ``%LOCALAPPDATA%\\geomkit\\Cache`` on
Windows); kernels live in its ``kernels/`` subfolder.
"""

import hashlib
import importlib.util
import os
import sys

from .._io import atomic_write

__all__ = ["cache_dir", "kernel_dir", "source_key", "write_atomic", "import_source"]


def cache_dir():
    """The geomkit cache directory (not created)."""
    env = os.environ.get("GEOMKIT_CACHE")
    if env:
        return os.path.abspath(os.path.expanduser(env))
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        return os.path.join(base, "geomkit", "Cache")
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Caches/geomkit")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "geomkit")


def kernel_dir():
    """Folder of generated kernel sources (created on demand)."""
    path = os.path.join(cache_dir(), "kernels")
    os.makedirs(path, exist_ok=True)
    return path


def source_key(parts):
    """Hex SHA-256 of an iterable of strings (each length-prefixed, so no two
    different lists collide by concatenation)."""
    h = hashlib.sha256()
    for p in parts:
        b = p.encode()
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def write_atomic(path, text, exclusive=False):
    """Write ``text`` to ``path`` through a temporary file and an atomic rename.

    With ``exclusive``, an existing ``path`` is kept (hard link instead of
    rename): when two processes generate the same kernel at once, the first
    file wins and its modification time -- which numba's cache index records --
    never changes under the other.
    """
    with atomic_write(path, "w", encoding="utf-8", exclusive=exclusive, suffix=".py") as f:
        f.write(text)


def import_source(path, module_name):
    """Import the module at ``path`` under ``module_name`` (registered in ``sys.modules``,
    which numba's cache locator needs to find the file again)."""
    mod = sys.modules.get(module_name)
    if mod is not None and getattr(mod, "__file__", None) == path:
        return mod
    spec = importlib.util.spec_from_file_location(module_name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = mod
    try:
        spec.loader.exec_module(mod)
    except BaseException:
        del sys.modules[module_name]
        raise
    return mod
