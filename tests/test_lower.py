"""gk.lower: agreement with sympy, semantics of calls, errors, source and cache."""

import os
import subprocess
import sys
import textwrap

import mpmath
import numpy as np
import pytest
import sympy as sp
import workloads_lower as W

import geomkit as gk
from geomkit.codegen import generate

RNG = np.random.default_rng(20261127)


def mp_reference(exprs, symbols, columns, dps=40):
    """High-precision values of ``exprs`` (rows) at the points given by ``columns``."""
    mpmath.mp.dps = dps
    f = sp.lambdify(symbols, list(exprs), "mpmath")
    n = len(columns[0])
    out = np.empty((len(exprs), n))
    for i in range(n):
        out[:, i] = [float(v) for v in f(*(mpmath.mpf(float(c[i])) for c in columns))]
    return out


def assert_rel(got, ref, tol=1e-13):
    err = np.abs(got - ref) / np.maximum(np.abs(ref), np.finfo(float).tiny)
    assert err.max() <= tol, f"max relative error {err.max():.2e} > {tol:.0e}"


# -- shared kernels (compiled once per session) --------------------------------------
@pytest.fixture(scope="session")
def graph():
    out, ins, pars = W.graph_surface()
    return out, ins, pars, gk.lower(out, ins, pars, name="graph")


@pytest.fixture(scope="session")
def kerr():
    out, ins, pars = W.kerr_riemann()
    return out, ins, pars, gk.lower(out, ins, pars, name="kerr")


@pytest.fixture(scope="session")
def fundamental_forms():
    """Christoffel symbols and Brioschi's K of a metric E, F, G of unknown functions."""
    u, v = sp.symbols("u v")
    E, F, G = (sp.Function(s)(u, v) for s in "EFG")
    g = sp.Matrix([[E, F], [F, G]])
    out = {f"Gamma_{k}_{i}_{j}": sp.simplify(e) for (k, i, j), e in
           W.christoffel(g, (u, v)).items()}
    Eu, Ev, Fu, Fv, Gu, Gv = (sp.diff(f, x) for f in (E, F, G) for x in (u, v))
    A = sp.Matrix([
        [-sp.diff(E, v, 2) / 2 + sp.diff(F, u, v) - sp.diff(G, u, 2) / 2, Eu / 2, Fu - Ev / 2],
        [Fv - Gu / 2, E, F],
        [Gv / 2, F, G],
    ])
    B = sp.Matrix([[0, Ev / 2, Gu / 2], [Ev / 2, E, F], [Gu / 2, F, G]])
    out["K"] = (A.det() - B.det()) / (E * G - F**2) ** 2
    return out, gk.lower(out, [u, v], name="brioschi")


# -- agreement with sympy --------------------------------------------------------------
def test_graph_surface_matches_sympy(graph):
    out, (x, y), (a, b), k = graph
    n = 40
    X, Y = RNG.uniform(-2, 2, n), RNG.uniform(-2, 2, n)
    res = k(x=X, y=Y, a=1.3, b=2.1)
    ref = mp_reference(out.values(), [x, y, a, b], [X, Y, np.full(n, 1.3), np.full(n, 2.1)])
    for row, name in enumerate(out):
        assert_rel(res[name], ref[row])


def test_graph_surface_curvature_at_the_vertex_of_a_paraboloid():
    # MATH.md 7.4(3): z = (x^2 + y^2)/2 has K = H = 1 at the origin (upward normal)
    x, y = sp.symbols("x y")
    h = (x**2 + y**2) / 2
    hx, hy, hxx, hxy, hyy = (sp.diff(h, *d) for d in ([x], [y], [x, x], [x, y], [y, y]))
    w = 1 + hx**2 + hy**2
    k = gk.lower({"K": (hxx * hyy - hxy**2) / w**2,
                  "H": ((1 + hy**2) * hxx - 2 * hx * hy * hxy + (1 + hx**2) * hyy)
                  / (2 * w ** sp.Rational(3, 2))}, [x, y])
    res = k(x=np.array([0.0, 1.0]), y=np.array([0.0, 0.0]))
    assert res["K"][0] == 1.0 and res["H"][0] == 1.0
    assert res["K"][1] == pytest.approx(1 / 4)  # K = 1/(1+r^2)^2


