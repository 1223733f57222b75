"""Exception types of geomkit.

Every error a user can provoke with bad input is a :class:`GeomkitError`; the
message names what is wrong, where, and (when there is one) the fix.
"""

__all__ = [
    "GeomkitError",
    "ChartError",
    "DegreeError",
    "DimensionError",
    "DegenerateMetricError",
    "SingularCoframeError",
    "BkFormError",
    "LoweringError",
    "KernelInputError",
    "NumericalError",
    "MeshError",
]


class GeomkitError(Exception):
    """Base class of every error geomkit raises on purpose."""


class ChartError(GeomkitError, ValueError):
    """Objects living on different charts were combined, or a chart is malformed."""


class DegreeError(GeomkitError, ValueError):
    """A form degree is out of range for the operation or the chart."""


class DimensionError(GeomkitError, ValueError):
    """A vector, matrix or array has the wrong length or shape."""


class DegenerateMetricError(GeomkitError, ValueError):
    """A metric (or frame metric) is singular, so it cannot raise indices."""


class SingularCoframeError(GeomkitError, ValueError):
    """A coframe's 1-forms are linearly dependent (det E = 0)."""


class BkFormError(GeomkitError, ValueError):
    """An expression is not a b^k form (a pole of too high order along Z)."""


class LoweringError(GeomkitError, ValueError):
    """A sympy expression cannot be turned into a numeric kernel."""


class KernelInputError(GeomkitError, ValueError):
    """Arrays passed to a compiled kernel are missing, mis-shaped or of the wrong dtype."""


class NumericalError(GeomkitError, FloatingPointError):
    """A numeric result is NaN or infinite where the caller asked for a check."""


class MeshError(GeomkitError, ValueError):
    """A mesh file or mesh array is malformed, empty, degenerate or unsupported."""
