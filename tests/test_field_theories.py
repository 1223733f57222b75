"""Field equations with independent connections, frame metrics, curvature and f(invariant)
Lagrangians: known answers (Einstein, Palatini, Einstein--Cartan, f(T) and f(Q) cosmology)
and agreement of the exterior and component routes."""

import itertools

import pytest
import sympy as sp

import geomkit as gk
from geomkit.errors import GeomkitError
from geomkit.symbolic.simplify import simplify_expr
from geomkit.symbolic.spacetimes import schwarzschild
from geomkit.symbolic.teleparallel import curvature_split, divergence
from geomkit.symbolic.variational import reduce_form

ETA4 = sp.diag(-1, 1, 1, 1)


def alg(e):
    return simplify_expr(e, "algebraic")


def same_forms(cf, us, vs):
    return all(reduce_form(cf, u - v) == 0 for u, v in zip(us, vs))


def coframe3(eta=None):
    c = gk.Chart("x y z")
    x, y, z = c.coords
    E = sp.Matrix([[1 + x * y, z, 0], [0, 1 + x**2, y], [0, 0, 2 + z * y]])
    return gk.Coframe.from_matrix(c, E, eta)


def einstein_density(cf):
    """-det E G^nu_a (the coframe EL of R vol / 2)."""
    n = cf.n
    G, g = gk.einstein(cf), cf.metric().matrix
    gi, fr, det = g.inv(), cf.frame(), cf.E.det()
    return sp.Matrix(n, n, lambda a, lam: -det * sum(
        gi[lam, m] * G[m, nu] * fr[a][nu] for m in range(n) for nu in range(n)))


@pytest.fixture(scope="module")
def flrw():
    c = gk.Chart("t x y z")
    t = c.coords[0]
    a = sp.Function("a")(t)
    rho, p = sp.Function("rho")(t), sp.Function("p")(t)
    cf = gk.Coframe([c.dx[0]] + [a * dx for dx in c.dx[1:]], ETA4)
    return c, t, a, rho, p, cf


# -- the curvature_split / divergence crash --
@pytest.mark.parametrize("metric, want", [
    ("spherical", 2), ("cylindrical", 0),
])
def test_curvature_split_spherical_and_cylindrical_charts(metric, want):
    c = gk.Chart("r theta phi" if metric == "spherical" else "r phi z", positive=True)
    r, th, _ = c.coords
    g = sp.diag(1, r**2, r**2 * sp.sin(th) ** 2) if metric == "spherical" else sp.diag(1, r**2, 1)
    s = curvature_split(gk.coincident_gauge(gk.Metric(c, g)))   # default strategy
    assert s.full == 0 and s.riemannian == 0
    assert sp.simplify(s.divergence - want / r**2) == 0
    assert sp.simplify(s.quadratic + s.divergence) == 0         # R = 0 = N + div


def test_divergence_has_no_abs_and_matches_definition():
    """div V = (1/sqrt|g|) d_mu(sqrt|g| V^mu) on Schwarzschild (det g < 0, sin theta)."""
    c = gk.Chart("t r theta phi", positive=True)
    t, r, th, ph = c.coords
    M = sp.Symbol("M", positive=True)
    G = gk.coincident_gauge(gk.Metric(c, schwarzschild(c.coords, M),
                                      sign=-1))
    V = [0, r**2 * sp.cos(th), sp.sin(th) / r, 0]           # frame = coordinate basis here
    div = divergence(G.coframe, V)
    sq = r**2 * sp.sin(th)
    want = sum(sp.diff(sq * V[m], x) for m, x in enumerate(c.coords)) / sq
    assert not div.has(sp.Abs)
    assert sp.simplify(div - want) == 0


def test_top_level_names():
    for name in ("torsion_scalar", "torsion_trace_vector", "is_flat", "tegr", "new_gr",
                 "maxwell", "to_components", "einstein_hilbert", "einstein_cartan", "f_T",
                 "f_Q", "quadratic_teleparallel", "minisuperspace", "perfect_fluid"):
        assert callable(getattr(gk, name)), name


