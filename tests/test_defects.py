"""Defect dictionaries, Burgers and Frank integrals, and the gallery E0-E7 (MATH.md §4.2-4.3)."""

import pytest
import sympy as sp

import geomkit as gk
from geomkit.defects import (
    burgers_flux,
    burgers_vector,
    defect_densities,
    frank_rotation,
    frank_vector,
    general_teleparallel,
    integrate_form,
    mainstream,
)
from geomkit.defects import examples as X


@pytest.mark.parametrize("make", X.ALL, ids=[f.__name__ for f in X.ALL])
def test_gallery_expected_values(make):
    """Every hand-derived value of MATH.md §4.3 (torsion, non-metricity, traces, pieces,
    scalars) agrees with geomkit."""
    ex = make()
    assert ex.expected
    assert ex.mismatches() == []


def test_gallery_detects_a_wrong_value():
    ex = X.E1()
    ex.expected["trace"] = [0, ex.symbols["beta"], 0]
    assert [m[:2] for m in ex.mismatches()] == [("trace", (1,))]


@pytest.mark.parametrize("make", [X.E3_screw, X.E3_edge])
def test_burgers_vector_loop_equals_flux(make):
    """Stokes: closed-loop integral of e^a = flux of T^a = b f(R) for the relevant a."""
    ex = make()
    loop, param = ex.extra["loop"]
    disc, params = ex.extra["disc"]
    a = ex.extra["component"]
    want = [0, 0, 0]
    want[a] = ex.extra["burgers"]
    b_loop = burgers_vector(ex.coframe, loop, param)
    b_flux = burgers_flux(ex.connection, disc, params)
    for u, v, w in zip(b_loop, b_flux, want):
        assert sp.simplify(u - w) == 0
        assert sp.simplify(v - w) == 0


def test_edge_trace_first_order():
    """Edge dislocation: T = rho e^2 to first order in b; screw: T = 0 exactly."""
    ex = X.E3_edge()
    b = ex.symbols["b"]
    tr = general_teleparallel(ex.connection).dislocation
    e2 = ex.coframe.forms[1]
    lin = tr.applyfunc(lambda v: sp.diff(v, b).subs(b, 0) * b)
    assert lin.equals(e2 * ex.extra["rho"])
    assert general_teleparallel(X.E3_screw().connection).dislocation == 0


def test_burgers_numeric_fallback():
    ex = X.E3_screw(b=sp.Integer(2), r0=sp.Integer(1))
    loop, (t, lo, hi) = ex.extra["loop"]
    R = ex.extra["R"]
    loop = {k: sp.sympify(v).subs(R, 1) for k, v in loop.items()}
    num = burgers_vector(ex.coframe, loop, (t, lo, hi), method="numeric")
    assert abs(num[2] - 2 * (1 - sp.exp(-1))) < 1e-12
    assert abs(num[0]) < 1e-12


def test_wedge_disclination_frank_angle():
    """E7: total curvature over a disc = -2 pi (h'(R) - h'(0)) -> Frank angle 2 pi (1 - alpha)."""
    ex = X.E7()
    disc, params = ex.extra["disc"]
    Om = frank_rotation(ex.connection, disc, params)
    assert sp.simplify(Om[0, 1] - ex.extra["total_curvature"]) == 0
    assert sp.simplify(Om[1, 0] + ex.extra["total_curvature"]) == 0
    fv = frank_vector(ex.connection, disc, params)
    assert fv[:2] == (0, 0)
    assert sp.limit(fv[2], ex.extra["R"], sp.oo) == ex.extra["frank_angle"]
    # mainstream connection form omega^1_2 = -h' dphi
    assert ex.connection.omega()[0][1].equals(ex.extra["omega12"], "algebraic")


def test_wedge_disclination_tegr_cross_check():
    """E7 in the frame-parallel gauge: T = -(h'/h) e^1 and the annulus integral of R°."""
    ex = X.E7()
    W = gk.weitzenbock(ex.coframe)
    tr = general_teleparallel(W).dislocation
    want = ex.coframe.to_form({(0,): ex.extra["weitzenbock_trace"][0]}, 1)
    assert tr.equals(want, "algebraic")
    R = gk.levi_civita(ex.coframe).ricci_scalar()
    area = ex.coframe.forms[0] ^ ex.coframe.forms[1]
    ann, params = ex.extra["annulus"]
    val = integrate_form(area * R, ann, params)
    assert sp.simplify(val - ex.extra["annulus_R_integral"]) == 0


