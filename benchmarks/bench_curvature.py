"""Curvature benchmark: geomkit against SageManifolds, EinsteinPy and sympy.diffgeom.

For each metric (Schwarzschild, FLRW with curvature k, Kerr in Boyer-Lindquist
coordinates, a diagonal 4-D metric of four arbitrary functions of all
coordinates) every system computes, in a fresh process, the chain

    Christoffel -> Riemann -> Ricci -> Ricci scalar -> Kretschmann (simplified)

with its own simplification (geomkit: the default 'algebraic' frame engine, whose
results are canonical, and a final ``sympy.factor`` of a Kretschmann scalar free
of arbitrary functions, which gives the closed forms; SageManifolds: its default
simplification chain and ``simplify_full``; EinsteinPy and sympy.diffgeom:
``sympy.simplify`` of the Kretschmann scalar).  The CPU time of that chain is
reported (imports and the correctness check excluded).  Correctness: the
Kretschmann scalar (and the Ricci tensor of the vacuum metrics) is evaluated at
a point, with concrete functions substituted for the arbitrary ones, and compared
with the closed form or with an independent textbook computation done here.

geomkit additionally runs with several PYTHONHASHSEED values and the results
must be identical.

Usage::

    python benchmarks/bench_curvature.py                  # everything, 300 s per peer run
    python benchmarks/bench_curvature.py --timeout 120 --peers geomkit,diffgeom
    python benchmarks/bench_curvature.py --metrics kerr,schwarzschild --seeds 0,1,2
    python benchmarks/bench_curvature.py --strategies algebraic,cancel,trig --timeout 120
    python benchmarks/bench_curvature.py --predefined --timeout 300   # EinsteinPy's metrics
    python benchmarks/bench_curvature.py --predefined KerrNewman,AlcubierreWarp
    python benchmarks/bench_curvature.py --predefined Kerr,KerrNewman,AlcubierreWarp \
        --einsteinpy-route raw --timeout 600              # EinsteinPy without its simplify
    python benchmarks/bench_curvature.py --predefined BesselGravitationalWave \
        --einsteinpy-route raw --bessel-fix               # J_0(rho), not J_rho(0)

``--predefined`` runs both programs on EinsteinPy's predefined metrics (the identical
sympy matrix; Kerr-Newman with c, G and eps_0 symbolic as EinsteinPy ships it):
CPU time of Ricci tensor, Ricci scalar and Kretschmann scalar, and the agreement
of all their values at three points evaluated at 50 digits.

EinsteinPy's route (``--einsteinpy-route``):

* ``simplify`` (default): ``RiemannCurvatureTensor.from_metric`` ->
  ``RicciTensor.from_riemann`` -> ``RicciScalar.from_riccitensor``, and the
  Kretschmann scalar as the sum of ``change_config('llll')`` times
  ``change_config('uuuu')``, all as EinsteinPy ships them: it calls
  ``sympy.simplify`` on every Riemann component, every Ricci component, the scalar,
  every component after each index raise/lower and the inverse metric.  This times
  out (> 240 s) for Kerr, Kerr-Newman and the Alcubierre warp.
* ``raw``: the same EinsteinPy classes and calls (``ChristoffelSymbols.from_metric``
  -> ``RiemannCurvatureTensor.from_christoffels`` -> ``RicciTensor.from_riemann`` ->
  ``RicciScalar.from_riccitensor``, ``change_config`` for the Kretschmann scalar),
  hence EinsteinPy's own tensor formulas, with every ``simplify`` they call replaced
  by the identity for the duration of the run.  EinsteinPy 0.5 has no parameter
  that skips these calls, so the worker swaps the names they are looked up by
  (``sympy`` in ``einsteinpy.symbolic.riemann``, ``.helpers`` and ``.metric``;
  ``simplify`` in ``einsteinpy.symbolic.tensor``) for a no-op.  Nothing is evaluated
  at the points before the symbolic Ricci tensor, scalar and Kretschmann scalar are
  complete; their (large) unsimplified expressions are then evaluated with mpmath
  at 50 digits exactly like geomkit's.

``--bessel-fix``: EinsteinPy's ``BesselGravitationalWave`` writes ``besselj(rho, 0)``
and ``besselj(rho, 1)``, i.e. J_rho(0) and J_rho(1) (Bessel functions whose *order*
is the coordinate), where Kramer's solution has J_0(rho) and J_1(rho).  The
derivatives by the order that this produces cannot be evaluated by mpmath, so the
row has no agreement figure.  With the flag both programs get the metric with the
order and argument put right (the same corrected matrix for both, so the comparison
stays like for like); the corrected metric is vacuum, as Kramer's solution must be
(geomkit's Ricci tensor is below 1e-50 at the sample points).
EinsteinPy's metric has a Python float in its exponent (``(1 / 2) * C**2 * rho``);
with the ``simplify`` route its Riemann components come out with 15-digit Floats
such as 0.333333333333333, so that route agrees only to ~1e-17 (the ``raw`` route,
which keeps the float 0.5 exact as geomkit does, agrees to 50 digits).

Peers are optional (``pip install einsteinpy passagemath-symbolics
passagemath-maxima``); a missing one is skipped with a message.  Timings on a
shared machine are perturbed by other load.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)  # run from a checkout without installing

METRICS = ["schwarzschild", "flrw", "kerr", "diag4"]
PEERS = ["sage", "einsteinpy", "diffgeom"]
NAMES = {
    "geomkit": "geomkit",
    "sage": "SageManifolds",
    "einsteinpy": "EinsteinPy",
    "diffgeom": "sympy.diffgeom",
}

# -- metric definitions (sympy) --------------------------------------------------------------


def sympy_metric(name):
    """(coordinate symbols, metric Matrix, sign of det)."""
    import sympy as sp

    if name == "diag4":
        t, x, y, z = sp.symbols("t x y z", real=True)
        F = [sp.Function(f)(t, x, y, z) for f in "ABCD"]
        return (t, x, y, z), sp.diag(-F[0], F[1], F[2], F[3])
    t, r, th, ph = sp.symbols("t r theta phi", positive=True)
    from geomkit.symbolic import spacetimes

    X = (t, r, th, ph)
    if name == "schwarzschild":
        return X, spacetimes.schwarzschild(X, sp.Symbol("M", positive=True))
    if name == "flrw":
        return X, spacetimes.flrw(X, sp.Function("a")(t), sp.Symbol("k", real=True))
    if name == "kerr":
        return X, spacetimes.kerr(X, *sp.symbols("M a", positive=True))
    raise ValueError(name)


# -- correctness check (independent of every system) --------------------------------------------

POINT = {
    "t": "3/10",
    "r": "31/10",
    "theta": "7/10",
    "phi": "1/5",
    "x": "2/5",
    "y": "-3/10",
    "z": "1/7",
    "M": "37/100",
    "a": "23/100",
    "k": "3/10",
}


def _concrete():
    import sympy as sp

    t, x, y, z = sp.symbols("t x y z", real=True)
    return {
        "A": sp.Lambda((t, x, y, z), 2 + sp.sin(t + x) / 3 + y * z / 5),
        "B": sp.Lambda((t, x, y, z), 1 + t**2 / 4 + sp.cos(y) / 5),
        "C": sp.Lambda((t, x, y, z), 3 + sp.exp(x * z / 3) / 2),
        "D": sp.Lambda((t, x, y, z), 2 + x * t / 7 + z**2 / 3 + sp.sin(y) / 4),
        "a": sp.Lambda((t,), 1 + t**2 + t / 3),
    }


def evaluate(expr):
    """Value of an expression at POINT with the concrete functions substituted."""
    import sympy as sp

    conc = _concrete()
    for f in sorted(expr.atoms(sp.core.function.AppliedUndef), key=str):
        name = str(f.func)
        if name in conc:
            expr = expr.replace(f.func, conc[name])
    expr = expr.doit()
    sub = {s: sp.Rational(POINT[str(s)]) for s in expr.free_symbols if str(s) in POINT}
    return complex(sp.N(expr.xreplace(sub), 30))


def expected_kretschmann(name):
    import sympy as sp

    if name == "schwarzschild":
        M, r = sp.symbols("M r", positive=True)
        return evaluate(48 * M**2 / r**6)
    if name == "kerr":
        M, a, r, th = sp.symbols("M a r theta", positive=True)
        c = sp.cos(th)
        K = 48 * M**2 * (r**6 - 15 * r**4 * a**2 * c**2 + 15 * r**2 * a**4 * c**4 - a**6 * c**6)
        return evaluate(K / (r**2 + a**2 * c**2) ** 6)
    if name == "flrw":
        t = sp.Symbol("t", positive=True)
        k = sp.Symbol("k", real=True)
        a = sp.Function("a")(t)
        ad, add = a.diff(t), a.diff(t, 2)
        return evaluate(12 * ((add / a) ** 2 + ((ad**2 + k) / a**2) ** 2))
    # diag4: textbook Christoffel/Riemann on the concrete metric, evaluated at the point
    coords, g = sympy_metric("diag4")
    conc = _concrete()
    g = g.applyfunc(
        lambda e: (
            e.replace(sp.Function("A"), conc["A"])
            .replace(sp.Function("B"), conc["B"])
            .replace(sp.Function("C"), conc["C"])
            .replace(sp.Function("D"), conc["D"])
        )
    )
    n = 4
    gi = sp.diag(*[1 / g[i, i] for i in range(n)])
    G = [
        [
            [
                sum(
                    gi[l, s]
                    * (g[s, m].diff(coords[v]) + g[s, v].diff(coords[m]) - g[m, v].diff(coords[s]))
                    for s in range(n)
                )
                / 2
                for v in range(n)
            ]
            for m in range(n)
        ]
        for l in range(n)
    ]
    R = {}
    for rr in range(n):
        for s in range(n):
            for m in range(n):
                for v in range(m + 1, n):
                    R[rr, s, m, v] = (
                        G[rr][v][s].diff(coords[m])
                        - G[rr][m][s].diff(coords[v])
                        + sum(G[rr][m][q] * G[q][v][s] - G[rr][v][q] * G[q][m][s] for q in range(n))
                    )
    sub = {c: sp.Rational(POINT[str(c)]) for c in coords}
    Rv = {k_: complex(sp.N(v.xreplace(sub), 30)) for k_, v in R.items()}
    gv = [complex(sp.N(g[i, i].xreplace(sub), 30)) for i in range(n)]
    K = 0
    for (rr, s, m, v), val in Rv.items():
        K += 2 * val * val * gv[rr] / (gv[s] * gv[m] * gv[v])  # mu < nu counted twice
    return K


def check(name, K, ricci=None):
    exp = expected_kretschmann(name)
    try:
        got = evaluate(K)
    except TypeError:  # the peer's expression could not be evaluated here
        return None
    ok = abs(got - exp) <= 1e-12 * max(1.0, abs(exp))
    if ricci is not None and name in ("schwarzschild", "kerr"):
        ok = ok and all(abs(evaluate(v)) < 1e-12 for v in ricci)
    return ok


# -- workers: one system, one metric, fresh process ---------------------------------------------


def run_geomkit(name, strategy="algebraic"):
    import sympy as sp

    import geomkit as gk

    coords, g = sympy_metric(name)
    t0 = time.process_time()
    chart = gk.Chart(coords)
    metric = gk.Metric(chart, g, sign=-1)
    gk.christoffel(metric, simplify=strategy)
    gk.riemann(metric, simplify=strategy)
    Ric = gk.ricci(metric, simplify=strategy)
    gk.ricci_scalar(metric, simplify=strategy)
    K = gk.kretschmann(metric, simplify=strategy)  # canonical with 'algebraic'
    if not K.has(sp.core.function.AppliedUndef):
        K = sp.factor(K)  # the closed form, e.g. Kerr's 48 M^2 (r^6 - 15 r^4 a^2 c^2 ...) / Sigma^6
    cpu = time.process_time() - t0
    digest = hashlib.sha256((sp.srepr(K) + sp.srepr(Ric)).encode()).hexdigest()[:16]
    return cpu, K, list(Ric), digest


def run_einsteinpy(name):
    import sympy as sp
    from einsteinpy.symbolic import (
        ChristoffelSymbols,
        MetricTensor,
        RicciScalar,
        RicciTensor,
        RiemannCurvatureTensor,
    )

    coords, g = sympy_metric(name)
    t0 = time.process_time()
    m = MetricTensor(g.tolist(), coords)
    ch = ChristoffelSymbols.from_metric(m)
    rm = RiemannCurvatureTensor.from_christoffels(ch)
    ric = RicciTensor.from_riemann(rm)
    RicciScalar.from_riccitensor(ric)
    low = rm.change_config("llll", metric=m).tensor()
    up = rm.change_config("uuuu", metric=m).tensor()
    n = 4
    K = sp.simplify(
        sum(
            low[i, j, k, l] * up[i, j, k, l]
            for i in range(n)
            for j in range(n)
            for k in range(n)
            for l in range(n)
        )
    )
    cpu = time.process_time() - t0
    Ric = [ric.tensor()[i, j] for i in range(n) for j in range(n)]
    return cpu, K, Ric, None


def run_diffgeom(name):
    import sympy as sp
    from sympy.diffgeom import (
        CoordSystem,
        Manifold,
        Patch,
        TensorProduct,
        metric_to_Christoffel_2nd,
        metric_to_Ricci_components,
        metric_to_Riemann_components,
    )

    coords, g = sympy_metric(name)
    t0 = time.process_time()
    n = 4
    man = Manifold("M", n)
    patch = Patch("P", man)
    cs = CoordSystem("cs", patch, list(coords))
    xs = cs.base_scalars()
    dx = cs.base_oneforms()
    to_cs = dict(zip(coords, xs))
    back = dict(zip(xs, coords))
    gcs = g.xreplace(to_cs)
    metric = sum(
        gcs[i, j] * TensorProduct(dx[i], dx[j])
        for i in range(n)
        for j in range(n)
        if gcs[i, j] != 0
    )
    metric_to_Christoffel_2nd(metric)
    Rie = metric_to_Riemann_components(metric)
    Ric = metric_to_Ricci_components(metric)
    gi = g.inv()
    Rs = sum(
        gi[i, j] * Ric[i, j].xreplace(back) for i in range(n) for j in range(n) if gi[i, j] != 0
    )
    del Rs
    Rc = {
        (a, b, c, d): Rie[a, b, c, d].xreplace(back)
        for a in range(n)
        for b in range(n)
        for c in range(n)
        for d in range(n)
    }
    # K = R^a_bcd R^e_fgh g_ae g^bf g^cg g^dh
    nz = [(i, j) for i in range(n) for j in range(n) if gi[i, j] != 0]
    K = 0
    for a in range(n):
        for e in range(n):
            if g[a, e] == 0:
                continue
            for b, f in nz:
                for c, gg in nz:
                    for d, h in nz:
                        K += (
                            Rc[a, b, c, d]
                            * Rc[e, f, gg, h]
                            * g[a, e]
                            * gi[b, f]
                            * gi[c, gg]
                            * gi[d, h]
                        )
    K = sp.simplify(K)
    cpu = time.process_time() - t0

    def plain(e):  # base scalars left inside Subs(...) -> coordinate symbols
        def pt(u):
            return coords[int(u.args[1])] if type(u).__name__ == "BaseScalarField" else u

        e = e.xreplace(back)
        return e.replace(sp.Subs, lambda f, v, p: sp.Subs(f, v, tuple(pt(u) for u in p)))

    return cpu, plain(K), [plain(Ric[i, j]) for i in range(n) for j in range(n)], None


def run_sage(name):
    from sage.all__sagemath_symbolics import SR, cos, function, sin, var  # noqa: F401
    from sage.manifolds.manifold import Manifold

    t0 = time.process_time()
    M = Manifold(4, "M", structure="Lorentzian")
    if name == "diag4":
        X = M.chart("t x y z")
        t, x, y, z = X[:]
        A, B, C, D = (function(f)(t, x, y, z) for f in "ABCD")
        g = M.metric()
        g[0, 0], g[1, 1], g[2, 2], g[3, 3] = -A, B, C, D
    else:
        X = M.chart(r"t r:(0,+oo) theta:(0,pi) phi:(0,2*pi)")
        t, r, th, ph = X[:]
        g = M.metric()
        if name == "schwarzschild":
            m = var("M", domain="positive")
            g[0, 0], g[1, 1] = -(1 - 2 * m / r), 1 / (1 - 2 * m / r)
            g[2, 2], g[3, 3] = r**2, r**2 * sin(th) ** 2
        elif name == "flrw":
            k = var("k", domain="real")
            a = function("a")(t)
            g[0, 0], g[1, 1] = -1, a**2 / (1 - k * r**2)
            g[2, 2], g[3, 3] = a**2 * r**2, a**2 * r**2 * sin(th) ** 2
        else:
            m, aa = var("M", domain="positive"), var("a", domain="positive")
            Sig = r**2 + aa**2 * cos(th) ** 2
            g[0, 0] = -(1 - 2 * m * r / Sig)
            g[0, 3] = -2 * m * aa * r * sin(th) ** 2 / Sig
            g[1, 1] = Sig / (r**2 - 2 * m * r + aa**2)
            g[2, 2] = Sig
            g[3, 3] = (r**2 + aa**2 + 2 * m * aa**2 * r * sin(th) ** 2 / Sig) * sin(th) ** 2
    g.christoffel_symbols()
    Riem = g.riemann()
    Ric = g.ricci()
    g.ricci_scalar()
    K = (Riem.down(g)["_{abcd}"] * Riem.up(g)["^{abcd}"]).expr().simplify_full()
    cpu = time.process_time() - t0
    return cpu, K._sympy_(), [Ric[i, j].expr()._sympy_() for i in range(4) for j in range(4)], None


# -- EinsteinPy's predefined metrics (the identical sympy matrix for both programs) ------------
PREDEFINED = [
    "AlcubierreWarp", "AntiDeSitter", "AntiDeSitterStatic", "BarriolaVilekin", "BertottiKasner",
    "BesselGravitationalWave", "CMetric", "Davidson", "DeSitter", "Ernst", "Godel",
    "JanisNewmanWinicour", "Kerr", "KerrNewman", "Minkowski", "MinkowskiCartesian",
    "MinkowskiPolar", "ReissnerNordstorm", "Schwarzschild",
]


def predefined_metric(name, bessel_fix=False):
    """(coordinates, metric Matrix) of an EinsteinPy predefined metric (KerrNewman ships
    with c, G, eps_0 symbolic).  bessel_fix: besselj(x, n) -> besselj(n, x), J_n(x)."""
    import sympy as sp
    from einsteinpy.symbolic import predefined

    m = getattr(predefined, name)()
    g = sp.Matrix(m.tensor().tolist())
    if bessel_fix:
        g = g.replace(sp.besselj, lambda nu, x: sp.besselj(x, nu))
    return tuple(m.syms), g


class _NoSimplify:
    """Stands for the sympy module inside EinsteinPy's modules, with simplify a no-op."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        if name == "simplify":
            return _identity
        return getattr(self._module, name)


