r"""Surface pressure coefficients of wings from existing aerodynamics packages.

:func:`surface_cp` labels every point of a structured wing grid with ``Cp``
for one or more flight conditions ``(mach, alpha_deg)``.  It is glue around
two maintained packages (optional extra ``aero``: ``aerosandbox``,
``neuralfoil``), not a solver of our own:

1. the wing's sections are read off the grid (leading edge = the point
   farthest from the trailing edge, chord, local incidence, the section in
   chord units) after :func:`check_wing_layout` has validated the layout;
2. aerosandbox's vortex-lattice method (incompressible, camber lines) gives
   the spanwise lift distribution ``cl(y)`` at each angle of attack;
3. per station, NeuralFoil (a learned model of XFoil on Kulfan-fitted
   sections) is inverted for the effective angle whose section lift is that
   ``cl`` (so ``alpha_eff = alpha + twist - induced angle``), and its
   boundary-layer edge velocity ``ue/V`` on both sides gives
   ``Cp_0 = 1 - (ue/V)^2``;
4. compressibility by the Karman-Tsien rule,
   ``Cp = Cp_0 / (beta + M^2 Cp_0 / (2 (1 + beta)))``, ``beta = sqrt(1 - M^2)``;
   with ``sweep=True`` simple sweep theory uses the section normal to the
   local quarter-chord line (thickness and angle divided by ``cos L``, Mach
   times ``cos L``, ``Cp = cos^2 L Cp_n``).

What this model lacks, by construction: resolution at the nose (NeuralFoil's
``ue`` starts at ``x/c = 1/64``; ahead of it the signed surface velocity is
interpolated linearly in ``sqrt(x/c)`` across the nose, which places a
stagnation point between the two sides), tip
flow (the outermost station takes the nearest strip's lift), shocks, and
any spanwise flow beyond simple sweep.  Against PAN AIR on the DLR-F4 wing
(Mach 0.6) see ``docs/tutorial-cp.md``.

Grid layout (the geomkit wing convention, :mod:`geomkit.mesh.wings`): ``X``
is ``(ni, nj, 3)``, ``x`` downstream, ``y`` spanwise (root to tip as ``j``
grows), ``z`` up; ``i`` runs around each section from the trailing edge
along the **lower** side to the leading edge and back along the upper side,
so ``X_i x X_j`` points out of the wing.
"""

import numpy as np

from .errors import GeomkitError, MeshError

__all__ = ["check_wing_layout", "wing_sections", "surface_cp", "LabelError"]


class LabelError(GeomkitError):
    """A flight condition or solver result that cannot give labels."""


def _need():
    try:
        import aerosandbox as asb
        import neuralfoil as nf
    except ImportError:
        raise LabelError(
            "Cp labels need the 'aero' extra: pip install aerosandbox neuralfoil "
            "(or geomkit[aero])"
        ) from None
    return asb, nf


