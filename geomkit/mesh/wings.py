r"""Wing families as exact parametric surfaces: geometry, grids, files, samplers.

A wing is ``X(sigma, t)`` with the section parameter ``sigma`` in [-1, 1] and
the span parameter ``t`` in [0, 1].  The section is wrapped as

    ``x(sigma) = sigma^2``,   ``z(sigma) = z_c(sigma^2) + z_t(sigma) + z_te(sigma)``

``sigma`` running from 1 (trailing edge, lower side) through 0 (leading edge)
to -1 (trailing edge, upper side), so ``sqrt(x) = |sigma|`` and every piece is
a polynomial in ``sigma``:

* thickness ``z_t = -5 tau sigma (a0 + a1 sigma^2 + ... + a4 sigma^8)``, the
  NACA 4-digit distribution refitted with a sharp trailing edge
  (``sum a = 0``; within 0.002 * 5 tau of the NACA 00xx ordinates; smooth
  through the nose);
* camber ``z_c`` (added vertically, the usual simplified construction): NACA
  4-digit (max camber ``m`` at ``p``: two quadratics in ``x``) or 5-digit
  (non-reflexed ``L P 0``: a cubic then a line, ``P`` in 1..5);
* or, for ``section='cst'``, Kulfan's class-shape form with class function
  ``sqrt(x) (1 - x)`` and Bernstein weights ``cst_upper`` / ``cst_lower``
  (lower weights are signed: a symmetric section has ``cst_lower = -cst_upper``);
* a blunt trailing edge of thickness ``te_thickness`` (fraction of chord):
  ``z_te = -(h/2) sigma^3``, which leaves the nose untouched.

The planform: leading edge at ``(b t tan(sweep), b t, b t tan(dihedral) + b bend t^2)``,
chord ``c(t) = c_root (1 - (1 - taper) t)``, and a linear twist
``theta(t) = twist_root + (twist_tip - twist_root) t`` (positive nose up) about
the chord point ``twist_axis`` (fraction of chord).  So the surface is smooth
except along the trailing edge (a crease, or the edges of the blunt base) and,
with NACA camber, the span lines ``x = p`` where the camber line's second
derivative jumps.  :func:`wing_jet` gives the exact first and second
derivatives, so the family doubles as a test oracle for curvature features.

A rounded tip cap (``tip_cap=True``, sharp trailing edge) closes the tip.
With ``U(s), L(s)`` the upper and lower tip points at ``sigma = -s, s``
(``s = sqrt(x)`` in [0, 1]), ``M = (U + L)/2`` the camber point,
``A = (U - L)/2 = h w`` (``h`` the half-thickness, ``w`` the section's
thickness direction) and ``T_U, T_L`` the wing's span tangents ``X_t`` there,
the cap is, for ``phi`` in [0, pi],

    ``C(s, phi) = M + cos(phi) A + sin(phi) (h / b) ((1 + cos phi)/2 T_U + (1 - cos phi)/2 T_L)``

(:func:`cap_jet`).  At ``phi = 0`` it is the upper tip row and its tangent
``C_phi = (h/b) T_U`` lies in the wing's tangent plane, likewise at ``phi = pi``
on the lower side: the cap is C1 (tangent-plane continuous) with the wing;
its curvature jumps across the tip, as where two surfaces are blended.  On a
wing whose span tangent at the tip is the span axis (no sweep, taper,
dihedral or twist) it is the half body of revolution of each tip
half-thickness profile about the camber line, reaching ``h`` beyond the tip.
The grid of the cap collapses to a point at the nose (``s = 0``, a smooth
pole) and at the trailing edge (``s = 1``, the end of the crease).

Grids (:func:`wing_grid`): point ``(i, j)`` is ``sigma = 1 - 2 i / (ni - 1)``,
``t = j / (nj - 1)``; ``X_i x X_j`` points out of the wing.  With a sharp
trailing edge the first and last rows are the same points, bit for bit.

>>> p = WingParams(section="naca", camber=0.02, camber_pos=0.4, thickness=0.12)
>>> X = wing_grid(p, 33, 9)
>>> X.shape, bool(np.array_equal(X[0], X[-1]))
((33, 9, 3), True)
>>> WingParams.from_dict(p.to_dict()) == p
True
"""

import json
import os
from dataclasses import asdict, dataclass, field, fields
from math import comb

