r"""Reduced ("minisuperspace") field equations: an ansatz in, ordinary differential equations out.

The full field equations are computed on the ansatz (so no equation of the reduced
action is lost, the Hamiltonian constraint included), turned into components, and
the distinct nonzero ones are kept.  A perfect fluid can be added as source.

Matter coupling (the gravitational Lagrangian normalised so that general relativity
is :math:`\frac1{2\kappa}R\,\mathrm{vol}`): :math:`\delta S_m=\tfrac12\int\sqrt{|g|}\,
T^{\mu\nu}\delta g_{\mu\nu}\,d^nx`, so the coframe equations read
:math:`\mathrm{EL}_a{}^\nu+\sqrt{|g|}\,T^{\nu\mu}E_{a\mu}=0` and the frame-metric equations
:math:`\mathcal M^{ab}+\sqrt{|g|}\,T^{\mu\nu}E^a{}_\mu E^b{}_\nu=0` (the :math:`d^nx`
coefficients), with :math:`T^{\mu\nu}=(\rho+p)u^\mu u^\nu+p\,g^{\mu\nu}` for
:func:`perfect_fluid`.

>>> import sympy as sp
>>> import geomkit as gk
>>> c = gk.Chart('t x y z')
>>> t = c.coords[0]
>>> a = sp.Function('a')(t)
>>> rho, p = sp.Function('rho')(t), sp.Function('p')(t)
>>> cf = gk.Coframe([c.dx[0]] + [a * dx for dx in c.dx[1:]], sp.diag(-1, 1, 1, 1))
>>> red = gk.minisuperspace(gk.f_T(lambda T: -T), cf, connection=gk.weitzenbock(cf),
...                         source=gk.perfect_fluid(rho, p))
>>> red.equations[0]                                        # Friedmann, 8 pi G = 1
Eq(rho(t), 3*Derivative(a(t), t)**2/a(t)**2)
"""

import sympy as sp

from ..errors import GeomkitError
from .frames import Coframe

__all__ = ["perfect_fluid", "PerfectFluid", "minisuperspace", "ReducedEquations"]


class PerfectFluid:
    """:math:`T^{\\mu\\nu}=(\\rho+p)u^\\mu u^\\nu+p\\,g^{\\mu\\nu}`, :math:`u` the unit vector
    along the frame vector ``e_a`` number ``along`` (default 0, the time direction)."""

    def __init__(self, rho, p, along=0):
        self.rho, self.p, self.along = sp.sympify(rho), sp.sympify(p), along

    def tensor(self, coframe):
        g = coframe.metric().matrix
        gi = g.inv()
        u = sp.Matrix(coframe.frame()[self.along].components)
        norm = sp.sqrt(-(u.T * g * u)[0])
        u = u / norm
        return ((self.rho + self.p) * u * u.T + self.p * gi).applyfunc(sp.cancel)


def perfect_fluid(rho, p, along=0):
    """A comoving perfect fluid, density ``rho``, pressure ``p`` (:class:`PerfectFluid`)."""
    return PerfectFluid(rho, p, along)


def _sqrt_abs_det(coframe):
    r""":math:`\sqrt{|g|}=\det E\sqrt{|\det\eta|}` for a positively oriented ansatz whose
    functions are positive (scale factors, lapse)."""
    det_eta = sp.factor(sp.Matrix(coframe.eta).det() * coframe.sign)
    return sp.powdenest(sp.sqrt(det_eta), force=True) * sp.factor(coframe.E.det())


class ReducedEquations:
    """The distinct ordinary (or partial) differential equations of a reduced ansatz.

    ``equations`` is a list of ``sympy.Eq``; ``latex()`` prints them as one aligned block.
    """

    def __init__(self, equations):
        self.equations = list(equations)

    def __iter__(self):
        return iter(self.equations)

    def __len__(self):
        return len(self.equations)

    def __getitem__(self, i):
        return self.equations[i]

    def in_terms_of(self, fn, symbol):
        """The equations with ``fn``'s argument named ``symbol`` (f, f', f'' at T)."""
        from .field_theories import in_terms_of

        return ReducedEquations([sp.Eq(in_terms_of(e.lhs, fn, symbol),
                                       in_terms_of(e.rhs, fn, symbol))
                                 for e in self.equations])

    def latex(self):
        rows = [sp.latex(e.lhs) + " &= " + sp.latex(e.rhs) for e in self.equations]
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _repr_latex_(self):
        return "$$" + self.latex() + "$$"

    def __repr__(self):
        return "ReducedEquations(" + repr(self.equations) + ")"


