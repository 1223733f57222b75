"""A tour of exterior calculus on charts: d, wedge, Hodge star, Laplacian, pullback.

Run:  python examples/forms_tour.py
"""

import sympy as sp

import geomkit as gk


def main():
    c = gk.Chart("x y z")
    x, y, z = c.coords
    dx, dy, dz = c.dx

    # Maxwell-like: A a 1-form, F = dA, and dF = 0 (Bianchi)
    A = -y * dx + x * dy + sp.sin(x * z) * dz
    F = gk.d(A)
    print("F = dA =", F)
    assert gk.d(F).is_zero()

    # Hodge star and the Laplace-de Rham operator in R^3
    g = gk.Metric(c, sp.eye(3))
    print("*F =", g.hodge(F))
    r = sp.sqrt(x**2 + y**2 + z**2)
    lap = g.laplacian(1 / r)
    print("Laplacian of 1/r:", lap)
    assert lap.is_zero()

    # pull the area form of the plane back to polar coordinates
    rho, phi = sp.symbols("rho phi", positive=True)
    polar = gk.Chart([rho, phi])
    plane = gk.Chart("u v")
    u, v = plane.coords
    du, dv = plane.dx
    area = gk.pullback({u: rho * sp.cos(phi), v: rho * sp.sin(phi)}, du ^ dv, polar)
    area = area.simplify("trig")
    print("pullback of du^dv to polar coordinates:", area)
    assert area == rho * gk.wedge(*polar.dx)

    # Cartan's magic formula, checked on a rotation field
    X = c.vector([-y, x, 0])
    vol = g.volume_form
    assert gk.lie(X, vol).is_zero()  # rotations preserve volume
    print("L_X vol = 0 for the rotation X = -y d_x + x d_y")
    return F


if __name__ == "__main__":
    main()
