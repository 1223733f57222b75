r"""Affine connections in a coframe: Cartan structure equations, distortion, frame changes.

A :class:`Connection` on a :class:`~geomkit.Coframe` is an ``n x n`` matrix of
1-forms :math:`\omega^a{}_b=\omega^a{}_{bc}e^c` (``docs/conventions.md``).  With
:math:`DV^a=dV^a+\omega^a{}_bV^b`:

* torsion :math:`T^a=De^a=de^a+\omega^a{}_b\wedge e^b=\tfrac12T^a{}_{bc}e^b\wedge e^c`;
* curvature :math:`R^a{}_b=d\omega^a{}_b+\omega^a{}_c\wedge\omega^c{}_b
  =\tfrac12R^a{}_{bcd}e^c\wedge e^d`;
* non-metricity :math:`Q_{ab}=-k\,D\eta_{ab}=k(-d\eta_{ab}+\omega_{ab}+\omega_{ba})`
  with :math:`\omega_{ab}=\eta_{ac}\omega^c{}_b` and ``k = nonmetricity_scale``
  (1 by default, 1/2 in some of the literature);
* Ricci :math:`\mathrm{Ric}_{bd}=R^a{}_{bad}`, scalar :math:`R=\eta^{bd}\mathrm{Ric}_{bd}`
  (the unit 2-sphere has ``R = 2``).

Bianchi identities (tested): :math:`DT^a=R^a{}_b\wedge e^b`, :math:`DR^a{}_b=0`,
:math:`DQ_{ab}=k(R_{ab}+R_{ba})`.

Component arrays put the form indices last: ``omega[a, b, c]`` :math:`=\omega^a{}_{bc}`,
``T[a, b, c]`` :math:`=T^a{}_{bc}`, ``R[a, b, c, d]`` :math:`=R^a{}_{bcd}`,
``Q[a, b, c]`` :math:`=Q_{ab}(e_c)` (often written :math:`Q_{cab}`).

Distortion (``docs/conventions.md``): :math:`\omega=\mathring\omega+N`, with
:math:`N_{ab}=K_{ab}+\tfrac12Q_{ab}+\tfrac12[\iota_bQ_{ac}-\iota_aQ_{bc}]e^c` and the
contortion :math:`K_{ab}=\tfrac12[\iota_aT_b-\iota_bT_a-(\iota_a\iota_bT_c)e^c]`.
The Levi-Civita connection is this formula applied to :math:`T_a=-\eta_{ab}de^b`,
:math:`Q_{ab}=d\eta_{ab}`, which is the anholonomy formula when :math:`\eta` is constant.

>>> import sympy as sp
>>> import geomkit as gk
>>> c = gk.Chart('theta phi', positive=True)
>>> th, ph = c.coords
>>> lc = gk.levi_civita(gk.Coframe([c.dx[0], sp.sin(th) * c.dx[1]]))
>>> lc.omega()[1][0]
cos(theta)*dphi
>>> lc.curvature()[0][1]
sin(theta)*dtheta^dphi
>>> lc.ricci_scalar()
2
"""

import sympy as sp

from .._display import FormTuple, LatexDisplay
from ..errors import DegreeError, DimensionError, GeomkitError, SingularCoframeError
from .forms import Form, d, wedge
from .frames import Coframe, _map_nested, _sum
from .simplify import get_strategy

__all__ = ["Connection", "levi_civita", "contortion", "disformation"]


def _zeros(zero, *shape):
    if len(shape) == 1:
        return [zero] * shape[0]
    return [_zeros(zero, *shape[1:]) for _ in range(shape[0])]


def _distortion_lower(T_low, Q, n):
    """``N[a][b][c]`` = :math:`N_{ab}(e_c)` from ``T_low[a][b][c]`` :math:`=T_{abc}` and Q."""
    N = [[[None] * n for _ in range(n)] for _ in range(n)]
    for a in range(n):
        for b in range(n):
            for c in range(n):
                N[a][b][c] = (
                    T_low[b][a][c] - T_low[a][b][c] - T_low[c][b][a] + Q[a][b][c] + Q[a][c][b]
                    - Q[b][c][a]
                ) / 2
    return N


# display symbol and index positions of the tuples of forms (FormTuple)
_FORM_LABELS = {"omega": (r"\omega", "^_"), "T": ("T", "^"), "R": ("R", "^_"), "Q": ("Q", "_")}