import numpy as np
from numpy.polynomial import polynomial as P

from ..errors import MeshError

__all__ = [
    "wing", "WingParams", "naca", "wing_jet", "wing_point", "wing_params", "wing_grid",
    "wing_blocks", "wing_triangles", "sample_family", "write_wing", "read_wing_params",
    "wing_curvature", "FAMILY_RANGES", "cap_jet", "cap_params", "cap_grid",
]

_A = (0.2969, -0.4901, 0.4621, -0.4158, 0.1469)
# NACA 5-digit non-reflexed mean lines (design CL 0.3): P -> (m, k1)
_NACA5 = {1: (0.0580, 361.4), 2: (0.1260, 51.64), 3: (0.2025, 15.957), 4: (0.2900, 6.643),
          5: (0.3910, 3.230)}


@dataclass(frozen=True)
class WingParams:
    """All parameters of one wing (lengths in chord units of the caller's choice,
    angles in degrees).  ``section`` is ``'naca'`` (4-digit camber ``camber``,
    ``camber_pos``), ``'naca5'`` (``design_cl``, ``camber_pos`` = P/20 with P in 1..5)
    or ``'cst'`` (``cst_upper``, ``cst_lower``); ``thickness`` applies to the NACA
    sections; ``tip_cap`` closes the tip with a rounded cap (see the module
    docstring)."""

    span: float = 3.0
    c_root: float = 1.0
    taper: float = 0.5
    sweep_deg: float = 25.0
    dihedral_deg: float = 0.0
    bend: float = 0.0
    twist_root_deg: float = 0.0
    twist_tip_deg: float = 0.0
    twist_axis: float = 0.25
    section: str = "naca"
    thickness: float = 0.12
    camber: float = 0.0
    camber_pos: float = 0.4
    design_cl: float = 0.3
    cst_upper: tuple = field(default=(0.17, 0.16, 0.15, 0.14))
    cst_lower: tuple = field(default=(-0.17, -0.16, -0.15, -0.14))
    te_thickness: float = 0.0
    tip_cap: bool = False

    def __post_init__(self):
        object.__setattr__(self, "cst_upper", tuple(float(x) for x in self.cst_upper))
        object.__setattr__(self, "cst_lower", tuple(float(x) for x in self.cst_lower))
        bad = []
        if self.section not in ("naca", "naca5", "cst"):
            bad.append(f"section {self.section!r} (use 'naca', 'naca5' or 'cst')")
        for name in ("span", "c_root", "taper"):
            if not getattr(self, name) > 0:
                bad.append(f"{name} = {getattr(self, name)} (must be > 0)")
        if not 0 <= self.thickness < 0.5:
            bad.append(f"thickness = {self.thickness} (0 <= tau < 0.5)")
        if self.section == "naca" and self.camber and not 0 < self.camber_pos < 1:
            bad.append(f"camber_pos = {self.camber_pos} (0 < p < 1)")
        if self.section == "naca5" and round(self.camber_pos * 20) not in _NACA5:
            bad.append(f"camber_pos = {self.camber_pos} (NACA 5-digit: 0.05, 0.10, ..., 0.25)")
        if self.section == "cst" and (not self.cst_upper or not self.cst_lower):
            bad.append("cst weights must not be empty")
        if not 0 <= self.te_thickness < 0.2:
            bad.append(f"te_thickness = {self.te_thickness} (0 <= h < 0.2)")
        if self.tip_cap and self.te_thickness:
            bad.append("tip_cap needs a sharp trailing edge (te_thickness = 0)")
        object.__setattr__(self, "tip_cap", bool(self.tip_cap))
        if abs(self.sweep_deg) >= 80 or abs(self.dihedral_deg) >= 80:
            bad.append("sweep and dihedral must be within (-80, 80) degrees")
        if bad:
            raise MeshError("bad wing parameters: " + "; ".join(bad))

    def to_dict(self):
        d = asdict(self)
        d["cst_upper"], d["cst_lower"] = list(self.cst_upper), list(self.cst_lower)
        return d

    @classmethod
    def from_dict(cls, d):
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise MeshError(f"unknown wing parameter(s) {unknown}; known: {sorted(known)}")
        return cls(**d)


