"""« Près de chez moi »'s « voir tout » links in headless Chromium: each lands on its view already filtered (the
commune's works with its filter ticked, a stop's departures shown and focused, the active associations named by
their commune, not its code)."""
from __future__ import annotations

import datetime as dt
import urllib.parse

import pytest

from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import open_page

MORNING = dt.datetime(2026, 12, 1, 7, 30, tzinfo=dt.timezone.utc)  # 8:30 in Rouen, a Tuesday: buses run
ROUEN_CENTRE = "/pres-de-chez-moi?lat=49.4431&lon=1.0993"


@pytest.fixture
def demo(dash_duo, monkeypatch):
    from data_access import clock

    monkeypatch.setattr(clock, "utc_now", lambda: MORNING)
    app = make_app(TILE_URL="")
    dash_duo.start_server(app, port=free_port())
    dash_duo.portal_app = app
    return dash_duo


def query_of(dash_duo) -> dict:
    return urllib.parse.parse_qs(urllib.parse.urlparse(dash_duo.driver.current_url).query)


def test_the_communes_works_link_lands_on_rouens_works_ticked(demo):
    open_page(demo, ROUEN_CENTRE)
    demo.wait_for_element(".nearby-travaux .nearby-link a").click()
    demo.wait_for_text_to_equal("h1", "Tableau de bord des travaux")
    assert query_of(demo)["refine.commune"] == ["Rouen"]
    frame = demo.portal_app.server.extensions["portail"].repository.table("chantiers").frame
    demo.wait_for_contains_text(".result-count", f"{int((frame['commune'] == 'Rouen').sum())} chantiers sélectionné(s)")
    demo.wait_for_contains_text(".active-filters", "Rouen")


def test_a_stops_departures_link_lands_on_the_stop(demo):
    open_page(demo, ROUEN_CENTRE)
    link = demo.wait_for_element(".nearby-arrets a[href*='arret=']")
    stop = link.text.removeprefix("Tous les départs de ")
    link.click()
    demo.wait_for_text_to_equal("h1", "Tableau de bord Transports")
    demo.wait_for_contains_text("#transports-arret-titre", "Un arrêt")
    focused = demo.driver.execute_script("return document.activeElement && document.activeElement.id")
    assert focused == "transports-arret-titre"
    top = demo.driver.execute_script(
        "return document.getElementById('transports-arret-titre').getBoundingClientRect().top")
    assert -2 <= top < 400  # the stop's section is on screen (at its top, to the pixel), not the page's top
    demo.wait_for_contains_text("#contenu", stop)


def test_the_associations_link_lands_on_the_active_ones_named_by_commune(demo):
    open_page(demo, ROUEN_CENTRE)
    demo.wait_for_element(".nearby-associations .nearby-link a").click()
    demo.wait_for_text_to_equal("h1", "Associations du territoire (RNA)")
    demo.wait_for_contains_text(".active-filters", "Code INSEE = Rouen (76540)")
    demo.wait_for_contains_text(".active-filters", "Situation ≠ dissoute (D)")
