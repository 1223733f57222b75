"""Defect densities of sampled fields (geomkit.defects.fields): compatibility,
Volterra dislocations, a wedge disclination, agreement with the symbolic layer,
an external anisotropic solution, point clouds, bad input and the CLI."""

import numpy as np
import pytest
import sympy as sp

import geomkit as gk
from geomkit.cli import main
from geomkit.defects import examples as X
from geomkit.defects import fields
from geomkit.errors import MeshError


def _order(e1, e2):
    return np.log2(e1 / e2)


def _sample(matrix, chart, grid, subs=None):
    """A sympy 3x3 matrix of the chart coordinates, evaluated at the grid points."""
    Xg = grid.mesh()
    out = np.empty(grid.shape + (3, 3))
    for a in range(3):
        for m in range(3):
            f = sp.lambdify(chart.coords, sp.sympify(matrix[a, m]).subs(subs or {}), "numpy")
            out[..., a, m] = np.broadcast_to(np.asarray(f(*Xg), dtype=float), grid.shape)
    return out


# -- compatible fields: zero to discretisation error, 4th order ----------------------
def _grad_u(grid):
    x, y, z = grid.mesh()
    # u = 0.1 (sin x cos y, sin(y + z), x z^2)
    B = np.zeros(grid.shape + (3, 3))
    B[..., 0, 0] = 0.1 * np.cos(x) * np.cos(y)
    B[..., 0, 1] = -0.1 * np.sin(x) * np.sin(y)
    B[..., 1, 1] = B[..., 1, 2] = 0.1 * np.cos(y + z)
    B[..., 2, 0] = 0.1 * z**2
    B[..., 2, 2] = 0.2 * x * z
    u = np.stack([0.1 * np.sin(x) * np.cos(y), 0.1 * np.sin(y + z), 0.1 * x * z**2], -1)
    return B, u


def test_compatible_distortion_converges_at_fourth_order():
    errs = []
    for n in (12, 24):
        c = np.linspace(0.0, 1.5, n)
        g = fields.Grid(c, c, c)
        B, _ = _grad_u(g)
        d = fields.densities(B, g, "beta")
        errs.append((np.abs(d["nye"]).max(), np.abs(d["trace"]).max()))
        assert np.abs(d["axial"]).max() < 1e-6
    e1, e2 = np.array(errs)
    assert e2.max() < 1e-6
    assert (_order(e1, e2) > 3.5).all(), (e1, e2)  # measured 4.3


def test_compatible_displacement_is_discretely_curl_free():
    c = np.linspace(0.0, 1.5, 14)
    g = fields.Grid(c, c, c)
    B, u = _grad_u(g)
    d = fields.densities(u, g, "displacement")
    # the difference operators of different axes commute: curl grad u = 0 to round-off
    assert np.abs(d["nye"]).max() < 1e-12
    assert np.abs(d["det"] - np.linalg.det(np.eye(3) + B)).max() < 1e-4


def test_periodic_axes():
    n = 32
    c = np.arange(n) * (2 * np.pi / n)
    g = fields.Grid(c, c, periodic=(True, True))
    x, y, _ = g.mesh()
    B = np.zeros(g.shape + (3, 3))
    B[..., 2, 1] = 0.1 * np.sin(x)  # e^3 = dz + 0.1 sin x dy: alpha^{zz} = 0.1 cos x
    d = fields.densities(B, g, "beta")
    err = np.abs(d["nye"][..., 2, 2] - 0.1 * np.cos(x)).max()
    assert err < 0.1 * (2 * np.pi / n) ** 4 / 30 * 1.5  # 4th-order central, no edge loss


# -- Volterra dislocations and a wedge disclination ----------------------------------
VOLTERRA_GRID = np.linspace(-6.0, 6.0, 120)  # r_0 = 1, h = 0.1, core between nodes