@pytest.mark.parametrize("n", [2, 3])
def test_christoffel_from_metric_symbols_matches_sympy(n):
    out, ins, _ = W.metric_christoffel(n)
    k = gk.lower(out, ins, name=f"christoffel{n}d")
    m = 30
    cols = [RNG.uniform(-1, 1, m) for _ in ins]
    for i in range(n):  # diagonally dominant: positive definite
        cols[ins.index(sp.Symbol(f"g_{i}{i}"))] += n + 2
    res = k(**{str(s): c for s, c in zip(ins, cols)})
    ref = mp_reference(out.values(), ins, cols)
    for row, name in enumerate(out):
        assert_rel(res[name], ref[row])


@pytest.mark.slow
def test_kerr_riemann_matches_sympy(kerr):
    out, (r, th), (M, a), k = kerr
    n = 12
    R, TH = RNG.uniform(2.5, 20, n), RNG.uniform(0.2, 2.9, n)
    res = k(r=R, theta=TH, M=1.0, a=0.7)
    ref = mp_reference(out.values(), [r, th, M, a], [R, TH, np.ones(n), np.full(n, 0.7)])
    names = list(out)
    riem = [i for i, nm in enumerate(names) if nm.startswith("R_")]
    got = np.array([res[nm] for nm in names])
    # Riemann components cancel heavily: compare the tensor normwise per point
    err = np.linalg.norm(got[riem] - ref[riem], axis=0) / np.linalg.norm(ref[riem], axis=0)
    assert err.max() <= 1e-13
    assert_rel(res["Kretschmann"], ref[-1])
    # and the closed form of the Kretschmann scalar (Carter 1968)
    c = np.cos(TH)
    S = R**2 + 0.49 * c**2
    closed = 48 * (R**6 - 15 * R**4 * 0.49 * c**2 + 15 * R**2 * 0.49**2 * c**4
                   - 0.49**3 * c**6) / S**6
    np.testing.assert_allclose(res["Kretschmann"], closed, rtol=1e-12)


def test_piecewise_abs_sqrt_exp_log_trig_match_sympy():
    x, y = sp.symbols("x y", real=True)
    out = {
        "pw": sp.Piecewise((sp.sqrt(x), x > 0), (-x**3, y < 0), (sp.cos(y), True)),
        "abs": sp.Abs(x - y) ** sp.Rational(5, 2) + sp.sign(x) * sp.Min(x, y, 0.25),
        "explog": sp.exp(-x**2) * sp.log(1 + y**2) + sp.log(2 + sp.sin(x * y)),
        "trig": sp.atan2(y, x) + sp.tan(x / 3) * sp.sinh(y) - sp.acos(sp.tanh(x)) / sp.cosh(y),
        "powers": x**7 / (1 + y**2) ** 3 - (x**2 + 1) ** sp.Rational(-3, 2) + sp.pi * sp.E,
        "const": sp.Rational(2, 3),
    }
    k = gk.lower(out, [x, y], name="mixed")
    n = 60
    X, Y = RNG.uniform(-2, 2, n), RNG.uniform(-2, 2, n)
    res = k(x=X, y=Y)
    ref = mp_reference(out.values(), [x, y], [X, Y])
    for row, name in enumerate(out):
        assert_rel(res[name], ref[row])


# -- undefined functions become inputs --------------------------------------------------
def test_function_inputs_are_named_and_listed(fundamental_forms):
    _, k = fundamental_forms
    assert set(k.inputs) == {
        "E", "F", "G", "E_u", "E_v", "F_u", "F_v", "G_u", "G_v", "E_vv", "F_uv", "G_uu",
    }
    assert k.outputs[-1] == "K"


