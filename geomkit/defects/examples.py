r"""Gallery of defect geometries E0--E7 (``docs/conventions.md``), each with its expected values.

Every function returns an :class:`Example`: a connection (coframe + omega) and
the values derived for it by hand, in frame components (n = 3,
Euclidean, :math:`\eta=\delta`).  :meth:`Example.mismatches` compares them with
what geomkit computes; the test suite asserts that the list is empty.

Keys of ``expected`` (missing components are zero):

=====================  ==========================================================
``torsion``            ``{(a, b, c): T^a_bc}`` with ``b < c``
``trace``              frame components of :math:`T=\iota_aT^a`
``axial_form``         ``{(0, 1, 2): A_123}`` of :math:`A=e_a\wedge T^a`
``tensor`` ``vector``  torsion pieces (1), (2), (3), like ``torsion``
``axial``
``torsion_scalar``     :math:`\mathbb T`
``riemannian_scalar``  :math:`\mathring R`
``curvature``          ``{(a, b, c, d): R^a_bcd}`` with ``c < d``
``nonmetricity``       ``{(a, b, c): Q_ab(e_c)}`` with ``a <= b``
``weyl`` ``Lambda``    the traces :math:`Q`, :math:`\Lambda`, :math:`\Lambda_W`
``Lambda_W``
``qvector``            non-metricity pieces (3) and (4), like ``nonmetricity``
``dilation``
``strain``             Eulerian strain matrix (E0)
=====================  ==========================================================

>>> ex = E2()
>>> ex.name, ex.expected['torsion']
('E2', {(2, 0, 1): beta})
>>> ex.mismatches()
[]
"""

import sympy as sp

from ..symbolic.chart import Chart
from ..symbolic.connection import Connection, levi_civita
from ..symbolic.decompose import nonmetricity_pieces, torsion_pieces, torsion_scalar
from ..symbolic.frames import Coframe
from ..symbolic.teleparallel import teleparallel, weitzenbock

__all__ = ["Example", "E0", "E1", "E2", "E3_screw", "E3_edge", "E4", "E5", "E6", "E7",
           "ALL"]

_TORSION_LIKE = ("torsion", "tensor", "vector", "axial")
_Q_LIKE = ("nonmetricity", "qvector", "dilation")
_ONE_FORMS = ("trace", "weyl", "Lambda", "Lambda_W")


class Example:
    """One test configuration: ``name``, ``description``, ``connection``, ``symbols``
    (the parameters), ``expected`` (see the module doc) and ``extra`` (loops,
    surfaces, profiles used by the Burgers/Frank checks)."""

    def __init__(self, name, description, connection, symbols, expected, extra=None):
        self.name = name
        self.description = description
        self.connection = connection
        self.symbols = symbols
        self.expected = expected
        self.extra = extra or {}

    @property
    def coframe(self):
        return self.connection.coframe

    def actual(self, key):
        """The value geomkit computes for an ``expected`` key, as a full array or scalar."""
        conn = self.connection
        eta = conn.coframe.eta
        if key in _TORSION_LIKE or key in ("trace", "axial_form"):
            if key == "torsion":
                return conn.torsion_components()
            p = torsion_pieces(conn)
            return {"tensor": p.tensor, "vector": p.vector, "axial": p.axial,
                    "trace": p.trace, "axial_form": p.axial_form}[key]
        if key in _Q_LIKE or key in ("weyl", "Lambda", "Lambda_W"):
            if key == "nonmetricity":
                return conn.nonmetricity_components()
            p = nonmetricity_pieces(conn)
            return {"qvector": p.vector, "dilation": p.dilation, "weyl": p.weyl,
                    "Lambda": p.Lambda, "Lambda_W": p.Lambda_W}[key]
        if key == "torsion_scalar":
            return torsion_scalar(conn, eta)
        if key == "riemannian_scalar":
            return levi_civita(conn.coframe).ricci_scalar()
        if key == "curvature":
            return conn.curvature_components()
        if key == "strain":
            from . import eulerian_strain

            return eulerian_strain(conn.coframe)
        raise KeyError(key)

    def expected_array(self, key):
        """The expected value of ``key`` as a full array (antisymmetry/symmetry filled in)."""
        n = self.connection.n
        val = self.expected[key]
        if key in _TORSION_LIKE:
            A = sp.MutableDenseNDimArray.zeros(n, n, n)
            for (a, b, c), v in val.items():
                A[a, b, c], A[a, c, b] = v, -v
            return A
        if key in _Q_LIKE:
            A = sp.MutableDenseNDimArray.zeros(n, n, n)
            for (a, b, c), v in val.items():
                A[a, b, c] = A[b, a, c] = v
            return A
        if key == "axial_form":
            from itertools import permutations

            from ..symbolic.forms import sort_sign

            A = sp.MutableDenseNDimArray.zeros(n, n, n)
            for idx, v in val.items():
                for p in permutations(idx):
                    A[p] = sort_sign(p)[0] * v
            return A
        if key == "curvature":
            A = sp.MutableDenseNDimArray.zeros(n, n, n, n)
            for (a, b, c, d), v in val.items():
                A[a, b, c, d], A[a, b, d, c] = v, -v
            return A
        if key in _ONE_FORMS:
            return sp.Array(val)
        return val

    def mismatches(self, simplify="algebraic"):
        """``[(key, index, actual - expected)]`` for every disagreement (empty when all agree)."""
        from ..symbolic.simplify import get_strategy

        f = get_strategy(simplify)
        out = []
        for key in self.expected:
            act, exp = self.actual(key), self.expected_array(key)
            if isinstance(exp, (sp.NDimArray, sp.MatrixBase)):
                act = sp.Array(act) if not isinstance(exp, sp.MatrixBase) else sp.Matrix(act)
                for idx in _indices(exp.shape):
                    diff = _residual(f, act[idx] - exp[idx])
                    if diff != 0:
                        out.append((key, idx, diff))
            else:
                diff = _residual(f, act - exp)
                if diff != 0:
                    out.append((key, (), diff))
        return out

    def __repr__(self):
        return f"<Example {self.name}: {self.description}>"


