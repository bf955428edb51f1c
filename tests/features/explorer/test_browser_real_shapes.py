"""The Travaux and Santé dashboards on files in the real sources' shapes, synced with the shipped
catalogue.rouen.toml, in headless Chromium: what a reader does, axe's WCAG checks on a wide screen (1366 px) and
on a phone (390 px), and a clean console."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.support.wait import WebDriverWait

from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import NO_VIOLATION, assert_clean_console, axe_at_both_widths, open_page


@pytest.fixture
def rouen_dir(rouen_synced):
    data_dir, status, out = rouen_synced
    assert status == 0, out
    return data_dir


def test_travaux_on_the_real_feed_places_works_by_commune(dash_duo, rouen_dir):
    dash_duo.start_server(make_app(rouen_dir, TILE_URL=""), port=free_port())
    open_page(dash_duo, "/tableaux-de-bord/travaux?date=2026-12-01")
    dash_duo.wait_for_element(".commune-works-map .leaflet-interactive")
    assert len(dash_duo.find_elements(".commune-works-map path.leaflet-interactive")) == 71  # one shape a commune
    assert "chacun est compté dans sa commune (6 communes en ont)" in dash_duo.find_element(".map-help").text
    assert axe_at_both_widths(dash_duo) == NO_VIOLATION
    # a click on a commune chooses it: its works are listed under the map, as plain text, each with its notice
    shapes = dash_duo.find_elements(".commune-works-map path.leaflet-interactive")
    dash_duo.driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", shapes[0])
    WebDriverWait(dash_duo.driver, 30).until(lambda driver: "ma_commune=" in driver.current_url)
    query = parse_qs(urlparse(dash_duo.driver.current_url).query)
    assert query["date"] == ["2026-12-01"] and len(query["ma_commune"]) == 1
    chosen = query["ma_commune"][0]
    dash_duo.wait_for_contains_text("section[aria-labelledby='travaux-ma-commune-titre']", f"à {chosen}")
    # then the keyboard's way: the table's link to Rouen
    dash_duo.find_element(".commune-works-map details summary").click()
    dash_duo.find_element(".commune-works-map a[href*='ma_commune=Rouen']").click()
    dash_duo.wait_for_text_to_equal("#travaux-ma-commune-liste h3", "Rue Jeanne-d'Arc : renouvellement de la "
                                                                     "conduite d'eau potable")
    cards = dash_duo.find_elements("#travaux-ma-commune-liste .site-card")
    assert len(cards) == 3
    assert "Zone concernée : Rue Jeanne-d'Arc, entre la rue du Gros-Horloge et la rue Thiers" in cards[0].text
    links = [a.get_attribute("href") for a in dash_duo.find_elements("#travaux-ma-commune-liste a.site-link")]
    assert links == ["https://www.trafic-metropole-rouen.fr/travaux/41237",
                     "https://www.trafic-metropole-rouen.fr/travaux/41238"]
    # the feed's HTML body is plain text: no tag of it reaches the page, not even escaped
    description = dash_duo.find_element("#travaux-ma-commune-liste .site-description")
    assert "<" not in description.get_attribute("innerHTML") and "&lt;" not in description.get_attribute("innerHTML")
    assert "Circulation interdite" in description.get_attribute("textContent")
    assert axe_at_both_widths(dash_duo) == NO_VIOLATION
    assert_clean_console(dash_duo)


def test_sante_on_the_real_exports_and_apl_workbooks(dash_duo, rouen_dir):
    dash_duo.start_server(make_app(rouen_dir, TILE_URL=""), port=free_port())
    open_page(dash_duo, "/tableaux-de-bord/sante")
    dash_duo.wait_for_element("#sante-pyramide .main-svg[aria-hidden='true']")
    dash_duo.wait_for_element("#sante-carte path.leaflet-interactive")
    assert "Seine-Maritime (76)" in dash_duo.find_element("section[aria-labelledby='sante-chiffres']").text
    assert axe_at_both_widths(dash_duo) == NO_VIOLATION
    open_page(dash_duo, "/tableaux-de-bord/sante?indicateur=apl-infirmieres:apl")
    dash_duo.wait_for_contains_text("section[aria-labelledby='sante-offre-titre']", "APL aux infirmières")
    dash_duo.wait_for_element("#sante-carte path.leaflet-interactive")
    assert "Année 2023" in dash_duo.find_element("section[aria-labelledby='sante-offre-titre']").text
    assert axe_at_both_widths(dash_duo) == NO_VIOLATION
    assert_clean_console(dash_duo)
