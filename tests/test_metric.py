"""Metrics: Hodge star, codifferential, Laplacian (MATH.md sections 1.4-1.5)."""

import itertools

import pytest
import sympy as sp

import geomkit as gk
from geomkit.symbolic.forms import basis_forms


def euclid(n):
    c = gk.Chart(" ".join(f"x{i}" for i in range(n)))
    return c, gk.Metric(c, sp.eye(n))


def minkowski():
    c = gk.Chart("t x y z")
    return c, gk.Metric(c, sp.diag(-1, 1, 1, 1))


def polar():
    r = sp.Symbol("r", positive=True)
    phi = sp.Symbol("phi", real=True)
    c = gk.Chart([r, phi])
    return c, gk.Metric(c, sp.diag(1, r**2))


@pytest.mark.parametrize(
    "maker, expected",
    [
        (lambda: euclid(3), [1, 1, 1, 1]),
        (lambda: euclid(2), [1, -1, 1]),
        (minkowski, [-1, 1, -1, 1, -1]),
    ],
)
def test_star_star_signs(maker, expected):
    c, g = maker()
    for p, sign in enumerate(expected):
        for b in basis_forms(c, p):
            assert g.hodge(g.hodge(b)) == sign * b


def test_star_known_values():
    c, g = euclid(3)
    dx, dy, dz = c.dx
    assert g.hodge(dx) == dy ^ dz
    assert g.hodge(dx ^ dy) == dz
    assert g.hodge(c.scalar(1)) == g.volume_form
    m, eta = minkowski()
    e0, e1, e2, e3 = m.dx
    assert eta.hodge(e0) == -gk.wedge(e1, e2, e3)
    assert eta.hodge(eta.volume_form) == eta.sign == -1


def test_polar_star():
    c, g = polar()
    r, phi = c.coords
    dr, dphi = c.dx
    assert g.hodge(c.scalar(1)) == r * (dr ^ dphi)
    assert g.hodge(dr) == r * dphi
    assert g.hodge(dphi).equals(-dr / r)


def test_alpha_wedge_star_beta_is_inner_product():
    """alpha ^ *beta = beta ^ *alpha = <alpha, beta> vol, non-diagonal metric."""
    c = gk.Chart("x y z")
    x, y, z = c.coords
    G = sp.Matrix([[2, 1, 0], [1, 3, x], [0, x, 5]])
    g = gk.Metric(c, G, sign=1)
    a = gk.Form(c, 2, {(0, 1): y, (1, 2): 1, (0, 2): x})
    b = gk.Form(c, 2, {(0, 1): 3, (1, 2): z})
    lhs = a ^ g.hodge(b)
    assert lhs.equals(b ^ g.hodge(a))
    assert lhs.equals(g.inner(a, b) * g.volume_form)


def test_interior_of_star_identities():
    """iota_a *alpha = *(alpha ^ e_a) (MATH 1.4), Minkowski."""
    c, eta = minkowski()
    for p in range(4):
        for a in basis_forms(c, p):
            for e in c.partials:
                e_low = eta.flat(e)
                assert gk.interior(e, eta.hodge(a)) == eta.hodge(a ^ e_low)


def test_laplacian_known_answers():
    c2, g2 = euclid(2)
    x, y = c2.coords
    assert g2.laplacian(x**2 + y**2) == -4
    c3, g3 = euclid(3)
    x, y, z = c3.coords
    assert g3.laplacian(x**2 + y**2 + z**2) == -6
    rr = sp.sqrt(x**2 + y**2 + z**2)
    assert g3.laplacian(1 / rr).is_zero()


def test_laplacian_polar_formula():
    c, g = polar()
    r, phi = c.coords
    f = c.function("f")
    lap = g.laplacian(f).to_scalar()
    expected = -(sp.diff(f, r, 2) + sp.diff(f, r) / r + sp.diff(f, phi, 2) / r**2)
    assert sp.simplify(lap - expected) == 0


def test_codifferential_is_minus_divergence():
    """delta alpha = -nabla_mu alpha^mu on 1-forms, here in polar coordinates."""
    c, g = polar()
    r, phi = c.coords
    a, b = c.function("a"), c.function("b")
    alpha = gk.Form(c, 1, {(0,): a, (1,): b})
    div = (sp.diff(r * a, r) + sp.diff(b / r**2 * r, phi)) / r
    assert sp.cancel(g.codifferential(alpha).to_scalar() + div) == 0


def test_codifferential_adjoint_on_flat_torus():
    """Integral <d beta, alpha> = integral <beta, delta alpha> over T^2 (MATH 1.5 item 9)."""
    c, g = euclid(2)
    x, y = c.coords
    beta = gk.Form(c, 1, {(0,): sp.sin(x) * sp.cos(2 * y), (1,): sp.cos(x + y)})
    alpha = gk.Form(c, 2, {(0, 1): sp.sin(x) * sp.sin(2 * y) + sp.cos(x)})

    def integral(expr):
        return sp.integrate(sp.expand(expr), (x, 0, 2 * sp.pi), (y, 0, 2 * sp.pi))

    lhs = integral(g.inner(gk.d(beta), alpha))
    rhs = integral(g.inner(beta, g.codifferential(alpha)))
    assert lhs == rhs and lhs != 0


def test_flat_sharp_inverse():
    c = gk.Chart("x y")
    x, y = c.coords
    g = gk.Metric(c, [[1 + x**2, x * y], [x * y, 1 + y**2]], sign=1)
    X = c.vector([x, sp.exp(y)])
    assert g.sharp(g.flat(X)).simplify() == X
    assert sp.simplify(g(X, X) - g.inner(g.flat(X), g.flat(X))) == 0


def test_signature_and_sign():
    _, eta = minkowski()
    assert eta.signature == (3, 1) and eta.sign == -1
    _, e = euclid(4)
    assert e.signature == (4, 0)


def test_metric_bad_input():
    c = gk.Chart("x y")
    x, y = c.coords
    with pytest.raises(gk.DegenerateMetricError):
        gk.Metric(c, [[1, 1], [1, 1]])
    with pytest.raises(gk.DimensionError):
        gk.Metric(c, sp.eye(3))
    with pytest.raises(gk.GeomkitError, match="symmetric"):
        gk.Metric(c, [[1, x], [0, 1]])
    g = gk.Metric(c, sp.eye(2))
    with pytest.raises(gk.ChartError):
        g.hodge(gk.Chart("u v").dx[0])
    with pytest.raises(gk.DegreeError):
        g.sharp(c.dx[0] ^ c.dx[1])


def test_star_in_all_signatures_matches_definition():
    """*(e^{a1..ap}) = iota^{ap} ... iota^{a1} vol for constant diagonal metrics."""
    c = gk.Chart("a b c d")
    for signs in [(1, 1, 1, 1), (-1, 1, 1, 1), (-1, -1, 1, 1)]:
        g = gk.Metric(c, sp.diag(*signs))
        vol = g.volume_form
        for p in range(5):
            for I in itertools.combinations(range(4), p):
                expected = vol
                for i in I:
                    raised = c.vector([signs[i] if j == i else 0 for j in range(4)])
                    expected = gk.interior(raised, expected)
                got = g.hodge(gk.Form(c, p, {I: 1}))
                assert got == (expected if isinstance(expected, gk.Form) else c.scalar(expected))