def check_wing_layout(X, where=""):
    """Check that ``X: (ni, nj, 3)`` is laid out as the module docstring says;
    return ``(X, i_le)`` with ``i_le[j]`` the leading-edge row of station ``j``.

    Raises :class:`geomkit.MeshError` naming what is wrong (swapped axes,
    tip-to-root order, sections that start on the upper side, a leading edge
    at the grid's end) -- a wrongly ordered wing would otherwise give a
    silently wrong lift.

    >>> from geomkit.mesh.wings import wing_grid
    >>> X = wing_grid(None, 33, 9)
    >>> check_wing_layout(X)[1].tolist() == [16] * 9
    True
    >>> check_wing_layout(X[::-1])
    Traceback (most recent call last):
    ...
    geomkit.errors.MeshError: wing grid: station 0 runs along the upper side first ...
    """
    w = f"{where}: " if where else ""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 3 or X.shape[2] != 3 or X.shape[0] < 9 or X.shape[1] < 2:
        raise MeshError(f"{w}wing grid must have shape (ni >= 9, nj >= 2, 3), got {X.shape}")
    if not np.isfinite(X).all():
        raise MeshError(f"{w}wing grid has non-finite coordinates")
    y = X[..., 1]
    along_i = np.ptp(y, axis=0).max()
    along_j = np.ptp(y.mean(axis=0))
    if along_i > 0.5 * along_j:
        raise MeshError(
            f"{w}wing grid: y varies by {along_i:.3g} around a section and {along_j:.3g} "
            "along the span; i must run around the sections and j along the span "
            "(axes swapped? spanwise axis not y?)"
        )
    dy = np.diff(y.mean(axis=0))
    if (dy <= 0).any():
        k = int(np.flatnonzero(dy <= 0)[0])
        raise MeshError(
            f"{w}wing grid: stations must run from root to tip with y increasing; "
            f"y does not increase from station {k} to {k + 1} (reverse j, or mirror a left wing)"
        )
    ni = X.shape[0]
    i_le = np.empty(X.shape[1], dtype=np.int64)
    for j in range(X.shape[1]):
        S = X[:, j][:, [0, 2]]
        te = 0.5 * (S[0] + S[-1])
        d = np.linalg.norm(S - te, axis=1)
        le = int(np.argmax(d))
        chord = d[le]
        if not (0.2 * ni < le < 0.8 * ni):
            raise MeshError(
                f"{w}wing grid: station {j} has its leading edge at i = {le} of {ni}; i must "
                "run from the trailing edge around the section and back to it"
            )
        if max(np.linalg.norm(S[0] - te), np.linalg.norm(S[-1] - te)) > 0.1 * chord or \
                S[0, 0] < S[le, 0] + 0.5 * chord * abs(np.cos(np.arctan2(*(te - S[le])[::-1]))):
            raise MeshError(
                f"{w}wing grid: station {j} does not start and end at the trailing edge")
        e = (te - S[le]) / chord
        h = (S - S[le]) @ np.array([-e[1], e[0]])  # height above the chord line
        if h[1:le].mean() >= h[le + 1:-1].mean():
            raise MeshError(
                f"{w}wing grid: station {j} runs along the upper side first (from i = 0); "
                "i must go trailing edge -> lower side -> leading edge -> upper side, so the "
                "normals X_i x X_j point out of the wing: reverse i (X[::-1])"
            )
        if (e[0] <= 0):
            raise MeshError(f"{w}wing grid: station {j} has its trailing edge ahead of its "
                            "leading edge (x must point downstream)")
        i_le[j] = le
    return X, i_le


def wing_sections(X, where=""):
    """Sections of a validated wing grid: dict of per-station arrays ``le (nj, 3)``,
    ``chord``, ``twist_deg`` (incidence, nose up positive), ``y``, ``sweep_deg``
    (local quarter-chord sweep), ``xi``/``zeta`` ``(ni, nj)`` (each point in chord
    units: distance behind the leading edge along the chord, height above it),
    ``i_le``."""
    X, i_le = check_wing_layout(X, where)
    ni, nj = X.shape[:2]
    le = X[i_le, np.arange(nj)]
    te = 0.5 * (X[0] + X[-1])
    ev = (te - le)[:, [0, 2]]
    chord = np.linalg.norm(ev, axis=1)
    e = ev / chord[:, None]
    rel = (X - le[None])[..., [0, 2]]
    xi = (rel * e[None]).sum(-1) / chord
    zeta = (rel[..., 1] * e[None, :, 0] - rel[..., 0] * e[None, :, 1]) / chord
    y = le[:, 1]
    xq = le[:, 0] + 0.25 * chord * e[:, 0]
    sweep = np.degrees(np.arctan(np.gradient(xq, y)))
    return {"le": le, "chord": chord, "twist_deg": np.degrees(np.arctan2(-e[:, 1], e[:, 0])),
            "y": y, "sweep_deg": sweep, "xi": xi, "zeta": zeta, "i_le": i_le}


