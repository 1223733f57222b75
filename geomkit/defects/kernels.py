r"""Numeric defect densities generated from the symbolic dictionaries.

The formulas are not written twice: each kernel is the symbolic layer's result
(:func:`geomkit.defects.mainstream`, :func:`geomkit.defects.general_teleparallel`,
:func:`geomkit.symbolic.connection.levi_civita`, :meth:`Connection.curvature`)
for a *generic* field -- every entry an undefined function of ``x, y, z`` --
lowered by :func:`geomkit.lower`, which turns the functions and their first
derivatives into per-point inputs (``E01``, ``E01_y`` ...).  The numeric layer
(:mod:`geomkit.defects.fields`) supplies those values from sampled data.

Kernels (:func:`kernel`, by name):

``'coframe'``
    inputs ``E{a}{m}`` :math:`=E^a{}_\mu` and ``E{a}{m}_{x,y,z}``
    :math:`=\partial_\nu E^a{}_\mu`; Weitzenbock connection (:math:`\omega=0`,
    :math:`\eta=\delta`).  Outputs ``nye_{a}{l}`` (the Nye tensor
    :math:`\alpha^{a\lambda}=\varepsilon^{\lambda\mu\nu}\partial_\mu E^a{}_\nu`, the
    coordinate dual of the torsion 2-form :math:`T^a=de^a`), ``trace_{m}`` (the
    torsion trace :math:`T=\iota_aT^a`, general teleparallel dislocation density,
    coordinate components), ``axial`` (:math:`A_{xyz}` of :math:`A=e_a\wedge T^a`)
    and ``det`` (:math:`\det E`).
``'levi_civita'``
    same inputs; outputs ``omega_{a}{b}_{m}`` (:math:`a<b`): the Levi-Civita
    connection 1-forms :math:`\mathring\omega^a{}_b` of the coframe's metric.
``'curvature'``
    inputs ``W{a}{b}{m}`` :math:`=\omega^a{}_{b\mu}` (:math:`a<b`, the rest by
    antisymmetry) and their derivatives; outputs ``frank_{c}{l}``: the Frank
    (disclination) density :math:`\theta^{c\lambda}=\tfrac12\varepsilon^{cab}\,
    \tfrac12\varepsilon^{\lambda\mu\nu}R_{ab\mu\nu}` of
    :math:`R^a{}_b=d\omega^a{}_b+\omega^a{}_c\wedge\omega^c{}_b`.
``'metric'``
    inputs ``g{a}{b}`` (:math:`a\le b`) and derivatives; coincident gauge
    (coframe :math:`dx^a`, frame metric :math:`\eta=g`, :math:`\omega=0`), so
    :math:`Q_{\mu\nu}=-dg_{\mu\nu}`.  Outputs ``weyl_{m}`` (point defects, the
    Weyl trace :math:`Q=g^{ab}Q_{ab}`), ``Lambda_{m}``, ``Lambda_W_{m}``
    (disclinations in the general teleparallel dictionary) and ``det``
    (:math:`\det g`).
``'torsion_pieces'``
    the coframe inputs; the irreducible pieces of the Weitzenbock torsion from
    :func:`geomkit.symbolic.decompose.torsion_pieces`, each a vector-valued
    2-form given by its coordinate dual as the Nye tensor is:
    ``T_tensor_{a}{l}`` (:math:`{}^{(1)}T^a`, trace-free and axial-free),
    ``T_vector_{a}{l}`` (:math:`{}^{(2)}T^a=\tfrac12e^a\wedge T`) and
    ``T_axial_{a}{l}`` (:math:`{}^{(3)}T^a=\tfrac13\iota^aA`); the three sum to
    ``nye_{a}{l}``.  A separate kernel: the 27 outputs are made only on request.
``'nonmetricity_pieces'``
    the metric inputs; the irreducible pieces of :math:`Q_{ab}=-dg_{ab}` from
    :func:`geomkit.symbolic.decompose.nonmetricity_pieces` (coincident gauge, so
    frame and coordinate indices agree), all 27 components ``[a][b][c]``
    :math:`={}^{(i)}Q_{ab}(\partial_c)` of ``Q_symmetric`` ((1), totally
    symmetric and trace-free), ``Q_remainder`` ((2)), ``Q_vector`` ((3), from
    :math:`\Lambda_W`) and ``Q_dilation`` ((4), :math:`\tfrac13g_{ab}Q`); they sum
    to :math:`Q_{ab}(\partial_c)`.  Also made only on request.

Indices are 0-based (``0, 1, 2`` = ``x, y, z``); components are those of the
Cartesian sampling chart.  sympy runs once per process per kernel; the lowered
source is cached on disk (``kernel(name).source``).
"""

