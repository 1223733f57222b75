r"""Algebraic atoms: exact rational arithmetic for coframes with radicals and trig functions.

Curvature of a coframe such as Kerr's Carter frame is a rational function of the
coordinates *and* of a few algebraic atoms: :math:`\sqrt\Sigma`, :math:`\sqrt\Delta`,
:math:`\sin\theta`, :math:`\cos\theta`.  :class:`AtomAlgebra` replaces each such
atom by a plain symbol and remembers

* its **derivative rule** (:math:`d\sqrt f=df/(2\sqrt f)`, :math:`d\cos u=-\sin u\,du`,
  :math:`d\sin u=\cos u\,du`, :math:`d\cosh u=\sinh u\,du`, ...), used by
  :meth:`AtomAlgebra.diff` through the chain rule, and
* its **relation** (:math:`(\sqrt[q]f)^q=f`, :math:`\sin^2u=1-\cos^2u`,
  :math:`\sinh^2u=\cosh^2u-1`), used by :meth:`AtomAlgebra.reduce`.

:meth:`~AtomAlgebra.reduce` puts an expression over a common denominator
(``sympy.cancel``), lowers every atom power below its relation degree, makes the
denominator free of square-root atoms (multiplying by the conjugate) and cancels
again.  The result is a canonical representative in the field extension, so a
quantity that vanishes mathematically comes out as an exact ``0`` -- no call to
``sympy.simplify``.

Assumptions (the *algebraic* simplification strategy's domain): radicands are
positive where the coframe is real, so :math:`\sqrt{AB/C}=\sqrt A\sqrt B/\sqrt C`
for the factors *as written* (a product or quotient is split, a sum is one atom),
and :math:`\sqrt{f^2}=f`.  :math:`|f|` is :math:`f` (or :math:`-f`) only where
sympy proves the sign from the symbols' assumptions; otherwise it is an opaque
atom with derivative :math:`\operatorname{sign}(f)\,f'`, so a kink is never
smoothed away silently.  ``cos u`` (and ``cosh u``) is treated as transcendental,
``sin u`` (``sinh u``) as algebraic over it; ``tan``, ``cot``, ``sec``, ``csc`` (and
hyperbolic ones) are rewritten through ``sin`` and ``cos``.  Relations between
atoms of *different* arguments (``sin 2u`` and ``sin u``) are not used.
Any other node (``erf``, ``besselj``, ``hyper``, ``atan``, ``x**a`` with a symbolic
exponent, ...) is an *opaque* transcendental atom whose derivatives are sympy's.

>>> import sympy as sp
>>> r, th, a = sp.symbols('r theta a', positive=True)
>>> A = AtomAlgebra((r, th))
>>> e = A.atomize(sp.sqrt(r**2 + a**2*sp.cos(th)**2))
>>> A.restore(A.reduce(A.diff(e, 0) * e))
r
>>> A.restore(A.reduce(A.atomize(sp.sin(th)**2 + sp.cos(th)**2 - 1)))
0
>>> A.restore(A.reduce(A.atomize(1/sp.sqrt(r) - sp.sqrt(r)/r)))
0
"""

import math

import sympy as sp

__all__ = ["AtomAlgebra", "algebraic_simplify"]

_TRIG_REWRITE = (
    (sp.tan, lambda u: sp.sin(u) / sp.cos(u)),
    (sp.cot, lambda u: sp.cos(u) / sp.sin(u)),
    (sp.sec, lambda u: 1 / sp.cos(u)),
    (sp.csc, lambda u: 1 / sp.sin(u)),
    (sp.tanh, lambda u: sp.sinh(u) / sp.cosh(u)),
    (sp.coth, lambda u: sp.cosh(u) / sp.sinh(u)),
    (sp.sech, lambda u: 1 / sp.cosh(u)),
    (sp.csch, lambda u: 1 / sp.sinh(u)),
)


class _Atom:
    """One atom: its symbol, what it stands for, its relation and derivatives."""

    __slots__ = ("symbol", "kind", "arg", "q", "base", "deriv", "original")

    def __init__(self, symbol, kind, arg, q=None, base=None):
        self.symbol = symbol
        self.kind = kind  # 'root', 'cos', 'sin', 'cosh', 'sinh'
        self.arg = arg  # radicand (root) or argument u (trig), atomized
        self.q = q  # relation degree: symbol**q == base (None: transcendental)
        self.base = base
        self.deriv = None  # tuple over coordinates, filled lazily
        self.original = None