def _residual(f, expr):
    # the strategy first; exponentials of sums only collapse under powsimp/simplify
    r = f(expr)
    if r != 0:
        r = sp.simplify(sp.powsimp(r))
    return r


def _indices(shape):
    from itertools import product

    return list(product(*(range(s) for s in shape)))


def _cartesian():
    return Chart("x y z")


def E0(s=None):
    """E0: elastic deformation, no defects: :math:`e^a=dX^a` for the diffeomorphism
    :math:`X=(x+sy^2,\\ y+sz,\\ z)`, :math:`\\omega=0`; :math:`T=R=Q=0`."""
    c = _cartesian()
    x, y, z = c.coords
    s = sp.Symbol("s") if s is None else s
    X = [x + s * y**2, y + s * z, z]
    from ..symbolic.forms import d

    cf = Coframe([d(c.scalar(Xa)) for Xa in X])
    expected = {
        "torsion": {},
        "curvature": {},
        "nonmetricity": {},
        # g = J^T J with J = dX/dx; strain = (1 - g)/2, derived by hand
        "strain": sp.Matrix([[0, -s * y, 0], [-s * y, -2 * s**2 * y**2, -s / 2],
                             [0, -s / 2, -s**2 / 2]]),
        "riemannian_scalar": 0,
    }
    return Example("E0", "elastic deformation, no defects", weitzenbock(cf), {"s": s}, expected)


def E1(beta=None):
    """E1: uniform edge-type dislocation density, :math:`e^1=e^{\\beta y}dx`, Weitzenbock."""
    c = _cartesian()
    x, y, z = c.coords
    b = sp.Symbol("beta") if beta is None else beta
    cf = Coframe([sp.exp(b * y) * c.dx[0], c.dx[1], c.dx[2]])
    expected = {
        "torsion": {(0, 0, 1): -b},
        "trace": [0, -b, 0],
        "axial_form": {},
        "tensor": {(0, 0, 1): -b / 2, (2, 1, 2): -b / 2},
        "vector": {(0, 0, 1): -b / 2, (2, 1, 2): b / 2},
        "axial": {},
        "torsion_scalar": 0,
        "riemannian_scalar": -2 * b**2,
        "curvature": {},
        "nonmetricity": {},
    }
    return Example("E1", "uniform edge-type dislocation density", weitzenbock(cf),
                   {"beta": b}, expected)


def E2(beta=None):
    """E2: uniform screw dislocation density, :math:`e^3=dz+\\beta x\\,dy`, Weitzenbock."""
    c = _cartesian()
    x, y, z = c.coords
    b = sp.Symbol("beta") if beta is None else beta
    cf = Coframe([c.dx[0], c.dx[1], c.dx[2] + b * x * c.dx[1]])
    t = b / 3
    expected = {
        "torsion": {(2, 0, 1): b},
        "trace": [0, 0, 0],
        "axial_form": {(0, 1, 2): b},
        "axial": {(0, 1, 2): t, (1, 2, 0): t, (2, 0, 1): t},
        "tensor": {(2, 0, 1): 2 * t, (0, 1, 2): -t, (1, 2, 0): -t},
        "torsion_scalar": b**2 / 2,
        "riemannian_scalar": -b**2 / 2,
    }
    return Example("E2", "uniform screw dislocation density", weitzenbock(cf),
                   {"beta": b}, expected)


