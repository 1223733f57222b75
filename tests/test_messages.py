"""Error messages that tell a new user what to do (and no silent wrong answers)."""

import numpy as np
import pytest
import sympy as sp

import geomkit as gk


@pytest.fixture(scope="module")
def chart():
    return gk.Chart("x y")


def test_d_of_a_plain_expression_points_to_chart_scalar(chart):
    x, y = chart.coords
    with pytest.raises(gk.GeomkitError, match=r"d\(chart\.scalar\(x\*\*2\)\)"):
        gk.d(x**2)
    # and the suggestion is right: d(x^2) = 2x dx
    dx, dy = chart.dx
    assert gk.d(chart.scalar(x**2)) == 2 * x * dx


@pytest.mark.parametrize("make", [
    lambda dx: gk.wedge(dx, "dy"),
    lambda dx: dx + "dy",
    lambda dx: "dy" - dx,
])
def test_strings_are_not_taken_for_forms(chart, make):
    """``wedge(dx, 'dy')`` used to return the 1-form ``dy*dx`` (a symbol named dy
    times dx), silently wrong."""
    dx, dy = chart.dx
    with pytest.raises(gk.GeomkitError, match=r"the string 'dy'.*chart\.dx"):
        make(dx)


def test_scalars_still_mix_with_forms(chart):
    x, y = chart.coords
    dx, dy = chart.dx
    assert gk.wedge(dx, 2, x) == 2 * x * dx
    assert (chart.scalar(x) + 1).to_scalar() == x + 1
    assert dx * np.float64(0.5) == dx * sp.Float(0.5)


def test_kernel_called_positionally_says_how_to_call_it():
    u, v = sp.symbols("u v")
    k = gk.lower({"s": u + v}, [u, v], name="positional_demo")
    with pytest.raises(gk.KernelInputError, match=r"by name.*kernel\(u=\.\.\., v=\.\.\.\)"):
        k(np.ones(2), np.ones(2))
    assert k(u=np.ones(2), v=np.ones(2))["s"].tolist() == [2.0, 2.0]


def test_inputs_by_name_find_symbols_with_assumptions():
    """``lower(x*y, inputs=['x', 'y'])`` with real x, y: the names mean the
    formula's symbols (it used to say the very inputs given were unknown)."""
    x, y = sp.symbols("x y", real=True)
    k = gk.lower(x * y, inputs=["x", "y"], name="by_name_demo")
    assert k.inputs == ("x", "y")
    assert k(x=np.array([2.0, 3.0]), y=np.array([5.0, 7.0]))["out"].tolist() == [10.0, 21.0]
    k2 = gk.lower(x * y, inputs=[sp.Symbol("x")], params=["y"], name="by_name_demo")
    assert k2(x=np.array([2.0]), y=4.0)["out"].tolist() == [8.0]


def test_lower_names_symbols_that_are_really_missing():
    x, y = sp.symbols("x y")
    with pytest.raises(gk.LoweringError, match=r"\['y'\] are neither inputs nor params"):
        gk.lower(x * y, inputs=["x"])


@pytest.mark.parametrize("bad, says", [
    (np.zeros((3, 3)), "an array of shape (3, 3)"),
    ([[0.0, 0.0, 0.0]], "list"),
])
def test_mesh_features_of_arrays_says_how_to_make_a_surface(bad, says):
    with pytest.raises(gk.MeshError) as e:
        gk.mesh.features(bad)
    assert says in str(e.value) and "TriangleSurface(V, F)" in str(e.value)


# -- mesh problems: counted in good English, numbered as the file numbers them ------
def test_obj_problems_use_the_files_numbering(tmp_path):
    p = tmp_path / "bad.obj"
    # vertex 4 repeats vertex 3 (so face 2 has zero area); vertex 5 is in no face;
    # face 3 repeats vertex 1
    p.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 1 0\nv 5 5 5\nf 1 2 3\nf 2 4 3\nf 1 1 3\n")
    probs = gk.mesh.info(str(p))["problems"]
    text = "\n".join(probs)
    assert "1 vertex duplicates another vertex's coordinates (first: vertex 4 equals vertex 3)" \
        in text
    assert "1 vertex is in no face (first: vertex 5)" in text
    assert "2 faces are degenerate" in text and "first: face 2 = [2, 4, 3]" in text


def test_zero_based_formats_keep_zero_based_numbers():
    V = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [np.nan, 0, 0], [np.inf, 0, 0]], float)
    s = gk.mesh.TriangleSurface(V, np.array([[0, 1, 2], [0, 1, 3], [1, 2, 4]]), source="m.stl")
    msgs = [q.message for q in s.problems()]
    assert msgs[0] == ("2 vertices have NaN or infinite coordinates "
                       "(first: vertex 3 = [nan, 0.0, 0.0])")


def test_triangle_messages_number_vertices_as_the_file(tmp_path):
    """Messages from the curvature estimators number vertices as the input file
    does: from 1 in OBJ, and as before a repair dropped or merged vertices."""
    p = tmp_path / "pillow.obj"
    # vertex 1 is in no face (repair drops it); faces 2-3-4 and 2-4-3 cancel out
    p.write_text("v 5 5 5\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 2 3 4\nf 2 4 3\n")
    s = gk.mesh.read(p, repair=True)
    with pytest.raises(gk.MeshError, match=r"pillow.obj: vertex 2 has no normal"):
        gk.mesh.features(s, ["K"])
