r"""Teleparallel geometry: flat connections, the torsion and non-metricity scalars.

A teleparallel connection has zero curvature, :math:`R^a{}_b=0` (``docs/conventions.md``).
Locally every such connection is pure gauge, :math:`\omega=L^{-1}dL` with
:math:`L(x)\in GL(n)`; three flavours are built here:

* :func:`weitzenbock` -- metric teleparallel, :math:`\omega=0` in the given
  (orthonormal) coframe, so :math:`T^a=de^a` and :math:`Q_{ab}=0`;
* :func:`coincident_gauge` -- symmetric teleparallel, the coordinate coframe
  :math:`e^a=dx^a` with :math:`\eta=g` and :math:`\omega=0`, so :math:`T^a=0` and
  :math:`Q_{\mu\nu}=-k\,dg_{\mu\nu}` (:math:`k` = ``nonmetricity_scale``; the STEGR
  literature's :math:`Q_{\lambda\mu\nu}=+\partial_\lambda g_{\mu\nu}` is minus ours);
* :func:`teleparallel` -- general teleparallel, :math:`\omega=L^{-1}dL` in a given
  coframe (both :math:`T` and :math:`Q` in general).

Scalars (frame components; ``T[a, b, c]`` :math:`=T^a{}_{bc}`, ``Q[a, b, c]``
:math:`=Q_{ab}(e_c)`):

* :func:`torsion_scalar` :math:`\mathbb T=\tfrac14T_{abc}T^{abc}+\tfrac12T_{abc}T^{bac}-T_aT^a`;
* :func:`nonmetricity_scalar` :math:`\mathcal Q=-\tfrac14Q_{cab}Q^{cab}+\tfrac12Q_{cab}Q^{acb}
  +\tfrac14q_cq^c-\tfrac12q_c\lambda^c` with the Weyl trace :math:`q=\eta^{ab}Q_{ab}`
  and the second trace :math:`\lambda_b=\eta^{ac}Q_{ab}(e_c)` (``Q_{cab}`` is the
  component :math:`Q_{ab}(e_c)`; quadratic, so independent of the sign convention of Q).

For any connection, :math:`\omega=\mathring\omega+N` gives (``docs/conventions.md``)
:math:`R^a{}_b=\mathring R^a{}_b+\mathring DN^a{}_b+N^a{}_c\wedge N^c{}_b`, whose trace is
:func:`curvature_split`:

.. math:: R=\mathring R+\mathcal N+\mathring\nabla_cV^c,\qquad
          \mathcal N=\eta^{bd}(N^a{}_{ea}N^e{}_{bd}-N^a{}_{ed}N^e{}_{ba}),\qquad
          V^c=\eta^{bd}N^c{}_{bd}-\eta^{cb}N^a{}_{ba}.

For a teleparallel connection :math:`R=0`, so :math:`\mathring R=-\mathcal N-\mathring\nabla_cV^c`.
Metric teleparallel: :math:`\mathcal N=\mathbb T` and :math:`V=-2T^c` (the trace vector),
i.e. :math:`\mathring R=-\mathbb T+2\mathring\nabla_cT^c`; symmetric teleparallel:
:math:`\mathcal N=-\mathcal Q`.  Both are tested in n = 3, 4.

>>> import sympy as sp
>>> import geomkit as gk
>>> c = gk.Chart('x y z')
>>> x, y, z = c.coords
>>> b = sp.Symbol('beta')
>>> W = gk.weitzenbock(gk.Coframe([c.dx[0], c.dx[1], c.dx[2] + b * x * c.dx[1]]))
>>> W.torsion()[2]
beta*dx^dy
>>> torsion_scalar(W), gk.levi_civita(W.coframe).ricci_scalar()
(beta**2/2, -beta**2/2)
"""

from typing import NamedTuple

import sympy as sp

from .._display import add_display
from ..errors import DimensionError, GeomkitError, SingularCoframeError
from .connection import Connection, levi_civita
from .decompose import torsion_scalar as _torsion_scalar_arrays
from .forms import Form, d
from .frames import DEFAULT_STRATEGY, Coframe, _as_matrix
from .simplify import get_strategy

__all__ = [
    "weitzenbock",
    "coincident_gauge",
    "teleparallel",
    "is_flat",
    "check_flat",
    "torsion_scalar",
    "nonmetricity_scalar",
    "torsion_trace_vector",
    "divergence",
    "CurvatureSplit",
    "curvature_split",
]


def _strategy(conn_or_cf):
    cf = conn_or_cf.coframe if isinstance(conn_or_cf, Connection) else conn_or_cf
    s = cf.strategy
    return get_strategy(s)


