"""The curvature chain on what users bring: special functions, symbolic physical
constants, non-diagonal metrics with transcendental entries, undecidable signs,
and strategies that fail.

References are the textbook coordinate formulas (tests/oracles.py) evaluated at
a point with mpmath, independent of geomkit's frame engine.
"""

import warnings

import mpmath
import pytest
import sympy as sp
from oracles import riemann_direct

import geomkit as gk
from geomkit.symbolic.simplify import StrategyFallbackWarning, simplify_expr

DPS = 50


def mp_values(exprs, point):
    """``exprs`` at ``point`` ({symbol: rational}) to DPS digits, one lambdify for all."""
    mpmath.mp.dps = DPS
    exprs = [sp.sympify(e) for e in exprs]
    syms = sorted(set().union(*(e.free_symbols for e in exprs)), key=sp.default_sort_key)
    f = sp.lambdify(syms, exprs, "mpmath")
    return [mpmath.mpmathify(v)
            for v in f(*(mpmath.mpf(point[s].p) / point[s].q for s in syms))]


def oracle(g, xs, point):
    """(Ricci matrix, scalar, Kretschmann) of ``g`` at ``point`` from the coordinate formulas."""
    n = len(xs)
    R = riemann_direct(g, xs)
    keys = list(R)
    val = dict(zip(keys, mp_values([R[k] for k in keys], point)))
    G = mpmath.matrix(n, n)
    for (i, j), v in zip([(i, j) for i in range(n) for j in range(n)],
                         mp_values(list(g), point)):
        G[i, j] = v
    Gi = G**-1
    ric = [[sum(val[r, s, r, v] for r in range(n)) for v in range(n)] for s in range(n)]
    scal = sum(Gi[s, v] * ric[s][v] for s in range(n) for v in range(n))
    low = {(a, b, c, d): sum(G[a, e] * val[e, b, c, d] for e in range(n))
           for a in range(n) for b in range(n) for c in range(n) for d in range(n)}
    up = dict(low)
    for pos in range(4):
        new = {}
        for k in up:
            new[k] = sum(Gi[k[pos], e] * up[k[:pos] + (e,) + k[pos + 1:]] for e in range(n))
        up = new
    kre = sum(low[k] * up[k] for k in low)
    return ric, scal, kre


def assert_close(got, ref, what, rel=1e-30):
    assert abs(got - ref) <= rel * (1 + abs(ref)), f"{what}: geomkit {got}, reference {ref}"


