r"""Irreducible decompositions of torsion and non-metricity, any n, any signature (conventions.md).

Arrays use the component conventions of :mod:`geomkit.symbolic.connection`
(form indices last): ``T[a, b, c]`` :math:`=T^a{}_{bc}` and ``Q[a, b, c]``
:math:`=Q_{ab}(e_c)`; ``eta`` is the frame metric (a constant matrix, or the
metric of a coordinate coframe: everything here is pointwise algebra).

Torsion, with trace :math:`T=\iota_aT^a` (``trace[c]`` :math:`=T^a{}_{ac}`) and axial
3-form :math:`A=e_a\wedge T^a` (``axial_form[a, b, c]`` :math:`=T_{abc}+T_{bca}+T_{cab}`):

.. math:: {}^{(2)}T^a=\tfrac1{n-1}e^a\wedge T,\quad {}^{(3)}T^a=\tfrac13\iota^aA,\quad
          {}^{(1)}T^a=T^a-{}^{(2)}T^a-{}^{(3)}T^a .

Non-metricity, with the Weyl (first) trace :math:`Q=\eta^{ab}Q_{ab}`, the second trace
:math:`\Lambda=(\iota^aQ_{ab})e^b`, the traceless part :math:`W_{ab}=Q_{ab}-\frac1n\eta_{ab}Q`
and :math:`\Lambda_W=(\iota^aW_{ab})e^b=\Lambda-\frac1nQ`:

.. math:: {}^{(4)}Q_{ab}=\tfrac1n\eta_{ab}Q,\quad
          {}^{(3)}Q_{ab}=\tfrac{2n}{(n-1)(n+2)}\big(e_{(a}\iota_{b)}\Lambda_W
          -\tfrac1n\eta_{ab}\Lambda_W\big),

:math:`V=W-{}^{(3)}Q`, :math:`{}^{(1)}Q_{cab}=V_{(cab)}` (totally symmetric, traceless)
and :math:`{}^{(2)}Q=V-{}^{(1)}Q`.

>>> import sympy as sp
>>> eta = sp.diag(1, 1, 1)
>>> T = sp.MutableDenseNDimArray.zeros(3, 3, 3)
>>> T[0, 1, 2], T[0, 2, 1] = 1, -1          # T^1 = e^2 ^ e^3: purely axial + tensor
>>> p = torsion_pieces(T, eta)
>>> p.axial[1, 2, 0], p.vector.rank(), sorted(set(p.trace))
(1/3, 3, [0])
>>> torsion_scalar(T, eta)
1/2
"""

from itertools import permutations
from typing import NamedTuple

import sympy as sp

from .._display import add_display
from ..errors import DimensionError, GeomkitError
from .simplify import get_strategy

__all__ = [
    "TorsionPieces",
    "NonmetricityPieces",
    "torsion_pieces",
    "nonmetricity_pieces",
    "torsion_scalar",
    "torsion_inner",
    "nonmetricity_inner",
    "vector_forms",
]


def _arr(x):
    return sp.ImmutableDenseNDimArray(x)


class TorsionPieces(NamedTuple):
    """Irreducible pieces of a torsion; ``tensor + vector + axial == T``.

    Attributes (arrays ``[a, b, c]`` :math:`={}^{(i)}T^a{}_{bc}` unless stated):
    ``tensor`` (1), ``vector`` (2, trace part), ``axial`` (3), ``trace`` (shape
    ``(n,)``, the 1-form :math:`T=\\iota_aT^a`), ``axial_form`` (the 3-form
    :math:`A_{abc}`, totally antisymmetric).
    """

    tensor: object
    vector: object
    axial: object
    trace: object
    axial_form: object

    def total(self):
        """``tensor + vector + axial``."""
        return self.tensor + self.vector + self.axial


class NonmetricityPieces(NamedTuple):
    """Irreducible pieces of a non-metricity; ``symmetric + remainder + vector + dilation == Q``.

    Arrays ``[a, b, c]`` :math:`={}^{(i)}Q_{ab}(e_c)`: ``symmetric`` (1, totally
    symmetric traceless; HMMN's TRINOM), ``remainder`` (2, BINOM), ``vector``
    (3, VECNOM, built from :math:`\\Lambda_W`), ``dilation`` (4, CO).  1-forms
    (shape ``(n,)``): ``weyl`` (:math:`Q=\\eta^{ab}Q_{ab}`), ``Lambda``
    (:math:`\\Lambda`) and ``Lambda_W`` (:math:`\\Lambda-\\frac1nQ`).
    """

    symmetric: object
    remainder: object
    vector: object
    dilation: object
    weyl: object
    Lambda: object
    Lambda_W: object

    def total(self):
        """``symmetric + remainder + vector + dilation``."""
        return self.symmetric + self.remainder + self.vector + self.dilation


add_display(TorsionPieces, NonmetricityPieces)  # LaTeX in notebooks and sp.latex


