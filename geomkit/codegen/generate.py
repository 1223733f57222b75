"""From sympy outputs to the Python source of a numba kernel.

Pipeline (each step a function, so it can be read and tested on its own):

1. :func:`flatten_outputs` -- mapping / Matrix / Form / list -> named expressions;
2. :func:`replace_functions` -- undefined functions of the coordinates and their
   derivatives (``f(u, v)``, ``Derivative(f(u, v), u, v)``) -> per-point input
   symbols named ``f``, ``f_uv``;
3. :func:`plan` -- CSE over all outputs together, non-atomic bases of integer
   powers bound to temporaries (so ``x**3`` prints as ``t*t*t``), statements split
   into parts of bounded size;
4. :func:`render` -- the module text: one ``prange`` loop over points that loads
   the inputs, calls the parts (plain ``@njit`` functions) and stores the outputs.

Splitting the statement list into parts keeps LLVM's optimisation time -- which
grows faster than linearly with the size of one function -- bounded for large
formulas, while CSE stays global: values shared between parts are passed along
as arguments and returned as tuples.
"""

import hashlib
import re
from collections.abc import Mapping

import sympy as sp
from sympy.core.function import AppliedUndef

from ..errors import LoweringError
from .printer import KernelPrinter, check_supported, float_literal

__all__ = [
    "flatten_outputs",
    "replace_functions",
    "derivative_name",
    "plan",
    "render",
    "unique_nodes",
    "dag_replace",
    "fingerprint",
    "rebuild",
]

GENERATOR_VERSION = "3"
BLOCK = 1024  # points per task of the parallel loop
# Formulas up to this many operations (after CSE) sit directly in the prange body:
# they compile quickly that way and run ~15% faster than through `block`
# (measured on the graph-surface workload); larger ones go through `block`.
INLINE_OPS = 1000


# -- expression DAGs -----------------------------------------------------------------
# Curvature formulas share subtrees heavily: walking them as trees (``atoms``,
# ``free_symbols``, ``xreplace``, ``srepr``) visits millions of nodes where the DAG
# has thousands, so every pass here visits each distinct node object once.
def unique_nodes(exprs):
    """Distinct nodes of the expressions, children before parents."""
    seen, order = set(), []
    for root in exprs:
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if id(a) not in seen)
    return order


def dag_replace(exprs, mapping):
    """``[e.xreplace(mapping) for e in exprs]``, visiting each distinct node once."""
    memo = {}
    for node in unique_nodes(exprs):
        if node in mapping:
            memo[id(node)] = mapping[node]
        elif node.args:
            args = tuple(memo[id(a)] for a in node.args)
            if all(a is b for a, b in zip(args, node.args)):
                memo[id(node)] = node
            else:
                memo[id(node)] = rebuild(node, args)
        else:
            memo[id(node)] = node
    return [memo[id(e)] for e in exprs]


def _atom_text(node):
    if isinstance(node, sp.Symbol):
        return f"{type(node).__name__}:{node.name}"
    if isinstance(node, sp.Float):
        return f"Float:{node._mpf_!r}"
    if isinstance(node, sp.Rational):
        return f"Rational:{node.p}/{node.q}"
    return sp.srepr(node)


def fingerprint(exprs):
    """A process-independent digest of the expressions' structure (for cache keys).

    Each node's digest hashes its class and its children's digests (atoms:
    their value), so equal subtrees give equal digests whether or not sympy
    made them one shared object -- sharing depends on the state of sympy's
    cache, which differs between processes.  Linear in the size of the DAG.
    """
    digests = {}
    for node in unique_nodes(exprs):
        if node.args:
            cls = type(node)
            name = cls.__name__ if not isinstance(node, AppliedUndef) else f"F:{cls.__name__}"
            text = name + "(" + ",".join(digests[id(a)] for a in node.args) + ")"
        else:
            text = _atom_text(node)
        digests[id(node)] = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return "roots " + " ".join(digests[id(e)] for e in exprs)


# -- 1. outputs --------------------------------------------------------------------
def _form_class():
    from ..symbolic.forms import Form

    return Form