def check_against_oracle(metric, point, constants=None):
    """geomkit's Ricci, scalar and Kretschmann (symbolic) against the oracle, whose
    metric has the constants already substituted (so the two computations share
    nothing but the input)."""
    xs = metric.chart.coords
    n = len(xs)
    g_num = metric.matrix.subs(constants or {})
    ric, scal, kre = oracle(sp.Matrix(g_num), xs, point)
    full = {**point, **(constants or {})}
    Ric = gk.ricci(metric)
    R = gk.ricci_scalar(metric)
    K = gk.kretschmann(metric)
    vals = mp_values(list(Ric) + [R, K], full)
    for k, v in enumerate(vals[:-2]):
        assert_close(v, ric[k // n][k % n], f"Ricci[{k // n}, {k % n}]")
    assert_close(vals[-2], scal, "Ricci scalar")
    assert_close(vals[-1], kre, "Kretschmann")


# -- special functions: opaque generators of the algebraic engine -------------------------
def test_erf_metric_is_flat_with_the_default_strategy():
    c = gk.Chart("t r", positive=True)
    g = gk.Metric(c, sp.diag(-1, 2 + sp.erf(c.coords[1])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback needed either
        assert gk.ricci_scalar(g) == 0
        assert gk.kretschmann(g) == 0
        # any 2-D metric diag(-1, h(r)) is flat, whatever special function h is
        for h in (sp.hyper([1, 2], [3], -c.coords[1] ** 2), sp.besselj(0, c.coords[1]),
                  sp.LambertW(c.coords[1]), sp.gamma(c.coords[1])):
            assert gk.ricci_scalar(gk.Metric(c, sp.diag(-1, 2 + h**2))) == 0


@pytest.mark.parametrize("dim", [2, 3])
def test_special_functions_under_roots_and_exponentials(dim):
    c = gk.Chart("t r theta"[: 3 if dim == 2 else 9], positive=True)
    t, r, *rest = c.coords
    a = sp.Symbol("a", positive=True)
    entries = [-(1 + sp.erf(r) / 3) * sp.exp(sp.besselj(0, a * r)),
               2 + sp.atan(r) ** 2]
    point = {t: sp.Rational(1, 3), r: sp.Rational(6, 5)}
    if dim == 3:
        entries[1] = 2 + sp.besselj(1, a * r) ** 2
        entries.append(r**2 * sp.exp(sp.atan(r * sp.cos(rest[0])) / 4))
        point[rest[0]] = sp.Rational(7, 10)
    g = gk.Metric(c, sp.diag(*entries), sign=-1)
    check_against_oracle(g, point, {a: sp.Rational(4, 5)})


def test_undefined_function_beside_special_functions():
    c = gk.Chart("t r", positive=True)
    t, r = c.coords
    f = sp.Function("f")
    g = gk.Metric(c, sp.diag(-(1 + sp.erf(r) ** 2), 1 + f(t, r) ** 2), sign=-1)
    R = gk.ricci_scalar(g)
    assert R.has(f(t, r)) and R.has(sp.erf(r))
    # against the concrete function f = t r
    conc = gk.ricci_scalar(gk.Metric(c, g.matrix.subs(f(t, r), t * r), sign=-1))
    pt = {t: sp.Rational(1, 2), r: sp.Rational(3, 2)}
    got = R.subs(f(t, r), t * r).doit().subs(pt)
    assert abs(sp.N(got - conc.subs(pt), 30)) < 1e-25


# -- symbolic constants and non-diagonal metrics with transcendental entries ---------------
def kerr_newman_with_constants():
    """Kerr-Newman as physicists write it: c, G, eps0 (and r_s) symbolic."""
    t, r, th, ph = sp.symbols("t r theta phi")
    a, Q, G, cc, e0, rs = sp.symbols("a Q G c epsilon_0 r_s")
    rq2 = Q**2 * G / (4 * sp.pi * e0 * cc**4)
    Sig = r**2 + a**2 * sp.cos(th) ** 2
    Dlt = r**2 - rs * r + a**2 + rq2
    g = sp.zeros(4)
    g[0, 0] = 1 - (rs * r - rq2) / Sig
    g[1, 1] = -Sig / (Dlt * cc**2)
    g[2, 2] = -Sig / cc**2
    g[3, 3] = -((r**2 + a**2) ** 2 - a**2 * Dlt * sp.sin(th) ** 2) * sp.sin(th) ** 2 / (Sig * cc**2)
    g[0, 3] = g[3, 0] = (rs * r - rq2) * a * sp.sin(th) ** 2 / (Sig * cc)
    consts = {a: sp.Rational(3, 10), Q: sp.Rational(1, 5), G: sp.Rational(7, 3),
              cc: sp.Rational(5, 4), e0: sp.Rational(2, 7), rs: sp.Rational(9, 10)}
    return gk.Metric(gk.Chart([t, r, th, ph]), g, sign=-1), consts


def test_kerr_newman_with_symbolic_constants():
    g, consts = kerr_newman_with_constants()
    t, r, th, ph = g.chart.coords
    point = {t: sp.Rational(1, 2), r: sp.Rational(37, 10), th: sp.Rational(9, 10),
             ph: sp.Rational(1, 3)}
    check_against_oracle(g, point, consts)
    # electrovacuum: traceless Ricci
    assert gk.ricci_scalar(g) == 0


@pytest.mark.slow  # the plain-sympy oracle takes ~30 s; bench_curvature.py --predefined times it
def test_alcubierre_warp_with_tanh_shape():
    t, x, y, z = sp.symbols("t x y z")
    v, sig, R, xs = sp.symbols("v sigma R x_s")
    rho = sp.sqrt((x - xs) ** 2 + y**2 + z**2)
    f = (sp.tanh(sig * (rho + R)) - sp.tanh(sig * (rho - R))) / (2 * sp.tanh(sig * R))
    g = sp.Matrix([[v**2 * f**2 - 1, -v * f, 0, 0], [-v * f, 1, 0, 0], [0, 0, 1, 0],
                   [0, 0, 0, 1]])
    metric = gk.Metric(gk.Chart([t, x, y, z]), g, sign=-1)
    point = {t: sp.Rational(1, 5), x: sp.Rational(13, 10), y: sp.Rational(2, 5),
             z: sp.Rational(-3, 10)}
    check_against_oracle(metric, point, {v: sp.Rational(1, 2), sig: sp.Rational(8, 5),
                                         R: sp.Rational(6, 5), xs: sp.Rational(1, 3)})


# -- signatures ----------------------------------------------------------------------------
def test_janis_newman_winicour_sign_from_sampling():
    # plain symbols (no assumptions): det g is complex where 2MG/(gam r c^2) > 1
    t, r, th, ph = sp.symbols("t r theta phi")
    M, G, c, gam = sp.symbols("M G c gamma")
    b = 1 - 2 * G * M / (gam * r * c**2)
    g = gk.Metric(gk.Chart([t, r, th, ph]),
                  sp.diag(-b**gam, 1 / (c**2 * b**gam), r**2 * b ** (1 - gam),
                          r**2 * b ** (1 - gam) * sp.sin(th) ** 2))
    assert g.sign == -1


def test_undecidable_sign_names_the_remedy():
    x, y = sp.symbols("x y")
    with pytest.raises(gk.GeomkitError, match="sign=") as err:
        gk.Metric(gk.Chart([x, y]), sp.diag(sp.I * x, 1))
    assert "\n" not in str(err.value)


# -- strategies that cannot handle an input ------------------------------------------------
def test_failing_strategy_falls_back_with_one_line_warning(monkeypatch):
    from geomkit.symbolic import algebraic

    c = gk.Chart("theta phi", positive=True)
    th, _ = c.coords
    g = gk.Metric(c, sp.diag(1, sp.sin(th) ** 2))

    def broken(self, lz):
        raise sp.PolynomialError("simulated failure of the field engine")

    monkeypatch.setattr(algebraic.FieldEngine, "unlazy", broken)
    with pytest.warns(StrategyFallbackWarning, match="simplify='cancel'") as rec:
        R = gk.ricci_scalar(g)
    assert sp.simplify(R - 2) == 0
    assert all("\n" not in str(w.message) for w in rec)


def test_failing_callable_strategy_is_a_geomkit_error():
    c = gk.Chart("theta phi", positive=True)
    g = gk.Metric(c, sp.diag(1, sp.sin(c.coords[0]) ** 2))

    def broken(expr):
        raise ValueError("no")

    with pytest.raises(gk.GeomkitError, match="simplify="):
        gk.kretschmann(g, simplify=broken)


def test_simplify_expr_algebraic_falls_back(monkeypatch):
    from geomkit.symbolic import algebraic

    def broken(expr, coords=None):
        raise sp.PolynomialError("simulated")

    monkeypatch.setattr(algebraic, "algebraic_simplify", broken)
    x = sp.Symbol("x")
    with pytest.warns(StrategyFallbackWarning):
        assert simplify_expr(x / (x**2 + x) - 1 / (x + 1), "algebraic") == 0


# -- EinsteinPy's predefined metrics -------------------------------------------------------
# The cheap ones by default (EinsteinPy simplifies every Riemann component, which is
# what costs); the whole set, with timings, is `bench_curvature.py --predefined`.
EINSTEINPY_QUICK = ["Schwarzschild", "ReissnerNordstorm", "JanisNewmanWinicour", "Godel",
                    "BarriolaVilekin", "DeSitter"]
# (Ernst, CMetric, Davidson: 10-45 s of EinsteinPy each -- in the benchmark table)
EINSTEINPY_SLOW = ["AntiDeSitter", "AntiDeSitterStatic", "BertottiKasner", "Minkowski",
                   "MinkowskiCartesian", "MinkowskiPolar"]


def _einsteinpy_case(name):
    pytest.importorskip("einsteinpy", reason="EinsteinPy (bench extra) is not installed")
    from einsteinpy.symbolic import RicciScalar, RicciTensor, RiemannCurvatureTensor, predefined
    from sympy.core.function import AppliedUndef

    m = getattr(predefined, name)()
    xs = tuple(m.syms)
    G = sp.Matrix(m.tensor().tolist())
    n = len(xs)
    rm = RiemannCurvatureTensor.from_metric(m)
    ric = RicciTensor.from_riemann(rm)
    ref = [ric.tensor()[i, j] for i in range(n) for j in range(n)]
    ref.append(RicciScalar.from_riccitensor(ric).expr)
    metric = gk.Metric(gk.Chart(xs), G)  # the signature found by sampling
    Ric = gk.ricci(metric)
    got = list(Ric) + [gk.ricci_scalar(metric)]
    syms = sorted(G.free_symbols | set(xs), key=sp.default_sort_key)
    point = {s: sp.Rational(4000 + 37 * k if s.name == "r" else 300 + 61 * k, 1000)
             for k, s in enumerate(syms)}
    funcs = set().union(*(e.atoms(AppliedUndef) for e in ref + got))
    conc = {type(f): sp.Lambda(f.args, 1 + sum(f.args) ** 2 / 7) for f in funcs}

    def concrete(e):
        e = sp.sympify(e)
        if conc:
            e = e.replace(lambda x: type(x) in conc, lambda x: conc[type(x)](*x.args)).doit()
        return e

    for k, (a, b) in enumerate(zip(mp_values([concrete(e) for e in got], point),
                                   mp_values([concrete(e) for e in ref], point))):
        what = "Ricci scalar" if k == n * n else f"Ricci[{k // n}, {k % n}]"
        assert_close(a, b, f"{name} {what}")


@pytest.mark.parametrize("name", EINSTEINPY_QUICK)
def test_einsteinpy_predefined_metrics_agree(name):
    _einsteinpy_case(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", EINSTEINPY_SLOW)
def test_einsteinpy_predefined_metrics_agree_all(name):
    _einsteinpy_case(name)


def test_abs_of_an_argument_that_changes_sign_is_not_dropped():
    # ds^2 = dr^2 + h^2 dtheta^2 has R = -2 h''/h; h = r (1 + |r - 1|) is r(2 - r) below
    # r = 1 (R = 16/3 at r = 1/2) and r^2 above (R = -1 at r = 2): |r - 1| = r - 1 would
    # give -16 at r = 1/2
    r, th = sp.symbols("r theta", positive=True)
    c = gk.Chart([r, th])
    e = gk.Coframe([c.dx[0], r * (1 + sp.Abs(r - 1)) * c.dx[1]])
    R = gk.ricci_scalar(e)
    assert R.subs(r, sp.Rational(1, 2)) == sp.Rational(16, 3)
    assert R.subs(r, 2) == -1
    # a provably positive argument still drops its Abs (and stays rational)
    e = gk.Coframe([c.dx[0], sp.Abs(r**2 + 1) * c.dx[1]])
    assert not gk.ricci_scalar(e).has(sp.Abs)
