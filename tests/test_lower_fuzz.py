"""gk.lower on what users write: random expression trees against mpmath, and the
conditional constructs (Piecewise, relationals, Heaviside, Min/Max) that once crashed.

Every crash the fuzz found became one of the named regression tests below.
All random expressions share one kernel: numba compilation, not evaluation,
is the cost of a lowering test.
"""

import random

import mpmath
import numpy as np
import pytest
import sympy as sp

import geomkit as gk

X, Y = sp.symbols("x y", real=True)
SEED = 20261202
N_EXPR = 200
POINTS = np.random.default_rng(SEED).uniform(-3, 3, size=(2, 9))
POINTS[:, 0] = (0.0, 1.5)  # conditions at a boundary (x == 0)


def _leaf(rng):
    r = rng.random()
    if r < 0.4:
        return X
    if r < 0.7:
        return Y
    return sp.Rational(rng.randint(-5, 5), rng.randint(1, 3))


def _tree(rng, depth):
    """A random tree of + * / powers and functions, real wherever it is defined.

    Roots and logarithms get positive arguments, so mpmath's value is real
    and a NaN from the kernel is always a defect.
    """
    if depth <= 0 or rng.random() < 0.2:
        return _leaf(rng)
    op = rng.choice(["add", "mul", "div", "pow", "sin", "cos", "exp", "log", "sqrt",
                     "tanh", "atan2", "abs", "pw", "add", "mul"])
    a = _tree(rng, depth - 1)
    if op == "add":
        return a + _tree(rng, depth - 1)
    if op == "mul":
        return a * _tree(rng, depth - 1)
    if op == "div":
        return a / (1 + _tree(rng, depth - 1) ** 2)
    if op == "pow":
        k = rng.choice([2, 3, 5, -1, -2, sp.Rational(1, 2), sp.Rational(3, 2), sp.Rational(-1, 2)])
        return a**k if sp.Integer(k).is_positive and sp.sympify(k).is_integer else (1 + a**2) ** k
    if op == "sin":
        return sp.sin(a)
    if op == "cos":
        return sp.cos(a)
    if op == "exp":
        return sp.exp(sp.tanh(a))
    if op == "log":
        return sp.log(1 + a**2)
    if op == "sqrt":
        return sp.sqrt(sp.Abs(a) + sp.Rational(1, 4))
    if op == "tanh":
        return sp.tanh(a)
    if op == "atan2":
        return sp.atan2(a, _tree(rng, depth - 1))
    if op == "abs":
        return sp.Abs(a)
    rel = rng.choice([sp.Gt, sp.Lt, sp.Ge, sp.Le])
    cond = rel(_tree(rng, depth - 2), _tree(rng, depth - 2), evaluate=False)
    return sp.Piecewise((a, cond), (_tree(rng, depth - 1), True), evaluate=False)


def random_expressions(n=N_EXPR, seed=SEED, depth=4):
    rng = random.Random(seed)
    return [_tree(rng, depth) for _ in range(n)]


def mp_values(expr, points, dps=40):
    mpmath.mp.dps = dps
    f = sp.lambdify((X, Y), expr, "mpmath")
    return [f(mpmath.mpf(float(x)), mpmath.mpf(float(y))) for x, y in points.T]


def assert_matches_mpmath(name, expr, got, points):
    for i, m in enumerate(mp_values(expr, points)):
        m = mpmath.mpmathify(m)
        assert isinstance(m, mpmath.mpf), f"{name}: reference not real at point {i}: {expr}"
        if not mpmath.isfinite(m):
            continue
        ref = float(m)
        assert abs(got[i] - ref) <= 1e-9 * (1 + abs(ref)), (
            f"{name} at (x, y) = {tuple(points[:, i])}: kernel {got[i]!r}, mpmath {ref!r}\n"
            f"  expression: {expr}"
        )


@pytest.fixture(scope="module")
def fuzz_kernel():
    exprs = random_expressions()
    kernel = gk.lower({f"f{k}": e for k, e in enumerate(exprs)}, [X, Y], name="fuzz",
                      parallel=False)
    return exprs, kernel(x=POINTS[0], y=POINTS[1])


