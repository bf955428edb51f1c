"""The communes in headless Chromium, as an elected official uses them: the index's search and map, a commune's page
and the comparison (axe at both widths), and printouts made by Chromium's own print-to-PDF, read back with a PDF
library: no empty page, no page that holds only a heading, every page with its source line, and a commune's page
on two A4 pages at most."""
from __future__ import annotations

import base64
import datetime as dt
import io
import re
import unicodedata

import pytest
from pypdf import PdfReader
from selenium.webdriver.support.ui import WebDriverWait

from data_access import clock
from data_access.clock import PARIS
from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import NO_VIOLATION, assert_clean_console, axe_at_both_widths

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=PARIS)
PAGE_LINE = re.compile(r"Page\s*\d+\s*/\s*\d+")


@pytest.fixture
def portal(dash_duo, monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: NOW.astimezone(dt.timezone.utc))
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    return dash_duo


def printed(dash_duo, ready: str) -> tuple[list[tuple[str, list[str]]], list[str], str]:
    """The page printed by Chromium (its print-to-PDF, A4 as the page's CSS asks): each page's margins and body
    lines (top to bottom), the page's headings, and the source line the margins carry."""
    dash_duo.wait_for_element(ready)
    title = dash_duo.find_element("[data-impression-titre]").get_attribute("data-impression-titre")
    WebDriverWait(dash_duo.driver, 30).until(lambda driver: title in driver.execute_script(  # impression.js
        "const s = document.getElementById('impression-marges'); return s ? s.textContent : '';"),
        "les marges imprimées ne suivent pas la page")
    headings = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#contenu h1, #contenu h2, #contenu h3')]"
        ".filter(h => h.offsetParent !== null).map(h => h.textContent.trim())")
    source = dash_duo.find_element("[data-impression-source]").get_attribute("data-impression-source")
    pdf = dash_duo.driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    reader = PdfReader(io.BytesIO(base64.b64decode(pdf["data"])))
    return [page_parts(page) for page in reader.pages], [flat(h) for h in headings], flat(source)


MARGIN = 40  # points: the page's margins (15 mm and more) hold the running header and footer, nothing else


def page_parts(page) -> tuple[str, list[str]]:
    """A printed page's margins (as one text) and its body's lines from top to bottom, by where each piece of text
    is drawn (its ligatures, « ﬀ », written out)."""
    pieces = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            pieces.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], tm[4] * cm[0] + tm[5] * cm[2] + cm[4], text))
    page.extract_text(visitor_text=visit)
    height = float(page.mediabox.height)
    inside = lambda y: MARGIN < y < height - MARGIN  # noqa: E731
    margins = flat(" ".join(t for y, _, t in sorted(pieces, key=lambda p: (-p[0], p[1])) if not inside(y)))
    rows: dict[float, list] = {}
    for y, x, text in pieces:
        if inside(y):
            rows.setdefault(round(y), []).append((x, text))
    return margins, [flat(" ".join(t for _, t in sorted(rows[y]))) for y in sorted(rows, reverse=True)]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def assert_reads_like_a_brief(pages: list[tuple[str, list[str]]], headings: list[str], source: str) -> None:
    for number, (margins, lines) in enumerate(pages, start=1):
        assert source[:60] in margins, f"page {number} sans ligne de source : {margins!r}"
        assert PAGE_LINE.search(margins), f"page {number} sans numéro : {margins!r}"
        body = " ".join(lines)
        assert len(body) > 80, f"page {number} vide : {body!r}"
        assert body not in headings, f"page {number} : un titre seul ({body!r})"
        assert lines[-1] not in headings, f"page {number} : le titre « {lines[-1]} » seul en bas de page"


def test_the_travaux_dashboard_prints_as_a_brief(portal):
    portal.wait_for_page(f"{portal.server_url}/tableaux-de-bord/travaux")
    portal.wait_for_element("#jeu-carte .leaflet-interactive")  # the map's marks are drawn: they print
    pages, headings, source = printed(portal, "#travaux-calendrier .js-plotly-plot")
    assert source == "Source : Chantiers et travaux — Métropole Rouen Normandie — Licence Ouverte v2.0"
    assert_reads_like_a_brief(pages, headings, source)
    text = " ".join(line for _, lines in pages for line in lines)
    assert "Carte des chantiers" in text and "Dans ma commune" not in text
    assert_clean_console(portal)


