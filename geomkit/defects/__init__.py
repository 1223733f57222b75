r"""Continuum defects as non-Riemannian geometry: densities, Burgers and Frank vectors.

Two dictionaries translate the geometry of a crystal with defects (a coframe
:math:`e^a` -- the Eulerian "lattice" coframe -- and a connection
:math:`\omega^a{}_b`) into defect densities (``docs/defects.md``, ``docs/conventions.md``):

``'mainstream'`` (metric-affine; Kondo, Bilby, Kroner, de Wit, Katanaev--Volovich)
    dislocations :math:`\leftrightarrow` torsion :math:`T^a` (all pieces, vector-valued
    2-forms), disclinations :math:`\leftrightarrow` curvature :math:`R^a{}_b`,
    point defects :math:`\leftrightarrow` the Weyl (first) trace of non-metricity
    :math:`Q=\eta^{ab}Q_{ab}`.  Burgers vector :math:`b^a=\int_\Sigma T^a
    =\oint_{\partial\Sigma}e^a` (Weitzenbock gauge), Frank rotation
    :math:`\Omega^a{}_b=\int_\Sigma R^a{}_b`.

``'general_teleparallel'`` (arXiv:2602.01408, read from its abstract only)
    a flat connection (:math:`R^a{}_b=0`); dislocations :math:`\leftrightarrow` the
    torsion trace :math:`T=\iota_aT^a`, disclinations :math:`\leftrightarrow` the
    second-kind trace of non-metricity (:math:`\Lambda=(\iota^aQ_{ab})e^b` or its
    traceless-part version :math:`\Lambda_W=\Lambda-\frac1nQ`), point defects
    :math:`\leftrightarrow` the first-kind trace :math:`Q`; the axial ("scalar" in
    n = 3) torsion :math:`A=e_a\wedge T^a` is not fixed by the defect content and
    is returned with a free weight.

The paper's normalisations are **not** known (its body was not readable): which
second trace, the factor :math:`k` in :math:`Q_{ab}=-k\,D\eta_{ab}` (1 or 1/2) and
an overall factor per density are parameters of :func:`general_teleparallel`.

The test configurations E0--E7 (``docs/conventions.md``) are in :mod:`geomkit.defects.examples`.

>>> import sympy as sp
>>> import geomkit as gk
>>> ex = gk.defects.examples.E1()
>>> dd = gk.defects.general_teleparallel(ex.connection)
>>> dd.dislocation
-beta*dy
>>> gk.defects.mainstream(ex.connection).dislocation[0]
-beta*exp(beta*y)*dx^dy
"""

from typing import NamedTuple

import sympy as sp

from .._display import add_display
from ..errors import DegreeError, DimensionError, GeomkitError
from ..symbolic.chart import Chart
from ..symbolic.connection import Connection
from ..symbolic.decompose import nonmetricity_pieces, torsion_pieces
from ..symbolic.forms import Form, pullback
from ..symbolic.frames import Coframe
from ..symbolic.simplify import get_strategy

__all__ = [
    "DefectDensities",
    "DICTIONARIES",
    "defect_densities",
    "mainstream",
    "general_teleparallel",
    "integrate_form",
    "burgers_vector",
    "burgers_flux",
    "frank_rotation",
    "frank_vector",
    "eulerian_strain",
    "examples",
]

#: names accepted by :func:`defect_densities`
DICTIONARIES = ("mainstream", "general_teleparallel")


class DefectDensities(NamedTuple):
    """Defect densities of one dictionary (all values are coordinate :class:`~geomkit.Form`).

    ``mainstream``: ``dislocation`` is the tuple :math:`T^a` of 2-forms,
    ``disclination`` the ``n x n`` tuple :math:`R^a{}_b` of 2-forms, ``point`` the
    Weyl 1-form :math:`Q`, ``axial`` the 3-form :math:`A=e_a\\wedge T^a`.

    ``general_teleparallel``: ``dislocation``, ``disclination`` and ``point`` are
    1-forms (or their Hodge duals, (n-1)-forms, with ``dual=True``), ``axial``
    the weighted 3-form :math:`\\sigma_w A`.
    """

    dictionary: str
    dislocation: object
    disclination: object
    point: object
    axial: object
    options: dict


