"""b^k forms: calculus, Laurent data, exactness, symplectic forms, cohomology (MATH.md §6)."""

from math import factorial

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import geomkit as gk
from geomkit import BkChart, BkForm, BkFormError
from geomkit.symbolic.bk import model_spaces

C3 = gk.Chart("z x y")
Z, X, Y = C3.coords
DZ, DX, DY = C3.dx

# -- strategies: random b^k forms on (z, x, y) with polynomial coefficients ---------------

small = st.integers(-3, 3)
monomial = st.tuples(small, st.integers(0, 3), st.integers(0, 2), st.integers(0, 2))


@st.composite
def poly(draw, max_terms=3):
    terms = draw(st.lists(monomial, min_size=0, max_size=max_terms))
    return sp.Add(*(c * Z**a * X**b * Y**e for c, a, b, e in terms))


@st.composite
def bk_form(draw, bk, degree=None):
    p = draw(st.integers(0, 3)) if degree is None else degree
    from itertools import combinations

    comps = {I: draw(poly()) for I in combinations(range(3), p)}
    return bk.form(p, comps)


orders = st.integers(1, 3)


def generic(bk, p):
    """A b^k p-form whose frame components are undefined functions of all coordinates."""
    from itertools import combinations

    comps = {
        I: sp.Function(f"f{''.join(map(str, I))}")(*bk.coords)
        for I in combinations(range(bk.dim), p)
    }
    return bk.form(p, comps)


# -- §6.6 item 4: d^2 = 0, d commutes with restriction to M \ Z ----------------------------


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("p", [0, 1, 2])
def test_d_squared_zero_generic(k, p):
    bk = BkChart(C3, Z, k)
    w = generic(bk, p)
    assert w.d().d().is_zero()
    assert not w.d().is_zero()


@pytest.mark.parametrize("k", [1, 2])
@pytest.mark.parametrize("p", [0, 1, 2])
def test_d_commutes_with_restriction_generic(k, p):
    bk = BkChart(C3, Z, k)
    w = generic(bk, p)
    assert w.d().to_form().equals(gk.d(w.to_form()))


@settings(max_examples=25, deadline=None)
@given(k=orders, data=st.data())
def test_d_properties_random(k, data):
    bk = BkChart(C3, Z, k)
    a = data.draw(bk_form(bk))
    b = data.draw(bk_form(bk, degree=1))
    assert a.d().d().is_zero()
    assert a.d().to_form().equals(gk.d(a.to_form()))
    # graded Leibniz rule
    lhs = (a ^ b).d()
    rhs = (a.d() ^ b) + (-1) ** a.degree * (a ^ b.d())
    assert lhs.equals(rhs)
    # restriction is injective and inverted by from_form
    assert bk.from_form(a.to_form()).equals(a)


def test_frame_and_df():
    bk = BkChart(C3, Z, 2)
    zeta, dx, dy = bk.basis
    assert zeta == bk.zeta
    assert zeta.d().is_zero()
    f = sp.Function("f")(Z, X, Y)
    # df = (z^k d_z f) zeta + d_x f dx + d_y f dy
    expect = Z**2 * sp.diff(f, Z) * zeta + sp.diff(f, X) * dx + sp.diff(f, Y) * dy
    assert bk.scalar(f).d().equals(expect)
    # to_form(zeta) = dz/z^k and the frame vector fields are dual to the frame forms
    assert bk.to_form(zeta).equals(DZ / Z**2)
    for i, e in enumerate(bk.basis):
        for j, V in enumerate(bk.frame):
            assert sp.cancel(e.to_form()(V)) == (1 if i == j else 0)


# -- interior products and Lie derivatives, compared with M \ Z ---------------------------


@settings(max_examples=20, deadline=None)
@given(k=orders, data=st.data())
def test_interior_and_lie_match_restriction(k, data):
    bk = BkChart(C3, Z, k)
    w = data.draw(bk_form(bk))
    V = bk.vector([data.draw(poly()), data.draw(poly()), data.draw(poly())])
    Xv = V.anchor()
    assert bk.from_vector(Xv) == V
    got = w.interior(V).to_form()
    want = gk.interior(Xv, w.to_form()) if w.degree else 0
    assert (got - want).is_zero() if w.degree else got.is_zero()
    assert w.lie(V).to_form().equals(gk.lie(Xv, w.to_form()))


