"""Exterior calculus on charts: known answers of MATH.md section 1.5 and bad input."""

import pytest
import sympy as sp

import geomkit as gk
from geomkit.symbolic.forms import basis_forms


@pytest.fixture
def R3():
    return gk.Chart("x y z")


@pytest.fixture
def polar():
    r = sp.Symbol("r", positive=True)
    phi = sp.Symbol("phi", real=True)
    return gk.Chart([r, phi])


def test_storage_is_sparse_and_antisymmetric(R3):
    x, y, z = R3.coords
    a = gk.Form(R3, 2, {(1, 0): x, (0, 1): x, (2, 1): y, (1, 1): 5})
    assert dict(a.components) == {(1, 2): -y}
    assert a[2, 1] == y and a[1, 2] == -y and a[0, 0] == 0
    assert a.degree == 2 and len(a) == 1


def test_forms_are_immutable(R3):
    dx = R3.dx[0]
    with pytest.raises(AttributeError):
        dx.degree = 3
    with pytest.raises(TypeError):
        dx.components[(0,)] = 2


def test_wedge_graded_commutativity_and_values(R3):
    x, y, z = R3.coords
    dx, dy, dz = R3.dx
    assert (dx ^ dy) == -(dy ^ dx)
    assert (dx ^ dx) == gk.Form(R3, 2)
    assert gk.wedge(dx, dy, dz) == gk.Form(R3, 3, {(0, 1, 2): 1})
    a = x * dx + y * dz
    b = dx ^ dy
    assert (a ^ b) == (b ^ a)  # (-1)^{1*2} = +1
    # scalars are 0-forms
    assert gk.wedge(x, dy) == x * dy


def test_precedence_of_xor_is_documented(R3):
    dx, dy, dz = R3.dx
    # ^ binds more loosely than +: (dx + dy) ^ dz
    assert (dx + dy ^ dz) == ((dx + dy) ^ dz)


def test_evaluation_on_vector_fields(R3):
    x, y, z = R3.coords
    dx, dy, dz = R3.dx
    X = R3.vector([1, x, 0])
    Y = R3.vector([y, 2, 1])
    a = dx ^ dy
    assert sp.expand(a(X, Y) - (1 * 2 - x * y)) == 0
    assert sp.expand(a(X, Y) + a(Y, X)) == 0
    with pytest.raises(gk.DegreeError):
        a(X)


def test_d_basics(R3):
    x, y, z = R3.coords
    dx, dy, dz = R3.dx
    assert gk.d(R3.scalar(x * y * z)) == y * z * dx + x * z * dy + x * y * dz
    assert gk.d(x * y * dz) == (y * (dx ^ dz)) + x * (dy ^ dz)
    # d of a top form is the zero (n+1)-form
    assert not gk.d(x * gk.wedge(dx, dy, dz))


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_d_d_zero_on_function_coefficients(n):
    c = gk.Chart(" ".join(f"x{i}" for i in range(n)))
    for p in range(n - 1):
        a = sum(
            (c.function(f"f{k}") * b for k, b in enumerate(basis_forms(c, p))),
            gk.Form(c, p),
        )
        dda = gk.d(gk.d(a))
        assert dda.degree == p + 2
        assert not dda, f"d(d(a)) != 0 for p={p}, n={n}"


def test_interior_known_values(R3):
    x, y, z = R3.coords
    dx, dy, dz = R3.dx
    X = R3.vector([x, y, z])
    assert gk.interior(X, dx ^ dy ^ dz) == x * (dy ^ dz) - y * (dx ^ dz) + z * (dx ^ dy)
    assert gk.interior(X, R3.scalar(x)) == 0


def test_euler_identity_dx_wedge_interior(R3):
    """e^a ^ iota_a alpha = p alpha (MATH 1.5 item 3)."""
    x, y, z = R3.coords
    a = gk.Form(R3, 2, {(0, 1): x * y, (0, 2): sp.sin(z), (1, 2): 7})
    for p, form in [(2, a), (1, gk.Form(R3, 1, {(0,): x, (2,): y}))]:
        acc = gk.Form(R3, p)
        for dxi, e in zip(R3.dx, R3.partials):
            acc = acc + (dxi ^ gk.interior(e, form))
        assert acc.equals(p * form)


