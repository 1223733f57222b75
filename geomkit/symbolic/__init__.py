"""Symbolic layer: charts, exterior forms, metrics, coframes, connections.

Only sympy is imported here (galgebra only inside :mod:`geomkit.symbolic.ga`).
"""

from .chart import Chart, VectorField, bracket
from .forms import Form, d, interior, lie, pullback, wedge
from .metric import Metric
from .simplify import STRATEGIES, simplify_expr

__all__ = [
    "Chart",
    "VectorField",
    "bracket",
    "Form",
    "wedge",
    "d",
    "interior",
    "lie",
    "pullback",
    "Metric",
    "STRATEGIES",
    "simplify_expr",
]
