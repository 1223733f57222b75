r"""Finite differences across block seams, and features of multi-block surfaces.

Each block is first differenced alone (:func:`geomkit.mesh.structured.grid_jet`).
Then every point within one grid step of a smooth seam is differenced again
with stencils that walk across the seam into the neighbour block (index steps
are carried through each seam's transform), so a block edge gets the same
4th-order central stencils as the interior.  The rules, per grid direction of
the point's own block:

* walk up to six steps each way; a walk stops at a free edge, a crease seam,
  a collapsed edge, or an in-block crease (:func:`geomkit.mesh.grid.line_topology`);
* 5-point central stencil when two steps are available on both sides, else
  the 7-point one-sided window nearest the point, else 3 points -- the rules of
  :func:`geomkit.mesh.grid.stencils`, which they reproduce inside a block;
* a seam where the grid steps or the curvature jump
  (:data:`geomkit.mesh.connectivity.JUMP`) is crossed only by the stencils of
  the points on it;
* the mixed derivative ``X_ij`` uses the tensor product of both windows;
  where a point of it does not exist (a corner where three or five blocks
  meet) the block's own one-sided value is kept.

On a seam both blocks then use the same points, so coincident points get the
same invariants.  Directions a block wraps around itself (periodic,
:func:`~geomkit.mesh.grid.line_topology`) are left to the block pass.

:func:`multiblock_features` then evaluates the formulas, reverses the normal
of blocks whose sign is -1 (``normal, b, H, S`` change sign, ``k1, k2``
become ``-k2, -k1``, ``d1`` and ``d2`` swap; chart components stay in the
block's own chart), and at points on a collapsed edge (a pole), where the
chart is singular, takes the invariants from a quartic jet fit on the welded
surface (:func:`welded_triangles`) and leaves the chart features NaN, marked
by ``chart_valid`` = 0.
"""

import numba as nb
import numpy as np

from .grid import fd_weights

__all__ = ["seam_jet", "MAXW"]

MAXW = 6  # steps walked each way


def _weight_tables():
    """``W[w, lo + MAXW, k, d]``: weights of derivative ``d`` (1, 2) at offset 0 on
    nodes ``lo .. lo + w - 1`` for ``w`` in (3, 5, 7)."""
    W = np.zeros((8, 2 * MAXW + 1, 7, 2))
    for w in (3, 5, 7):
        for lo in range(-MAXW, 1):
            if lo + w - 1 < 0 or lo + w - 1 > MAXW:
                continue
            c = fd_weights(0.0, np.arange(lo, lo + w, dtype=float), 2)
            W[w, lo + MAXW, :w, 0] = c[:, 1]
            W[w, lo + MAXW, :w, 1] = c[:, 2]
    return W


@nb.njit(cache=True)
def _locate(p, offs):
    b = np.searchsorted(offs, p, side="right") - 1
    return b


@nb.njit(cache=True)
def _step(st, e0, e1, i0, j0, offs, shapes, side_off, partner, partner_T, cuts, jump):
    """One index step ``(e0, e1)`` of the starting block's frame, in place on the
    walk state ``st = [block, i, j, T00, T01, T10, T11, home]`` (``T`` takes the
    starting frame to the current block's).  False where the walk must stop:
    a free edge, a crease, an in-block crease of the starting block, or a jump
    seam not crossed from the seam itself (``i0, j0``: the start)."""
    b, i, j = st[0], st[1], st[2]
    t00, t01, t10, t11 = st[3], st[4], st[5], st[6]
    home = st[7] == 1
    d0 = t00 * e0 + t01 * e1
    d1 = t10 * e0 + t11 * e1
    ni = shapes[b, 0]
    nj = shapes[b, 1]
    if home:  # in-block creases of the starting block
        if d0 != 0:
            for c in cuts[b, 0]:
                if c < 0:
                    break
                if (d0 > 0 and i == c) or (d0 < 0 and i == c and i0 != c):
                    return False
        else:
            for c in cuts[b, 1]:
                if c < 0:
                    break
                if (d1 > 0 and j == c) or (d1 < 0 and j == c and j0 != c):
                    return False
    i2 = i + d0
    j2 = j + d1
    if 0 <= i2 < ni and 0 <= j2 < nj:
        st[1] = i2
        st[2] = j2
        return True
    if i2 < 0:
        side, k = 0, j
    elif i2 >= ni:
        side, k = 1, j
    elif j2 < 0:
        side, k = 2, i
    else:
        side, k = 3, i
    r = side_off[b, side] + k
    q = partner[r]
    if q < 0:
        return False
    if jump[r] and not (home and ((side == 0 and i0 == 0) or (side == 1 and i0 == ni - 1)
                                  or (side == 2 and j0 == 0) or (side == 3 and j0 == nj - 1))):
        return False  # only stencils of points on the seam cross a jump
    a00, a01, a10, a11 = partner_T[r, 0], partner_T[r, 1], partner_T[r, 2], partner_T[r, 3]
    c = _locate(q, offs)
    nic = shapes[c, 0]
    ic = (q - offs[c]) % nic
    jc = (q - offs[c]) // nic
    i2 = ic + a00 * d0 + a01 * d1
    j2 = jc + a10 * d0 + a11 * d1
    if not (0 <= i2 < nic and 0 <= j2 < shapes[c, 1]):
        return False
    st[0] = c
    st[1] = i2
    st[2] = j2
    st[3] = a00 * t00 + a01 * t10
    st[4] = a00 * t01 + a01 * t11
    st[5] = a10 * t00 + a11 * t10
    st[6] = a10 * t01 + a11 * t11
    st[7] = 0
    return True