def _identity(expr, *args, **kwargs):
    return expr


def einsteinpy_without_simplify():
    """Make every sympy.simplify that EinsteinPy 0.5's symbolic classes call the identity
    (this process only; the formulas themselves are EinsteinPy's)."""
    import sympy
    from einsteinpy.symbolic import helpers, metric, riemann, tensor

    for mod in (riemann, helpers, metric):
        assert mod.sympy is sympy
        mod.sympy = _NoSimplify(sympy)
    assert tensor.simplify is sympy.simplify
    tensor.simplify = _identity


def sample_points(coords, g, k=3, seed=7):
    """k points, every symbol a rational in (0.2, 0.9) ('r' in (3, 6): outside horizons)."""
    import random

    import sympy as sp

    rng = random.Random(seed)
    syms = sorted(g.free_symbols | set(coords), key=sp.default_sort_key)
    pts = []
    for _ in range(k):
        pts.append({s: sp.Rational(rng.randint(3000, 6000) if s.name == "r"
                                    else rng.randint(200, 900), 1000) for s in syms})
    return pts


def values_at(exprs, points, dps=50):
    """Strings of the values (mpmath, dps digits) of exprs at each point."""
    import mpmath
    import sympy as sp
    from sympy.core.function import AppliedUndef

    mpmath.mp.dps = dps
    exprs = [sp.sympify(e) for e in exprs]
    # arbitrary functions (C-metric's f, g): the same concrete choice for both programs
    funcs = set().union(*(e.atoms(AppliedUndef) for e in exprs))
    conc = {type(f): sp.Lambda(f.args, 1 + sum(f.args) ** 2 / 7 + sum(f.args) ** 3 / 11)
            for f in funcs}
    if conc:
        exprs = [e.replace(lambda x: type(x) in conc, lambda x: conc[type(x)](*x.args)).doit()
                 for e in exprs]
    syms = sorted(set().union(*(e.free_symbols for e in exprs)), key=sp.default_sort_key)
    f = sp.lambdify(syms, exprs, "mpmath")
    out = []
    for p in points:
        vals = f(*(mpmath.mpf(p[s].p) / p[s].q for s in syms))
        out.append([mpmath.nstr(mpmath.mpmathify(v), 45) for v in vals])
    return out


