"""The first paint in a browser, on a phone (390 CSS pixels): the server's copy of the page shows first, Dash's page
takes its place without moving anything (CLS ≤ 0.1), and the charts below the first screen are drawn only when
the reader scrolls to them (plotly.js is not even fetched before)."""
from __future__ import annotations

import pytest
from dash.testing.wait import until

from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import as_phone, open_page

pytestmark = pytest.mark.a_la_vue  # charts and maps drawn as the reader scrolls, not all at once

# the page's layout shifts as the browser measured them, and its largest paint
SHIFTS = """
window.__decalages = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { if (!e.hadRecentInput) { window.__decalages.push(e.value); } });
}).observe({type: 'layout-shift', buffered: true});
"""


@pytest.fixture
def phone(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    dash_duo.wait_for_element("#contenu h1")
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": SHIFTS})
    return dash_duo


def _shift(duo) -> float:
    return duo.driver.execute_script("return (window.__decalages || []).reduce(function (a, b) { return a + b; }, 0);")


def test_dash_takes_the_copys_place_and_nothing_moves(phone):
    with as_phone(phone):
        for path in ("/", "/jeux-de-donnees/chantiers", "/tableaux-de-bord/travaux", "/communes/76540"):
            open_page(phone, path)  # returns once the copy has given way (tests/conftest.py)
            phone.wait_for_element("#contenu h1")
            driver = phone.driver
            assert driver.execute_script("return document.getElementById('premier-rendu');") is None
            assert "avant-dash" not in driver.execute_script("return document.documentElement.className;")
            assert phone.find_element("#react-entry-point").is_displayed()
            assert _shift(phone) <= 0.1, path


def test_a_chart_below_the_first_screen_is_drawn_when_the_reader_scrolls_to_it(phone):
    with as_phone(phone):
        open_page(phone, "/tableaux-de-bord/sante")
        phone.wait_for_element("#contenu .kpi-value")
        driver = phone.driver
        waiting = driver.find_elements("css selector", ".chart-card > .a-la-vue[data-dessine='non']")
        assert waiting, "aucun graphique en attente sous le premier écran"
        assert driver.execute_script("return typeof window.Plotly;") == "undefined"  # not even fetched
        box = waiting[0]
        height = box.size["height"]
        assert height >= 300  # its place is kept
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        phone.wait_for_element(".a-la-vue[data-dessine='oui'] .main-svg")
        assert driver.execute_script("return typeof window.Plotly;") == "object"
        assert _shift(phone) <= 0.1


def test_a_closed_disclosure_is_drawn_when_the_reader_opens_it(phone):
    """« Signaler une erreur » is drawn when opened (by keyboard here), not with the page; « Intégrer », a static
    island (components/statique.py), opens with its code."""
    open_page(phone, "/tableaux-de-bord/travaux")
    phone.wait_for_element("#contenu .kpi-value")
    driver = phone.driver
    box = phone.find_element("#signaler-erreur-bloc > .a-la-vue")
    assert box.get_attribute("data-dessine") == "non" and not box.find_elements("css selector", "textarea")
    for menu in ("#signaler-erreur-bloc", ".embed-menu"):
        summary = phone.find_element(f"{menu} > summary")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", summary)
        summary.send_keys("\n")  # Enter opens a <details>
        until(lambda: phone.find_element(menu).get_attribute("open") is not None, 10)
        until(lambda: phone.find_element(menu).find_elements("css selector", "textarea"), 10)
    assert box.get_attribute("data-dessine") == "oui"
    code = phone.find_element(".embed-menu textarea").get_attribute("value")
    assert code.startswith("<iframe") and "/integrer/" in code


def test_leaflet_is_fetched_when_a_map_comes_into_view(phone):
    with as_phone(phone):
        open_page(phone, "/communes/76540")
        phone.wait_for_element("#contenu h1")
        driver = phone.driver
        fetched = ("return performance.getEntriesByType('resource')"
                   ".some(function (r) { return /dash_leaflet\\./.test(r.name); });")
        assert driver.execute_script("return window.dash_leaflet.__enAttente === true;")  # Dash's stand-in
        assert not driver.execute_script(fetched)
        box = phone.find_element(".a-la-vue-carte")
        assert box.get_attribute("data-dessine") == "non"
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        phone.wait_for_element(".a-la-vue-carte[data-dessine='oui'] .leaflet-container")
        assert driver.execute_script(fetched) and driver.execute_script("return !window.dash_leaflet.__enAttente;")
        assert _shift(phone) <= 0.1


def test_printing_draws_every_chart_first(phone):
    open_page(phone, "/tableaux-de-bord/sante")
    phone.wait_for_element("#contenu .kpi-value")
    driver = phone.driver
    driver.execute_script("window.print = function () { window.__imprime = true; };")
    charts = len(driver.find_elements("css selector", ".a-la-vue"))
    driver.find_element("css selector", "[data-imprimer]").click()
    until(lambda: driver.execute_script("return window.__imprime === true;"), 30)
    assert len(driver.find_elements("css selector", ".a-la-vue[data-dessine='oui']")) == charts
    assert not driver.find_elements("css selector", ".a-la-vue .dash-graph:not(:has(.main-svg))")


def test_the_part_the_address_names_is_shown_once_dash_takes_over(phone):
    # the copy's ids are prefixed: the browser found nothing for #…, Dash's page shows it (a « Signaler » link)
    open_page(phone, "/jeux-de-donnees/chantiers?signaler=Chantier%20A#signaler-erreur-bloc")
    driver = phone.driver
    until(lambda: driver.execute_script("return document.activeElement.id") == "signaler-erreur-bloc", 10)
    top = driver.execute_script("return document.getElementById('signaler-erreur-bloc').getBoundingClientRect().top")
    assert -1 <= top < driver.execute_script("return window.innerHeight")  # at the top, to the pixel
    assert phone.find_element("#signaler-erreur-row_ref").get_attribute("value") == "Chantier A"
