r"""Differential geometry of triangle meshes.

Arrays in, arrays out: ``V: (n, 3) float64``, ``F: (m, 3) int64``.

**Jet fit** (:func:`jet_fit`).  At each vertex ``p`` the surface is
written as a height function over the tangent plane of a first normal ``n0``
(area-weighted face normals): in an orthonormal frame ``(t1, t2, n0)``,
``w(x, y) = a1 x + a2 y + (a3 x^2 + 2 a4 xy + a5 y^2)/2 + cubic terms`` is
fitted by weighted least squares to the vertices of an adaptive neighbourhood
(the 2-ring; the 3-ring at boundary vertices and where the 2-ring has fewer
than 15 vertices).  A cubic jet gives the second derivatives -- hence the
curvatures -- with error O(h^2) on irregular meshes (Cazals & Pouget 2005),
while one-ring formulas do not converge there.  From the jet, at the vertex,
with ``s = sqrt(1 + a1^2 + a2^2)``:

* ``N = (n0 - a1 t1 - a2 t2) / s`` (oriented like the faces),
* ``g = I + a a^T`` and ``b = [[a3, a4], [a4, a5]] / s`` in the chart ``(x, y)``,
* ``S = g^-1 b``, ``K = det S``, ``H = tr S / 2``, ``k1 >= k2`` its eigenvalues,
  ``d1, d2`` its eigenvectors pushed forward (``d2 = N x d1``).

This is the convention of ``docs/conventions.md`` (``b_ij = X_ij . N``): a sphere with
outward normal (faces counter-clockwise seen from outside) has ``H = -1/a``.

**One-ring estimators** (cheap alternatives, :func:`one_ring`): Gaussian
curvature by angle defect over the mixed area, mean curvature from the
cotangent Laplacian ``Delta X = 2 H N`` (Meyer et al. 2003, with the sign of
``docs/conventions.md``).  They converge only on very regular meshes.

**The default** (:func:`curvature`, ``method='auto'``): the quartic jet
corrected by the one-ring estimators of its residuals (exact cancellation of
the one-ring discretisation error between the mesh's fan and the same fan
moved onto the jet), and the plain one-ring value where it agrees with that
to within the jet's own uncertainty; boundaries keep the one-sided jet.

**UV chart** (:func:`uv_jet`): when the mesh carries a parameterisation, ``X``
itself is fitted as a cubic in ``(u - u0, v - v0)``; its 2-jet feeds the same
formula kernel as structured grids, giving ``g``, ``Gamma``, ``b``, ``R1212``
in that chart.
"""

import numba as nb
import numpy as np

from ..errors import MeshError
from ._unrolled import PC, PX, PY, _solve14
from .pointwise import principal_point

__all__ = ["adjacency", "vertex_normals", "angle_defect", "one_ring", "jet_fit", "curvature",
           "uv_jet", "NMIN", "METHODS"]

NMIN = 15  # fewest neighbours for a cubic jet (9 unknowns) before the ring grows
MAXNB = 256  # neighbourhood buffer
#: LLVM may reorder sums (vectorised reductions); NaN and inf semantics are kept
_REASSOC = {"contract", "reassoc", "nsz"}


@nb.njit(cache=True, inline="always")
def _unique_around(v, fptr, fnx, fpv, uniq, mult):
    """The distinct neighbours of ``v`` into ``uniq`` with their face counts in
    ``mult`` (each face on edge (v, u) lists u once among the next and previous
    corners of v's faces); returns their number."""
    k = 0
    for e in range(fptr[v], fptr[v + 1]):
        for side in range(2):
            u = fnx[e] if side == 0 else fpv[e]
            found = False
            for q in range(k):
                if uniq[q] == u:
                    mult[q] += 1
                    found = True
                    break
            if not found:
                uniq[k] = u
                mult[k] = 1
                k += 1
    return k


@nb.njit(parallel=True, cache=True)
def _neighbours(fptr, fnx, fpv, n, T):
    # two passes over per-thread scratch instead of corner-sized buffers: the
    # fresh memory cost more than the second deduplication
    wide = 0
    for v in range(n):
        wide = max(wide, fptr[v + 1] - fptr[v])
    ucount = np.zeros(n + 1, dtype=np.int64)
    boundary = np.zeros(n, dtype=np.bool_)
    nonmanifold = np.zeros(n, dtype=np.bool_)
    chunk = (n + T - 1) // T
    for t in nb.prange(T):
        uniq = np.empty(2 * wide, dtype=np.int64)
        mult = np.empty(2 * wide, dtype=np.int64)
        for v in range(t * chunk, min(n, (t + 1) * chunk)):
            k = _unique_around(v, fptr, fnx, fpv, uniq, mult)
            ucount[v + 1] = k
            for q in range(k):
                if mult[q] == 1:
                    boundary[v] = True
                elif mult[q] > 2:
                    nonmanifold[v] = True
    ptr = np.cumsum(ucount)
    nbr = np.empty(ptr[n], dtype=np.int64)
    for t in nb.prange(T):
        uniq = np.empty(2 * wide, dtype=np.int64)
        mult = np.empty(2 * wide, dtype=np.int64)
        for v in range(t * chunk, min(n, (t + 1) * chunk)):
            k = _unique_around(v, fptr, fnx, fpv, uniq, mult)
            for q in range(k):
                nbr[ptr[v] + q] = uniq[q]
    return ptr, nbr, boundary, nonmanifold


def adjacency(F, n):
    """Vertex adjacency of a triangle mesh.

    Returns ``(ptr, nbr, boundary, nonmanifold)``: the neighbours of vertex ``v``
    are ``nbr[ptr[v]:ptr[v + 1]]`` (CSR, int64); ``boundary`` (n,) bool marks
    vertices on an edge with one face, ``nonmanifold`` those on an edge with
    more than two.  The tuple is an :class:`Adjacency`, which also carries the
    vertex fans.
    """
    n = int(n)
    fans = _fans(np.ascontiguousarray(F, dtype=np.int64), n)
    adj = Adjacency(_neighbours(*fans, n, nb.get_num_threads()))
    adj.fans = fans
    return adj


class Adjacency(tuple):
    """``(ptr, nbr, boundary, nonmanifold)`` (see :func:`adjacency`); ``fans``
    keeps the faces around each vertex as (next, previous) corners (CSR), which
    the one-ring estimators walk, so they are built once."""

    fans = None


@nb.njit(cache=True)
def _gather(v, ptr, nbr, rings, mark, buf):
    """The ``rings``-ring of ``v`` into ``buf`` (grown, up to 5 rings, while it
    has fewer than ``NMIN`` vertices); returns its size.  ``mark`` holds
    ``v + 1`` for the vertices taken."""
    stamp = v + 1
    mark[v] = stamp
    cnt = 0
    lo = 0
    level = 0
    cap = buf.shape[0]
    while level < 5 and cnt < cap and (level < rings or cnt < NMIN):
        hi = cnt
        if level == 0:
            for q in range(ptr[v], ptr[v + 1]):
                u = nbr[q]
                if mark[u] != stamp and cnt < cap:
                    mark[u] = stamp
                    buf[cnt] = u
                    cnt += 1
        else:
            for e in range(lo, hi):
                w = buf[e]
                for q in range(ptr[w], ptr[w + 1]):
                    u = nbr[q]
                    if mark[u] != stamp and cnt < cap:
                        mark[u] = stamp
                        buf[cnt] = u
                        cnt += 1
        lo = hi
        level += 1
        if cnt == hi:  # no growth: component exhausted
            break
    return cnt