@pytest.mark.parametrize("name, comp", [("E3_screw", 2), ("E3_edge", 0)])
def test_volterra_burgers_vector_both_ways(name, comp):
    ex = getattr(X, name)(b=sp.Rational(1, 2), r0=sp.Integer(1))
    g = fields.Grid(VOLTERRA_GRID, VOLTERRA_GRID)
    E = _sample(ex.coframe.E, ex.coframe.chart, g)
    res = fields.burgers_vector(E, g, "coframe")
    for way in ("loop", "surface"):
        b = res[way]
        assert abs(b[comp] - 0.5) < 0.005 * 0.5, (way, b)  # within 1 % (measured: 1e-9)
        assert abs(b[comp] - 0.5) < 1e-6
        assert np.abs(np.delete(b, comp)).max() < 1e-9
    # screw: no torsion trace (the general teleparallel dictionary sees it as axial torsion)
    d = fields.densities(E, g, "coframe")
    if name == "E3_screw":
        assert np.abs(d["trace"]).max() < 1e-8
        assert np.abs(d["axial"]).max() > 0.01
    else:
        assert np.abs(d["trace"]).max() > 0.01


def test_field_kinds_agree():
    ex = X.E3_edge(b=sp.Rational(1, 2), r0=sp.Integer(1))
    c = np.linspace(-3.0, 3.0, 30)
    g = fields.Grid(c, c)
    E = _sample(ex.coframe.E, ex.coframe.chart, g)
    ref = fields.densities(E, g, "coframe")
    frame = np.swapaxes(np.linalg.inv(E), -1, -2)  # E_a^mu
    for field, kind in ((E - np.eye(3), "beta"), (frame, "frame"),
                        (E.reshape(g.shape + (9,)), "coframe")):
        d = fields.densities(field, g, kind)
        for k in ref:
            assert np.allclose(d[k], ref[k], rtol=1e-12, atol=1e-12), (kind, k)


def _wedge(grid, alpha, r0=1.0):
    """e^1 = dr, e^2 = h(r) dphi rotated back by phi (regular at r = 0)."""
    x, y, _ = grid.mesh()
    r = np.hypot(x, y)
    s = r / r0
    q = alpha + (1 - alpha) * np.tanh(s) / s  # h / r
    E = np.zeros(grid.shape + (3, 3))
    E[..., 0, 0] = (x**2 + q * y**2) / r**2
    E[..., 0, 1] = E[..., 1, 0] = x * y * (1 - q) / r**2
    E[..., 1, 1] = (y**2 + q * x**2) / r**2
    E[..., 2, 2] = 1.0
    return E


def test_wedge_disclination_frank_angle():
    alpha = 0.75
    c = np.linspace(-8.0, 8.0, 160)
    g = fields.Grid(c, c)
    E = _wedge(g, alpha)
    res = fields.frank_vector(E, g, "coframe")
    angle = 2 * np.pi * (1 - alpha)
    for way in ("loop", "surface"):
        om = res[way]
        assert abs(om[2] - angle) < 1e-3 * angle, (way, om)
        assert np.abs(om[:2]).max() < 1e-9
    # a wedge disclination of this kind carries no dislocation content in the LC sense,
    # but in the Weitzenbock gauge of the rotated frame it shows torsion (gallery E7)
    d = fields.densities(E, g, "coframe", names=("nye", "frank"))
    assert np.abs(d["nye"]).max() > 0.01
    assert abs(d["frank"][80, 80, 0, 2, 2]) > 0.1


# -- the lowered kernels equal the symbolic layer --------------------------------------
def _analytic_coframe():
    c = gk.Chart("x y z")
    x, y, z = c.coords
    E = sp.Matrix([[sp.exp(y / 2), sp.sin(z) / 5, 0],
                   [x * z / 4, 1, sp.cos(x) / 5],
                   [0, x / 3, 1 + y * z / 5]])
    return c, E


def _evaluate(f, grid, shape):
    """A lambdified flat list of expressions of the chart coordinates on the grid points,
    shape ``grid.shape + shape``."""
    Xg = [a.reshape(-1) for a in grid.mesh()]
    out = np.stack([np.broadcast_to(np.asarray(v, dtype=float), Xg[0].shape)
                    for v in f(*Xg)], axis=-1)
    return out.reshape(grid.shape + shape)


