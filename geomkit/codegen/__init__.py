"""Lowering: sympy expressions -> generated Python source -> cached, parallel numba kernels.

See :func:`lower` and ``docs/lowering.md``.  numba is imported only when a
kernel module is loaded.
"""

from .kernel import Kernel, lower

__all__ = ["lower", "Kernel"]
