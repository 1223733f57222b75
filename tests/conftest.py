"""Suite-wide set-up.

Compiled kernels go to one temporary cache for the whole run (shared by every
test and example subprocess) so that the user's cache is never touched and
each kernel compiles once per run.
"""

import os
import shutil
import tempfile

_OWN_CACHE = None


def pytest_configure(config):
    global _OWN_CACHE
    if "GEOMKIT_CACHE" not in os.environ:
        _OWN_CACHE = tempfile.mkdtemp(prefix="geomkit-test-cache-")
        os.environ["GEOMKIT_CACHE"] = _OWN_CACHE


def pytest_unconfigure(config):
    if _OWN_CACHE:
        os.environ.pop("GEOMKIT_CACHE", None)
        shutil.rmtree(_OWN_CACHE, ignore_errors=True)
