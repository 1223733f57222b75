r"""Defect densities of sampled fields: grids, meshes and point clouds.

The symbolic dictionaries of :mod:`geomkit.defects` evaluated on *data*: an
elastic distortion, a coframe, a frame, a displacement or a metric sampled at
points.  The kernels are generated from the symbolic definitions
(:mod:`geomkit.defects.kernels`); this module supplies values and first
derivatives and integrates the densities.

Fields and conventions (Cartesian sampling coordinates :math:`x^\mu`, frame
index :math:`a`; tensors per point are ``(3, 3)`` arrays, or 9 components
row-major, or ``(2, 2)`` for plane fields):

* ``'coframe'``: the Eulerian lattice coframe :math:`e^a=E^a{}_\mu dx^\mu`,
  ``E[..., a, mu]``;
* ``'beta'``: elastic distortion, :math:`E^a{}_\mu=\delta^a_\mu+\beta^a{}_\mu`,
  ``beta[..., a, mu]``;
* ``'frame'``: the inverse, :math:`e_a=E_a{}^\mu\partial_\mu`, ``F[..., a, mu]``;
* ``'displacement'``: :math:`u^a` with :math:`e^a=d(x^a+u^a)`, so
  :math:`\beta=\nabla u`, ``u[..., a]``;
* ``'metric'``: :math:`g_{\mu\nu}` (symmetric positive definite), ``g[..., mu, nu]``.

So a compatible (defect-free) field is :math:`\beta=\nabla u`, i.e.
:math:`e^a=dX^a` for the map :math:`X=x+u` to the reference lattice, and the
Burgers vector of a loop is :math:`b^a=\oint e^a=\oint\beta^a{}_\mu dx^\mu`.  For
the Lagrangian description, resample onto the Eulerian points first; a
deformation gradient :math:`F^\mu{}_a=\partial x^\mu/\partial X^a` sampled there is
the frame, ``kind='frame'`` with the array ``F.swapaxes(-1, -2)``.

Densities (``densities(...)`` keys; components in the sampling chart):

* ``'nye'`` ``[a, lam]``: Nye tensor :math:`\alpha^{a\lambda}=\varepsilon^{\lambda\mu\nu}
  \partial_\mu E^a{}_\nu` (dual of the torsion :math:`T^a=de^a`, Weitzenbock
  gauge): mainstream dislocation density, :math:`b^a=\int_\Sigma\alpha^{a\lambda}n_\lambda dA`;
* ``'trace'`` ``[mu]``: torsion trace :math:`T=\iota_aT^a` (general teleparallel
  dislocation density); ``'axial'``: :math:`A_{xyz}` of :math:`A=e_a\wedge T^a`;
  ``'det'``: :math:`\det E` (or :math:`\det g`);
* ``'rotation'`` ``[c, mu]``: Levi-Civita connection as a rotation vector,
  :math:`\kappa_{c\mu}=\tfrac12\varepsilon_{cab}\mathring\omega^{ab}{}_\mu`
  (``rotation[2] = omega^{12}`` in 1-based indices);
* ``'frank'`` ``[c, lam]``: Frank (disclination) density
  :math:`\theta^{c\lambda}=\tfrac12\varepsilon^{cab}(\star\mathring R_{ab})^\lambda`
  (mainstream dictionary, curvature of the Levi-Civita connection), from a
  second differencing pass over ``rotation``;
* on request, the irreducible torsion pieces ``'T_tensor'``, ``'T_vector'``,
  ``'T_axial'`` ``[a, lam]``: :math:`{}^{(1)}T^a` (trace- and axial-free),
  :math:`{}^{(2)}T^a=\tfrac12e^a\wedge T`, :math:`{}^{(3)}T^a=\tfrac13\iota^aA`
  (:func:`geomkit.symbolic.decompose.torsion_pieces`), each dualised like
  ``'nye'``, so that they sum to it;
* metric fields: ``'weyl'`` (point defects, :math:`Q=g^{ab}Q_{ab}` with
  :math:`Q_{\mu\nu}=-dg_{\mu\nu}`), ``'Lambda'``, ``'Lambda_W'`` (disclinations
  of the general teleparallel dictionary), ``'det'``, and on request
  ``'nonmetricity'`` ``[a, b, c]`` :math:`=Q_{ab}(\partial_c)=-\partial_cg_{ab}` and
  its irreducible pieces ``'Q_symmetric'``, ``'Q_remainder'``, ``'Q_vector'``,
  ``'Q_dilation'`` (:math:`{}^{(1)}Q\dots{}^{(4)}Q` of
  :func:`geomkit.symbolic.decompose.nonmetricity_pieces`, same layout), which sum
  to it.

For a coframe in the Weitzenbock gauge the non-metricity vanishes; point-defect
and second-trace densities come from metric data.

>>> import numpy as np
>>> from geomkit.defects import fields
>>> x = np.linspace(-1, 1, 21)
>>> g = fields.Grid(x, x)                       # a 2-D grid: (21, 21, 1)
>>> X, Y, _ = g.mesh()
>>> beta = np.zeros(g.shape + (3, 3))
>>> beta[..., 2, 1] = 0.1 * X                   # e^3 = dz + 0.1 x dy: uniform screw density
>>> d = fields.densities(beta, g, kind='beta')
>>> round(float(d['nye'][10, 10, 0, 2, 2]), 12), round(float(np.abs(d['trace']).max()), 12)
(0.1, 0.0)
>>> b = fields.burgers_vector(beta, g, kind='beta', box=((0, 20), (0, 20)))
>>> (np.round(b['loop'], 12) + 0).tolist(), (np.round(b['surface'], 12) + 0).tolist()
([0.0, 0.0, 0.4], [0.0, 0.0, 0.4])
"""