add_display(DefectDensities)  # LaTeX in notebooks and sp.latex


def _conn(conn, what):
    if not isinstance(conn, Connection):
        raise GeomkitError(f"{what} needs a Connection (coframe + omega), got "
                           f"{type(conn).__name__}")
    return conn


def _axial_form(conn, A):
    cf = conn.coframe
    n = conn.n
    if n < 3:
        return Form(cf.chart, 3)
    comps = {(a, b, c): A[a, b, c] for a in range(n) for b in range(a + 1, n)
             for c in range(b + 1, n) if A[a, b, c] != 0}
    return cf.to_form(comps, 3)


def mainstream(conn, point_scale=1):
    """Mainstream metric-affine densities of a connection (see the module doc).

    ``point_scale`` multiplies the Weyl trace (e.g. ``1/n`` for the Weyl covector).

    >>> import geomkit as gk
    >>> dd = gk.defects.mainstream(gk.defects.examples.E2().connection)
    >>> dd.dislocation[2], dd.point
    (beta*dx^dy, 0)
    """
    conn = _conn(conn, "mainstream")
    cf = conn.coframe
    n = conn.n
    f = get_strategy(cf.strategy)
    Qp = nonmetricity_pieces(conn, simplify=f)
    weyl = cf.to_form({(c,): Qp.weyl[c] * sp.sympify(point_scale) for c in range(n)}, 1)
    A = torsion_pieces(conn, simplify=f).axial_form
    return DefectDensities(
        "mainstream", conn.torsion(), conn.curvature(), weyl, _axial_form(conn, A),
        {"point_scale": point_scale},
    )


def general_teleparallel(conn, disclination_trace="Lambda", nonmetricity_scale=None,
                         dislocation_scale=1, disclination_scale=1, point_scale=1,
                         axial_weight=1, dual=False, check_flat=True):
    r"""Densities of the general teleparallel dictionary of arXiv:2602.01408 (abstract level).

    Parameters
    ----------
    conn : Connection
        A flat connection (checked unless ``check_flat=False``).
    disclination_trace : {'Lambda', 'Lambda_W'}
        Second-kind trace :math:`\Lambda_b=Q^a{}_{ab}` or :math:`\Lambda_W=\Lambda-\frac1nQ`.
    nonmetricity_scale : {1, 1/2}, optional
        :math:`k` in :math:`Q_{ab}=-k\,D\eta_{ab}` (default: the connection's).
    dislocation_scale, disclination_scale, point_scale : expr
        Overall factors of the three densities (the paper's are unknown).
    axial_weight : expr
        Weight of the axial torsion 3-form (a free parameter in the paper).
    dual : bool
        Return :math:`\star\rho` ((n-1)-forms, to be integrated over hypersurfaces)
        instead of the 1-forms :math:`\rho`.

    Notes
    -----
    Returns :class:`DefectDensities` with the torsion trace :math:`T=\iota_aT^a`
    (dislocations), :math:`\Lambda` or :math:`\Lambda_W` (disclinations) and the Weyl
    trace :math:`Q` (point defects), each times its scale.

    >>> import geomkit as gk
    >>> dd = gk.defects.general_teleparallel(gk.defects.examples.E6().connection)
    >>> dd.dislocation, dd.disclination, dd.point
    (0, 2*kappa*dx, 2*kappa*dx)
    """
    conn = _conn(conn, "general_teleparallel")
    if disclination_trace not in ("Lambda", "Lambda_W"):
        raise GeomkitError(
            f"disclination_trace must be 'Lambda' or 'Lambda_W', got {disclination_trace!r}"
        )
    if check_flat:
        from ..symbolic.teleparallel import check_flat as _check

        _check(conn)
    cf = conn.coframe
    n = conn.n
    f = get_strategy(cf.strategy)
    k = conn.nonmetricity_scale if nonmetricity_scale is None else sp.nsimplify(nonmetricity_scale)
    Qp = nonmetricity_pieces(conn.nonmetricity_components(scale=k), cf.eta, simplify=f)
    Tp = torsion_pieces(conn, simplify=f)
    lam = Qp.Lambda if disclination_trace == "Lambda" else Qp.Lambda_W

    def one_form(arr, scale):
        form = cf.to_form({(c,): arr[c] * sp.sympify(scale) for c in range(n)}, 1)
        return cf.hodge(form) if dual else form

    opts = dict(disclination_trace=disclination_trace, nonmetricity_scale=k,
                dislocation_scale=dislocation_scale, disclination_scale=disclination_scale,
                point_scale=point_scale, axial_weight=axial_weight, dual=dual)
    return DefectDensities(
        "general_teleparallel",
        one_form(Tp.trace, dislocation_scale),
        one_form(lam, disclination_scale),
        one_form(Qp.weyl, point_scale),
        _axial_form(conn, Tp.axial_form) * sp.sympify(axial_weight),
        opts,
    )


