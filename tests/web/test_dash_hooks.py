"""Dash's public ways and the few private facts left (dash_internals.py, checked against Dash 4.4.1): each fact is
pinned here, so that a Dash upgrade that changes one fails a test instead of a page. The hooks are the process's:
registered once however many apps are made; the 404s' matcher is ours, and agrees with the router's."""
from __future__ import annotations

from pathlib import Path

import dash
import flask
import pytest

import dash_internals
from components.vendor import PLOTLY_BUNDLE, PLOTLY_URL, RUNTIME_URL
from script_loader import INERT, LOADER, LOADER_URL, ON_DEMAND
from factory import plotly_bundle, portal_index
from tests.helpers.apps import make_app


@pytest.fixture(scope="module")
def app():
    return make_app(TILE_URL="")


def test_dash_is_the_version_the_internals_were_checked_against():
    # a new Dash: check each fact of dash_internals' docstring (the tests below), then write its version there
    assert dash.__version__ == dash_internals.DASH_VERSION_CHECKED


def test_the_renderer_fetches_plotly_at_the_address_the_portal_answers():
    renderer = Path(dash.__file__).parent / "dash-renderer" / "build" / "dash_renderer.min.js"
    text = renderer.read_text(encoding="utf-8")
    assert "_dashPlotlyJSURL" in text and f'"{PLOTLY_URL}"' in text  # requests_pathname_prefix + this address


def test_dash_registers_the_full_plotly_bundle_only_as_fetched_on_demand(app):
    from dash import dcc

    plotly = [r for r in dcc._js_dist if r.get("namespace") == "plotly"]
    assert plotly and {r["relative_package_path"] for r in plotly} == {"package_data/plotly.min.js"}
    assert {r.get("async") for r in plotly} == {"eager"} and not app.config.eager_loading


def test_the_deferred_bundles_are_listed_as_relied_upon(app):
    for module_name, relative_path in dash_internals.DEFERRED_BUNDLES:
        entry = dash_internals.library_entry(module_name, relative_path)
        assert entry["dynamic"] is True and "async" not in entry  # Dash refuses an entry with both


def test_the_served_page_loads_the_partial_plotly_bundle_and_no_deferred_bundle(app):
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "plotly.min.js" not in page and "cdn.plot.ly" not in page
    assert "/dash_ag_grid/" not in page and "dash_table/bundle" not in page
    answer = client.get("/" + PLOTLY_URL)
    assert answer.status_code == 200 and answer.data == PLOTLY_BUNDLE.read_bytes()
    assert b"plotly.js (basic - minified)" in answer.data[:200]


def test_the_hooks_are_registered_once_for_many_apps(app):
    make_app(TILE_URL="")  # another app of the same process
    routes = [h for h in dash.hooks.get_hooks("routes") if h.func is plotly_bundle]
    assert len(routes) == 1 and routes[0].data["name"] == PLOTLY_URL
    assert [h.func for h in dash.hooks.get_hooks("index")].count(portal_index) == 1
    assert "/" + PLOTLY_URL in {str(rule) for rule in app.server.url_map.iter_rules()}


def test_the_index_hook_leaves_an_app_without_portal_alone():
    index = '<html lang="fr"><head></head><body></body></html>'
    with flask.Flask("autre").test_request_context("/integrer/tableaux-de-bord/travaux/chiffres"):
        assert portal_index(index) == index
    assert portal_index(index) == index  # no request: Dash renders the index at start-up too


def test_an_embed_page_gets_its_class_from_the_index_hook(app):
    client = app.server.test_client()
    # « avant-dash »: the server's copy of the page shows until Dash's takes its place (server_render)
    assert '<html lang="fr" class="avant-dash integration">' in client.get(
        "/integrer/jeux-de-donnees/chantiers?tab=map").text
    assert '<html lang="fr" class="avant-dash">' in client.get("/catalogue").text


def _paths():
    yield from ("", "/", "catalogue", "/catalogue/", "inconnu", "jeux-de-donnees", "jeux-de-donnees/chantiers",
                "jeux-de-donnees/a/b", "jeux-de-donnees/", "recits/x", "integrer/tableaux-de-bord/travaux/chiffres",
                "integrer/recits/grands-chantiers/1", "/a//b/", "communes/76540")
    for page in dash.page_registry.values():
        yield page["path"]
        if page.get("path_template"):
            yield page["path_template"].replace("<", "").replace(">", "")


def test_our_page_matcher_agrees_with_the_router(app):
    from dash._pages import _path_to_page  # the router's own matcher (private): only this test reads it

    from api import page_for

    for path in _paths():
        assert page_for(path) == _path_to_page(path.strip("/")), path


def test_dash_lists_the_polyfill_and_its_bundles_need_only_its_regenerator(app):
    from dash import dcc

    deps = Path(dash.__file__).parent / "deps"
    assert list(deps.glob("polyfill@7.12.1.min.js"))  # what Dash lists before React (dash_internals, 3.)
    bundles = [Path(dash.__file__).parent / "dash-renderer" / "build" / "dash_renderer.min.js",
               Path(dcc.__file__).parent / "dash_core_components.js"]
    assert all("regeneratorRuntime" in b.read_text(encoding="utf-8") for b in bundles)
    page = app.server.test_client().get("/").get_data(as_text=True)
    assert "polyfill@7" not in page
    runtime = app.server.test_client().get("/" + RUNTIME_URL)
    assert runtime.status_code == 200 and b"regeneratorRuntime = runtime" in runtime.data


def test_dash_s_scripts_wait_for_the_first_paint_in_their_order(app):
    import re

    client = app.server.test_client()
    page = client.get("/catalogue").get_data(as_text=True)
    inert = re.findall(rf'<script type="{INERT}"(?: data-src="([^"]*)")?[^>]*>', page)
    sources = [s for s in inert if s]
    # Dash's order: React first, the assets, then the renderer and the components; the renderer's start last
    assert "react@18" in sources[1] and "dash_renderer" in sources[-4] and sources[-1].endswith(".min.js")
    # dash-leaflet waits for a map to come into view (assets/a-la-vue.js fetches it then)
    assert not any("dash_leaflet" in s for s in sources)
    assert re.search(rf'<script type="{ON_DEMAND}" data-src="/_dash-component-suites/dash_leaflet/dash_leaflet\.'
                     r'[^"]*\.js" data-bibliotheque="dash_leaflet"></script>', page)
    assert re.search(rf'<script type="{INERT}" id="_dash-renderer">var renderer = new DashRenderer\(\);</script>'
                     r'\s*<script src="/_portail/apres-rendu.js\?v=\w+"></script>', page)
    loader = client.get("/" + LOADER_URL)
    assert loader.status_code == 200 and loader.data == LOADER.read_bytes()


def test_dash_checks_its_index_for_what_the_inert_scripts_keep(app):
    import re

    from dash.dash import _re_index_scripts_id, _re_renderer_scripts_id  # Dash's checks (dash_internals, 4.)

    page = app.server.test_client().get("/").get_data(as_text=True)
    assert re.search(_re_index_scripts_id[0], page) and re.search(_re_renderer_scripts_id[0], page)
    assert 'data-src="/_dash-component-suites/dash/dash-renderer/' in page