def _dual_matrix(forms):
    """``[a, lam]``: coordinate duals (A_yz, A_zx, A_xy) of a triple of 2-forms."""
    return sp.Matrix(3, 3, lambda a, l: [forms[a][1, 2], forms[a][2, 0],
                                         forms[a][0, 1]][int(l)])


TORSION_PIECES = ("T_tensor", "T_vector", "T_axial")
Q_PIECES = ("Q_symmetric", "Q_remainder", "Q_vector", "Q_dilation")


def test_lowered_densities_equal_the_symbolic_ones():
    from geomkit.symbolic.decompose import torsion_pieces, vector_forms
    from geomkit.symbolic.teleparallel import weitzenbock

    c, Em = _analytic_coframe()
    conn = weitzenbock(gk.Coframe.from_matrix(c, Em))
    ms, gt = gk.defects.mainstream(conn), gk.defects.general_teleparallel(conn)
    nye = _dual_matrix(ms.dislocation)
    trace = sp.Matrix(1, 3, lambda _, m: gt.dislocation[int(m)])
    # the symbolic layer's irreducible pieces (frame components -> coordinate 2-forms);
    # unsimplified: the reference values need evaluation only (7 s -> 0.05 s)
    cf0 = gk.Coframe.from_matrix(c, Em, simplify="none")
    tp = torsion_pieces(weitzenbock(cf0), simplify="none")
    pieces = {k: sp.lambdify(c.coords, list(_dual_matrix(vector_forms(arr, cf0, 2))),
                              "numpy", cse=True)
              for k, arr in zip(TORSION_PIECES, tp)}  # lambdified once, for both grids
    errs = []
    for n in (10, 20):
        cc = np.linspace(0.0, 1.0, n)
        g = fields.Grid(cc, cc, cc)
        d = fields.densities(_sample(Em, c, g), g, "coframe",
                             names=("nye", "trace", "axial") + TORSION_PIECES)
        e_nye = np.abs(d["nye"] - _sample(nye, c, g)).max()
        T = _sample(sp.Matrix([[trace[0], trace[1], trace[2]]] * 3), c, g)[..., 0, :]
        e_tr = np.abs(d["trace"] - T).max()
        A = sp.lambdify(c.coords, ms.axial[0, 1, 2])(*g.mesh())
        e_ax = np.abs(d["axial"] - A).max()
        errs.append((e_nye, e_tr, e_ax) + tuple(np.abs(d[k] - _evaluate(pieces[k], g, (3, 3))).max()
                                                for k in TORSION_PIECES))
    e1, e2 = np.array(errs)
    assert e2.max() < 1e-4
    assert (_order(e1, e2) > 3.5).all(), (e1, e2)


def test_torsion_pieces_sum_to_nye_and_tensor_piece_is_trace_and_axial_free():
    c, Em = _analytic_coframe()
    cc = np.linspace(0.0, 1.0, 8)
    g = fields.Grid(cc, cc, cc)
    E = _sample(Em, c, g)
    d = fields.densities(E - np.eye(3), g, "beta",
                         names=("nye", "trace", "axial") + TORSION_PIECES)
    total = sum(d[k] for k in TORSION_PIECES)
    assert np.abs(total - d["nye"]).max() < 1e-13 * np.abs(d["nye"]).max()
    # back to frame components T^a_bc = T^a_mu nu F_b^mu F_c^nu (eta = delta)
    eps = np.zeros((3, 3, 3))
    for i, j, k in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):
        eps[i, j, k], eps[i, k, j] = 1.0, -1.0
    F = np.linalg.inv(E)  # F[..., mu, b] = e_b^mu

    def frame(dual):
        return np.einsum("...al,lmn,...mb,...nc->...abc", dual, eps, F, F)

    def trace(T):
        return np.einsum("...aac->...c", T)

    def axial(T):
        return T + np.einsum("...abc->...bca", T) + np.einsum("...abc->...cab", T)

    scale = np.abs(frame(d["nye"])).max()
    Tt, Tv, Ta = (frame(d[k]) for k in TORSION_PIECES)
    assert np.abs(trace(Tt)).max() < 1e-13 * scale and np.abs(axial(Tt)).max() < 1e-13 * scale
    assert np.abs(axial(Tv)).max() < 1e-13 * scale and np.abs(trace(Ta)).max() < 1e-13 * scale
    # the vector piece carries the whole trace, the axial piece the whole axial 3-form
    # (coordinate T_mu = E^c_mu T_c; A_xyz = det E A_123)
    assert np.allclose(np.einsum("...cm,...c->...m", E, trace(Tv)), d["trace"], atol=1e-13)
    assert np.allclose(np.linalg.det(E) * axial(Ta)[..., 0, 1, 2], d["axial"], atol=1e-13)
    assert np.abs(Tt).max() > 0.01 and np.abs(Tv).max() > 0.01 and np.abs(Ta).max() > 0.01