import numpy as np

from ..errors import MeshError

__all__ = [
    "KINDS",
    "DENSITIES",
    "Grid",
    "coframe_of",
    "densities",
    "cloud_densities",
    "cloud_gradient",
    "burgers_vector",
    "frank_vector",
    "loop_integral",
    "surface_integral",
]

#: accepted field kinds
KINDS = ("coframe", "beta", "frame", "displacement", "metric")
#: density names per route, with their per-point shapes
DENSITIES = {
    "coframe": {"nye": (3, 3), "trace": (3,), "axial": (), "det": (), "rotation": (3, 3),
                "frank": (3, 3), "T_tensor": (3, 3), "T_vector": (3, 3), "T_axial": (3, 3)},
    "metric": {"weyl": (3,), "Lambda": (3,), "Lambda_W": (3,), "det": (),
               "nonmetricity": (3, 3, 3), "Q_symmetric": (3, 3, 3), "Q_remainder": (3, 3, 3),
               "Q_vector": (3, 3, 3), "Q_dilation": (3, 3, 3)},
}
# the irreducible pieces: a kernel of their own, run only when one of them is asked for
_PIECES = {"coframe": ("torsion_pieces", ("T_tensor", "T_vector", "T_axial")),
           "metric": ("nonmetricity_pieces",
                      ("Q_symmetric", "Q_remainder", "Q_vector", "Q_dilation"))}
_DEFAULT = {"coframe": ("nye", "trace", "axial", "det"),
            "metric": ("weyl", "Lambda", "Lambda_W", "det")}
_AX = "xyz"
# relative threshold of det E (det g) below which a point counts as singular
SINGULAR = 1e-12