def weitzenbock(coframe):
    """The Weitzenbock connection of a coframe: :math:`\\omega^a{}_b=0`, so :math:`T^a=de^a`.

    Metric compatible (for constant :math:`\\eta`) and flat; the coframe is
    parallel.  The torsion of an orthonormal coframe with this connection is the
    dislocation density of the mainstream defect dictionary (:mod:`geomkit.defects`).

    >>> import geomkit as gk
    >>> c = gk.Chart('x y')
    >>> x, y = c.coords
    >>> gk.weitzenbock(gk.Coframe([c.dx[0], x * c.dx[1] + c.dx[1]])).torsion()
    (0, dx^dy)
    """
    if not isinstance(coframe, Coframe):
        raise GeomkitError(f"weitzenbock needs a Coframe, got {type(coframe).__name__}")
    n = coframe.n
    return Connection(coframe, [[0] * n for _ in range(n)])


def coincident_gauge(metric, nonmetricity_scale=1, simplify=DEFAULT_STRATEGY):
    """Symmetric teleparallel connection in the coincident gauge: :math:`\\Gamma=0` in coordinates.

    The coframe is :math:`e^a=dx^a` with frame metric :math:`\\eta=g`; the
    connection is :math:`\\omega=0`.  Then :math:`T=0`, :math:`R=0` and
    :math:`Q_{\\mu\\nu}=-k\\,dg_{\\mu\\nu}`, i.e. ``Q[m, n, l]`` :math:`=-k\\,\\partial_\\lambda
    g_{\\mu\\nu}` (``k = nonmetricity_scale``).

    >>> import sympy as sp
    >>> import geomkit as gk
    >>> c = gk.Chart('r phi', positive=True)
    >>> r, phi = c.coords
    >>> G = gk.coincident_gauge(gk.Metric(c, sp.diag(1, r**2)))
    >>> G.nonmetricity()[1][1], G.torsion()
    (-2*r*dr, (0, 0))
    """
    from .metric import Metric

    if not isinstance(metric, Metric):
        raise GeomkitError(f"coincident_gauge needs a Metric, got {type(metric).__name__}")
    chart = metric.chart
    cf = Coframe(chart.dx, metric, simplify)
    n = chart.dim
    return Connection(cf, [[0] * n for _ in range(n)], nonmetricity_scale)


def teleparallel(coframe, L, nonmetricity_scale=1):
    """General teleparallel connection :math:`\\omega=L^{-1}dL` in ``coframe``.

    ``L`` is an invertible ``n x n`` matrix of functions (an element of
    :math:`GL(n)` at each point).  The connection is flat: it is the gauge
    transform (``docs/conventions.md``) of :math:`\\omega=0`.  Its torsion is
    :math:`T^a=de^a+(L^{-1}dL)^a{}_b\\wedge e^b` and its non-metricity
    :math:`Q_{ab}=k(\\omega_{ab}+\\omega_{ba})` (constant :math:`\\eta`).

    >>> import sympy as sp
    >>> import geomkit as gk
    >>> c = gk.Chart('x y z')
    >>> x, y, z = c.coords
    >>> k = sp.Symbol('kappa')
    >>> G = gk.teleparallel(gk.Coframe(c.dx), sp.diag(sp.exp(k * y), 1, 1))
    >>> G.omega()[0][0], G.torsion()[0]
    (kappa*dy, -kappa*dx^dy)
    >>> is_flat(G)
    True
    """
    if not isinstance(coframe, Coframe):
        raise GeomkitError(f"teleparallel needs a Coframe, got {type(coframe).__name__}")
    n = coframe.n
    L = _as_matrix(L, n, "L")
    f = get_strategy("cancel")
    det = f(L.det(method="berkowitz"))
    if det == 0:
        raise SingularCoframeError("teleparallel: L is singular (det L = 0)")
    Li = (L.adjugate(method="berkowitz") / det).applyfunc(f)
    chart = coframe.chart
    dL = [[d(chart.scalar(L[i, j])) for j in range(n)] for i in range(n)]
    omega = []
    for a in range(n):
        row = []
        for b in range(n):
            acc = Form(chart, 1)
            for c in range(n):
                if Li[a, c] != 0 and dL[c][b]:
                    acc = acc + dL[c][b] * Li[a, c]
            row.append(acc.simplify(coframe.strategy))
        omega.append(row)
    return Connection(coframe, omega, nonmetricity_scale)