def _kulfan(xi, zeta, asb):
    """Kulfan parameters of one section given lower-side-first in chord units."""
    coords = np.stack([xi, zeta], 1)[::-1]  # Selig order: upper TE -> LE -> lower TE
    keep = np.ones(len(coords), bool)
    keep[1:] = np.linalg.norm(np.diff(coords, axis=0), axis=1) > 1e-12
    af = asb.Airfoil(coordinates=coords[keep])
    return af, af.to_kulfan_airfoil(n_weights_per_side=8).kulfan_parameters


def _stack(kps, scale=None):
    out = {}
    for key in kps[0]:
        v = np.array([np.asarray(k[key], float) for k in kps])  # (n, 8) or (n,)
        if scale is not None:
            v = v * (scale[:, None] if v.ndim == 2 else scale)
        out[key] = v.T if v.ndim == 2 else v
    return out


def _strip_cl(asb, sec, afs, alpha_deg, chordwise=8):
    """Section lift coefficient at each station from aerosandbox's VLM (incompressible)."""
    xsecs = [asb.WingXSec(xyz_le=list(sec["le"][j]), chord=float(sec["chord"][j]),
                          twist=float(sec["twist_deg"][j]), airfoil=afs[j])
             for j in range(len(afs))]
    wing = asb.Wing(name="w", symmetric=True, xsecs=xsecs)
    plane = asb.Airplane(name="a", wings=[wing])
    vlm = asb.VortexLatticeMethod(
        plane, asb.OperatingPoint(velocity=1.0, alpha=float(alpha_deg)),
        spanwise_resolution=1, chordwise_resolution=chordwise,
        spanwise_spacing_function=np.linspace, run_symmetric_if_possible=False)
    vlm.run()
    F = np.asarray(vlm.forces_geometry)
    C = np.asarray(vlm.vortex_centers)
    a = np.radians(alpha_deg)
    lift = F[:, 2] * np.cos(a) - F[:, 0] * np.sin(a)
    y = sec["y"]
    right = C[:, 1] > 0
    strip = np.clip(np.searchsorted(y, C[right, 1]) - 1, 0, len(y) - 2)
    L = np.bincount(strip, lift[right], minlength=len(y) - 1)
    c_mid = 0.5 * (sec["chord"][1:] + sec["chord"][:-1])
    rho = float(asb.OperatingPoint(velocity=1.0).atmosphere.density())
    cl = L / (0.5 * rho * c_mid * np.diff(y))  # q = rho V^2 / 2 with V = 1
    return np.interp(y, 0.5 * (y[1:] + y[:-1]), cl)