def naca(code):
    """Section parameters of a NACA designation: ``naca('2412')``,
    ``naca('23012')`` -> dict for :class:`WingParams`.

    >>> naca('2412')
    {'section': 'naca', 'camber': 0.02, 'camber_pos': 0.4, 'thickness': 0.12}
    """
    code = str(code).lower().removeprefix("naca").strip()
    if len(code) == 4 and code.isdigit():
        return {"section": "naca", "camber": int(code[0]) / 100,
                "camber_pos": int(code[1]) / 10, "thickness": int(code[2:]) / 100}
    if len(code) == 5 and code.isdigit() and code[2] == "0":
        return {"section": "naca5", "design_cl": 0.15 * int(code[0]),
                "camber_pos": int(code[1]) / 20, "thickness": int(code[3:]) / 100}
    raise MeshError(f"NACA designation {code!r}: use 4 digits or 5 digits 'LP0TT' (non-reflexed)")


def _pieces(p):
    """The section's ``z(sigma)`` as ``[(lo, hi, coefficients)]`` (increasing powers)."""
    s2 = np.array([0.0, 0.0, 1.0])  # sigma^2
    te = np.array([0.0, 0.0, 0.0, -p.te_thickness / 2])
    if p.section == "cst":
        def side(w, sign):
            n = len(w) - 1
            S = np.zeros(1)
            for i, a in enumerate(w):  # Bernstein polynomial in x, then x = sigma^2
                b = P.polymul(P.polypow([0.0, 1.0], i), P.polypow([1.0, -1.0], n - i))
                S = P.polyadd(S, a * comb(n, i) * b)
            Ss = np.zeros(2 * len(S) - 1)
            Ss[::2] = S
            return P.polyadd(P.polymul(sign * np.array([0.0, 1.0, 0.0, -1.0]), Ss), te)

        return [(-1.0, 0.0, side(p.cst_upper, -1.0)), (0.0, 1.0, side(p.cst_lower, 1.0))]
    a = -5.0 * p.thickness * np.array(_A)
    zt = np.zeros(10)
    zt[1::2] = a
    zt = P.polyadd(zt, te)
    if p.section == "naca" and p.camber:
        m, q = p.camber, p.camber_pos
        front = m / q**2 * np.array([0.0, 2 * q, -1.0])
        back = m / (1 - q) ** 2 * np.array([1 - 2 * q, 2 * q, -1.0])
        cuts = [(front, 0.0, q), (back, q, 1.0)]
    elif p.section == "naca5":
        m, k1 = _NACA5[round(p.camber_pos * 20)]
        k1 = k1 * p.design_cl / 0.3
        front = k1 / 6 * np.array([0.0, m * m * (3 - m), -3 * m, 1.0])
        back = k1 * m**3 / 6 * np.array([1.0, -1.0])
        cuts = [(front, 0.0, m), (back, m, 1.0)]
    else:
        return [(-1.0, 1.0, zt)]
    out = []
    for c, lo, hi in cuts:  # camber in x -> even polynomial in sigma, on both sides
        cs = P.polyadd(_compose(c, s2), zt)
        out += [(-np.sqrt(hi), -np.sqrt(lo), cs), (np.sqrt(lo), np.sqrt(hi), cs)]
    return sorted(out, key=lambda r: r[0])


def _compose(c, inner):
    out = np.zeros(1)
    for k in reversed(range(len(c))):
        out = P.polyadd(P.polymul(out, inner), [c[k]])
    return out


def _section(s, p):
    """``x, x', x'', z, z', z''`` in ``sigma``."""
    z = np.zeros_like(s)
    dz, d2z = np.zeros_like(s), np.zeros_like(s)
    pieces = _pieces(p)
    for k, (lo, hi, c) in enumerate(pieces):
        m = (s >= lo) & ((s < hi) if k < len(pieces) - 1 else (s <= hi))
        if m.any():
            d1 = P.polyder(c)
            z[m] = P.polyval(s[m], c)
            dz[m] = P.polyval(s[m], d1)
            d2z[m] = P.polyval(s[m], P.polyder(d1))
    return s * s, 2 * s, 2 * np.ones_like(s), z, dz, d2z


def _rot(u, w, th):
    c, s = np.cos(th), np.sin(th)
    return u * c + w * s, -u * s + w * c