def run_predefined(system, name, bessel_fix=False):
    import sympy as sp

    coords, g = predefined_metric(name, bessel_fix)
    n = len(coords)
    t0 = time.process_time()
    if system == "geomkit":
        import geomkit as gk

        metric = gk.Metric(gk.Chart(coords), g)
        Ric, R, K = gk.ricci(metric), gk.ricci_scalar(metric), gk.kretschmann(metric)
        Ric = list(Ric)
    else:
        from einsteinpy.symbolic import (
            ChristoffelSymbols,
            MetricTensor,
            RicciScalar,
            RicciTensor,
            RiemannCurvatureTensor,
        )

        if system == "einsteinpy-raw":
            einsteinpy_without_simplify()
        m = MetricTensor(g.tolist(), coords)
        ch = ChristoffelSymbols.from_metric(m)  # what from_metric does, spelled out
        rm = RiemannCurvatureTensor.from_christoffels(ch)
        ric = RicciTensor.from_riemann(rm)
        R = RicciScalar.from_riccitensor(ric).expr
        low = rm.change_config("llll", metric=m).tensor()
        up = rm.change_config("uuuu", metric=m).tensor()
        K = sum(low[i, j, k, l] * up[i, j, k, l] for i in range(n) for j in range(n)
                for k in range(n) for l in range(n))
        Ric = [ric.tensor()[i, j] for i in range(n) for j in range(n)]
    cpu = time.process_time() - t0
    vals = values_at(Ric + [R, K], sample_points(coords, g))
    print(json.dumps({"cpu": cpu, "values": vals, "ops": int(sp.count_ops(K))}))