class Grid:
    """A rectilinear grid: coordinates ``x, y[, z]`` (1-D, increasing) and the
    periodic axes.  An axis of one point is one along which fields are constant
    (a 2-D grid is ``(nx, ny, 1)``).

    >>> Grid([0, 1, 2], [0, 1, 2]).shape
    (3, 3, 1)
    """

    def __init__(self, x, y, z=None, periodic=(False, False, False)):
        self.coords = tuple(np.atleast_1d(np.asarray(c, dtype=np.float64))
                            for c in (x, y, [0.0] if z is None else z))
        for a, c in zip(_AX, self.coords):
            if c.ndim != 1 or not np.all(np.isfinite(c)):
                raise MeshError(f"grid coordinate {a} must be a finite 1-D array")
        p = tuple(bool(v) for v in periodic)
        self.periodic = p + (False,) * (3 - len(p))
        self._tables = None

    @classmethod
    def uniform(cls, shape, spacing=1.0, origin=0.0, periodic=(False, False, False)):
        """Grid of ``shape`` (2 or 3 ints) with constant ``spacing`` from ``origin``."""
        shape = tuple(shape) + (1,) * (3 - len(shape))
        sp_ = np.broadcast_to(np.asarray(spacing, dtype=float), (3,))
        o = np.broadcast_to(np.asarray(origin, dtype=float), (3,))
        return cls(*(o[k] + sp_[k] * np.arange(shape[k]) for k in range(3)), periodic=periodic)

    @property
    def shape(self):
        return tuple(len(c) for c in self.coords)

    def mesh(self):
        """Coordinate arrays ``X, Y, Z`` of shape :attr:`shape`."""
        return np.meshgrid(*self.coords, indexing="ij")

    def points(self):
        """``(n, 3)`` point coordinates, C order (``z`` fastest)."""
        return np.stack([a.reshape(-1) for a in self.mesh()], axis=1)

    def tables(self):
        from .grid import axis_stencil

        if self._tables is None:
            self._tables = tuple(axis_stencil(c, p) for c, p in zip(self.coords, self.periodic))
        return self._tables

    def label(self, flat):
        """``'grid point (i, j, k) = ... at (x, y, z) = ...'`` of a flat index."""
        ijk = np.unravel_index(int(flat), self.shape)
        xyz = tuple(float(c[i]) for c, i in zip(self.coords, ijk))
        return (f"grid point (i, j, k) = {tuple(int(i) for i in ijk)} at (x, y, z) = "
                f"({', '.join(f'{v:.6g}' for v in xyz)})")


# -- input fields --------------------------------------------------------------------
def _per_point(arr, lead, kind, where):
    """Reshape ``arr`` with leading shape ``lead`` to ``lead + (3, 3)`` (or ``(3,)``)."""
    arr = np.asarray(arr)
    if arr.dtype.kind not in "biuf":
        raise MeshError(f"{where}{kind} must be a real array, got dtype {arr.dtype}")
    nl = len(lead)
    if arr.shape[:nl] != tuple(lead):
        raise MeshError(f"{where}{kind} has shape {arr.shape}; expected {tuple(lead)} points "
                        "followed by the tensor components")
    t = arr.shape[nl:]
    if kind == "displacement":
        if t == (2,):  # in-plane displacement
            return np.concatenate([arr, np.zeros(lead + (1,))], axis=-1).astype(np.float64)
        if t != (3,):
            raise MeshError(f"{where}a displacement has 2 or 3 components per point, got "
                            f"shape {t}")
        return np.asarray(arr, dtype=np.float64)
    if t == (9,):
        return np.asarray(arr, dtype=np.float64).reshape(lead + (3, 3))
    if t == (3, 3):
        return np.asarray(arr, dtype=np.float64)
    if t in ((2, 2), (4,)):  # a plane field: e^3 = dz
        out = np.zeros(lead + (3, 3))
        out[..., :2, :2] = arr.reshape(lead + (2, 2))
        out[..., 2, 2] = 0.0 if kind == "beta" else 1.0
        return out
    raise MeshError(f"{where}{kind} has {t} components per point; expected a 3x3 tensor "
                    "(shape (3, 3) or (9,)) or a 2x2 one (plane field)")


def _label(grid, points):
    if grid is not None:
        return grid.label
    return lambda p: (f"point {int(p)} at (x, y, z) = "
                      f"({', '.join(f'{v:.6g}' for v in points[int(p)])})")


def _check_finite(arr, kind, label, where):
    from .grid import first_nonfinite

    p = first_nonfinite(arr)
    if p >= 0:
        per = int(np.prod(arr.shape[arr.ndim - (1 if kind == "displacement" else 2):]))
        v = arr.reshape(-1)[p]
        raise MeshError(f"{where}{kind} is {'NaN' if np.isnan(v) else v} at {label(p // per)}")


def _singular(O, q, kind, label, where, what="det E"):
    """Error at the first point where the determinant ``O[..., q]`` is (near) zero,
    or not positive for a metric."""
    from .grid import below

    metric = kind == "metric"
    p, count = below(O, q, SINGULAR, signed=metric)
    if p >= 0:
        extra = " (a metric must be positive definite)" if metric else ""
        v = O.reshape(-1, O.shape[-1])[p, q]
        raise MeshError(f"{where}{kind} is singular at {label(p)}: {what} = {v:.3g}{extra}; "
                        f"{count} such points")


