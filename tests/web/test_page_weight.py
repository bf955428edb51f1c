"""What a page weighs: plotly.js's partial bundle (the version the plotly package bundles, served where Dash's
renderer asks for plotly.js, compressed, drawing every kind of chart the portal draws in a real browser), and the
data grid's file fetched only by the pages that show a grid."""
from __future__ import annotations

import re

import pytest

from components.vendor import PLOTLY_BUNDLE, PLOTLY_TRACES, PLOTLY_URL, PLOTLY_VERSION
from config import ROOT
from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import assert_clean_console, open_page


def test_the_bundle_is_the_partial_one_of_the_version_plotly_bundles():
    from plotly.offline import get_plotlyjs_version

    head = PLOTLY_BUNDLE.read_bytes()[:200].decode()
    assert PLOTLY_VERSION == get_plotlyjs_version()  # upgrade the bundle with the plotly package
    assert f"plotly.js (basic - minified) v{PLOTLY_VERSION}" in head
    assert (PLOTLY_BUNDLE.parent / "LICENSE-plotly.js.txt").read_text().startswith("MIT License")


def test_every_trace_the_portal_draws_is_in_the_bundle():
    used = set()
    for path in [*(ROOT / "components").glob("*.py"), *(ROOT / "pages").glob("*.py"),
                 *(ROOT / "data_access").rglob("*.py")]:
        used |= {name.lower() for name in re.findall(r"\bgo\.([A-Z][A-Za-z]+)\(", path.read_text(encoding="utf-8"))}
    assert used - {"figure"} <= set(PLOTLY_TRACES), used


def test_the_app_answers_the_renderers_address_with_the_bundle_compressed():
    client = make_app().server.test_client()
    answer = client.get("/" + PLOTLY_URL, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "gzip"
    assert answer.mimetype == "application/javascript" and "max-age=86400" in answer.headers["Cache-Control"]
    import gzip

    assert gzip.decompress(answer.data) == PLOTLY_BUNDLE.read_bytes()
    assert len(answer.data) < 450_000  # the full plotly.min.js is 1.4 MB compressed
    page = client.get("/").get_data(as_text=True)
    assert "plotly.min.js" not in page and "cdn.plot.ly" not in page
    assert "/dash_ag_grid/" not in page  # no script of the grid: it is fetched by the pages that show one
    assert "dash_table/bundle" not in page  # the portal shows no DataTable
    assert 'href="/assets/favicon.ico' in page  # the portal's own icon, not Dash's 5 KB one
    assert client.get("/assets/favicon.ico").content_length < 1_000
    assert client.get("/_dash-component-suites/dash_ag_grid/dash_ag_grid.min.js").status_code == 200


@pytest.mark.parametrize(("chart", "drawn"), [
    ("x=type", "g.barlayer .point"), ("chart=line&x=date_debut", "g.scatterlayer .trace"),
    ("chart=pie&x=type", "g.pielayer .slice"), ("chart=histogram", "g.barlayer .point")])
def test_each_kind_of_chart_draws_with_the_partial_bundle(dash_duo, chart, drawn):
    dash_duo.driver.set_window_size(390, 900)
    dash_duo.start_server(make_app(), port=free_port())
    open_page(dash_duo, f"/jeux-de-donnees/chantiers?tab=chart&{chart}")
    dash_duo.wait_for_element(f"#jeu-graphique {drawn}")
    traces = dash_duo.driver.execute_script("return Object.keys(window.Plotly.PlotSchema.get().traces).sort()")
    assert traces == sorted(PLOTLY_TRACES)  # the partial bundle is what the page loaded
    assert dash_duo.driver.execute_script("return window.Plotly.version") == PLOTLY_VERSION
    assert_clean_console(dash_duo)


def _fetched(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name.split('/').pop())")


def test_the_grid_file_comes_with_the_first_grid_only(dash_duo):
    dash_duo.driver.set_window_size(390, 900)
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())  # the Santé map without outside tiles
    open_page(dash_duo, "/tableaux-de-bord/sante")
    dash_duo.wait_for_element(".js-plotly-plot .main-svg")
    assert not [name for name in _fetched(dash_duo) if name.startswith("dash_ag_grid")]
    open_page(dash_duo, "/jeux-de-donnees/chantiers?tab=table&refine.type=voirie")  # a page with a grid
    dash_duo.wait_for_element("#jeu-tableau [role='grid'][aria-rowcount='152']")
    dash_duo.wait_for_element("#jeu-tableau .ag-row[row-index='0'] .ag-cell[col-id='id']")
    assert "dash_ag_grid.min.js" in _fetched(dash_duo)
    assert_clean_console(dash_duo)