def defect_densities(conn, dictionary="mainstream", **options):
    """Dispatch to :func:`mainstream` or :func:`general_teleparallel` by name."""
    if dictionary == "mainstream":
        return mainstream(conn, **options)
    if dictionary == "general_teleparallel":
        return general_teleparallel(conn, **options)
    raise GeomkitError(f"unknown defect dictionary {dictionary!r}; choose one of {DICTIONARIES}")


# -- integrals ---------------------------------------------------------------------------------
def _params(params):
    out = []
    for k, p in enumerate(params):
        try:
            s, lo, hi = p
        except (TypeError, ValueError):
            raise GeomkitError(
                f"parameter {k} must be a triple (symbol, lower, upper), got {p!r}"
            ) from None
        if not isinstance(s, sp.Symbol):
            raise GeomkitError(f"parameter {k}: {s!r} is not a sympy Symbol")
        out.append((s, sp.sympify(lo), sp.sympify(hi)))
    return out


def _integrand_simplify(strategy):
    f = get_strategy(strategy)

    def g(e):
        # simplify inside function arguments too (exp(-(R^2 cos^2 + R^2 sin^2)))
        e = f(e)
        e = e.replace(lambda a: isinstance(a, sp.Function) and a.args,
                      lambda a: a.func(*[f(x) for x in a.args]))
        return f(e)

    return g


def integrate_form(form, mapping, params, method="auto", simplify="algebraic"):
    r"""Integral of a p-form over a parameterized p-dimensional box.

    Parameters
    ----------
    form : Form
        A p-form on some chart.
    mapping : dict
        Coordinate of ``form.chart`` -> expression in the parameters (missing
        coordinates must be parameters themselves).
    params : sequence of p triples ``(symbol, lower, upper)``
        The parameters, in the order that gives the orientation:
        :math:`\int\alpha=\int\varphi^*\alpha(\partial_{t_1},\dots,\partial_{t_p})
        \,dt_1\cdots dt_p`.
    method : {'auto', 'sympy', 'numeric'}
        ``'sympy'`` integrates exactly (raises when sympy cannot); ``'numeric'``
        uses mpmath quadrature (all symbols other than the parameters must have
        been substituted); ``'auto'`` tries sympy and falls back to numeric.

    >>> import sympy as sp
    >>> import geomkit as gk
    >>> c = gk.Chart('x y')
    >>> x, y = c.coords
    >>> t = sp.Symbol('t')
    >>> integrate_form(x * c.dx[1] - y * c.dx[0], {x: sp.cos(t), y: sp.sin(t)}, [(t, 0, 2*sp.pi)])
    2*pi
    """
    if not isinstance(form, Form):
        raise GeomkitError(f"integrate_form takes a Form, got {type(form).__name__}")
    ps = _params(params)
    if len(ps) != form.degree:
        raise DegreeError(
            f"a {form.degree}-form is integrated over {form.degree} parameters, got {len(ps)}"
        )
    if method not in ("auto", "sympy", "numeric"):
        raise GeomkitError(f"method must be 'auto', 'sympy' or 'numeric', got {method!r}")
    if form.degree == 0:
        return form.to_scalar().subs(mapping)
    pchart = Chart([s for s, _, _ in ps])
    pulled = pullback(mapping, form, pchart)
    g = _integrand_simplify(simplify)
    integrand = g(pulled[tuple(range(len(ps)))])
    if method in ("auto", "sympy"):
        res = integrand
        for s, lo, hi in ps:
            res = sp.integrate(res, (s, lo, hi))
        if not res.has(sp.Integral):
            return g(res)
        if method == "sympy":
            raise GeomkitError(f"sympy could not integrate {integrand} over {ps}; "
                               "use method='numeric'")
    return _numeric_integral(integrand, ps)