def agreement(a, b):
    """Largest relative difference of two value lists (strings from values_at)."""
    import mpmath

    mpmath.mp.dps = 50
    worst = mpmath.mpf(0)
    for pa, pb in zip(a, b):
        for x, y in zip(pa, pb):
            x, y = mpmath.mpmathify(x), mpmath.mpmathify(y)
            if not (mpmath.isfinite(x) and mpmath.isfinite(y)):
                if str(x) != str(y):
                    return mpmath.inf
                continue
            worst = max(worst, abs(x - y) / (1 + abs(y)))
    return worst


def predefined_table(names, timeout, route="simplify", bessel_fix=False):
    """geomkit against EinsteinPy on EinsteinPy's predefined metrics."""
    peer = "einsteinpy" if route == "simplify" else "einsteinpy-raw"
    fix = ":bessel-fix" if bessel_fix else ""
    print("EinsteinPy predefined metrics: CPU s for Ricci tensor, Ricci scalar and Kretschmann")
    if route == "simplify":
        print("(EinsteinPy: RiemannCurvatureTensor.from_metric, which simplifies each component;")
    else:
        print("(EinsteinPy route 'raw': its own classes with every sympy.simplify they call a")
        print(" no-op, see the module docstring;")
    if bessel_fix:
        print(" BesselGravitationalWave: J_0(rho), J_1(rho) for EinsteinPy's J_rho(0), J_rho(1);")
    print(" agreement: largest relative difference of all values at 3 points, 50 digits)")
    print(f"| metric | geomkit | EinsteinPy ({route}) | agreement |")
    print("| --- | --- | --- | --- |")
    for name in names:
        res = {s: run("predefined:" + s + fix, name, timeout) for s in ("geomkit", peer)}
        agree = "-"
        errs = [r.get("error", "") for r in res.values()]
        if any("_print_Derivative" in e for e in errs):
            agree = "not evaluable (derivative by a Bessel order)"
        if all("values" in r for r in res.values()):
            d = agreement(res["geomkit"]["values"], res[peer]["values"])
            agree = (f"OK (< 1e-40; largest {float(d):.0e})" if d < 1e-40
                     else f"DIFFER ({float(d):.1e})")
        cells = []
        for s in ("geomkit", peer):
            r = res[s]
            cells.append(f"{r['cpu']:.2f}" if "cpu" in r else
                         f"> {timeout:g}" if r.get("timeout") else f"error: {r['error'][:60]}")
        print(f"| {name} | {cells[0]} | {cells[1]} | {agree} |", flush=True)


