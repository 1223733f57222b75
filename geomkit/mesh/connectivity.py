r"""Block connectivity of multi-block structured surfaces (numpy only, no numba).

A CFD surface grid comes in blocks ``X: (ni, nj, 3)`` whose edges abut other
blocks' edges (or the same block's opposite edge: a wrapped O-grid).  This
module finds, from the coordinates alone:

* **welded points** -- grid points of different blocks (or of one block) that
  coincide within ``rtol`` times the local grid spacing (the shortest non-zero
  grid edge at the point); each physical point gets one welded id (the lowest
  point number of its group);
* **seams** -- runs of block-edge points that abut another block's edge, with
  the relative orientation of the two index frames (a 2x2 signed permutation
  ``T`` taking a step ``(di, dj)`` of the first block to the second's), found
  segment by segment, so whole edges and parts of edges alike;
* **creases** -- a seam where the surface turns sharply (a sharp trailing
  edge) is marked a crease, by geometry: the grid line crossing the seam turns
  there by more than ``CREASE_DEG`` degrees and by more than three times the
  turning at the neighbouring points (a rounded trailing edge is smooth);
* **jumps** -- where the grid steps on the two sides of a smooth seam, or the
  curvature of the grid line crossing it, differ by more than a factor
  ``JUMP`` (a flat surface meeting a tightly rounded trailing edge: tangent
  continuous, curvature not), only the points on the seam are differenced
  across (so both blocks give them one value); their neighbours keep their own
  block's stencils, which would otherwise straddle the jump and overshoot;
* **collapsed edges** -- a block edge all of whose points coincide (a pole or
  the collapsed line of an O-type tip cap); the chart is singular there;
* **orientation** -- crossing a seam with ``det T = -1`` reverses the
  chart's handedness, so each block gets a sign ``+1``/``-1`` that makes the
  normal ``sign * X_i x X_j`` consistent across seams (a conflict means the
  surface is not orientable, a :class:`geomkit.MeshError`).  The common sign
  of each connected piece is then chosen so that the normal points outward:
  ``sum (X - c) . N dA > 0`` over the piece (``c`` its centroid), when that sum
  is decisive (more than ``1e-3 A^{3/2}``, ``A`` the area: a closed surface or
  a wing open at the root); otherwise the chart normal of the piece's first
  block is kept.  A single-block grid keeps its chart normal ``X_i x X_j``.

Block sides are numbered ``0: i = 0``, ``1: i = ni - 1``, ``2: j = 0``,
``3: j = nj - 1``; the point ``k`` of a side is ``(0, k)``, ``(ni - 1, k)``,
``(k, 0)``, ``(k, nj - 1)``.

>>> import numpy as np
>>> u, v = np.meshgrid(np.linspace(0, 1, 9), np.linspace(0, 1, 5), indexing='ij')
>>> X = np.stack([u, v, 0 * u], axis=-1)
>>> left, right = X[:5], X[4:, ::-1]         # the second block runs the other way in j
>>> c = block_connectivity([left, right])
>>> [(s.block, s.side, s.other, s.other_side, s.crease) for s in c.seams]
[(0, 1, 1, 0, False), (1, 0, 0, 1, False)]
>>> c.seams[0].transform.tolist()           # i -> i, j -> -j
[[1, 0], [0, -1]]
>>> c.block_sign.tolist()                   # flat and open: block 0's chart decides
[1, -1]
"""

from dataclasses import dataclass

import numpy as np

from ..errors import MeshError
from .grid import CREASE_DEG

__all__ = ["SIDES", "JUMP", "Seam", "Connectivity", "block_connectivity", "side_points"]

JUMP = 2.5  # grid steps or line curvature across a seam differing by more: a jump

SIDES = ("i=0", "i=max", "j=0", "j=max")
_OUT = np.array([[-1, 0], [1, 0], [0, -1], [0, 1]], dtype=np.int64)  # outward step
_TAN = np.array([[0, 1], [0, 1], [1, 0], [1, 0]], dtype=np.int64)  # step along the side


