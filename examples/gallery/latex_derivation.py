r"""The curvature of a torus, derived with sympy, checked three ways, rendered as LaTeX.

The torus ``X(u, v) = ((R + r cos v) cos u, (R + r cos v) sin u, r sin v)``:

1. the kernel formulas of :mod:`geomkit.mesh.formulas` (``K = (LN - M^2)/(EG - F^2)``
   from the 2-jet), fed the torus's exact derivatives;
2. Gauss's Theorema Egregium: ``K`` from the metric alone (Brioschi's formula
   for an orthogonal chart, ``F = 0``);
3. the known closed form ``K = cos v / (r (R + r cos v))`` (docs/conventions.md).

All three agree exactly (sympy), and the derivation is written as a picture
(matplotlib mathtext) and as LaTeX source for the docs.
"""

import os

import sympy as sp

from geomkit.mesh.formulas import JET_INPUTS, surface_expressions

u, v = sp.symbols("u v", real=True)
R, r = sp.symbols("R r", positive=True)
X = sp.Matrix([(R + r * sp.cos(v)) * sp.cos(u), (R + r * sp.cos(v)) * sp.sin(u),
               r * sp.sin(v)])
jet = [X.diff(u), X.diff(v), X.diff(u, 2), X.diff(u, v), X.diff(v, 2)]
subs = dict(zip(sp.symbols(JET_INPUTS, real=True), [c for d in jet for c in d]))


def simplify(e):
    # R > r > 0: R + r cos v > 0, which the square root of the normal needs
    e = sp.trigsimp(sp.factor(sp.trigsimp(e.subs(subs))))
    return sp.simplify(sp.powdenest(e, force=True).subs(sp.Abs(R + r * sp.cos(v)),
                                                        R + r * sp.cos(v)))


out, _ = surface_expressions()
E, F, G = (simplify(out[k]) for k in ("E", "F", "G"))
L, M, N = (simplify(out[k]) for k in ("L", "M", "N"))
# the kernel's K and H are these rational functions of the fundamental forms, so they
# are evaluated on the simplified forms (cheaper than simplifying the whole expressions)
e, f, g, l, m, n = sp.symbols("E F G L M N")
forms = {out[k]: s for k, s in zip("EFGLMN", (e, f, g, l, m, n))}
forms[2 * out["F"]] = 2 * f  # sympy distributes the 2 of 2FM over F's sum
assert out["K"].xreplace(forms) == (l * n - m**2) / (e * g - f**2)
H_forms = out["H"].xreplace(forms)
assert sp.simplify(H_forms - (e * n - 2 * f * m + g * l) / (2 * (e * g - f**2))) == 0
values = dict(zip((e, f, g, l, m, n), (E, F, G, L, M, N)))
K_kernel = sp.simplify(out["K"].xreplace(forms).subs(values))
H_kernel = sp.simplify(out["H"].xreplace(forms).subs(values))

# Theorema Egregium (orthogonal chart): K = -1/(2 sqrt(EG)) [(G_u/sqrt(EG))_u + (E_v/sqrt(EG))_v]
W = sp.sqrt(sp.factor(E * G)).subs(sp.Abs(R + r * sp.cos(v)), R + r * sp.cos(v))
K_intrinsic = sp.simplify(-(sp.diff(G.diff(u) / W, u) + sp.diff(E.diff(v) / W, v)) / (2 * W))
K_known = sp.cos(v) / (r * (R + r * sp.cos(v)))

assert F == 0 and M == 0
assert sp.simplify(K_kernel - K_known) == 0, K_kernel
assert sp.simplify(K_intrinsic - K_known) == 0, K_intrinsic
# the chart normal X_u x X_v points out of the torus: H = -(R + 2 r cos v)/(2 r (R + r cos v)),
# the sphere's -1/a as R -> 0 (the sign convention of docs/conventions.md)
assert sp.simplify(H_kernel + (R + 2 * r * sp.cos(v)) / (2 * r * (R + r * sp.cos(v)))) == 0
assert sp.simplify(H_kernel.subs(R, 0) + 1 / r) == 0

lines = [
    (r"X(u,v)", sp.latex(X.T)),
    (r"E,\;F,\;G", rf"{sp.latex(E)},\;{sp.latex(F)},\;{sp.latex(G)}"),
    (r"L,\;M,\;N", rf"{sp.latex(L)},\;{sp.latex(M)},\;{sp.latex(N)}"),
    (r"K=\frac{LN-M^2}{EG-F^2}", sp.latex(K_kernel)),
    (r"K=-\frac{1}{2\sqrt{EG}}\left(\left(\frac{G_u}{\sqrt{EG}}\right)_u"
     r"+\left(\frac{E_v}{\sqrt{EG}}\right)_v\right)", sp.latex(K_intrinsic)),
    (r"H=\frac{EN-2FM+GL}{2(EG-F^2)}", sp.latex(sp.factor(H_kernel))),
]


def mathtext(s):
    # sympy's matrix environment is not in mathtext: write the row vector by hand
    return s.replace(r"\left[\begin{matrix}", r"\left(").replace(r"\end{matrix}\right]",
                                                                   r"\right)").replace("&", ",")


outdir = os.environ.get("GEOMKIT_GALLERY_OUT", ".")
os.makedirs(outdir, exist_ok=True)
with open(os.path.join(outdir, "torus_curvature.tex"), "w") as f:
    f.write("\n".join(rf"{a} &= {b} \\" for a, b in lines) + "\n")

try:
    from matplotlib.figure import Figure
except ImportError:
    print("matplotlib is not installed (pip install geomkit[plot]): no picture")
else:
    fig = Figure(figsize=(8.6, 4.4))
    fig.text(0.02, 0.93, "Torus: Gaussian curvature from the 2-jet and from the metric alone",
             fontsize=12, weight="bold")
    for k, (a, b) in enumerate(lines):
        fig.text(0.03, 0.80 - 0.145 * k, f"${mathtext(a)} = {mathtext(b)}$", fontsize=12.5)
    path = os.path.join(outdir, "torus_curvature.png")
    fig.savefig(path, dpi=100)
    print(path)
