"""Form arithmetic defers to operand types it does not know (Python's NotImplemented protocol)."""

import pytest

import geomkit as gk


class Other:
    """A foreign operand that implements the reflected operators."""

    def __radd__(self, other):
        return "radd"

    def __rmul__(self, other):
        return "rmul"

    def __rxor__(self, other):
        return "rxor"


def test_reflected_operators_of_foreign_types_run():
    dx, dy = gk.Chart("x y").dx
    assert dx + Other() == "radd"
    assert dx * Other() == "rmul"
    assert (dx ^ Other()) == "rxor"


def test_unknown_operand_is_a_type_error():
    dx, dy = gk.Chart("x y").dx
    with pytest.raises(TypeError):
        dx * object()
    with pytest.raises(TypeError):
        dx - object()
    assert (2 * dx - dx).equals(dx) and (dx / 2 + dx / 2).equals(dx)
