"""Security headers on every answer (security.py): their values, and every page under the enforced CSP."""
from __future__ import annotations

import pytest

import security
from config import ConfigError
from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import AXE_PAGES, open_page
from tests.helpers.paths import FIXTURES

OSM = "https://tile.openstreetmap.org"


def directives(policy: str) -> dict[str, list[str]]:
    """A CSP header as {directive: [sources]}."""
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.fixture(scope="module")
def client():
    return make_app(FIXTURES / "portal").server.test_client()


@pytest.mark.parametrize("path", [
    "/",                                 # a page
    "/catalogue?q=travaux",
    "/assets/carte.js",                  # an asset
    "/_dash-layout",                     # Dash's own routes
    "/api/catalogue.json",               # JSON API routes
    "/healthz",
    "/export/chantiers.csv?limit=2",     # an extract
    "/export/chantiers.toto",            # a refused extract (400)
    "/pas-de-page-ici",                  # a page that does not exist
    "/assets/absent.js",                 # a file that does not exist
    "/api/rien",
])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == policy["form-action"] == policy["connect-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:", OSM]  # the demo's default TILE_URL


def test_statuses_of_the_routes_checked(client):
    statuses = {path: client.get(path).status_code for path in (
        "/", "/assets/carte.js", "/api/catalogue.json", "/export/chantiers.csv?limit=2", "/pas-de-page-ici")}
    assert statuses == {"/": 200, "/assets/carte.js": 200, "/api/catalogue.json": 200,
                        "/export/chantiers.csv?limit=2": 200, "/pas-de-page-ici": 404}