def side_points(ni, nj, side):
    """``(i, j)`` arrays of the points of a block side, in order of ``k``."""
    if side == 0:
        return np.zeros(nj, np.int64), np.arange(nj)
    if side == 1:
        return np.full(nj, ni - 1, np.int64), np.arange(nj)
    if side == 2:
        return np.arange(ni), np.zeros(ni, np.int64)
    return np.arange(ni), np.full(ni, nj - 1, np.int64)


@dataclass(frozen=True)
class Seam:
    """Points ``k0..k1`` of side ``side`` of ``block`` abut points ``m0..m1`` (in the
    same order; ``m1 < m0`` when reversed) of side ``other_side`` of ``other``.
    ``transform`` takes an index step of ``block`` to one of ``other``; ``crease``
    marks a sharp seam (not differenced across)."""

    block: int
    side: int
    k0: int
    k1: int
    other: int
    other_side: int
    m0: int
    m1: int
    transform: np.ndarray
    crease: bool

    def describe(self):
        a = f"block {self.block} {SIDES[self.side]} [{self.k0}..{self.k1}]"
        b = f"block {self.other} {SIDES[self.other_side]} [{self.m0}..{self.m1}]"
        t = self.transform
        how = "reversed" if (self.m1 - self.m0) * (self.k1 - self.k0) < 0 else "same direction"
        flip = ", opposite handedness" if round(np.linalg.det(t)) < 0 else ""
        return f"{a} ~ {b} ({how}{flip}{', crease' if self.crease else ''})"


class Connectivity:
    """What :func:`block_connectivity` finds; attributes:

    ``welded`` (n,) int64 welded id of each point (lowest point number of its
    group); ``seams`` list of :class:`Seam`; ``collapsed`` list of
    ``(block, side)``; ``singular`` (n,) bool, points on collapsed edges;
    ``block_sign`` (nblocks,) int64; ``on_crease`` (n,) bool, points on a
    crease seam; ``rtol``; and the per-side tables used by
    the seam stencils: ``side_offset`` (nblocks, 4), ``partner`` (m,) point
    number across the side or -1 (none, or a crease), ``partner_T`` (m, 4), and
    ``jump`` (m,) bool, where the grid steps or the line curvature jump across
    the seam.
    """

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def coincident_pairs(self, creases=False):
        """Pairs ``(a, b)`` (two (m,) int64 arrays) of point numbers in different
        blocks that are one physical point; without ``creases``, none on a crease
        seam or a collapsed edge."""
        w = self.welded
        order = np.argsort(w, kind="stable")
        ws = w[order]
        blk = np.searchsorted(self.offsets, order, side="right") - 1
        A, B = [], []
        k = 1
        while True:
            same = ws[k:] == ws[:-k]
            if not same.any():
                break
            idx = np.flatnonzero(same & (blk[k:] != blk[:-k]))
            A.append(order[idx])
            B.append(order[idx + k])
            k += 1
        a = np.concatenate(A) if A else np.zeros(0, np.int64)
        b = np.concatenate(B) if B else np.zeros(0, np.int64)
        if not creases:
            bad = self.on_crease | self.singular
            grp_bad = np.zeros(len(w), bool)
            grp_bad[w[bad]] = True
            keep = ~grp_bad[w[a]]
            a, b = a[keep], b[keep]
        return a, b

    @property
    def n_welded(self):
        return int(len(np.unique(self.welded)))

    def summary(self):
        """A JSON-friendly dict: seams (one line each), collapsed edges, block signs."""
        return {
            "seams": [s.describe() for s in self.seams if s.block < s.other
                      or (s.block == s.other and s.side <= s.other_side)],
            "collapsed": [f"block {b} {SIDES[s]}" for b, s in self.collapsed],
            "block_sign": self.block_sign.tolist(),
            "welded_points": self.n_welded,
            "rtol": self.rtol,
        }


