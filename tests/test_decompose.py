"""Irreducible decompositions of torsion and non-metricity (MATH.md §3.3)."""

import random
from itertools import combinations

import pytest
import sympy as sp

import geomkit as gk
from geomkit.symbolic.decompose import (
    nonmetricity_inner,
    nonmetricity_pieces,
    torsion_inner,
    torsion_pieces,
    torsion_scalar,
)

CASES = [(n, sig) for n in (3, 4, 5) for sig in ("euclid", "lorentz")]


def eta_of(n, sig):
    return sp.diag(*([-1] if sig == "lorentz" else [1]), *([1] * (n - 1)))


def rand_torsion(n, seed):
    rng = random.Random(seed)
    T = sp.MutableDenseNDimArray.zeros(n, n, n)
    for a in range(n):
        for b, c in combinations(range(n), 2):
            v = sp.Integer(rng.randint(-5, 5))
            T[a, b, c], T[a, c, b] = v, -v
    return sp.ImmutableDenseNDimArray(T)


def rand_nonmetricity(n, seed):
    rng = random.Random(seed)
    Q = sp.MutableDenseNDimArray.zeros(n, n, n)
    for a in range(n):
        for b in range(a, n):
            for c in range(n):
                v = sp.Integer(rng.randint(-5, 5))
                Q[a, b, c] = Q[b, a, c] = v
    return sp.ImmutableDenseNDimArray(Q)


def is_zero_array(X):
    return all(sp.simplify(v) == 0 for v in sp.flatten(X.tolist()))


@pytest.mark.parametrize("n,sig", CASES)
def test_torsion_pieces(n, sig):
    eta = eta_of(n, sig)
    T = rand_torsion(n, seed=10 * n + (sig == "lorentz"))
    p = torsion_pieces(T, eta)
    pieces = [p.tensor, p.vector, p.axial]
    assert is_zero_array(p.total() - T)
    for X, Y in combinations(pieces, 2):
        assert torsion_inner(X, Y, eta) == 0
    for X in pieces:
        assert torsion_inner(X, X, eta) != 0  # no piece vanishes for random data

    def trace(X):
        return [sum(X[a, a, c] for a in range(n)) for c in range(n)]

    def axial(X):
        Xl = [
            [[sum(eta[a, e] * X[e, b, c] for e in range(n)) for c in range(n)] for b in range(n)]
            for a in range(n)
        ]
        return [Xl[a][b][c] + Xl[b][c][a] + Xl[c][a][b] for a, b, c in combinations(range(n), 3)]

    assert all(v == 0 for v in trace(p.tensor) + trace(p.axial))
    assert trace(p.vector) == list(p.trace)
    assert all(v == 0 for v in axial(p.tensor) + axial(p.vector))
    assert axial(p.axial) == [p.axial_form[a, b, c] for a, b, c in combinations(range(n), 3)]
    # idempotence: re-decomposing a piece returns it
    for i, X in enumerate(pieces):
        q = torsion_pieces(X, eta)
        again = [q.tensor, q.vector, q.axial]
        for j, Y in enumerate(again):
            assert is_zero_array(Y - X) if i == j else is_zero_array(Y)


@pytest.mark.parametrize("n", [3, 4])
def test_torsion_piece_dimensions(n):
    """Ranks n^2(n-1)/2 = (rest) + n + C(n,3) of the three projectors."""
    eta = eta_of(n, "lorentz")
    basis = []
    for a in range(n):
        for b, c in combinations(range(n), 2):
            T = sp.MutableDenseNDimArray.zeros(n, n, n)
            T[a, b, c], T[a, c, b] = 1, -1
            basis.append(torsion_pieces(T, eta, simplify="none"))
    idx = [(a, b, c) for a in range(n) for b, c in combinations(range(n), 2)]
    ranks = [
        sp.Matrix([[getattr(p, name)[i] for i in idx] for p in basis]).rank()
        for name in ("tensor", "vector", "axial")
    ]
    assert ranks == [
        n * n * (n - 1) // 2 - n - n * (n - 1) * (n - 2) // 6,
        n,
        n * (n - 1) * (n - 2) // 6,
    ]