def test_fuzz_random_trees_match_mpmath(fuzz_kernel):
    exprs, res = fuzz_kernel
    kinds = {type(n) for e in exprs for n in sp.preorder_traversal(e)}
    # the sample exercises every construct it is meant to
    for cls in (sp.Piecewise, sp.Pow, sp.sin, sp.cos, sp.exp, sp.log, sp.tanh, sp.atan2, sp.Abs):
        assert cls in kinds, cls
    for k, e in enumerate(exprs):
        assert_matches_mpmath(f"f{k}", e, res[f"f{k}"], POINTS)


# -- regressions -------------------------------------------------------------------------
REGRESSIONS = {
    # rebuilding nodes passed evaluate=False to ExprCondPair (a TypeError)
    "piecewise_power": sp.Piecewise((sp.sin(X) ** 2, X > 0), (0, True)),
    "piecewise_power_in_condition": sp.Piecewise((X, (X + Y) ** 2 > 2), (Y**3, True)),
    "nested_piecewise": sp.Piecewise(
        (sp.Piecewise((sp.cos(Y) ** 3, Y < 1), (X, True)), X > 0), ((X - Y) ** 2, True)
    ),
    "and_or_conditions": sp.Piecewise(
        (sp.exp(X) ** 2, sp.And(X > -1, Y < 2)), (1 / (1 + X**2) ** 2, sp.Or(X > 2, Y > 0)),
        (0, True),
    ),
    "min_max_of_powers": sp.Max((X - 1) ** 2, Y**3) + sp.Min(sp.sin(X) ** 2, sp.Abs(Y)),
    "heaviside_of_power": sp.Heaviside((X - 1) ** 3) * (Y + 2) ** 2
    + sp.Heaviside(Y, 1) * sp.cos(X) ** 2,
    "sign_and_abs": sp.sign((X - Y) ** 3) * sp.Abs(X + 1) ** 3,
}


def _numpy_reference(name, x, y):
    """Values of the regression expressions written with numpy, independent of sympy."""
    h = np.heaviside
    return {
        "piecewise_power": np.where(x > 0, np.sin(x) ** 2, 0.0),
        "piecewise_power_in_condition": np.where((x + y) ** 2 > 2, x, y**3),
        "nested_piecewise": np.where(x > 0, np.where(y < 1, np.cos(y) ** 3, x), (x - y) ** 2),
        "and_or_conditions": np.where((x > -1) & (y < 2), np.exp(x) ** 2,
                                      np.where((x > 2) | (y > 0), 1 / (1 + x**2) ** 2, 0.0)),
        "min_max_of_powers": np.maximum((x - 1) ** 2, y**3) + np.minimum(np.sin(x) ** 2,
                                                                         np.abs(y)),
        "heaviside_of_power": h((x - 1) ** 3, 0.5) * (y + 2) ** 2 + h(y, 1.0) * np.cos(x) ** 2,
        "sign_and_abs": np.sign((x - y) ** 3) * np.abs(x + 1) ** 3,
    }[name]


@pytest.fixture(scope="module")
def regression_kernel():
    return gk.lower(REGRESSIONS, [X, Y], name="conditionals", parallel=False)


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_conditionals_lower_correctly(regression_kernel, name):
    # boundaries included: x == 0, y == 0, x == 1 (Heaviside at 0), x == y
    x = np.array([0.0, 1.0, -0.5, 2.5, 1.0, -1.5, 0.3])
    y = np.array([0.0, 0.0, 1.5, -2.0, 1.0, 0.7, 0.3])
    got = regression_kernel(x=x, y=y)[name]
    np.testing.assert_allclose(got, _numpy_reference(name, x, y), rtol=1e-13, atol=1e-14)


def test_piecewise_kernel_is_cheap(regression_kernel):
    # shared power bases are computed once and conditions stay conditions (no
    # rewriting into sums of Heavisides): fewer operations than the input trees
    ops = regression_kernel._module.OPS
    assert ops <= sum(sp.count_ops(e) for e in REGRESSIONS.values()), ops
