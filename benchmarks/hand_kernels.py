"""Hand-written numba kernels for ``bench_lower.py`` (the reference a careful person writes).

Each kernel loops over chunks of points in parallel and reuses small scratch
arrays inside a chunk (no allocation per point).  Output order matches the
workloads in ``tests/workloads_lower.py``.
"""

import math

import numpy as np
from numba import njit, prange

CHUNK = 4096


# -- W1: graph z = a exp(-(x^2+y^2)) cos(b x) + sin(x y)/3 --------------------------------
@njit(parallel=True, error_model="numpy")
def graph_surface(x, y, a, b, out):
    """out[0..7] = K, H, Gamma^0_00, ^0_01, ^0_11, ^1_00, ^1_01, ^1_11.

    For a graph, g = I + grad h grad h^T and Gamma^k_ij = h_k h_ij / (1 + |grad h|^2).
    """
    n = x.shape[0]
    for i in prange(n):
        X, Y = x[i], y[i]
        e = a * math.exp(-(X * X + Y * Y))
        c, s = math.cos(b * X), math.sin(b * X)
        sxy, cxy = math.sin(X * Y), math.cos(X * Y)
        hx = e * (-2.0 * X * c - b * s) + Y * cxy / 3.0
        hy = -2.0 * Y * c * e + X * cxy / 3.0
        hxx = e * ((4.0 * X * X - 2.0 - b * b) * c + 4.0 * X * b * s) - Y * Y * sxy / 3.0
        hxy = e * (4.0 * X * Y * c + 2.0 * b * Y * s) + (cxy - X * Y * sxy) / 3.0
        hyy = e * c * (4.0 * Y * Y - 2.0) - X * X * sxy / 3.0
        w = 1.0 + hx * hx + hy * hy
        out[0, i] = (hxx * hyy - hxy * hxy) / (w * w)
        out[1, i] = ((1.0 + hy * hy) * hxx - 2.0 * hx * hy * hxy + (1.0 + hx * hx) * hyy) / (
            2.0 * w * math.sqrt(w)
        )
        fx, fy = hx / w, hy / w
        out[2, i] = fx * hxx
        out[3, i] = fx * hxy
        out[4, i] = fx * hyy
        out[5, i] = fy * hxx
        out[6, i] = fy * hxy
        out[7, i] = fy * hyy


# -- W3: Christoffel symbols from g_ij and dg_lij ------------------------------------------
@njit(inline="always")
def _sym(k, i, j, n):
    """Packed index of (i, j), i <= j, in g_00, g_01, ..., g_11, ... (row-major upper)."""
    if i > j:
        i, j = j, i
    return i * n - i * (i - 1) // 2 + (j - i)


@njit(parallel=True, error_model="numpy")
def christoffel(n, g, dg, out):
    """g: (m, N) packed upper triangle, dg: (n*m, N) with row l*m + p = d_l g_p;
    out: (n*m, N), row k*m + p = Gamma^k_(ij) for the packed pair p = (i <= j)."""
    m = n * (n + 1) // 2
    N = g.shape[1]
    nchunks = (N + CHUNK - 1) // CHUNK
    for c in prange(nchunks):
        G = np.empty((n, n))
        Gi = np.empty((n, n))
        for pt in range(c * CHUNK, min(N, (c + 1) * CHUNK)):
            for i in range(n):
                for j in range(n):
                    G[i, j] = g[_sym(0, i, j, n), pt]
            if n == 2:
                det = G[0, 0] * G[1, 1] - G[0, 1] * G[0, 1]
                Gi[0, 0] = G[1, 1] / det
                Gi[1, 1] = G[0, 0] / det
                Gi[0, 1] = Gi[1, 0] = -G[0, 1] / det
            else:
                c00 = G[1, 1] * G[2, 2] - G[1, 2] * G[1, 2]
                c01 = G[0, 2] * G[1, 2] - G[0, 1] * G[2, 2]
                c02 = G[0, 1] * G[1, 2] - G[0, 2] * G[1, 1]
                c11 = G[0, 0] * G[2, 2] - G[0, 2] * G[0, 2]
                c12 = G[0, 1] * G[0, 2] - G[0, 0] * G[1, 2]
                c22 = G[0, 0] * G[1, 1] - G[0, 1] * G[0, 1]
                det = G[0, 0] * c00 + G[0, 1] * c01 + G[0, 2] * c02
                Gi[0, 0], Gi[1, 1], Gi[2, 2] = c00 / det, c11 / det, c22 / det
                Gi[0, 1] = Gi[1, 0] = c01 / det
                Gi[0, 2] = Gi[2, 0] = c02 / det
                Gi[1, 2] = Gi[2, 1] = c12 / det
            for k in range(n):
                for i in range(n):
                    for j in range(i, n):
                        s = 0.0
                        for l in range(n):
                            s += Gi[k, l] * (
                                dg[i * m + _sym(0, l, j, n), pt]
                                + dg[j * m + _sym(0, l, i, n), pt]
                                - dg[l * m + _sym(0, i, j, n), pt]
                            )
                        out[k * m + _sym(0, i, j, n), pt] = 0.5 * s


