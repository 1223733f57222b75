"""Kerr curvature from Carter's orthonormal coframe.

    python examples/kerr_curvature.py

Builds the coframe

    e^0 = sqrt(Delta/Sigma) (dt - a sin^2(theta) dphi)
    e^1 = sqrt(Sigma/Delta) dr
    e^2 = sqrt(Sigma) dtheta
    e^3 = sin(theta)/sqrt(Sigma) ((r^2 + a^2) dphi - a dt)

with Sigma = r^2 + a^2 cos^2(theta), Delta = r^2 - 2 M r + a^2, and checks that
the Levi-Civita connection is Ricci-flat, then prints the Kretschmann scalar.
"""

import time

import sympy as sp

import geomkit as gk
from geomkit.symbolic import spacetimes


def main():
    t0 = time.process_time()
    c = gk.Chart("t r theta phi", positive=True)
    t, r, th, ph = c.coords
    M, a = sp.symbols("M a", positive=True)
    carter = spacetimes.kerr_carter_coframe(c, M, a)
    lc = gk.levi_civita(carter)
    print("connection 1-form omega^0_1 =", lc.omega()[0][1])
    ricci_flat = gk.ricci(carter) == sp.zeros(4, 4)
    print("Ricci tensor is zero:", ricci_flat)
    K = sp.factor(gk.kretschmann(carter))
    print("Kretschmann scalar =", K)
    c2 = sp.cos(th) ** 2
    closed = 48 * M**2 * (r**6 - 15 * r**4 * a**2 * c2 + 15 * r**2 * a**4 * c2**2 - a**6 * c2**3)
    assert ricci_flat
    assert sp.cancel(K - closed / (r**2 + a**2 * c2) ** 6) == 0
    print(f"CPU time: {time.process_time() - t0:.2f} s")


if __name__ == "__main__":
    main()