def _close_pairs(P, reach):
    """Pairs ``(a, b)`` with ``|P[a] - P[b]| <= max(reach[a], reach[b])``, and distances."""
    h = P @ np.array([0.7548776662466927, 0.5698402909980532, 0.3247179572447461])
    order = np.argsort(h, kind="stable")
    hs, Ps, rs = h[order], P[order], reach[order]
    rmax = float(rs.max()) if len(rs) else 0.0
    A, B, D = [], [], []
    k = 1
    while k < len(hs):
        dh = hs[k:] - hs[:-k]
        near = dh <= rmax
        if not near.any():
            break
        idx = np.flatnonzero(near)
        d = np.linalg.norm(Ps[idx + k] - Ps[idx], axis=1)
        ok = d <= np.maximum(rs[idx], rs[idx + k])
        A.append(order[idx[ok]])
        B.append(order[idx[ok] + k])
        D.append(d[ok])
        k += 1
    if not A:
        z = np.zeros(0, np.int64)
        return z, z, np.zeros(0)
    return np.concatenate(A), np.concatenate(B), np.concatenate(D)


def _weld(n, a, b):
    lab = np.arange(n)
    while True:
        m = np.minimum(lab[a], lab[b])
        new = lab.copy()
        np.minimum.at(new, a, m)
        np.minimum.at(new, b, m)
        new = new[new]
        if np.array_equal(new, lab):
            return lab
        lab = new


def _beside_a_cusp(bpos, a, c, bad, lab):
    """Which close pairs flagged ``bad`` are two distinct points next to one
    welded point: the first points off a thin (cusped) trailing edge, whose two
    sides approach closer than a grid step without meeting.  Those are apart."""
    where = {tuple(p): k for k, p in enumerate(bpos.tolist())}

    def labels(k):
        b, i, j = bpos[k]
        return {lab[where[q]] for q in ((b, i - 1, j), (b, i + 1, j), (b, i, j - 1), (b, i, j + 1))
                if q in where}

    out = np.zeros(len(a), bool)
    for k in np.flatnonzero(bad):
        out[k] = bool(labels(a[k]) & labels(c[k]))
    return out


