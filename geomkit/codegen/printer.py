"""Printer from sympy expressions to plain scalar Python that numba compiles.

Every number becomes a float literal of the kernel's dtype, integer powers become
multiplications (``x**3 -> x*x*x``, ``x**-2 -> 1.0/(x*x)``), half-integer powers use
``math.sqrt``, and functions map to ``math`` (or ``numpy`` scalar) calls.  Anything
else raises :class:`~geomkit.LoweringError` naming the function, before any code is
written.
"""

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from ..errors import LoweringError

__all__ = ["KernelPrinter", "SUPPORTED_FUNCTIONS", "check_supported"]

# sympy function class name -> python/numba callable printed for it
_MATH = {
    "sin": "math.sin",
    "cos": "math.cos",
    "tan": "math.tan",
    "asin": "math.asin",
    "acos": "math.acos",
    "atan": "math.atan",
    "atan2": "math.atan2",
    "sinh": "math.sinh",
    "cosh": "math.cosh",
    "tanh": "math.tanh",
    "asinh": "math.asinh",
    "acosh": "math.acosh",
    "atanh": "math.atanh",
    "exp": "math.exp",
    "log": "math.log",
    "erf": "math.erf",
    "erfc": "math.erfc",
    "gamma": "math.gamma",
    "loggamma": "math.lgamma",
    "floor": "math.floor",
    "ceiling": "math.ceil",
}
# functions printed by dedicated methods below
_SPECIAL = {"Abs", "sign", "Min", "Max", "Piecewise", "sec", "csc", "cot", "Heaviside"}
SUPPORTED_FUNCTIONS = frozenset(_MATH) | _SPECIAL

# atoms that are not functions but are fine
_OK_ATOMS = (sp.Symbol, sp.Number, sp.NumberSymbol, sp.logic.boolalg.BooleanAtom)


def check_supported(nodes, where=None):
    """Raise :class:`LoweringError` on the first node a kernel cannot evaluate.

    ``nodes`` is an iterable of expression nodes (e.g. every distinct node of an
    output); ``where`` names the output in the message.
    """
    for node in nodes:
        if isinstance(node, sp.Function):
            name = type(node).__name__
            if name not in SUPPORTED_FUNCTIONS:
                out = f" (output {where!r})" if where is not None else ""
                raise LoweringError(
                    f"function {name!r}{out} cannot be lowered to a numeric kernel; "
                    f"supported: {', '.join(sorted(SUPPORTED_FUNCTIONS))}"
                )
        elif node is sp.I or isinstance(node, sp.Number) and not node.is_real:
            if node in (sp.oo, -sp.oo, sp.zoo, sp.nan):
                continue
            raise LoweringError(f"complex number {node} cannot be lowered to a real kernel")
        elif isinstance(node, (sp.Integral, sp.Sum, sp.Product, sp.Limit, sp.Subs)):
            raise LoweringError(
                f"{type(node).__name__} cannot be lowered (evaluate it with .doit() first)"
            )
        elif isinstance(node, sp.Derivative):
            raise LoweringError(
                f"derivative {node} of a known expression cannot be lowered "
                "(call .doit() first); only derivatives of undefined functions become inputs"
            )


def float_literal(v):
    """Python text of a float64 constant (``math.inf``/``math.nan`` for the specials)."""
    v = float(v)
    if v != v:
        return "math.nan"
    if v in (float("inf"), float("-inf")):
        return "math.inf" if v > 0 else "(-math.inf)"
    return repr(v)