class AtomAlgebra:
    """Rational arithmetic over the coordinates extended by algebraic atoms.

    Parameters
    ----------
    coords : sequence of sympy.Symbol
        The chart coordinates (the variables :meth:`diff` differentiates by).

    An instance accumulates the atoms of every expression passed to
    :meth:`atomize`; expressions it returns are in terms of the atom symbols
    and are turned back into ordinary sympy expressions by :meth:`restore`.
    """

    def __init__(self, coords):
        self.coords = tuple(coords)
        self._atoms = []
        self._key = {}  # (kind, canonical arg[, q]) -> _Atom
        self._by_symbol = {}
        self._cache = {}
        self._restore_map = None
        self._algebraic = []  # atoms with a relation, in creation order

    # -- atomization --------------------------------------------------------------
    def _new_atom(self, kind, arg, q=None, base=None):
        sym = sp.Dummy(f"{kind}{len(self._atoms)}")
        atom = _Atom(sym, kind, arg, q, base)
        self._atoms.append(atom)
        self._by_symbol[sym] = atom
        if q is not None:
            self._algebraic.append(atom)
        self._restore_map = None
        return atom

    def _root(self, f, q):
        """The atom symbol standing for ``f**(1/q)`` (``f`` already atomized)."""
        key = ("root", q, sp.expand(f))
        atom = self._key.get(key)
        if atom is None:
            atom = self._new_atom("root", f, q, f)
            self._key[key] = atom
        return atom.symbol

    def _trig(self, kind, u):
        pair = {"sin": "cos", "cos": "cos", "sinh": "cosh", "cosh": "cosh"}[kind]
        key = (pair, sp.expand(u))
        c = self._key.get(key)
        if c is None:
            c = self._new_atom(pair, u)
            self._key[key] = c
            if pair == "cos":
                s = self._new_atom("sin", u, 2, 1 - c.symbol**2)
            else:
                s = self._new_atom("sinh", u, 2, c.symbol**2 - 1)
            self._key[("s" + pair, key[1])] = s
        if kind in ("cos", "cosh"):
            return c.symbol
        return self._key[("s" + pair, key[1])].symbol

    def _explog(self, kind, u):
        if kind == "exp":
            out = sp.S.One
            for t in sp.Add.make_args(u):
                k, v = t.as_coeff_Mul()
                if not k.is_Integer:
                    k, v = sp.S.One, t
                key = ("exp", sp.expand(v))
                atom = self._key.get(key) or self._key.setdefault(key, self._new_atom("exp", v))
                out *= atom.symbol ** int(k)
            return out
        key = ("log", sp.expand(u))
        atom = self._key.get(key) or self._key.setdefault(key, self._new_atom("log", u))
        return atom.symbol

    def _opaque(self, e):
        """An atom for a node with no algebraic rule (erf, besselj, hyper, atan, ...).

        It is a transcendental generator; its derivatives are sympy's, atomized
        in turn (so ``d erf(r)/dr`` is the atom ``exp(-r**2)`` times a constant).
        """
        key = ("opaque", e)
        atom = self._key.get(key)
        if atom is None:
            atom = self._new_atom("opaque", sp.Tuple(*(self._conv(a) for a in e.args)))
            atom.original = e
            self._key[key] = atom
        return atom.symbol

    def opaque_closure(self, depth):
        """Atomize the derivatives of every opaque atom, ``depth`` levels deep.

        Returns the atomized derivatives (new atoms they need are registered).
        """
        out, todo = [], [a for a in self._atoms if a.kind == "opaque"]
        for _ in range(depth):
            nxt = []
            for a in todo:
                n0 = len(self._atoms)
                for x in self.coords:
                    if a.original.has(x):
                        out.append(self.atomize(sp.diff(a.original, x)))
                nxt += [b for b in self._atoms[n0:] if b.kind == "opaque"]
            todo = nxt
        return out

    def _radical(self, b, p, q):
        """``b**(p/q)`` split over the factors of ``b`` as written."""
        num, den = sp.fraction(sp.together(b))
        out = sp.S.One
        coeff = sp.S.One
        factors = []
        for part, sgn in ((num, 1), (den, -1)):
            for m in sp.Mul.make_args(part):
                if m.is_Number:
                    coeff *= m**sgn
                    continue
                if m.is_Pow and m.exp.is_Integer:
                    factors.append([m.base, sgn * int(m.exp)])
                else:
                    factors.append([m, sgn])
        if coeff.is_negative and factors:
            coeff = -coeff
            f0, k0 = factors[0]
            if k0 % 2:
                factors[0][0] = -f0
            else:
                factors.append([sp.S.NegativeOne, 1])
        out = sp.S.One
        if coeff != 1:
            if coeff.is_Rational:
                factors += [[sp.Integer(coeff.p), 1], [sp.Integer(coeff.q), -1]]
            else:
                out = coeff ** sp.Rational(p, q)
        for f, k in factors:
            if f == 1:
                continue
            e = k * p
            whole, rest = divmod(e, q)
            out *= f**whole
            if rest:
                out *= self._root(f, q) ** rest
        return out

    def _conv(self, e):
        if e is sp.I:
            return self._root(sp.S.NegativeOne, 2)
        if e.is_Atom:
            return e
        hit = self._cache.get(e)
        if hit is not None:
            return hit
        if isinstance(e, (sp.Derivative, sp.core.function.AppliedUndef)):
            out = e
        elif e.is_Pow and e.exp.is_Rational and not e.exp.is_Integer:
            out = self._radical(self._conv(e.base), int(e.exp.p), int(e.exp.q))
        elif isinstance(e, (sp.sin, sp.cos, sp.sinh, sp.cosh)):
            u = self._conv(e.args[0])
            out = self._trig(type(e).__name__, u)
        elif isinstance(e, sp.Abs) and e.args[0].is_extended_nonnegative:
            out = self._conv(e.args[0])
        elif isinstance(e, sp.Abs) and e.args[0].is_extended_nonpositive:
            out = self._conv(-e.args[0])
        elif isinstance(e, (sp.exp, sp.log)) and len(e.args) == 1:
            out = self._explog(type(e).__name__, self._conv(e.args[0]))
        elif isinstance(e, (sp.Add, sp.Mul)) or e.is_Pow and e.exp.is_Integer:
            args = [self._conv(a) for a in e.args]
            out = e.func(*args)
        elif isinstance(e, sp.Expr):
            out = self._opaque(e)
        else:
            out = e
        self._cache[e] = out
        return out

    def atomize(self, expr):
        """Replace radicals and trig functions in ``expr`` by atom symbols."""
        expr = sp.sympify(expr)
        if expr.has(*(f for f, _ in _TRIG_REWRITE)):
            for f, g in _TRIG_REWRITE:
                expr = expr.replace(f, g)
        return self._conv(expr)

    # -- derivatives --------------------------------------------------------------
    def _atom_deriv(self, atom):
        if atom.deriv is None:
            n = len(self.coords)
            if atom.kind == "root":
                f = atom.arg
                d = [self.reduce(atom.symbol * self.diff(f, i) / (atom.q * f)) for i in range(n)]
            elif atom.kind == "opaque":
                d = [self.atomize(sp.diff(atom.original, x)) for x in self.coords]
            elif atom.kind in ("exp", "log"):
                du = [self.diff(atom.arg, i) for i in range(n)]
                f = atom.symbol if atom.kind == "exp" else 1 / atom.arg
                d = [f * x for x in du]
            else:
                du = [self.diff(atom.arg, i) for i in range(n)]
                u = atom.arg
                if atom.kind == "cos":
                    other = -self._trig("sin", u)
                elif atom.kind == "sin":
                    other = self._trig("cos", u)
                elif atom.kind == "cosh":
                    other = self._trig("sinh", u)
                else:
                    other = self._trig("cosh", u)
                d = [other * x for x in du]
            atom.deriv = tuple(d)
        return atom.deriv

    def diff(self, expr, i):
        """Partial derivative of an atomized expression by coordinate number ``i``."""
        if expr.is_Number:
            return sp.S.Zero
        fs = expr.free_symbols
        x = self.coords[i]
        out = sp.diff(expr, x) if x in fs else sp.S.Zero
        for s in fs:
            atom = self._by_symbol.get(s)
            if atom is None:
                continue
            ds = self._atom_deriv(atom)[i]
            if ds != 0:
                out += sp.diff(expr, s) * ds
        return out

    # -- reduction ----------------------------------------------------------------
    def _reduce_poly(self, P):
        """Lower every atom power below its relation degree (P a polynomial)."""
        for _ in range(8):
            gens = [a for a in self._algebraic if a.symbol in P.free_symbols]
            if not gens:
                return P
            syms = [a.symbol for a in gens]
            poly = sp.Poly(P, *syms)
            if all(m[k] < gens[k].q for m in poly.monoms() for k in range(len(gens))):
                return P
            terms = []
            for monom, coeff in poly.terms():
                t = coeff
                for a, s, e in zip(gens, syms, monom):
                    whole, rest = divmod(e, a.q)
                    if whole:
                        t *= a.base**whole
                    if rest:
                        t *= s**rest
                terms.append(t)
            P = sp.expand(sp.Add(*terms))
        return P

    def reduce(self, expr):
        """Canonical form of an atomized expression (exact zero when it vanishes)."""
        e = sp.cancel(expr)
        if not self._algebraic or not (e.free_symbols & set(self._by_symbol)):
            return e
        num, den = sp.fraction(e)
        num = self._reduce_poly(sp.expand(num))
        den = self._reduce_poly(sp.expand(den))
        for a in self._algebraic:
            if a.q != 2 or a.symbol not in den.free_symbols:
                continue
            s = a.symbol
            pd = sp.Poly(den, s)
            A = pd.coeff_monomial(1)
            B = pd.coeff_monomial(s)
            num = self._reduce_poly(sp.expand(num * (A - B * s)))
            den = self._reduce_poly(sp.expand(A**2 - B**2 * a.base))
        if num == 0:
            return sp.S.Zero
        if den == 1:
            return num
        return sp.cancel(num / den)

    # -- back to ordinary expressions -------------------------------------------------
    def restore(self, expr, pretty=True):
        """Replace atom symbols by the radicals and trig functions they stand for."""
        if self._restore_map is None:
            m = {}
            for a in self._atoms:
                if a.kind == "root":
                    v = a.arg.xreplace(m) ** sp.Rational(1, a.q)
                elif a.kind == "opaque":
                    v = a.original
                else:
                    v = getattr(sp, a.kind)(a.arg.xreplace(m))
                m[a.symbol] = v
            self._restore_map = m
        expr = sp.sympify(expr)
        if not self._restore_map or not (expr.free_symbols & set(self._restore_map)):
            return expr
        if pretty:
            expr = self._pretty(expr)
        return expr.xreplace(self._restore_map)

    def _pretty(self, expr):
        """Undo ``sin^2 u -> 1 - cos^2 u`` for display: factors ``1 - cos^2 u`` of the
        numerator and denominator are written ``sin^2 u`` again."""
        trig = [a for a in self._algebraic if a.kind in ("sin", "sinh")]
        if not trig:
            return expr
        num, den = sp.fraction(expr)
        fs = expr.free_symbols
        pairs = [(a, self._key[("cos" if a.kind == "sin" else "cosh", sp.expand(a.arg))].symbol)
                 for a in trig]
        pairs = [(a, c) for a, c in pairs if c in fs]
        if not pairs:
            return expr

        def strip(p):
            out = sp.S.One
            for a, c in pairs:
                k = 0
                while c in p.free_symbols:
                    q, r = sp.div(p, a.base, c)
                    if r != 0:
                        break
                    p, k = q, k + 1
                out *= a.symbol ** (2 * k)
            return out * p

        return strip(num) / strip(den)

    @property
    def atoms(self):
        """``{symbol: expression}`` for every atom met so far."""
        self.restore(sp.S.Zero)
        return dict(self._restore_map or {})


