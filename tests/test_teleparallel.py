"""Teleparallel connections and the identities linking T, Q to the Riemannian scalar
(MATH.md §3.3, §4.1)."""

import random

import pytest
import sympy as sp

import geomkit as gk
from geomkit.symbolic.teleparallel import (
    check_flat,
    curvature_split,
    divergence,
    is_flat,
    nonmetricity_scalar,
    torsion_scalar,
    torsion_trace_vector,
)


def zero(e):
    return sp.cancel(sp.together(e)) == 0


ETAS3 = {"euclid": sp.eye(3), "lorentz": sp.diag(-1, 1, 1)}


def generic3(c):
    x, y, z = c.coords
    return sp.Matrix([[1 + x * y, z, 0], [0, 1 + x**2, y], [x, 0, 2 + z * y]])


@pytest.mark.parametrize("sig", sorted(ETAS3))
def test_weitzenbock_identity_3d(sig):
    """R° = -T + 2 div T^c: the quadratic part of the split is the torsion scalar and the
    current is -2 x the trace vector."""
    c = gk.Chart("x y z")
    W = gk.weitzenbock(gk.Coframe.from_matrix(c, generic3(c), ETAS3[sig]))
    assert is_flat(W)
    assert all(q.is_zero() for row in W.nonmetricity() for q in row)
    s = curvature_split(W)
    assert s.full == 0
    assert zero(s.quadratic - torsion_scalar(W))
    tv = torsion_trace_vector(W)
    assert all(zero(v + 2 * t) for v, t in zip(s.current, tv))
    assert zero(s.riemannian + torsion_scalar(W) - divergence(W.coframe, [2 * t for t in tv]))


def test_weitzenbock_identity_4d_lorentzian():
    c = gk.Chart("t x y z")
    t, x, y, z = c.coords
    E = sp.diag(1 + x**2, 1, 1 + t * y, 1)
    E[3, 1] = t
    W = gk.weitzenbock(gk.Coframe.from_matrix(c, E, sp.diag(-1, 1, 1, 1)))
    s = curvature_split(W)
    tv = torsion_trace_vector(W)
    assert zero(s.quadratic - torsion_scalar(W))
    assert zero(s.riemannian + torsion_scalar(W) - divergence(W.coframe, [2 * v for v in tv]))


def test_two_dimensions_torsion_scalar_vanishes():
    """n = 2: T = 0 identically, so R° = 2 div T^c (Gauss-Bonnet density)."""
    c = gk.Chart("x y")
    x, y = c.coords
    f = [c.function(n) for n in ("a", "b", "p", "q")]
    W = gk.weitzenbock(gk.Coframe.from_matrix(c, sp.Matrix([[f[0], f[1]], [f[2], f[3]]]),
                                              simplify="cancel"))
    assert torsion_scalar(W) == 0
    tv = torsion_trace_vector(W)
    R = gk.levi_civita(W.coframe).ricci_scalar()
    assert zero(R - divergence(W.coframe, [2 * v for v in tv]))


def test_coincident_gauge_identity():
    """Symmetric teleparallel: T = R = 0, Q_{mu nu} = -d g_{mu nu}, R° = Q + div(q - lambda)
    with our sign of Q (the literature's -div(Q - Q~) with Q = +grad g)."""
    c = gk.Chart("x y z")
    x, y, z = c.coords
    g = sp.Matrix([[1 + x**2, y, 0], [y, 2 + z**2, x], [0, x, 3 + y**2]])
    G = gk.coincident_gauge(gk.Metric(c, g))
    assert all(T.is_zero() for T in G.torsion())
    assert is_flat(G)
    Q = G.nonmetricity_components()
    for m in range(3):
        for n in range(3):
            for lam in range(3):
                assert zero(Q[m, n, lam] + sp.diff(g[m, n], c.coords[lam]))
    Qs = nonmetricity_scalar(G)
    s = curvature_split(G)
    assert zero(s.quadratic + Qs)
    gi = g.inv()
    q = [sum(gi[a, b] * Q[a, b, k] for a in range(3) for b in range(3)) for k in range(3)]
    lam = [sum(gi[a, k] * Q[a, b, k] for a in range(3) for k in range(3)) for b in range(3)]
    V = [sum(gi[k, e] * (q[e] - lam[e]) for e in range(3)) for k in range(3)]
    assert zero(s.riemannian - Qs - divergence(G.coframe, V))