def test_torus_christoffel_and_curvature_from_measured_metric(fundamental_forms):
    # MATH.md 7.4(2): torus ((R + r cos v) cos u, (R + r cos v) sin u, r sin v)
    _, k = fundamental_forms
    R0, r0 = 2.0, 0.5
    U, V = np.meshgrid(np.linspace(0, 6, 7), np.linspace(0, 6, 9), indexing="ij")
    rho = R0 + r0 * np.cos(V)
    z = np.zeros_like(V)
    vals = dict(E=rho**2, F=z, G=np.full_like(V, r0**2), E_u=z, E_v=-2 * rho * r0 * np.sin(V),
                F_u=z, F_v=z, G_u=z, G_v=z, E_vv=-2 * r0 * (rho * np.cos(V) - r0 * np.sin(V) ** 2),
                F_uv=z, G_uu=z)
    res = k(**vals)
    assert res["K"].shape == V.shape
    np.testing.assert_allclose(res["K"], np.cos(V) / (r0 * rho), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(res["Gamma_0_0_1"], -r0 * np.sin(V) / rho, atol=1e-15)
    np.testing.assert_allclose(res["Gamma_1_0_0"], rho * np.sin(V) / r0, atol=1e-14)
    for name in ("Gamma_0_0_0", "Gamma_0_1_1", "Gamma_1_0_1", "Gamma_1_1_1"):
        assert np.all(res[name] == 0)


def test_derivative_names():
    u, v, th = sp.symbols("u v theta")
    f = sp.Function("f")
    assert generate.derivative_name(sp.Derivative(f(u, v), v, u)) == "f_uv"
    assert generate.derivative_name(sp.Derivative(f(u, v), (v, 2))) == "f_vv"
    assert generate.derivative_name(sp.Derivative(f(u, th), th, u)) == "f_u_theta"


def test_declared_function_inputs_fix_the_order():
    u = sp.Symbol("u")
    f, g = sp.Function("f")(u), sp.Function("g")(u)
    k = gk.lower({"q": f * g + sp.diff(g, u)}, [g, f])
    assert k.inputs[:2] == ("g", "f")
    res = k(f=np.array([2.0]), g=np.array([3.0]), g_u=np.array([1.0]))
    assert res["q"][0] == 7.0


# -- output containers -----------------------------------------------------------------
def test_matrix_form_and_list_outputs_are_named():
    c = gk.Chart("x y z")
    x, y, z = c.coords
    dx, dy, dz = c.dx
    k = gk.lower(gk.d(x * y * dz) + z * (dx ^ dy), [x, y, z])
    assert set(k.outputs) == {"c_0_1", "c_0_2", "c_1_2"}
    res = k(x=np.array([2.0]), y=np.array([3.0]), z=np.array([5.0]))
    assert (res["c_0_1"][0], res["c_0_2"][0], res["c_1_2"][0]) == (5.0, 3.0, 2.0)
    km = gk.lower(sp.Matrix([[x, 0], [y, x * y]]), [x, y])
    assert km.outputs == ("m_0_0", "m_0_1", "m_1_0", "m_1_1")
    kl = gk.lower([x, [y, 2]], [x, y])
    assert kl.outputs == ("out_0", "out_1_0", "out_1_1")
    assert kl(x=[1.0], y=[4.0])["out_1_1"][0] == 2.0


# -- calling ----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def rational():
    x, y, s = sp.symbols("x y s")
    return gk.lower({"q": x / y, "l": sp.log(x) * s, "w": sp.sqrt(y)}, [x, y], [s], name="rat")


def test_broadcasting_and_unused_declared_input():
    x, y, t = sp.symbols("x y t")
    k = gk.lower({"f": x * y**2}, [x, y, t])
    assert k.inputs == ("x", "y")
    X = np.arange(3.0).reshape(3, 1)
    Y = np.arange(4.0).reshape(1, 4)
    np.testing.assert_array_equal(k(x=X, y=Y)["f"], X * Y**2)
    assert k(x=X, y=2.0, t=np.zeros((2, 3, 1)))["f"].shape == (2, 3, 1)


def test_out_buffers_are_filled_in_place(rational):
    X = np.linspace(1, 2, 10)
    Y = np.linspace(3, 4, 10)
    q = np.empty(10)
    res = rational(x=X, y=Y, s=2.0, out={"q": q})
    assert res["q"] is q
    np.testing.assert_allclose(q, X / Y, rtol=1e-15)
    with pytest.raises(gk.KernelInputError, match="out\\['q'\\]"):
        rational(x=X, y=Y, s=2.0, out={"q": np.empty(9)})
    with pytest.raises(gk.KernelInputError, match="out\\['l'\\]"):
        rational(x=X, y=Y, s=2.0, out={"l": np.empty(10, np.float32)})


def test_inputs_are_not_modified(rational):
    X, Y = RNG.uniform(1, 2, 50), RNG.uniform(1, 2, 50)
    X0, Y0 = X.copy(), Y.copy()
    rational(x=X, y=Y, s=1.0)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)