def is_flat(conn):
    """True when every curvature component :math:`R^a{}_{bcd}` is zero."""
    if not isinstance(conn, Connection):
        raise GeomkitError(f"is_flat needs a Connection, got {type(conn).__name__}")
    R = conn.curvature_components()
    f = _strategy(conn)
    return all(f(v) == 0 for v in sp.flatten(R.tolist()))


def check_flat(conn):
    """Raise :class:`~geomkit.GeomkitError` naming the first nonzero :math:`R^a{}_{bcd}`;
    return the connection otherwise."""
    if not isinstance(conn, Connection):
        raise GeomkitError(f"check_flat needs a Connection, got {type(conn).__name__}")
    R = conn.curvature_components()
    f = _strategy(conn)
    n = conn.n
    for a in range(n):
        for b in range(n):
            for c in range(n):
                for e in range(c + 1, n):
                    v = f(R[a, b, c, e])
                    if v != 0:
                        raise GeomkitError(
                            f"connection is not teleparallel: R^{a}_{b}{c}{e} = {v} "
                            "(frame components, 0-based)"
                        )
    return conn


def torsion_scalar(conn, simplify=None):
    """TEGR torsion scalar :math:`\\mathbb T` of a connection (see the module doc)."""
    if not isinstance(conn, Connection):
        raise GeomkitError(f"torsion_scalar needs a Connection, got {type(conn).__name__}")
    s = conn.coframe.strategy if simplify is None else simplify
    return _torsion_scalar_arrays(conn.torsion_components(), conn.coframe.eta, s)


def _nested(n, fn, depth):
    if depth == 1:
        return [fn((i,)) for i in range(n)]
    return [_nested(n, lambda idx, i=i: fn((i,) + idx), depth - 1) for i in range(n)]


def nonmetricity_scalar(conn, simplify=None):
    """Symmetric-teleparallel scalar :math:`\\mathcal Q` of a connection (see the module doc).

    For a symmetric teleparallel connection :math:`\\mathring R=\\mathcal Q+
    \\mathring\\nabla_c(q^c-\\lambda^c)` with our sign :math:`Q=-D\\eta` (scale 1);
    the literature's :math:`\\mathring R=\\mathcal Q-\\mathring\\nabla_\\alpha(Q^\\alpha-\\tilde
    Q^\\alpha)` uses :math:`Q=+\\nabla g`.  Computed at ``nonmetricity_scale`` 1.
    """
    if not isinstance(conn, Connection):
        raise GeomkitError(f"nonmetricity_scalar needs a Connection, got {type(conn).__name__}")
    cf = conn.coframe
    f = get_strategy(cf.strategy if simplify is None else simplify)
    n = conn.n
    Q = conn.nonmetricity_components(scale=1)
    gi = sp.Matrix(cf.eta).inv()
    nz = [(i, j) for i in range(n) for j in range(n) if gi[i, j] != 0]
    # all indices up: Qu[a, b, c] = Q_ab(e_c) raised
    Qu = {}
    for a in range(n):
        for b in range(n):
            for c in range(n):
                Qu[a, b, c] = sum(
                    (Q[i, j, k] * gi[a, i] * gi[b, j] * gi[c, k]
                     for i in range(n) if gi[a, i] != 0
                     for j in range(n) if gi[b, j] != 0
                     for k in range(n) if gi[c, k] != 0),
                    sp.S.Zero,
                )
    q = [sum((gi[a, b] * Q[a, b, c] for a, b in nz), sp.S.Zero) for c in range(n)]
    lam = [sum((gi[a, c] * Q[a, b, c] for a, c in nz), sp.S.Zero) for b in range(n)]
    qu = [sum((gi[c, e] * q[e] for e in range(n)), sp.S.Zero) for c in range(n)]
    s = sp.S.Zero
    for a in range(n):
        for b in range(n):
            for c in range(n):
                v = Q[a, b, c]
                if v != 0:
                    # Q_cab Q^cab and Q_cab Q^acb in derivative-first order
                    s += -v * Qu[a, b, c] / 4 + v * Qu[c, b, a] / 2
    for c in range(n):
        s += qu[c] * q[c] / 4 - qu[c] * lam[c] / 2
    return f(s)


def torsion_trace_vector(conn):
    """Frame components :math:`T^c=\\eta^{ca}T_a` of the torsion trace :math:`T_a=T^b{}_{ba}`."""
    T = conn.torsion_components()
    n = conn.n
    gi = sp.Matrix(conn.coframe.eta).inv()
    t = [sum((T[b, b, a] for b in range(n)), sp.S.Zero) for a in range(n)]
    f = _strategy(conn)
    return [f(sum((gi[c, a] * t[a] for a in range(n)), sp.S.Zero)) for c in range(n)]