# -- W2: Kerr Riemann tensor and Kretschmann scalar by tensor loops --------------------------
def make_kerr(jet_point):
    """Kernel from the metric jet ``jet_point(r, theta, M, a)`` -> 30 values: the
    components tt, tphi, rr, thth, phph of g, d_r g, d_th g, d_rr g, d_rth g, d_thth g."""
    comps = np.array([[0, 0], [0, 3], [1, 1], [2, 2], [3, 3]])
    # jet slot of d_m d_n g (m, n in {-1 none, 1 r, 2 theta}) -> block index
    block = np.array([[0, 1, 2], [1, 3, 4], [2, 4, 5]])  # [1+m][1+n] with m<=n rule below

    @njit(parallel=True, error_model="numpy")
    def kerr(r, th, M, a, out):
        """out: (22, N): the 21 R_abcd (a<b, c<d, (a,b) <= (c,d)), then Kretschmann."""
        N = r.shape[0]
        nchunks = (N + CHUNK - 1) // CHUNK
        for ch in prange(nchunks):
            g = np.zeros((4, 4))
            gi = np.zeros((4, 4))
            dg = np.zeros((4, 4, 4))
            ddg = np.zeros((4, 4, 4, 4))
            dgi = np.zeros((4, 4, 4))
            Gam = np.zeros((4, 4, 4))
            dGam = np.zeros((4, 4, 4, 4))
            Rud = np.zeros((4, 4, 4, 4))
            Rdd = np.zeros((4, 4, 4, 4))
            T1 = np.zeros((4, 4, 4, 4))
            T2 = np.zeros((4, 4, 4, 4))
            for pt in range(ch * CHUNK, min(N, (ch + 1) * CHUNK)):
                jet = jet_point(r[pt], th[pt], M, a)
                for q in range(5):
                    i, j = comps[q, 0], comps[q, 1]
                    g[i, j] = g[j, i] = jet[q]
                    for m in range(1, 3):
                        dg[m, i, j] = dg[m, j, i] = jet[5 * block[0, m] + q]
                        for m2 in range(1, 3):
                            ddg[m, m2, i, j] = ddg[m, m2, j, i] = jet[5 * block[m, m2] + q]
                # inverse: the (t, phi) block and the diagonal (r, theta)
                det = g[0, 0] * g[3, 3] - g[0, 3] * g[0, 3]
                gi[0, 0], gi[3, 3] = g[3, 3] / det, g[0, 0] / det
                gi[0, 3] = gi[3, 0] = -g[0, 3] / det
                gi[1, 1], gi[2, 2] = 1.0 / g[1, 1], 1.0 / g[2, 2]
                # d_m g^kl = -g^ka d_m g_ab g^bl
                for m in range(1, 3):
                    for k in range(4):
                        for l in range(4):
                            s = 0.0
                            for p in range(4):
                                for q in range(4):
                                    s += gi[k, p] * dg[m, p, q] * gi[q, l]
                            dgi[m, k, l] = -s
                for k in range(4):
                    for i in range(4):
                        for j in range(4):
                            s = 0.0
                            for l in range(4):
                                s += gi[k, l] * (dg[i, l, j] + dg[j, l, i] - dg[l, i, j])
                            Gam[k, i, j] = 0.5 * s
                            for m in range(1, 3):
                                s = 0.0
                                for l in range(4):
                                    s += dgi[m, k, l] * (dg[i, l, j] + dg[j, l, i] - dg[l, i, j])
                                    s += gi[k, l] * (
                                        ddg[m, i, l, j] + ddg[m, j, l, i] - ddg[m, l, i, j]
                                    )
                                dGam[m, k, i, j] = 0.5 * s
                # R^s_bcd = d_c Gam^s_db - d_d Gam^s_cb + Gam^s_ce Gam^e_db - Gam^s_de Gam^e_cb
                for s_ in range(4):
                    for b in range(4):
                        for c in range(4):
                            for d in range(4):
                                v = dGam[c, s_, d, b] - dGam[d, s_, c, b]
                                for e in range(4):
                                    v += Gam[s_, c, e] * Gam[e, d, b] - Gam[s_, d, e] * Gam[e, c, b]
                                Rud[s_, b, c, d] = v
                for a_ in range(4):
                    for b in range(4):
                        for c in range(4):
                            for d in range(4):
                                v = 0.0
                                for s_ in range(4):
                                    v += g[a_, s_] * Rud[s_, b, c, d]
                                Rdd[a_, b, c, d] = v
                k = 0
                for a_ in range(4):
                    for b in range(a_ + 1, 4):
                        for c in range(a_, 4):
                            for d in range(c + 1, 4):
                                if c == a_ and d < b:
                                    continue
                                out[k, pt] = Rdd[a_, b, c, d]
                                k += 1
                # R^abcd: raise one index at a time
                for p in range(4):
                    for b in range(4):
                        for c in range(4):
                            for d in range(4):
                                v = 0.0
                                for e in range(4):
                                    v += gi[p, e] * Rdd[e, b, c, d]
                                T1[p, b, c, d] = v
                for p in range(4):
                    for b in range(4):
                        for c in range(4):
                            for d in range(4):
                                v = 0.0
                                for e in range(4):
                                    v += gi[b, e] * T1[p, e, c, d]
                                T2[p, b, c, d] = v
                for p in range(4):
                    for b in range(4):
                        for c in range(4):
                            for d in range(4):
                                v = 0.0
                                for e in range(4):
                                    v += gi[c, e] * T2[p, b, e, d]
                                T1[p, b, c, d] = v
                K = 0.0
                for p in range(4):
                    for b in range(4):
                        for c in range(4):
                            for d in range(4):
                                v = 0.0
                                for e in range(4):
                                    v += gi[d, e] * T1[p, b, c, e]
                                K += v * Rdd[p, b, c, d]
                out[21, pt] = K

    return kerr