def test_scripts_are_allowed_by_hash_never_inline_or_eval(client):
    page = client.get("/")
    scripts = directives(page.headers["Content-Security-Policy"])["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert scripts[0] == "'self'" and len(scripts) >= 2 and all(s.startswith("'sha256-") for s in scripts[1:])
    # each inline script of the page has its hash in the policy (the renderer's start, the title callback)
    app = client.application.extensions[security.EXTENSION].app
    assert scripts[1:] == list(app.csp_hashes())
    assert "new DashRenderer()" in page.get_data(as_text=True)


def test_a_server_error_carries_the_headers_too():
    app = make_app(FIXTURES / "portal")

    def fails():
        raise RuntimeError("panne")

    app.server.add_url_rule("/panne", "panne", fails)
    response = app.server.test_client().get("/panne")
    assert response.status_code == 500 and "Une erreur est survenue" in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_no_tile_url_no_tile_host_in_img_src():
    response = make_app(FIXTURES / "portal", TILE_URL="").server.test_client().get("/")
    assert directives(response.headers["Content-Security-Policy"])["img-src"] == ["'self'", "data:", "blob:"]


@pytest.mark.parametrize(("tile_url", "source"), [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", OSM),
    ("https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.fr"),
    ("https://tiles-{s}.Example.org:8443/{z}/{x}/{y}{r}.png", "https://*.example.org:8443"),
    ("http://127.0.0.1:9/{z}/{x}/{y}.png", "http://127.0.0.1:9"),
    ("/tuiles/{z}/{x}/{y}.png", None),  # served by the portal: 'self' already allows it
    ("", None),
])
def test_tile_origin_is_the_scheme_and_host(tile_url, source):
    assert security.tile_origin(tile_url) == source


@pytest.mark.parametrize("tile_url", ["https://{s}/{z}/{x}/{y}.png", "https://a;b.org/{z}/{x}/{y}.png"])
def test_a_tile_host_a_policy_cannot_name_is_a_configuration_error(tile_url):
    with pytest.raises(ConfigError, match="TILE_URL"):
        security.tile_origin(tile_url)


def test_embeddable_routes_can_be_framed_and_only_they():
    app = make_app(FIXTURES / "portal")
    security.headers_of(app.server).allow_framing("/integrer/", "*")
    client = app.server.test_client()
    framed, page = client.get("/integrer/carte"), client.get("/catalogue")
    assert directives(framed.headers["Content-Security-Policy"])["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in framed.headers
    assert framed.headers["X-Content-Type-Options"] == "nosniff"
    assert directives(page.headers["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
    assert page.headers["X-Frame-Options"] == "DENY"


# ---- in the browser, with the CSP enforced ----

PAGES = ("/", "/a-propos", "/catalogue", "/jeux-de-donnees/chantiers?tab=table",
         "/jeux-de-donnees/chantiers?tab=map", "/jeux-de-donnees/chantiers?tab=chart",
         "/jeux-de-donnees/chantiers?tab=export", "/jeux-de-donnees/bureaux-de-vote?tab=map",
         "/tableaux-de-bord/travaux", "/tableaux-de-bord/sante", "/tableaux-de-bord/transports", "/pas-de-page-ici")
# what must have rendered before the console is read: axe's list, and the two pages it opens with other parameters
READY = {**dict(AXE_PAGES), "/catalogue": ".dataset-card",
         "/tableaux-de-bord/travaux": "#travaux-calendrier .main-svg[aria-hidden='true']"}


def console_errors(dash_duo, expected_404: str | None = None) -> list[str]:
    """The console's errors since the last call, but the 404 status of a page opened on purpose."""
    return [entry["message"] for entry in dash_duo.get_logs()
            if not (expected_404 and entry["source"] == "network" and f"{expected_404} " in entry["message"]
                    and "404" in entry["message"])]


def click_first(dash_duo, selector: str) -> None:
    """A click on the first element matching `selector`, as Leaflet receives it (an SVG path has no size for
    Selenium's own click)."""
    element = dash_duo.wait_for_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});"
                                   "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true,"
                                   " clientX: 1, clientY: 1}))", element)


def use_the_chart(dash_duo, graph: str) -> None:
    """Hover over a chart (its hover labels), and export it as the tool bar's PNG button does (plotly draws the
    chart through a blob: image)."""
    plot = dash_duo.wait_for_element(f"{graph} .js-plotly-plot")
    dash_duo.driver.execute_script(
        "var r = arguments[0].querySelector('.nsewdrag') || arguments[0];"
        "var box = r.getBoundingClientRect();"
        "r.dispatchEvent(new MouseEvent('mousemove', {bubbles: true, clientX: box.left + box.width / 2,"
        " clientY: box.top + box.height / 2}));", plot)
    image = dash_duo.driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "Plotly.toImage(arguments[0], {format: 'png', width: 400, height: 300}).then(done, function (e) {"
        " done('erreur : ' + e); });", plot)
    assert image.startswith("data:image/png;base64,")


def test_every_page_runs_under_the_enforced_policy(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    found = {}
    for path in PAGES:
        open_page(dash_duo, path)
        dash_duo.wait_for_element(READY[path])
        if path.endswith("tab=map") and "chantiers" in path:
            click_first(dash_duo, "#jeu-carte path.leaflet-interactive")  # a site: its record card
            dash_duo.wait_for_contains_text("#jeu-carte-fiche", "Statut")
        elif path.endswith("tab=chart"):
            use_the_chart(dash_duo, "#jeu-graphique")
        elif path == "/tableaux-de-bord/sante":
            click_first(dash_duo, "#sante-carte path.leaflet-interactive")  # a commune: its evolution chart
            # the page drawn again for the commune (the chart of every commune was there before the click)
            dash_duo.wait_for_contains_text("main", "et l'ensemble des communes")
            dash_duo.wait_for_element("#sante-offre-evolution .js-plotly-plot")
            use_the_chart(dash_duo, "#sante-offre-evolution")
        found[path] = console_errors(dash_duo, expected_404="/pas-de-page-ici")
    assert found == {path: [] for path in PAGES}
    # the policy is really enforced: an injected inline script does not run, and the console says why
    ran = dash_duo.driver.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.injecte = true;';"
        "document.head.appendChild(s); return window.injecte === true;")
    assert ran is False
    assert any("Content Security Policy" in message for message in console_errors(dash_duo))
