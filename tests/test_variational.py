"""Field equations from Lagrangian forms: exterior route vs component route, and the
worked results of MATH.md §5.3."""

import pytest
import sympy as sp

import geomkit as gk
from geomkit.symbolic.simplify import simplify_expr
from geomkit.symbolic.variational import (
    FrameOps,
    VariedFrameOps,
    from_components,
    hodge_variation,
    maxwell,
    new_gr,
    reduce_form,
    tegr,
    to_components,
)


def torsion_energy(e, f):
    """L = 1/2 T^a ^ *T_a."""
    Tl = e.lower(f.T)
    return sum((f.T[a] ^ e.hodge(Tl[a]) for a in range(e.n)), 0 * e.vol) / 2


def alg(e):
    return simplify_expr(e, "algebraic")


def same(cf, u, v):
    return reduce_form(cf, u - v) == 0


def coframe3(eta):
    c = gk.Chart("x y z")
    x, y, z = c.coords
    E = sp.Matrix([[1 + x * y, z, 0], [0, 1 + x**2, y], [0, 0, 2 + z * y]])
    return gk.Coframe.from_matrix(c, E, eta)


def test_2d_worked_example():
    """n = 2, generic coframe: E_a = dt_a - 1/2 (t_1^2 + t_2^2) eps_a (MATH.md §5.3 item 1),
    by both routes."""
    c = gk.Chart("x y")
    x, y = c.coords
    F = [c.function(s) for s in ("a", "b", "p", "q")]
    E = sp.Matrix([[F[0], F[1]], [F[2], F[3]]])
    cf = gk.Coframe.from_matrix(c, E)
    det = E.det()
    t = [(sp.diff(E[a, 1], x) - sp.diff(E[a, 0], y)) / det for a in range(2)]
    eps = [cf.forms[1], -cf.forms[0]]
    want = [gk.d(c.scalar(t[a])) - eps[a] * ((t[0] ** 2 + t[1] ** 2) / 2) for a in range(2)]
    ext = gk.field_equations(torsion_energy, cf)
    comp = gk.field_equations(torsion_energy, cf, method="component")
    for a in range(2):
        assert ext[a].equals(want[a])
        assert comp[a].equals(want[a])
    # the component link: EL_a^1 = E_a2, EL_a^2 = -E_a1
    EL = to_components(ext)
    for a in range(2):
        assert sp.cancel(EL[a, 0] - ext[a][(1,)]) == 0
        assert sp.cancel(EL[a, 1] + ext[a][(0,)]) == 0
    assert all(u.equals(v) for u, v in zip(from_components(c, EL), ext))


@pytest.mark.parametrize("eta", [sp.eye(3), sp.diag(-1, 1, 1)], ids=["euclid", "lorentz"])
def test_3d_tau_term(eta):
    """E_a = d*T_a - tau_a, tau_a = 1/2 (i_a T^b ^ *T_b - T^b ^ i_a *T_b), including the
    T ^ i*T term that vanishes in 2-D; and the component route agrees."""
    cf = coframe3(eta)
    ext = gk.field_equations(torsion_energy, cf)
    comp = gk.field_equations(torsion_energy, cf, method="component")
    ops = FrameOps(cf)
    T = gk.weitzenbock(cf).torsion()
    Tl = ops.lower(T)
    c = cf.chart
    second = []
    for a in range(3):
        t1 = sum((ops.iota(a, T[b]) ^ cf.hodge(Tl[b]) for b in range(3)), gk.Form(c, 2))
        t2 = sum((T[b] ^ ops.iota(a, cf.hodge(Tl[b])) for b in range(3)), gk.Form(c, 2))
        second.append(t2)
        tau = (t1 - t2) / 2
        assert same(cf, ext[a], gk.d(cf.hodge(Tl[a])) - tau)
        assert same(cf, ext[a], comp[a])
    assert any(reduce_form(cf, t) != 0 for t in second)


def test_master_formula_against_exact_variation():
    """delta *Phi of the master formula = d/d eps of * for the coframe e + eps h, p = 0..3,
    Lorentzian 3-D."""
    c = gk.Chart("x y z")
    x, y, z = c.coords
    eps = sp.Symbol("eps")
    E = sp.Matrix([[1 + x, y, 0], [0, 2, z], [x * z, 0, 1]])
    H = sp.Matrix([[y, 0, 1], [x, z, 0], [0, 1 + y, x]])
    eta = sp.diag(-1, 1, 1)
    cf = gk.Coframe.from_matrix(c, E, eta, simplify="cancel")
    cfe = gk.Coframe.from_matrix(c, E + eps * H, eta, simplify="cancel")
    h = [gk.Form(c, 1, {(m,): H[a, m] for m in range(3)}) for a in range(3)]
    dx, dy, dz = c.dx
    for Phi in (c.scalar(x + 1), y * dx + dz, (dx ^ dy) * z + (dy ^ dz), dx ^ dy ^ dz):
        exact = cfe.hodge(Phi).applyfunc(lambda v: sp.diff(v, eps).subs(eps, 0))
        assert hodge_variation(cf, Phi, h).equals(exact)
        # the varied frame of field_equations reproduces it (one direction 'h')
        varied = VariedFrameOps(cf, {"h": h}).hodge(Phi)
        assert varied.tangent["h"].equals(exact)