def coframe_of(field, kind, grid=None, points=None, where=""):
    """The coframe ``E[..., a, mu]`` of a sampled field (see the module doc for
    ``kind``); a displacement is differenced on ``grid`` (4th order) or fitted on
    ``points``.  Raises :class:`~geomkit.MeshError` naming the first NaN or
    singular point."""
    lead = grid.shape if grid is not None else (len(points),)
    label = _label(grid, points)
    arr = _per_point(field, lead, kind, where)
    _check_finite(arr, kind, label, where)
    if kind == "coframe":
        return arr
    if kind == "beta":
        return arr + np.eye(3)
    if kind == "displacement":
        if grid is not None:
            from .grid import gradient

            D = gradient(arr, grid.tables())  # (..., a, mu)
        else:
            D = cloud_gradient(points, arr.reshape(len(points), 3))
        D += np.eye(3)
        return D
    if kind == "frame":
        det = np.linalg.det(arr)
        _singular(det[..., None], 0, kind, label, where, "det F")
        return np.swapaxes(np.linalg.inv(arr), -1, -2)
    raise MeshError(f"{where}unknown field kind {kind!r}; choose one of {KINDS}")


# -- densities -----------------------------------------------------------------------
def _names(names, route):
    allowed = DENSITIES[route]
    names = _DEFAULT[route] if names is None else tuple(names)
    bad = [n for n in names if n not in allowed]
    if bad:
        raise MeshError(f"unknown densities {bad} for a {route} field; known: {sorted(allowed)}")
    return names


def _split(O, k, shape):
    """Named views (no copies) of the output block ``O[..., q]`` of kernel ``k``."""
    lead = O.shape[:-1]
    pos = {n: q for q, n in enumerate(k.outputs)}
    out = {}
    for name, sh in shape.items():
        if sh == ():
            out[name] = O[..., pos[name]]
            continue
        first = pos[f"{name}_{'0' * len(sh)}"]  # components are consecutive, row-major
        size = int(np.prod(sh))
        assert k.outputs[first + size - 1] == f"{name}_{''.join(str(d - 1) for d in sh)}"
        out[name] = O[..., first:first + size].reshape(lead + sh)
    return out


def _rotation_from(O, k):
    """``kappa[..., c, mu]`` from the Levi-Civita outputs ``omega_ab_mu``."""
    pos = {n: q for q, n in enumerate(k.outputs)}
    kap = np.empty(O.shape[:-1] + (3, 3))
    for c, (a, b, s) in enumerate(((1, 2, 1.0), (0, 2, -1.0), (0, 1, 1.0))):
        for m in range(3):
            kap[..., c, m] = s * O[..., pos[f"omega_{a}{b}_{m}"]]
    return kap


def _as_W(kap):
    """Curvature-kernel field ``W[..., 3 p + mu]`` (pairs 01, 02, 12) from ``kappa``."""
    W = np.empty(kap.shape[:-2] + (9,))
    W[..., 0:3] = kap[..., 2, :]
    W[..., 3:6] = -kap[..., 1, :]
    W[..., 6:9] = kap[..., 0, :]
    return W