def _canonical(expr, source_syms):
    """``expr = 0`` normalised: numerator, constant content removed, matter on one side."""
    num, _ = sp.fraction(sp.together(sp.expand(expr)))
    num = sp.expand(num)
    if num == 0:
        return None
    # solve for the density or pressure when it enters linearly
    for s in source_syms:
        if num.has(s):
            coeff = num.coeff(s)
            rest = sp.expand(num - coeff * s)
            if coeff != 0 and not coeff.has(s) and not rest.has(s):
                return sp.Eq(s, sp.factor(-rest / coeff))
    return sp.Eq(sp.factor(num), 0)


def minisuperspace(L, coframe, wrt="coframe", connection=None, source=None,
                   method="exterior", simplify=None):
    """Field equations of ``L`` on an ansatz, as distinct differential equations.

    Parameters
    ----------
    L : callable
        The Lagrangian ``L(e, f)``, an n-Form (see :func:`geomkit.field_equations`).
    coframe : Coframe
        The ansatz (its functions are the unknowns, e.g. the scale factor ``a(t)``).
    wrt : {'coframe', 'metric'}
        The varied field: the coframe (at the fixed ``connection``), or the frame
        metric (coincident-gauge symmetric teleparallel, ``coframe = dx``).
    connection : Connection, optional
        Held fixed; default the Weitzenbock connection of the coframe.
    source : PerfectFluid, optional
        Matter added with the coupling of the module doc.

    Returns
    -------
    ReducedEquations
        Each equation solved for the density or pressure when that enters it,
        otherwise ``expr = 0`` with constant factors removed.
    """
    if not isinstance(coframe, Coframe):
        raise GeomkitError(f"minisuperspace needs a Coframe ansatz, got {type(coframe).__name__}")
    if wrt not in ("coframe", "metric"):
        raise GeomkitError(f"minisuperspace varies 'coframe' or 'metric', got {wrt!r}")
    from .variational import field_equations, to_components

    n = coframe.n
    E = field_equations(L, wrt, coframe=coframe, connection=connection, method=method,
                        simplify=simplify)
    Tm = source.tensor(coframe) if source is not None else None
    vol = _sqrt_abs_det(coframe) if source is not None else None
    Em = coframe.E
    exprs = []
    if wrt == "coframe":
        EL = to_components(E)
        for a in range(n):
            for nu in range(n):
                v = EL[a, nu]
                if Tm is not None:
                    # E_{a mu} = g_{mu lam} E_a^lam = eta_ab E^b_mu
                    Ea = [sum(coframe.eta[a, b] * Em[b, m] for b in range(n)) for m in range(n)]
                    v = v + vol * sum(Tm[nu, m] * Ea[m] for m in range(n))
                exprs.append(v)
    else:
        top = tuple(range(n))
        for a in range(n):
            for b in range(a, n):
                v = E[a][b][top]
                if Tm is not None:
                    v = v + vol * sum(Tm[m, k] * Em[a, m] * Em[b, k]
                                      for m in range(n) for k in range(n))
                exprs.append(v)
    syms = [source.rho, source.p] if source is not None else []
    out = []
    for v in exprs:
        eq = _canonical(v, syms)
        if eq is None:
            continue
        if any(_same(eq, o) for o in out):
            continue
        out.append(eq)
    return ReducedEquations(out)


def _same(e1, e2):
    if e1.lhs != e2.lhs and not (e1.rhs == 0 and e2.rhs == 0):
        return False
    if e1.rhs == 0 and e2.rhs == 0:
        q = sp.cancel(e1.lhs / e2.lhs)
        return not q.free_symbols and not q.has(sp.Function)
    return sp.cancel(e1.rhs - e2.rhs) == 0