def _analytic_metric():
    c = gk.Chart("x y z")
    x, y, z = c.coords
    gm = sp.Matrix([[1 + sp.sin(y * z) / 4, sp.sin(x) / 5, 0],
                    [sp.sin(x) / 5, sp.exp(z / 3), sp.cos(y) / 6],
                    [0, sp.cos(y) / 6, 1 + x * y / 6 + sp.sin(x) / 7]])
    return c, gm


def test_lowered_metric_densities_equal_the_symbolic_ones():
    from geomkit.symbolic.decompose import nonmetricity_pieces
    from geomkit.symbolic.teleparallel import coincident_gauge

    c, gm = _analytic_metric()
    # simplify='none': the reference values need no canonical form, only evaluation
    conn = coincident_gauge(gk.Metric(c, gm, sign=1), simplify="none")
    gt = gk.defects.general_teleparallel(conn, check_flat=False)
    qp = nonmetricity_pieces(conn, simplify="none")
    pieces = {k: sp.lambdify(c.coords, list(sp.flatten(arr)), "numpy", cse=True)
              for k, arr in zip(Q_PIECES, qp)}  # lambdified once, for both grids
    errs = []
    for n in (10, 20):
        cc = np.linspace(0.0, 1.0, n)
        g = fields.Grid(cc, cc, cc)
        gs = _sample(gm, c, g)
        d = fields.densities(gs, g, "metric",
                             names=("weyl", "Lambda", "nonmetricity") + Q_PIECES)
        # the Weyl trace is g^{ab} Q_ab of the non-metricity
        weyl = np.einsum("...ab,...abc->...c", np.linalg.inv(gs), d["nonmetricity"])
        assert np.abs(weyl - d["weyl"]).max() < 1e-12
        Q = _sample(sp.Matrix([[gt.point[m] for m in range(3)]] * 3), c, g)[..., 0, :]
        L = _sample(sp.Matrix([[gt.disclination[m] for m in range(3)]] * 3), c, g)[..., 0, :]
        errs.append((np.abs(d["weyl"] - Q).max(), np.abs(d["Lambda"] - L).max())
                    + tuple(np.abs(d[k] - _evaluate(pieces[k], g, (3, 3, 3))).max()
                            for k in Q_PIECES))
    e1, e2 = np.array(errs)
    assert e2.max() < 1e-5
    assert (_order(e1, e2) > 3.5).all(), (e1, e2)


def test_nonmetricity_pieces_sum_to_q_and_are_irreducible():
    c, gm = _analytic_metric()
    cc = np.linspace(0.0, 1.0, 8)
    g = fields.Grid(cc, cc, cc)
    gs = _sample(gm, c, g)
    d = fields.densities(gs, g, "metric",
                         names=("weyl", "Lambda", "Lambda_W", "nonmetricity") + Q_PIECES)
    Q = d["nonmetricity"]
    tol = 1e-13 * np.abs(Q).max()
    assert np.abs(sum(d[k] for k in Q_PIECES) - Q).max() < tol
    gi = np.linalg.inv(gs)

    def weyl(P):  # g^{ab} P_abc
        return np.einsum("...ab,...abc->...c", gi, P)

    def second(P):  # g^{ac} P_abc
        return np.einsum("...ac,...abc->...b", gi, P)

    Q1, Q2, Q3, Q4 = (d[k] for k in Q_PIECES)
    for P in (Q1, Q2, Q3, Q4):
        assert np.abs(P - np.swapaxes(P, -3, -2)).max() < tol  # symmetric in a, b
    # (1): totally symmetric and trace-free; (2): trace-free, no totally symmetric part
    assert np.abs(Q1 - np.einsum("...abc->...cba", Q1)).max() < tol
    for P in (Q1, Q2):
        assert np.abs(weyl(P)).max() < tol and np.abs(second(P)).max() < tol
    sym2 = sum(np.einsum(f"...abc->...{p}", Q2) for p in ("abc", "bca", "cab"))
    assert np.abs(sym2).max() < tol
    # (3): no Weyl trace, second trace Lambda_W; (4) = g_ab Q_c / 3
    assert np.abs(weyl(Q3)).max() < tol
    assert np.abs(second(Q3) - d["Lambda_W"]).max() < tol
    assert np.abs(Q4 - gs[..., None] * d["weyl"][..., None, None, :] / 3).max() < tol
    assert min(np.abs(P).max() for P in (Q1, Q2, Q3, Q4)) > 1e-3