@nb.njit(cache=True)
def _cholesky_solve(A, r, nu, nrhs):
    """Solve A x = r (A symmetric positive definite, nu x nu, lower triangle read)
    in place; x in r.  Returns False when a pivot is too small (rank deficient fit)."""
    tr = 0.0
    for i in range(nu):
        tr += A[i, i]
    for j in range(nu):
        s = A[j, j]
        for k in range(j):
            s -= A[j, k] * A[j, k]
        if s <= 1e-11 * tr:
            return False
        d = np.sqrt(s)
        A[j, j] = d
        for i in range(j + 1, nu):
            s = A[i, j]
            for k in range(j):
                s -= A[i, k] * A[j, k]
            A[i, j] = s / d
    for c in range(nrhs):
        for i in range(nu):
            s = r[i, c]
            for k in range(i):
                s -= A[i, k] * r[k, c]
            r[i, c] = s / A[i, i]
        for i in range(nu - 1, -1, -1):
            s = r[i, c]
            for k in range(i + 1, nu):
                s -= A[k, i] * r[k, c]
            r[i, c] = s / A[i, i]
    return True


@nb.njit(cache=True, inline="always")
def _monomials(x, y, phi):
    phi[0] = x
    phi[1] = y
    phi[2] = 0.5 * x * x
    phi[3] = x * y
    phi[4] = 0.5 * y * y
    phi[5] = x * x * x
    phi[6] = x * x * y
    phi[7] = x * y * y
    phi[8] = y * y * y
    if phi.shape[0] > 9:
        phi[9] = x * x * x * x
        phi[10] = x * x * x * y
        phi[11] = x * x * y * y
        phi[12] = x * y * y * y
        phi[13] = y * y * y * y


# exponents (x, y) and factor of each jet monomial (the order of _monomials)
_PX, _PY, _PC = np.array(PX), np.array(PY), np.array(PC)


