"""Atomic file output: a temporary file beside the target, renamed over it.

Readers never see a half-written file, a failed write leaves the old file (or
none) and no temporary behind, and the result gets the permissions of a plain
``open(path, 'w')`` -- ``0666`` less the umask -- rather than ``mkstemp``'s
private ``0600``, so results on a shared file system stay readable by others.
"""

import contextlib
import os
import tempfile

__all__ = ["atomic_path", "atomic_write", "current_umask", "check_output_folder"]


def current_umask():
    """The process umask, read without changing it where the OS allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # no side-effect-free query elsewhere: set and restore
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path, suffix=None, exclusive=False):
    """Yield a temporary path in ``path``'s folder; on success it becomes ``path``.

    The body writes the temporary file (by name, e.g. with a library writer).
    With ``exclusive`` an existing ``path`` is kept (hard link instead of
    rename): the first of two concurrent writers wins and the file never
    changes under a reader.  On any exception the temporary file is removed.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-",
                               suffix=os.path.basename(path) if suffix is None else suffix)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~current_umask())
        if exclusive:
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            except OSError:  # no hard links on this file system
                os.replace(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextlib.contextmanager
def atomic_write(path, mode="wb", encoding=None, exclusive=False, suffix=None):
    """Yield a file object open on a temporary file that replaces ``path`` when
    the block ends without an exception (see :func:`atomic_path`).

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), 'a.txt')
    >>> with atomic_write(p, 'w') as f:
    ...     _ = f.write('hello')
    >>> open(p).read(), oct(os.stat(p).st_mode & 0o777) == oct(0o666 & ~current_umask())
    ('hello', True)
    """
    with atomic_path(path, suffix=suffix, exclusive=exclusive) as tmp:
        with open(tmp, mode, encoding=encoding) as f:
            yield f


def check_output_folder(path):
    """Raise :class:`geomkit.MeshError` naming ``path`` when the folder it would
    be written to does not exist (the message a user can act on, instead of a
    ``FileNotFoundError`` from deep inside a writer)."""
    from .errors import MeshError

    d = os.path.dirname(os.path.abspath(os.fspath(path)))
    if not os.path.isdir(d):
        raise MeshError(f"{os.fspath(path)}: output directory {d} does not exist")