def _core(b, r0):
    c = _cartesian()
    x, y, z = c.coords
    r2 = x**2 + y**2
    f_over_r2 = (1 - sp.exp(-r2 / r0**2)) / r2        # f(r)/r^2
    a = b / (2 * sp.pi) * f_over_r2
    rho = b * sp.exp(-r2 / r0**2) / (sp.pi * r0**2)   # (b/2pi) f'(r)/r
    dphi_r2 = x * c.dx[1] - y * c.dx[0]              # r^2 dphi
    t, s, R = sp.symbols("t s R", positive=True)
    extra = {
        "R": R,
        "loop": ({x: R * sp.cos(t), y: R * sp.sin(t), z: 0}, (t, 0, 2 * sp.pi)),
        "disc": ({x: s * sp.cos(t), y: s * sp.sin(t), z: 0}, [(s, 0, R), (t, 0, 2 * sp.pi)]),
        "burgers": b * (1 - sp.exp(-R**2 / r0**2)),    # b f(R)
    }
    return c, a, rho, dphi_r2, extra


def E3_screw(b=None, r0=None):
    """E3 (screw): :math:`e^3=dz+\\frac b{2\\pi}f(r)d\\phi`, :math:`f=1-e^{-r^2/r_0^2}`; trace 0."""
    b = sp.Symbol("b", positive=True) if b is None else b
    r0 = sp.Symbol("r_0", positive=True) if r0 is None else r0
    c, a, rho, dphi_r2, extra = _core(b, r0)
    cf = Coframe([c.dx[0], c.dx[1], c.dx[2] + dphi_r2 * (a)])
    extra["component"] = 2
    expected = {"torsion": {(2, 0, 1): rho}, "trace": [0, 0, 0]}
    return Example("E3_screw", "regularised screw dislocation", weitzenbock(cf),
                   {"b": b, "r_0": r0}, expected, extra)


def E3_edge(b=None, r0=None):
    """E3 (edge): :math:`e^1=dx+\\frac b{2\\pi}f(r)d\\phi`; trace
    :math:`T=\\rho/(1-ay)\\,e^2`, :math:`\\rho=\\frac b{2\\pi}f'/r`, :math:`a=\\frac b{2\\pi}f/r^2`
    (:math:`\\rho\\,e^2` to first order in b)."""
    b = sp.Symbol("b", positive=True) if b is None else b
    r0 = sp.Symbol("r_0", positive=True) if r0 is None else r0
    c, a, rho, dphi_r2, extra = _core(b, r0)
    x, y, z = c.coords
    cf = Coframe([c.dx[0] + dphi_r2 * a, c.dx[1], c.dx[2]])
    extra["component"] = 0
    extra["rho"] = rho
    # dx^dy = e^1^e^2 / (1 - a y), derived by hand (e^1 = (1 - a y) dx + a x dy)
    expected = {"torsion": {(0, 0, 1): rho / (1 - a * y)}, "trace": [0, rho / (1 - a * y), 0]}
    return Example("E3_edge", "regularised edge dislocation", weitzenbock(cf),
                   {"b": b, "r_0": r0}, expected, extra)


def E4(eps=None):
    """E4: point defect (pure dilatation), :math:`e^a=e^{\\varphi}dx^a`,
    :math:`\\omega^a{}_b=-d\\varphi\\,\\delta^a_b`, :math:`\\varphi=\\epsilon/r`."""
    c = _cartesian()
    x, y, z = c.coords
    e = sp.Symbol("epsilon") if eps is None else eps
    r = sp.sqrt(x**2 + y**2 + z**2)
    phi = e / r
    cf = Coframe([sp.exp(phi) * dx for dx in c.dx])
    from ..symbolic.forms import d

    dphi = d(c.scalar(phi))
    conn = Connection(cf, [[-dphi if i == j else 0 for j in range(3)] for i in range(3)])
    # frame components of d(phi): e^{-phi} d_c phi = -eps x_c e^{-phi} / r^3
    dp = [-e * xc * sp.exp(-phi) / r**3 for xc in (x, y, z)]
    Q = {(a, a, cc): -2 * dp[cc] for a in range(3) for cc in range(3)}
    expected = {
        "torsion": {},
        "curvature": {},
        "nonmetricity": Q,
        "weyl": [-6 * v for v in dp],
        "Lambda": [-2 * v for v in dp],
        "Lambda_W": [0, 0, 0],
        "dilation": Q,
        "qvector": {},
        "riemannian_scalar": -2 * sp.exp(-2 * phi) * e**2 / r**4,
    }
    return Example("E4", "point defect (pure dilatation)", conn, {"epsilon": e}, expected)