def flatten_outputs(outputs):
    """Named scalar expressions ``[(name, expr), ...]`` from the ``outputs`` of ``lower``.

    * mapping ``name -> expr``: the names as given;
    * :class:`~geomkit.Form` of degree p: ``c_i_j`` for the component on the
      increasing index tuple ``(i, j)``, ``c`` for a 0-form (only stored, i.e.
      nonzero, components);
    * sympy ``Matrix`` / N-dim array: ``m_i_j`` (``a_i_j_k`` for arrays);
    * list / tuple (may be nested): ``out_i`` (``out_i_j``);
    * a single expression: ``out``.

    >>> import sympy as sp
    >>> x = sp.Symbol('x')
    >>> flatten_outputs(sp.Matrix([[x, 1], [0, x**2]]))
    [('m_0_0', x), ('m_0_1', 1), ('m_1_0', 0), ('m_1_1', x**2)]
    >>> flatten_outputs([x, [2*x, 3]])
    [('out_0', x), ('out_1_0', 2*x), ('out_1_1', 3)]
    """
    Form = _form_class()
    if isinstance(outputs, Mapping):
        items = [(k, v) for k, v in outputs.items()]
        for k, _ in items:
            if not isinstance(k, str) or not k:
                raise LoweringError(f"output names must be non-empty strings, got {k!r}")
    elif isinstance(outputs, Form):
        items = [
            ("_".join(["c", *map(str, idx)]), v) for idx, v in sorted(outputs.components.items())
        ]
    elif isinstance(outputs, sp.MatrixBase):
        items = [
            (f"m_{i}_{j}", outputs[i, j])
            for i in range(outputs.rows)
            for j in range(outputs.cols)
        ]
    elif isinstance(outputs, sp.NDimArray):
        import itertools

        items = [
            ("_".join(["a", *map(str, idx)]), outputs[idx])
            for idx in itertools.product(*map(range, outputs.shape))
        ]
    elif isinstance(outputs, (list, tuple)):
        items = []

        def walk(prefix, seq):
            for k, v in enumerate(seq):
                if isinstance(v, (list, tuple)):
                    walk(f"{prefix}_{k}", v)
                else:
                    items.append((f"{prefix}_{k}", v))

        walk("out", outputs)
    else:
        items = [("out", outputs)]
    result = []
    for k, v in items:
        try:
            e = sp.sympify(v, strict=True)
        except (sp.SympifyError, TypeError) as err:
            raise LoweringError(f"output {k!r} is not a sympy expression: {v!r}") from err
        if not isinstance(e, sp.Expr):
            raise LoweringError(f"output {k!r} is not a scalar expression: {type(e).__name__}")
        result.append((k, e))
    if not result:
        raise LoweringError("nothing to lower: no outputs")
    return result


# -- 2. undefined functions --------------------------------------------------------
def _check_applied(f):
    if not f.args or not all(isinstance(a, sp.Symbol) for a in f.args):
        raise LoweringError(
            f"{f} is an undefined function evaluated away from the point; only "
            f"f(x1, ..., xn) at plain coordinate symbols can become a per-point input"
        )
    if len(set(f.args)) != len(f.args):
        raise LoweringError(f"{f} repeats a coordinate")


def derivative_name(d):
    """Input name of a derivative of an undefined function.

    The variables are ordered as the function's arguments and joined without a
    separator when all coordinate names are single characters:

    >>> import sympy as sp
    >>> u, v, theta = sp.symbols('u v theta')
    >>> E = sp.Function('E')
    >>> derivative_name(sp.Derivative(E(u, v), v, u))
    'E_uv'
    >>> derivative_name(sp.Derivative(E(u, theta), theta, 2))
    'E_theta_theta'
    """
    f = d.expr
    pos = {a: k for k, a in enumerate(f.args)}
    names = []
    for var, count in sorted(d.variable_count, key=lambda vc: pos[vc[0]]):
        names += [str(var)] * int(count)
    sep = "" if all(len(s) == 1 for s in map(str, f.args)) else "_"
    return f"{f.func.__name__}_{sep.join(names)}"


def _function_symbol(node):
    """(name, node) for an applied undefined function or its derivative."""
    if isinstance(node, sp.Derivative):
        if not isinstance(node.expr, AppliedUndef):
            raise LoweringError(f"cannot lower {node}: call .doit() first")
        _check_applied(node.expr)
        if any(v not in node.expr.args for v in node.variables):
            raise LoweringError(f"{node} differentiates by a variable the function does not take")
        return derivative_name(node)
    _check_applied(node)
    return node.func.__name__