def factor_algebraic(expr, coords=None):
    """``sympy.factor`` after the algebraic reduction (so ``sin^2 = 1 - cos^2`` is used).

    >>> import sympy as sp
    >>> r, th = sp.symbols('r theta', positive=True)
    >>> factor_algebraic(r**2*sp.sin(th)**2 + r**2*sp.cos(th)**2*sp.sin(th)**2 - r**2*sp.sin(th)**4)
    2*r**2*sin(theta)**2*cos(theta)**2
    """
    return sp.factor(algebraic_simplify(expr, coords))


def algebraic_simplify(expr, coords=None):
    """The ``'algebraic'`` strategy on one expression: atomize, reduce, restore.

    >>> import sympy as sp
    >>> th = sp.Symbol('theta')
    >>> algebraic_simplify(sp.sin(th)**3 + sp.sin(th)*sp.cos(th)**2)
    sin(theta)
    """
    expr = sp.sympify(expr)
    if coords is None:
        coords = sorted(expr.free_symbols, key=sp.default_sort_key)
    try:
        F = FieldEngine(coords, [expr], jet_order=0)
        return F.restore(F.atomize(expr))
    except UnsupportedExpression:
        A = AtomAlgebra(coords)
        return A.restore(A.reduce(A.atomize(expr)))