class KernelPrinter(PythonCodePrinter):
    """Scalar-code printer for numba kernels.

    ``literal(value)`` is called for every number and returns the text to print;
    the default prints float64 literals.  Float32 kernels pass a hook that
    registers module-level ``np.float32`` constants instead, so arithmetic stays
    in single precision.
    """

    printmethod = "_geomkit_kernel"
    max_unrolled_power = 16

    def __init__(self, literal=None):
        super().__init__({"fully_qualified_modules": True, "standard": "python3"})
        self._literal = literal or float_literal

    # -- numbers --------------------------------------------------------------
    def _lit(self, v):
        return self._literal(v)

    def _print_Integer(self, expr):
        return self._lit(int(expr))

    def _print_Rational(self, expr):
        return self._lit(float(expr))

    def _print_Float(self, expr):
        return self._lit(float(expr))

    def _print_Half(self, expr):
        return self._lit(0.5)

    _print_One = _print_Zero = _print_NegativeOne = _print_Integer

    def _print_NumberSymbol(self, expr):
        return self._lit(float(expr))

    _print_Pi = _print_Exp1 = _print_EulerGamma = _print_GoldenRatio = _print_NumberSymbol

    def _print_Infinity(self, expr):
        return self._lit(float("inf"))

    def _print_NegativeInfinity(self, expr):
        return self._lit(float("-inf"))

    def _print_NaN(self, expr):
        return self._lit(float("nan"))

    _print_ComplexInfinity = _print_NaN

    # -- powers ---------------------------------------------------------------
    def _ipow(self, base, n):
        """``base**n`` for an integer ``n >= 1`` as a product (``base`` already printed)."""
        if n == 1:
            return base
        if n > self.max_unrolled_power:
            return f"{base}**{n}"
        if n % 2:
            return f"{self._ipow(base, n - 1)}*{base}"
        h = self._ipow(base, n // 2)
        return f"{h}*{h}" if n == 2 else f"({h})*({h})"

    def _print_Pow(self, expr, rational=False):
        b, e = expr.as_base_exp()
        bs = self.parenthesize(b, sp.printing.precedence.PRECEDENCE["Mul"] + 1)
        one = self._lit(1.0)
        if e.is_Integer:
            n = int(e)
            if n == 0:
                return one
            p = self._ipow(bs, abs(n))
            if n > 0:
                return p if n == 1 else f"({p})"
            return f"({one}/{p})" if abs(n) == 1 else f"({one}/({p}))"
        if e.is_Rational and e.q == 2:
            n = int(e.p)
            root = f"math.sqrt({self._print(b)})"
            p = root if abs(n) == 1 else f"({self._ipow(bs, abs(n) // 2)}*{root})"
            return p if n > 0 else f"({one}/{p})"
        return f"{bs}**{self.parenthesize(e, sp.printing.precedence.PRECEDENCE['Pow'])}"

    def _print_exp(self, expr):
        return f"math.exp({self._print(expr.args[0])})"

    # -- functions ------------------------------------------------------------
    def _print_Function(self, expr):
        name = type(expr).__name__
        if name in _MATH:
            if name in ("floor", "ceiling"):
                return f"{self._lit(0.0)} + {_MATH[name]}({self._print(expr.args[0])})"
            return f"{_MATH[name]}({', '.join(self._print(a) for a in expr.args)})"
        raise LoweringError(f"function {name!r} cannot be lowered to a numeric kernel")

    for _n in _MATH:
        locals()[f"_print_{_n}"] = _print_Function
    del _n

    def _print_log(self, expr):
        if len(expr.args) != 1:
            return f"(math.log({self._print(expr.args[0])})/math.log({self._print(expr.args[1])}))"
        return f"math.log({self._print(expr.args[0])})"

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"

    def _print_sign(self, expr):
        a = self._print(expr.args[0])
        z = self._lit(0.0)
        return f"({z} if {a} == {z} else math.copysign({self._lit(1.0)}, {a}))"

    def _print_Heaviside(self, expr):
        a = self._print(expr.args[0])
        h0 = expr.args[1] if len(expr.args) > 1 else sp.S.Half
        return (
            f"({self._lit(1.0)} if {a} > 0 else ({self._print(h0)} if {a} == 0 "
            f"else {self._lit(0.0)}))"
        )

    def _minmax(self, fn, args):
        out = self._print(args[0])
        for a in args[1:]:
            out = f"{fn}({out}, {self._print(a)})"
        return out

    def _print_Min(self, expr):
        return self._minmax("min", expr.args)

    def _print_Max(self, expr):
        return self._minmax("max", expr.args)

    def _print_sec(self, expr):
        return f"({self._lit(1.0)}/math.cos({self._print(expr.args[0])}))"

    def _print_csc(self, expr):
        return f"({self._lit(1.0)}/math.sin({self._print(expr.args[0])}))"

    def _print_cot(self, expr):
        return f"({self._lit(1.0)}/math.tan({self._print(expr.args[0])}))"

    def _print_Piecewise(self, expr):
        out = self._lit(float("nan"))  # no branch applies: undefined, like sympy's nan
        for val, cond in reversed(expr.args):
            if cond == sp.true:
                out = self._print(val)
            else:
                out = f"({self._print(val)} if {self._print(cond)} else {out})"
        return out

    def _print_BooleanTrue(self, expr):
        return "True"

    def _print_BooleanFalse(self, expr):
        return "False"

    def emptyPrinter(self, expr):
        raise LoweringError(f"{type(expr).__name__} {expr} cannot be lowered to a numeric kernel")
