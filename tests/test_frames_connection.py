"""Connections in a coframe: structure equations, Bianchi identities, Levi-Civita,
distortion, frame changes (MATH.md §2.1-2.6)."""

import random

import pytest
import sympy as sp
from oracles import christoffel_direct

import geomkit as gk
from geomkit.symbolic.connection import contortion, disformation
from geomkit.symbolic.decompose import vector_forms


def rand_poly(rng, xs, deg=1):
    terms = [sp.Integer(rng.randint(-2, 2))]
    for x in xs:
        terms.append(rng.randint(-2, 2) * x)
    if deg > 1:
        for i, x in enumerate(xs):
            for y in xs[i:]:
                if rng.random() < 0.3:
                    terms.append(rng.randint(-2, 2) * x * y)
    return sp.Add(*terms)


def rand_connection(chart, coframe, seed, scale=1, deg=2):
    rng = random.Random(seed)
    n = chart.dim
    xs = chart.coords
    om = [
        [
            sum((rand_poly(rng, xs, deg) * chart.dx[m] for m in range(n)), gk.Form(chart, 1))
            for b in range(n)
        ]
        for a in range(n)
    ]
    return gk.Connection(coframe, om, nonmetricity_scale=scale)


def lower(eta, X):
    n = len(X)
    return tuple(
        tuple(
            sum((X[c][b] * eta[a, c] for c in range(n)), gk.Form(X[0][0].chart, X[0][0].degree))
            for b in range(n)
        )
        for a in range(n)
    )


ETAS = {
    "euclid": sp.diag(1, 1, 1),
    "lorentz": sp.diag(-1, 1, 1),
}


@pytest.mark.parametrize("sig", sorted(ETAS))
@pytest.mark.parametrize("scale", [1, sp.Rational(1, 2)])
def test_bianchi_identities_random_connection(sig, scale):
    c = gk.Chart("x y z")
    eta = ETAS[sig]
    cf = gk.Coframe(c.dx, eta)
    w = rand_connection(
        c, cf, seed={"euclid": 1, "lorentz": 2}[sig] + (10 if scale != 1 else 0), scale=scale
    )
    e = cf.forms
    T, R, Q = w.torsion(), w.curvature(), w.nonmetricity()
    n = 3
    # (B1) DT^a = R^a_b ^ e^b
    DT = w.exterior_derivative(T)
    for a in range(n):
        rhs = sum((R[a][b] ^ e[b] for b in range(n)), gk.Form(c, 3))
        assert DT[a].equals(rhs, "algebraic")
    # (B2) DR^a_b = 0
    DR = w.exterior_derivative(R)
    assert all(DR[a][b].is_zero("algebraic") for a in range(n) for b in range(n))
    # (B0) DQ_ab = k (R_ab + R_ba)
    DQ = w.exterior_derivative(Q, indices="dd")
    Rl = lower(eta, R)
    for a in range(n):
        for b in range(n):
            assert DQ[a][b].equals((Rl[a][b] + Rl[b][a]) * scale, "algebraic")
    # Q is not zero for a random connection (the identity is not vacuous)
    assert any(Q[a][b] for a in range(n) for b in range(n))


def test_bianchi_noncoordinate_coframe():
    c = gk.Chart("x y z")
    x, y, z = c.coords
    dx, dy, dz = c.dx
    cf = gk.Coframe([dx, dy + x * dz, (1 + y**2) * dz])
    w = rand_connection(c, cf, seed=7, deg=1)
    e = cf.forms
    T, R = w.torsion(), w.curvature()
    DT = w.exterior_derivative(T)
    for a in range(3):
        assert DT[a].equals(sum((R[a][b] ^ e[b] for b in range(3)), gk.Form(c, 3)), "algebraic")
    DR = w.exterior_derivative(R)
    assert all(DR[a][b].is_zero("algebraic") for a in range(3) for b in range(3))
    # structure equations against the forms directly: T = de + w ^ e, R = dw + w ^ w
    om = w.omega()
    for a in range(3):
        assert T[a].equals(
            gk.d(e[a]) + sum((om[a][b] ^ e[b] for b in range(3)), gk.Form(c, 2)), "algebraic"
        )
        for b in range(3):
            rhs = gk.d(om[a][b]) + sum((om[a][k] ^ om[k][b] for k in range(3)), gk.Form(c, 2))
            assert R[a][b].equals(rhs, "algebraic")


def test_levi_civita_polar_and_sphere():
    c = gk.Chart("r phi", positive=True)
    r, phi = c.coords
    lc = gk.levi_civita(gk.Coframe([c.dx[0], r * c.dx[1]]))
    assert lc.omega()[0][1] == -c.dx[1]
    assert lc.ricci_scalar() == 0
    s = gk.Chart("theta phi", positive=True)
    th, _ = s.coords
    cf = gk.Coframe([s.dx[0], sp.sin(th) * s.dx[1]])
    lc = gk.levi_civita(cf)
    assert lc.omega()[1][0].equals(sp.cos(th) * s.dx[1], "algebraic")
    assert lc.curvature()[0][1].equals(cf.forms[0] ^ cf.forms[1], "trig")
    assert lc.ricci_scalar() == 2