def test_coincident_gauge_scale_half():
    c = gk.Chart("r phi", positive=True)
    r, phi = c.coords
    G = gk.coincident_gauge(gk.Metric(c, sp.diag(1, r**2)), nonmetricity_scale=sp.Rational(1, 2))
    assert G.nonmetricity()[1][1] == -r * c.dx[0]


@pytest.mark.parametrize("seed", [0, 1])
def test_general_teleparallel_random_L(seed):
    """omega = L^-1 dL is flat; R° = -N - div V holds with both T and Q present."""
    rng = random.Random(seed)
    c = gk.Chart("x y z")
    xs = c.coords
    L = sp.eye(3)
    for i in range(3):
        for j in range(3):
            if i != j and rng.random() < 0.4:
                L[i, j] = rng.randint(-2, 2) * xs[rng.randrange(3)]
        L[i, i] = 1 + rng.randint(1, 2) * xs[i] ** 2
    cf = gk.Coframe([c.dx[0], c.dx[1] + xs[0] * c.dx[2], c.dx[2]])
    G = gk.teleparallel(cf, L)
    assert is_flat(G)
    check_flat(G)
    # omega = L^-1 dL
    Li = L.inv()
    for a in range(3):
        for b in range(3):
            want = sum((gk.d(c.scalar(L[k, b])) * Li[a, k] for k in range(3)), gk.Form(c, 1))
            assert G.omega()[a][b].equals(want)
    s = curvature_split(G)
    assert zero(s.riemannian + s.quadratic + s.divergence)


def test_torsion_scalar_form_expression():
    """T vol = T^a ^ *((1)T_a - (n-2)(2)T_a - 1/2 (3)T_a) on E2 (MATH.md §3.3)."""
    from geomkit.symbolic.decompose import torsion_pieces, vector_forms

    ex = gk.defects.examples.E2()
    W = ex.connection
    cf = W.coframe
    p = torsion_pieces(W)
    comb = p.tensor - p.vector - p.axial / 2
    forms = vector_forms(comb, cf, 2)
    lhs = sum((W.torsion()[a] ^ cf.hodge(forms[a]) for a in range(3)), gk.Form(cf.chart, 3))
    vol = cf.hodge(cf.chart.scalar(1))
    assert lhs.equals(vol * torsion_scalar(W))
    assert torsion_scalar(W) == ex.symbols["beta"] ** 2 / 2


def test_bad_inputs():
    c = gk.Chart("x y")
    x, y = c.coords
    with pytest.raises(gk.GeomkitError, match="Coframe"):
        gk.weitzenbock([c.dx[0], c.dx[1]])
    with pytest.raises(gk.GeomkitError, match="Metric"):
        gk.coincident_gauge(sp.eye(2))
    with pytest.raises(gk.SingularCoframeError):
        gk.teleparallel(gk.Coframe(c.dx), sp.Matrix([[1, x], [1, x]]))
    with pytest.raises(gk.DimensionError):
        gk.teleparallel(gk.Coframe(c.dx), sp.eye(3))
    S2 = gk.Chart("theta phi", positive=True)
    th, _ = S2.coords
    lc = gk.levi_civita(gk.Coframe([S2.dx[0], sp.sin(th) * S2.dx[1]]))
    assert not is_flat(lc)
    with pytest.raises(gk.GeomkitError, match="not teleparallel"):
        check_flat(lc)


@pytest.mark.parametrize("name", ["E5", "E6", "curved"])
def test_general_teleparallel_form_identity(name):
    """R° ^a_b = -D°N^a_b - N^a_c ^ N^c_b for a flat connection (MATH.md §2.5, §4.1)."""
    from geomkit.symbolic.decompose import vector_forms

    if name == "curved":
        c = gk.Chart("x y z")
        x, y, z = c.coords
        cf = gk.Coframe([c.dx[0], c.dx[1] + x * c.dx[2], (1 + y**2) * c.dx[2]])
        conn = gk.teleparallel(cf, sp.Matrix([[1 + x**2, y, 0], [0, 1, 0], [0, z, 2]]))
        assert gk.levi_civita(cf).ricci_scalar() != 0
    else:
        conn = getattr(gk.defects.examples, name)().connection
    cf = conn.coframe
    lc = gk.levi_civita(cf)
    N = vector_forms(conn.distortion(), cf, 1)
    DN = lc.exterior_derivative(N, "ud")
    R0 = lc.curvature()
    for a in range(3):
        for b in range(3):
            NN = sum((N[a][c] ^ N[c][b] for c in range(3)), gk.Form(cf.chart, 2))
            assert (R0[a][b] + DN[a][b] + NN).is_zero()