def tegr_vs_einstein(cf):
    """EL_c^lambda[det E T] and 2 det E g^{lambda mu} G_{mu nu} E_c^nu."""
    n = cf.n
    ext = gk.field_equations(tegr(n), cf)
    EL = to_components(ext)
    G = gk.einstein(cf)
    g = cf.metric().matrix
    gi = g.inv()
    fr = cf.frame()
    det = cf.E.det()
    want = sp.Matrix(n, n, lambda a, lam: 2 * det * sum(
        gi[lam, m] * G[m, nu] * fr[a][nu] for m in range(n) for nu in range(n)))
    return EL, want


@pytest.mark.parametrize("make", [gk.defects.examples.E1, gk.defects.examples.E2])
def test_tegr_is_einstein_on_gallery(make):
    """MATH.md §5.3 item 3 on the E1 (H^2 x R) and E2 (Nil) coframes."""
    cf = make().coframe
    EL, want = tegr_vs_einstein(cf)
    assert any(sp.simplify(v) != 0 for v in want)
    assert (EL - want).applyfunc(alg) == sp.zeros(3, 3)


def test_tegr_lagrangian_is_torsion_scalar_times_vol():
    ex = gk.defects.examples.E2()
    cf = ex.coframe
    T = gk.weitzenbock(cf).torsion()
    from types import SimpleNamespace

    L = tegr(3)(FrameOps(cf), SimpleNamespace(T=T))
    assert L.equals(cf.hodge(cf.chart.scalar(1)) * ex.expected["torsion_scalar"])


def test_tegr_is_einstein_schwarzschild():
    """Diagonal tetrad of Schwarzschild (G = 0), and of a general static spherical metric
    -A^2 dt^2 + B^2 dr^2 + r^2 dOmega^2 (G != 0)."""
    c = gk.Chart("t r theta phi", positive=True)
    t, r, th, ph = c.coords
    M = sp.Symbol("M", positive=True)
    eta = sp.diag(-1, 1, 1, 1)
    f = 1 - 2 * M / r
    cf = gk.Coframe([sp.sqrt(f) * c.dx[0], c.dx[1] / sp.sqrt(f), r * c.dx[2],
                     r * sp.sin(th) * c.dx[3]], eta)
    EL = to_components(gk.field_equations(tegr(4), cf))
    assert EL == sp.zeros(4, 4)
    A, B = sp.Function("A")(r), sp.Function("B")(r)
    cf = gk.Coframe([A * c.dx[0], B * c.dx[1], r * c.dx[2], r * sp.sin(th) * c.dx[3]], eta)
    EL, want = tegr_vs_einstein(cf)
    assert want[0, 0] != 0
    assert (EL - want).applyfunc(alg) == sp.zeros(4, 4)


def test_maxwell():
    """L = -1/2 F ^ *F, F = dA: E_A = -d*F (Maxwell's equations d*F = 0), both routes,
    Minkowski with a generic potential and a Coulomb potential on Schwarzschild."""
    c = gk.Chart("t x y z")
    cf = gk.Coframe(c.dx, sp.diag(-1, 1, 1, 1))
    A = sum((c.function(f"A{m}") * c.dx[m] for m in range(4)), gk.Form(c, 1))
    pot = {"A": A}
    ext = gk.field_equations(maxwell, "A", coframe=cf, potentials=pot)
    comp = gk.field_equations(maxwell, "A", coframe=cf, potentials=pot, method="component")
    F = gk.d(A)
    assert ext.equals(-gk.d(cf.hodge(F)))
    assert ext.equals(comp)
    # component form: EL^mu = d_nu F^{nu mu}, i.e. the inhomogeneous Maxwell equations
    EL = to_components(ext)
    Fm = sp.Matrix(4, 4, lambda m, n: F[(int(m), int(n))])
    g = sp.diag(-1, 1, 1, 1)
    Fu = g * Fm * g
    for mu in range(4):
        div = sum(sp.diff(Fu[nu, mu], c.coords[nu]) for nu in range(4))
        assert sp.expand(EL[(mu,)] - div) == 0
    # Coulomb: A = -q/r dt solves Maxwell on Schwarzschild
    s = gk.Chart("t r theta phi", positive=True)
    t, r, th, ph = s.coords
    M, q = sp.symbols("M q", positive=True)
    f = 1 - 2 * M / r
    cfs = gk.Coframe([sp.sqrt(f) * s.dx[0], s.dx[1] / sp.sqrt(f), r * s.dx[2],
                      r * sp.sin(th) * s.dx[3]], sp.diag(-1, 1, 1, 1))
    assert gk.field_equations(maxwell, "A", coframe=cfs, potentials={"A": -q / r * s.dx[0]}) == 0
    bad = gk.field_equations(maxwell, "A", coframe=cfs, potentials={"A": -q / r**2 * s.dx[0]})
    assert not bad.is_zero()


