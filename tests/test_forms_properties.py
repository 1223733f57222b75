"""Property tests over random polynomial forms in n = 2..6 dimensions.

d o d = 0, graded Leibniz rules for d and the interior product, Cartan's
formula, Lie-derivative commutators, star-star signs in both signatures, and
pullback commuting with d and the wedge.
"""

from itertools import combinations

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import geomkit as gk

CHARTS = {n: gk.Chart(" ".join(f"x{i}" for i in range(n))) for n in range(2, 7)}
SETTINGS = settings(max_examples=20, deadline=None)


@st.composite
def polynomials(draw, chart, max_terms=3):
    xs = chart.coords
    terms = []
    for _ in range(draw(st.integers(0, max_terms))):
        coef = draw(st.integers(-3, 3))
        powers = [draw(st.integers(0, 2)) for _ in xs]
        terms.append(coef * sp.Mul(*(x**k for x, k in zip(xs, powers))))
    return sp.Add(*terms)


@st.composite
def forms(draw, chart, degree):
    comps = {}
    for I in combinations(range(chart.dim), degree):
        if draw(st.booleans()):
            comps[I] = draw(polynomials(chart))
    return gk.Form(chart, degree, comps)


@st.composite
def vectors(draw, chart):
    return chart.vector([draw(polynomials(chart, 2)) for _ in range(chart.dim)])


@st.composite
def chart_and_degree(draw, min_n=2, max_n=6):
    n = draw(st.integers(min_n, max_n))
    return CHARTS[n], draw(st.integers(0, n))


def zero(form):
    return form.is_zero("expand")


@SETTINGS
@given(st.data())
def test_d_squared_is_zero(data):
    chart, p = data.draw(chart_and_degree())
    a = data.draw(forms(chart, p))
    assert zero(gk.d(gk.d(a)))


@SETTINGS
@given(st.data())
def test_leibniz_for_d(data):
    chart, p = data.draw(chart_and_degree())
    q = data.draw(st.integers(0, chart.dim - p))
    a, b = data.draw(forms(chart, p)), data.draw(forms(chart, q))
    lhs = gk.d(a ^ b)
    rhs = (gk.d(a) ^ b) + (-1) ** p * (a ^ gk.d(b))
    assert zero(lhs - rhs)


@SETTINGS
@given(st.data())
def test_leibniz_for_interior(data):
    chart, p = data.draw(chart_and_degree())
    p = max(p, 1)
    q = data.draw(st.integers(0, chart.dim - p))
    a, b = data.draw(forms(chart, p)), data.draw(forms(chart, q))
    X = data.draw(vectors(chart))
    lhs = gk.interior(X, a ^ b)
    rhs = gk.interior(X, a) ^ b
    if q > 0:  # iota_X of a function is 0 and carries no degree
        rhs = rhs + (-1) ** p * (a ^ gk.interior(X, b))
    assert zero(lhs - rhs)


@SETTINGS
@given(st.data())
def test_cartan_formula_and_lie_commutes_with_d(data):
    """lie() (Cartan's formula) against the component formula of MATH 1.2."""
    chart, p = data.draw(chart_and_degree())
    a = data.draw(forms(chart, p))
    X = data.draw(vectors(chart))
    comps = {}
    for I in combinations(range(chart.dim), p):
        v = X(a[I])
        for k in range(p):
            for nu in range(chart.dim):
                J = I[:k] + (nu,) + I[k + 1:]
                v += a[J] * sp.diff(X[nu], chart.coords[I[k]])
        comps[I] = v
    assert zero(gk.lie(X, a) - gk.Form(chart, p, comps))
    assert zero(gk.lie(X, gk.d(a)) - gk.d(gk.lie(X, a)))


@SETTINGS
@given(st.data())
def test_lie_commutators(data):
    # second Lie derivatives of polynomial forms grow fast: n <= 4 keeps this quick
    chart, p = data.draw(chart_and_degree(max_n=4))
    p = max(p, 1)
    a = data.draw(forms(chart, p))
    X, Y = data.draw(vectors(chart)), data.draw(vectors(chart))
    XY = gk.bracket(X, Y)
    lhs = gk.lie(X, gk.interior(Y, a)) - gk.interior(Y, gk.lie(X, a))
    assert zero(lhs - gk.interior(XY, a))
    lhs2 = gk.lie(X, gk.lie(Y, a)) - gk.lie(Y, gk.lie(X, a))
    assert zero(lhs2 - gk.lie(XY, a))


@SETTINGS
@given(st.data())
def test_star_star_sign_both_signatures(data):
    n = data.draw(st.integers(2, 6))
    chart = CHARTS[n]
    q = data.draw(st.integers(0, n))  # number of negative directions
    p = data.draw(st.integers(0, n))
    xs = chart.coords
    diag = [(-1 if i < q else 1) * (1 + xs[(i + 1) % n] ** 2) for i in range(n)]
    g = gk.Metric(chart, sp.diag(*diag), sign=(-1) ** q)
    a = data.draw(forms(chart, p))
    s = (-1) ** q * (-1) ** (p * (n - p))
    assert (g.hodge(g.hodge(a)) - s * a).is_zero("cancel")


@st.composite
def polynomial_maps(draw, src, dst):
    return {x: draw(polynomials(dst, 1)) + y for x, y in zip(src.coords, dst.coords * 3)}


@SETTINGS
@given(st.data())
def test_pullback_commutes_with_d_and_wedge(data):
    # composed polynomials grow fast: n, m <= 4 and one-term perturbations of the identity
    n = data.draw(st.integers(2, 4))
    m = data.draw(st.integers(2, 4))
    src = CHARTS[n]
    dst = gk.Chart(" ".join(f"y{i}" for i in range(m)))
    phi = data.draw(polynomial_maps(src, dst))
    p = data.draw(st.integers(0, n - 1))
    q = data.draw(st.integers(0, n - p))
    a, b = data.draw(forms(src, p)), data.draw(forms(src, q))
    pb = lambda f: gk.pullback(phi, f, dst)  # noqa: E731
    assert zero(pb(gk.d(a)) - gk.d(pb(a)))
    assert zero(pb(a ^ b) - (pb(a) ^ pb(b)))