@pytest.mark.parametrize("sig", sorted(ETAS))
def test_levi_civita_properties(sig):
    c = gk.Chart("x y z")
    x, y, z = c.coords
    dx, dy, dz = c.dx
    eta = ETAS[sig]
    cf = gk.Coframe([(1 + x**2) * dx, dy + x * dz, dz + y * dx], eta)
    lc = gk.levi_civita(cf)
    assert all(t.is_zero("algebraic") for t in lc.torsion())
    assert all(q.is_zero("algebraic") for row in lc.nonmetricity() for q in row)
    wl = lower(eta, lc.omega())
    assert all((wl[a][b] + wl[b][a]).is_zero("algebraic") for a in range(3) for b in range(3))
    # tetrad postulate vs the textbook Christoffel symbols of g
    g = cf.metric().matrix
    G = gk.christoffel(cf)
    ref = christoffel_direct(g, c.coords)
    for lam in range(3):
        for mu in range(3):
            for nu in range(3):
                assert sp.cancel(G[lam, mu, nu] - ref[lam][mu][nu]) == 0


def test_known_curvatures_3d():
    beta = sp.Symbol("beta", positive=True)
    c = gk.Chart("x y z")
    x, y, z = c.coords
    dx, dy, dz = c.dx
    nil = gk.levi_civita(gk.Coframe([dx, dy, dz + beta * x * dy]))
    assert nil.ricci_scalar() == -(beta**2) / 2
    h2 = gk.levi_civita(gk.Coframe([sp.exp(beta * y) * dx, dy, dz]))
    assert sp.simplify(h2.ricci_scalar() + 2 * beta**2) == 0


@pytest.mark.parametrize("n", [2, 3])
def test_conformally_flat_scalar(n):
    c = gk.Chart(" ".join(f"x{i}" for i in range(n)))
    xs = c.coords
    phi = sp.Function("phi")(*xs)
    cf = gk.Coframe([sp.exp(phi) * dxi for dxi in c.dx])
    R = gk.levi_civita(cf).ricci_scalar()
    lap = sum(sp.diff(phi, x, 2) for x in xs)
    grad2 = sum(sp.diff(phi, x) ** 2 for x in xs)
    expected = -sp.exp(-2 * phi) * (2 * (n - 1) * lap + (n - 2) * (n - 1) * grad2)
    assert sp.simplify(R - expected) == 0


@pytest.mark.parametrize("sig", sorted(ETAS))
def test_distortion_reproduces_torsion_and_nonmetricity(sig):
    c = gk.Chart("x y z")
    eta = ETAS[sig]
    cf = gk.Coframe(c.dx, eta)
    w = rand_connection(c, cf, seed=11 if sig == "euclid" else 12, deg=1)
    T, Q = w.torsion_components(), w.nonmetricity_components()
    N = w.distortion()
    K, L = contortion(T, eta), disformation(Q, eta)
    n = 3
    for a in range(n):
        for b in range(n):
            for k in range(n):
                assert sp.expand(N[a, b, k] - K[a, b, k] - L[a, b, k]) == 0
    Kc, Lc = w.contortion(), w.disformation()
    assert all(
        sp.expand(N[i] - Kc[i] - Lc[i]) == 0
        for i in [(a, b, k) for a in range(3) for b in range(3) for k in range(3)]
    )
    # N reproduces T (T^a = N^a_b ^ e^b) and Q (Q_ab = N_ab + N_ba)
    for a in range(n):
        for b in range(n):
            for k in range(n):
                tn = N[a, k, b] - N[a, b, k]
                assert sp.expand(tn - T[a, b, k]) == 0
                Nl = [
                    sum(eta[i, j] * N[j, p, q] for j in range(n))
                    for i, p, q in [(a, b, k), (b, a, k)]
                ]
                assert sp.expand(Nl[0] + Nl[1] - Q[a, b, k]) == 0
    # contortion alone: antisymmetric once lowered, no non-metricity
    for a in range(n):
        for b in range(n):
            for k in range(n):
                kab = sum(eta[a, j] * K[j, b, k] for j in range(n))
                kba = sum(eta[b, j] * K[j, a, k] for j in range(n))
                assert sp.expand(kab + kba) == 0


def test_curvature_split_by_distortion():
    """R = R_LC + D_LC N + N ^ N (MATH.md §2.5)."""
    c = gk.Chart("x y z")
    x, y, z = c.coords
    dx, dy, dz = c.dx
    cf = gk.Coframe([dx, dy + x * dz, dz])
    w = rand_connection(c, cf, seed=5, deg=1)
    lc = gk.levi_civita(cf)
    N = vector_forms(w.distortion(), cf, 1)
    DN = lc.exterior_derivative(N)
    R, R0 = w.curvature(), lc.curvature()
    for a in range(3):
        for b in range(3):
            NN = sum((N[a][k] ^ N[k][b] for k in range(3)), gk.Form(c, 2))
            assert R[a][b].equals(R0[a][b] + DN[a][b] + NN, "algebraic")