def test_generated_source_is_inspectable():
    from geomkit.defects import kernels

    k = kernels.kernel("coframe")
    assert "def point(" in k.source
    assert set(k.outputs) >= {"nye_00", "trace_2", "axial", "det"}


# -- an external case: atomman's anisotropic Stroh solution --------------------------
def test_atomman_stroh_burgers_vector():
    am = pytest.importorskip("atomman", reason="atomman (bench extra) not installed")
    from atomman.defect import Stroh

    a = 3.615  # Cu, GPa
    C = am.ElasticConstants(C11=169.9, C12=122.6, C44=76.2)
    s = Stroh(C, burgers=[0.5, 0.0, -0.5], ξ_uvw=[1, -1, 0], slip_hkl=[1, 1, 1],
              box=am.Box.cubic(a))  # a 60-degree mixed dislocation, line along z
    c = np.linspace(-20.0, 20.0, 80)
    g = fields.Grid(c, c)
    P = g.points()
    beta = np.zeros((len(P), 3, 3))
    h = 1e-5  # beta = grad u pointwise (the displacement itself jumps across its cut)
    for m in range(2):
        e = np.zeros(3)
        e[m] = h
        beta[:, :, m] = (s.displacement(P + e) - s.displacement(P - e)) / (2 * h)
    res = fields.burgers_vector(beta.reshape(g.shape + (3, 3)), g, "beta")
    b = np.asarray(s.burgers)
    for way in ("loop", "surface"):
        assert np.abs(res[way] - b).max() < 1e-3 * np.linalg.norm(b), (way, res[way], b)


# -- point clouds ---------------------------------------------------------------------
def test_cloud_densities_reproduce_quadratic_fields():
    rng = np.random.default_rng(3)
    P = np.column_stack([rng.uniform(-1, 1, 400), rng.uniform(-1, 1, 400), np.zeros(400)])
    beta = np.zeros((400, 3, 3))
    beta[:, 2, 1] = 0.1 * P[:, 0] + 0.05 * P[:, 0] ** 2  # alpha^{zz} = 0.1 + 0.1 x
    beta[:, 0, 1] = 0.2 * P[:, 1]  # compatible part: d_y (0.1 y^2)
    d = fields.cloud_densities(beta, P, "beta", names=("nye", "trace"))
    assert np.abs(d["nye"][:, 2, 2] - (0.1 + 0.1 * P[:, 0])).max() < 1e-10
    assert np.abs(np.delete(d["nye"].reshape(-1, 9), 8, axis=1)).max() < 1e-10