# -- Einstein-Hilbert --
@pytest.mark.parametrize("eta", [None, sp.diag(-1, 1, 1)])
def test_einstein_hilbert_coframe_variation_is_einstein(eta):
    """L = R^a_b ^ *(e_a ^ e^b)/2 at the Levi-Civita connection: EL = -det E G^nu_a."""
    c = gk.Chart("x y z")
    x, y, z = c.coords
    cf = gk.Coframe([sp.exp(y) * c.dx[0], c.dx[1] + x * c.dx[2], (1 + x**2) * c.dx[2]], eta)
    E = gk.field_equations(gk.einstein_hilbert(), cf, connection=gk.levi_civita(cf))
    diff = (gk.to_components(E) - einstein_density(cf)).applyfunc(alg)
    assert diff == sp.zeros(3, 3)


def test_einstein_hilbert_flrw_is_friedmann(flrw):
    c, t, a, rho, p, cf = flrw
    red = gk.minisuperspace(gk.einstein_hilbert(), cf, connection=gk.levi_civita(cf),
                            source=gk.perfect_fluid(rho, p))
    H = sp.diff(a, t) / a
    assert len(red) == 2
    assert sp.simplify(red[0].rhs - 3 * H**2) == 0 and red[0].lhs == rho
    assert sp.simplify(red[1].rhs + 2 * sp.diff(a, t, 2) / a + H**2) == 0


def _antisym_unknowns(cf, n):
    """omega = LC + N with N_ab = N_abc e^c antisymmetric, N_abc symbols."""
    eta = cf.eta
    N = {(a, b, k): sp.Symbol(f"N{a}{b}{k}") for a, b in itertools.combinations(range(n), 2)
         for k in range(n)}

    def Nl(a, b, k):
        return 0 if a == b else (N[a, b, k] if a < b else -N[b, a, k])

    lc = gk.levi_civita(cf).omega()
    om = [[lc[a][b] + sum((cf.forms[k] * (eta[a, a] * Nl(a, b, k)) for k in range(n)),
                          gk.Form(cf.chart, 1)) for b in range(n)] for a in range(n)]
    return gk.Connection(cf, om), N


@pytest.mark.parametrize("dim", [3, 4])
def test_palatini_metric_connection_is_levi_civita(dim, flrw):
    """Varying the metric-compatible connection of EH: the only solution is N = 0
    (torsion-free, Levi-Civita), in 3 and 4 dimensions."""
    cf = coframe3() if dim == 3 else flrw[-1]
    conn, N = _antisym_unknowns(cf, dim)
    E = gk.field_equations(gk.einstein_hilbert(), "metric_connection", connection=conn)
    eqs = [v for row in E for form in row for v in form.components.values()]
    assert len(sp.linsolve(eqs, list(N.values())).args) == 1
    assert sp.linsolve(eqs, list(N.values())) == sp.FiniteSet(tuple([0] * len(N)))
    # and the Levi-Civita connection solves it
    E0 = gk.field_equations(gk.einstein_hilbert(), "metric_connection",
                            connection=gk.levi_civita(cf))
    assert all(not x for row in E0 for x in row)


