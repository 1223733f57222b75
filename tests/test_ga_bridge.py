"""Cross-check wedge, interior product and Hodge star against galgebra."""

from itertools import combinations

import pytest
import sympy as sp

import geomkit as gk
from geomkit.symbolic import ga as ga_bridge


def random_form(chart, p, seed):
    comps = {}
    for k, I in enumerate(combinations(range(chart.dim), p)):
        comps[I] = ((seed * 7 + k * 3) % 11) - 5
    return gk.Form(chart, p, comps)


@pytest.fixture(scope="module", params=[(1, 1, 1), (-1, 1, 1, 1)], ids=["E3", "M4"])
def setup(request):
    n = len(request.param)
    chart = gk.Chart(" ".join(f"x{i}" for i in range(n)))
    metric = gk.Metric(chart, sp.diag(*request.param))
    return chart, metric, ga_bridge.algebra(metric)


def test_roundtrip(setup):
    chart, metric, ga = setup
    for p in range(chart.dim + 1):
        a = random_form(chart, p, p + 1)
        assert ga_bridge.from_multivector(ga_bridge.to_multivector(a, ga), chart, ga, p) == a


def test_wedge_is_outer_product(setup):
    chart, metric, ga = setup
    n = chart.dim
    for p in range(n + 1):
        for q in range(n - p + 1):
            a, b = random_form(chart, p, 3), random_form(chart, q, 5)
            A, B = (ga_bridge.to_multivector(f, ga) for f in (a, b))
            assert ga_bridge.from_multivector(A ^ B, chart, ga, p + q) == (a ^ b)


def test_interior_is_left_contraction(setup):
    chart, metric, ga = setup
    X = chart.vector([2, -1, 3, 1][: chart.dim])
    Xm = ga_bridge.vector_to_multivector(X, ga)
    for p in range(1, chart.dim + 1):
        a = random_form(chart, p, 2)
        got = ga_bridge.from_multivector(Xm < ga_bridge.to_multivector(a, ga), chart, ga, p - 1)
        expected = gk.interior(X, a)
        assert got == (expected if isinstance(expected, gk.Form) else chart.scalar(expected))


def test_hodge_matches_ga_dual(setup):
    chart, metric, ga = setup
    n = chart.dim
    for p in range(n + 1):
        a = random_form(chart, p, 4)
        star = ga_bridge.hodge_ga(ga_bridge.to_multivector(a, ga), ga)
        assert ga_bridge.from_multivector(star, chart, ga, n - p) == metric.hodge(a)


def test_bridge_rejects_non_constant():
    c = gk.Chart("x y")
    m = gk.Metric(c, sp.eye(2))
    ga = ga_bridge.algebra(m)
    with pytest.raises(gk.GeomkitError, match="constant"):
        ga_bridge.to_multivector(c.coords[0] * c.dx[0], ga)
    with pytest.raises(gk.GeomkitError, match="diagonal"):
        ga_bridge.algebra(gk.Metric(c, [[2, 1], [1, 2]]))


def test_bridge_leaves_sympy_printing_alone():
    """galgebra restyles sympy printing on import; the bridge undoes that."""
    c = gk.Chart("x y")
    ga_bridge.algebra(gk.Metric(c, sp.eye(2)))
    assert repr(c.function("f")) == "f(x, y)"