class UnsupportedExpression(Exception):
    """Internal: an expression the field engine cannot represent (use the expression engine)."""


class FieldEngine:
    """Exact arithmetic in a sympy rational-function field over the atoms.

    Generators: the coordinates, the other symbols, the atom symbols of an
    :class:`AtomAlgebra`, and the jets (partial derivatives up to ``jet_order``)
    of every undefined function of the coordinates.  Elements are
    :class:`sympy.polys.fields.FracElement` (sparse polynomials, no expression
    trees), which is what makes curvature of Kerr take seconds.

    The interface is the one the frame engine uses: ``atomize`` (expression ->
    element), ``restore`` (element -> expression), ``diff(elem, i)``, ``reduce``,
    ``zero``, ``one``.
    """

    def __init__(self, coords, exprs, jet_order=2):
        from sympy.core.function import AppliedUndef

        self.coords = tuple(coords)
        self.alg = AtomAlgebra(coords)
        atomized = [self.alg.atomize(e) for e in exprs]
        # opaque atoms (erf, besselj, ...) and the atoms of their derivatives, as
        # deep as the structure equations differentiate
        atomized += self.alg.opaque_closure(jet_order + 1)
        # atom arguments carry symbols and functions too (exp(beta*y), sqrt(f(r)))
        atomized += [a.arg for a in self.alg._atoms]
        # functions and the highest derivative order met
        funcs = {}
        for e in atomized:
            for f in e.atoms(AppliedUndef):
                if not all(a in self.coords for a in f.args) or len(set(f.args)) != len(f.args):
                    raise UnsupportedExpression(f"function {f} of non-coordinates")
                funcs.setdefault(f, 0)
            for dv in e.atoms(sp.Derivative):
                f = dv.expr
                if not isinstance(f, AppliedUndef) or not all(v in f.args for v in dv.variables):
                    raise UnsupportedExpression(f"derivative {dv}")
                funcs[f] = max(funcs.get(f, 0), dv.derivative_count)
        self.jet_order = jet_order
        jets = {}  # (f, multi-index over f.args) -> Dummy
        jet_expr = {}
        for f in sorted(funcs, key=sp.default_sort_key):
            top = funcs[f] + jet_order
            args = f.args
            for order in range(top + 1):
                for combo in _multisets(len(args), order):
                    sym = sp.Dummy(f"{f.func}_{''.join(map(str, combo))}")
                    jets[(f, combo)] = sym
                    vars_ = [v for v, k in zip(args, combo) for _ in range(k)]
                    jet_expr[sym] = sp.Derivative(f, *vars_) if vars_ else f
        self._jets = jets
        self._jet_expr = jet_expr
        self._to_jet = {v: k for k, v in jet_expr.items()}
        self._jet_info = {sym: key for key, sym in jets.items()}
        other = set()
        for e in atomized:
            e2 = e.xreplace(self._to_jet)
            other |= e2.free_symbols
            for ns in e2.atoms(sp.NumberSymbol):
                other.add(ns)
        atom_syms = [a.symbol for a in self.alg._atoms]
        params = sorted(
            (s for s in other if s not in self.coords and s not in jet_expr and s not in atom_syms),
            key=sp.default_sort_key,
        )
        self.gens = list(self.coords) + params + list(jet_expr) + atom_syms
        self.field, *self._gen_elems = sp.field(self.gens, sp.ZZ)
        self.ring = self.field.ring
        self._index = {g: i for i, g in enumerate(self.gens)}
        self.zero = self.field.zero
        self.one = self.field.one
        self._deriv = {}
        self._alg_info = {}  # gen index -> (q, base element)
        for a in self.alg._algebraic:
            self._alg_info[self._index[a.symbol]] = (a.q, None, a)
        self._atom_by_index = {self._index[a.symbol]: a for a in self.alg._atoms}
        self._cache = {}
        self._den_factors = {}
        self._pretty_pairs = None
        self._rng = __import__("random").Random(20261202)

    # -- conversions ----------------------------------------------------------------------
    def covers(self, expr):
        """True when ``expr`` needs no generator outside this field."""
        try:
            self.atomize(expr)
        except UnsupportedExpression:
            return False
        return True

    def atomize(self, expr):
        expr = sp.sympify(expr)
        hit = self._cache.get(expr)
        if hit is not None:
            return hit
        n_atoms = len(self.alg._atoms)
        e = self.alg.atomize(expr)
        if len(self.alg._atoms) != n_atoms:
            raise UnsupportedExpression(f"new atoms in {expr}")
        e = e.xreplace(self._to_jet)
        if not e.free_symbols <= set(self._index):
            raise UnsupportedExpression(f"new symbols in {expr}")
        from sympy.core.function import AppliedUndef

        if e.has(AppliedUndef, sp.Derivative):
            raise UnsupportedExpression(f"derivative beyond the jet order in {expr}")
        try:
            out = self.field.from_expr(e)
        except (ValueError, TypeError, NotImplementedError, sp.PolynomialError,
                sp.CoercionFailed) as exc:
            raise UnsupportedExpression(str(exc)) from None
        out = self.reduce(out)
        self._cache[expr] = out
        return out

    def restore(self, elem):
        if not hasattr(elem, "as_expr"):
            return sp.sympify(elem)
        num, den = (self._pretty_poly(p) for p in (elem.numer, elem.denom))
        e = num if den == 1 else num / den
        e = e.xreplace(self._jet_expr)
        return self.alg.restore(e, pretty=False)

    def _pretty_poly(self, p):
        """``p`` as an expression with factors ``1 - cos^2 u`` written ``sin^2 u`` again.

        Division in the polynomial ring: the expression-level version
        (:meth:`AtomAlgebra._pretty`) costs minutes on large curvature components.
        """
        if self._pretty_pairs is None:
            pairs = []
            for a in self.alg._algebraic:
                if a.kind in ("sin", "sinh"):
                    c = self.alg._key[("cos" if a.kind == "sin" else "cosh", sp.expand(a.arg))]
                    i = self._index[a.symbol]
                    pairs.append((self._index[c.symbol], self._base(i), a.symbol))
            self._pretty_pairs = pairs
        extra = sp.S.One
        for ci, base, sym in self._pretty_pairs:
            k = 0
            while p.degrees()[ci] >= 2:
                q, r = p.div(base)
                if r:
                    break
                p, k = q, k + 1
            if k:
                extra *= sym ** (2 * k)
        return p.as_expr() * extra

    # -- derivatives ----------------------------------------------------------------------
    def _base(self, i):
        q, base, atom = self._alg_info[i]
        if base is None:
            base = self.field.from_expr(atom.base.xreplace(self._to_jet)).numer
            self._alg_info[i] = (q, base, atom)
        return base

    def _gen_deriv(self, i, mu):
        key = (i, mu)
        hit = self._deriv.get(key)
        if hit is not None:
            return hit
        g = self.gens[i]
        F = self.field
        if i < len(self.coords):
            out = F.one if i == mu else F.zero
        elif g in self._jet_info:
            f, combo = self._jet_info[g]
            x = self.coords[mu]
            if x not in f.args:
                out = F.zero
            else:
                k = f.args.index(x)
                nxt = combo[:k] + (combo[k] + 1,) + combo[k + 1:]
                sym = self._jets.get((f, nxt))
                if sym is None:
                    from ..errors import GeomkitError

                    raise GeomkitError(
                        f"derivative of {f} beyond the engine's jet order {self.jet_order}; "
                        "pass a larger jet_order to the Coframe"
                    )
                out = self._gen_elems[self._index[sym]]
        elif i in self._atom_by_index:
            a = self._atom_by_index[i]
            s = self._gen_elems[i]
            if a.kind == "root":
                base = F(self._base(i))
                out = s * self.diff(base, mu) / (a.q * base)
            elif a.kind == "opaque":
                out = self.atomize(sp.diff(a.original, self.coords[mu]))
            else:
                u = self.atomize_internal(a.arg)
                du = self.diff(u, mu)
                if a.kind in ("cos", "sin", "cosh", "sinh"):
                    partner = {"cos": "sin", "sin": "cos", "cosh": "sinh", "sinh": "cosh"}[a.kind]
                    other = self._gen_elems[self._index[self.alg._trig(partner, a.arg)]]
                    out = (-other if a.kind == "cos" else other) * du
                elif a.kind == "exp":
                    out = s * du
                else:  # log
                    out = du / u
            out = self.reduce(out)
        else:
            out = F.zero
        self._deriv[key] = out
        return out

    def atomize_internal(self, e):
        """An already-atomized expression (atom symbols inside) as a field element."""
        return self.field.from_expr(e.xreplace(self._to_jet))

    def diff(self, elem, mu):
        """Partial derivative by coordinate ``mu`` (chain rule through the atoms)."""
        num, den = elem.numer, elem.denom
        dn = num.degrees()
        dd = den.degrees()
        F = self.field
        dnum = self.ring.zero
        dden = self.ring.zero
        terms_n = []
        terms_d = []
        for i in range(len(self.gens)):
            if dn[i] <= 0 and dd[i] <= 0:
                continue
            D = self._gen_deriv(i, mu)
            if D == 0:
                continue
            x = self.ring.gens[i]
            if dn[i] > 0:
                terms_n.append((num.diff(x), D))
            if dd[i] > 0:
                terms_d.append((den.diff(x), D))
        if not terms_n and not terms_d:
            return F.zero
        # d(num/den) = (num' den - num den') / den^2 with num' = sum dnum/dx_i * D_i
        common = self.ring.one
        for _, D in terms_n + terms_d:
            common = common.lcm(D.denom)
        for p, D in terms_n:
            dnum += p * D.numer * (common.exquo(D.denom))
        for p, D in terms_d:
            dden += p * D.numer * (common.exquo(D.denom))
        top = dnum * den - num * dden
        return F(top) / F(den**2 * common)

    # -- gcd-free sums ------------------------------------------------------------------------
    # Polynomial gcds (sympy's heuristic gcd) grow with the number of generators:
    # with symbolic constants (c, G, eps0, ...) one gcd of a curvature component
    # took minutes.  Denominators are kept as products of irreducible factors, so
    # sums take least common multiples of factorizations and the final
    # cancellation is trial division by those factors -- no gcd at all.
    def _factors(self, den):
        """``(c, {irreducible factor: multiplicity})`` of a denominator (cached)."""
        hit = self._den_factors.get(den)
        if hit is None:
            c, facs = den.factor_list()
            hit = self._den_factors[den] = (int(c), {f: k for f, k in facs})
        return hit

    def _has_alg(self, p):
        dg = p.degrees()
        return any(dg[i] > 0 for i in self._alg_info)

    def lazy(self, elem):
        """``elem`` as a :class:`LazyFrac` (factored denominator; sums without gcds)."""
        if isinstance(elem, LazyFrac):
            return elem
        if isinstance(elem, int):
            return LazyFrac(self.ring, self.ring(elem), 1, {})
        den = elem.denom
        if self._alg_info and den not in self._den_factors and self._has_alg(den):
            elem = self.reduce(elem)  # rationalise first (rare: reduce() output has none)
            den = elem.denom
        c, facs = self._factors(den)
        return LazyFrac(self.ring, elem.numer, c, dict(facs))

    def unlazy(self, lz):
        """Back from a :class:`LazyFrac` to a reduced element, by trial division."""
        if not isinstance(lz, LazyFrac):
            return lz
        num = self._reduce_poly(lz.num) if self._alg_info else lz.num
        if not num:
            return self.zero
        if self._alg_info and any(self._has_alg(f) for f in lz.facs):
            den = self.ring(lz.c)
            for f, k in lz.facs.items():
                den = den * f**k
            return self.reduce(self.field(num) / self.field(den))
        facs = {}
        for f, k in lz.facs.items():
            while k:
                if self._surely_not_divisible(num, f):
                    break
                q, r = num.div(f)
                if r:
                    break
                num, k = q, k - 1
            if k:
                facs[f] = k
        c = lz.c
        g = math.gcd(c, int(num.content()))
        if g > 1:
            num, c = num.quo_ground(g), c // g
        if c < 0:
            num, c = -num, -c
        den = self.ring(c)
        for f, k in facs.items():
            den = den * f**k
        self._den_factors.setdefault(den, (c, facs))
        return self.field.raw_new(num, den)

    _PRIME = (1 << 61) - 1

    def _surely_not_divisible(self, num, f):
        """True when ``f`` (linear in some generator x) cannot divide ``num``: at a
        random point mod a prime, on the zero set of ``f`` solved for x, ``num`` is
        nonzero.  Costs one evaluation instead of a failed long division."""
        if len(num) < 64:
            return False
        degs = f.degrees()
        try:
            i = degs.index(1)
        except ValueError:
            return False
        P = self._PRIME
        rng = self._rng
        vals = [rng.randrange(2, P) for _ in self.gens]
        vals[i] = 0
        A = _eval_mod(f, vals, P)
        vals[i] = 1
        B = (_eval_mod(f, vals, P) - A) % P
        if not B:
            return False
        vals[i] = (-A * pow(B, -1, P)) % P
        return _eval_mod(num, vals, P) != 0

    def diff_lazy(self, elem, mu):
        """:meth:`diff` as a :class:`LazyFrac` (no gcd)."""
        num, den = elem.numer, elem.denom
        dn, dd = num.degrees(), den.degrees()
        ring = self.ring
        top = bot = None
        for i in range(len(self.gens)):
            if dn[i] <= 0 and dd[i] <= 0:
                continue
            D = self._gen_deriv(i, mu)
            if not D:
                continue
            Dl = self.lazy(D)
            x = ring.gens[i]
            if dn[i] > 0:
                t = LazyFrac(ring, num.diff(x), 1, {}) * Dl
                top = t if top is None else top + t
            if dd[i] > 0:
                t = LazyFrac(ring, den.diff(x), 1, {}) * Dl
                bot = t if bot is None else bot + t
        c, facs = self._factors(den)
        out = LazyFrac(ring, ring.zero, 1, {})
        if top is not None:
            out = out + LazyFrac(ring, top.num, top.c * c, _merge(top.facs, facs))
        if bot is not None:
            out = out - LazyFrac(ring, bot.num * num, bot.c * c * c,
                                 _merge(bot.facs, _merge(facs, facs)))
        return out

    # -- reduction ----------------------------------------------------------------------------
    def _reduce_poly(self, p):
        info = [(i, self._alg_info[i][0]) for i in self._alg_info]
        for _ in range(16):
            degs = p.degrees()
            todo = [(i, q) for i, q in info if degs[i] >= q]
            if not todo:
                return p
            # group the terms by the powers of the relations they need, so each
            # group is built once (adding term by term is quadratic in the size)
            groups = {}
            for monom, coeff in p.items():
                m = list(monom)
                wholes = []
                for i, q in todo:
                    whole, m[i] = divmod(m[i], q)
                    wholes.append(whole)
                g = groups.setdefault(tuple(wholes), {})
                m = tuple(m)
                g[m] = g.get(m, 0) + coeff
            out = self.ring.zero
            for wholes, terms in groups.items():
                part = self.ring.from_dict({m: c for m, c in terms.items() if c})
                for (i, _), whole in zip(todo, wholes):
                    if whole:
                        part = part * self._base(i) ** whole
                out += part
            p = out
        return p

    def reduce(self, elem):
        """Canonical representative of an element.

        Atom powers below their relation degrees, no square-root atom in the
        denominator, numerator and denominator coprime.
        """
        if not self._alg_info:
            return elem
        num, den = elem.numer, elem.denom
        dn, dd = num.degrees(), den.degrees()
        alg = self._alg_info
        if not any(dd[i] > 0 or dn[i] >= alg[i][0] for i in alg):
            return elem
        num = self._reduce_poly(num)
        den = self._reduce_poly(den)
        for i in sorted(alg):
            q = alg[i][0]
            if q != 2 or den.degrees()[i] <= 0:
                continue
            x = self.ring.gens[i]
            A = self.ring.zero
            B = self.ring.zero
            for monom, coeff in den.terms():
                m = list(monom)
                if m[i] == 0:
                    A += self.ring({monom: coeff})
                else:
                    m[i] = 0
                    B += self.ring({tuple(m): coeff})
            num = self._reduce_poly(num * (A - B * x))
            den = self._reduce_poly(A**2 - B**2 * self._base(i))
        F = self.field
        return F(num) / F(den)