def replace_functions(exprs, declared=()):
    """Replace undefined functions and their derivatives by per-point symbols.

    Returns ``(new_exprs, found)`` where ``found`` is a list of
    ``(name, symbol, original)`` in a deterministic order: first those of
    ``declared`` (as given), then the rest sorted by name.
    """
    table = {}  # original node -> (name, symbol)
    names = {}

    def add(node):
        if node in table:
            return
        name = _function_symbol(node)
        if name in names and names[name] != node:
            raise LoweringError(
                f"two different functions both become input {name!r}: {names[name]} and {node}"
            )
        names[name] = node
        table[node] = (name, sp.Dummy(name, real=True))

    for node in declared:
        add(node)
    n_declared = len(table)
    nodes = unique_nodes(exprs)
    derivs = {d for d in nodes if isinstance(d, sp.Derivative) and isinstance(d.expr, AppliedUndef)}
    for d in sorted(derivs, key=_function_symbol):
        add(d)
    mapping = {k: v[1] for k, v in table.items()}
    if mapping:
        exprs = dag_replace(exprs, mapping)
    funcs = {f for f in unique_nodes(exprs) if isinstance(f, AppliedUndef)}
    for f in sorted(funcs, key=lambda f: f.func.__name__):
        add(f)
    mapping = {k: v[1] for k, v in table.items()}
    if mapping:
        exprs = dag_replace(exprs, mapping)
    items = list(table.items())
    found = [(n, s, node) for node, (n, s) in items[:n_declared]]
    found += sorted(((n, s, node) for node, (n, s) in items[n_declared:]), key=lambda t: t[0])
    return exprs, found


# -- 3. CSE and parts --------------------------------------------------------------
class _Counter:
    def __init__(self, prefix, start=0):
        self.prefix, self.k = prefix, start

    def __iter__(self):
        return self

    def __next__(self):
        s = sp.Symbol(f"{self.prefix}{self.k}", real=True)
        self.k += 1
        return s


def _needs_temp(e):
    """Would printing ``e`` repeat its base (a non-atomic base of a power >= 2)?"""
    if not isinstance(e, sp.Pow) or isinstance(e.base, (sp.Symbol, sp.Number)):
        return False
    x = e.exp
    if x.is_Integer:
        return abs(int(x)) >= 2
    return bool(x.is_Rational and x.q == 2 and abs(int(x.p)) >= 3)


_PLAIN_CONSTRUCTOR = set()  # classes whose constructor takes no ``evaluate`` keyword


def rebuild(node, args):
    """``node`` with new ``args``, unevaluated where its class's constructor allows.

    Most classes take ``evaluate=False`` (``Add``, ``Mul``, ``Pow``, functions,
    ``Piecewise``, relationals, ``And``/``Or``, ``Min``/``Max``): rebuilding them
    unevaluated keeps the planned arithmetic and skips sympy's simplification
    of conditions, which can be slow or fail on large ones.  Others
    (``ExprCondPair``, ``Tuple``) have no such keyword and get their plain
    constructor.

    >>> import sympy as sp
    >>> x, t = sp.symbols('x t')
    >>> e = sp.Piecewise((sp.sin(x)**2, x > 0), (0, True))
    >>> rebuild(e, (rebuild(e.args[0], (t**2, x > 0)), e.args[1]))
    Piecewise((t**2, x > 0), (0, True))
    """
    cls = type(node)
    if cls not in _PLAIN_CONSTRUCTOR:
        try:
            return node.func(*args, evaluate=False)
        except TypeError as exc:
            if "evaluate" not in str(exc):
                raise
            _PLAIN_CONSTRUCTOR.add(cls)
    return node.func(*args)


def _atomize_powers(stmts, temps):
    """Bind bases of integer (and half-integer) powers to temporaries, in place order."""
    out = []
    seen = {}

    def walk(e):
        if e.is_Atom:
            return e
        if e in seen:
            return seen[e]
        args = tuple(walk(a) for a in e.args)
        new = e if args == e.args else rebuild(e, args)
        if _needs_temp(new):
            base = new.base
            t = seen.get(("base", base))
            if t is None:
                t = next(temps)
                out.append((t, base))
                seen[("base", base)] = t
            new = sp.Pow(t, new.exp, evaluate=False)
        seen[e] = new
        return new

    for lhs, rhs in stmts:
        rhs = walk(rhs)
        out.append((lhs, rhs))
    return out