class Connection(LatexDisplay):
    """A general affine connection :math:`\\omega^a{}_b` on a coframe.

    Parameters
    ----------
    coframe : Coframe
    omega : n x n nested sequence of 1-:class:`~geomkit.Form` (or 0)
        ``omega[a][b]`` is :math:`\\omega^a{}_b`, in coordinate components on the
        coframe's chart.
    nonmetricity_scale : {1, 1/2}
        ``k`` in :math:`Q_{ab}=-k\\,D\\eta_{ab}`.

    Results are computed once, in frame components, and cached.

    >>> import sympy as sp
    >>> import geomkit as gk
    >>> c = gk.Chart('x y')
    >>> x, y = c.coords
    >>> cf = gk.Coframe(c.dx)
    >>> w = gk.Connection(cf, [[0, x * c.dx[1]], [-x * c.dx[1], 0]])
    >>> w.torsion()
    (0, x*dx^dy)
    >>> w.curvature()[0][1]
    dx^dy
    """

    def __init__(self, coframe, omega, nonmetricity_scale=1):
        if not isinstance(coframe, Coframe):
            raise GeomkitError(f"Connection needs a Coframe, got {type(coframe).__name__}")
        n = coframe.n
        try:
            rows = [list(row) for row in omega]
        except TypeError:
            raise DimensionError("omega must be an n x n nested sequence of 1-forms") from None
        if len(rows) != n or any(len(r) != n for r in rows):
            shape = (len(rows), tuple(len(r) for r in rows))
            raise DimensionError(f"omega must be {n}x{n} (one 1-form per a, b), got {shape}")
        forms = {}
        for a in range(n):
            for b in range(n):
                f = rows[a][b]
                if not isinstance(f, Form):
                    if sp.sympify(f) == 0:
                        continue
                    raise DegreeError(f"omega[{a}][{b}] must be a 1-form, got {f!r}")
                coframe.chart.check_same(f.chart, f"coframe and omega[{a}][{b}]")
                if f.degree != 1:
                    raise DegreeError(f"omega[{a}][{b}] is a {f.degree}-form, not a 1-form")
                forms[a, b] = f
        coframe = coframe._covering(
            [v for f in forms.values() for v in f.components.values()]
        )
        w = _zeros(coframe.engine.zero, n, n, n)
        for (a, b), f in forms.items():
            comps, _ = coframe._to_frame(f)
            for (c,), v in comps.items():
                w[a][b][c] = v
        self._init(coframe, w, nonmetricity_scale)

    def _init(self, coframe, w, scale):
        self.coframe = coframe
        self.n = coframe.n
        self.engine = coframe.engine
        self.nonmetricity_scale = sp.nsimplify(scale)
        self._w = w
        self._cache = {}

    @classmethod
    def _from_engine(cls, coframe, w, nonmetricity_scale=1):
        obj = cls.__new__(cls)
        obj._init(coframe, w, nonmetricity_scale)
        return obj

    @classmethod
    def from_components(cls, coframe, omega, nonmetricity_scale=1):
        """The connection with frame components ``omega[a, b, c]`` :math:`=\\omega^a{}_{bc}`."""
        n = coframe.n
        arr = sp.Array(omega)
        if arr.shape != (n, n, n):
            raise DimensionError(f"omega components must have shape {(n, n, n)}, got {arr.shape}")
        coframe = coframe._covering(sp.flatten(arr.tolist()))
        eng = coframe.engine
        w = [[[eng.reduce(eng.atomize(arr[a, b, c])) for c in range(n)] for b in range(n)]
             for a in range(n)]
        return cls._from_engine(coframe, w, nonmetricity_scale)

    def _cached(self, key, fn):
        try:
            return self._cache[key]
        except KeyError:
            val = self._cache[key] = fn()
            return val

    # -- engine-level structure equations -----------------------------------------------------
    def _torsion(self):
        def build():
            n, eng, w = self.n, self.engine, self._w
            C = self.coframe._anholonomy()
            T = _zeros(eng.zero, n, n, n)
            for a in range(n):
                for b in range(n):
                    for c in range(b + 1, n):
                        v = eng.reduce(-C[a][b][c] + w[a][c][b] - w[a][b][c])
                        T[a][b][c], T[a][c][b] = v, -v
            return T

        return self._cached("_T", build)

    def _curvature(self):
        def build():
            n, eng, cf = self.n, self.engine, self.coframe
            lz = eng.lazy  # sums of products without intermediate gcds
            w = [[[lz(x) for x in row] for row in mat] for mat in self._w]
            C = [[[lz(x) for x in row] for row in mat] for mat in cf._anholonomy()]
            Ei = [[lz(x) for x in row] for row in cf._Einv]
            R = _zeros(eng.zero, n, n, n, n)
            for a in range(n):
                for b in range(n):
                    # e_c(w[a][b][d]) for all c, d
                    dw = [[eng.diff_lazy(self._w[a][b][dd], m) for m in range(n)]
                          for dd in range(n)]
                    ew = [
                        [
                            _sum((Ei[m][c] * dw[dd][m] for m in range(n)
                                  if Ei[m][c] != 0 and dw[dd][m] != 0), 0)
                            for c in range(n)
                        ]
                        for dd in range(n)
                    ]
                    for c in range(n):
                        for dd in range(c + 1, n):
                            s = ew[dd][c] - ew[c][dd]
                            for e in range(n):
                                if w[a][b][e] != 0 and C[e][c][dd] != 0:
                                    s = s - w[a][b][e] * C[e][c][dd]
                                if w[a][e][c] != 0 and w[e][b][dd] != 0:
                                    s = s + w[a][e][c] * w[e][b][dd]
                                if w[a][e][dd] != 0 and w[e][b][c] != 0:
                                    s = s - w[a][e][dd] * w[e][b][c]
                            v = eng.unlazy(s) if s != 0 else eng.zero
                            R[a][b][c][dd], R[a][b][dd][c] = v, -v
            return R

        return self._cached("_R", build)

    def _omega_lower(self):
        return _lower_first(self._w, self.coframe._eta, self.engine.zero)

    def _deta(self):
        """``[a][b][c]`` = :math:`e_c(\\eta_{ab})` (engine level)."""
        cf = self.coframe
        return cf._cached("_deta", lambda: _frame_deta(cf))

    def _nonmetricity(self):
        def build():
            n, eng = self.n, self.engine
            wl = self._omega_lower()
            de = self._deta()
            k = self.nonmetricity_scale
            return [
                [[eng.reduce(k * (-de[a][b][c] + wl[a][b][c] + wl[b][a][c])) for c in range(n)]
                 for b in range(n)]
                for a in range(n)
            ]

        return self._cached("_Q", build)

    def _ricci(self):
        def build():
            n, eng = self.n, self.engine
            R = self._curvature()
            lz = eng.lazy
            return [
                [eng.unlazy(_sum((lz(R[a][b][a][dd]) for a in range(n) if R[a][b][a][dd] != 0),
                                 eng.zero))
                 for dd in range(n)]
                for b in range(n)
            ]

        return self._cached("_Ric", build)

    def _scalar(self):
        def build():
            n, eng = self.n, self.engine
            Ric, gi = self._ricci(), self.coframe._etainv
            lz = eng.lazy
            return eng.unlazy(
                _sum((lz(gi[b][dd]) * lz(Ric[b][dd]) for b in range(n) for dd in range(n)
                      if gi[b][dd] != 0 and Ric[b][dd] != 0), eng.zero)
            )

        return self._cached("_Rs", build)

    # -- public: components ------------------------------------------------------------------
    def omega_components(self):
        """``omega[a, b, c]`` :math:`=\\omega^a{}_{bc}` (sympy Array, shape (n, n, n))."""
        return self._cached("omega_c", lambda: self.coframe.to_array(self._w))

    def torsion_components(self):
        """``T[a, b, c]`` :math:`=T^a{}_{bc}`, antisymmetric in ``b, c``."""
        return self._cached("T_c", lambda: self.coframe.to_array(self._torsion()))

    def curvature_components(self):
        """``R[a, b, c, d]`` :math:`=R^a{}_{bcd}`, antisymmetric in ``c, d``."""
        return self._cached("R_c", lambda: self.coframe.to_array(self._curvature()))

    def nonmetricity_components(self, scale=None):
        """``Q[a, b, c]`` :math:`=Q_{ab}(e_c)`, symmetric in ``a, b``."""
        Q = self.coframe.to_array(self._nonmetricity())
        if scale is not None:
            Q = Q.applyfunc(lambda v: v * sp.nsimplify(scale) / self.nonmetricity_scale)
        return Q

    def ricci_components(self):
        """Frame Ricci tensor ``Ric[b, d]`` :math:`=R^a{}_{bad}` (a sympy Matrix)."""
        return self._cached(
            "Ric_c", lambda: sp.ImmutableMatrix(self.coframe.to_array(self._ricci()).tolist())
        )

    def ricci_scalar(self):
        """Curvature scalar :math:`R=\\eta^{bd}R^a{}_{bad}`."""
        return self._cached("Rs", lambda: self.engine.restore(self._scalar()))

    # -- public: forms ------------------------------------------------------------------------
    def _forms(self, key, comps, degree):
        cf = self.coframe
        label = _FORM_LABELS[key]

        def build():
            def to_form(x):
                if degree == 1:
                    return cf._from_frame(1, {(c,): x[c] for c in range(self.n) if x[c] != 0})
                return cf._from_frame(
                    2,
                    {(c, e): x[c][e] for c in range(self.n) for e in range(c + 1, self.n)
                     if x[c][e] != 0},
                )

            def walk(x, depth):
                if depth == 0:
                    return to_form(x)
                return tuple(walk(y, depth - 1) for y in x)

            x = comps()
            levels = 0
            while isinstance(x, list):
                x, levels = x[0], levels + 1
            return FormTuple(walk(comps(), levels - degree), *label)

        return self._cached("forms_" + key, build)

    def omega(self):
        """:math:`\\omega^a{}_b` as an ``n x n`` tuple of coordinate 1-Forms."""
        return self._forms("omega", lambda: self._w, 1)

    def torsion(self):
        """:math:`T^a` as a tuple of ``n`` coordinate 2-Forms."""
        return self._forms("T", self._torsion, 2)

    def curvature(self):
        """:math:`R^a{}_b` as an ``n x n`` tuple of coordinate 2-Forms."""
        return self._forms("R", self._curvature, 2)

    def nonmetricity(self, scale=None):
        """:math:`Q_{ab}` as an ``n x n`` tuple of coordinate 1-Forms (see the module doc)."""
        Q = self._forms("Q", self._nonmetricity, 1)
        if scale is None or sp.nsimplify(scale) == self.nonmetricity_scale:
            return Q
        f = sp.nsimplify(scale) / self.nonmetricity_scale
        return FormTuple((tuple(q * f for q in row) for row in Q), *_FORM_LABELS["Q"])

    # -- distortion --------------------------------------------------------------------------
    def distortion(self):
        """``N[a, b, c]`` :math:`=N^a{}_{bc}` with :math:`\\omega=\\mathring\\omega+N`.

        Computed as ``omega - levi_civita(coframe).omega``; it equals
        :func:`contortion` + :func:`disformation` of this connection's torsion and
        non-metricity (``docs/conventions.md``, tested).
        """

        def build():
            lc = levi_civita(self.coframe)
            n, eng = self.n, self.engine
            N = [[[eng.reduce(self._w[a][b][c] - lc._w[a][b][c]) for c in range(n)]
                  for b in range(n)] for a in range(n)]
            return self.coframe.to_array(N)

        return self._cached("N", build)

    def contortion(self):
        """Contortion ``K[a, b, c]`` :math:`=K^a{}_{bc}` of this connection's torsion (§2.5)."""
        return self._cached(
            "K",
            lambda: contortion(self.torsion_components(), self.coframe.eta,
                               self.coframe.strategy),
        )

    def disformation(self):
        """Disformation ``L[a, b, c]`` :math:`=L^a{}_{bc}` of this connection's non-metricity.

        ``distortion() == contortion() + disformation()`` (tested).
        """
        return self._cached(
            "L",
            lambda: disformation(self.nonmetricity_components(scale=1), self.coframe.eta,
                                 self.coframe.strategy),
        )

    # -- covariant exterior derivative ---------------------------------------------------------
    def exterior_derivative(self, X, indices=None, simplify=None):
        """Covariant exterior derivative :math:`D` of a tensor-valued form.

        Parameters
        ----------
        X : Form, or nested sequence of Forms
            ``X[i_1][i_2]...`` with one nesting level per frame index.
        indices : str, optional
            One letter per level, ``'u'`` (upper) or ``'d'`` (lower); default
            ``'u'`` for one level (:math:`V^a`), ``'ud'`` for two (:math:`R^a{}_b`).
        simplify : strategy, optional
            Applied to the result's components (default: the coframe's).

        Notes
        -----
        :math:`DX^{a}{}_{b}=dX^a{}_b+\\omega^a{}_c\\wedge X^c{}_b-\\omega^c{}_b\\wedge X^a{}_c`
        (one term per index, with the sign of the graded Leibniz rule).
        """
        depth = 0
        probe = X
        while not isinstance(probe, Form):
            try:
                probe = probe[0]
            except (TypeError, IndexError):
                raise GeomkitError("exterior_derivative takes a Form or nested Forms") from None
            depth += 1
        if indices is None:
            indices = {0: "", 1: "u", 2: "ud"}.get(depth, "u" * depth)
        if len(indices) != depth or set(indices) - set("ud"):
            raise DimensionError(
                f"indices {indices!r} must have one 'u'/'d' per nesting level ({depth})"
            )
        n = self.n
        om = self.omega()
        strat = get_strategy(self.coframe.strategy if simplify is None else simplify)

        def get(x, idx):
            for i in idx:
                x = x[i]
            return x

        def build(idx):
            if len(idx) == depth:
                x = get(X, idx)
                out = d(x)
                for pos, kind in enumerate(indices):
                    for c in range(n):
                        j = idx[:pos] + (c,) + idx[pos + 1:]
                        if kind == "u":
                            if om[idx[pos]][c]:
                                out = out + wedge(om[idx[pos]][c], get(X, j))
                        elif om[c][idx[pos]]:
                            out = out - wedge(om[c][idx[pos]], get(X, j))
                return out.simplify(strat)
            return tuple(build(idx + (i,)) for i in range(n))

        return build(())

    # -- frame changes -----------------------------------------------------------------------
    def gauge(self, L, simplify=None):
        """The same connection in the frame :math:`e'=L^{-1}e` (docs/conventions.md).

        :math:`\\omega'=L^{-1}\\omega L+L^{-1}dL`, :math:`\\eta'=L^T\\eta L`; then
        :math:`T'=L^{-1}T` and :math:`R'=L^{-1}RL`.  ``L`` is an invertible
        ``n x n`` matrix of functions.
        """
        cf = self.coframe
        n = self.n
        strategy = cf.strategy if simplify is None else simplify
        L = sp.Matrix(L)
        if L.shape != (n, n):
            raise DimensionError(f"L must be {n}x{n}, got {L.shape[0]}x{L.shape[1]}")
        f = get_strategy(strategy)
        det = f(L.det(method="berkowitz"))
        if det == 0:
            raise SingularCoframeError("frame change L is singular (det L = 0)")
        Li = (L.adjugate(method="berkowitz") / det).applyfunc(f)
        new_cf = cf.change(L, Linv=Li, simplify=strategy)
        om = self.omega()
        chart = cf.chart
        dL = [[d(chart.scalar(L[i, j])) for j in range(n)] for i in range(n)]
        new = []
        for a in range(n):
            row = []
            for b in range(n):
                acc = Form(chart, 1)
                for c in range(n):
                    if Li[a, c] == 0:
                        continue
                    for e in range(n):
                        if L[e, b] != 0 and om[c][e]:
                            acc = acc + om[c][e] * (Li[a, c] * L[e, b])
                    if dL[c][b]:
                        acc = acc + dL[c][b] * Li[a, c]
                row.append(acc.simplify(f))
            new.append(row)
        return Connection(new_cf, new, self.nonmetricity_scale)

    def __repr__(self):
        return f"Connection({self.coframe!r}, omega={self.omega_components().tolist()})"

    def _latex(self, printer):
        return printer._print(self.omega()) + r",\quad " + printer._print(self.coframe)


