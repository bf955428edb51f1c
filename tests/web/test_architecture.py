"""The code's structure, checked on its source (tests/helpers/architecture.py): the rules of ARCHITECTURE §3 that
the code keeps. Imports inside functions count; those under `if TYPE_CHECKING:` (types for annotations) do not."""
from __future__ import annotations

import pytest

from tests.helpers.architecture import (LAYER_NAMES, MAX_FILE_LINES, MAX_FOLDER_MODULES, cycles, folders,
                                        framework_leaks, layer, modules, upward_imports)


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


def test_no_folder_over_20_modules(code):
    """A feature is a package: no folder holds more than 20 modules side by side."""
    assert {folder: n for folder, n in folders(code).items() if n > MAX_FOLDER_MODULES} == {}


def test_no_module_without_dash_or_flask_reaches_them(code):
    """The computing and settings modules never import a module that imports Dash or Flask: what computes can be
    run, tested and reused without the web framework (the drawing and web layers are Dash's and Flask's)."""
    assert framework_leaks(code) == []


def test_no_import_of_dash_private_modules(code):
    """Dash's public ways only (dash.hooks, documented arguments); the private uses left are written down in one
    place and pinned by tests/web/test_dash_hooks.py."""
    assert {m.name: m.private_dash for m in code.values() if m.private_dash} == {}


def test_the_configuration_doc_equals_the_settings_list():
    """docs/configuration.md is written from config_list.SETTINGS (`python -m config_list`)."""
    import config_list

    assert config_list.documented() == config_list.table()


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


def test_a_feature_package_holds_its_three_layers():
    """In features/<feature>/, the route modules are web, the draw* ones drawing, the others computing: a
    feature's computing module importing its page is an upward import."""
    from tests.helpers.architecture import COMPUTING, DRAWING, WEB

    assert [layer(n) for n in ("features.travaux.page", "features.travaux.draw", "features.travaux.view",
                               "features.integration.routes", "features.contributions.web")] == \
        [WEB, DRAWING, COMPUTING, WEB, WEB]
    from pathlib import Path

    from tests.helpers.architecture import Module

    made = {n: Module(n, Path(n), 1) for n in ("features.x.data", "features.x.page")}
    made["features.x.data"].imports = {"features.x.page"}
    assert upward_imports(made) == [("features.x.data", "features.x.page")]