def _inputs(X, eta, what, getter):
    from .connection import Connection

    if isinstance(X, Connection):
        if eta is None:
            eta = X.coframe.eta
        X = getter(X)
    if eta is None:
        raise GeomkitError(f"{what}: pass the frame metric eta (or a Connection)")
    eta = sp.Matrix(eta)
    n = eta.shape[0]
    if eta.shape != (n, n):
        raise DimensionError(f"{what}: eta must be square, got {eta.shape}")
    X = sp.Array(X)
    if X.shape != (n, n, n):
        raise DimensionError(f"{what}: components must have shape {(n, n, n)}, got {X.shape}")
    return X, eta, n


def _lower1(X, eta, n):
    return [[[sum((eta[a, e] * X[e, b, c] for e in range(n) if eta[a, e] != 0), sp.S.Zero)
              for c in range(n)] for b in range(n)] for a in range(n)]


def torsion_pieces(T, eta=None, simplify="cancel"):
    """Irreducible decomposition of a torsion ``T[a, b, c]`` :math:`=T^a{}_{bc}`.

    ``T`` may also be a :class:`~geomkit.Connection` (its torsion and frame
    metric are used).  Returns :class:`TorsionPieces`; each component is
    simplified with ``simplify``.
    """
    T, eta, n = _inputs(T, eta, "torsion_pieces", lambda c: c.torsion_components())
    if n < 2:
        raise DimensionError("torsion needs n >= 2")
    f = get_strategy(simplify)
    gi = eta.inv()
    Tl = _lower1(T, eta, n)
    t = [sum((T[a, a, c] for a in range(n)), sp.S.Zero) for c in range(n)]
    A = [[[Tl[a][b][c] + Tl[b][c][a] + Tl[c][a][b] for c in range(n)] for b in range(n)]
         for a in range(n)]
    k2, k3 = sp.Rational(1, n - 1), sp.Rational(1, 3)
    vec = [[[k2 * ((t[c] if a == b else 0) - (t[b] if a == c else 0)) for c in range(n)]
            for b in range(n)] for a in range(n)]
    ax = [[[k3 * sum((gi[a, e] * A[e][b][c] for e in range(n) if gi[a, e] != 0), sp.S.Zero)
            for c in range(n)] for b in range(n)] for a in range(n)]
    ten = [[[T[a, b, c] - vec[a][b][c] - ax[a][b][c] for c in range(n)] for b in range(n)]
           for a in range(n)]
    g = _mapper(f)
    return TorsionPieces(g(ten), g(vec), g(ax), _arr([f(x) for x in t]), g(A))


def _mapper(f):
    def g(nested):
        return _arr([[[f(x) for x in row] for row in mat] for mat in nested])

    return g


def nonmetricity_pieces(Q, eta=None, simplify="cancel"):
    """Irreducible decomposition of a non-metricity ``Q[a, b, c]`` :math:`=Q_{ab}(e_c)`.

    ``Q`` may also be a :class:`~geomkit.Connection`.  Returns
    :class:`NonmetricityPieces` (four pieces and the traces ``weyl``,
    ``Lambda``, ``Lambda_W``).
    """
    Q, eta, n = _inputs(Q, eta, "nonmetricity_pieces", lambda c: c.nonmetricity_components())
    if n < 2:
        raise DimensionError("non-metricity pieces need n >= 2")
    f = get_strategy(simplify)
    gi = eta.inv()
    for a in range(n):
        for b in range(a + 1, n):
            for c in range(n):
                if sp.expand(Q[a, b, c] - Q[b, a, c]) != 0:
                    raise GeomkitError(
                        f"nonmetricity_pieces: Q[a, b, c] must be symmetric in a, b "
                        f"(Q[{a}, {b}, {c}] != Q[{b}, {a}, {c}])"
                    )
    z = sp.S.Zero
    q = [sum((gi[a, b] * Q[a, b, c] for a in range(n) for b in range(n) if gi[a, b] != 0), z)
         for c in range(n)]
    lam = [sum((gi[a, d] * Q[a, b, d] for a in range(n) for d in range(n) if gi[a, d] != 0), z)
           for b in range(n)]
    lw = [lam[b] - q[b] / n for b in range(n)]
    dil = [[[eta[a, b] * q[c] / n for c in range(n)] for b in range(n)] for a in range(n)]
    k = sp.Rational(2 * n, (n - 1) * (n + 2))
    vec = [[[k * ((eta[a, c] * lw[b] + eta[b, c] * lw[a]) / 2 - eta[a, b] * lw[c] / n)
             for c in range(n)] for b in range(n)] for a in range(n)]
    V = [[[Q[a, b, c] - dil[a][b][c] - vec[a][b][c] for c in range(n)] for b in range(n)]
         for a in range(n)]
    sym = [[[sum((V[i][j][k_] for i, j, k_ in permutations((a, b, c))), z) / 6
             for c in range(n)] for b in range(n)] for a in range(n)]
    rem = [[[V[a][b][c] - sym[a][b][c] for c in range(n)] for b in range(n)] for a in range(n)]
    g = _mapper(f)
    return NonmetricityPieces(
        g(sym), g(rem), g(vec), g(dil),
        _arr([f(x) for x in q]), _arr([f(x) for x in lam]), _arr([f(x) for x in lw]),
    )