def test_palatini_general_connection_up_to_projective_mode():
    """All omega^a_b independent (metric-affine Palatini, eta fixed): omega is Levi-Civita
    up to the projective mode N^a_b = delta^a_b xi (n free components)."""
    c = gk.Chart("x y z")
    x = c.coords[0]
    cf = gk.Coframe([c.dx[0], sp.exp(x) * c.dx[1], c.dx[2]])
    n = 3
    N = {(a, b, k): sp.Symbol(f"N{a}{b}{k}") for a in range(n) for b in range(n)
         for k in range(n)}
    lc = gk.levi_civita(cf).omega()
    om = [[lc[a][b] + sum((cf.forms[k] * N[a, b, k] for k in range(n)), gk.Form(c, 1))
           for b in range(n)] for a in range(n)]
    E = gk.field_equations(gk.einstein_hilbert(), "connection",
                           connection=gk.Connection(cf, om))
    eqs = [v for row in E for form in row for v in form.components.values()]
    sol = sp.solve(eqs, list(N.values()), dict=True)[0]
    free = set().union(*(sp.sympify(v).free_symbols for v in sol.values())) | (
        set(N.values()) - set(sol))
    assert len(free) == n
    for (a, b, k), s in N.items():
        v = sol.get(s, s)
        if a != b:
            assert v == 0
        else:
            assert v == sol.get(N[0, 0, k], N[0, 0, k])   # N^a_a = xi, same for every a


def test_einstein_cartan_torsion_is_algebraic_in_spin():
    """Hehl et al. (1976): modified torsion = spin.  In geomkit's normalisation
    (tau_ab = tau_abk *e^k, delta L_m = 1/2 delta omega^ab ^ tau_ab, kappa = 1):
    T^c_ab + delta^c_a T_b - delta^c_b T_a = -tau_ab^c with T_a = T^d_ad."""
    n = 4
    c = gk.Chart("t x y z")
    cf = gk.Coframe(c.dx, ETA4)
    N = {(a, b, k): sp.Symbol(f"N{a}{b}{k}") for a, b in itertools.combinations(range(n), 2)
         for k in range(n)}

    def Nl(a, b, k):
        return 0 if a == b else (N[a, b, k] if a < b else -N[b, a, k])

    om = [[sum((c.dx[k] * (ETA4[a, a] * Nl(a, b, k)) for k in range(n)), gk.Form(c, 1))
           for b in range(n)] for a in range(n)]
    conn = gk.Connection(cf, om)
    tv = {}
    tau = [[gk.Form(c, 3) for _ in range(n)] for _ in range(n)]
    for a, b in itertools.combinations(range(n), 2):
        for k in range(n):
            tv[a, b, k] = v = sp.Symbol(f"t{a}{b}{k}")
            tau[a][b] = tau[a][b] + cf.hodge(c.dx[k]) * v
            tau[b][a] = tau[b][a] - cf.hodge(c.dx[k]) * v
    E = gk.field_equations(gk.einstein_cartan(tau), "metric_connection", connection=conn)
    eqs = [v for row in E for form in row for v in form.components.values()]
    sol = sp.solve(eqs, list(N.values()), dict=True)
    assert len(sol) == 1
    T = conn.torsion_components().applyfunc(lambda v: v.subs(sol[0]))
    tr = [sum(T[d, a, d] for d in range(n)) for a in range(n)]
    for (a, b, k), v in tv.items():
        mod = T[k, a, b] + (tr[b] if k == a else 0) - (tr[a] if k == b else 0)
        assert sp.expand(mod + ETA4[k, k] * v) == 0
    # vacuum: the torsion vanishes
    zero = [[gk.Form(c, 3)] * n for _ in range(n)]
    E0 = gk.field_equations(gk.einstein_cartan(zero), "metric_connection", connection=conn)
    eqs0 = [v for row in E0 for form in row for v in form.components.values()]
    assert sp.solve(eqs0, list(N.values())) == {s: 0 for s in N.values()}