class LazyFrac:
    """``num / (c * prod f**k)``: a fraction whose denominator is kept factored.

    Sums take the least common multiple of the factorizations, so no polynomial
    gcd is computed until :meth:`FieldEngine.unlazy`; used for the long sums of
    coordinate transformations.
    """

    __slots__ = ("ring", "num", "c", "facs")

    def __init__(self, ring, num, c, facs):
        self.ring, self.num, self.c, self.facs = ring, num, c, facs

    def _coerce(self, other):
        if isinstance(other, LazyFrac):
            return other
        if isinstance(other, int):
            return LazyFrac(self.ring, self.ring(other), 1, {})
        return NotImplemented

    def __add__(self, other):
        other = self._coerce(other)
        if other is NotImplemented:
            return other
        if not other.num:
            return self
        if not self.num:
            return other
        from math import lcm

        c = lcm(self.c, other.c)
        facs = dict(self.facs)
        for f, k in other.facs.items():
            if facs.get(f, 0) < k:
                facs[f] = k

        def lift(x):
            m = x.num * (c // x.c)
            for f, k in facs.items():
                e = k - x.facs.get(f, 0)
                if e:
                    m = m * f**e
            return m

        return LazyFrac(self.ring, lift(self) + lift(other), c, facs)

    __radd__ = __add__

    def __neg__(self):
        return LazyFrac(self.ring, -self.num, self.c, self.facs)

    def __sub__(self, other):
        other = self._coerce(other)
        if other is NotImplemented:
            return other
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        other = self._coerce(other)
        if other is NotImplemented:
            return other
        facs = dict(self.facs)
        for f, k in other.facs.items():
            facs[f] = facs.get(f, 0) + k
        return LazyFrac(self.ring, self.num * other.num, self.c * other.c, facs)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if not isinstance(other, int) or other == 0:
            return NotImplemented
        return LazyFrac(self.ring, self.num, self.c * other, self.facs)

    def __eq__(self, other):
        if isinstance(other, int) and other == 0:
            return not self.num
        return NotImplemented

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    __hash__ = None


def _eval_mod(p, vals, P):
    """Value of the polynomial ``p`` at ``vals`` modulo ``P``."""
    total = 0
    for monom, coeff in p.items():
        v = coeff
        for x, e in zip(vals, monom):
            if e:
                v = v * pow(x, e, P) % P
        total += v
    return total % P


def lazy_sum(terms):
    """Sum of :class:`LazyFrac` s over the lcm of their denominators, lifting each
    term once (adding one by one re-lifts the growing partial sum every time)."""
    from math import lcm

    terms = [t for t in terms if t.num]
    if not terms:
        return 0
    if len(terms) == 1:
        return terms[0]
    c = lcm(*(t.c for t in terms))
    facs = {}
    for t in terms:
        for f, k in t.facs.items():
            if facs.get(f, 0) < k:
                facs[f] = k
    groups = {}  # terms with the same denominator share one lift
    for t in terms:
        key = (t.c, frozenset(t.facs.items()))
        g = groups.get(key)
        groups[key] = (t.num if g is None else g[0] + t.num, t)
    ring = terms[0].ring
    num = ring.zero
    for total, t in groups.values():
        m = total * (c // t.c)
        for f, k in facs.items():
            e = k - t.facs.get(f, 0)
            if e:
                m = m * f**e
        num = num + m
    return LazyFrac(ring, num, c, facs)


def _merge(a, b):
    """Product of two factorizations ``{factor: multiplicity}``."""
    out = dict(a)
    for f, k in b.items():
        out[f] = out.get(f, 0) + k
    return out


def _multisets(k, order):
    """All exponent tuples of length k summing to ``order`` (deterministic order)."""
    if k == 0:
        if order == 0:
            yield ()
        return
    if k == 1:
        yield (order,)
        return
    for first in range(order, -1, -1):
        for rest in _multisets(k - 1, order - first):
            yield (first,) + rest