def worker(system, name):
    if system.startswith("predefined:"):
        parts = system.split(":")
        run_predefined(parts[1], name, bessel_fix="bessel-fix" in parts[2:])
        return
    if system.startswith("geomkit:"):
        cpu, K, Ric, digest = run_geomkit(name, system.split(":", 1)[1])
        ok = check(name, K, Ric)
        zeros = all(v == 0 for v in Ric) if name in ("schwarzschild", "kerr") else None
        print(json.dumps({"cpu": cpu, "ok": ok, "digest": digest, "exact_zeros": zeros}))
        return
    fn = {
        "geomkit": run_geomkit,
        "einsteinpy": run_einsteinpy,
        "diffgeom": run_diffgeom,
        "sage": run_sage,
    }[system]
    cpu, K, Ric, digest = fn(name)
    ok = check(name, K, Ric)
    print(json.dumps({"cpu": cpu, "ok": ok if ok is None else bool(ok), "digest": digest}))


# -- driver --------------------------------------------------------------------------------------


def available(system):
    mod = {
        "geomkit": "geomkit",
        "sage": "sage.all__sagemath_symbolics",
        "einsteinpy": "einsteinpy.symbolic",
        "diffgeom": "sympy.diffgeom",
    }[system]
    try:
        __import__(mod)
        return True
    except Exception:
        return False