# -- f(T) and f(Q) cosmology --
def test_f_T_flrw_is_bengochea_ferraro(flrw):
    """Diagonal tetrad, Weitzenbock: with f_BF(T_BF) = f(-T), T_BF = -6H^2 (their signs),
    12 H^2 f_BF' + f_BF = 2 kappa rho and 48 H^2 Hdot f_BF'' - (12H^2 + 4Hdot) f_BF' - f_BF
    = 2 kappa p (kappa = 1)."""
    c, t, a, rho, p, cf = flrw
    f, T = sp.Function("f"), sp.Symbol("T")
    W = gk.weitzenbock(cf)
    assert sp.simplify(gk.torsion_scalar(W) - 6 * sp.diff(a, t) ** 2 / a**2) == 0
    red = gk.minisuperspace(gk.f_T(f), cf, connection=W, source=gk.perfect_fluid(rho, p))
    red = red.in_terms_of(f, T)
    H = sp.diff(a, t) / a
    Hd = sp.diff(H, t)
    fB = sp.Function("fB")
    TB = sp.Symbol("T_B")
    # f(T) = fB(-T): f' = -fB', f'' = fB''
    to_bf = {sp.Derivative(f(T), (T, 2)): fB(TB).diff(TB, 2),
             sp.Derivative(f(T), T): -fB(TB).diff(TB), f(T): fB(TB)}
    first = red[0].rhs.xreplace(to_bf)
    second = red[1].rhs.xreplace(to_bf)
    assert red[0].lhs == rho and red[1].lhs == p
    fp, fpp = fB(TB).diff(TB), fB(TB).diff(TB, 2)
    assert sp.simplify(2 * first - (12 * H**2 * fp + fB(TB))) == 0
    assert sp.simplify(2 * second - (48 * H**2 * Hd * fpp - (12 * H**2 + 4 * Hd) * fp
                                     - fB(TB))) == 0
    # f(T) = -T is general relativity
    gr = gk.minisuperspace(gk.f_T(lambda x: -x), cf, connection=W,
                           source=gk.perfect_fluid(rho, p))
    ref = gk.minisuperspace(gk.einstein_hilbert(), cf, connection=gk.levi_civita(cf),
                            source=gk.perfect_fluid(rho, p))
    assert [sp.simplify(u.rhs - v.rhs) for u, v in zip(gr, ref)] == [0, 0]


def test_f_Q_coincident_flrw_is_jimenez_heisenberg_koivisto(flrw):
    """Coincident gauge, g = diag(-1, a^2, a^2, a^2), metric varied; with f_J(Q_J) = -f(-Q),
    Q_J = 6H^2 (their signs, 8 pi G = 1): 6 f_J' H^2 - f_J/2 = rho and
    (12 H^2 f_J'' + f_J') Hdot = -(rho + p)/2; f(Q) = Q is general relativity."""
    c, t, a, rho, p, _ = flrw
    f, Q = sp.Function("f"), sp.Symbol("Q")
    G = gk.coincident_gauge(gk.Metric(c, sp.diag(-1, a**2, a**2, a**2), sign=-1))
    assert sp.simplify(gk.nonmetricity_scalar(G) + 6 * sp.diff(a, t) ** 2 / a**2) == 0
    red = gk.minisuperspace(gk.f_Q(f), G.coframe, wrt="metric", connection=G,
                            source=gk.perfect_fluid(rho, p)).in_terms_of(f, Q)
    H = sp.diff(a, t) / a
    Hd = sp.diff(H, t)
    fJ, QJ = sp.Function("fJ"), sp.Symbol("Q_J")
    to_j = {sp.Derivative(f(Q), (Q, 2)): -fJ(QJ).diff(QJ, 2),
            sp.Derivative(f(Q), Q): fJ(QJ).diff(QJ), f(Q): -fJ(QJ)}
    r, pr = red[0].rhs.xreplace(to_j), red[1].rhs.xreplace(to_j)
    fp, fpp = fJ(QJ).diff(QJ), fJ(QJ).diff(QJ, 2)
    assert sp.simplify(r - (6 * fp * H**2 - fJ(QJ) / 2)) == 0
    assert sp.simplify((12 * H**2 * fpp + fp) * Hd + (r + pr) / 2) == 0
    gr = gk.minisuperspace(gk.f_Q(lambda x: x), G.coframe, wrt="metric", connection=G,
                           source=gk.perfect_fluid(rho, p))
    assert sp.simplify(gr[0].rhs - 3 * H**2) == 0
    assert sp.simplify(gr[1].rhs + 2 * sp.diff(a, t, 2) / a + H**2) == 0


