r"""Symbolic surface formulas (``docs/conventions.md``, Surfaces) and their lowered kernel.

The geometry of a parametric surface ``X(u, v)`` at a point depends only on
its 2-jet: ``X_u, X_v, X_uu, X_uv, X_vv`` (15 numbers).  This module writes the
formulas once, in sympy, from those 15 inputs:

* first fundamental form ``g = [[E, F], [F, G]]`` with ``E = X_u.X_u``,
  ``F = X_u.X_v``, ``G = X_v.X_v`` and its derivatives, e.g.
  ``E_u = 2 X_uu.X_u``, ``F_v = X_uv.X_v + X_u.X_vv``;
* Christoffel symbols ``Gamma^k_ij`` from ``E, F, G`` and their derivatives
  (the six closed forms, with ``Delta = EG - F^2``);
* unit normal ``N = X_u x X_v / |X_u x X_v|`` and area element ``|X_u x X_v|``;
* second fundamental form ``b_ij = X_ij . N`` (``L, M, N``);
* ``K = (LN - M^2)/Delta``, ``H = (EN - 2FM + GL)/(2 Delta)``,
  ``R_1212 = LN - M^2`` (Gauss).

Sign convention: ``b_ij = X_ij . N`` with ``N`` the chart
normal.  A sphere with the outward normal has ``H = k1 = k2 = -1/a``.

:func:`surface_kernel` returns the kernel (built once per process, and cached
on disk by :func:`geomkit.lower`).  sympy is imported only when the kernel is
generated: a later process finds it by name and version
(:func:`geomkit.codegen.kernel.indexed`; the version is this file's digest)
without deriving the formulas again.
"""

import functools

__all__ = ["JET_INPUTS", "SURFACE_OUTPUTS", "surface_expressions", "surface_kernel"]

#: per-point input names, in order: X_u, X_v, X_uu, X_uv, X_vv (x, y, z each)
JET_INPUTS = tuple(
    f"{c}_{d}" for d in ("u", "v", "uu", "uv", "vv") for c in ("x", "y", "z")
)

#: output names of :func:`surface_kernel`
SURFACE_OUTPUTS = (
    "E", "F", "G",
    "E_u", "E_v", "F_u", "F_v", "G_u", "G_v",
    "Gamma1_11", "Gamma1_12", "Gamma1_22", "Gamma2_11", "Gamma2_12", "Gamma2_22",
    "L", "M", "N",
    "K", "H", "R1212",
    "nx", "ny", "nz", "dA",
)  # fmt: skip


def surface_expressions():
    """The formulas as ``(outputs, inputs)``: a dict name -> sympy expression and
    the tuple of 15 input symbols (named as :data:`JET_INPUTS`).

    >>> out, inp = surface_expressions()
    >>> out['E']
    x_u**2 + y_u**2 + z_u**2
    >>> len(inp), sorted(out) == sorted(SURFACE_OUTPUTS)
    (15, True)
    """
    import sympy as sp

    syms = sp.symbols(JET_INPUTS, real=True)
    Xu, Xv, Xuu, Xuv, Xvv = (sp.Matrix(syms[3 * k : 3 * k + 3]) for k in range(5))

    E, F, G = Xu.dot(Xu), Xu.dot(Xv), Xv.dot(Xv)
    E_u, E_v = 2 * Xuu.dot(Xu), 2 * Xuv.dot(Xu)
    F_u, F_v = Xuu.dot(Xv) + Xu.dot(Xuv), Xuv.dot(Xv) + Xu.dot(Xvv)
    G_u, G_v = 2 * Xuv.dot(Xv), 2 * Xvv.dot(Xv)
    D = E * G - F**2
    n = Xu.cross(Xv)
    dA = sp.sqrt(n.dot(n))
    Nv = n / dA
    L, M, N = Xuu.dot(Nv), Xuv.dot(Nv), Xvv.dot(Nv)
    out = {
        "E": E, "F": F, "G": G,
        "E_u": E_u, "E_v": E_v, "F_u": F_u, "F_v": F_v, "G_u": G_u, "G_v": G_v,
        # closed forms of docs/conventions.md, Surfaces (index 1 = u, 2 = v)
        "Gamma1_11": (G * E_u - 2 * F * F_u + F * E_v) / (2 * D),
        "Gamma2_11": (2 * E * F_u - E * E_v - F * E_u) / (2 * D),
        "Gamma1_12": (G * E_v - F * G_u) / (2 * D),
        "Gamma2_12": (E * G_u - F * E_v) / (2 * D),
        "Gamma1_22": (2 * G * F_v - G * G_u - F * G_v) / (2 * D),
        "Gamma2_22": (E * G_v - 2 * F * F_v + F * G_u) / (2 * D),
        "L": L, "M": M, "N": N,
        "K": (L * N - M**2) / D,
        "H": (E * N - 2 * F * M + G * L) / (2 * D),
        "R1212": L * N - M**2,
        "nx": Nv[0], "ny": Nv[1], "nz": Nv[2],
        "dA": dA,
    }  # fmt: skip
    return out, syms


@functools.cache
def surface_kernel():
    """The kernel of :func:`surface_expressions`, lowered by :func:`geomkit.lower`
    (generated once, then loaded from the on-disk cache).

    Call it with the 15 arrays named :data:`JET_INPUTS` (each (n,) float64);
    it returns a dict of (n,) float64 arrays named :data:`SURFACE_OUTPUTS`.

    >>> import numpy as np
    >>> k = surface_kernel()
    >>> # the graph z = (x^2 + y^2)/2 at the origin: K = H = 1
    >>> jet = dict.fromkeys(JET_INPUTS, np.zeros(1))
    >>> jet.update(x_u=np.ones(1), y_v=np.ones(1), z_uu=np.ones(1), z_vv=np.ones(1))
    >>> r = k(**jet)
    >>> float(r['K'][0]), float(r['H'][0])
    (1.0, 1.0)
    """
    from ..codegen.cache import file_digest
    from ..codegen.kernel import indexed

    version = file_digest(__file__)  # any edit of the formulas is a new version
    kernel = indexed("geomkit_surface_jet", version)
    if kernel is not None:
        return kernel
    from ..codegen import lower

    outputs, inputs = surface_expressions()
    return lower(outputs, inputs, name="geomkit_surface_jet", parallel=True, version=version)