def densities(field, grid, kind="beta", names=None, where=""):
    """Defect densities of a field sampled on a :class:`Grid`.

    Parameters
    ----------
    field : array ``grid.shape + (3, 3)`` (or ``(9,)``, ``(2, 2)``; ``(3,)`` for a displacement)
    grid : Grid
    kind : one of :data:`KINDS`
    names : densities to compute (default: ``nye, trace, axial, det`` for coframe
        kinds, ``weyl, Lambda, Lambda_W, det`` for a metric); see the module doc.
        The irreducible pieces (``T_*``, ``Q_*``) take a pass of their own.

    Returns a dict name -> array of shape ``grid.shape + per-point shape``.
    Derivatives are 4th-order differences (one-sided at open ends); the kernels
    are fused with the differencing, so memory is the input plus the outputs.
    """
    from . import kernels as K
    from .grid import apply

    label = grid.label
    route = "metric" if kind == "metric" else "coframe"
    names = _names(names, route)
    if route == "metric":
        g = _per_point(field, grid.shape, kind, where)
        _check_finite(g, kind, label, where)
        if not np.allclose(g, np.swapaxes(g, -1, -2), rtol=1e-10, atol=1e-12):
            bad = np.abs(g - np.swapaxes(g, -1, -2)).reshape(-1, 9).max(axis=1)
            raise MeshError(f"{where}the metric is not symmetric at "
                            f"{label(int(np.argmax(bad)))}")
        k = K.kernel("metric")
        O = apply(k, K.input_layout(k, "metric"), g.reshape(grid.shape + (9,)), grid.tables())
        _singular(O, k.outputs.index("det"), kind, label, where, "det g")
        res = _split(O, k, {n: DENSITIES["metric"][n] for n in
                                ("weyl", "Lambda", "Lambda_W", "det")})
        res.update(_grid_pieces("metric", names, g.reshape(grid.shape + (9,)), grid))
        if "nonmetricity" in names:  # Q_ab = -D eta_ab = -dg_ab (omega = 0)
            from .grid import gradient

            Q = gradient(g.reshape(grid.shape + (9,)), grid.tables())
            Q *= -1.0
            res["nonmetricity"] = Q.reshape(grid.shape + (3, 3, 3))
        return {n: res[n] for n in names}
    shift = None
    if kind == "beta":  # E = 1 + beta, added inside the fused loop (no copy of beta)
        E = _per_point(field, grid.shape, kind, where)
        _check_finite(E, kind, label, where)
        shift = np.eye(3).reshape(9)
    else:
        E = coframe_of(field, kind, grid=grid, where=where)
    k = K.kernel("coframe")
    tables = grid.tables()
    F = E.reshape(grid.shape + (9,))
    # always: det E finds singular points (the cost of one fused pass)
    O = apply(k, K.input_layout(k, "coframe"), F, tables, shift)
    _singular(O, k.outputs.index("det"), kind, label, where)
    out = _split(O, k, {"nye": (3, 3), "trace": (3,), "axial": (), "det": ()})
    out.update(_grid_pieces("coframe", names, F, grid, shift))
    if {"rotation", "frank"} & set(names):
        kl = K.kernel("levi_civita")
        kap = _rotation_from(apply(kl, K.input_layout(kl, "levi_civita"), F, tables, shift), kl)
        if "rotation" in names:
            out["rotation"] = kap
        if "frank" in names:
            kc = K.kernel("curvature")
            Oc = apply(kc, K.input_layout(kc, "curvature"), _as_W(kap), tables)
            out["frank"] = _split(Oc, kc, {"frank": (3, 3)})["frank"]
    return {n: out[n] for n in names}


def _grid_pieces(route, names, F, grid, shift=None):
    """The irreducible pieces among ``names`` (their own fused pass), else ``{}``."""
    from . import kernels as K
    from .grid import apply

    kname, pieces = _PIECES[route]
    if not set(pieces) & set(names):
        return {}
    k = K.kernel(kname)
    O = apply(k, K.input_layout(k, kname), F, grid.tables(), shift)
    return _split(O, k, {n: DENSITIES[route][n] for n in pieces if n in names})


# -- point clouds and unstructured meshes ---------------------------------------------
def cloud_gradient(points, values, neighbours=None):
    r"""Gradients of point values by local weighted least squares.

    At each point a quadratic polynomial in the offsets to its ``neighbours``
    nearest points (default: 20 in 3-D, 10 for points in a plane) is fitted with
    weights :math:`w=\exp(-d^2/h^2)` (``h``: the median neighbour distance), and
    its linear part is the gradient (error :math:`O(h^2)`).

    ``points: (n, 3)``, ``values: (n, ...)``; returns ``(n, ..., 3)``.
    Directions in which all points lie flat (a plane, a line) get zero derivatives.
    Needs scipy (its KD-tree).
    """
    try:
        from scipy.spatial import cKDTree
    except ImportError:  # pragma: no cover - scipy comes with the test and mesh extras
        raise MeshError("unstructured fields need scipy: pip install scipy") from None
    P = np.asarray(points, dtype=np.float64)
    V = np.asarray(values, dtype=np.float64)
    n = len(P)
    span = np.ptp(P, axis=0)
    live = np.flatnonzero(span > 1e-12 * max(span.max(), 1e-300))
    dim = len(live)
    if dim == 0:
        raise MeshError("the points coincide: no derivatives")
    nb = neighbours or {1: 5, 2: 12, 3: 24}[dim]
    nb = min(nb, n)
    nterms = 1 + dim + dim * (dim + 1) // 2
    if nb < nterms:
        raise MeshError(f"a least-squares fit in {dim}-D needs at least {nterms} points, "
                        f"got {n}")
    Q = P[:, live]
    dist, idx = cKDTree(Q).query(Q, nb)
    h = np.median(dist[:, 1:], axis=1)[:, None]
    dQ = Q[idx] - Q[:, None, :]  # (n, nb, dim)
    cols = [np.ones(dQ.shape[:2])] + [dQ[..., i] for i in range(dim)]
    cols += [dQ[..., i] * dQ[..., j] for i in range(dim) for j in range(i, dim)]
    A = np.stack(cols, axis=-1) * np.sqrt(np.exp(-(dist / h) ** 2))[..., None]
    pinv = np.linalg.pinv(A)[:, 1:1 + dim, :] * np.sqrt(np.exp(-(dist / h) ** 2))[:, None, :]
    flat = V.reshape(n, -1)
    G = np.einsum("nds,nsc->ncd", pinv, flat[idx])
    out = np.zeros((n, flat.shape[1], 3))
    out[..., live] = G
    return out.reshape(V.shape + (3,))


