r"""LaTeX display of geomkit objects, through sympy's printing protocol.

Each displayable class defines ``_latex(self, printer)`` -- the method sympy's
LaTeX printer looks for -- so ``sp.latex(obj)``, ``sp.init_printing()`` and
objects nested in tuples, lists and sympy containers all print the same way;
the one IPython hook, :func:`repr_latex`, wraps that in ``$...$``.  The output
sticks to the subset of LaTeX that matplotlib's mathtext also renders (no
environments), so it shows in notebooks, Sphinx pages and plot labels alike.
Indices are shown from 1, as in the formulas of the documentation.

sympy is imported only when something is printed.
"""

__all__ = ["LatexDisplay", "repr_latex", "latex_name", "latex_fields", "add_display",
           "FormTuple"]


def repr_latex(obj):
    """IPython's ``_repr_latex_`` for every geomkit type: ``$`` + ``sp.latex(obj)`` + ``$``."""
    import sympy as sp

    return "$\\displaystyle " + sp.latex(obj) + "$"


class LatexDisplay:
    """Mixin giving ``_repr_latex_`` to a class that defines ``_latex(printer)``."""

    __slots__ = ()

    def _repr_latex_(self):
        return repr_latex(self)


def latex_name(name):
    r"""A Python identifier as upright LaTeX text (``axial_form`` -> ``\mathrm{axial\_form}``)."""
    return r"\mathrm{" + str(name).replace("_", r"\_") + "}"


def _index(idx, n):
    sep = "," if n > 9 else ""
    return sep.join(str(i + 1) for i in idx)


def latex_value(v, printer, label):
    """``label = value``: forms and scalars as themselves; nested tuples and sympy
    arrays as their nonzero entries ``label_{abc} = value``."""
    import sympy as sp

    if isinstance(v, (tuple, list)) and not hasattr(v, "_latex") or isinstance(v, sp.NDimArray):
        arr = sp.Array(v) if not isinstance(v, sp.NDimArray) else v
        if arr.rank() == 0:
            return f"{label} = {printer._print(arr[()])}"
        n = max(arr.shape)
        entries = [(idx, arr[idx]) for idx in _indices(arr.shape)]
        shown = [f"{label}_{{{_index(idx, n)}}} = {printer._print(x)}"
                 for idx, x in entries if x != 0]
        return r",\ ".join(shown) if shown else f"{label} = 0"
    if isinstance(v, dict):
        return f"{label} = " + r",\ ".join(
            f"{latex_name(k)}: {printer._print(sp.sympify(x, strict=False))}"
            for k, x in v.items())
    if isinstance(v, str):
        return f"{label} = {latex_name(v)}"
    return f"{label} = {printer._print(v)}"


def _indices(shape):
    import itertools

    return itertools.product(*(range(k) for k in shape))


def latex_fields(self, printer):
    """``_latex`` of a named tuple: its fields, ``name = value``, side by side."""
    return r",\quad ".join(latex_value(getattr(self, k), printer, latex_name(k))
                           for k in self._fields)


def add_display(*classes):
    """Give named-tuple classes (which take no mixin) ``_latex`` and ``_repr_latex_``."""
    for cls in classes:
        cls._latex = latex_fields
        cls._repr_latex_ = repr_latex


class FormTuple(tuple, LatexDisplay):
    r"""A (nested) tuple of forms that displays with its symbol, e.g. the torsion
    ``T^a`` as :math:`T^{1} = \dots`; otherwise a plain tuple (equal to one)."""

    def __new__(cls, items, symbol="", positions="^"):
        t = super().__new__(cls, items)
        t.symbol, t.positions = symbol, positions
        return t

    def _latex(self, printer):
        symbol, pos = getattr(self, "symbol", ""), getattr(self, "positions", "^")
        n = len(self)
        shown = [f"{_label(symbol, pos, idx, n)} = {printer._print(x)}"
                 for idx, x in _walk(self, ()) if x != 0]
        return r",\ ".join(shown) if shown else f"{symbol or '0'} = 0"


def _walk(x, idx):
    if isinstance(x, tuple):
        for i, y in enumerate(x):
            yield from _walk(y, idx + (i,))
    else:
        yield idx, x


def _label(symbol, positions, idx, n):
    """``T^{1}``, ``R^{1}{}_{2}``, ``Q_{12}``: one position character per index."""
    out = symbol
    k = 0
    while k < len(idx):
        p = positions[min(k, len(positions) - 1)]
        group = [idx[k]]
        while k + 1 < len(idx) and positions[min(k + 1, len(positions) - 1)] == p:
            k += 1
            group.append(idx[k])
        out += ("{}" if out and out[-1] == "}" else "") + f"{p}{{{_index(group, n)}}}"
        k += 1
    return out


def latex_frame_metric(eta, printer):
    r"""``\eta = \mathrm{diag}(-1, 1, 1, 1)``, or the nonzero ``\eta_{ab}``."""
    n = eta.shape[0]
    if eta.is_diagonal():
        return r"\eta = \mathrm{diag}\left(" + ", ".join(
            printer._print(eta[i, i]) for i in range(n)) + r"\right)"
    import sympy as sp

    return latex_value(sp.Array(eta.tolist()), printer, r"\eta")


def latex_sum(terms, printer):
    r"""``c_1\, b_1 + c_2\, b_2 ...`` from ``(coefficient, basis LaTeX)`` pairs: unit
    coefficients dropped, a sum in parentheses, signs folded into the joins."""
    import sympy as sp
    from sympy.printing.precedence import PRECEDENCE

    parts = []
    for c, b in terms:
        c = sp.sympify(c)
        neg = c.could_extract_minus_sign()
        a = -c if neg else c
        body = b if a == 1 else printer.parenthesize(a, PRECEDENCE["Mul"], strict=True) + r"\, " + b
        parts.append(("- " if neg else "+ ") + body)
    if not parts:
        return "0"
    out = " ".join(parts)
    return out[2:] if out.startswith("+ ") else "-" + out[2:]