def test_dictionaries_on_gallery():
    """Mainstream vs general teleparallel assignments (MATH.md §4.2)."""
    beta = sp.Symbol("beta")
    kappa = sp.Symbol("kappa")
    e1, e5, e6, e4 = X.E1(), X.E5(), X.E6(), X.E4()
    m = mainstream(e1.connection)
    assert m.dislocation == e1.connection.torsion()
    assert all(R == 0 for row in m.disclination for R in row)
    assert m.point == 0
    g = general_teleparallel(e1.connection)
    assert g.dislocation.equals(-beta * e1.coframe.forms[1])
    # screw content sits in the axial piece, not in the trace
    g2 = general_teleparallel(X.E2().connection)
    assert g2.dislocation == 0
    assert g2.axial.equals(beta * X.E2().coframe.hodge(X.E2().coframe.chart.scalar(1)))
    assert general_teleparallel(X.E2().connection, axial_weight=0).axial == 0
    c = e5.coframe.chart
    x, y, z = c.coords
    dx, dy, dz = c.dx
    g5 = general_teleparallel(e5.connection)
    assert (g5.dislocation, g5.disclination, g5.point) == (-kappa * dy, 0, 2 * kappa * dy)
    g5w = general_teleparallel(e5.connection, disclination_trace="Lambda_W")
    assert g5w.disclination == -2 * kappa / 3 * dy
    g6 = general_teleparallel(e6.connection, nonmetricity_scale=sp.Rational(1, 2),
                              disclination_scale=3, point_scale=sp.Rational(1, 3))
    assert (g6.dislocation, g6.disclination, g6.point) == (0, 3 * kappa * dx, kappa / 3 * dx)
    assert g6.options["nonmetricity_scale"] == sp.Rational(1, 2)
    # duals are the (n-1)-forms *rho
    g6d = general_teleparallel(e6.connection, dual=True)
    assert g6d.disclination == 2 * kappa * (dy ^ dz)
    # point defects: the Weyl trace, in both dictionaries
    assert mainstream(e4.connection).point.equals(general_teleparallel(e4.connection).point)
    assert defect_densities(e5.connection, "general_teleparallel").point == g5.point


def test_dislocation_density_tensor_of_burgers_flux_is_hodge_dual():
    """The flux of T^a through a coordinate square equals its area times T^a_{12} (E1 at y=0)."""
    ex = X.E1()
    c = ex.coframe.chart
    x, y, z = c.coords
    u, v = sp.symbols("u v")
    b = burgers_flux(ex.connection, {x: u, y: v, z: 0}, [(u, 0, 1), (v, 0, 1)])
    beta = ex.symbols["beta"]
    assert sp.simplify(b[0] - (-(sp.exp(beta) - 1))) == 0
    assert b[1:] == (0, 0)


def test_bad_inputs():
    ex = X.E7()
    with pytest.raises(gk.GeomkitError, match="not teleparallel"):
        general_teleparallel(ex.connection)
    with pytest.raises(gk.GeomkitError, match="disclination_trace"):
        general_teleparallel(X.E5().connection, disclination_trace="Q")
    with pytest.raises(gk.GeomkitError, match="unknown defect dictionary"):
        defect_densities(X.E5().connection, "kroener")
    with pytest.raises(gk.GeomkitError, match="Connection"):
        mainstream(X.E5().coframe)
    c = gk.Chart("x y")
    x, y = c.coords
    t = sp.Symbol("t")
    with pytest.raises(gk.DegreeError):
        integrate_form(c.dx[0] ^ c.dx[1], {x: t, y: t}, [(t, 0, 1)])
    with pytest.raises(gk.GeomkitError, match="triple"):
        integrate_form(c.dx[0], {x: t, y: t}, [t])
    a = sp.Symbol("a")
    with pytest.raises(gk.GeomkitError, match="substitute"):
        integrate_form(a * c.dx[0], {x: t, y: t}, [(t, 0, 1)], method="numeric")
    with pytest.raises(gk.DimensionError):
        frank_vector(gk.levi_civita(gk.Coframe(c.dx)), {x: t, y: t}, [(t, 0, 1)])
