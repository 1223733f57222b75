"""Coordinate curvature views against known answers (MATH.md §0.3, §2.6)."""

import pytest
import sympy as sp
from oracles import christoffel_direct, riemann_direct

import geomkit as gk
from geomkit.symbolic import spacetimes
from geomkit.symbolic.simplify import simplify_expr


def zero(x):
    return simplify_expr(x, "algebraic") == 0


def schwarzschild():
    c = gk.Chart("t r theta phi", positive=True)
    t, r, th, ph = c.coords
    M = sp.Symbol("M", positive=True)
    f = 1 - 2 * M / r
    return c, M, gk.Metric(c, sp.diag(-f, 1 / f, r**2, r**2 * sp.sin(th) ** 2))


def test_unit_sphere():
    c = gk.Chart("theta phi", positive=True)
    th, ph = c.coords
    g = gk.Metric(c, sp.diag(1, sp.sin(th) ** 2))
    assert gk.ricci_scalar(g) == 2
    Ric = gk.ricci(g)
    assert zero(Ric[0, 0] - 1) and zero(Ric[1, 1] - sp.sin(th) ** 2) and Ric[0, 1] == 0
    # Gaussian curvature K = R_{theta phi theta phi} / det g = 1
    R = gk.riemann(g)
    assert zero(g.matrix[0, 0] * R[0, 1, 0, 1] / g.det - 1)
    assert gk.einstein(g) == sp.zeros(2, 2)
    assert gk.kretschmann(g) == 4


def test_schwarzschild_metric_and_coframe():
    c, M, g = schwarzschild()
    r = c.coords[1]
    assert gk.ricci(g) == sp.zeros(4, 4)
    assert zero(gk.kretschmann(g) - 48 * M**2 / r**6)
    assert gk.ricci_scalar(g) == 0
    # Christoffel symbols against the textbook formula
    G = gk.christoffel(g)
    ref = christoffel_direct(g.matrix, c.coords)
    for idx in [
        (0, 0, 1),
        (0, 1, 0),
        (1, 0, 0),
        (1, 1, 1),
        (1, 2, 2),
        (1, 3, 3),
        (2, 1, 2),
        (2, 3, 3),
        (3, 2, 3),
    ]:
        lam, mu, nu = idx
        assert zero(G[idx] - ref[lam][mu][nu])
    # Weyl: traceless, nonzero, and C^r_{t r t} = R^r_{t r t} (Ricci flat)
    C = gk.weyl(g)
    R = gk.riemann(g)
    assert not zero(C[1, 0, 1, 0])
    assert zero(C[1, 0, 1, 0] - R[1, 0, 1, 0])
    for s in range(4):
        for v in range(4):
            assert zero(sum(C[k, s, k, v] for k in range(4)))


def test_cached_per_object():
    c, M, g = schwarzschild()
    assert gk.riemann(g) is gk.riemann(g)
    assert gk.kretschmann(g) is gk.kretschmann(g)


def test_orthonormal_and_coordinate_coframes_agree():
    """The same curvature from an orthonormal coframe and from the coordinate coframe."""
    c = gk.Chart("t x y", positive=True)
    t, x, y = c.coords
    A, B = sp.Function("A")(t, x), sp.Function("B")(x, y)
    g = gk.Metric(c, sp.diag(-(A**2), B**2, x**2 * B**2), sign=-1)
    ortho = gk.Coframe.from_metric(g)
    assert ortho.is_orthonormal
    coord = gk.Coframe(c.dx, g)
    assert not coord.constant_eta
    # with a non-constant frame metric the Levi-Civita connection keeps Q = -D eta = 0
    lc = gk.levi_civita(coord)
    assert all(q.is_zero("algebraic") for row in lc.nonmetricity() for q in row)
    assert all(t.is_zero("algebraic") for t in lc.torsion())
    R1, R2 = gk.riemann(ortho), gk.riemann(coord)
    G1, G2 = gk.christoffel(ortho), gk.christoffel(coord)
    n = 3
    for idx in [(a, b, k) for a in range(n) for b in range(n) for k in range(n)]:
        assert zero(G1[idx] - G2[idx])
    ref = riemann_direct(g.matrix, c.coords)
    for a in range(n):
        for b in range(n):
            for m in range(n):
                for v in range(n):
                    assert zero(R1[a, b, m, v] - R2[a, b, m, v])
                    assert zero(R1[a, b, m, v] - ref[a, b, m, v])
    assert zero(gk.ricci_scalar(ortho) - gk.ricci_scalar(coord))