def block_connectivity(blocks, rtol=0.1, source=None):
    """Connectivity of a list of blocks ``(ni, nj, 3)`` (see the module docstring).

    ``rtol`` (0 < rtol < 0.5) is the coincidence tolerance relative to the local
    grid spacing.  Points closer than twice the tolerance but not within it
    are an error (the tolerance does not fit the file), as are NaN coordinates,
    blocks with fewer than 3 points in a direction, and a surface that is not
    orientable; each :class:`geomkit.MeshError` names the block.
    """
    where = f"{source}: " if source else ""
    if not (isinstance(rtol, (int, float)) and 0.0 < rtol < 0.5):
        raise MeshError(f"{where}seam tolerance rtol must be a number in (0, 0.5), got {rtol!r}")
    shapes = [X.shape[:2] for X in blocks]
    offs = np.concatenate([[0], np.cumsum([a * b for a, b in shapes])]).astype(np.int64)
    n = int(offs[-1])
    for b, X in enumerate(blocks):
        ni, nj = X.shape[:2]
        if ni < 3 or nj < 3:
            raise MeshError(f"{where}block {b} is {ni}x{nj}: a block needs at least 3 points "
                            "in each direction")
        if not np.isfinite(X).all():
            i, j = np.argwhere(~np.isfinite(X).all(axis=2))[0]
            raise MeshError(f"{where}block {b} has NaN or infinite coordinates "
                            f"(first at (i, j) = ({i}, {j}))")
    # boundary points of every block (corners twice), with their spacing
    bid, bP, bh, bpos = [], [], [], []
    for b, X in enumerate(blocks):
        ni, nj = X.shape[:2]
        for side in range(4):
            i, j = side_points(ni, nj, side)
            P = X[i, j]
            o = _OUT[side]
            inner = X[i - o[0], j - o[1]]
            along = np.linalg.norm(np.diff(P, axis=0), axis=1)
            h = np.stack([np.linalg.norm(inner - P, axis=1),
                          np.r_[along, np.inf], np.r_[np.inf, along]])
            bid.append(offs[b] + i + ni * j)
            bP.append(P)
            bh.append(h)
            bpos.append(np.column_stack([np.full(len(i), b), i, j]))
    bid, bP, bpos = map(np.concatenate, (bid, bP, bpos))
    bh = np.concatenate(bh, axis=1)
    scale = float(np.ptp(bP, axis=0).max()) or 1.0
    bh = np.where(bh > 1e-13 * scale, bh, np.inf).min(axis=0)
    bh = np.where(np.isfinite(bh), bh, scale)
    a, c, d = _close_pairs(bP, 2 * rtol * bh)
    tol = rtol * np.minimum(bh[a], bh[c])
    bad = d > tol
    if bad.any():
        bad &= ~_beside_a_cusp(bpos, a, c, bad, _weld(len(bid), a[~bad], c[~bad]))
        keep = ~(d > tol) | bad
        a, c, d, bad = a[keep], c[keep], d[keep], bad[keep]
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        pa, pc = bpos[a[k]], bpos[c[k]]
        raise MeshError(
            f"{where}block {pa[0]} point (i, j) = ({pa[1]}, {pa[2]}) and block {pc[0]} point "
            f"({pc[1]}, {pc[2]}) are {d[k] / min(bh[a[k]], bh[c[k]]):.3g} grid steps apart: "
            f"neither coincident within the seam tolerance rtol={rtol} nor clearly apart; "
            "pass a tolerance that fits the file (seam_rtol)"
        )
    welded = np.arange(n)
    welded[bid] = bid[_weld(len(bid), a, c)]

    # block sides: collapsed or not; segments keyed by their welded end points
    side_offset = np.zeros((len(blocks), 4), np.int64)
    m = 0
    collapsed = []
    segs = []  # (key, block, side, k, forward)
    for b, (ni, nj) in enumerate(shapes):
        for s in range(4):
            side_offset[b, s] = m
            i, j = side_points(ni, nj, s)
            m += len(i)
            g = welded[offs[b] + i + ni * j]
            if (g == g[0]).all():
                collapsed.append((b, s))
                continue
            g0, g1 = g[:-1], g[1:]
            ok = g0 != g1
            k = np.flatnonzero(ok)
            lo, hi = np.minimum(g0, g1)[ok], np.maximum(g0, g1)[ok]
            segs.append(np.column_stack([lo * n + hi, np.full(len(k), b), np.full(len(k), s),
                                         k, (g0 < g1)[ok]]))
    partner = np.full(m, -1, np.int64)
    partner_T = np.zeros((m, 4), np.int64)
    on_crease = np.zeros(m, bool)
    jump = np.zeros(m, bool)
    segs = np.concatenate(segs) if segs else np.zeros((0, 5), np.int64)
    segs = segs[np.argsort(segs[:, 0], kind="stable")]
    key = segs[:, 0]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    counts = np.diff(np.r_[starts, len(key)])
    if (counts > 2).any():
        r = segs[starts[np.flatnonzero(counts > 2)[0]]]
        raise MeshError(f"{where}block {r[1]} {SIDES[r[2]]} near point {r[3]}: a grid edge is "
                        "shared by more than two blocks (non-manifold surface)")
    st = starts[counts == 2]
    e1, e2 = segs[st], segs[st + 1]
    x, y = np.concatenate([e1, e2]), np.concatenate([e2, e1])  # both directions
    b_, s_, k_, f_ = x[:, 1], x[:, 2], x[:, 3], x[:, 4]
    cb_, cs_, kc_, cf_ = y[:, 1], y[:, 2], y[:, 3], y[:, 4]
    same = f_ == cf_
    Mb = np.stack([_TAN[s_], _OUT[s_]], axis=-1)  # columns: along the side, outward
    Mc = np.stack([_TAN[cs_] * np.where(same, 1, -1)[:, None], -_OUT[cs_]], axis=-1)
    T_ = np.einsum("mij,mkj->mik", Mc, Mb).reshape(-1, 4)  # Mc Mb^T (Mb orthogonal)
    # one integer key per (block, side, other block, other side, T); T's entries are -1..1
    nbk = len(blocks)
    gcode = ((b_ * 4 + s_) * nbk + cb_) * 4 + cs_
    gcode = gcode * 81 + ((T_ + 1) * np.array([27, 9, 3, 1])).sum(1)
    _, first, ginv = np.unique(gcode, return_index=True, return_inverse=True)
    ginv = ginv.ravel()
    groups = np.column_stack([b_, s_, cb_, cs_, T_])[first]
    big = int(max(max(shapes, key=max))) + 2
    kk = np.concatenate([k_, k_ + 1])
    kc = np.concatenate([np.where(same, kc_, kc_ + 1), np.where(same, kc_ + 1, kc_)])
    code = np.unique((np.concatenate([ginv, ginv]) * big + kk) * big + kc)  # sorted
    pg, pkk, pkc = code // (big * big), (code // big) % big, code % big
    bounds = np.searchsorted(pg, np.arange(len(groups) + 1))
    pairs = {tuple(int(v) for v in g[:4]) + (tuple(int(v) for v in g[4:]),):
             (pkk[bounds[q]:bounds[q + 1]], pkc[bounds[q]:bounds[q + 1]])
             for q, g in enumerate(groups)}
    seams = []
    P = list(blocks)
    for (b, s, cb, cs, Tt), (ks, kcs) in pairs.items():
        T = np.array(Tt, np.int64).reshape(2, 2)
        crease = _is_crease(P[b], P[cb], shapes[b], shapes[cb], s, cs, ks, kcs)
        # split into contiguous runs
        brk = np.flatnonzero(np.diff(ks) != 1) + 1
        for run in np.split(np.arange(len(ks)), brk):
            seams.append(Seam(b, s, int(ks[run[0]]), int(ks[run[-1]]), cb, cs,
                              int(kcs[run[0]]), int(kcs[run[-1]]), T, crease))
        if crease:
            on_crease[side_offset[b, s] + ks] = True
            continue
        ni_c = shapes[cb][0]
        ic, jc = side_points(*shapes[cb], cs)
        rec = side_offset[b, s] + ks
        partner[rec] = offs[cb] + ic[kcs] + ni_c * jc[kcs]
        partner_T[rec] = T.ravel()
        jump[rec] = _jumps(P[b], P[cb], shapes[b], shapes[cb], s, cs, ks, kcs)
    seams.sort(key=lambda x: (x.block, x.side, x.k0))
    singular = np.zeros(n, bool)
    for b, s in collapsed:
        i, j = side_points(*shapes[b], s)
        singular[offs[b] + i + shapes[b][0] * j] = True
    crease_pt = np.zeros(n, bool)
    for b, (ni, nj) in enumerate(shapes):
        for s in range(4):
            i, j = side_points(ni, nj, s)
            r = side_offset[b, s] + np.arange(len(i))
            crease_pt[offs[b] + i + ni * j] |= on_crease[r]
    sign = _orient(blocks, seams, shapes, where)
    return Connectivity(welded=welded, seams=seams, collapsed=collapsed, singular=singular,
                        block_sign=sign, rtol=rtol, on_crease=crease_pt,
                        side_offset=side_offset, partner=partner, partner_T=partner_T,
                        jump=jump,
                        offsets=offs, shapes=shapes)