def test_bkvector_bracket_closes():
    bk = BkChart(C3, Z, 2)
    U = bk.vector([X, 1, 0])
    V = bk.vector([Z * Y, 0, X])
    W = U.bracket(V)
    assert W.anchor() == gk.bracket(U.anchor(), V.anchor()).simplify()
    assert W.anchor().components[0].subs(Z, 0) == 0


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 3])
def test_pole_beyond_k_names_the_term(k):
    bk = BkChart(C3, Z, k)
    f = sp.Function("f")(X, Y)
    bk.from_form(f * DZ / Z**k + DX)  # fine
    with pytest.raises(BkFormError) as err:
        bk.from_form((DX ^ DY) + (f * DZ / Z ** (k + 1) ^ DY))
    msg = str(err.value)
    assert f"order {k + 1}" in msg and "dz^dy" in msg and "f(x, y)" in msg


def test_bad_inputs():
    bk = BkChart(C3, Z, 2)
    with pytest.raises(BkFormError, match=r"dx.*pole of order 1"):
        bk.from_form(DX / Z)  # only terms with dz may be singular
    with pytest.raises(BkFormError, match="order 3"):
        bk.from_form((Z + X * Z**2) * DZ / Z**4)  # a pole of order 3
    bk.from_form((sp.sin(Z) - Z) * DZ / Z**5)  # order 2 only: fine
    with pytest.raises(BkFormError, match="not smooth"):
        bk.from_form(sp.log(Z) * DX)
    for branched in (sp.sqrt(Z), sp.Abs(Z), Z ** sp.Rational(3, 2)):
        with pytest.raises(BkFormError, match=r"not smooth.*contains"):
            bk.from_form(branched * DX)
    bk.from_form(sp.sqrt(1 + Z) * DX)  # smooth near Z
    with pytest.raises(BkFormError, match="does not vanish to order 2"):
        bk.from_vector(C3.vector([Z, 0, 0]))
    with pytest.raises(BkFormError):
        bk.form(1, {(0,): 1 / Z})
    with pytest.raises(BkFormError):
        bk.dz_over_z(3)
    with pytest.raises(gk.GeomkitError):
        BkChart(C3, Z, 0)
    with pytest.raises(gk.GeomkitError):
        BkChart(C3, "w", 1)
    with pytest.raises(gk.GeomkitError):
        bk.zeta + BkChart(C3, Z, 1).zeta
    with pytest.raises(gk.DegreeError):
        bk.zeta.pfaffian()
    b4 = BkChart(gk.Chart("z y u v"), "z", 1)
    with pytest.raises(gk.DegenerateMetricError, match="degenerate"):
        (b4.zeta ^ b4.basis[1]).poisson_bivector()


def test_poles_hidden_in_functions():
    c = gk.Chart("t")
    (t,) = c.coords
    dt = c.dx[0]
    bk = BkChart(c, t, 1)
    assert bk.from_form(sp.cot(t) * dt).residue() == 1
    with pytest.raises(BkFormError, match="order 2"):
        bk.from_form(sp.csc(t) ** 2 * dt)


# -- pullback by maps preserving Z -------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 3])
def test_pullback_commutes_with_restriction_and_d(k):
    src = BkChart(C3, Z, k)
    tgt_chart = gk.Chart("u a b")
    u, a, b = tgt_chart.coords
    tgt = BkChart(tgt_chart, u, k)
    # z = u (2 + a^2 u^k): a b^k map (the (k-1)-jet of z along Z' is preserved up to scale)
    phi = {Z: u * (2 + a**2 * u**k), X: a + u * b, Y: b * a}
    w = src.from_form((X * Y + Z) * DZ / Z**k ^ DX) + (src.scalar(Y * Z).d() ^ src.zeta)
    pw = w.pullback(phi, tgt)
    assert pw.to_form().equals(gk.pullback(phi, w.to_form(), tgt_chart))
    assert w.d().pullback(phi, tgt).equals(pw.d())