# -- bad input ------------------------------------------------------------------------
def test_bad_input_names_the_point():
    c = np.linspace(0, 1, 8)
    g = fields.Grid(c, c)
    B = np.zeros(g.shape + (3, 3))
    B[3, 5, 0, 1, 1] = np.nan
    with pytest.raises(MeshError, match=r"NaN.*\(i, j, k\) = \(3, 5, 0\)"):
        fields.densities(B, g, "beta")
    with pytest.raises(MeshError, match="components per point"):
        fields.densities(np.zeros(g.shape + (5,)), g, "beta")
    B = np.zeros(g.shape + (3, 3))
    B[2, 4, 0] = -np.eye(3)  # E = 0 there
    with pytest.raises(MeshError, match=r"singular at grid point \(i, j, k\) = \(2, 4, 0\)"):
        fields.densities(B, g, "beta")
    G = np.broadcast_to(np.eye(3), g.shape + (3, 3)).copy()
    G[1, 1, 0, 2, 2] = -1.0
    with pytest.raises(MeshError, match="positive definite"):
        fields.densities(G, g, "metric")
    before = B.copy()
    with pytest.raises(MeshError):
        fields.densities(B, g, "beta")
    assert np.array_equal(B, before, equal_nan=True)  # inputs are never modified


def test_docs_example_runs():
    import pathlib
    import re

    text = (pathlib.Path(__file__).resolve().parents[1] / "docs" / "defects-data.md").read_text()
    (block,) = re.findall(r"```python\n(.*?)```", text, re.S)
    ns = {}
    exec(compile(block, "docs/defects-data.md", "exec"), ns)
    b = ns["fields"].burgers_vector(ns["beta"], ns["g"], "beta")
    assert np.allclose(b["loop"], [0, 0, 0.5], atol=1e-6)
    assert np.allclose(b["surface"], [0, 0, 0.5], atol=1e-6)


# -- CLI ------------------------------------------------------------------------------
def _dipole_file(path, nan=False):
    c = np.linspace(-4, 4, 40)
    g = fields.Grid(c, c)
    x, y, _ = g.mesh()
    beta = np.zeros(g.shape + (3, 3))
    for x0, sgn in ((-1.5, 1.0), (1.5, -1.0)):
        r2 = (x - x0) ** 2 + y**2
        f = sgn * 0.5 / (2 * np.pi) * (1 - np.exp(-r2)) / r2
        beta[..., 0, 0] += -f * y
        beta[..., 0, 1] += f * (x - x0)
    if nan:
        beta[7, 9, 0, 0, 0] = np.nan
    np.savez(path, beta=beta, x=c, y=c)


def test_cli_defects_writes_densities(tmp_path, capsys):
    import meshio

    inp = tmp_path / "dipole.npz"
    _dipole_file(inp)
    out = tmp_path / "d.vtu"
    assert main(["defects", str(inp), "--field", "beta", "-o", str(out)]) == 0
    m = meshio.read(out)
    nye = m.point_data["nye"].reshape(-1, 3, 3)
    assert abs(nye[:, 0, 2].sum() * (8 / 39) ** 2) < 1e-6  # a dipole: no net Burgers vector
    assert nye[:, 0, 2].max() > 0.05
    out2 = tmp_path / "d.vti"
    assert main(["defects", str(inp), "-o", str(out2), "-q",
                 "--densities", "nye,trace,T_tensor,T_vector,T_axial"]) == 0
    from geomkit.defects.io import read_field

    grid, nye2 = read_field(out2, name="nye")
    assert grid.shape == (40, 40, 1)
    assert np.allclose(nye2.reshape(-1, 9), m.point_data["nye"])
    pieces = sum(read_field(out2, name=k)[1].reshape(-1, 9) for k in TORSION_PIECES)
    assert np.allclose(pieces, m.point_data["nye"], rtol=0, atol=1e-13)


def test_cli_defects_bad_input_exit_2(tmp_path, capsys):
    inp = tmp_path / "bad.npz"
    _dipole_file(inp, nan=True)
    assert main(["defects", str(inp), "-o", str(tmp_path / "o.npz")]) == 2
    err = capsys.readouterr().err
    assert "NaN" in err and "(i, j, k) = (7, 9, 0)" in err and "bad.npz" in err
    good = tmp_path / "good.npz"
    _dipole_file(good)
    outdir = tmp_path / "out"
    assert main(["defects", str(inp), str(good), "-o", str(outdir), "-q"]) == 2
    assert (outdir / "good.defects.npz").exists() and not (outdir / "bad.defects.npz").exists()
    err = capsys.readouterr().err
    assert "FAILED" in err and "bad.npz" in err and "(7, 9, 0)" in err
    import shutil

    from geomkit.defects.io import process_files

    shutil.copy(good, tmp_path / "good2.npz")
    s = process_files([str(good), str(tmp_path / "good2.npz")], str(outdir))
    assert (s["ok"], s["skipped"], s["failed"]) == (1, 1, 0)  # good.npz was done already