def test_gauge_covariance():
    c = gk.Chart("x y z")
    x, y, z = c.coords
    cf = gk.Coframe(c.dx)
    w = rand_connection(c, cf, seed=3, deg=1)
    # a full GL(3)-valued L with polynomial inverse (det L = 2), so 'expand' is canonical
    L = sp.Matrix([[2, x, 0], [0, 1, y], [0, 0, 1]]) * sp.Matrix([[1, 0, 0], [1, 1, 0], [z, 1, 1]])
    w2 = w.gauge(L)
    Li = L.inv()
    T, T2 = w.torsion(), w2.torsion()
    R, R2 = w.curvature(), w2.curvature()
    for a in range(3):
        rhs = sum((T[b] * Li[a, b] for b in range(3)), gk.Form(c, 2))
        assert T2[a].equals(rhs, "algebraic")
        for b in range(3):
            rhs = sum(
                (R[k][m] * (Li[a, k] * L[m, b]) for k in range(3) for m in range(3)), gk.Form(c, 2)
            )
            assert R2[a][b].equals(rhs, "algebraic")
    # the new coframe is L^-1 e, with eta' = L^T eta L and the same metric
    assert (w2.coframe.eta - L.T * L).applyfunc(sp.cancel) == sp.zeros(3, 3)
    assert (w2.coframe.metric().matrix - sp.eye(3)).applyfunc(sp.cancel) == sp.zeros(3, 3)
    # non-metricity transforms as a tensor: Q' = L^T Q L
    Q, Q2 = w.nonmetricity(), w2.nonmetricity()
    for a in range(3):
        for b in range(3):
            rhs = sum(
                (Q[k][m] * (L[k, a] * L[m, b]) for k in range(3) for m in range(3)), gk.Form(c, 1)
            )
            assert Q2[a][b].equals(rhs, "algebraic")


def test_flat_pure_gauge_connection():
    c = gk.Chart("x y")
    x, y = c.coords
    cf = gk.Coframe(c.dx)
    L = sp.Matrix([[sp.cos(x), -sp.sin(x)], [sp.sin(x), sp.cos(x)]]) * sp.exp(y)
    Li = L.inv().applyfunc(sp.simplify)
    om = [
        [
            sum((gk.d(c.scalar(L[k, b])) * Li[a, k] for k in range(2)), gk.Form(c, 1))
            for b in range(2)
        ]
        for a in range(2)
    ]
    w = gk.Connection(cf, om)
    assert all(R.is_zero("trig") for row in w.curvature() for R in row)


def test_connection_bad_input():
    c = gk.Chart("x y")
    cf = gk.Coframe(c.dx)
    with pytest.raises(gk.DimensionError):
        gk.Connection(cf, [[0, 0]])
    with pytest.raises(gk.DimensionError):
        gk.Connection(cf, [[0, 0, 0], [0, 0, 0]])
    with pytest.raises(gk.DegreeError):
        gk.Connection(cf, [[c.dx[0] ^ c.dx[1], 0], [0, 0]])
    other = gk.Chart("u v")
    with pytest.raises(gk.ChartError):
        gk.Connection(cf, [[other.dx[0], 0], [0, 0]])
    with pytest.raises(gk.GeomkitError):
        gk.Connection("not a coframe", [[0, 0], [0, 0]])
    with pytest.raises(gk.DimensionError):
        gk.levi_civita(cf).gauge(sp.eye(3))
    with pytest.raises(gk.SingularCoframeError):
        gk.levi_civita(cf).gauge(sp.Matrix([[1, 1], [1, 1]]))
    with pytest.raises(gk.DimensionError):
        gk.Connection.from_components(cf, [[1, 2], [3, 4]])


def test_from_components_and_weitzenbock():
    c = gk.Chart("x y")
    x, y = c.coords
    f = sp.Function("f")(x, y)
    cf = gk.Coframe([c.dx[0], sp.exp(f) * c.dx[1]])
    # teleparallel (Weitzenbock) connection: omega = 0 in this coframe, T^a = de^a, R = 0
    w0 = gk.Connection(cf, [[0, 0], [0, 0]])
    assert w0.torsion()[1].equals(gk.d(cf.forms[1]), "algebraic")
    assert all(R.is_zero("algebraic") for row in w0.curvature() for R in row)
    # components with a new function: the connection gets an engine that covers them
    h = sp.Function("h")(x)
    w = gk.Connection.from_components(cf, [[[h, 0], [0, x]], [[0, y], [y, 0]]])
    assert sp.simplify(w.omega_components()[0, 0, 0] - h) == 0
    assert w.omega()[0][0].equals(h * c.dx[0], "algebraic")
    assert w.coframe.forms == cf.forms