def test_pullback_bad_maps():
    bk = BkChart(C3, Z, 2)
    tc = gk.Chart("u a b")
    u, a, b = tc.coords
    tgt = BkChart(tc, u, 2)
    with pytest.raises(BkFormError, match="does not send"):
        bk.zeta.pullback({Z: u + 1, X: a, Y: b}, tgt)
    # z = u (1 + a^2): the 1-jet of the defining function changes with a
    with pytest.raises(BkFormError, match="not a b\\^k map"):
        bk.zeta.pullback({Z: u * (1 + a**2), X: a, Y: b}, tgt)


# -- §6.3 Laurent decomposition, §6.6 item 1 exactness on R ------------------------------


@settings(max_examples=30, deadline=None)
@given(k=orders, coeffs=st.lists(st.integers(-4, 4), min_size=1, max_size=6))
def test_exactness_on_R(k, coeffs):
    c = gk.Chart("z")
    (z,) = c.coords
    bk = BkChart(c, z, k)
    f = sp.Add(*(a * z**m for m, a in enumerate(coeffs)))
    w = bk.from_form(f * c.dx[0] / z**k)
    cj = w.class_coefficients()
    expect = {j: sp.diff(f, z, k - j).subs(z, 0) / factorial(k - j) for j in range(1, k + 1)}
    assert cj == expect
    taylor_zero = all(sp.diff(f, z, m).subs(z, 0) == 0 for m in range(k))
    assert w.is_exact() == taylor_zero
    L = w.laurent()
    assert (L.singular_part() + bk.from_form(L.beta)).equals(w)
    if taylor_zero:
        g = w.primitive()
        assert g.degree == 0 and g.d().equals(w)
        assert sp.cancel(g.to_form().to_scalar()).is_polynomial(z)
    else:
        # the ordinary primitive on R \ 0 is not smooth at 0 (log or pole)
        F = sp.integrate(sp.expand(f / z**k), z)
        assert F.has(sp.log) or sp.limit(abs(F), z, 0) == sp.oo
        with pytest.raises(BkFormError, match="not exact"):
            w.primitive()


def test_exactness_on_R_analytic():
    c = gk.Chart("z")
    (z,) = c.coords
    bk = BkChart(c, z, 3)
    w = bk.from_form(sp.exp(2 * z) * c.dx[0] / z**3)
    assert w.class_coefficients() == {1: 2, 2: 2, 3: 1}  # 2^m / m!


@pytest.mark.parametrize("k", [1, 2])
def test_primitive_of_2_forms_on_R2(k):
    c = gk.Chart("z x")
    z, x = c.coords
    bk = BkChart(c, z, k)
    zeta, dx = bk.basis
    w = (x**2 + 3 * z * x + z**4) * zeta ^ dx  # top degree, closed, exact by §6.4
    assert w.is_exact()
    eta = w.primitive()
    assert eta.d().equals(w)
    assert w.laurent().alpha[k] == x**2 * c.dx[1]


def test_laurent_generic():
    bk = BkChart(C3, Z, 3)
    A = sp.Function("A")(Z, X, Y)
    w = bk.from_form(A * DZ / Z**3 ^ DY)
    L = w.laurent()
    for j in (1, 2, 3):
        want = sp.diff(A, Z, 3 - j).subs(Z, 0) / factorial(3 - j)
        assert (L.alpha[j] - want * DY).is_zero()
    assert (L.singular_part() + bk.from_form(L.beta)).equals(w)
    # d omega = - sum dz/z^j ^ d alpha_j + d beta (§6.3)
    lhs = w.d()
    rhs = bk.from_form(gk.d(L.beta))
    for j, a in L.alpha.items():
        rhs = rhs - (bk.dz_over_z(j) ^ bk.from_form(gk.d(a)))
    assert lhs.equals(rhs)