def wing_jet(p, sigma, t):
    """Exact ``X, X_s, X_t, X_ss, X_st, X_tt`` (each ``broadcast(sigma, t).shape + (3,)``)
    of the wing ``p`` (a :class:`WingParams`) in the ``(sigma, t)`` chart."""
    return _jet(p, sigma, t)[:6]


def _jet(p, sigma, t):
    """:func:`wing_jet` and ``X_sst`` (the cap needs ``d^2/ds^2`` of ``X_t``)."""
    s, t = np.broadcast_arrays(np.asarray(sigma, float), np.asarray(t, float))
    s, t = s.copy(), t.copy()
    x, dx, d2x, z, dz, d2z = _section(s, p)
    b = p.span
    c = p.c_root * (1 - (1 - p.taper) * t)
    dc = -p.c_root * (1 - p.taper)
    th0, th1 = np.radians(p.twist_root_deg), np.radians(p.twist_tip_deg)
    th = th0 + (th1 - th0) * t
    dth = th1 - th0
    u = x - p.twist_axis
    ru, rw = _rot(u, z, th)  # R(theta)(u, w)
    du, dw = _rot(dx, dz, th)
    d2u, d2w = _rot(d2x, d2z, th)
    # dR/dtheta (u, w) = R(theta)(w, -u)
    qu, qw = _rot(z, -u, th)
    dqu, dqw = _rot(dz, -dx, th)
    tan_s, tan_d = np.tan(np.radians(p.sweep_deg)), np.tan(np.radians(p.dihedral_deg))
    zero = np.zeros_like(s)
    xa = c * p.twist_axis  # the twist axis sits at twist_axis * chord behind the leading edge
    X = np.stack([b * t * tan_s + xa + c * ru, b * t,
                  b * t * tan_d + b * p.bend * t**2 + c * rw], -1)
    Xs = np.stack([c * du, zero, c * dw], -1)
    Xt = np.stack([b * tan_s + dc * p.twist_axis + dc * ru + c * dth * qu, b + zero,
                   b * tan_d + 2 * b * p.bend * t + dc * rw + c * dth * qw], -1)
    Xss = np.stack([c * d2u, zero, c * d2w], -1)
    Xst = np.stack([dc * du + c * dth * dqu, zero, dc * dw + c * dth * dqw], -1)
    Xtt = np.stack([2 * dc * dth * qu - c * dth**2 * ru, zero,
                    2 * b * p.bend + 2 * dc * dth * qw - c * dth**2 * rw], -1)
    d2qu, d2qw = _rot(d2z, -d2x, th)
    Xsst = np.stack([dc * d2u + c * dth * d2qu, zero, dc * d2w + c * dth * d2qw], -1)
    return X, Xs, Xt, Xss, Xst, Xtt, Xsst


def cap_jet(p, s, phi):
    """Exact ``C, C_s, C_phi, C_ss, C_sphi, C_phiphi`` of the tip cap of wing ``p``
    at ``(s, phi)``, ``s`` in [0, 1] (``s^2`` the chord fraction), ``phi`` in
    [0, pi] (0 on the upper surface); the construction is in the module docstring.
    ``C_s x C_phi`` points out of the wing.

    >>> p = WingParams(tip_cap=True)
    >>> C = cap_jet(p, np.array([0.5, 0.5]), np.array([0.0, np.pi / 2]))[0]
    >>> bool(np.allclose(C[0], wing_point(p, -0.5, 1.0))), bool(C[1, 1] > p.span)
    (True, True)
    """
    s, phi = np.broadcast_arrays(np.asarray(s, float), np.asarray(phi, float))
    one = np.ones_like(s)
    U = _jet(p, -s, one)  # upper: sigma = -s, so d/ds flips the odd derivatives
    L = _jet(p, s, one)
    u = (U[0], -U[1], U[3], U[2], -U[4], U[6])  # X, X', X'', T, T', T'' along s
    lo = (L[0], L[1], L[3], L[2], L[4], L[6])
    M = [(a + b) / 2 for a, b in zip(u[:3], lo[:3])]
    A = [(a - b) / 2 for a, b in zip(u[:3], lo[:3])]
    th = np.radians(p.twist_tip_deg)
    w = np.array([np.sin(th), 0.0, np.cos(th)])  # the section's thickness direction
    h = [(a * w).sum(-1)[..., None] for a in A]

    def scaled(T):  # h T / b and its two s-derivatives
        return [h[0] * T[0] / p.span, (h[1] * T[0] + h[0] * T[1]) / p.span,
                (h[2] * T[0] + 2 * h[1] * T[1] + h[0] * T[2]) / p.span]

    BU, BL = scaled(u[3:]), scaled(lo[3:])
    c1, s1 = np.cos(phi)[..., None], np.sin(phi)[..., None]
    c2, s2 = np.cos(2 * phi)[..., None], np.sin(2 * phi)[..., None]
    f = (c1, -s1, -c1)  # cos phi and its phi-derivatives
    gu = ((s1 + s2 / 2) / 2, (c1 + c2) / 2, (-s1 - 2 * s2) / 2)  # sin phi (1 + cos phi) / 2
    gl = ((s1 - s2 / 2) / 2, (c1 - c2) / 2, (-s1 + 2 * s2) / 2)  # sin phi (1 - cos phi) / 2

    def part(ks, kp):  # d^ks/ds^ks d^kp/dphi^kp of C
        out = f[kp] * A[ks] + gu[kp] * BU[ks] + gl[kp] * BL[ks]
        return out + M[ks] if kp == 0 else out

    return part(0, 0), part(1, 0), part(0, 1), part(2, 0), part(1, 1), part(0, 2)