def test_readers_agree_plot3d_function_vtu_npz(tmp_path):
    import meshio

    from geomkit.defects.io import read_field

    c = np.linspace(-4, 4, 40)
    g = fields.Grid(c, c)
    npz = tmp_path / "d.npz"
    _dipole_file(npz)
    beta = np.load(npz)["beta"]  # (40, 40, 1, 3, 3)
    # Plot3D function file: ni nj nk nvar, then variable-major, i fastest
    f = tmp_path / "d.f"
    data = beta.reshape(40, 40, 1, 9).transpose(3, 2, 1, 0).reshape(-1)
    f.write_text("1\n40 40 1 9\n" + "\n".join(f"{v:.17g}" for v in data) + "\n")
    gf, bf = read_field(f, "beta", spacing=[8 / 39, 8 / 39, 1.0], origin=[-4, -4, 0])
    assert gf.shape == (40, 40, 1) and np.allclose(gf.coords[0], c)
    assert np.array_equal(bf.reshape(beta.shape), beta)
    # meshio .vtu: shuffled points that fill a grid are recognised as one
    perm = np.random.default_rng(0).permutation(1600)
    P = g.points()[perm]
    vtu = tmp_path / "d.vtu"
    meshio.write(vtu, meshio.Mesh(P, [("vertex", np.arange(1600)[:, None])],
                                  point_data={"beta": beta.reshape(1600, 9)[perm]}))
    gv, bv = read_field(vtu, "beta")
    assert gv.shape == (40, 40, 1)
    assert np.array_equal(bv.reshape(beta.shape), beta)
    for path in (f, vtu):
        out = tmp_path / (path.stem + path.suffix[1:] + ".npz")
        args = ["defects", str(path), "-o", str(out), "-q"]
        if path == f:
            args += ["--spacing", f"{8 / 39},{8 / 39},1"]
        assert main(args) == 0
        assert np.allclose(np.load(out)["nye"].reshape(-1, 9)[:, 2].max(), 0.5 / np.pi, rtol=0.2)


def test_volume_vts_is_read_as_a_grid(tmp_path):
    from geomkit.defects.io import read_field
    from geomkit.mesh.vts import _b64

    nx, ny, nz = 5, 4, 3
    x, y, z = np.meshgrid(np.arange(nx) * 0.5, np.arange(ny) * 0.25, np.arange(nz) * 1.0,
                          indexing="ij")
    P = np.stack([x, y, z], -1).transpose(2, 1, 0, 3).reshape(-1, 3)  # VTK: x fastest
    vals = np.random.default_rng(0).random((nx * ny * nz, 9))

    def arr(name, a):
        raw = np.ascontiguousarray(a).tobytes()
        hdr = np.array([len(raw)], "<u8").tobytes()
        return (f'<DataArray type="Float64" Name="{name}" NumberOfComponents="{a.shape[1]}" '
                f'format="binary">{_b64(hdr)}{_b64(raw)}</DataArray>')

    ext = f"0 {nx - 1} 0 {ny - 1} 0 {nz - 1}"
    p = tmp_path / "v.vts"
    p.write_text('<?xml version="1.0"?><VTKFile type="StructuredGrid" version="1.0" '
                 'byte_order="LittleEndian" header_type="UInt64">'
                 f'<StructuredGrid WholeExtent="{ext}"><Piece Extent="{ext}"><PointData>'
                 + arr("beta", vals) + "</PointData><Points>" + arr("Points", P)
                 + "</Points></Piece></StructuredGrid></VTKFile>")
    g, v = read_field(p, "beta")
    assert g.shape == (5, 4, 3) and np.allclose(g.coords[1], [0, 0.25, 0.5, 0.75])
    expect = vals.reshape(nz, ny, nx, 9).transpose(2, 1, 0, 3)
    assert np.array_equal(v.reshape(5, 4, 3, 9), expect)