# -- §6.6 item 3: dh ^ dtheta / h^k on S^2 --------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 3])
def test_sphere_bk_symplectic(k):
    c = gk.Chart("h theta")
    h, th = c.coords
    dh, dth = c.dx
    bk = BkChart(c, h, k)
    w = bk.from_form((dh ^ dth) / h**k)
    assert w.is_symplectic()
    L = w.laurent()
    assert L.alpha[k] == dth
    assert all(L.alpha[j].is_zero() for j in range(1, k))
    assert L.beta.is_zero()
    assert w.equals(bk.semilocal({k: dth}))
    Pi = w.poisson_bivector()
    assert Pi.matrix == sp.Matrix([[0, h**k], [-(h**k), 0]])
    assert Pi(h, th) == h**k
    assert Pi.vanishing_order() == k
    if k == 1:
        res = w.residue()
        assert res == dth
        s = sp.Symbol("s")
        assert sp.integrate(res.components[(1,)].subs(th, s), (s, 0, 2 * sp.pi)) == 2 * sp.pi
    # smooth at the poles: in the Cartesian chart near h = 1 the form is regular
    cart = gk.Chart("x y")
    x, y = cart.coords
    pb = gk.pullback({h: sp.sqrt(1 - x**2 - y**2), th: sp.atan2(y, x)}, w.to_form(), cart)
    coef = sp.simplify(pb.simplify().components[(0, 1)])
    assert not coef.has(sp.atan2)
    assert coef.subs({x: 0, y: 0}) == -1  # dh ^ dtheta = -dx ^ dy / h at the north pole


def test_not_symplectic():
    bk = BkChart(gk.Chart("z x"), "z", 2)
    zeta, dx = bk.basis
    z, x = bk.coords
    assert not (z * zeta ^ dx).is_symplectic()  # degenerate on Z (an ordinary dz/z ^ dx)
    assert (x * zeta ^ dx).pfaffian() == x  # degenerate along {x = 0} only
    b4 = BkChart(gk.Chart("z y u v"), "z", 1)
    z4, y4, u4, v4 = b4.coords
    assert not ((y4 * b4.basis[2] ^ b4.basis[3]) + (b4.zeta ^ b4.basis[1])).is_closed()


@pytest.mark.parametrize("k", [1, 2, 3])
def test_darboux_normal_form(k):
    c = gk.Chart("z y x2 y2")
    z, y, x2, y2 = c.coords
    bk = BkChart(c, z, k)
    w = bk.darboux()
    assert w.equals(bk.from_form((c.dx[0] ^ c.dx[1]) / z**k + (c.dx[2] ^ c.dx[3])))
    assert w.is_symplectic()
    Pi = w.poisson_bivector()
    want = sp.zeros(4, 4)
    want[0, 1], want[1, 0] = z**k, -(z**k)
    want[2, 3], want[3, 2] = 1, -1
    assert Pi.matrix == want
    assert Pi.vanishing_order() == k
    assert (w ^ w).to_form().equals(2 * (c.dx[0] ^ c.dx[1] ^ c.dx[2] ^ c.dx[3]) / z**k)


@pytest.mark.parametrize("k", [1, 2])
def test_poisson_jacobi_for_perturbed_darboux(k):
    c = gk.Chart("z y x2 y2")
    z, y, x2, y2 = c.coords
    bk = BkChart(c, z, k)
    theta = bk.form(1, {(0,): y2 * x2, (1,): z * x2, (2,): y * y2}) * sp.Rational(1, 3)
    w = bk.darboux() + theta.d()
    assert w.is_symplectic()
    Pi = w.poisson_bivector()
    fs = [z, y, x2 + z * y2, y2**2]
    for i in range(len(fs)):
        for j in range(i + 1, len(fs)):
            for m in range(j + 1, len(fs)):
                assert Pi.jacobiator(fs[i], fs[j], fs[m]) == 0
    assert Pi.vanishing_order() == k