def test_static_spherical_f_T_reduces_to_odes():
    """Static spherical diagonal tetrad: f(T) = -T gives the Schwarzschild equations
    (A B = const, B = (1 - 2M/r)^(-1/2) solves them)."""
    c = gk.Chart("t r theta phi", positive=True)
    t, r, th, ph = c.coords
    A, B = sp.Function("A")(r), sp.Function("B")(r)
    cf = gk.Coframe([A * c.dx[0], B * c.dx[1], r * c.dx[2], r * sp.sin(th) * c.dx[3]], ETA4)
    red = gk.minisuperspace(gk.f_T(lambda x: -x), cf, connection=gk.weitzenbock(cf))
    M = sp.Symbol("M", positive=True)
    sch = {A: sp.sqrt(1 - 2 * M / r), B: 1 / sp.sqrt(1 - 2 * M / r)}
    assert len(red) >= 2
    for eq in red:
        assert eq.has(A) or eq.has(B)
        assert sp.simplify((eq.lhs - eq.rhs).subs(sch).doit()) == 0
    # a non-solution fails them
    wrong = {A: 1 - 2 * M / r, B: 1 / sp.sqrt(1 - 2 * M / r)}
    assert any(sp.simplify((eq.lhs - eq.rhs).subs(wrong).doit()) != 0 for eq in red)
    assert "\\begin{aligned}" in red.latex()


# -- both routes on every new Lagrangian --
def test_routes_agree_einstein_hilbert_all_fields():
    cf = coframe3()
    conn = gk.teleparallel(cf, sp.diag(1, 1, 1))         # omega = 0 at a general coframe
    for wrt in ("coframe", "metric_connection", "connection"):
        ext = gk.field_equations(gk.einstein_hilbert(2), wrt, connection=conn)
        com = gk.field_equations(gk.einstein_hilbert(2), wrt, connection=conn,
                                 method="component")
        if wrt == "coframe":
            assert same_forms(cf, ext, com)
        else:
            assert all(same_forms(cf, u, v) for u, v in zip(ext, com))


def test_routes_agree_f_T_undefined_function():
    c = gk.Chart("x y z")
    x, y, z = c.coords
    b = sp.Symbol("beta")
    cf = gk.Coframe([sp.exp(b * y) * c.dx[0], c.dx[1], c.dx[2] + x * c.dx[1]])
    f, T = sp.Function("f"), sp.Symbol("T")
    ext = gk.field_equations(gk.f_T(f), cf)
    com = gk.field_equations(gk.f_T(f), cf, method="component")
    ext, com = gk.in_terms_of(ext, f, T), gk.in_terms_of(com, f, T)
    assert same_forms(cf, ext, com)
    # f(T) = T is TEGR
    tegr = gk.field_equations(gk.tegr(3), cf)
    lin = gk.field_equations(gk.f_T(lambda s: 2 * s), cf)
    assert same_forms(cf, tegr, lin)


def test_routes_agree_f_Q_metric_variation_2d():
    """Non-diagonal 2D metric (all three eta_ab varied), Q != 0."""
    c = gk.Chart("t x", positive=True)
    t, x = c.coords
    a, b = sp.Function("a")(t), sp.Function("b")(x)
    G = gk.coincident_gauge(gk.Metric(c, sp.Matrix([[-a**2, b], [b, 1]]), sign=-1))
    assert gk.nonmetricity_scalar(G) != 0
    f, Q = sp.Function("f"), sp.Symbol("Q")
    ext = gk.field_equations(gk.f_Q(f), "metric", connection=G)
    com = gk.field_equations(gk.f_Q(f), "metric", connection=G, method="component")
    for u, v in zip(ext, com):
        assert same_forms(G.coframe, gk.in_terms_of(u, f, Q), gk.in_terms_of(v, f, Q))


