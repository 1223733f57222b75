r"""Reference metrics (components in the given coordinates, ``G = c = 1``).

Each function takes the coordinate symbols (with whatever assumptions the
caller wants) and the parameters, and returns the sympy matrix ``g_{mu nu}``,
so the same metric feeds geomkit, the tests and the peers of the benchmarks.

>>> import sympy as sp
>>> t, r, th, ph, M = sp.symbols('t r theta phi M', positive=True)
>>> schwarzschild((t, r, th, ph), M)[0, 0]
2*M/r - 1
"""

import sympy as sp

__all__ = ["schwarzschild", "kerr", "kerr_carter_coframe", "flrw"]


def schwarzschild(coords, M):
    """Schwarzschild in Schwarzschild coordinates ``(t, r, theta, phi)``."""
    t, r, th, ph = coords
    f = 1 - 2 * M / r
    return sp.diag(-f, 1 / f, r**2, r**2 * sp.sin(th) ** 2)


def kerr(coords, M, a):
    r"""Kerr in Boyer--Lindquist coordinates ``(t, r, theta, phi)``.

    :math:`\Sigma=r^2+a^2\cos^2\theta`, :math:`\Delta=r^2-2Mr+a^2`.
    """
    t, r, th, ph = coords
    Sigma = r**2 + a**2 * sp.cos(th) ** 2
    Delta = r**2 - 2 * M * r + a**2
    s2 = sp.sin(th) ** 2
    g = sp.zeros(4, 4)
    g[0, 0] = -(1 - 2 * M * r / Sigma)
    g[0, 3] = g[3, 0] = -2 * M * a * r * s2 / Sigma
    g[1, 1] = Sigma / Delta
    g[2, 2] = Sigma
    g[3, 3] = (r**2 + a**2 + 2 * M * a**2 * r * s2 / Sigma) * s2
    return g


def kerr_carter_coframe(chart, M, a):
    r"""Carter's orthonormal coframe of Kerr on a Boyer--Lindquist ``chart``.

    .. math:: e^0=\sqrt{\Delta/\Sigma}\,(dt-a\sin^2\theta\,d\phi),\quad
              e^1=\sqrt{\Sigma/\Delta}\,dr,\quad e^2=\sqrt\Sigma\,d\theta,\quad
              e^3=\frac{\sin\theta}{\sqrt\Sigma}\,((r^2+a^2)\,d\phi-a\,dt),

    with :math:`\eta=\mathrm{diag}(-1,1,1,1)`; its metric is :func:`kerr`.
    """
    from .frames import Coframe

    t, r, th, ph = chart.coords
    dt, dr, dth, dph = chart.dx
    Sigma = r**2 + a**2 * sp.cos(th) ** 2
    Delta = r**2 - 2 * M * r + a**2
    return Coframe(
        [
            (dt - a * sp.sin(th) ** 2 * dph) * sp.sqrt(Delta / Sigma),
            dr * sp.sqrt(Sigma / Delta),
            dth * sp.sqrt(Sigma),
            ((r**2 + a**2) * dph - a * dt) * (sp.sin(th) / sp.sqrt(Sigma)),
        ],
        sp.diag(-1, 1, 1, 1),
    )


def flrw(coords, scale, k):
    """FLRW with scale factor ``scale`` (an expression in t) and curvature ``k``."""
    t, r, th, ph = coords
    a2 = scale**2
    return sp.diag(-1, a2 / (1 - k * r**2), a2 * r**2, a2 * r**2 * sp.sin(th) ** 2)
