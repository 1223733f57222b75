"""Teleparallel walk-through: TEGR field equations and the defect densities of dislocations.

Run it as a script (it prints LaTeX strings, ready for a notebook's ``display(Math(...))``)
or read it as a tutorial.  Every result is asserted, so the test suite runs it as a test.

1. The Weitzenbock connection of a coframe and the identity R = -T + 2 div T (docs/conventions.md).
2. The TEGR Lagrangian  L = T vol = T^a ^ *((1)T_a - (n-2)(2)T_a - 1/2 (3)T_a)  and its
   Euler-Lagrange forms by the exterior route, compared with the Einstein tensor.
3. Edge and screw dislocations: torsion (mainstream density), torsion trace and axial
   torsion (general teleparallel densities), Burgers vector by loop and by flux.
"""

import sympy as sp

import geomkit as gk
from geomkit.defects import examples as X
from geomkit.symbolic.teleparallel import curvature_split, torsion_scalar
from geomkit.symbolic.variational import tegr, to_components


def show(label, expr):
    """Print a LaTeX line (sympy.latex of an expression, or a Form's own LaTeX)."""
    tex = expr._repr_latex_().strip("$") if isinstance(expr, gk.Form) else sp.latex(expr)
    print(f"{label} = {tex}")


def alg(e):
    return gk.symbolic.simplify_expr(e, "algebraic")


# -- 1. Weitzenbock geometry of a static spherical coframe -----------------------------------
c = gk.Chart("t r theta phi", positive=True)
t, r, th, ph = c.coords
A, B = sp.Function("A")(r), sp.Function("B")(r)
cf = gk.Coframe([A * c.dx[0], B * c.dx[1], r * c.dx[2], r * sp.sin(th) * c.dx[3]],
                sp.diag(-1, 1, 1, 1))
W = gk.weitzenbock(cf)
print("# 1. Weitzenbock connection of e = (A dt, B dr, r dtheta, r sin(theta) dphi)")
for a, Ta in enumerate(W.torsion()):
    show(f"T^{a}", Ta)
TT = torsion_scalar(W)
show(r"\mathbb{T}", TT)
split = curvature_split(W)
assert split.full == 0                              # teleparallel: R^a_b = 0
assert alg(split.quadratic - TT) == 0               # quadratic part = torsion scalar
assert alg(split.riemannian + split.quadratic + split.divergence) == 0
show(r"\mathring R", sp.factor(split.riemannian))

# -- 2. TEGR field equations = Einstein ------------------------------------------------------
print("\n# 2. TEGR: E_a = dL/de^a + D(dL/dT^a) for L = T vol")
E = gk.field_equations(tegr(4), cf)
EL = to_components(E)                                # EL_a^mu: dx^mu ^ E_a = EL_a^mu d^4x
G = gk.einstein(cf)
g = cf.metric().matrix
gi, fr, det = g.inv(), cf.frame(), cf.E.det()
einstein = sp.Matrix(4, 4, lambda a, lam: 2 * det * sum(
    gi[lam, m] * G[m, nu] * fr[a][nu] for m in range(4) for nu in range(4)))
assert (EL - einstein).applyfunc(alg) == sp.zeros(4, 4)
for a in range(4):
    show(rf"\mathcal{{E}}_{a}", E[a])
print("EL_a^mu == 2 det(E) g^{mu nu} G_{nu rho} E_a^rho: True")

# Schwarzschild solves them
M = sp.Symbol("M", positive=True)
f = 1 - 2 * M / r
schw = gk.Coframe([sp.sqrt(f) * c.dx[0], c.dx[1] / sp.sqrt(f), r * c.dx[2],
                   r * sp.sin(th) * c.dx[3]], sp.diag(-1, 1, 1, 1))
assert all(Ea == 0 for Ea in gk.field_equations(tegr(4), schw))
print("Schwarzschild (diagonal tetrad): all E_a = 0")

# -- 3. dislocations ---------------------------------------------------------------------------
print("\n# 3. Edge and screw dislocations (regularised cores, f = 1 - exp(-r^2/r_0^2))")
for make in (X.E3_edge, X.E3_screw):
    ex = make()
    b = ex.symbols["b"]
    main = gk.defects.mainstream(ex.connection)
    gt = gk.defects.general_teleparallel(ex.connection)
    print(f"## {ex.description}")
    for a, Ta in enumerate(main.dislocation):
        if Ta:
            show(f"T^{a + 1}", Ta.simplify("algebraic"))
    show(r"\iota_a T^a", gt.dislocation.simplify("algebraic"))
    show(r"e_a\wedge T^a", gt.axial.simplify("algebraic"))
    loop, param = ex.extra["loop"]
    disc, params = ex.extra["disc"]
    b_loop = gk.defects.burgers_vector(ex.coframe, loop, param)
    b_flux = gk.defects.burgers_flux(ex.connection, disc, params)
    show(r"\oint e^a", sp.Matrix(b_loop).T)
    k = ex.extra["component"]
    assert sp.simplify(b_loop[k] - ex.extra["burgers"]) == 0
    assert all(sp.simplify(u - v) == 0 for u, v in zip(b_loop, b_flux))
    # far from the core the Burgers vector is b
    assert sp.limit(b_loop[k], ex.extra["R"], sp.oo) == b
    if make is X.E3_screw:
        assert gt.dislocation == 0          # screw content is not in the trace ...
        assert gt.axial != 0                # ... it sits in the axial torsion
    else:
        assert gt.dislocation != 0
print("Burgers vectors: loop integral = flux of T^a = b f(R) -> b")