def _frame_deta(cf):
    n, eng = cf.n, cf.engine
    out = _zeros(eng.zero, n, n, n)
    if cf.constant_eta:
        return out
    for a in range(n):
        for b in range(a, n):
            for c in range(n):
                v = eng.reduce(cf.frame_derivative(cf._eta[a][b], c))
                out[a][b][c] = out[b][a][c] = v
    return out


def levi_civita(coframe):
    """The Levi-Civita connection of a coframe (torsion-free, metric-compatible), cached.

    For constant :math:`\\eta` this is the anholonomy formula of ``docs/conventions.md``,
    :math:`\\mathring\\omega_{abc}=\\tfrac12(C_{cab}-C_{abc}-C_{bca})`; in general
    the distortion formula of §2.5 with :math:`T_a=-\\eta_{ab}de^b` and
    :math:`Q_{ab}=d\\eta_{ab}`, which also covers coordinate coframes
    (:math:`\\eta=g`, giving the Christoffel symbols).

    >>> import sympy as sp
    >>> import geomkit as gk
    >>> c = gk.Chart('r phi', positive=True)
    >>> r, phi = c.coords
    >>> gk.levi_civita(gk.Coframe([c.dx[0], r * c.dx[1]])).omega()[0][1]
    -dphi
    """
    if not isinstance(coframe, Coframe):
        raise GeomkitError(f"levi_civita needs a Coframe, got {type(coframe).__name__}")

    def build():
        n, eng = coframe.n, coframe.engine
        lz = eng.lazy  # sums of products without intermediate gcds
        C = _map_nested(coframe._anholonomy(), lz)
        eta = _map_nested(coframe._eta, lz)
        # "T"_abc = -eta_ad (de^d)_bc = eta_ad C^d_bc
        Tl = _lower_first(C, eta, 0)
        Nl = _distortion_lower(Tl, _map_nested(_frame_deta(coframe), lz), n)
        w = _lower_first(Nl, _map_nested(coframe._etainv, lz), 0)
        w = [[[eng.unlazy(x) if x != 0 else eng.zero for x in row] for row in mat] for mat in w]
        return Connection._from_engine(coframe, w)

    return coframe._cached("levi_civita", build)