def test_quadratic_teleparallel_special_points():
    cf = coframe3(sp.diag(-1, 1, 1))
    W = gk.weitzenbock(cf)
    L = gk.quadratic_teleparallel(a=(sp.Rational(1, 4), sp.Rational(1, 2), -1))
    assert same_forms(cf, gk.field_equations(L, cf, connection=W),
                      gk.field_equations(gk.tegr(3), cf))
    # STEGR point = f(Q) = Q, metric varied in the coincident gauge
    c = gk.Chart("t x y")
    t = c.coords[0]
    a = sp.Function("a")(t)
    G = gk.coincident_gauge(gk.Metric(c, sp.diag(-1, a**2, a**4), sign=-1))
    Lq = gk.quadratic_teleparallel(b=(-sp.Rational(1, 4), sp.Rational(1, 2),
                                      sp.Rational(1, 4), 0, -sp.Rational(1, 2)))
    u = gk.field_equations(Lq, "metric", connection=G)
    v = gk.field_equations(gk.f_Q(lambda s: 2 * s), "metric", connection=G)
    assert all(same_forms(G.coframe, ru, rv) for ru, rv in zip(u, v))
    # a mixed T.Q Lagrangian: both routes agree
    k = sp.Symbol("kappa")
    Gt = gk.teleparallel(gk.Coframe(c.dx, sp.diag(-1, 1, 1)), sp.diag(sp.exp(k * c.coords[1]),
                                                                       1, 1))
    Lm = gk.quadratic_teleparallel(a=(1, 0, 2), b=(1, 0, 0, 1, 0), c=(1, 1, 1))
    ext = gk.field_equations(Lm, Gt.coframe, connection=Gt)
    com = gk.field_equations(Lm, Gt.coframe, connection=Gt, method="component")
    assert same_forms(Gt.coframe, ext, com)


def test_bad_input():
    cf = coframe3()
    with pytest.raises(GeomkitError, match="unknown field"):
        gk.field_equations(gk.einstein_hilbert(), ("coframe", "torsion"), coframe=cf)
    with pytest.raises(GeomkitError, match="not both"):
        gk.field_equations(gk.einstein_hilbert(), ("connection", "metric_connection"),
                           coframe=cf)
    with pytest.raises(GeomkitError, match="coframe"):
        gk.field_equations(gk.einstein_hilbert(), "metric")
    with pytest.raises(GeomkitError, match="minisuperspace"):
        gk.minisuperspace(gk.einstein_hilbert(), cf, wrt="connection")


def test_several_fields_at_once():
    """wrt=(coframe, metric_connection): one evaluation, the same forms as one field at a time;
    a metric-affine triple (coframe, connection, frame metric) on a coordinate coframe."""
    cf = coframe3()
    lc = gk.levi_civita(cf)
    both = gk.field_equations(gk.einstein_hilbert(), ("coframe", "metric_connection"),
                              connection=lc)
    assert set(both) == {"coframe", "metric_connection"}
    assert same_forms(cf, both["coframe"],
                      gk.field_equations(gk.einstein_hilbert(), "coframe", connection=lc))
    assert all(not x for row in both["metric_connection"] for x in row)
    c = gk.Chart("x y", positive=True)
    x, y = c.coords
    G = gk.coincident_gauge(gk.Metric(c, sp.diag(1, x**2 + y**2)))
    L = gk.quadratic_teleparallel(a=(1, 0, 1), b=(1, 1, 0, 0, 1))
    three = gk.field_equations(L, ("coframe", "connection", "metric"), connection=G)
    for name in ("coframe", "connection", "metric"):
        one = gk.field_equations(L, name, connection=G)
        com = gk.field_equations(L, name, connection=G, method="component")
        assert same_forms(G.coframe, _flat(three[name]), _flat(one))
        assert same_forms(G.coframe, _flat(one), _flat(com))


def _flat(z):
    return list(z) if isinstance(z, tuple) else [u for row in z for u in row]