import functools

import sympy as sp

from ..errors import GeomkitError

__all__ = ["KERNELS", "TORSION_PIECES", "NONMETRICITY_PIECES", "expressions", "kernel",
           "field_components", "PAIRS"]

#: names accepted by :func:`kernel`
KERNELS = ("coframe", "levi_civita", "curvature", "metric", "torsion_pieces",
           "nonmetricity_pieces")
#: irreducible pieces: output (density) names of the two pieces kernels, in the
#: order of :class:`~geomkit.symbolic.decompose.TorsionPieces` / ``NonmetricityPieces``
TORSION_PIECES = ("T_tensor", "T_vector", "T_axial")
NONMETRICITY_PIECES = ("Q_symmetric", "Q_remainder", "Q_vector", "Q_dilation")
#: index pairs a < b of antisymmetric (connection, curvature) components
PAIRS = ((0, 1), (0, 2), (1, 2))
_AXES = "xyz"
# simplification of the symbolic layer on generic functions: 'cancel' gives the
# compact formulas (T^a = de^a exactly) in ~3 s; for the metric it takes ~70 s, so
# there 'none' (same numbers; the lowering's CSE shares the repeated inverse)
_STRATEGY = {"coframe": "cancel", "levi_civita": "cancel", "curvature": "cancel",
             "metric": "none", "torsion_pieces": "none", "nonmetricity_pieces": "none"}
# (the pieces go through the frame components and back: 'none' builds them in
# ~0.1 s (torsion) and ~1 s (metric); 'cancel' would only shorten them)


def _chart():
    from ..symbolic.chart import Chart

    return Chart("x y z")


def field_components(name):
    """Function names of the sampled field of kernel ``name``, in the order of the
    last axis of the arrays :mod:`geomkit.defects.fields` passes (9 entries;
    symmetric metric entries repeat).

    >>> field_components('coframe')[:4]
    ('E00', 'E01', 'E02', 'E10')
    >>> field_components('metric')[3]
    'g01'
    """
    if name in ("coframe", "levi_civita", "torsion_pieces"):
        return tuple(f"E{a}{m}" for a in range(3) for m in range(3))
    if name in ("metric", "nonmetricity_pieces"):
        return tuple(f"g{min(a, b)}{max(a, b)}" for a in range(3) for b in range(3))
    if name == "curvature":
        return tuple(f"W{a}{b}{m}" for a, b in PAIRS for m in range(3))
    raise GeomkitError(f"unknown defect kernel {name!r}; choose one of {KERNELS}")


def _dual(form2):
    """Coordinate dual ``(A_yz, A_zx, A_xy)`` of a 2-form on the x, y, z chart."""
    return (form2[1, 2], form2[2, 0], form2[0, 1])