def divergence(coframe, V, simplify=None):
    """Riemannian divergence :math:`\\mathring\\nabla_cV^c` of a vector with frame components ``V``.

    :math:`\\mathring\\nabla_cV^c=\\frac1{\\sqrt{|g|}}\\partial_\\mu(\\sqrt{|g|}\\,V^\\mu)`,
    :math:`V^\\mu=E_c{}^\\mu V^c`, :math:`\\sqrt{|g|}=|\\det E|\\sqrt{|\\det\\eta|}`,
    computed as :math:`\\partial_\\mu V^\\mu+V^\\mu\\,\\partial_\\mu\\ln\\sqrt{|g|}` with
    :math:`\\partial\\ln\\sqrt{|g|}=\\partial\\det E/\\det E+
    \\partial\\det\\eta/(2\\det\\eta)`, so that no absolute value is differentiated
    (spherical charts have :math:`\\det g\\propto\\sin^2\\theta`).

    >>> import geomkit as gk
    >>> c = gk.Chart('r phi', positive=True)
    >>> r, phi = c.coords
    >>> divergence(gk.Coframe([c.dx[0], r * c.dx[1]]), [r, 0])
    2
    """
    if not isinstance(coframe, Coframe):
        raise GeomkitError(f"divergence needs a Coframe, got {type(coframe).__name__}")
    n = coframe.n
    V = list(V)
    if len(V) != n:
        raise DimensionError(f"divergence: V needs {n} frame components, got {len(V)}")
    f = get_strategy(coframe.strategy if simplify is None else simplify)
    fr = coframe.frame()
    # d ln sqrt|g| = d(det E)/det E + d(det eta)/(2 det eta): no sqrt or Abs is
    # differentiated, whatever the sign of det E or of det eta on the chart
    det_E = coframe.E.det(method="berkowitz")
    det_eta = sp.Matrix(coframe.eta).det(method="berkowitz")
    s = sp.S.Zero
    for m, x in enumerate(coframe.chart.coords):
        Vm = sum((fr[c][m] * V[c] for c in range(n) if fr[c][m] != 0), sp.S.Zero)
        if Vm == 0:
            continue
        s += sp.diff(Vm, x) + Vm * (sp.diff(det_E, x) / det_E + sp.diff(det_eta, x) / (2 * det_eta))
    return f(s)


class CurvatureSplit(NamedTuple):
    """:math:`R=\\mathring R+\\mathcal N+\\mathring\\nabla_cV^c` (see the module doc).

    ``quadratic`` is :math:`\\mathcal N`, ``current`` the frame components
    :math:`V^c`, ``divergence`` :math:`\\mathring\\nabla_cV^c`, ``riemannian``
    :math:`\\mathring R`, ``full`` the scalar curvature :math:`R` of the connection.
    """

    quadratic: object
    current: object
    divergence: object
    riemannian: object
    full: object


add_display(CurvatureSplit)  # LaTeX in notebooks and sp.latex


def curvature_split(conn, simplify=None):
    """Trace of :math:`R=\\mathring R+\\mathring DN+N\\wedge N`: returns :class:`CurvatureSplit`.

    For a teleparallel connection (``full == 0``) this is the identity
    :math:`\\mathring R=-\\mathcal N-\\mathring\\nabla_cV^c` behind TEGR, STEGR and general
    teleparallel equivalents of general relativity.
    """
    if not isinstance(conn, Connection):
        raise GeomkitError(f"curvature_split needs a Connection, got {type(conn).__name__}")
    cf = conn.coframe
    f = get_strategy(cf.strategy if simplify is None else simplify)
    n = conn.n
    N = conn.distortion()
    gi = sp.Matrix(cf.eta).inv()
    nz = [(i, j) for i in range(n) for j in range(n) if gi[i, j] != 0]
    quad = sp.S.Zero
    for b, dd in nz:
        for a in range(n):
            for e in range(n):
                quad += gi[b, dd] * (N[a, e, a] * N[e, b, dd] - N[a, e, dd] * N[e, b, a])
    quad = f(quad)
    V = [
        f(sum((gi[b, dd] * N[c, b, dd] for b, dd in nz), sp.S.Zero)
          - sum((gi[c, b] * N[a, b, a] for a in range(n) for b in range(n) if gi[c, b] != 0),
                sp.S.Zero))
        for c in range(n)
    ]
    div = divergence(cf, V, simplify)
    return CurvatureSplit(quad, V, div, levi_civita(cf).ricci_scalar(), conn.ricci_scalar())