def torsion_inner(X, Y, eta, simplify="cancel"):
    """:math:`\\langle X,Y\\rangle=\\tfrac12X_{abc}Y^{abc}` for torsion-like arrays ``[a, b, c]``
    :math:`=X^a{}_{bc}`; :math:`X^a\\wedge\\star Y_a=\\langle X,Y\\rangle\\mathrm{vol}`."""
    eta = sp.Matrix(eta)
    n = eta.shape[0]
    gi = eta.inv()
    X, Y = sp.Array(X), sp.Array(Y)
    # X_abc Y^abc = X^a_bc eta_ae Y^e_fg eta^bf eta^cg
    s = sp.S.Zero
    for a in range(n):
        for e in range(n):
            if eta[a, e] == 0:
                continue
            for b in range(n):
                for f_ in range(n):
                    if gi[b, f_] == 0:
                        continue
                    for c in range(n):
                        for g_ in range(n):
                            if gi[c, g_] != 0:
                                s += X[a, b, c] * eta[a, e] * Y[e, f_, g_] * gi[b, f_] * gi[c, g_]
    return get_strategy(simplify)(s / 2)


def nonmetricity_inner(X, Y, eta, simplify="cancel"):
    """:math:`X_{abc}Y^{abc}` for non-metricity arrays ``[a, b, c]`` :math:`=X_{ab}(e_c)`."""
    eta = sp.Matrix(eta)
    n = eta.shape[0]
    gi = eta.inv()
    X, Y = sp.Array(X), sp.Array(Y)
    nz = [(i, j) for i in range(n) for j in range(n) if gi[i, j] != 0]
    s = sp.S.Zero
    for a, d in nz:
        for b, e in nz:
            for c, f_ in nz:
                s += X[a, b, c] * Y[d, e, f_] * gi[a, d] * gi[b, e] * gi[c, f_]
    return get_strategy(simplify)(s)


def torsion_scalar(T, eta=None, simplify="cancel"):
    """Teleparallel (TEGR) torsion scalar :math:`\\mathbb T=\\tfrac14T_{abc}T^{abc}+
    \\tfrac12T_{abc}T^{bac}-T_aT^a` with :math:`T_a=T^b{}_{ba}`.

    It satisfies :math:`\\mathbb T\\,\\mathrm{vol}=T^a\\wedge\\star({}^{(1)}T_a-(n-2)\\,
    {}^{(2)}T_a-\\tfrac12{}^{(3)}T_a)` (``docs/conventions.md``, tested) and vanishes
    identically for n = 2.  ``T`` may be a :class:`~geomkit.Connection`.
    """
    T, eta, n = _inputs(T, eta, "torsion_scalar", lambda c: c.torsion_components())
    gi = eta.inv()
    Tl = _lower1(T, eta, n)
    # all-upper: T^{abc} = T^a_{ef} eta^{eb} eta^{fc}
    Tu = [[[sum((T[a, e, f_] * gi[e, b] * gi[f_, c] for e in range(n) for f_ in range(n)
                 if gi[e, b] != 0 and gi[f_, c] != 0), sp.S.Zero)
            for c in range(n)] for b in range(n)] for a in range(n)]
    t_low = [sum((T[b, b, a] for b in range(n)), sp.S.Zero) for a in range(n)]
    t_up = [sum((gi[a, b] * t_low[b] for b in range(n) if gi[a, b] != 0), sp.S.Zero)
            for a in range(n)]
    s = sp.S.Zero
    for a in range(n):
        for b in range(n):
            for c in range(n):
                if Tl[a][b][c] != 0:
                    s += Tl[a][b][c] * (Tu[a][b][c] / 4 + Tu[b][a][c] / 2)
        s -= t_low[a] * t_up[a]
    return get_strategy(simplify)(s)


def vector_forms(X, coframe, degree):
    """Coordinate forms of a vector/matrix-valued frame array, e.g. a torsion piece.

    ``X[i, ..., c_1, ..., c_p]`` with the last ``degree`` indices the form
    indices (antisymmetric); returns nested tuples of :class:`~geomkit.Form`
    ``sum_{c_1<...<c_p} X[i, ..., c] e^{c_1} ^ ... ^ e^{c_p}``.

    >>> import sympy as sp
    >>> import geomkit as gk
    >>> c = gk.Chart('x y')
    >>> T = sp.Array([[[0, 1], [-1, 0]], [[0, 0], [0, 0]]])
    >>> vector_forms(T, gk.Coframe(c.dx), 2)
    (dx^dy, 0)
    """
    from itertools import combinations

    X = sp.Array(X)
    n = coframe.n
    lead = X.rank() - degree
    if lead < 0 or X.shape[lead:] != (n,) * degree:
        raise DimensionError(
            f"vector_forms: the last {degree} axes must have length {n}, got shape {X.shape}"
        )

    def rec(prefix):
        if len(prefix) == lead:
            comps = {I: X[prefix + I] for I in combinations(range(n), degree)}
            return coframe.to_form({I: v for I, v in comps.items() if v != 0}, degree)
        return tuple(rec(prefix + (i,)) for i in range(X.shape[len(prefix)]))

    return rec(())