def test_semilocal_cosymplectic_data():
    c = gk.Chart("z p q")
    z, p, q = c.coords
    bk = BkChart(c, z, 1)
    with pytest.raises(BkFormError, match="not closed"):
        bk.semilocal({1: p * c.dx[2]})
    with pytest.raises(BkFormError, match="not pulled back"):
        bk.semilocal({1: z * c.dx[1]})


# -- §6.6 item 2: Poincare polynomials of the model spaces -----------------------------

TABLE = {  # MATH.md §6.6 item 2: Betti numbers as functions of k
    "R": lambda k: (1, k),
    "S1": lambda k: (1, 1 + k),
    "S2": lambda k: (1, k, 1 + k),
    "T2": lambda k: (1, 2 + k, 1 + k),
}


@pytest.fixture(scope="module", params=[1, 2, 3])
def models(request):
    return request.param, model_spaces(request.param)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_betti_numbers_of_models(models, name):
    k, ms = models
    m = ms[name]
    betti = m.betti()
    assert tuple(betti[p] for p in sorted(betti)) == TABLE[name](k)
    t = sp.Symbol("t")
    assert sp.expand(m.poincare_polynomial(t) - m.poincare_M(t) - k * t * m.poincare_Z(t)) == 0
    if name == "S2":
        assert m.poincare_polynomial(t).subs(t, -1) == 2


def test_model_generators_are_bk_forms(models):
    k, ms = models
    for m in ms.values():
        smooth, singular = m.bk_generators()
        for g in singular:
            L = g.laurent()
            assert any(not a.is_zero() for a in L.alpha.values())
        assert all(isinstance(g, BkForm) for g in smooth + singular)


def test_primitive_analytic():
    c = gk.Chart("z")
    (z,) = c.coords
    bk = BkChart(c, z, 3)
    v = bk.from_form(sp.cos(z) * c.dx[0])
    g = v.primitive()
    assert g.d().equals(v)
    assert sp.simplify(g.to_form().to_scalar() - sp.sin(z)) == 0


def test_example_script_runs(capsys):
    import pathlib
    import runpy

    path = pathlib.Path(__file__).resolve().parents[1] / "examples" / "bk_symplectic.py"
    ns = runpy.run_path(str(path))
    omega = ns["main"](3)
    out = capsys.readouterr().out
    assert omega.is_symplectic()
    assert "4*t**2 + 3*t + 1" in out and "order 3 on Z" in out and "rejected" in out


def test_mixed_arithmetic_with_ordinary_forms():
    bk = BkChart(C3, Z, 2)
    zeta, dx, dy = bk.basis
    assert (DX ^ zeta) == (dx ^ zeta) == -(zeta ^ dx)
    assert (DX * zeta) == (dx ^ zeta)
    assert (DX + zeta) == (dx + zeta)
    assert (DZ ^ DY) + (zeta ^ dx) == bk.from_form((DZ ^ DY) + (DZ ^ DX) / Z**2)
    assert (Z * dx) * (1 / Z) == dx  # a singular factor is fine when the product is b^k
    with pytest.raises(BkFormError, match="pole of order 3"):
        zeta * (1 / Z)


@pytest.mark.parametrize("k", [1, 2])
def test_semilocal_symplectic_iff_cosymplectic(k):
    # on Z^3 with alpha closed 1-form, beta closed 2-form: omega is b^k symplectic
    # iff alpha_k ^ beta != 0 (for k = 1 this is the cosymplectic condition of §6.5)
    c = gk.Chart("z p q r")
    z, p, q, r = c.coords
    dz, dp, dq, dr = c.dx
    bk = BkChart(c, z, k)
    good = bk.semilocal({k: dp}, dq ^ dr)
    assert good.is_symplectic()
    bad = bk.semilocal({k: dp}, dp ^ dq)
    assert not bad.is_symplectic()
    twisted = bk.semilocal({k: dp + q * dr + r * dq}, (1 + q**2) * (dq ^ dr))
    assert twisted.is_symplectic()
    assert twisted.poisson_bivector().vanishing_order() == k