def test_division_by_zero_follows_numpy(rational):
    X = np.array([1.0, 0.0, -1.0, 0.0])
    Y = np.array([0.0, 0.0, -4.0, 1.0])
    res = rational(x=X, y=Y, s=1.0)
    with np.errstate(all="ignore"):
        expect = {"q": X / Y, "l": np.log(X), "w": np.sqrt(Y)}
    for name, e in expect.items():
        np.testing.assert_array_equal(res[name], e)


def test_check_names_first_bad_point_and_output(rational):
    X = np.array([1.0, 2.0, 3.0, -1.0])
    Y = np.array([1.0, 1.0, 0.0, 1.0])
    with pytest.raises(gk.NumericalError, match=r"'q' is inf at point 2 .*x=3\.0"):
        rational(x=X, y=Y, s=1.0, check=True)
    ok = rational(x=X[:2], y=Y[:2], s=1.0, check=True)
    assert np.isfinite(ok["q"]).all()


def test_float32_kernel():
    x, y = sp.symbols("x y")
    e = {"f": sp.exp(-x**2) * sp.cos(3 * y) + x**3 / (1 + y**2)}
    k32 = gk.lower(e, [x, y], dtype="float32")
    X = RNG.uniform(-1, 1, 100).astype(np.float32)
    Y = RNG.uniform(-1, 1, 100).astype(np.float32)
    r = k32(x=X, y=Y)["f"]
    assert r.dtype == np.float32
    ref = sp.lambdify([x, y], e["f"])(X.astype(float), Y.astype(float))
    np.testing.assert_allclose(r, ref, rtol=2e-6, atol=2e-7)
    assert "np.float32(" in k32.source  # literals in single precision
    with pytest.raises(gk.KernelInputError, match="float64"):
        k32(x=X.astype(np.float64), y=Y)


# -- bad input -----------------------------------------------------------------------
def test_bad_call_arguments_raise_kernel_input_error(rational):
    X = np.ones(5)
    with pytest.raises(gk.KernelInputError, match="missing input"):
        rational(x=X, s=1.0)
    with pytest.raises(gk.KernelInputError, match="missing parameter 's'"):
        rational(x=X, y=X)
    with pytest.raises(gk.KernelInputError, match="no input or parameter \\['z'\\]"):
        rational(x=X, y=X, s=1.0, z=X)
    with pytest.raises(gk.KernelInputError, match="do not broadcast"):
        rational(x=X, y=np.ones(6), s=1.0)
    with pytest.raises(gk.KernelInputError, match="complex"):
        rational(x=X.astype(complex), y=X, s=1.0)
    with pytest.raises(gk.KernelInputError, match="real"):
        rational(x=np.array(["a"] * 5), y=X, s=1.0)
    with pytest.raises(gk.KernelInputError, match="scalar"):
        rational(x=X, y=X, s=X)


def test_unsupported_function_raises_lowering_error_naming_it():
    x = sp.Symbol("x")
    with pytest.raises(gk.LoweringError, match="besselj"):
        gk.lower({"j": sp.besselj(0, x) + x}, [x])
    with pytest.raises(gk.LoweringError, match="complex"):
        gk.lower({"z": sp.I * x}, [x])
    with pytest.raises(gk.LoweringError, match=r"\['y'\]"):
        gk.lower({"z": x * sp.Symbol("y")}, [x])
    f = sp.Function("f")
    with pytest.raises(gk.LoweringError, match="away from the point"):
        gk.lower({"z": f(x) - f(0)}, [x])
    with pytest.raises(gk.LoweringError, match="dtype"):
        gk.lower({"z": x}, [x], dtype="int32")
    with pytest.raises(gk.LoweringError, match="Integral"):
        gk.lower({"z": sp.Integral(f(x), x)}, [x])


# -- source and cache -------------------------------------------------------------------
def test_source_is_plain_float_arithmetic(graph):
    src = graph[3].source
    assert "prange" in src and "def point(" in src
    compile(src, "kernel", "exec")
    body = src[src.index("def point("):]
    assert "**" not in body  # every power in W1 is an integer or half-integer power
    assert "math.exp(" in body and "math.sqrt(" in body
    assert graph[3].signature.startswith("graph(x, y; a, b) -> (K, H, Gamma_0_0_0")