def run(system, name, timeout, seed=None):
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    if seed is not None:
        env["PYTHONHASHSEED"] = str(seed)
    try:
        out = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--worker", system, name],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": True}
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode or not lines:
        return {"error": (out.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(lines[-1])


def fmt(res, timeout):
    if res is None:
        return "skipped"
    if res.get("timeout"):
        return f"> {timeout:g}"
    if "error" in res:
        return "error"
    note = {True: "", False: " (WRONG)", None: " (unchecked)"}[res["ok"]]
    return f"{res['cpu']:.2f}" + note


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--metrics", default=",".join(METRICS))
    ap.add_argument("--peers", default="geomkit," + ",".join(PEERS))
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--seeds", default="0,1,2", help="PYTHONHASHSEED values for geomkit")
    ap.add_argument(
        "--strategies",
        default="",
        help="compare geomkit strategies instead, e.g. algebraic,cancel,trig",
    )
    ap.add_argument(
        "--predefined",
        nargs="?",
        const="all",
        default=None,
        help="table of EinsteinPy's predefined metrics (all, or a comma-separated list)",
    )
    ap.add_argument(
        "--einsteinpy-route",
        choices=("simplify", "raw"),
        default="simplify",
        help="with --predefined: EinsteinPy as shipped, or its classes without simplify",
    )
    ap.add_argument(
        "--bessel-fix",
        action="store_true",
        help="with --predefined: J_0(rho), J_1(rho) in BesselGravitationalWave, both sides",
    )
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    if args.predefined:
        if not available("einsteinpy"):
            print("# EinsteinPy is not installed (pip install einsteinpy): skipped")
            return
        names = PREDEFINED if args.predefined == "all" else args.predefined.split(",")
        predefined_table(names, args.timeout, args.einsteinpy_route, args.bessel_fix)
        return
    metrics = args.metrics.split(",")
    if args.strategies:
        strategies = args.strategies.split(",")
        print("geomkit simplification strategies: CPU s (Ricci of the vacuum metrics exactly 0?)")
        print("| metric | " + " | ".join(strategies) + " |")
        print("|" + " --- |" * (len(strategies) + 1))
        for name in metrics:
            cells = []
            for st in strategies:
                res = run("geomkit:" + st, name, args.timeout)
                cell = fmt(res, args.timeout)
                if res.get("exact_zeros") is not None:
                    cell += " (Ricci = 0)" if res["exact_zeros"] else " (Ricci not 0)"
                cells.append(cell)
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
        return
    systems = args.peers.split(",")
    seeds = [int(s) for s in args.seeds.split(",") if s != ""]
    for s in systems:
        if not available(s):
            print(f"# {NAMES[s]} is not installed: skipped")
    systems = [s for s in systems if available(s)]
    table = {}
    for name in metrics:
        for s in systems:
            if s == "geomkit":
                runs = [run(s, name, args.timeout, seed) for seed in (seeds or [None])]
                ok = [r for r in runs if "cpu" in r]
                if ok and len(ok) == len(runs):
                    digests = {r["digest"] for r in ok}
                    res = dict(min(ok, key=lambda r: r["cpu"]))
                    res["deterministic"] = len(digests) == 1
                    res["ok"] = (
                        all(r["ok"] for r in ok) if all(r["ok"] is not None for r in ok) else None
                    )
                else:
                    res = runs[0] if not ok else runs[[("cpu" in r) for r in runs].index(False)]
            else:
                res = run(s, name, args.timeout)
            table[name, s] = res
            print(f"# {name:13s} {NAMES[s]:15s} {fmt(res, args.timeout)}", flush=True)
    print()
    head = "| metric | " + " | ".join(NAMES[s] for s in systems) + " |"
    print("CPU seconds, Christoffel -> Riemann -> Ricci -> scalar -> simplified Kretschmann")
    print(head)
    print("|" + " --- |" * (len(systems) + 1))
    for name in metrics:
        print(
            f"| {name} | " + " | ".join(fmt(table[name, s], args.timeout) for s in systems) + " |"
        )
    if "geomkit" in systems:
        print()
        print("ratio peer / geomkit (higher is better for geomkit; '>' when the peer timed out)")
        for name in metrics:
            gkres = table[name, "geomkit"]
            if "cpu" not in gkres:
                continue
            parts = []
            for s in systems:
                if s == "geomkit":
                    continue
                r = table[name, s]
                if "cpu" in r:
                    parts.append(f"{NAMES[s]} {r['cpu'] / gkres['cpu']:.1f}x")
                elif r.get("timeout"):
                    parts.append(f"{NAMES[s]} > {args.timeout / gkres['cpu']:.0f}x")
            det = gkres.get("deterministic")
            seeds_txt = (
                f"; identical for PYTHONHASHSEED={args.seeds}: {det}" if det is not None else ""
            )
            print(f"  {name}: " + ", ".join(parts) + seeds_txt)


if __name__ == "__main__":
    main()