@pytest.mark.parametrize("n,sig", CASES)
def test_nonmetricity_pieces(n, sig):
    eta = eta_of(n, sig)
    gi = eta.inv()
    Q = rand_nonmetricity(n, seed=20 * n + (sig == "lorentz"))
    p = nonmetricity_pieces(Q, eta)
    pieces = [p.symmetric, p.remainder, p.vector, p.dilation]
    assert is_zero_array(p.total() - Q)
    for X, Y in combinations(pieces, 2):
        assert nonmetricity_inner(X, Y, eta) == 0
    for X in pieces:
        assert nonmetricity_inner(X, X, eta) != 0

    def traces(X):
        first = [sum(gi[a, a] * X[a, a, c] for a in range(n)) for c in range(n)]
        second = [sum(gi[a, a] * X[a, b, a] for a in range(n)) for b in range(n)]
        return first, second

    for X in (p.symmetric, p.remainder):
        f, s = traces(X)
        assert all(v == 0 for v in f + s)
    f, s = traces(p.vector)
    assert all(v == 0 for v in f) and s == list(p.Lambda_W)
    f, s = traces(p.dilation)
    assert f == list(p.weyl)
    fQ, sQ = traces(Q)
    assert fQ == list(p.weyl) and sQ == list(p.Lambda)
    assert all(sp.simplify(p.Lambda_W[b] - p.Lambda[b] + p.weyl[b] / n) == 0 for b in range(n))
    # the symmetric piece is totally symmetric
    for a, b, c in [(0, 1, 2), (1, 2, 0), (2, 0, 1)]:
        assert p.symmetric[a, b, c] == p.symmetric[0, 1, 2]
    # idempotence
    for i, X in enumerate(pieces):
        q = nonmetricity_pieces(X, eta)
        again = [q.symmetric, q.remainder, q.vector, q.dilation]
        for j, Y in enumerate(again):
            assert is_zero_array(Y - X) if i == j else is_zero_array(Y)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_nonmetricity_piece_dimensions(n):
    eta = eta_of(n, "euclid")
    idx = [(a, b, c) for a in range(n) for b in range(a, n) for c in range(n)]
    basis = []
    for a, b, c in idx:
        Q = sp.MutableDenseNDimArray.zeros(n, n, n)
        Q[a, b, c] = Q[b, a, c] = 1
        basis.append(nonmetricity_pieces(Q, eta, simplify="none"))
    names = ("symmetric", "remainder", "vector", "dilation")
    ranks = [
        sp.Matrix([[getattr(p, name)[i] for i in idx] for p in basis]).rank() for name in names
    ]
    sym = (n + 2) * (n + 1) * n // 6 - n
    assert ranks == [sym, n * n * (n + 1) // 2 - sym - 2 * n, n, n]


def test_vector_piece_coefficient_n4():
    """The (3) coefficient 2n/((n-1)(n+2)) is HMMN's 4/9 at n = 4."""
    n = 4
    eta = eta_of(n, "lorentz")
    Q = sp.MutableDenseNDimArray.zeros(n, n, n)
    Q[0, 1, 1] = Q[1, 0, 1] = 1  # Lambda_W along e^0
    p = nonmetricity_pieces(Q, eta)
    lw = p.Lambda_W
    # (3)Q_{01}(e_1) = k/2 * eta_11 * Lambda_W,0
    assert p.vector[0, 1, 1] == sp.Rational(4, 9) / 2 * lw[0]


@pytest.mark.parametrize("n", [3, 4, 5, 6])
@pytest.mark.parametrize("sig", ["euclid", "lorentz"])
def test_torsion_scalar_identity(n, sig):
    """T vol = T^a ^ *((1)T_a - (n-2) (2)T_a - 1/2 (3)T_a)."""
    eta = eta_of(n, sig)
    T = rand_torsion(n, seed=100 + n)
    p = torsion_pieces(T, eta)
    X = p.tensor - (n - 2) * p.vector - p.axial / 2
    assert sp.simplify(torsion_scalar(T, eta) - torsion_inner(T, X, eta)) == 0


def test_torsion_scalar_vanishes_in_2d():
    for seed in range(3):
        assert torsion_scalar(rand_torsion(2, seed), sp.eye(2)) == 0
        assert torsion_scalar(rand_torsion(2, seed), sp.diag(-1, 1)) == 0


def test_inner_product_is_wedge_hodge():
    """<X, Y> vol = X^a ^ *Y_a with the coframe Hodge star (n = 3, Lorentzian)."""
    c = gk.Chart("x y z")
    eta = sp.diag(-1, 1, 1)
    cf = gk.Coframe(c.dx, eta)
    from geomkit.symbolic.decompose import vector_forms

    T, S = rand_torsion(3, 1), rand_torsion(3, 2)
    Tf, Sf = vector_forms(T, cf, 2), vector_forms(S, cf, 2)
    lhs = sum(
        (Tf[a] ^ cf.hodge(sum((Sf[b] * eta[a, b] for b in range(3)), gk.Form(c, 1 + 1))))
        for a in range(3)
    )
    vol = cf.forms[0] ^ cf.forms[1] ^ cf.forms[2]
    assert lhs.equals(vol * torsion_inner(T, S, eta))


def test_from_connection():
    c = gk.Chart("x y z")
    x, y, z = c.coords
    dx, dy, dz = c.dx
    cf = gk.Coframe(c.dx)
    w = gk.Connection(cf, [[0, x * dz, y * dx], [z * dy, 0, dz], [0, x * dy, dx]])
    p = torsion_pieces(w)
    assert is_zero_array(p.total() - w.torsion_components())
    q = nonmetricity_pieces(w)
    assert is_zero_array(q.total() - w.nonmetricity_components())
    assert torsion_scalar(w) == torsion_scalar(w.torsion_components(), sp.eye(3))


def test_bad_shapes():
    eta = sp.eye(3)
    with pytest.raises(gk.DimensionError):
        torsion_pieces(sp.Array([[1, 2], [3, 4]]), eta)
    with pytest.raises(gk.DimensionError):
        nonmetricity_pieces(rand_nonmetricity(4, 0), eta)
    with pytest.raises(gk.GeomkitError):
        torsion_pieces(rand_torsion(3, 0))
    Q = sp.MutableDenseNDimArray.zeros(3, 3, 3)
    Q[0, 1, 2] = 1
    with pytest.raises(gk.GeomkitError):
        nonmetricity_pieces(Q, eta)