def test_lower_is_memoised_and_keyed_by_the_sympy_input(rational):
    x, y, s = sp.symbols("x y s")
    again = gk.lower({"q": x / y, "l": sp.log(x) * s, "w": sp.sqrt(y)}, [x, y], [s], name="rat")
    assert again.path == rational.path
    other = gk.lower({"q": y / x, "l": sp.log(x) * s, "w": sp.sqrt(y)}, [x, y], [s], name="rat")
    assert other.path != rational.path
    assert os.path.dirname(rational.path) == os.path.join(os.environ["GEOMKIT_CACHE"], "kernels")


def test_second_process_loads_cached_kernel_without_recompiling(graph):
    k = graph[3]
    k(x=np.ones(3), y=np.ones(3), a=1.0, b=1.0)  # compiled and cached here
    mtime = os.stat(k.path).st_mtime_ns
    pycache = os.path.join(os.path.dirname(k.path), "__pycache__")
    stem = os.path.splitext(os.path.basename(k.path))[0]
    files = os.listdir(pycache)
    assert any(f.startswith(stem) and f.endswith(".nbi") for f in files)
    assert any(f.startswith(stem) and f.endswith(".nbc") for f in files)
    code = textwrap.dedent(
        """
        import json, sys
        import numpy as np
        sys.path.insert(0, sys.argv[1])
        import workloads_lower as W
        import geomkit as gk
        out, ins, pars = W.graph_surface()
        k = gk.lower(out, ins, pars, name="graph")
        r = k(x=np.array([0.3]), y=np.array([0.2]), a=1.0, b=1.0)
        print(json.dumps(dict(k.cache_info(), K=float(r["K"][0]))))
        """
    )
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join([root, env.get("PYTHONPATH", "")])
    proc = subprocess.run(
        [sys.executable, "-c", code, os.path.dirname(os.path.abspath(__file__))],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    import json

    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert info["path"] == k.path
    assert info["origin"] == "disk"  # no CSE, no printing
    assert info["numba_misses"] == 0 and info["numba_hits"] >= 1  # no compilation
    assert os.stat(k.path).st_mtime_ns == mtime  # source not rewritten
    ref = k(x=np.array([0.3]), y=np.array([0.2]), a=1.0, b=1.0)["K"][0]
    assert info["K"] == ref


def test_formula_split_into_parts_gives_the_same_values(graph, monkeypatch):
    from geomkit.codegen import kernel as kmod

    out, ins, pars, whole = graph
    monkeypatch.setattr(kmod, "PART_OPS", 40)
    split = gk.lower(out, ins, pars, name="graph_parts")
    assert split.source.count("def _part") >= 3
    X, Y = RNG.uniform(-2, 2, 25), RNG.uniform(-2, 2, 25)
    a = whole(x=X, y=Y, a=0.7, b=1.9)
    b = split(x=X, y=Y, a=0.7, b=1.9)
    for name in whole.outputs:
        np.testing.assert_array_equal(a[name], b[name])


def test_point_function_evaluates_one_point(rational):
    q, lg, w = rational.point(3.0, 4.0, 2.0)
    assert (q, w) == (0.75, 2.0) and lg == pytest.approx(2 * np.log(3.0), rel=1e-15)


def test_serial_and_parallel_paths_agree(graph):
    from geomkit.codegen import kernel as kmod

    k = graph[3]
    n = kmod.SERIAL_WORK // k._module.OPS * 3  # large enough for the parallel loop
    X, Y = RNG.uniform(-2, 2, n), RNG.uniform(-2, 2, n)
    whole = k(x=X, y=Y, a=0.4, b=1.1)
    for s in (slice(0, 7), slice(n // 2, n // 2 + 50)):  # small calls run serially
        part = k(x=X[s], y=Y[s], a=0.4, b=1.1)
        for name in k.outputs:
            np.testing.assert_array_equal(part[name], whole[name][s])


def test_multiples_of_one_exponent_share_one_exp():
    x = sp.Symbol("x")
    k = gk.lower({"f": x * sp.exp(-x**2) + sp.exp(-2 * x**2) - sp.exp(3 * x**2)}, [x])
    point = k.source[k.source.index("def point("):k.source.index("def block(")]
    assert point.count("math.exp(") == 1
    X = np.linspace(-1, 1, 9)
    np.testing.assert_allclose(
        k(x=X)["f"], X * np.exp(-X**2) + np.exp(-2 * X**2) - np.exp(3 * X**2), rtol=1e-14
    )
