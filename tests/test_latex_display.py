"""LaTeX of every symbolic type through sympy's printing protocol: ``sp.latex``
gives LaTeX that matplotlib's mathtext parses, ``_repr_latex_`` (Jupyter) is
the same text in ``$...$``, and the text says the right thing."""

import pytest
import sympy as sp

import geomkit as gk
from geomkit.defects import examples as X

mathtext = pytest.importorskip("matplotlib.mathtext", reason="validity checked by mathtext")
_PARSER = mathtext.MathTextParser("path")


def valid(text):
    _PARSER.parse("$" + text + "$")  # raises ValueError on bad LaTeX
    return True


@pytest.fixture(scope="module")
def sphere():
    c = gk.Chart("theta phi", positive=True)
    th, ph = c.coords
    cf = gk.Coframe([c.dx[0], sp.sin(th) * c.dx[1]])
    return c, cf, gk.levi_civita(cf)


@pytest.fixture(scope="module")
def objects(sphere):
    c, cf, w = sphere
    th, ph = c.coords
    e2, e5 = X.E2(), X.E5()
    u, v = sp.symbols("x_u v")
    return {
        "Chart": c,
        "Form": sp.sin(th) * c.dx[0] ^ c.dx[1],
        "0-form": c.scalar(th**2),
        "VectorField": c.vector([1, th + 1]),
        "Metric": gk.Metric(c, sp.diag(1, sp.sin(th) ** 2)),
        "Coframe": cf,
        "Connection": w,
        "torsion()": e2.connection.torsion(),
        "curvature()": w.curvature(),
        "nonmetricity()": e5.connection.nonmetricity(),
        "TorsionPieces": gk.torsion_pieces(e2.connection),
        "NonmetricityPieces": gk.nonmetricity_pieces(e5.connection),
        "CurvatureSplit": gk.curvature_split(e2.connection),
        "DefectDensities": gk.defects.defect_densities(e2.connection),
        "Kernel": gk.lower({"K_1": u * v}, [u, v], name="latex_demo"),
    }


NAMES = ["Chart", "Form", "0-form", "VectorField", "Metric", "Coframe", "Connection",
         "torsion()", "curvature()", "nonmetricity()", "TorsionPieces", "NonmetricityPieces",
         "CurvatureSplit", "DefectDensities", "Kernel"]


@pytest.mark.parametrize("name", NAMES)
def test_latex_is_valid_and_jupyter_shows_it(objects, name):
    obj = objects[name]
    text = sp.latex(obj)
    assert valid(text)
    assert r"\text" not in text and r"\mathtt" not in text  # not the str() fallback
    assert obj._repr_latex_() == "$\\displaystyle " + text + "$"


def test_form_latex_is_readable(sphere):
    c, cf, w = sphere
    th, ph = c.coords
    dth, dph = c.dx
    assert sp.latex(sp.sin(th) * dth ^ dph) == r"\sin{\left(\theta \right)}\, d\theta \wedge d\phi"
    # unit coefficients vanish, sums are parenthesised, minus signs fold into the joins
    assert sp.latex(-(th + 1) * dth + dph) == r"-\left(\theta + 1\right)\, d\theta + d\phi"
    assert sp.latex(0 * dth) == "0"
    # init_printing route: a Form inside a sympy container prints the same way
    assert sp.latex([dth]) == r"\left[ d\theta\right]"


def test_vector_field_has_no_parenthesised_units(sphere):
    c = sphere[0]
    th = c.coords[0]
    assert sp.latex(c.vector([1, -th])) == r"\partial_{\theta} - \theta\, \partial_{\phi}"


def test_structures_say_what_they_are(objects):
    assert sp.latex(objects["Metric"]) == (r"ds^{2} = d\theta^{2} + "
                                           r"\sin^{2}{\left(\theta \right)}\, d\phi^{2}")
    assert sp.latex(objects["curvature()"]).startswith(
        r"R^{1}{}_{2} = \sin{\left(\theta \right)}\, d\theta \wedge d\phi")
    # E2: the screw dislocation's torsion T^3 = beta e^1 ^ e^2, nothing else
    t = sp.latex(objects["torsion()"])
    assert t.startswith("T^{3} = ") and "T^{1}" not in t
    tp = sp.latex(objects["TorsionPieces"])
    assert r"\mathrm{axial\_form}" in tp and r"\mathrm{trace} = 0" in tp
    assert sp.latex(objects["Coframe"]).endswith(r"\eta = \mathrm{diag}\left(1, 1\right)")
    assert sp.latex(objects["Kernel"]).startswith(
        r"\mathrm{latex\_demo}\left(\mathrm{x\_u}, \mathrm{v}\right) \rightarrow")


def test_tuples_of_forms_stay_tuples(objects):
    T = objects["torsion()"]
    assert isinstance(T, tuple) and len(T) == 3 and T == tuple(T)
    assert T[0] == 0 and T[2] != 0