def cloud_densities(field, points, kind="beta", names=None, where=""):
    """:func:`densities` for fields on an unstructured mesh or point cloud
    ``points: (n, 3)``; derivatives by :func:`cloud_gradient` (2nd order).  The
    ``frank`` density is not offered here (it needs a second fit)."""
    from . import kernels as K

    P = np.asarray(points, dtype=np.float64)
    label = _label(None, P)
    route = "metric" if kind == "metric" else "coframe"
    names = _names(names, route)
    if "frank" in names:
        raise MeshError("the Frank density needs a grid; use 'rotation' on point clouds")
    if route == "metric":
        E = _per_point(field, (len(P),), kind, where)
        _check_finite(E, kind, label, where)
        kname = "metric"
    else:
        E = coframe_of(field, kind, points=P, where=where)
        kname = "coframe"
    F = E.reshape(len(P), 9)
    D = cloud_gradient(P, F)
    k = K.kernel(kname)
    r = k(**_inputs(k, kname, F, D))
    O = np.stack([r[o] for o in k.outputs], axis=-1)
    _singular(O, k.outputs.index("det"), kind, label, where,
              "det g" if kname == "metric" else "det E")
    kp, pieces = _PIECES[route]
    shapes = {n: DENSITIES[route][n] for n in DENSITIES[route]
              if n not in ("rotation", "frank", "nonmetricity") + pieces}
    out = _split(O, k, shapes)
    if set(pieces) & set(names):
        k2 = K.kernel(kp)
        r = k2(**_inputs(k2, kp, F, D))
        out.update(_split(np.stack([r[o] for o in k2.outputs], axis=-1), k2,
                          {n: DENSITIES[route][n] for n in pieces if n in names}))
    if "nonmetricity" in names:
        out["nonmetricity"] = -D.reshape(len(P), 3, 3, 3)
    if "rotation" in names:
        kl = K.kernel("levi_civita")
        rl = kl(**_inputs(kl, "levi_civita", F, D))
        out["rotation"] = _rotation_from(np.stack([rl[o] for o in kl.outputs], -1), kl)
    return {n: out[n] for n in names}


def _inputs(k, name, F, D):
    from . import kernels as K

    return {inp: (F[:, c] if d < 0 else D[:, c, d])
            for inp, (c, d) in zip(k.inputs, K.input_layout(k, name))}


# -- integrals -----------------------------------------------------------------------
def _plane(normal):
    n = "xyz".index(normal) if isinstance(normal, str) else int(normal)
    return n, (n + 1) % 3, (n + 2) % 3  # (u, v, normal) right-handed


def _box(grid, box, normal, at):
    n, u, v = _plane(normal)
    (u0, u1), (v0, v1) = box
    for a, (lo, hi) in zip((u, v), box):
        if not (0 <= lo < hi < grid.shape[a]):
            raise MeshError(f"box indices {lo}..{hi} outside axis {_AX[a]} of {grid.shape[a]} "
                            "points (need lo < hi)")
    k = at if at is not None else grid.shape[n] // 2
    return n, u, v, u0, u1, v0, v1, k


def _take(A, n, u, v, k):
    """``A[...]`` on the plane ``axis n = k``, axes ordered (u, v)."""
    S = np.take(A, k, axis=n)
    # remaining grid axes in increasing order; put u first
    rest = [a for a in range(3) if a != n]
    return S if rest == [u, v] else np.swapaxes(S, 0, 1)