@nb.njit(cache=True, fastmath=_REASSOC)
def _fit(xs, ys, zs, ws, cnt, A, r, phi, nrhs, top, rsave, mom, zm, pw):
    """Weighted least squares of zs (cnt, nrhs) on the jet monomials, of degree
    4 (``top`` = 14 unknowns), 3 (9) or 2 (5): the highest the neighbourhood
    supports.  Returns the number of unknowns used, 0 on failure;
    coefficients in r[:nu], the right-hand side in rsave[:nu].

    The normal matrix is assembled from the weighted moments sum w x^p y^q
    (45 for a quartic, against 105 distinct matrix entries); ``pw`` (2, 9,
    >= cnt) is scratch."""
    first = 0
    for nu in (14, 9, 5):
        if nu <= top and (nu == 5 or cnt >= nu + nu // 3):
            first = nu
            break
    if first == 0 or cnt < first:
        return 0
    deg = 4 if first == 14 else (3 if first == 9 else 2)
    top2 = 2 * deg + 1
    # rows w x^p and y^q: every moment is a contiguous dot product, which
    # vectorises under reassociation (a third of the fit's time)
    for k in range(cnt):
        pw[0, 0, k] = ws[k]
        pw[1, 0, k] = 1.0
    for p in range(1, top2):
        for k in range(cnt):
            pw[0, p, k] = pw[0, p - 1, k] * xs[k]
            pw[1, p, k] = pw[1, p - 1, k] * ys[k]
    for p in range(top2):
        for q in range(top2 - p):
            t = 0.0
            for k in range(cnt):
                t += pw[0, p, k] * pw[1, q, k]
            mom[p, q] = t
            if p + q <= deg:
                for c in range(nrhs):
                    t = 0.0
                    for k in range(cnt):
                        t += pw[0, p, k] * pw[1, q, k] * zs[k, c]
                    zm[p, q, c] = t
    for nu in (14, 9, 5):
        if nu > first:
            continue
        if nu == 14 and nrhs == 1:
            if _solve14(mom, zm, A, r, rsave):
                return nu
            continue
        for i in range(nu):
            ci = _PC[i]
            for j in range(i + 1):
                A[i, j] = ci * _PC[j] * mom[_PX[i] + _PX[j], _PY[i] + _PY[j]]
            for c in range(nrhs):
                r[i, c] = ci * zm[_PX[i], _PY[i], c]
                rsave[i, c] = r[i, c]
        if _cholesky_solve(A, r, nu, nrhs):
            return nu
    return 0


@nb.njit(cache=True)
def _nested_solve(A, rsave, nu, x):
    """Solve the leading ``nu`` x ``nu`` block of the system whose Cholesky factor
    ``_cholesky_solve`` left in ``A`` (the fit of the first ``nu`` monomials with
    the same weights), right-hand side ``rsave[:, 0]``, into ``x``."""
    for i in range(nu):
        t = rsave[i, 0]
        for k in range(i):
            t -= A[i, k] * x[k]
        x[i] = t / A[i, i]
    for i in range(nu - 1, -1, -1):
        t = x[i]
        for k in range(i + 1, nu):
            t -= A[k, i] * x[k]
        x[i] = t / A[i, i]


@nb.njit(cache=True, inline="always")
def _to_chart(f1, f2, f11, f12, f22, hz, m11, m12, m21, m22):
    """First and second derivatives of the height over the tangent-plane chart
    from those in the whitened chart: grad w = hz M^T grad f, Hess w = hz M^T Hf M."""
    p11 = f11 * m11 + f12 * m21
    p12 = f11 * m12 + f12 * m22
    p21 = f12 * m11 + f22 * m21
    p22 = f12 * m12 + f22 * m22
    return (hz * (m11 * f1 + m21 * f2), hz * (m12 * f1 + m22 * f2),
            hz * (m11 * p11 + m21 * p21), hz * (m11 * p12 + m21 * p22),
            hz * (m12 * p12 + m22 * p22))


@nb.njit(cache=True, inline="always")
def _graph_forms(a1, a2, a3, a4, a5):
    """``E, F, G, L, M, N, K, H`` of the graph ``w`` with the given derivatives."""
    sq = np.sqrt(1.0 + a1 * a1 + a2 * a2)
    E, Fm, G = 1.0 + a1 * a1, a1 * a2, 1.0 + a2 * a2
    L, M, Nn = a3 / sq, a4 / sq, a5 / sq
    D = E * G - Fm * Fm
    return E, Fm, G, L, M, Nn, (L * Nn - M * M) / D, (E * Nn - 2.0 * Fm * M + G * L) / (2.0 * D)


@nb.njit(cache=True)
def _kh(f1, f2, f11, f12, f22, hz, m11, m12, m21, m22):
    """``K`` and ``H`` of the graph with the given whitened-chart derivatives."""
    a1, a2, a3, a4, a5 = _to_chart(f1, f2, f11, f12, f22, hz, m11, m12, m21, m22)
    f = _graph_forms(a1, a2, a3, a4, a5)
    return f[6], f[7]


@nb.njit(parallel=True, cache=True)
def _near_boundary(ptr, nbr, boundary):
    n = boundary.shape[0]
    out = boundary.copy()
    for v in nb.prange(n):
        if not out[v]:
            for q in range(ptr[v], ptr[v + 1]):
                if boundary[nbr[q]]:
                    out[v] = True
                    break
    return out


@nb.njit(cache=True)
def _whiten(xs, ys, cnt):
    """Map the tangent-plane points to ``x' = M x`` with unit covariance, scaled into
    the unit disc, in place; return ``(ok, m11, m12, m21, m22, hiso)``.

    Polynomial fits are invariant under linear maps of the plane, so this only
    improves conditioning (and makes the weights follow the neighbourhood's
    shape on stretched meshes).  ``hiso`` is the rms distance, a length scale.
    """
    cxx = 0.0
    cxy = 0.0
    cyy = 0.0
    for k in range(cnt):
        cxx += xs[k] * xs[k]
        cxy += xs[k] * ys[k]
        cyy += ys[k] * ys[k]
    hiso = np.sqrt((cxx + cyy) / max(cnt, 1))
    if cnt < 2 or not cxx > 0.0:
        return False, 0.0, 0.0, 0.0, 0.0, hiso
    l11 = np.sqrt(cxx / cnt)
    l21 = cxy / cnt / l11
    d = cyy / cnt - l21 * l21
    if not d > 1e-12 * (cxx + cyy) / cnt:
        return False, 0.0, 0.0, 0.0, 0.0, hiso
    l22 = np.sqrt(d)
    m11, m12, m21, m22 = 1.0 / l11, 0.0, -l21 / (l11 * l22), 1.0 / l22
    rmax = 0.0
    for k in range(cnt):
        x = m11 * xs[k] + m12 * ys[k]
        y = m21 * xs[k] + m22 * ys[k]
        xs[k] = x
        ys[k] = y
        rmax = max(rmax, x * x + y * y)
    sc = 1.0 / np.sqrt(rmax)
    for k in range(cnt):
        xs[k] *= sc
        ys[k] *= sc
    return True, m11 * sc, m12 * sc, m21 * sc, m22 * sc, hiso


@nb.njit(cache=True, inline="always")
def _weight(rr):
    # rr = squared distance / squared neighbourhood radius, in [0, 1]
    w = 1.0 - 0.8 * rr
    return w * w * w


@nb.njit(cache=True)
def _cyclic_ring(v, fptr, fnx, fpv, ring):
    """The neighbours of ``v`` in the cyclic order of its faces, into ``ring``;
    returns their number, 0 unless the fan is one closed cycle."""
    lo, hi = fptr[v], fptr[v + 1]
    m = hi - lo
    if m < 3 or m > ring.shape[0]:
        return 0
    first = fnx[lo]
    cur = first
    for j in range(m):
        ring[j] = cur
        nxt = -1
        for q in range(lo, hi):
            if fnx[q] == cur:
                nxt = fpv[q]
                break
        if nxt < 0:
            return 0
        cur = nxt
        if cur == first:
            return m if j == m - 1 else 0
    return 0


@nb.njit(cache=True)
def _far_ring(ring, fptr, fnx, fpv, boundary, far, v):
    """On a regular valence-6 lattice: the vertices two steps from ``v`` along
    the six lattice lines through its one-ring ``ring``, in the same cyclic
    order, into ``far``; False unless every ring vertex is interior with six
    faces."""
    for j in range(6):
        u = ring[j]
        lo = fptr[u]
        if boundary[u] or fptr[u + 1] - lo != 6:
            return False
        # three faces round u from v: the vertex opposite v
        cur = v
        for _ in range(3):
            nxt = -1
            for q in range(lo, lo + 6):
                if fnx[q] == cur:
                    nxt = fpv[q]
                    break
            if nxt < 0:
                return False
            cur = nxt
        far[j] = cur
    return True


@nb.njit(cache=True, inline="always")
def _corner(ux, uy, uz, wx, wy, wz):
    """Triangle ``(v, v + u, v + w)``: dot and |cross| at ``v``, the dots at the
    other two corners, twice the mixed area of ``v`` times 4, the cotangent
    Laplacian weights of ``u`` and ``w`` and the cross product."""
    ex, ey, ez = wx - ux, wy - uy, wz - uz  # a -> b
    fx, fy, fz = uy * wz - uz * wy, uz * wx - ux * wz, ux * wy - uy * wx
    cr = np.sqrt(fx * fx + fy * fy + fz * fz)
    dv = ux * wx + uy * wy + uz * wz  # corner v
    dA = -(ux * ex + uy * ey + uz * ez)  # corner a: (v - a) . (b - a)
    dB = wx * ex + wy * ey + wz * ez  # corner b: (v - b) . (a - b)
    cota, cotb = dA / cr, dB / cr
    # mixed area (Meyer et al. 2003)
    if dv < 0.0:
        area = cr / 4.0
    elif dA < 0.0 or dB < 0.0:
        area = cr / 8.0
    else:
        area = ((ux * ux + uy * uy + uz * uz) * cotb + (wx * wx + wy * wy + wz * wz) * cota) / 8.0
    return dv, cr, area, cotb, cota, fx, fy, fz


@nb.njit(cache=True, inline="always")
def _add_corner(acc, i, ux, uy, uz, wx, wy, wz):
    """Accumulate the mixed area, cotangent Laplacian and cross product of the
    triangle ``(v, v + u, v + w)`` into ``acc[i]``; return dot and |cross| at ``v``."""
    dv, cr, ar, cb, ca, fx, fy, fz = _corner(ux, uy, uz, wx, wy, wz)
    acc[i, 0] += ar
    acc[i, 1] += cb * ux + ca * wx
    acc[i, 2] += cb * uy + ca * wy
    acc[i, 3] += cb * uz + ca * wz
    acc[i, 4] += fx
    acc[i, 5] += fy
    acc[i, 6] += fz
    return dv, cr


@nb.njit(cache=True)
def _ring_pair(v, V, ring, m, sh, nx, ny, nz, acc):
    """Angle-defect ``K`` and cotangent-Laplacian ``H`` (the formulas of
    :func:`one_ring`) at ``v`` over its closed fan of triangles ``(v, ring[j],
    ring[j + 1])``, and over the same fan with ring vertex ``j`` moved by
    ``-sh[j]`` along ``(nx, ny, nz)``: ``(K, H, K_moved, H_moved)`` (the fan
    alone when ``sh`` is None: ``(K, H, 0, 0)``); ``acc`` (2, 7) is scratch."""
    px, py, pz = V[v, 0], V[v, 1], V[v, 2]
    acc[:] = 0.0
    # the angle sums as arguments of products of unit complex numbers (each angle
    # is in (0, pi): a product crossing into the lower half plane has passed pi)
    pr, pi_, turns = 1.0, 0.0, 0
    qr, qi = 1.0, 0.0
    for j in range(m):
        a, b = ring[j], ring[(j + 1) % m]
        ux, uy, uz = V[a, 0] - px, V[a, 1] - py, V[a, 2] - pz
        wx, wy, wz = V[b, 0] - px, V[b, 1] - py, V[b, 2] - pz
        dv, cr = _add_corner(acc, 0, ux, uy, uz, wx, wy, wz)
        tr, ti = pr * dv - pi_ * cr, pr * cr + pi_ * dv
        if pi_ >= 0.0 and ti < 0.0:
            turns += 1
        s = np.sqrt(tr * tr + ti * ti)
        pr, pi_ = tr / s, ti / s
        if sh is None:
            continue
        da, db = sh[j], sh[(j + 1) % m]
        dv2, cr2 = _add_corner(acc, 1, ux - da * nx, uy - da * ny, uz - da * nz,
                               wx - db * nx, wy - db * ny, wz - db * nz)
        # times (dv2 + i cr2) (dv - i cr), normalised
        tr, ti = dv2 * dv + cr2 * cr, cr2 * dv - dv2 * cr
        qr, qi = qr * tr - qi * ti, qr * ti + qi * tr
        s = np.sqrt(qr * qr + qi * qi)
        qr, qi = qr / s, qi / s
    ang = np.arctan2(pi_, pr) + 2.0 * np.pi * turns
    if sh is None:
        return _kh_fan(acc, 0, ang), _hh_fan(acc, 0), 0.0, 0.0
    return (_kh_fan(acc, 0, ang), _hh_fan(acc, 0),
            _kh_fan(acc, 1, ang + np.arctan2(qi, qr)), _hh_fan(acc, 1))


@nb.njit(cache=True, inline="always")
def _kh_fan(acc, i, ang):
    return (2.0 * np.pi - ang) / acc[i, 0]


@nb.njit(cache=True, inline="always")
def _hh_fan(acc, i):
    c = np.sqrt(acc[i, 4] ** 2 + acc[i, 5] ** 2 + acc[i, 6] ** 2)
    return 0.25 * (acc[i, 1] * acc[i, 4] + acc[i, 2] * acc[i, 5] + acc[i, 3] * acc[i, 6]) / (
        c * acc[i, 0])


@nb.njit(parallel=True, cache=True)
def _jet_kernel(V, N0, ptr, nbr, boundary, near, degree, todo, normal, K, H, k1, k2, d1, d2,
                status, sigma, mode, trust, fptr, fnx, fpv, err, choice, T):
    n = V.shape[0]
    chunk = (n + T - 1) // T
    for t in nb.prange(T):
        mark = np.zeros(n, dtype=np.int64)
        buf = np.empty(MAXNB, dtype=np.int64)
        xs = np.empty(MAXNB)
        ys = np.empty(MAXNB)
        zs = np.empty((MAXNB, 1))
        ws = np.empty(MAXNB)
        A = np.empty((14, 14))
        r = np.empty((14, 1))
        rsave = np.empty((14, 1))
        mom = np.empty((9, 9))
        zm = np.empty((5, 5, 1))
        pw = np.empty((2, 9, MAXNB))
        x3 = np.empty(14)
        phi = np.empty(14)
        res1 = np.zeros(MAXNB)
        sh = np.zeros(MAXNB)
        ring = np.empty(MAXNB, dtype=np.int64)
        acc = np.empty((2, 7))
        ring2 = np.empty(6, dtype=np.int64)
        for v in range(t * chunk, min(n, (t + 1) * chunk)):
            if not todo[v]:
                continue
            nx, ny, nz = N0[v, 0], N0[v, 1], N0[v, 2]
            # tangent frame (t1, t2, n0), right-handed
            if abs(nx) < 0.6:
                ax, ay, az = 0.0, -nz, ny  # e_x x n0
            else:
                ax, ay, az = nz, 0.0, -nx  # e_y x n0
            s = np.sqrt(ax * ax + ay * ay + az * az)
            ax, ay, az = ax / s, ay / s, az / s
            bx, by, bz = ny * az - nz * ay, nz * ax - nx * az, nx * ay - ny * ax
            # interior: 2-ring; next to the boundary: 3-ring; on it: 4-ring (a
            # one-sided quartic fit needs five rows of points)
            cnt = _gather(v, ptr, nbr, 4 if boundary[v] else (3 if near[v] else 2), mark, buf)
            px, py, pz = V[v, 0], V[v, 1], V[v, 2]
            for k in range(cnt):
                u = buf[k]
                dx, dy, dz = V[u, 0] - px, V[u, 1] - py, V[u, 2] - pz
                xs[k] = dx * ax + dy * ay + dz * az
                ys[k] = dx * bx + dy * by + dz * bz
                zs[k, 0] = dx * nx + dy * ny + dz * nz
            ok, m11, m12, m21, m22, hz = _whiten(xs, ys, cnt)
            if not ok:
                status[v] = 2
                continue
            szz, sw = 0.0, 0.0
            for k in range(cnt):
                zs[k, 0] /= hz
                ws[k] = _weight(xs[k] * xs[k] + ys[k] * ys[k])
                szz += ws[k] * zs[k, 0] * zs[k, 0]
                sw += ws[k]
            # one degree more near the boundary, where the neighbourhood is one-sided
            nu = _fit(xs, ys, zs, ws, cnt, A, r, phi, 1, 14 if (near[v] or degree == 4) else 9,
                      rsave, mom, zm, pw)
            if nu == 0:
                status[v] = 2
                continue
            status[v] = 0 if nu >= 9 else 1
            # weighted residual of the fit (z^T W z - c^T Phi^T W z): the size of the
            # terms the jet leaves out, which err the second derivatives by about
            # rho / R^2 (R the fit's radius)
            ss = szz
            for i in range(nu):
                ss -= r[i, 0] * rsave[i, 0]
            rho = np.sqrt(max(ss, 0.0) / sw * cnt / max(cnt - nu, 1))
            sigma[v] = hz * rho * 0.5 * (m11 * m11 + m12 * m12 + m21 * m21 + m22 * m22)
            a1, a2, a3, a4, a5 = _to_chart(r[0, 0], r[1, 0], r[2, 0], r[3, 0], r[4, 0], hz,
                                           m11, m12, m21, m22)
            sq = np.sqrt(1.0 + a1 * a1 + a2 * a2)
            mx = (nx - a1 * ax - a2 * bx) / sq
            my = (ny - a1 * ay - a2 * by) / sq
            mz = (nz - a1 * az - a2 * bz) / sq
            E, Fm, G, L, M, Nn, K[v], H[v] = _graph_forms(a1, a2, a3, a4, a5)
            e1, e2, x1, y1, z1 = principal_point(
                E, Fm, G, L, M, Nn,
                ax + a1 * nx, ay + a1 * ny, az + a1 * nz,
                bx + a2 * nx, by + a2 * ny, bz + a2 * nz,
                mx, my, mz,
            )  # fmt: skip
            k1[v] = e1
            k2[v] = e2
            normal[v, 0], normal[v, 1], normal[v, 2] = mx, my, mz
            d1[v, 0], d1[v, 1], d1[v, 2] = x1, y1, z1
            d2[v, 0] = my * z1 - mz * y1
            d2[v, 1] = mz * x1 - mx * z1
            d2[v, 2] = mx * y1 - my * x1
            if mode == 0:
                continue
            # error scales of the jet's K and H from its residual; choice 0: the jet
            kap = abs(e1) + abs(e2)
            kerr, herr = sigma[v] * kap, sigma[v]
            ch_k, ch_h = 0, 0
            kq, hq = K[v], H[v]
            m = 0 if boundary[v] else _cyclic_ring(v, fptr, fnx, fpv, ring)
            if m:
                # the residuals at the one-ring (the first entries of buf)
                lo = ptr[v]
                for k in range(ptr[v + 1] - lo):
                    e = zs[k, 0]
                    _monomials(xs[k], ys[k], phi)
                    for i in range(nu):
                        e -= phi[i] * r[i, 0]
                    res1[k] = e * hz
                for j in range(m):
                    sh[j] = 0.0
                    for e in range(lo, ptr[v + 1]):
                        if nbr[e] == ring[j]:
                            sh[j] = res1[e - lo]
                            break
                # the one-ring estimates on the mesh, and on its fan moved onto the
                # jet: their difference is the one-ring reading of the fit's residuals
                ko, ho, kj, hj = _ring_pair(v, V, ring, m, sh, nx, ny, nz, acc)
                kc, hc = kq + ko - kj, hq + ho - hj
                kerr = max(kerr, abs(kc - kq))
                herr = max(herr, abs(hc - hq))
                ch_k, ch_h = 1, 1
                if mode == 2:
                    # the one-ring value where it agrees with the corrected one to
                    # within the jet's own uncertainty
                    tk, th = abs(kc - kq), abs(hc - hq)
                    if nu == 14:
                        _nested_solve(A, rsave, 9, x3)
                        k3, h3 = _kh(x3[0], x3[1], x3[2], x3[3], x3[4], hz, m11, m12, m21, m22)
                        tk = max(tk, trust * abs(k3 - kq))
                        th = max(th, trust * abs(h3 - hq))
                    pk, ph = abs(ko - kc) <= tk, abs(ho - hc) <= th
                    lattice = (pk or ph) and m == 6
                    if lattice and _far_ring(ring, fptr, fnx, fpv, boundary, ring2, v):
                        # on a regular lattice the one-ring value must also hold at
                        # twice the spacing: a value that still moves with the
                        # spacing agrees with the jet only by chance
                        k2h, h2h, _, _ = _ring_pair(v, V, ring2, 6, None, nx, ny, nz, acc)
                        pk = pk and abs(ko - k2h) <= tk
                        ph = ph and abs(ho - h2h) <= th
                    if pk:
                        kc, kerr, ch_k = ko, abs(ko - kc), 2
                    if ph:
                        hc, herr, ch_h = ho, abs(ho - hc), 2
                K[v], H[v] = kc, hc
                # principal curvatures: the jet's, shifted to the chosen mean curvature
                k1[v] = hc + 0.5 * (e1 - e2)
                k2[v] = hc - 0.5 * (e1 - e2)
            err[0, v], err[1, v] = kerr, herr
            choice[0, v], choice[1, v] = ch_k, ch_h
@nb.njit(cache=True)
def _normals_kernel(V, F, N):
    for f in range(F.shape[0]):
        i, j, k = F[f, 0], F[f, 1], F[f, 2]
        ux, uy, uz = V[j, 0] - V[i, 0], V[j, 1] - V[i, 1], V[j, 2] - V[i, 2]
        wx, wy, wz = V[k, 0] - V[i, 0], V[k, 1] - V[i, 1], V[k, 2] - V[i, 2]
        cx, cy, cz = uy * wz - uz * wy, uz * wx - ux * wz, ux * wy - uy * wx
        for v in (i, j, k):
            N[v, 0] += cx
            N[v, 1] += cy
            N[v, 2] += cz
    for v in range(N.shape[0]):
        s = np.sqrt(N[v, 0] ** 2 + N[v, 1] ** 2 + N[v, 2] ** 2)
        for c in range(3):
            N[v, c] = N[v, c] / s if s > 0.0 else np.nan


def vertex_normals(V, F):
    """Area-weighted unit vertex normals (sum of face cross products), (n, 3) float64;
    NaN rows where a vertex is in no face or its faces cancel."""
    N = np.zeros((len(V), 3))
    _normals_kernel(np.ascontiguousarray(V, dtype=np.float64),
                    np.ascontiguousarray(F, dtype=np.int64), N)
    return N


def _label(label, v):
    """How messages name vertex ``v``: ``label(v)``, by default ``'vertex v'``."""
    return f"vertex {v}" if label is None else label(v)


def _checked_normals(V, F, where="", N0=None, label=None):
    if N0 is None:
        N0 = vertex_normals(V, F)
    bad = np.isnan(N0[:, 0])
    if bad.any():
        v = int(np.flatnonzero(bad)[0])
        raise MeshError(
            f"{where}{_label(label, v)} has no normal (it is in no face, or its faces "
            f"cancel out); {int(bad.sum())} such vertices"
        )
    return N0

def jet_fit(V, F, adj=None, where="", degree=3, todo=None, strict=True, normals=None,
            label=None):
    """Per-vertex curvature by a cubic (or quartic) jet fit (see the module docstring).

    Parameters
    ----------
    V : (n, 3) float64
    F : (m, 3) int64
    adj : tuple, optional
        The result of :func:`adjacency` (computed when None).
    degree : {3, 4}
        Degree of the jet inside the surface; near the boundary it is always 4
        (one-sided neighbourhoods).  4 is more accurate on coarse meshes and
        about 1.5 times as slow.
    todo : (n,) bool, optional
        Fit only these vertices (the others' rows are left uninitialised).
    strict : bool
        Raise when a vertex cannot be fitted (else its ``status`` is 2).
    normals : (n, 3), optional
        The area-weighted vertex normals, when already computed.
    label : callable, optional
        ``label(v)`` names vertex ``v`` in messages (default ``'vertex v'``); the
        mesh features use it to number vertices as the input file does.

    Returns
    -------
    dict with ``normal`` (n, 3), ``K``, ``H``, ``k1``, ``k2`` (n,), ``d1``,
    ``d2`` (n, 3), ``status`` (n,) int8: 0 cubic or quartic fit, 1
    quadratic fit (too few neighbours), 2 no fit; and ``sigma`` (n,), the
    fit's weighted residual over its radius squared (an error scale of the
    second fundamental form, 1 / length).  Raises :class:`geomkit.MeshError`
    when a vertex has no usable neighbourhood (if ``strict``).
    """
    return _jet(V, F, adj, where, degree, todo, strict, normals, 0, label)


def _jet(V, F, adj, where, degree, todo, strict, normals, mode, label=None):
    """The jet kernel; ``mode`` 0: the jet alone, 1: corrected by the one-ring
    estimators, 2: 'auto' (see :func:`curvature`)."""
    if degree not in (3, 4):
        raise MeshError(f"jet degree must be 3 or 4, got {degree!r}")
    V = np.ascontiguousarray(V, dtype=np.float64)
    F = np.ascontiguousarray(F, dtype=np.int64)
    n = len(V)
    if adj is None:
        adj = adjacency(F, n)
    ptr, nbr, boundary, _ = adj
    N0 = _checked_normals(V, F, where, normals, label)
    out = {
        "normal": np.empty((n, 3)),
        "K": np.empty(n),
        "H": np.empty(n),
        "k1": np.empty(n),
        "k2": np.empty(n),
        "d1": np.empty((n, 3)),
        "d2": np.empty((n, 3)),
        "status": np.zeros(n, dtype=np.int8),
        "sigma": np.zeros(n),
    }
    near = _near_boundary(ptr, nbr, boundary)
    todo = np.ones(n, dtype=np.bool_) if todo is None else np.ascontiguousarray(todo, bool)
    if mode:
        fans = getattr(adj, "fans", None)
        fptr, fnx, fpv = _fans(F, n) if fans is None else fans
        err = np.full((2, n), np.nan)
        choice = np.zeros((2, n), dtype=np.int8)
    else:
        fptr = fnx = fpv = np.zeros(1, dtype=np.int64)
        err = np.zeros((2, 1))
        choice = np.zeros((2, 1), dtype=np.int8)
    _jet_kernel(V, N0, ptr, nbr, boundary, near, int(degree), todo, out["normal"], out["K"],
                out["H"], out["k1"], out["k2"], out["d1"], out["d2"], out["status"],
                out["sigma"], int(mode), RING_TRUST, fptr, fnx, fpv, err, choice,
                nb.get_num_threads())
    if mode:
        out["K_err"], out["H_err"] = err
        out["K_choice"], out["H_choice"] = choice
    bad = (out["status"] == 2) & todo
    if strict and bad.any():
        v = int(np.flatnonzero(bad)[0])
        raise MeshError(
            f"{where}no jet fit at {_label(label, v)}: its neighbourhood has too few "
            f"vertices or they are collinear; {int(bad.sum())} such vertices"
        )
    return out


@nb.njit(cache=True)
def _fans(F, n):
    """The faces around each vertex as (next, previous) corner pairs (CSR)."""
    cnt = np.zeros(n + 1, dtype=np.int64)
    for f in range(F.shape[0]):
        for k in range(3):
            cnt[F[f, k] + 1] += 1
    ptr = np.cumsum(cnt)
    fill = ptr[:-1].copy()
    nxt = np.empty(ptr[n], dtype=np.int64)
    prv = np.empty(ptr[n], dtype=np.int64)
    for f in range(F.shape[0]):
        for k in range(3):
            v = F[f, k]
            nxt[fill[v]] = F[f, (k + 1) % 3]
            prv[fill[v]] = F[f, (k + 2) % 3]
            fill[v] += 1
    return ptr, nxt, prv


#: triangle-mesh curvature estimators (:func:`curvature`)
METHODS = ("auto", "corrected", "jet", "one-ring")
#: the one-ring value is taken where it agrees with the corrected jet to within
#: this fraction of the cubic-quartic difference (or the correction itself)
RING_TRUST = 0.01


def _method(method):
    m = {"one_ring": "one-ring"}.get(method, method)
    if m not in METHODS:
        raise MeshError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    return m


def curvature(V, F, adj=None, where="", method="auto", degree=None, todo=None, strict=True,
              normals=None, label=None):
    """Per-vertex curvature by the chosen estimator; ``'auto'`` by default.

    ``method``:

    * ``'jet'``: the jet fit alone (:func:`jet_fit`, ``degree`` 3 by default);
    * ``'one-ring'``: angle defect and cotangent Laplacian (:func:`one_ring`);
    * ``'corrected'``: the quartic jet (``degree`` 4 by default) plus the
      one-ring estimators applied to the fit's residuals at the one-ring: ``K
      = K_jet + K_ring(mesh) - K_ring(fan moved onto the jet)``, likewise ``H``.
      The one-ring formulas' discretisation error, which does not converge on
      irregular meshes, cancels between the two fans; what remains reads the
      second derivatives of the residual, which the fit alone leaves;
    * ``'auto'`` (default): per vertex and per quantity, the one-ring value
      where it agrees with the corrected value to within the jet's own
      uncertainty (the size of the correction, or ``RING_TRUST`` x the
      difference between the nested cubic and the quartic fit) and, on a
      regular valence-6 lattice, also holds on the fan at twice the spacing;
      else the corrected value.  Regular meshes where the one-ring formulas
      are exact or superconvergent keep them; irregular meshes, boundaries
      and creases get the corrected jet.

    Returns the dict of :func:`jet_fit` (``normal``, ``K``, ``H``, ``k1``, ``k2``,
    ``d1``, ``d2``, ``status``, ``sigma``) and, for ``'auto'`` and
    ``'corrected'``, ``K_err``, ``H_err`` (n,): an estimate of the absolute
    error (its order of magnitude, not a bound), and ``K_choice``,
    ``H_choice`` (n,) int8: 0 jet, 1 corrected jet, 2 one-ring.  ``k1, k2``
    are the jet's, shifted to the returned ``H`` (their difference is the
    jet's); ``d1, d2`` are the jet's.  ``one-ring`` gives no directions.

    >>> import numpy as np
    >>> from geomkit.mesh.demo import wing_triangles
    >>> V, F, s, t = wing_triangles(65, 17, jitter=0.2)
    >>> r = curvature(V, F)
    >>> sorted(k for k in r if k.endswith(("_err", "_choice")))
    ['H_choice', 'H_err', 'K_choice', 'K_err']
    """
    method = _method(method)
    if method == "one-ring":
        return one_ring(V, F, adj, where, label)
    if method == "jet":
        return jet_fit(V, F, adj, where, 3 if degree is None else degree, todo, strict, normals,
                       label)
    return _jet(V, F, adj, where, 4 if degree is None else degree, todo, strict, normals,
                1 if method == "corrected" else 2, label)


@nb.njit(parallel=True, cache=True)
def _uv_kernel(V, UV, ptr, nbr, boundary, near, degree, J, status, T):
    n = V.shape[0]
    chunk = (n + T - 1) // T
    for t in nb.prange(T):
        mark = np.zeros(n, dtype=np.int64)
        buf = np.empty(MAXNB, dtype=np.int64)
        xs = np.empty(MAXNB)
        ys = np.empty(MAXNB)
        zs = np.empty((MAXNB, 3))
        ws = np.empty(MAXNB)
        A = np.empty((14, 14))
        r = np.empty((14, 3))
        rsave = np.empty((14, 3))
        mom = np.empty((9, 9))
        zm = np.empty((5, 5, 3))
        pw = np.empty((2, 9, MAXNB))
        phi = np.empty(14)
        for v in range(t * chunk, min(n, (t + 1) * chunk)):
            cnt = _gather(v, ptr, nbr, 4 if boundary[v] else (3 if near[v] else 2), mark, buf)
            for k in range(cnt):
                u = buf[k]
                xs[k] = UV[u, 0] - UV[v, 0]
                ys[k] = UV[u, 1] - UV[v, 1]
                for c in range(3):
                    zs[k, c] = V[u, c] - V[v, c]
            ok, m11, m12, m21, m22, hz = _whiten(xs, ys, cnt)
            if not ok:
                status[v] = 2
                continue
            for k in range(cnt):
                ws[k] = _weight(xs[k] * xs[k] + ys[k] * ys[k])
            nu = _fit(xs, ys, zs, ws, cnt, A, r, phi, 3, 14 if (near[v] or degree == 4) else 9,
                      rsave, mom, zm, pw)
            if nu == 0:
                status[v] = 2
                continue
            status[v] = 0 if nu >= 9 else 1
            for c in range(3):
                f1, f2, f11, f12, f22 = r[0, c], r[1, c], r[2, c], r[3, c], r[4, c]
                J[c, v] = m11 * f1 + m21 * f2
                J[3 + c, v] = m12 * f1 + m22 * f2
                p11 = f11 * m11 + f12 * m21
                p12 = f11 * m12 + f12 * m22
                p21 = f12 * m11 + f22 * m21
                p22 = f12 * m12 + f22 * m22
                J[6 + c, v] = m11 * p11 + m21 * p21
                J[9 + c, v] = m11 * p12 + m21 * p22
                J[12 + c, v] = m12 * p12 + m22 * p22

def uv_jet(V, F, uv, adj=None, where="", degree=3, label=None):
    """2-jet of ``X`` in the chart ``uv: (n, 2)``: ``J: (15, n)`` as in
    :func:`geomkit.mesh.structured.grid_jet`, by a weighted cubic fit of each
    coordinate over the same adaptive neighbourhood (and ``degree``) as :func:`jet_fit`."""
    if degree not in (3, 4):
        raise MeshError(f"jet degree must be 3 or 4, got {degree!r}")
    V = np.ascontiguousarray(V, dtype=np.float64)
    F = np.ascontiguousarray(F, dtype=np.int64)
    UV = np.ascontiguousarray(uv, dtype=np.float64)
    n = len(V)
    if adj is None:
        adj = adjacency(F, n)
    ptr, nbr, boundary, _ = adj
    J = np.empty((15, n))
    status = np.zeros(n, dtype=np.int8)
    near = _near_boundary(ptr, nbr, boundary)
    _uv_kernel(V, UV, ptr, nbr, boundary, near, int(degree), J, status, nb.get_num_threads())
    bad = status == 2
    if bad.any():
        v = int(np.flatnonzero(bad)[0])
        raise MeshError(
            f"{where}no jet fit in the uv chart at {_label(label, v)} (too few neighbours, "
            f"or their uv coordinates coincide or are collinear); {int(bad.sum())} such "
            "vertices"
        )
    return J


@nb.njit(cache=True)
def _one_ring_kernel(V, F, n):
    angle = np.zeros(n)
    area = np.zeros(n)
    lap = np.zeros((n, 3))
    for f in range(F.shape[0]):
        ids = (F[f, 0], F[f, 1], F[f, 2])
        # corner c: angle between edges to the next (a) and previous (b) corner
        cot0, cot1, cot2 = 0.0, 0.0, 0.0
        ang0, ang1, ang2 = 0.0, 0.0, 0.0
        for c in range(3):
            i, a, b = ids[c], ids[(c + 1) % 3], ids[(c + 2) % 3]
            ux, uy, uz = V[a, 0] - V[i, 0], V[a, 1] - V[i, 1], V[a, 2] - V[i, 2]
            wx, wy, wz = V[b, 0] - V[i, 0], V[b, 1] - V[i, 1], V[b, 2] - V[i, 2]
            dot = ux * wx + uy * wy + uz * wz
            cx, cy, cz = uy * wz - uz * wy, uz * wx - ux * wz, ux * wy - uy * wx
            cr = np.sqrt(cx * cx + cy * cy + cz * cz)
            if c == 0:
                ang0, cot0, A = np.arctan2(cr, dot), dot / cr, 0.5 * cr
            elif c == 1:
                ang1, cot1 = np.arctan2(cr, dot), dot / cr
            else:
                ang2, cot2 = np.arctan2(cr, dot), dot / cr
        obtuse = -1
        if ang0 > 0.5 * np.pi:
            obtuse = 0
        elif ang1 > 0.5 * np.pi:
            obtuse = 1
        elif ang2 > 0.5 * np.pi:
            obtuse = 2
        for c in range(3):
            i, a, b = ids[c], ids[(c + 1) % 3], ids[(c + 2) % 3]
            angc = ang0 if c == 0 else (ang1 if c == 1 else ang2)
            cota = cot1 if c == 0 else (cot2 if c == 1 else cot0)  # at corner a
            cotb = cot2 if c == 0 else (cot0 if c == 1 else cot1)  # at corner b
            angle[i] += angc
            lab = (V[a, 0] - V[i, 0]) ** 2 + (V[a, 1] - V[i, 1]) ** 2 + (V[a, 2] - V[i, 2]) ** 2
            lac = (V[b, 0] - V[i, 0]) ** 2 + (V[b, 1] - V[i, 1]) ** 2 + (V[b, 2] - V[i, 2]) ** 2
            # mixed area (Meyer et al. 2003)
            if obtuse == -1:
                area[i] += (lab * cotb + lac * cota) / 8.0
            elif obtuse == c:
                area[i] += A / 2.0
            else:
                area[i] += A / 4.0
            # cotan Laplacian: edge (i, a) is opposite corner b, edge (i, b) opposite a
            for d in range(3):
                lap[i, d] += cotb * (V[a, d] - V[i, d]) + cota * (V[b, d] - V[i, d])
    return angle, area, lap


def angle_defect(V, F):
    """Angle defect ``2 pi - sum of the angles at v``, (n,) float64.

    For a closed mesh the sum over vertices is ``2 pi chi`` exactly (discrete
    Gauss-Bonnet).  At a boundary vertex it is not a curvature.

    >>> import numpy as np
    >>> V = np.array([[0., 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    >>> F = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
    >>> bool(np.isclose(angle_defect(V, F).sum(), 4 * np.pi))
    True
    """
    V = np.ascontiguousarray(V, dtype=np.float64)
    F = np.ascontiguousarray(F, dtype=np.int64)
    angle, _, _ = _one_ring_kernel(V, F, len(V))
    return 2.0 * np.pi - angle


def one_ring(V, F, adj=None, where="", label=None):
    """The cheap one-ring estimators: ``K = (2 pi - sum angles) / A_mixed`` and
    ``H = (Delta_cot X . N) / 2`` with ``Delta_cot X = (1 / 2A) sum (cot a + cot b)
    (X_j - X_i)`` (geomkit's sign: outward sphere gives ``H = -1/a``), ``N`` the
    area-weighted normal; ``k1, k2 = H +- sqrt(max(H^2 - K, 0))``.

    Boundary vertices get the mean of their interior neighbours' values (the
    one-ring formulas do not hold there).  Returns a dict ``normal``, ``K``,
    ``H``, ``k1``, ``k2``.  Not convergent on irregular meshes; see :func:`jet_fit`.
    """
    V = np.ascontiguousarray(V, dtype=np.float64)
    F = np.ascontiguousarray(F, dtype=np.int64)
    n = len(V)
    N0 = _checked_normals(V, F, where, label=label)
    angle, area, lap = _one_ring_kernel(V, F, n)
    K = (2.0 * np.pi - angle) / area
    H = 0.5 * (lap / (2.0 * area)[:, None] * N0).sum(axis=1)
    if adj is None:
        adj = adjacency(F, n)
    ptr, nbr, boundary, _ = adj
    if boundary.any():
        for arr in (K, H):
            _fill_boundary(arr, ptr, nbr, boundary)
    r = np.sqrt(np.maximum(H * H - K, 0.0))
    return {"normal": N0, "K": K, "H": H, "k1": H + r, "k2": H - r}


@nb.njit(cache=True)
def _fill_boundary(a, ptr, nbr, boundary):
    src = a.copy()
    for v in range(a.shape[0]):
        if boundary[v]:
            s, c = 0.0, 0
            for q in range(ptr[v], ptr[v + 1]):
                u = nbr[q]
                if not boundary[u]:
                    s += src[u]
                    c += 1
            if c:
                a[v] = s / c


@nb.njit(cache=True)
def _vertex_faces(F, slot, nslot):
    """Faces around the vertices with ``slot[v] >= 0`` (CSR over slots), each with
    the corner's next and previous vertex, stored together to scan a fan
    contiguously."""
    cnt = np.zeros(nslot + 1, dtype=np.int64)
    for f in range(F.shape[0]):
        for k in range(3):
            s = slot[F[f, k]]
            if s >= 0:
                cnt[s + 1] += 1
    ptr = np.cumsum(cnt)
    fill = ptr[:-1].copy()
    vf = np.empty(ptr[nslot], dtype=np.int64)
    nxt = np.empty(ptr[nslot], dtype=np.int64)
    prv = np.empty(ptr[nslot], dtype=np.int64)
    for f in range(F.shape[0]):
        for k in range(3):
            s = slot[F[f, k]]
            if s >= 0:
                vf[fill[s]] = f
                nxt[fill[s]] = F[f, (k + 1) % 3]
                prv[fill[s]] = F[f, (k + 2) % 3]
                fill[s] += 1
    return ptr, vf, nxt, prv


@nb.njit(parallel=True, cache=True)
def _face_normals(V, F, N):
    for f in nb.prange(F.shape[0]):
        i, j, k = F[f, 0], F[f, 1], F[f, 2]
        ux, uy, uz = V[j, 0] - V[i, 0], V[j, 1] - V[i, 1], V[j, 2] - V[i, 2]
        wx, wy, wz = V[k, 0] - V[i, 0], V[k, 1] - V[i, 1], V[k, 2] - V[i, 2]
        cx, cy, cz = uy * wz - uz * wy, uz * wx - ux * wz, ux * wy - uy * wx
        s = np.sqrt(cx * cx + cy * cy + cz * cz)
        N[f, 0], N[f, 1], N[f, 2] = cx / s, cy / s, cz / s


@nb.njit(parallel=True, cache=True)
def _crease_candidates(F, Nf, Nv, cos_half, cand):
    # a face on a sharp edge is more than half the edge's angle away from the
    # normal at one of its corners; smooth meshes have no such face
    for f in nb.prange(F.shape[0]):
        for k in range(3):
            v = F[f, k]
            if Nf[f, 0] * Nv[v, 0] + Nf[f, 1] * Nv[v, 1] + Nf[f, 2] * Nv[v, 2] < cos_half:
                cand[f] = True


@nb.njit(cache=True)
def _across(f, a, b, ptr, vf, nxt, prv):
    """The face other than f on edge (a, b), or -1 (boundary or non-manifold);
    ``a`` is a slot of the fan CSR."""
    other, nother = -1, 0
    for q in range(ptr[a], ptr[a + 1]):
        if (prv[q] == b or nxt[q] == b) and vf[q] != f:
            other = vf[q]
            nother += 1
    return other if nother == 1 else -1


@nb.njit(cache=True)
def _nsharp(f, F, Nf, slot, ptr, vf, nxt, prv, cos_max, memo):
    if memo[f] < 0:
        c = 0
        for k in range(3):
            g = _across(f, slot[F[f, k]], F[f, (k + 1) % 3], ptr, vf, nxt, prv)
            if g >= 0 and Nf[f, 0] * Nf[g, 0] + Nf[f, 1] * Nf[g, 1] + Nf[f, 2] * Nf[g, 2] < cos_max:
                c += 1
        memo[f] = c
    return memo[f]


@nb.njit(cache=True)
def _is_crease(f, g, F, Nf, slot, ptr, vf, nxt, prv, cos_max, memo):
    # sharp, and neither face a fold-over (a flipped sliver is sharp on all three edges)
    if Nf[f, 0] * Nf[g, 0] + Nf[f, 1] * Nf[g, 1] + Nf[f, 2] * Nf[g, 2] >= cos_max:
        return False
    return (_nsharp(f, F, Nf, slot, ptr, vf, nxt, prv, cos_max, memo) < 3
            and _nsharp(g, F, Nf, slot, ptr, vf, nxt, prv, cos_max, memo) < 3)


@nb.njit(cache=True)
def _cut(F, Nf, cand, slot, ptr, vf, nxt, prv, cos_max, n):
    """New vertex of each corner (m, 3): a vertex keeps its index for the fan of
    its first face, further fans between creases get new indices n, n+1, ...;
    returns also the original vertex of each new one."""
    m = F.shape[0]
    memo = -np.ones(m, dtype=np.int64)
    split = np.zeros(n, dtype=np.bool_)
    for f in range(m):
        if cand[f]:
            for k in range(3):
                a, b = F[f, k], F[f, (k + 1) % 3]
                g = _across(f, slot[a], b, ptr, vf, nxt, prv)
                if g >= 0 and _is_crease(f, g, F, Nf, slot, ptr, vf, nxt, prv, cos_max, memo):
                    split[a] = True
                    split[b] = True
    corner = F.copy()
    nextra = 0
    extra = np.empty(n, dtype=np.int64)
    for v in range(n):
        if not split[v]:
            continue
        lo, hi = ptr[slot[v]], ptr[slot[v] + 1]
        comp = np.arange(hi - lo)
        for q in range(lo, hi):  # join the fan across smooth edges (v, nxt[q])
            w = nxt[q]
            for r in range(lo, hi):
                if r != q and (prv[r] == w or nxt[r] == w):
                    if not _is_crease(vf[q], vf[r], F, Nf, slot, ptr, vf, nxt, prv, cos_max,
                                      memo):
                        x, y = q - lo, r - lo
                        while comp[x] != x:
                            x = comp[x]
                        while comp[y] != y:
                            y = comp[y]
                        if x != y:
                            comp[max(x, y)] = min(x, y)
        ids = -np.ones(hi - lo, dtype=np.int64)
        for q in range(lo, hi):
            x = q - lo
            while comp[x] != x:
                x = comp[x]
            if ids[x] < 0:
                if x == 0:
                    ids[x] = v
                else:
                    if nextra == extra.shape[0]:
                        grown = np.empty(2 * nextra + 1, dtype=np.int64)
                        grown[:nextra] = extra[:nextra]
                        extra = grown
                    ids[x] = n + nextra
                    extra[nextra] = v
                    nextra += 1
            f = vf[q]
            for k in range(3):
                if F[f, k] == v:
                    corner[f, k] = ids[x]
    return corner, extra[:nextra].copy()


def split_creases(V, F, angle=60.0, normals=None):
    """Cut a triangle mesh along its sharp edges, so that fits do not cross them.

    An edge is sharp when the normals of its two faces differ by more than
    ``angle`` degrees (a trailing edge, a fold), unless one of the faces is sharp
    on all three edges (a flipped sliver, not a crease).  Each vertex on a sharp
    edge gets one copy per fan of faces between sharp edges, so the sharp edges
    become boundaries (where :func:`jet_fit` uses one-sided quartic fits).
    Vertices keep their indices (the copy for the fan of their first face);
    further copies are appended.

    Returns ``(V2, F2, orig)``: the cut mesh and the original vertex of each new
    one, ``orig`` (n2,) with ``orig[:n] = arange(n)``; ``orig`` is None when
    there is no sharp edge (the mesh is returned as is).  ``normals`` may pass
    the area-weighted vertex normals when already computed.

    >>> import numpy as np
    >>> V = np.array([[0., 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    >>> F = np.array([[0, 1, 2], [0, 3, 1]])   # two faces at a right angle
    >>> V2, F2, orig = split_creases(V, F)
    >>> orig.tolist(), F2.tolist()
    ([0, 1, 2, 3, 0, 1], [[0, 1, 2], [4, 3, 5]])
    """
    V = np.ascontiguousarray(V, dtype=np.float64)
    F = np.ascontiguousarray(F, dtype=np.int64)
    if not angle:
        return V, F, None
    n, m = len(V), len(F)
    Nf = np.empty((m, 3))
    _face_normals(V, F, Nf)
    Nv = vertex_normals(V, F) if normals is None else normals
    cand = np.zeros(m, dtype=np.bool_)
    _crease_candidates(F, Nf, Nv, float(np.cos(np.radians(angle / 2))), cand)
    if not cand.any():
        return V, F, None
    # fans are needed around the candidates' vertices and their neighbours only
    near = np.zeros(n, dtype=np.bool_)
    near[F[cand]] = True
    need = np.zeros(n, dtype=np.bool_)
    need[F[near[F].any(axis=1)]] = True
    slot = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(need)
    slot[idx] = np.arange(len(idx))
    ptr, vf, nxt, prv = _vertex_faces(F, slot, len(idx))
    corner, extra = _cut(F, Nf, cand, slot, ptr, vf, nxt, prv,
                         float(np.cos(np.radians(angle))), n)
    if not len(extra):
        return V, F, None
    orig = np.concatenate([np.arange(n), extra])
    return V[orig], corner, orig


@nb.njit(parallel=True, cache=True)
def _degenerate_kernel(V, F, out):
    for f in nb.prange(F.shape[0]):
        i, j, k = F[f, 0], F[f, 1], F[f, 2]
        if i == j or j == k or i == k:
            out[f] = True
            continue
        ux, uy, uz = V[j, 0] - V[i, 0], V[j, 1] - V[i, 1], V[j, 2] - V[i, 2]
        wx, wy, wz = V[k, 0] - V[i, 0], V[k, 1] - V[i, 1], V[k, 2] - V[i, 2]
        cx, cy, cz = uy * wz - uz * wy, uz * wx - ux * wz, ux * wy - uy * wx
        vx, vy, vz = V[k, 0] - V[j, 0], V[k, 1] - V[j, 1], V[k, 2] - V[j, 2]
        l2 = max(ux * ux + uy * uy + uz * uz, max(wx * wx + wy * wy + wz * wz,
                                                   vx * vx + vy * vy + vz * vz))
        # zero area: |cross| = 2 area <= 1e-12 * longest edge^2 (NaN rows are not flagged)
        out[f] = np.sqrt(cx * cx + cy * cy + cz * cz) <= 1e-12 * l2


def degenerate_faces(V, F):
    """Mask (m,) of faces with a repeated vertex or zero area (relative to their
    longest edge)."""
    out = np.zeros(len(F), dtype=np.bool_)
    _degenerate_kernel(np.ascontiguousarray(V, dtype=np.float64),
                       np.ascontiguousarray(F, dtype=np.int64), out)
    return out