def E5(kappa=None):
    """E5: general teleparallel, :math:`e^a=dx^a`, :math:`\\omega=L^{-1}dL`,
    :math:`L=\\mathrm{diag}(e^{\\kappa y},1,1)` (so :math:`\\omega^1{}_1=\\kappa\\,dy`)."""
    c = _cartesian()
    x, y, z = c.coords
    k = sp.Symbol("kappa") if kappa is None else kappa
    conn = teleparallel(Coframe(c.dx), sp.diag(sp.exp(k * y), 1, 1))
    expected = {
        "torsion": {(0, 0, 1): -k},
        "trace": [0, -k, 0],
        "curvature": {},
        "nonmetricity": {(0, 0, 1): 2 * k},
        "weyl": [0, 2 * k, 0],
        "Lambda": [0, 0, 0],
        "Lambda_W": [0, -2 * k / 3, 0],
    }
    return Example("E5", "general teleparallel with torsion and non-metricity", conn,
                   {"kappa": k}, expected)


def E6(kappa=None):
    """E6: second-trace carrier, :math:`L=\\mathrm{diag}(e^{\\kappa x},1,1)`, :math:`T=0`."""
    c = _cartesian()
    x, y, z = c.coords
    k = sp.Symbol("kappa") if kappa is None else kappa
    conn = teleparallel(Coframe(c.dx), sp.diag(sp.exp(k * x), 1, 1))
    f = sp.Rational(2, 5) * k
    expected = {
        "torsion": {},
        "curvature": {},
        "nonmetricity": {(0, 0, 0): 2 * k},
        "weyl": [2 * k, 0, 0],
        "Lambda": [2 * k, 0, 0],
        "Lambda_W": [4 * k / 3, 0, 0],
        # (3)Q_111 = 8k/15 (docs/conventions.md); the other components from §3.2 by hand
        "qvector": {(0, 0, 0): 8 * k / 15, (1, 1, 0): -4 * k / 15, (2, 2, 0): -4 * k / 15,
                    (0, 1, 1): f, (0, 2, 2): f},
        "dilation": {(a, a, 0): 2 * k / 3 for a in range(3)},
    }
    return Example("E6", "second-trace (disclination-type) carrier", conn, {"kappa": k}, expected)


def E7(alpha=None, r0=None):
    """E7: wedge disclination, :math:`e^1=dr`, :math:`e^2=h(r)d\\phi`, :math:`e^3=dz`,
    Levi-Civita connection, :math:`h=\\alpha r+(1-\\alpha)r_0\\tanh(r/r_0)`."""
    c = Chart("r phi z", positive=True)
    r, ph, z = c.coords
    al = sp.Symbol("alpha", positive=True) if alpha is None else alpha
    r0 = sp.Symbol("r_0", positive=True) if r0 is None else r0
    h = al * r + (1 - al) * r0 * sp.tanh(r / r0)
    cf = Coframe([c.dx[0], h * c.dx[1], c.dx[2]])
    h1, h2 = sp.diff(h, r), sp.diff(h, r, 2)
    R, eps = sp.symbols("R epsilon", positive=True)
    extra = {
        "h": h,
        "R": R,
        "epsilon": eps,
        "omega12": -h1 * c.dx[1],
        "disc": ({z: 0}, [(r, 0, R), (ph, 0, 2 * sp.pi)]),
        "annulus": ({z: 0}, [(r, eps, R), (ph, 0, 2 * sp.pi)]),
        # total curvature -2 pi (h'(R) - h'(0)), h'(0) = 1
        "total_curvature": -2 * sp.pi * (h1.subs(r, R) - 1),
        "frank_angle": 2 * sp.pi * (1 - al),
        "weitzenbock_trace": [-h1 / h, 0, 0],
        "annulus_R_integral": 4 * sp.pi * (h1.subs(r, eps) - h1.subs(r, R)),
    }
    expected = {
        "torsion": {},
        "curvature": {(0, 1, 0, 1): -h2 / h, (1, 0, 0, 1): h2 / h},
        "riemannian_scalar": -2 * h2 / h,
    }
    return Example("E7", "wedge disclination (mainstream, Levi-Civita)", levi_civita(cf),
                   {"alpha": al, "r_0": r0}, expected, extra)


#: all example constructors, E0 to E7
ALL = (E0, E1, E2, E3_screw, E3_edge, E4, E5, E6, E7)