def _share_exponentials(exprs, temps):
    """Rewrite ``exp(k*A)`` as a power of ``exp(g*A)`` when several multiples of one ``A``
    occur (derivatives of ``exp(A)`` squared give ``exp(2*A)``): one ``math.exp`` per
    family instead of one per multiple.  Returns ``(prelude, new_exprs)``.
    """
    families = {}
    for node in unique_nodes(exprs):
        if isinstance(node, sp.exp):
            A = node.args[0]
            c, B = A.primitive() if isinstance(A, sp.Add) else A.as_coeff_Mul()
            if c.is_Rational and c != 0:
                families.setdefault(B, set()).add(sp.Rational(c))
    prelude, mapping = [], {}
    for B, coeffs in families.items():
        if len(coeffs) < 2:
            continue
        g = sp.Rational(sp.igcd(*(c.p for c in coeffs)), sp.ilcm(*(c.q for c in coeffs)))
        if any(abs(c / g) > 8 for c in coeffs):
            continue
        t = next(temps)
        prelude.append((t, sp.exp(g * B)))
        for c in coeffs:
            k = int(c / g)
            mapping[sp.exp(c * B)] = t if k == 1 else sp.Pow(t, k)
    if not mapping:
        return [], exprs
    return prelude, dag_replace(exprs, mapping)


def plan(exprs, part_ops=None):
    """CSE the expressions and split the statements into parts.

    ``exprs`` use only internal symbols (``x*`` inputs, ``p*`` parameters).
    Returns ``(parts, results)``: ``parts`` is a list of statement lists
    ``[(symbol, expr), ...]``; ``results[k]`` is the symbol or number holding
    output ``k``.  ``part_ops`` bounds the operation count of one part (``None``:
    a single part).
    """
    temps = _Counter("t")
    prelude, exprs = _share_exponentials(exprs, _Counter("e"))
    repl, reduced = sp.cse(exprs, symbols=temps, order="none")
    stmts = prelude + list(repl)
    results = []
    for k, r in enumerate(reduced):
        if isinstance(r, (sp.Symbol, sp.Number)):
            results.append(r)
        else:
            s = sp.Symbol(f"r{k}", real=True)
            stmts.append((s, r))
            results.append(s)
    stmts = _atomize_powers(stmts, temps)
    if part_ops is None or not stmts:
        return [stmts], results
    parts, cur, ops = [], [], 0
    for st in stmts:
        c = sp.count_ops(st[1])
        if cur and ops + c > part_ops:
            parts.append(cur)
            cur, ops = [], 0
        cur.append(st)
        ops += c + 1
    parts.append(cur)
    return parts, results


# -- 4. source ---------------------------------------------------------------------
_HEADER = '''\
"""Numba kernel generated by geomkit.codegen (do not edit: regenerated from its hash).

name:    {name}
key:     {key}
inputs:  {inputs}
params:  {params}
outputs: {outputs}
"""
import math

import numpy as np
from numba import njit, prange

NAME = {name!r}
KEY = {key!r}
INPUTS = {inputs!r}
PARAMS = {params!r}
OUTPUTS = {outputs!r}
DTYPE = {dtype!r}
OPS = {ops!r}  # arithmetic operations per point after CSE (decides serial vs parallel)
'''


def _wrap(text, indent, width=100):
    """Break a long ``lhs = rhs`` line at operators (inside an open paren)."""
    if len(text) + len(indent) <= width:
        return indent + text
    lhs, rhs = text.split(" = ", 1)
    pieces = re.split(r"(?<=[^*e(/ ])(?= [+-] )", rhs)
    lines, cur = [], f"{lhs} = ("
    for p in pieces:
        if len(cur) + len(p) + len(indent) > width and cur.strip() not in (f"{lhs} = (",):
            lines.append(indent + cur)
            cur = "    " + p.lstrip()
        else:
            cur += p
    lines.append(indent + cur + ")")
    return "\n".join(lines)