def _lower_first(T, eta, zero=sp.S.Zero):
    """``eta[a][e] T[e][b][c]`` summed over e (also raises, given the inverse)."""
    n = len(eta)
    return [
        [[_sum((eta[a][e] * T[e][b][c] for e in range(n) if eta[a][e] != 0), zero)
          for c in range(n)] for b in range(n)]
        for a in range(n)
    ]


def _raise_first(X, eta_inv):
    return _lower_first(X, eta_inv)


def contortion(T, eta, simplify="cancel"):
    """Contortion ``K[a, b, c]`` :math:`=K^a{}_{bc}` of a torsion ``T[a, b, c]``.

    :math:`K_{ab}=\\tfrac12[\\iota_aT_b-\\iota_bT_a-(\\iota_a\\iota_bT_c)e^c]`, i.e.
    :math:`K_{abc}=\\tfrac12(T_{bac}-T_{abc}-T_{cba})`; it is antisymmetric in its
    first two (lowered) indices and :math:`K^a{}_b\\wedge e^b=T^a`.
    """
    return _distortion_part(T, None, eta, simplify)


def disformation(Q, eta, simplify="cancel"):
    """Disformation ``L[a, b, c]`` :math:`=L^a{}_{bc}` of a non-metricity ``Q[a, b, c]``.

    :math:`L_{ab}=\\tfrac12Q_{ab}+\\tfrac12[\\iota_bQ_{ac}-\\iota_aQ_{bc}]e^c` (scale 1),
    so that :math:`L_{ab}+L_{ba}=Q_{ab}` and :math:`L^a{}_b\\wedge e^b=0`.
    """
    return _distortion_part(None, Q, eta, simplify)


def _distortion_part(T, Q, eta, simplify):
    eta = sp.Matrix(eta)
    n = eta.shape[0]
    f = get_strategy(simplify)
    Z = _zeros(sp.S.Zero, n, n, n)
    if T is not None:
        T = sp.Array(T)
        if T.shape != (n, n, n):
            raise DimensionError(f"torsion components must have shape {(n, n, n)}, got {T.shape}")
        Tl = _lower_first(T.tolist(), eta.tolist())
    else:
        Tl = Z
    if Q is not None:
        Q = sp.Array(Q)
        if Q.shape != (n, n, n):
            raise DimensionError(
                f"non-metricity components must have shape {(n, n, n)}, got {Q.shape}"
            )
        Qm = Q.tolist()
    else:
        Qm = Z
    Nl = _distortion_lower(Tl, Qm, n)
    N = _raise_first(Nl, eta.inv().tolist())
    return sp.ImmutableDenseNDimArray(_map_nested(N, f))