def test_lie_known_answers(R3):
    c = gk.Chart("x y")
    x, y = c.coords
    dx, dy = c.dx
    assert gk.lie(c.vector([x, y]), dx ^ dy) == 2 * (dx ^ dy)
    assert gk.lie(c.vector([-y, x]), dx ^ dy).is_zero()
    # L_X vol = div X vol in R^3
    x, y, z = R3.coords
    f, g, h = (R3.function(n) for n in "fgh")
    X = R3.vector([f, g, h])
    vol = gk.wedge(*R3.dx)
    div = sp.diff(f, x) + sp.diff(g, y) + sp.diff(h, z)
    assert gk.lie(X, vol).equals(div * vol)
    # on a function and on a vector field
    assert gk.lie(X, x * y) == gk.Form(R3, 0, {(): f * y + g * x})
    assert gk.lie(X, R3.partials[0]) == gk.bracket(X, R3.partials[0])


def test_pullback_polar(polar):
    r, phi = polar.coords
    xy = gk.Chart("x y")
    x, y = xy.coords
    dx, dy = xy.dx
    phi_map = {x: r * sp.cos(phi), y: r * sp.sin(phi)}
    assert gk.pullback(phi_map, dx ^ dy, polar).simplify("trig") == r * gk.wedge(*polar.dx)
    # pullback of a function is composition
    assert gk.pullback(phi_map, xy.scalar(x**2 + y**2), polar).simplify("trig") == r**2


def test_pullback_errors(polar):
    xy = gk.Chart("x y")
    x, y = xy.coords
    with pytest.raises(gk.GeomkitError, match="no image"):
        gk.pullback({x: polar.coords[0]}, xy.dx[0], polar)
    with pytest.raises(gk.GeomkitError, match="not coordinates"):
        gk.pullback({x: 1, y: 2, sp.Symbol("w"): 3}, xy.dx[0], polar)


def test_vector_bracket_jacobi():
    c = gk.Chart("x y z")
    x, y, z = c.coords
    X = c.vector([y * z, x**2, 1])
    Y = c.vector([z, x * y, y])
    Z = c.vector([x, 0, sp.sin(y)])
    br = gk.bracket
    jac = br(X, br(Y, Z)) + br(Y, br(Z, X)) + br(Z, br(X, Y))
    assert all(sp.expand(v) == 0 for v in jac)


def test_repr_and_latex(R3):
    x, y, z = R3.coords
    dx, dy, dz = R3.dx
    a = (x + 1) * (dx ^ dy) - (dz ^ dx)
    assert repr(a) == "(x + 1)*dx^dy + dx^dz"
    assert repr(gk.Form(R3, 2)) == "0"
    assert r"\wedge" in a._repr_latex_()
    assert repr(R3.scalar(x)) == "x"


# -- bad input ---------------------------------------------------------------
def test_different_charts_raise():
    a = gk.Chart("x y").dx[0]
    b = gk.Chart("u v").dx[0]
    with pytest.raises(gk.ChartError, match="different charts"):
        a ^ b
    with pytest.raises(gk.ChartError):
        a + b
    with pytest.raises(gk.ChartError):
        gk.interior(gk.Chart("u v").vector([1, 0]), a)


def test_degree_errors(R3):
    with pytest.raises(gk.DegreeError):
        gk.Form(R3, -1)
    with pytest.raises(gk.DegreeError):
        gk.Form(R3, 4, {(0, 1, 2, 3): 1})
    with pytest.raises(gk.DegreeError):
        gk.Form(R3, 2, {(0,): 1})
    with pytest.raises(gk.DegreeError, match="cannot add"):
        R3.dx[0] + (R3.dx[0] ^ R3.dx[1])
    with pytest.raises(gk.DegreeError, match="scalar"):
        R3.dx[0] + 1


def test_vector_wrong_length(R3):
    with pytest.raises(gk.DimensionError, match="3 components"):
        R3.vector([1, 2])


def test_chart_errors():
    with pytest.raises(gk.ChartError):
        gk.Chart("x x")
    with pytest.raises(gk.ChartError):
        gk.Chart("")