def _numeric_integral(integrand, ps):
    import mpmath

    syms = [s for s, _, _ in ps]
    free = integrand.free_symbols - set(syms)
    for _s, lo, hi in ps:
        free |= (lo.free_symbols | hi.free_symbols)
    if free:
        raise GeomkitError(
            f"numeric integration needs numbers: substitute {sorted(map(str, free))} first"
        )
    fn = sp.lambdify(syms, integrand, modules="mpmath")
    ranges = [(mpmath.mpf(sp.N(lo, 30)), mpmath.mpf(sp.N(hi, 30))) for _, lo, hi in ps]
    val = mpmath.quad(fn, *ranges)
    return sp.Float(mpmath.re(val), 15)


def burgers_vector(coframe, loop, param, method="auto"):
    r"""Burgers vector :math:`b^a=\oint_\gamma e^a` around a parameterized closed loop.

    ``loop`` maps coordinates to expressions in ``param = (t, t0, t1)``.  In the
    Weitzenbock gauge this equals :func:`burgers_flux` over a surface bounded by
    the loop (Stokes, since :math:`T^a=de^a`).  Returns a tuple of n values.
    """
    if isinstance(coframe, Connection):
        coframe = coframe.coframe
    if not isinstance(coframe, Coframe):
        raise GeomkitError(f"burgers_vector needs a Coframe, got {type(coframe).__name__}")
    return tuple(integrate_form(e, loop, [param], method) for e in coframe.forms)


def burgers_flux(conn, surface, params, method="auto"):
    r"""Burgers vector as the flux of the dislocation density, :math:`b^a=\int_\Sigma T^a`."""
    conn = _conn(conn, "burgers_flux")
    return tuple(integrate_form(T, surface, params, method) for T in conn.torsion())


def frank_rotation(conn, surface, params, method="auto"):
    r"""Frank rotation matrix :math:`\Omega^a{}_b=\int_\Sigma R^a{}_b` (an ``n x n`` Matrix)."""
    conn = _conn(conn, "frank_rotation")
    R = conn.curvature()
    n = conn.n
    return sp.Matrix(n, n, lambda a, b: integrate_form(R[int(a)][int(b)], surface, params,
                                                       method))


def frank_vector(conn, surface, params, method="auto"):
    r"""Frank vector of a 3-D connection, :math:`\Omega_c=\tfrac12\varepsilon_{cab}\Omega^{ab}`:
    ``(Omega^{23}, Omega^{31}, Omega^{12})`` with indices raised by :math:`\eta`."""
    conn = _conn(conn, "frank_vector")
    if conn.n != 3:
        raise DimensionError(f"the Frank vector is defined for n = 3, got n = {conn.n}")
    Om = frank_rotation(conn, surface, params, method)
    up = Om * sp.Matrix(conn.coframe.eta).inv()
    return (up[1, 2], up[2, 0], up[0, 1])


def eulerian_strain(coframe):
    r"""Eulerian strain :math:`\varepsilon_{\mu\nu}=\tfrac12(\delta_{\mu\nu}-g_{\mu\nu})`,
    :math:`g_{\mu\nu}=\eta_{ab}E^a{}_\mu E^b{}_\nu` (a Matrix; Cartesian coordinates)."""
    if not isinstance(coframe, Coframe):
        raise GeomkitError(f"eulerian_strain needs a Coframe, got {type(coframe).__name__}")
    g = coframe.metric().matrix
    return ((sp.eye(coframe.n) - g) / 2).applyfunc(sp.expand)


from . import examples  # noqa: E402  (the gallery uses the functions above)