def _line(Xb, shape_b, s, k, steps):
    """Points ``steps`` grid steps inside block side ``s`` at ``k`` (list of (len(k), 3))."""
    ni, nj = shape_b
    i, j = side_points(ni, nj, s)
    i, j = i[k], j[k]
    o = _OUT[s]
    return [Xb[i - q * o[0], j - q * o[1]] for q in steps]


def _angle(a, b):
    cos = (a * b).sum(-1) / np.maximum(np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1),
                                       1e-300)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _is_crease(Xb, Xc, sb, sc, s, cs, ks, kcs):
    """A seam is a crease when at least half of its grid lines turn sharply there."""
    p, b1, b2 = _line(Xb, sb, s, ks, (0, 1, 2))
    c1, c2 = _line(Xc, sc, cs, kcs, (1, 2))
    a0 = _angle(p - b1, c1 - p)
    nb_ = _angle(b1 - b2, p - b1)
    nc = _angle(c1 - p, c2 - c1)
    crease = (a0 > CREASE_DEG) & (a0 > 3.0 * np.maximum(nb_, nc))
    return bool(crease.mean() >= 0.5)


def _jumps(Xb, Xc, sb, sc, s, cs, ks, kcs):
    """Seam points where the grid steps, or the turning of the crossing grid line per
    unit length (its curvature), differ by more than a factor ``JUMP`` between the
    two sides (a flat side meeting a tightly rounded edge: a curvature jump)."""
    p, b1, b2 = _line(Xb, sb, s, ks, (0, 1, 2))
    c1, c2 = _line(Xc, sc, cs, kcs, (1, 2))
    hb = np.linalg.norm(p - b1, axis=1)
    hc = np.linalg.norm(c1 - p, axis=1)
    tiny = 1e-300
    step = np.maximum(hb, hc) > JUMP * np.maximum(np.minimum(hb, hc), tiny)
    ab = _angle(b1 - b2, p - b1)
    ac = _angle(c1 - p, c2 - c1)
    kb, kc = ab / np.maximum(hb, tiny), ac / np.maximum(hc, tiny)
    bend = (np.maximum(ab, ac) > 1.0) & (np.maximum(kb, kc) > JUMP * np.minimum(kb, kc))
    return step | bend