def cap_params(ns, nphi):
    """The ``(s, phi)`` of cap grid point ``(k, l)``: two (ns, nphi) arrays."""
    return np.meshgrid(np.linspace(0.0, 1.0, ns), np.linspace(0.0, np.pi, nphi), indexing="ij")


def _cap_size(ni, n_cap):
    if ni % 2 == 0:
        raise MeshError(f"a wing with a tip cap needs an odd ni (a leading-edge row), got {ni}")
    n = max(5, (ni - 1) // 8 + 1) if n_cap is None else int(n_cap)
    if n < 3:
        raise MeshError(f"tip cap with {n} points around: need >= 3")
    return ni // 2 + 1, n


def cap_grid(p, ni=129, nj=33, n_cap=None):
    """The tip cap as a grid ``(ni // 2 + 1, n_cap)``: point ``(k, l)`` at
    ``s = k / (ni // 2)`` (the wing grid's chord stations), ``phi = pi l / (n_cap - 1)``
    (default ``n_cap``: ``(ni - 1) // 8 + 1``, at least 5).  Its rows ``l = 0`` and
    ``l = n_cap - 1`` are the wing's upper and lower tip points bit for bit, and
    its rows ``k = 0`` (nose) and ``k = ni // 2`` (trailing edge) collapse to a point."""
    ns, nphi = _cap_size(ni, n_cap)
    C = cap_jet(p, *cap_params(ns, nphi))[0]
    tip = wing_grid(p, ni, nj)[:, -1]
    mid = ni // 2
    C[:, 0], C[:, -1] = tip[mid:], tip[mid::-1]
    C[0], C[-1] = tip[mid], tip[0]
    return C


def wing_point(p, sigma, t):
    """Points ``X(sigma, t)`` of wing ``p``."""
    return wing_jet(p, sigma, t)[0]


def wing_params(ni, nj):
    """The ``(sigma, t)`` of grid point ``(i, j)``: two (ni, nj) arrays."""
    s = 1.0 - 2.0 * np.arange(ni) / (ni - 1)
    t = np.arange(nj) / (nj - 1)
    return np.meshgrid(s, t, indexing="ij")


def _check_sizes(ni, nj):
    if ni < 5 or nj < 3:
        raise MeshError(f"wing grid {ni} x {nj}: need ni >= 5 and nj >= 3")


def wing_grid(p=None, ni=129, nj=33):
    """The wing as a structured grid ``X: (ni, nj, 3)`` (``ni`` odd puts a point on
    the leading edge)."""
    p = p or WingParams()
    _check_sizes(ni, nj)
    s, t = wing_params(ni, nj)
    X = wing_point(p, s, t)
    if p.te_thickness == 0:
        X[-1] = X[0]  # the same trailing-edge points, bit for bit
    return X


def wing_blocks(p=None, ni=129, nj=33, multi=False, n_cap=None):
    """Blocks for a Plot3D file: ``[X]``, or with ``multi`` the lower and upper
    surfaces as two blocks (``ni`` odd; they share the leading-edge row) plus,
    for a blunt trailing edge, the flat base as a third block ``(3, nj)``.
    A wing with ``tip_cap`` gets its cap (:func:`cap_grid`) as the last block."""
    p = p or WingParams()
    X = wing_grid(p, ni, nj)
    cap = [cap_grid(p, ni, nj, n_cap)] if p.tip_cap else []
    if not multi:
        return [X, *cap]
    if ni % 2 == 0:
        raise MeshError(f"multi-block wing needs an odd ni (a leading-edge row), got {ni}")
    mid = ni // 2
    blocks = [X[: mid + 1], X[mid:]]
    if (p or WingParams()).te_thickness > 0:
        w = np.array([0.0, 0.5, 1.0])[:, None, None]
        blocks.append(X[-1][None] * (1 - w) + X[0][None] * w)  # upper TE -> lower TE
    return blocks + cap


def wing(params=None, ni=129, nj=33, multi=False, **kw):
    """The wing as a :class:`~geomkit.mesh.StructuredSurface` (``gk.mesh.wing``).

    ``params`` is a :class:`WingParams` (or a dict of its fields); keyword
    arguments override fields, and ``naca='2412'`` sets a NACA section.  The
    surface carries its parameters as ``surface.wing_params``.

    >>> import geomkit as gk
    >>> s = gk.mesh.wing(naca='23012', sweep_deg=30, ni=33, nj=9)
    >>> s.shapes, s.wing_params.section
    ([(33, 9)], 'naca5')
    """
    from .surface import StructuredSurface

    d = params.to_dict() if isinstance(params, WingParams) else dict(params or {})
    if "naca" in kw:
        d.update(naca(kw.pop("naca")))
    d.update(kw)
    p = WingParams.from_dict(d)
    s = StructuredSurface(wing_blocks(p, ni, nj, multi))
    s.wing_params = p
    return s


def wing_triangles(p=None, ni=129, nj=33, n_cap=None):
    """The wing as a triangle mesh ``(V, F)``: the grid's cells split along a
    diagonal; a sharp trailing edge is merged, a blunt one closed by a flat strip;
    a tip cap's points follow the wing's (its seams and poles welded to them)."""
    X = wing_grid(p, ni, nj)
    m = ni - 1 if np.array_equal(X[0], X[-1]) else ni
    idx = np.arange(m * nj).reshape(nj, m).T  # (m, nj), i fastest
    idx = np.concatenate([idx, idx[:1]], axis=0)
    q = np.stack([idx[:-1, :-1], idx[1:, :-1], idx[1:, 1:], idx[:-1, 1:]], -1).reshape(-1, 4)
    F = np.concatenate([q[:, [0, 1, 2]], q[:, [0, 2, 3]]]).astype(np.int64)
    V = X[:m].transpose(1, 0, 2).reshape(-1, 3)
    p = p or WingParams()
    if not p.tip_cap:
        return V, F
    C = cap_grid(p, ni, nj, n_cap)
    ns, nphi = C.shape[:2]
    mid, tip = ni // 2, idx[:, -1]  # tip[i]: vertex of wing point (i, nj - 1)
    cidx = np.empty((ns, nphi), np.int64)
    cidx[1:-1, 1:-1] = len(V) + np.arange((ns - 2) * (nphi - 2)).reshape(ns - 2, nphi - 2)
    cidx[:, 0], cidx[:, -1] = tip[mid:], tip[mid::-1]
    cidx[0], cidx[-1] = tip[mid], tip[0]
    q = np.stack([cidx[:-1, :-1], cidx[1:, :-1], cidx[1:, 1:], cidx[:-1, 1:]], -1).reshape(-1, 4)
    T = np.concatenate([q[:, [0, 1, 2]], q[:, [0, 2, 3]]])
    T = T[(T[:, 0] != T[:, 1]) & (T[:, 1] != T[:, 2]) & (T[:, 0] != T[:, 2])]  # at the poles
    return np.concatenate([V, C[1:-1, 1:-1].reshape(-1, 3)]), np.concatenate([F, T])


#: default ranges of :func:`sample_family` (uniform in each)
FAMILY_RANGES = {
    "span": (2.5, 4.0), "taper": (0.3, 1.0), "sweep_deg": (0.0, 35.0),
    "dihedral_deg": (0.0, 5.0), "twist_tip_deg": (-5.0, 2.0), "thickness": (0.08, 0.16),
    "camber": (0.0, 0.04), "camber_pos": (0.3, 0.5),
}


def sample_family(n, seed=0, ranges=None, **fixed):
    """``n`` wings drawn uniformly from ``ranges`` (default :data:`FAMILY_RANGES`,
    NACA 4-digit sections) with a seeded generator; ``fixed`` overrides any
    parameter.  The same ``(n, seed)`` always gives the same wings.

    >>> a, b = sample_family(3, seed=1), sample_family(3, seed=1)
    >>> a == b and a[0] != a[1]
    True
    """
    r = dict(FAMILY_RANGES if ranges is None else ranges)
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(int(n)):
        d = {k: round(float(rng.uniform(lo, hi)), 6) for k, (lo, hi) in r.items()}
        d.update(fixed)
        out.append(WingParams.from_dict(d))
    return out


_TRI_EXT = (".stl", ".obj", ".ply", ".off", ".vtu", ".vtk")


def write_wing(path, p=None, ni=129, nj=33, multi=False, binary=False):
    """Write wing ``p`` to ``path``: Plot3D (``.xyz``, ``.x``, ``.p3d``, ``.fmt``;
    ``multi`` for lower/upper/base blocks) or a triangle format through meshio
    (``.stl``, ``.obj``, ``.ply``, ``.off``, ``.vtu``, ``.vtk``), atomically, and
    its parameters as JSON next to it (``<stem>.json``).  Returns the path."""
    p = p or WingParams()
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext in (".xyz", ".x", ".p3d", ".fmt", ".g", ".grd"):
        from .plot3d import write_plot3d

        write_plot3d(path, wing_blocks(p, ni, nj, multi), binary=binary,
                     multi=multi or p.tip_cap or None)
    elif ext in _TRI_EXT:
        from .._io import atomic_path
        from .io import _meshio

        V, F = wing_triangles(p, ni, nj)
        with atomic_path(path) as tmp:
            _meshio().write(tmp, _meshio().Mesh(V, [("triangle", F)]), file_format={
                ".stl": "stl", ".obj": "obj", ".ply": "ply", ".off": "off", ".vtu": "vtu",
                ".vtk": "vtk"}[ext])
    else:
        raise MeshError(f"{path}: unknown wing format {ext!r}; use .xyz (Plot3D) or one of "
                        f"{', '.join(_TRI_EXT)}")
    from ..codegen.cache import write_atomic

    meta = {"params": p.to_dict(), "ni": ni, "nj": nj, "multi": bool(multi)}
    write_atomic(os.path.splitext(path)[0] + ".json", json.dumps(meta, indent=1))
    return path


def read_wing_params(path):
    """The :class:`WingParams` saved next to a wing file by :func:`write_wing`
    (``path`` is the wing file or its ``.json``)."""
    j = os.path.splitext(os.fspath(path))[0] + ".json"
    try:
        with open(j, encoding="utf-8") as f:
            return WingParams.from_dict(json.load(f)["params"])
    except FileNotFoundError:
        raise MeshError(f"{path}: no wing parameters ({j} not found)") from None


def wing_curvature(p, sigma, t, cap=False):
    """Exact ``K, H`` of wing ``p`` at ``(sigma, t)`` with the outward normal
    (the grid's ``X_i x X_j``), in geomkit's convention ``H = tr(g^-1 b) / 2``,
    ``b_ij = X_ij . N``.  With ``cap``, on the tip cap at ``(s, phi) = (sigma, t)``
    (:func:`cap_jet`; undefined at the poles ``s = 0, 1``)."""
    if cap:
        _, Xs, Xt, Xss, Xst, Xtt = cap_jet(p, sigma, t)
        n = np.cross(Xs, Xt)
    else:
        _, Xs, Xt, Xss, Xst, Xtt = wing_jet(p, sigma, t)
        n = -np.cross(Xs, Xt)  # the grid's i runs against sigma
    E, F, G = (Xs * Xs).sum(-1), (Xs * Xt).sum(-1), (Xt * Xt).sum(-1)
    N = n / np.linalg.norm(n, axis=-1)[..., None]
    L, M, Nn = (Xss * N).sum(-1), (Xst * N).sum(-1), (Xtt * N).sum(-1)
    D = E * G - F * F
    return (L * Nn - M * M) / D, (E * Nn - 2 * F * M + G * L) / (2 * D)