def test_maxwell_stress_from_coframe_variation():
    """Varying the coframe in L = -1/2 F ^ *F (F fixed) gives dL/de^a = i_a L - i_aF ^ H with
    H = -*F, the Maxwell energy-momentum; the component route agrees."""
    cf = coframe3(sp.diag(-1, 1, 1))
    c = cf.chart
    x, y, z = c.coords
    A = x * y * c.dx[2] + z * c.dx[0]
    ext = gk.field_equations(maxwell, cf, potentials={"A": A})
    comp = gk.field_equations(maxwell, cf, potentials={"A": A}, method="component")
    ops = FrameOps(cf)
    F = gk.d(A)
    Lf = -(F ^ cf.hodge(F)) / 2
    for a in range(3):
        want = ops.iota(a, Lf) + (ops.iota(a, F) ^ cf.hodge(F))
        assert same(cf, ext[a], want)
        assert same(cf, ext[a], comp[a])


def test_new_gr_family():
    """New GR with symbolic (a1, a2, a3): exterior = component route; TEGR is the special
    case (1, -(n-2), -1/2), and its equations are Einstein's."""
    a1, a2, a3 = sp.symbols("a1 a2 a3")
    cf = gk.defects.examples.E2().coframe
    L = new_gr(a1, a2, a3)
    ext = gk.field_equations(L, cf)
    comp = gk.field_equations(L, cf, method="component")
    assert all(same(cf, u, v) for u, v in zip(ext, comp))
    at_tegr = [u.subs({a1: 1, a2: -1, a3: sp.Rational(-1, 2)}) for u in ext]
    EL, want = tegr_vs_einstein(cf)
    assert (to_components(at_tegr) - want).applyfunc(alg) == sp.zeros(3, 3)
    # off the TEGR point the equations differ from Einstein's
    off = [u.subs({a1: 1, a2: 0, a3: 0}) for u in ext]
    assert (to_components(off) - want).applyfunc(alg) != sp.zeros(3, 3)


def test_nonzero_connection_uses_covariant_derivative():
    """With a fixed teleparallel connection omega, T = De and E_a = dL/de^a + DH_a; the
    component route (varying e at fixed omega) agrees."""
    ex = gk.defects.examples.E5()
    conn = ex.connection
    cf = conn.coframe
    ext = gk.field_equations(torsion_energy, cf, connection=conn)
    comp = gk.field_equations(torsion_energy, cf, connection=conn, method="component")
    assert all(same(cf, u, v) for u, v in zip(ext, comp))
    plain = gk.field_equations(torsion_energy, cf)
    assert not all(same(cf, u, v) for u, v in zip(ext, plain))


def test_wedge_method_carries_variations():
    """e.wedge inside a Lagrangian gives the same equations as the ^ operator."""
    cf = gk.defects.examples.E1().coframe

    def L(e, f):
        Tl = e.lower(f.T)
        return sum((e.wedge(f.T[a], e.hodge(Tl[a])) for a in range(e.n)), 0 * e.vol) / 2

    for u, v in zip(gk.field_equations(L, cf), gk.field_equations(torsion_energy, cf)):
        assert u == v


def test_bad_inputs():
    c = gk.Chart("x y")
    cf = gk.Coframe(c.dx)
    with pytest.raises(gk.GeomkitError, match="potentials"):
        gk.field_equations(maxwell, "B", coframe=cf, potentials={"A": c.dx[0]})
    with pytest.raises(gk.GeomkitError, match="coframe="):
        gk.field_equations(maxwell, "A", potentials={"A": c.dx[0]})
    with pytest.raises(gk.GeomkitError, match="method"):
        gk.field_equations(torsion_energy, cf, method="numeric")
    with pytest.raises(gk.DegreeError, match="2-form"):
        gk.field_equations(lambda e, f: e.e[0], cf)
    with pytest.raises(gk.GeomkitError, match="wrt"):
        gk.field_equations(torsion_energy, 3)
