"""geomkit: exact differential geometry, lowered to fast numeric kernels.

Three layers (see ``docs/architecture.md``):

* :mod:`geomkit.symbolic` -- charts, exterior forms, metrics, coframes,
  connections, structure equations, b^k forms, variational derivatives (sympy);
* :mod:`geomkit.codegen` -- :func:`geomkit.lower` turns sympy expressions into
  cached, parallel numba kernels;
* :mod:`geomkit.mesh` -- per-vertex metric, connection and curvature of
  surfaces read from mesh files.

Names are imported lazily so that ``import geomkit`` stays fast; sympy, numba
and meshio are loaded on first use.

>>> import geomkit as gk
>>> c = gk.Chart('x y z')
>>> dx, dy, dz = c.dx
>>> gk.d(c.coords[0] * c.coords[1] * dz)
y*dx^dz + x*dy^dz
"""

from importlib import import_module

from .errors import (  # noqa: F401  (cheap, no heavy imports)
    BkFormError,
    ChartError,
    DegenerateMetricError,
    DegreeError,
    DimensionError,
    GeomkitError,
    KernelInputError,
    LoweringError,
    MeshError,
    NumericalError,
    SingularCoframeError,
)

__version__ = "0.1.0"

# public name -> module that defines it (imported on first attribute access)
_LAZY = {
    # charts, forms, vector fields, metrics
    "Chart": "geomkit.symbolic.chart",
    "VectorField": "geomkit.symbolic.chart",
    "bracket": "geomkit.symbolic.chart",
    "Form": "geomkit.symbolic.forms",
    "wedge": "geomkit.symbolic.forms",
    "d": "geomkit.symbolic.forms",
    "interior": "geomkit.symbolic.forms",
    "lie": "geomkit.symbolic.forms",
    "pullback": "geomkit.symbolic.forms",
    "Metric": "geomkit.symbolic.metric",
    # frames, connections, structure equations, coordinate views
    "Coframe": "geomkit.symbolic.frames",
    "Connection": "geomkit.symbolic.connection",
    "levi_civita": "geomkit.symbolic.connection",
    "christoffel": "geomkit.symbolic.curvature",
    "riemann": "geomkit.symbolic.curvature",
    "ricci": "geomkit.symbolic.curvature",
    "ricci_scalar": "geomkit.symbolic.curvature",
    "einstein": "geomkit.symbolic.curvature",
    "weyl": "geomkit.symbolic.curvature",
    "kretschmann": "geomkit.symbolic.curvature",
    "torsion_pieces": "geomkit.symbolic.decompose",
    "nonmetricity_pieces": "geomkit.symbolic.decompose",
    # teleparallel geometry and variational calculus
    "weitzenbock": "geomkit.symbolic.teleparallel",
    "coincident_gauge": "geomkit.symbolic.teleparallel",
    "teleparallel": "geomkit.symbolic.teleparallel",
    "nonmetricity_scalar": "geomkit.symbolic.teleparallel",
    "curvature_split": "geomkit.symbolic.teleparallel",
    "field_equations": "geomkit.symbolic.variational",
    "hodge_variation": "geomkit.symbolic.variational",
    "torsion_scalar": "geomkit.symbolic.teleparallel",
    "torsion_trace_vector": "geomkit.symbolic.teleparallel",
    "is_flat": "geomkit.symbolic.teleparallel",
    "check_flat": "geomkit.symbolic.teleparallel",
    "divergence": "geomkit.symbolic.teleparallel",
    "tegr": "geomkit.symbolic.variational",
    "new_gr": "geomkit.symbolic.variational",
    "maxwell": "geomkit.symbolic.variational",
    "to_components": "geomkit.symbolic.variational",
    "from_components": "geomkit.symbolic.variational",
    "einstein_hilbert": "geomkit.symbolic.field_theories",
    "einstein_cartan": "geomkit.symbolic.field_theories",
    "f_T": "geomkit.symbolic.field_theories",
    "f_Q": "geomkit.symbolic.field_theories",
    "quadratic_teleparallel": "geomkit.symbolic.field_theories",
    "in_terms_of": "geomkit.symbolic.field_theories",
    "minisuperspace": "geomkit.symbolic.minisuperspace",
    "perfect_fluid": "geomkit.symbolic.minisuperspace",
    # b^k geometry
    "BkChart": "geomkit.symbolic.bk",
    "BkForm": "geomkit.symbolic.bk",
    "BkVectorField": "geomkit.symbolic.bk",
    # lowering to numba
    "lower": "geomkit.codegen",
    "Kernel": "geomkit.codegen",
}

_SUBMODULES = {"symbolic", "codegen", "mesh", "batch", "defects", "plot", "cli", "errors",
               "learn", "aero"}

__all__ = sorted(set(_LAZY) | _SUBMODULES | {"GeomkitError"})


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return import_module(f"geomkit.{name}")
    raise AttributeError(f"module 'geomkit' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