def _orient(blocks, seams, shapes, where):
    nb = len(blocks)
    sign = np.zeros(nb, np.int64)
    comp = np.full(nb, -1)
    adj = [[] for _ in range(nb)]
    for s in seams:
        if s.block != s.other:
            adj[s.block].append((s.other, int(round(np.linalg.det(s.transform)))))
        elif round(np.linalg.det(s.transform)) < 0:
            raise MeshError(f"{where}block {s.block} is joined to itself with a flip "
                            "(a Moebius-like seam): the surface is not orientable")
    for root in range(nb):
        if comp[root] >= 0:
            continue
        comp[root] = root
        sign[root] = 1
        stack = [root]
        while stack:
            b = stack.pop()
            for c, det in adj[b]:
                want = sign[b] * det
                if comp[c] < 0:
                    comp[c] = root
                    sign[c] = want
                    stack.append(c)
                elif sign[c] != want:
                    raise MeshError(f"{where}blocks {b} and {c}: the seams give block {c} "
                                    "both orientations; the surface is not orientable")
    if nb == 1:  # one block: its chart normal, as the user indexes it
        return sign
    # outward, per connected piece, when decisive
    for root in np.unique(comp):
        members = np.flatnonzero(comp == root)
        vol, area, cen, wsum = 0.0, 0.0, np.zeros(3), 0.0
        parts = []
        for b in members:
            X = blocks[b]
            # a sub-grid (with the block's edges) tells the sign as well as all points
            ii = np.unique(np.linspace(0, X.shape[0] - 1, 65).round().astype(int))
            jj = np.unique(np.linspace(0, X.shape[1] - 1, 65).round().astype(int))
            X = X[np.ix_(ii, jj)]
            e = np.cross(X[1:, :-1] - X[:-1, :-1], X[:-1, 1:] - X[:-1, :-1])
            e = e + np.cross(X[1:, 1:] - X[:-1, 1:], X[1:, 1:] - X[1:, :-1])
            ctr = 0.25 * (X[1:, 1:] + X[:-1, 1:] + X[1:, :-1] + X[:-1, :-1])
            a = 0.5 * np.linalg.norm(e, axis=-1)
            parts.append((b, 0.5 * e, ctr))
            cen += (ctr * a[..., None]).reshape(-1, 3).sum(0)
            wsum += a.sum()
        cen /= max(wsum, 1e-300)
        area = wsum
        for b, e, ctr in parts:
            vol += sign[b] * float(((ctr - cen) * e).sum())
        if abs(vol) > 1e-3 * area**1.5 and vol < 0:
            sign[members] *= -1
    return sign
