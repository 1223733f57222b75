"""The b^k-symplectic sphere: omega = dh ^ dtheta / h^k, singular along the equator.

Run: ``python examples/bk_symplectic.py [k]`` (default k = 2).  Prints the form
in the b^k frame, its Laurent data, its dual Poisson bivector, and the b^k
Betti numbers of the sphere with Z = equator.
"""

import sys

import sympy as sp

import geomkit as gk
from geomkit.symbolic.bk import model_spaces


def main(k=2):
    c = gk.Chart("h theta")  # height and angle on S^2
    h, theta = c.coords
    dh, dtheta = c.dx
    bk = gk.BkChart(c, h, k)  # Z = {h = 0}, the equator

    omega = bk.from_form((dh ^ dtheta) / h**k)
    print(f"omega in the b^{k} frame (zeta = dh/h**{k}):", omega)
    print("closed:", omega.is_closed(), " b^k-symplectic:", omega.is_symplectic())

    L = omega.laurent()
    print("Laurent data alpha_j:", L.alpha, " smooth part beta:", L.beta)

    Pi = omega.poisson_bivector()
    print("Poisson bivector (coordinate matrix):", Pi.matrix.tolist())
    print("{h, theta} =", Pi(h, theta), "; Pi vanishes to order", Pi.vanishing_order(), "on Z")

    # a form with a pole of order k + 1 is not a b^k form
    try:
        bk.from_form(dh / h ** (k + 1))
    except gk.BkFormError as err:
        print("rejected:", err)

    S2 = model_spaces(k)["S2"]
    t = sp.Symbol("t")
    print("P_M =", S2.poincare_M(t), " P_Z =", S2.poincare_Z(t))
    print(f"P_b^{k}(t) =", S2.poincare_polynomial(t), " Betti:", S2.betti())
    return omega


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