@nb.njit(cache=True)
def _point(st, offs, shapes):
    return offs[st[0]] + st[1] + shapes[st[0], 0] * st[2]


@nb.njit(cache=True)
def _window(a, b):
    """(lo, w) of the stencil with ``a`` steps available below and ``b`` above."""
    if a >= 2 and b >= 2:
        return -2, 5
    if a + b + 1 >= 7:
        if a < b:
            return -a, 7
        return b - 6, 7
    if a + b + 1 >= 3:
        lo = -1
        if lo < -a:
            lo = -a
        if lo > b - 2:
            lo = b - 2
        return lo, 3
    return 0, 0


@nb.njit(parallel=True, cache=True)
def _seam_kernel(P, todo, offs, shapes, side_off, partner, partner_T, jump, cuts, periodic, W,
                 J):
    M = 2 * MAXW + 1
    nchunk = min(todo.shape[0], 64)
    for ch in nb.prange(nchunk):  # scratch arrays once per chunk, not per point
        init = np.empty(8, np.int64)
        st = np.empty(8, np.int64)
        # states[ax, sgn, s]: the walk state s steps along axis ax (sgn 0: -, 1: +)
        states = np.empty((2, 2, MAXW + 1, 8), np.int64)
        reach = np.zeros((2, 2), np.int64)
        lines = np.empty((2, M), np.int64)
        los = np.zeros(2, np.int64)
        ws = np.zeros(2, np.int64)
        acc = np.zeros(3)
        pts = np.empty(M, np.int64)
        for t in range(ch * todo.shape[0] // nchunk, (ch + 1) * todo.shape[0] // nchunk):
            _seam_point(t, P, todo, offs, shapes, side_off, partner, partner_T, jump, cuts,
                        periodic, W, J, init, st, states, reach, lines, los, ws, acc, pts)


@nb.njit(cache=True)
def _seam_point(t, P, todo, offs, shapes, side_off, partner, partner_T, jump, cuts, periodic,
                W, J, init, st, states, reach, lines, los, ws, acc, pts):
    """The jet of point ``todo[t]`` into column ``t`` of ``J`` (scratch arrays given)."""
    p = todo[t]
    b = _locate(p, offs)
    ni = shapes[b, 0]
    i0 = (p - offs[b]) % ni
    j0 = (p - offs[b]) // ni
    init[0], init[1], init[2], init[3] = b, i0, j0, 1
    init[4], init[5], init[6], init[7] = 0, 0, 1, 1
    reach[:] = 0
    lines[:] = -1
    los[:] = 0
    ws[:] = 0
    ok = True
    for ax in range(2):
        if periodic[b, ax]:
            ws[ax] = -1
            continue
        lines[ax, MAXW] = p
        for sgn in range(2):
            step = 1 if sgn == 1 else -1
            st[:] = init
            states[ax, sgn, 0] = init
            for s in range(1, MAXW + 1):
                if not _step(st, step if ax == 0 else 0, 0 if ax == 0 else step, i0, j0,
                             offs, shapes, side_off, partner, partner_T, cuts, jump):
                    break
                states[ax, sgn, s] = st
                lines[ax, MAXW + step * s] = _point(st, offs, shapes)
                reach[ax, sgn] = s
        lo, w = _window(reach[ax, 0], reach[ax, 1])
        if w == 0:
            ok = False
            break
        los[ax] = lo
        ws[ax] = w
        for c in range(3):
            s1 = 0.0
            s2 = 0.0
            for k in range(w):
                x = P[lines[ax, MAXW + lo + k], c]
                s1 += W[w, lo + MAXW, k, 0] * x
                s2 += W[w, lo + MAXW, k, 1] * x
            J[3 * ax + c, t] = s1
            J[6 + 6 * ax + c, t] = s2
    if not ok or ws[0] < 0 or ws[1] < 0:
        return
    # mixed derivative: tensor product of both windows, points found by walking
    # u then v (else v then u) from the states stored above
    lu, wu, lv, wv = los[0], ws[0], los[1], ws[1]
    acc[:] = 0.0
    good = True
    for k in range(wu):
        a = W[wu, lu + MAXW, k, 0]
        if a == 0.0:
            continue
        du = lu + k
        su = states[0, 1 if du > 0 else 0, abs(du)]
        pts[:] = -1
        pts[MAXW] = _point(su, offs, shapes)
        for sgn in range(2):
            step = 1 if sgn == 1 else -1
            st[:] = su
            for s in range(1, MAXW + 1):
                dv = step * s
                if dv < lv or dv > lv + wv - 1:
                    break
                if not _step(st, 0, step, i0, j0, offs, shapes, side_off, partner,
                             partner_T, cuts, jump):
                    break
                pts[MAXW + dv] = _point(st, offs, shapes)
        for m in range(wv):
            c_ = W[wv, lv + MAXW, m, 0]
            if c_ == 0.0:
                continue
            dv = lv + m
            q = pts[MAXW + dv]
            if q < 0 and lines[1, MAXW + dv] >= 0:  # the other order
                st[:] = states[1, 1 if dv > 0 else 0, abs(dv)]
                q = _point(st, offs, shapes)
                for _s in range(abs(du)):
                    if not _step(st, 1 if du > 0 else -1, 0, i0, j0, offs, shapes,
                                 side_off, partner, partner_T, cuts, jump):
                        q = -1
                        break
                    q = _point(st, offs, shapes)
            if q < 0:
                good = False
                break
            for c in range(3):
                acc[c] += a * c_ * P[q, c]
        if not good:
            break
    if good:
        for c in range(3):
            J[9 + c, t] = acc[c]


def seam_jet(blocks, conn, topologies, J, points=None):
    """Overwrite, in the concatenated jet ``J: (15, n)``, the points next to smooth
    seams with seam-crossing stencils (see the module docstring); ``points`` are
    the blocks' points concatenated, when already at hand."""
    shapes = np.array([X.shape[:2] for X in blocks], dtype=np.int64)
    offs = np.asarray(conn.offsets, np.int64)
    todo = []
    has = conn.partner >= 0
    for b, (ni, nj) in enumerate(shapes):
        sides = [bool(has[conn.side_offset[b, s]:conn.side_offset[b, s] + (nj if s < 2 else ni)]
                      .any()) for s in range(4)]
        if not any(sides):
            continue
        m = np.zeros((ni, nj), bool)
        if sides[0]:
            m[:2] = True
        if sides[1]:
            m[-2:] = True
        if sides[2]:
            m[:, :2] = True
        if sides[3]:
            m[:, -2:] = True
        i, j = np.nonzero(m)
        todo.append(offs[b] + i + ni * j)
    if not todo:
        return J
    todo = np.sort(np.concatenate(todo))
    maxc = max([1] + [len(t[a][1]) for t in topologies for a in range(2)])
    cuts = np.full((len(blocks), 2, maxc), -1, np.int64)
    periodic = np.zeros((len(blocks), 2), np.int64)
    for b, t in enumerate(topologies):
        for a in range(2):
            periodic[b, a] = t[a][0]
            cuts[b, a, : len(t[a][1])] = t[a][1]
    P = np.ascontiguousarray(points if points is not None else np.concatenate(
        [X.transpose(1, 0, 2).reshape(-1, 3) for X in blocks]))
    Jt = np.ascontiguousarray(J[:, todo])
    _seam_kernel(P, todo, offs, shapes, conn.side_offset, conn.partner, conn.partner_T,
                 conn.jump, cuts, periodic, _weight_tables(), Jt)
    J[:, todo] = Jt
    return J


def _flip(out, lo, hi):
    """Reverse the normal on points ``lo:hi``: what changes sign or swaps (see the docs)."""
    r = slice(lo, hi)
    for k in ("normal", "b", "H", "S"):
        if k in out:
            out[k][r] *= -1.0
    if "k1" in out and "k2" in out:
        k1 = out["k1"][r].copy()
        np.negative(out["k2"][r], out=out["k1"][r])
        np.negative(k1, out=out["k2"][r])
    if "d1" in out and "d2" in out:
        d1 = out["d1"][r].copy()
        out["d1"][r] = out["d2"][r]
        out["d2"][r] = d1


def welded_triangles(surface, conn):
    """The surface as one welded, consistently oriented triangle mesh.

    Returns ``(V, F, index)``: ``V`` the welded points, ``F`` triangles (two per
    grid cell, oriented by each block's sign; triangles that collapse at a pole
    dropped), ``index`` (n,) the welded vertex of every grid point.
    """
    uniq, index = np.unique(conn.welded, return_inverse=True)
    V = surface.points[uniq]
    tris = []
    for b, ((ni, nj), off) in enumerate(zip(surface.shapes, surface.offsets[:-1])):
        i, j = np.meshgrid(np.arange(ni - 1), np.arange(nj - 1), indexing="ij")
        p = (off + i + ni * j).ravel()
        q = np.stack([p, p + 1, p + 1 + ni, p + ni], axis=-1)
        if conn.block_sign[b] < 0:
            q = q[:, ::-1]
        tris += [q[:, [0, 1, 2]], q[:, [0, 2, 3]]]
    F = index[np.concatenate(tris)]
    keep = (F[:, 0] != F[:, 1]) & (F[:, 1] != F[:, 2]) & (F[:, 0] != F[:, 2])
    return V, np.ascontiguousarray(F[keep]), index


def multiblock_features(surface, names, where=""):
    """Features of a :class:`~geomkit.mesh.surface.StructuredSurface` of any number of
    blocks: seams differenced across, one orientation, singular points by jet fit."""
    from .extract import CHART_FEATURES, INVARIANT_FEATURES
    from .grid import line_topology
    from .pointwise import jet_features, shape_tensor
    from .structured import grid_jet

    conn = surface.connectivity
    blocks = surface.blocks
    asked = list(names)
    if (conn.block_sign < 0).any():  # a flip swaps k1/k2 and d1/d2: compute the pairs
        for a, b in (("k1", "k2"), ("d1", "d2")):
            if a in names or b in names:
                names = list(dict.fromkeys([*names, a, b]))
    topo = [(line_topology(X, 0), line_topology(X, 1)) for X in blocks]
    offs = surface.offsets
    if len(blocks) == 1:
        J = grid_jet(blocks[0], topo[0])
    else:
        J = np.empty((15, int(offs[-1])))
        for b, (X, t) in enumerate(zip(blocks, topo)):
            grid_jet(X, t, out=J[:, offs[b]:offs[b + 1]])
    if conn.seams:
        J = seam_jet(blocks, conn, topo, J, surface.points)
    sing = conn.singular
    ok = np.flatnonzero(~sing)

    def label(p):
        g = int(ok[p])
        b = int(np.searchsorted(offs, g, side="right") - 1)
        ni = surface.shapes[b][0]
        return f"block {b} (i, j) = ({(g - offs[b]) % ni}, {(g - offs[b]) // ni})"

    part = jet_features(J if ok.size == len(sing) else J[:, ok], names, where, label)
    n = len(sing)
    if ok.size == n:
        out = part
    else:
        out = {}
        for k, v in part.items():
            full = np.full((n, *v.shape[1:]), np.nan)
            full[ok] = v
            out[k] = full
    for b in np.flatnonzero(conn.block_sign < 0):
        _flip(out, offs[b], offs[b + 1])
    if sing.any():
        from .triangle import adjacency, jet_fit

        V, F, index = welded_triangles(surface, conn)
        inv = [k for k in names if k in INVARIANT_FEATURES]
        if inv:
            todo = np.zeros(len(V), bool)
            todo[index[sing]] = True
            # quartic: on the symmetric fan around a pole it is far more accurate (few points)
            r = jet_fit(V, F, adjacency(F, len(V)), where, 4, todo=todo)
            if "S" in inv:
                r["S"] = shape_tensor(r["k1"], r["k2"], r["d1"], r["d2"])
            for k in inv:
                out[k][sing] = r[k][index[sing]]
        if any(k in CHART_FEATURES for k in names):
            out["chart_valid"] = (~sing).astype(np.float64)
    return {k: out[k] for k in [*asked, "chart_valid"] if k in out}