@pytest.mark.parametrize("path, ready, most", [
    ("/tableaux-de-bord/sante", "#sante-evolution .js-plotly-plot", None),
    ("/tableaux-de-bord/transports?ligne=METRO", ".timetable", None),
    ("/pres-de-chez-moi?lat=49.4431&lon=1.0993", ".nearby-arrets .departures", None),
    ("/communes/comparer?commune=76540&commune=76020&commune=76095&commune=76005", ".compare-table", 1)])
def test_the_other_views_print_as_briefs(portal, path, ready, most):
    portal.wait_for_page(f"{portal.server_url}{path}")
    pages, headings, source = printed(portal, ready)
    assert_reads_like_a_brief(pages, headings, source)
    assert most is None or len(pages) <= most, f"{len(pages)} pages"
    assert_clean_console(portal)


def test_a_commune_page_prints_on_two_pages_at_most(portal):
    portal.wait_for_page(f"{portal.server_url}/communes/76540")  # Rouen: the longest page
    portal.wait_for_element("#commune-carte-bureaux path")
    pages, headings, source = printed(portal, ".commune-sources")
    assert len(pages) <= 2, f"{len(pages)} pages"
    assert_reads_like_a_brief(pages, headings, source)
    whole = " ".join(line for _, lines in pages for line in lines)
    for heading in ("Travaux à Rouen", "Transports en commun", "Accès aux soins", "Bureaux de vote", "Sources"):
        assert heading in whole, heading
    assert_clean_console(portal)


def test_a_story_prints_as_a_brief(portal):
    portal.wait_for_page(f"{portal.server_url}/recits/grands-chantiers")
    pages, headings, source = printed(portal, ".recit .js-plotly-plot")
    assert_reads_like_a_brief(pages, headings, source)
    assert_clean_console(portal)


def test_the_print_button_opens_the_print_dialog(portal):
    portal.wait_for_page(f"{portal.server_url}/communes/76451")
    portal.driver.execute_script("window.__imprime = 0; window.print = () => { window.__imprime += 1; };")
    portal.find_element(".print-button").click()
    assert portal.driver.execute_script("return window.__imprime") == 1
    style = portal.driver.execute_script("return document.getElementById('impression-marges').textContent")
    assert "Mont-Saint-Aignan — portrait de la commune" in style and "counter(pages)" in style


def test_the_index_finds_a_commune_and_opens_its_page(portal):
    portal.wait_for_page(f"{portal.server_url}/communes")
    portal.wait_for_element("#communes-carte path.leaflet-interactive")
    assert axe_at_both_widths(portal) == NO_VIOLATION
    portal.find_element("#communes-recherche").send_keys("DARNETAL")  # neither case nor accents matter
    portal.wait_for_text_to_equal("#communes-nombre", "2 communes pour « DARNETAL »")
    shown = [a.text for a in portal.driver.find_elements("css selector", "#communes-liste li:not([hidden]) a")]
    assert shown == ["Darnétal — 9\u202f652 hab.", "Saint-Jacques-sur-Darnétal — 3\u202f134 hab."]
    portal.driver.find_element("css selector", "#communes-liste li:not([hidden]) a").click()
    portal.wait_for_text_to_equal("h1", "Darnétal")
    assert portal.driver.current_url.endswith("/communes/76212")
    assert axe_at_both_widths(portal) == NO_VIOLATION
    assert_clean_console(portal)


def test_the_comparison_is_chosen_by_keyboard_and_kept_in_the_url(portal):
    portal.wait_for_page(f"{portal.server_url}/communes/comparer?commune=76540&commune=76020")
    portal.wait_for_element(".compare-table")
    assert axe_at_both_widths(portal) == NO_VIOLATION
    picker = portal.find_element("#comparer-communes")
    assert "2 choisi(e)s" in picker.text  # Dash's own words, in French
    picker.click()
    search = portal.driver.switch_to.active_element
    search.send_keys("Bihorel")
    portal.wait_for_element(".dash-dropdown-option, .dash-options-list-option")
    search.send_keys("\ue007")  # Entrée
    portal.wait_for_contains_text(".compare-table thead", "Bihorel")
    assert portal.driver.current_url.endswith("?commune=76540&commune=76020&commune=76095")
    link = portal.find_element(".download-links a").get_attribute("href")
    assert link.endswith("/export/communes/comparaison.csv?commune=76540&commune=76020&commune=76095")
    assert_clean_console(portal)
