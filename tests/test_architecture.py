"""The code's structure, checked on its source (tests/helpers/architecture.py): the rules of ARCHITECTURE §3 that
the code keeps. Imports inside functions count; those under `if TYPE_CHECKING:` (types for annotations) do not."""
from __future__ import annotations

import pytest

from tests.helpers.architecture import LAYER_NAMES, MAX_FILE_LINES, cycles, layer, modules, upward_imports


@pytest.fixture(scope="module")
def code():
    return modules()


def test_no_import_cycle(code):
    assert cycles(code) == []


def test_no_import_goes_up_a_layer(code):
    """web → drawing → computing → settings: a module imports its own layer and those below."""
    assert [f"{a} ({LAYER_NAMES[layer(a)]}) → {b} ({LAYER_NAMES[layer(b)]})" for a, b in upward_imports(code)] == []


def test_no_module_over_400_lines(code):
    assert [(m.name, m.lines) for m in code.values() if m.lines > MAX_FILE_LINES] == []


def test_the_measure_sees_imports_inside_functions_and_relative_ones(code):
    """The rules are only as good as the measure: a relative import inside a function is seen (the sync's lazy
    read of a file), and so is a TYPE_CHECKING one left out."""
    assert "data_access.readers" in code["data_access.sync.run"].imports
    assert "features.sante.choices" not in code["features.sante.data"].imports  # types only
    assert "data_access.reduction.geo" in code["data_access.reduction"].imports


def test_a_cycle_and_an_upward_import_are_found():
    from pathlib import Path

    from tests.helpers.architecture import Module

    made = {name: Module(name, Path(name), 1) for name in ("data_access.a", "data_access.b", "components.c")}
    made["data_access.a"].imports = {"data_access.b"}
    made["data_access.b"].imports = {"data_access.a", "components.c"}
    assert cycles(made) == [["data_access.a", "data_access.b"]]
    assert upward_imports(made) == [("data_access.b", "components.c")]