def surface_cp(X, conditions, reynolds=1e7, sweep=False, model_size="xlarge", where=""):
    """Cp at every grid point for each flight condition.

    Parameters
    ----------
    X : (ni, nj, 3) wing grid in the layout of :func:`check_wing_layout`
    conditions : sequence of ``(mach, alpha_deg)``; ``0 <= mach < 0.8``
    reynolds : chord Reynolds number given to NeuralFoil (high = nearly inviscid)
    sweep : simple sweep theory on the section normal to the quarter-chord line

    Returns
    -------
    Cp : (len(conditions), ni, nj) float64

    Raises :class:`geomkit.MeshError` for a badly laid-out grid and
    :class:`LabelError` when the extra is missing, a condition is out of range,
    or the pressure lift has the opposite sign from the lift distribution
    (a layout it misread).
    """
    asb, nf = _need()
    sec = wing_sections(X, where)
    conds = np.atleast_2d(np.asarray(conditions, dtype=np.float64))
    if conds.shape[1] != 2 or not ((conds[:, 0] >= 0) & (conds[:, 0] < 0.8)).all() or \
            (np.abs(conds[:, 1]) > 15).any():
        raise LabelError(f"conditions must be (mach in [0, 0.8), |alpha| <= 15 deg) pairs, "
                         f"got {conds.tolist()}")
    ni, nj = sec["xi"].shape
    i_le = sec["i_le"]
    fits = [_kulfan(sec["xi"][:, j], sec["zeta"][:, j], asb) for j in range(nj)]
    afs = [f[0] for f in fits]
    cosL = np.cos(np.radians(sec["sweep_deg"])) if sweep else np.ones(nj)
    kp = _stack([f[1] for f in fits], scale=1.0 / cosL)
    # section lift curve on an alpha grid, all stations in one call
    A = np.linspace(-10.0, 14.0, 49)
    rep = {k: (np.repeat(v, len(A), axis=-1)) for k, v in kp.items()}
    grid = nf.get_aero_from_kulfan_parameters(rep, alpha=np.tile(A, nj), Re=reynolds,
                                              model_size=model_size)
    CLg = np.asarray(grid["CL"]).reshape(nj, len(A))
    xb = np.asarray(nf.bl_x_points)
    out = np.empty((len(conds), ni, nj))
    for c, (mach, alpha) in enumerate(conds):
        cl = _strip_cl(asb, sec, afs, alpha) / cosL**2
        a_eff = np.empty(nj)
        for j in range(nj):
            k = np.argmax(CLg[j])  # invert on the rising branch
            a_eff[j] = np.interp(cl[j], CLg[j, : k + 1], A[: k + 1])
        r = nf.get_aero_from_kulfan_parameters(kp, alpha=a_eff, Re=reynolds,
                                               model_size=model_size)
        up = np.stack([np.asarray(r[f"upper_bl_ue/vinf_{k}"]) for k in range(len(xb))], 1)
        lo = np.stack([np.asarray(r[f"lower_bl_ue/vinf_{k}"]) for k in range(len(xb))], 1)
        mn = mach * cosL
        beta = np.sqrt(1 - mn**2)
        # the signed surface velocity (negative on the lower side, where the flow runs
        # towards the leading edge) is nearly linear in s = +-sqrt(x/c) around the nose:
        # interpolating it puts the stagnation point (v = 0) where the two sides say
        sk = np.concatenate([-np.sqrt(xb[::-1]), np.sqrt(xb)])
        for j in range(nj):
            s = np.sqrt(np.clip(sec["xi"][:, j], 0.0, 1.0))
            s[: i_le[j]] *= -1
            ue = np.interp(s, sk, np.concatenate([-lo[j, ::-1], up[j]]))
            cp0 = 1.0 - ue**2
            out[c, :, j] = cosL[j] ** 2 * cp0 / (beta[j] + mn[j] ** 2 * cp0 / (2 * (1 + beta[j])))
        # lift from the labels must follow the solver's: a misread layout flips or kills it
        area = np.sum(sec["chord"] * np.gradient(sec["y"]))
        lift = _pressure_lift(X, out[c], alpha) / area
        ref = np.sum(cl * cosL**2 * sec["chord"] * np.gradient(sec["y"])) / area
        if min(abs(lift), abs(ref)) > 0.1 and lift * ref < 0:
            raise LabelError(f"{where or 'wing'}: Cp integrates to lift of the opposite sign "
                             f"from the lift distribution at alpha = {alpha}; layout misread?")
    if not np.isfinite(out).all():
        raise LabelError(f"{where or 'wing'}: non-finite Cp (condition out of the model's range?)")
    return out


def _pressure_lift(X, cp, alpha_deg):
    """Lift (per unit dynamic pressure) of the pressure field ``cp: (ni, nj)``."""
    Xi = np.gradient(X, axis=0)
    Xj = np.gradient(X, axis=1)
    n = np.cross(Xi, Xj)  # outward, times the cell area
    a = np.radians(alpha_deg)
    f = -(cp[..., None] * n).sum((0, 1))
    return f[2] * np.cos(a) - f[0] * np.sin(a)