def test_flrw_friedmann_equations():
    c = gk.Chart("t r theta phi", positive=True)
    t, r, th, ph = c.coords
    k = sp.Symbol("k")
    a = sp.Function("a", positive=True)(t)
    g = gk.Metric(
        c, sp.diag(-1, a**2 / (1 - k * r**2), a**2 * r**2, a**2 * r**2 * sp.sin(th) ** 2), sign=-1
    )
    G = gk.einstein(g)
    ad, add = a.diff(t), a.diff(t, 2)
    # G_tt = 3 (a'^2 + k) / a^2 ; G^i_i = -(2 a''/a + (a'^2 + k)/a^2)
    assert zero(G[0, 0] - 3 * (ad**2 + k) / a**2)
    gi = g.inverse
    for i in (1, 2, 3):
        assert zero(gi[i, i] * G[i, i] + 2 * add / a + (ad**2 + k) / a**2)
    assert all(G[i, j] == 0 for i in range(4) for j in range(4) if i != j)
    # FLRW is conformally flat
    assert all(zero(v) for v in sp.flatten(gk.weyl(g).tolist()))


def test_de_sitter_maximally_symmetric():
    c = gk.Chart("t x y z", positive=True)
    t = c.coords[0]
    H = sp.Symbol("H", positive=True)
    a2 = sp.exp(2 * H * t)
    g = gk.Metric(c, sp.diag(-1, a2, a2, a2), sign=-1)
    R = gk.riemann(g)
    gm = g.matrix
    for r in range(4):
        for s in range(4):
            for m in range(4):
                for v in range(4):
                    expected = H**2 * (int(r == m) * gm[s, v] - int(r == v) * gm[s, m])
                    assert zero(R[r, s, m, v] - expected)
    assert zero(gk.ricci_scalar(g) - 12 * H**2)


def test_strategies_agree():
    c, M, g = schwarzschild()
    r = c.coords[1]
    for strategy in ("cancel", "trig"):
        assert sp.simplify(gk.kretschmann(g, simplify=strategy) - 48 * M**2 / r**6) == 0
    cf = gk.Coframe.from_metric(g)
    assert gk.ricci(cf, simplify="cancel") == sp.zeros(4, 4)


def test_bad_input():
    with pytest.raises(gk.GeomkitError):
        gk.riemann(sp.eye(3))
    c = gk.Chart("x y")
    with pytest.raises(gk.DimensionError):
        gk.weyl(gk.Coframe(c.dx))


# -- Kerr (one fixture for the module) ---------------------------------------------------------


@pytest.fixture(scope="module")
def kerr():
    c = gk.Chart("t r theta phi", positive=True)
    M, a = sp.symbols("M a", positive=True)
    return c, M, a, spacetimes.kerr_carter_coframe(c, M, a)


def test_kerr_ricci_flat_and_kretschmann(kerr):
    c, M, a, carter = kerr
    r, th = c.coords[1], c.coords[2]
    lc = gk.levi_civita(carter)
    assert lc.ricci_components() == sp.zeros(4, 4)
    assert gk.ricci(carter) == sp.zeros(4, 4)
    cth = sp.cos(th)
    K = 48 * M**2 * (r**6 - 15 * r**4 * a**2 * cth**2 + 15 * r**2 * a**4 * cth**4 - a**6 * cth**6)
    K = K / (r**2 + a**2 * cth**2) ** 6
    assert zero(gk.kretschmann(carter) - K)
    assert all(t.is_zero() for t in lc.torsion())
    # the Boyer-Lindquist metric of the coframe is Kerr's
    g = carter.metric().matrix
    assert zero(g[1, 1] - (r**2 + a**2 * cth**2) / (r**2 - 2 * M * r + a**2))
    assert zero(g[0, 3] + 2 * M * a * r * sp.sin(th) ** 2 / (r**2 + a**2 * cth**2))
    G = spacetimes.kerr(c.coords, M, a)
    assert all(zero(g[i, j] - G[i, j]) for i in range(4) for j in range(4))
