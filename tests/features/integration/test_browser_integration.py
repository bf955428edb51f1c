"""Embeds in headless Chromium, as a journalist's article uses them: a page served by another origin (a second
local server, on another port) pastes the oEmbed code of a chart, a map and a key figure. Each iframe renders its
view with its source line, takes its content's height through postMessage, and both consoles stay clean; the same
site cannot frame a dashboard's page (frame-ancestors 'none')."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
import requests

from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import NO_VIOLATION, assert_clean_console, axe_at_both_widths, wait_for_dash

VIEWS = {  # the iframe's place in the article -> the portal's page whose oEmbed code is pasted, and what shows it
    "graphique": ("/jeux-de-donnees/chantiers?tab=chart&x=commune&refine.statut=en+cours",
                  ".js-plotly-plot .main-svg"),
    "carte": ("/integrer/tableaux-de-bord/travaux/carte", ".leaflet-interactive"),
    "chiffre": ("/tableaux-de-bord/travaux", ".kpi-card"),
}


class Article:
    """Another site: an HTTP server on its own port that serves the pages it is given."""

    def __init__(self):
        pages = self.pages = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                body = pages.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "introuvable").encode("utf-8"))

            def log_message(self, *_args):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def article_page(body: str) -> str:
    return ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
            f'<title>Un article</title></head><body><main><h1>Un article</h1>{body}</main></body></html>')


@pytest.fixture
def portal_and_article(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    article = Article()
    yield dash_duo, article
    article.close()


def oembed_html(portal: str, page: str) -> str:
    answer = requests.get(f"{portal}/oembed?url={quote(portal + page, safe='')}&maxwidth=700", timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["html"]


def test_another_site_embeds_a_chart_a_map_and_a_figure_that_render_and_resize(portal_and_article):
    dash_duo, article = portal_and_article
    portal = dash_duo.server_url
    body = "".join(f'<section id="{name}"><h2>{name}</h2>{oembed_html(portal, page)}</section>'
                   for name, (page, _ready) in VIEWS.items())
    article.pages["/article.html"] = article_page(body)
    driver = dash_duo.driver
    driver.get(f"{article.url}/article.html")
    for name, (_page, ready) in VIEWS.items():
        frame = driver.find_element("css selector", f"#{name} iframe")
        driver.execute_script("arguments[0].scrollIntoView()", frame)  # the iframes load lazily
        driver.switch_to.frame(frame)
        wait_for_dash(dash_duo)
        dash_duo.wait_for_element(ready)
        dash_duo.wait_for_element(".embed .source-line")
        source = driver.find_element("css selector", ".embed .source-line")
        assert "Licence Ouverte" in source.text and "données au" in source.text
        link = source.find_element("css selector", "a")
        assert link.get_attribute("target") == "_blank" and link.get_attribute("href").startswith(portal)
        # the view alone: the portal's header, menu and footer are not shown, no cookie is set
        assert not driver.find_element("css selector", ".site-header").is_displayed()
        assert not driver.find_element("css selector", ".site-footer").is_displayed()
        assert driver.execute_script("return document.cookie") == ""
        # no form to fill in: the only one is the hidden header's search field (a GET to /recherche)
        assert [f.get_attribute("id") for f in driver.find_elements("css selector", "form")
                if f.is_displayed()] == []
        assert [f.get_attribute("action") for f in driver.find_elements("css selector", "form")] == \
            [portal + "/recherche"]
        content = driver.execute_script("return Math.ceil(document.querySelector('.site').getBoundingClientRect()"
                                        ".height)")
        driver.switch_to.default_content()
        # the article's iframe took the height its content reported (not the oEmbed code's first guess)
        dash_duo.wait_for_element(f"#{name} iframe[style*='height']")
        height = driver.execute_script("return arguments[0].getBoundingClientRect().height", frame)
        assert abs(height - content) <= 3, (name, height, content)
    assert dash_duo.get_logs() == [], "la console a signalé des erreurs (l'article ou ses vues intégrées)"


def test_another_site_cannot_frame_a_dashboard_page(portal_and_article):
    dash_duo, article = portal_and_article
    portal = dash_duo.server_url
    article.pages["/cadre.html"] = article_page(
        f'<iframe id="cadre" title="Tableau de bord" src="{portal}/tableaux-de-bord/travaux" width="800" '
        'height="600"></iframe>')
    driver = dash_duo.driver
    driver.get(f"{article.url}/cadre.html")
    dash_duo.wait_for_element("#cadre")
    messages: list[str] = []
    deadline = time.monotonic() + 30
    while not any("frame-ancestors" in m for m in messages) and time.monotonic() < deadline:
        messages += [e["message"] for e in dash_duo.get_logs() or []]
        time.sleep(0.2)
    # the browser refused the frame for the portal's policy, and drew nothing of the portal in it
    assert any("frame-ancestors 'none'" in m for m in messages), messages
    driver.switch_to.frame(driver.find_element("css selector", "#cadre"))
    assert driver.find_elements("css selector", "#react-entry-point, .site") == []


def test_an_embed_passes_axe_at_both_widths(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    found = {}
    for path, ready in (("/integrer/jeux-de-donnees/chantiers?tab=chart&x=commune", ".main-svg[aria-hidden='true']"),
                        ("/integrer/tableaux-de-bord/travaux/carte", ".leaflet-interactive"),
                        ("/integrer/recits/diabete-seine-maritime/1", ".kpi-card"),
                        # a past version's map: its banner, and its own layer (/api/geo/…?version=)
                        ("/integrer/jeux-de-donnees/chantiers?tab=map&version=20261005-060000",
                         ".notice-version-compact ~ * .leaflet-interactive")):
        dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}")
        dash_duo.wait_for_element(ready)
        found[path] = axe_at_both_widths(dash_duo)
    assert found == {path: NO_VIOLATION for path in found}
    assert_clean_console(dash_duo)


STORIES = {  # each demo story, and what shows that each of its blocks is drawn in the browser
    "grands-chantiers": {".recit-graphique .main-svg": 1, ".recit-carte .leaflet-interactive": 1,
                         ".recit-chiffre .kpi-card": 1, ".recit-tableau tbody tr": 1, ".recit-nombre": 3},
    "diabete-seine-maritime": {".recit-graphique .main-svg": 2, ".recit-carte .leaflet-interactive": 1,
                               ".recit-chiffre .kpi-card": 2, ".recit-tableau tbody tr": 1, ".recit-nombre": 1},
    "journee-reseau-astuce": {".recit-graphique .main-svg": 1, ".recit-carte .leaflet-interactive": 2,
                              ".recit-chiffre .kpi-card": 2, ".recit-tableau tbody tr": 1, ".recit-nombre": 2},
}


def test_the_demo_stories_render_every_block_live_in_the_browser(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    for slug, expected in STORIES.items():
        dash_duo.wait_for_page(url=f"{dash_duo.server_url}/recits/{slug}")
        for selector, count in expected.items():
            dash_duo.wait_for_element(selector)
            # at least that many blocks (a chart draws several svg layers; a map many shapes): counted by block
            blocks = dash_duo.driver.execute_script(
                "const [inner, outer] = [arguments[0], arguments[0].split(' ')[0]];"
                "return [...document.querySelectorAll(outer)].filter(b => b.matches(inner) || b.querySelector("
                "inner.slice(outer.length + 1))).length", selector)
            assert blocks >= count, (slug, selector, blocks)
        assert dash_duo.find_elements(".recit-casse") == []
    assert dash_duo.get_logs() == [], "la console a signalé des erreurs"