def expressions(name):
    """``(outputs, coordinates)`` of kernel ``name``: a dict name -> sympy expression
    in undefined functions of ``x, y, z`` (see the module doc).

    >>> out, X = expressions('coframe')
    >>> out['nye_22']
    -Derivative(E20(x, y, z), y) + Derivative(E21(x, y, z), x)
    """
    from .. import defects
    from ..symbolic.connection import Connection, levi_civita
    from ..symbolic.decompose import nonmetricity_pieces, torsion_pieces, vector_forms
    from ..symbolic.forms import Form
    from ..symbolic.frames import Coframe
    from ..symbolic.metric import Metric
    from ..symbolic.teleparallel import coincident_gauge, weitzenbock

    c = _chart()
    X = c.coords

    def fn(s):
        return sp.Function(s)(*X)

    comps = field_components(name)
    out = {}
    if name in ("coframe", "levi_civita", "torsion_pieces"):
        E = sp.Matrix(3, 3, lambda a, m: fn(comps[3 * a + m]))
        cf = Coframe.from_matrix(c, E, simplify=_STRATEGY[name])
        if name == "torsion_pieces":
            tp = torsion_pieces(weitzenbock(cf), simplify=_STRATEGY[name])
            for key, arr in zip(TORSION_PIECES, tp[:3]):
                for a, form in enumerate(vector_forms(arr, cf, 2)):  # T^a: frame -> coords
                    for lam, v in enumerate(_dual(form)):
                        out[f"{key}_{a}{lam}"] = v
            return out, X
        if name == "levi_civita":
            om = levi_civita(cf).omega()
            for a, b in PAIRS:
                for m in range(3):
                    out[f"omega_{a}{b}_{m}"] = om[a][b][m]
            return out, X
        conn = weitzenbock(cf)
        ms = defects.mainstream(conn)
        gt = defects.general_teleparallel(conn, check_flat=False)  # omega = 0: flat
        for a in range(3):
            for lam, v in enumerate(_dual(ms.dislocation[a])):
                out[f"nye_{a}{lam}"] = v
        for m in range(3):
            out[f"trace_{m}"] = gt.dislocation[m]
        out["axial"] = ms.axial[0, 1, 2]
        out["det"] = E.det(method="berkowitz")
        return out, X
    if name == "curvature":
        W = [[0] * 3 for _ in range(3)]
        for p, (a, b) in enumerate(PAIRS):
            w = Form(c, 1, {(m,): fn(comps[3 * p + m]) for m in range(3)})
            W[a][b], W[b][a] = w, -w
        R = Connection(Coframe(c.dx, simplify=_STRATEGY[name]), W).curvature()
        for cc, (a, b) in enumerate(((1, 2), (2, 0), (0, 1))):
            for lam, v in enumerate(_dual(R[a][b])):
                out[f"frank_{cc}{lam}"] = v
        return out, X
    if name in ("metric", "nonmetricity_pieces"):
        g = sp.Matrix(3, 3, lambda a, b: fn(comps[3 * a + b]))
        conn = coincident_gauge(Metric(c, g, sign=1), simplify=_STRATEGY[name])
        if name == "nonmetricity_pieces":  # coframe dx^a: frame components are coordinate ones
            qp = nonmetricity_pieces(conn, simplify=_STRATEGY[name])
            for key, arr in zip(NONMETRICITY_PIECES, qp[:4]):
                for a in range(3):
                    for b in range(3):
                        for m in range(3):
                            out[f"{key}_{a}{b}{m}"] = arr[a, b, m]
            return out, X
        gt = defects.general_teleparallel(conn, check_flat=False)
        gw = defects.general_teleparallel(conn, disclination_trace="Lambda_W",
                                          check_flat=False)
        for key, form in (("weyl", gt.point), ("Lambda", gt.disclination),
                          ("Lambda_W", gw.disclination)):
            for m in range(3):  # consecutive components: the numeric layer takes views
                out[f"{key}_{m}"] = form[m]
        out["det"] = g.det(method="berkowitz")
        return out, X
    raise GeomkitError(f"unknown defect kernel {name!r}; choose one of {KERNELS}")


@functools.cache
def kernel(name):
    """The lowered :class:`~geomkit.codegen.Kernel` of :func:`expressions` ``(name)``
    (built once per process; source and machine code cached on disk).

    Its inputs are the field components and their derivatives (``E01``,
    ``E01_y``), its outputs those of the module doc, each (n,) float64.
    """
    from ..codegen import lower
    from ..codegen.kernel import indexed

    version = _version()
    found = indexed(f"geomkit_defects_{name}", version)  # a cached kernel: no sympy at all
    if found is not None:
        return found
    out, X = expressions(name)
    return lower(out, X, name=f"geomkit_defects_{name}", parallel=True, version=version)


@functools.cache
def _version():
    """Digest of the sources the kernels' formulas come from: editing any of them
    is a new version (the code generator's own digest is added by ``lower``)."""
    import os

    from ..codegen.cache import file_digest

    here = os.path.dirname(os.path.abspath(__file__))
    sym = os.path.join(os.path.dirname(here), "symbolic")
    files = [__file__, os.path.join(here, "__init__.py")] + [
        os.path.join(sym, f) for f in sorted(os.listdir(sym)) if f.endswith(".py")]
    return file_digest(*files)


def input_layout(k, name):
    """``[(component, axis)]`` for each input of kernel ``k``: the index into
    :func:`field_components` and the derivative axis (-1: the value itself)."""
    comps = field_components(name)
    first = {}
    for i, s in enumerate(comps):
        first.setdefault(s, i)
    lay = []
    for inp in k.inputs:
        base, _, d = inp.partition("_")
        if base not in first or (d and d not in _AXES):
            raise GeomkitError(f"kernel {name!r} reads an unexpected input {inp!r}")
        lay.append((first[base], _AXES.index(d) if d else -1))
    return lay
