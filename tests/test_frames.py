"""Coframes: duality, metric, anholonomy, Hodge star, from_metric, bad input (MATH.md §1.4)."""

import pytest
import sympy as sp

import geomkit as gk
from geomkit.symbolic import spacetimes
from geomkit.symbolic.simplify import simplify_expr


def polar():
    c = gk.Chart("r phi", positive=True)
    r, _ = c.coords
    return c, gk.Coframe([c.dx[0], r * c.dx[1]])


def test_frame_is_dual_to_coframe():
    c = gk.Chart("x y z")
    x, y, z = c.coords
    dx, dy, dz = c.dx
    cf = gk.Coframe([dx + y * dz, (1 + x**2) * dy, dz - x * dy])
    frame = cf.frame()
    for a in range(3):
        for b in range(3):
            assert sp.cancel(cf.forms[a](frame[b]) - (1 if a == b else 0)) == 0


def test_anholonomy_matches_brackets_and_de():
    c = gk.Chart("x y z")
    x, y, z = c.coords
    dx, dy, dz = c.dx
    cf = gk.Coframe([dx + y * dz, (1 + x**2) * dy, dz - x * dy])
    C = cf.anholonomy()
    e = cf.frame()
    for b in range(3):
        for k in range(3):
            br = gk.bracket(e[b], e[k])
            rhs = sum((e[a] * C[a, b, k] for a in range(3)), c.vector([0, 0, 0]))
            assert all(sp.cancel(u - v) == 0 for u, v in zip(br, rhs))
    # de^a = -1/2 C^a_bc e^b ^ e^c
    for a in range(3):
        comps = {(b, k): -C[a, b, k] for b in range(3) for k in range(b + 1, 3)}
        assert gk.d(cf.forms[a]).equals(cf.to_form(comps, 2), "cancel")


def test_metric_and_orthonormality():
    c, cf = polar()
    r, _ = c.coords
    assert cf.metric().matrix == sp.diag(1, r**2)
    assert cf.is_orthonormal
    m = gk.Chart("t x y z")
    mink = gk.Coframe(m.dx, sp.diag(-1, 1, 1, 1))
    assert mink.sign == -1
    assert mink.metric().signature == (3, 1)


def test_hodge_polar_and_minkowski():
    c, cf = polar()
    r, _ = c.coords
    dr, dphi = c.dx
    assert cf.hodge(c.scalar(1)) == r * (dr ^ dphi)
    assert cf.hodge(dr) == r * dphi
    assert cf.hodge(dphi).equals(-dr / r)
    m = gk.Chart("t x y z")
    mink = gk.Coframe(m.dx, sp.diag(-1, 1, 1, 1))
    dt, dx, dy, dz = m.dx
    assert mink.hodge(dt) == -(dx ^ dy ^ dz)
    # ** = s (-1)^{p(n-p)} in n = 4 Lorentzian: (-1, +1, -1, +1, -1)
    from itertools import combinations

    for p, sign in enumerate([-1, 1, -1, 1, -1]):
        for idx in combinations(range(4), p):
            f = gk.Form(m, p, {idx: 1}) if p else m.scalar(1)
            assert mink.hodge(mink.hodge(f)) == sign * f


def test_hodge_agrees_with_metric_hodge():
    c = gk.Chart("x y z", positive=True)
    x, y, z = c.coords
    dx, dy, dz = c.dx
    cf = gk.Coframe([x * dx, (1 + y**2) * dy, z * dz])
    g = cf.metric()
    for f in [dx, dy ^ dz, x * dx + y * dz, c.scalar(x * y)]:
        assert cf.hodge(f).equals(g.hodge(f))


def test_from_metric_diagonal_and_block():
    c = gk.Chart("t r theta phi", positive=True)
    t, r, th, ph = c.coords
    M, a = sp.symbols("M a", positive=True)
    g = spacetimes.kerr(c.coords, M, a)
    kerr = gk.Metric(c, g, sign=-1)
    cf = gk.Coframe.from_metric(kerr)
    assert cf.is_orthonormal
    assert cf.eta == sp.diag(-1, 1, 1, 1)
    # E^T eta E reproduces g exactly
    G = cf.E.T * cf.eta * cf.E
    for i in range(4):
        for j in range(4):
            assert simplify_expr(G[i, j] - g[i, j], "algebraic") == 0
    # a 3x3 block gives the coordinate coframe with eta = g
    x = gk.Chart("x y z")
    xx, yy, zz = x.coords
    h = sp.Matrix([[2, 1, 0], [1, 2, 1], [0, 1, 2 + xx**2]])
    cf3 = gk.Coframe.from_metric(gk.Metric(x, h))
    assert cf3.E == sp.eye(3) and cf3.eta == h
    assert not cf3.constant_eta


def test_change_of_frame_keeps_metric():
    c, cf = polar()
    r, phi = c.coords
    L = sp.Matrix([[sp.cos(phi), -sp.sin(phi)], [sp.sin(phi), sp.cos(phi)]])
    cf2 = cf.change(L)
    assert cf2.eta.applyfunc(sp.trigsimp) == sp.eye(2)
    assert (cf2.metric().matrix - cf.metric().matrix).applyfunc(sp.trigsimp) == sp.zeros(2, 2)


def test_frame_components_round_trip():
    c = gk.Chart("x y z")
    x, y, z = c.coords
    dx, dy, dz = c.dx
    cf = gk.Coframe([dx + y * dz, (1 + x**2) * dy, dz - x * dy])
    alpha = x * (dx ^ dy) + y * z * (dy ^ dz)
    comps = cf.components(alpha)
    assert cf.to_form(comps, 2).equals(alpha)


def test_bad_input():
    c = gk.Chart("x y")
    x, y = c.coords
    dx, dy = c.dx
    with pytest.raises(gk.SingularCoframeError):
        gk.Coframe([dx, 2 * dx])
    with pytest.raises(gk.SingularCoframeError):
        gk.Coframe([x * dx + y * dy, x**2 * dx + x * y * dy])
    with pytest.raises(gk.ChartError):
        gk.Coframe([dx, gk.Chart("u v").dx[1]])
    with pytest.raises(gk.DimensionError):
        gk.Coframe([dx])
    with pytest.raises(gk.DegreeError):
        gk.Coframe([dx, dx ^ dy])
    with pytest.raises(gk.DimensionError):
        gk.Coframe([dx, dy], sp.eye(3))
    with pytest.raises(gk.DegenerateMetricError):
        gk.Coframe([dx, dy], sp.diag(1, 0))
    with pytest.raises(gk.DegenerateMetricError):
        gk.Coframe([dx, dy], sp.Matrix([[1, 2], [0, 1]]))
    with pytest.raises(gk.GeomkitError):
        gk.Coframe([dx, "dy"])
    with pytest.raises(gk.GeomkitError):
        gk.Coframe.from_metric(sp.eye(2))
    cf = gk.Coframe([dx, dy])
    with pytest.raises(gk.ChartError):
        cf.hodge(gk.Chart("u v").dx[0])
    with pytest.raises(gk.DimensionError):
        cf.change(sp.eye(3))
    with pytest.raises(gk.SingularCoframeError):
        cf.change(sp.Matrix([[x, y], [x, y]]))