def loop_integral(form, grid, box, normal=2, at=None):
    r""":math:`\oint A_\mu dx^\mu` of a sampled 1-form ``form[..., mu]`` (leading axes
    the grid, any components before ``mu``) around the rectangle of grid lines
    ``box = ((u0, u1), (v0, v1))`` (indices) in the plane ``normal = k``
    (``k = at``, default the middle), counter-clockwise about the normal
    (``u, v, normal`` right-handed: ``normal=2`` means ``u = x``, ``v = y``).
    4th-order quadrature along the sides (:func:`geomkit.defects.grid.quad_weights`)."""
    from .grid import quad_weights

    n, u, v, u0, u1, v0, v1, k = _box(grid, box, normal, at)
    S = _take(np.asarray(form), n, u, v, k)  # (nu, nv, ..., 3)
    cu, cv = grid.coords[u], grid.coords[v]
    wu, wv = quad_weights(cu[u0:u1 + 1]), quad_weights(cv[v0:v1 + 1])

    def side(vals, w):
        return np.tensordot(w, vals, axes=(0, 0))

    tot = side(S[u0:u1 + 1, v0, ..., u], wu)        # bottom, +u
    tot = tot + side(S[u1, v0:v1 + 1, ..., v], wv)  # right, +v
    tot = tot - side(S[u0:u1 + 1, v1, ..., u], wu)  # top, -u
    tot = tot - side(S[u0, v0:v1 + 1, ..., v], wv)  # left, -v
    return tot


def surface_integral(density, grid, box, normal=2, at=None):
    r""":math:`\int\rho^\lambda n_\lambda\,dA` of a sampled vector density
    ``density[..., lam]`` over the rectangle ``box`` of :func:`loop_integral`
    (unit normal along axis ``normal``)."""
    from .grid import quad_weights

    n, u, v, u0, u1, v0, v1, k = _box(grid, box, normal, at)
    S = _take(np.asarray(density), n, u, v, k)[u0:u1 + 1, v0:v1 + 1, ..., n]
    wu = quad_weights(grid.coords[u][u0:u1 + 1])
    wv = quad_weights(grid.coords[v][v0:v1 + 1])
    return np.tensordot(wv, np.tensordot(wu, S, axes=(0, 0)), axes=(0, 0))


def burgers_vector(field, grid, kind="beta", box=None, normal=2, at=None, dens=None):
    r"""Burgers vector through a rectangle of grid lines, two ways:
    ``{'loop': b, 'surface': b}`` with :math:`b^a=\oint e^a` (loop of the coframe)
    and :math:`b^a=\int\alpha^{a\lambda}n_\lambda dA` (flux of the Nye tensor);
    they agree up to discretisation error (Stokes).  ``box`` defaults to the
    whole plane; ``dens``: densities already computed (with ``'nye'``)."""
    E = coframe_of(field, kind, grid=grid)
    if box is None:
        _, u, v = _plane(normal)
        box = ((0, grid.shape[u] - 1), (0, grid.shape[v] - 1))
    if dens is None or "nye" not in dens:
        dens = densities(E, grid, "coframe", names=("nye",))
    return {"loop": loop_integral(E, grid, box, normal, at),
            "surface": surface_integral(dens["nye"], grid, box, normal, at)}


def frank_vector(field, grid, kind="beta", box=None, normal=2, at=None, dens=None):
    r"""Frank vector through a rectangle of grid lines, two ways:
    ``{'loop': Omega, 'surface': Omega}`` with :math:`\Omega_c=\oint\kappa_{c\mu}dx^\mu`
    (loop of the Levi-Civita connection, exact for rotations about one axis) and
    :math:`\Omega_c=\int\theta^{c\lambda}n_\lambda dA` (flux of the Frank density)."""
    if box is None:
        _, u, v = _plane(normal)
        box = ((0, grid.shape[u] - 1), (0, grid.shape[v] - 1))
    if dens is None or not {"rotation", "frank"} <= set(dens):
        dens = densities(field, grid, kind, names=("rotation", "frank"))
    return {"loop": loop_integral(dens["rotation"], grid, box, normal, at),
            "surface": surface_integral(dens["frank"], grid, box, normal, at)}