def render(
    *,
    name,
    key,
    parts,
    results,
    input_names,
    param_names,
    output_names,
    dtype,
    parallel,
    fastmath,
    layout="auto",
):
    """Module text of a kernel: ``kernel(n, X0.., p0.., O0..)`` loops ``i`` over ``range(n)``
    (``prange`` when ``parallel``), loads ``x_k = X_k[i]`` and stores ``O_k[i]``."""
    consts = {}

    if dtype == "float32":

        def literal(v):
            v = float(v)
            c = consts.get(repr(v))
            if c is None:
                c = consts[repr(v)] = f"c{len(consts)}"
            return c

    else:
        literal = float_literal
    printer = KernelPrinter(literal)
    lines = []
    opts = f"cache=True, error_model='numpy', fastmath={bool(fastmath)}"
    live_after = []  # symbols needed after each part
    needed = {s for s in results if isinstance(s, sp.Symbol)}
    for stmts in reversed(parts):
        live_after.append(set(needed))
        defined = {lhs for lhs, _ in stmts}
        used = set()
        for _, rhs in stmts:
            used |= rhs.free_symbols
        needed = (needed - defined) | used
    live_after.reverse()

    nin, npar = len(input_names), len(param_names)
    point_args = [f"x{k}" for k in range(nin)] + [f"p{k}" for k in range(npar)]
    body = []
    for k, stmts in enumerate(parts):
        text = [_wrap(f"{lhs} = {printer.doprint(rhs)}", "    ") for lhs, rhs in stmts]
        if len(parts) == 1:
            body = text
            break
        dset = {lhs for lhs, _ in stmts}
        used = set()
        for _, rhs in stmts:
            used |= rhs.free_symbols
        args = ", ".join(map(str, sorted(used - dset, key=_sym_order)))
        rets = "".join(f"{lhs}, " for lhs, _ in stmts if lhs in live_after[k])
        lines.append(f"\n@njit({opts})")
        lines.append(f"def _part{k}({args}):")
        lines.extend(text)
        lines.append(f"    return ({rets})")
        body.append(f"    {rets}= _part{k}({args})")
    vals = [str(r) if isinstance(r, sp.Symbol) else printer.doprint(r) for r in results]
    lines.append(f"\n@njit({opts})")
    lines.append(f"def point({', '.join(point_args)}):")
    lines.append('    """All outputs at one point, from the inputs x_k and parameters p_k."""')
    lines.extend(body)
    lines.append(f"    return ({''.join(v + ', ' for v in vals)})")

    nout = len(output_names)
    arrays = [*(f"X{k}" for k in range(nin)), *(f"p{k}" for k in range(npar)),
              *(f"O{k}" for k in range(nout))]
    indent = "        "
    lines.append(f"\n@njit({opts})")
    lines.append(f"def block(start, stop, {', '.join(arrays)}):")
    lines.append('    """The formula on points start..stop-1 (a plain loop: no call per point)."""')
    lines.append("    for i in range(start, stop):")
    lines.extend(f"{indent}x{k} = X{k}[i]" for k in range(nin))
    lines.extend("\n".join("    " + ln for ln in t.split("\n")) for t in body)
    for k in range(nout):
        lines.append(f"{indent}O{k}[i] = {vals[k]}  # {output_names[k]!r}")

    # The parallel loop runs over blocks of points and its body is one call:
    # numba's parallel passes, which grow quickly with the size of the loop body,
    # then cost nothing however large the formula, while the formula itself stays
    # in a plain loop that LLVM optimises as a whole.
    lines.append(f"\n@njit(parallel={bool(parallel)}, {opts})")
    lines.append(f"def kernel(n, {', '.join(arrays)}):")
    ops = sum(int(sp.count_ops(rhs)) for stmts in parts for _, rhs in stmts)
    if layout == "auto":
        layout = "inline" if ops <= INLINE_OPS and len(parts) == 1 else "block"
    if layout == "inline" and len(parts) == 1:
        lines.append(f"    for i in {'prange' if parallel else 'range'}(n):")
        lines.extend(f"{indent}x{k} = X{k}[i]" for k in range(nin))
        lines.extend("\n".join("    " + ln for ln in t.split("\n")) for t in body)
        for k in range(nout):
            lines.append(f"{indent}O{k}[i] = {vals[k]}  # {output_names[k]!r}")
    elif parallel:
        lines.append(f"    for b in prange((n + {BLOCK - 1}) // {BLOCK}):")
        # unsigned bounds: numba then skips the negative-index wraparound of X[i]
        lines.append(
            f"        block(np.uint64(b * {BLOCK}), np.uint64(min(n, (b + 1) * {BLOCK})), "
            f"{', '.join(arrays)})"
        )
    else:
        lines.append(f"    block(np.uint64(0), np.uint64(n), {', '.join(arrays)})")

    head = _HEADER.format(
        name=name,
        key=key,
        inputs=tuple(input_names),
        params=tuple(param_names),
        outputs=tuple(output_names),
        dtype=dtype,
        ops=ops,
    )
    if consts:
        head += "\n" + "".join(
            f"{c} = np.float32({_const_text(v)})\n" for v, c in consts.items()
        )
    return head + "\n".join(lines) + "\n"


def _const_text(v):
    return float_literal(float(v))


def _sym_order(s):
    m = re.match(r"([a-z]+)(\d+)$", s.name)
    return (m.group(1), int(m.group(2))) if m else (s.name, 0)


def supported(exprs, names):
    """Raise :class:`LoweringError` for functions a kernel cannot evaluate."""
    for k, e in enumerate(exprs):
        check_supported(unique_nodes([e]), names[k])


def free_symbols(exprs):
    """Symbols occurring in the expressions (DAG walk)."""
    return {n for n in unique_nodes(exprs) if isinstance(n, sp.Symbol)}
