"""The site-wide search in headless Chromium: from the header on a desktop and on a phone (its icon), from the
404 page, and the catalogue's own search reaching values; each result lands on its filtered view."""
from __future__ import annotations

import urllib.parse

import pytest
from selenium.webdriver.common.keys import Keys

from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import assert_clean_console, open_page

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


@pytest.fixture
def demo(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())  # no map tiles from outside
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    return dash_duo


def query_of(dash_duo) -> dict:
    return urllib.parse.parse_qs(urllib.parse.urlparse(dash_duo.driver.current_url).query)


def search_in(dash_duo, field: str, words: str) -> None:
    box = dash_duo.wait_for_element(field)
    box.send_keys(Keys.CONTROL, "a")  # what the field holds (the last search) is replaced
    box.send_keys(Keys.DELETE)
    box.send_keys(words)
    box.send_keys(Keys.ENTER)


def test_the_header_search_on_a_desktop_finds_diabetes_and_opens_the_dashboard_on_it(demo):
    open_page(demo, "/catalogue")
    header = demo.wait_for_element("header [role=search]")
    assert header.find_element("css selector", "input[name=q]").is_displayed()
    search_in(demo, "#recherche-entete-q", "diabete")
    demo.wait_for_text_to_equal("h1", "Recherche dans le portail")
    assert query_of(demo) == {"q": ["diabete"]}
    demo.wait_for_contains_text(".search-results", "« Diabète » dans « Pathologie (niveau 1) »")
    demo.find_element(".search-results a[href^='/tableaux-de-bord/sante']").click()
    demo.wait_for_text_to_equal("h1", "Tableau de bord Santé")
    assert query_of(demo)["refine.patho_niv1"] == ["Diabète"]
    demo.wait_for_contains_text("#contenu", "Diabète")
    assert_clean_console(demo)


def test_on_a_phone_the_header_shows_an_icon_that_opens_the_search(demo):
    demo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        open_page(demo, "/")
        icon = demo.wait_for_element("header [role=search] a[aria-label='Rechercher dans le portail']")
        assert icon.is_displayed()
        assert not demo.find_element("#recherche-entete-q").is_displayed()  # the field waits behind its icon
        icon.click()
        demo.wait_for_text_to_equal("h1", "Recherche dans le portail")
        search_in(demo, "#recherche-page-q", "diabte")
        demo.wait_for_contains_text(".search-correction", "Vouliez-vous dire « diabete » ?")
        demo.wait_for_contains_text(".search-results", "« Diabète » dans « Pathologie (niveau 1) »")
        search_in(demo, "#recherche-page-q", "sotteville")
        demo.wait_for_contains_text("#recherche-commune", "Communes")
        demo.find_element(".search-results a[href='/communes/76681']").click()
        demo.wait_for_contains_text("h1", "Sotteville-lès-Rouen")
    finally:
        demo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_404_page_offers_the_search(demo):
    open_page(demo, "/pas-de-page-ici")
    demo.wait_for_text_to_equal("h1", "Page introuvable")
    search_in(demo, "#recherche-404-q", "sotteville")
    demo.wait_for_text_to_equal("h1", "Recherche dans le portail")
    demo.wait_for_contains_text(".search-results", "Sotteville-lès-Rouen")
    assert query_of(demo) == {"q": ["sotteville"]}


def test_the_catalogue_search_finds_a_value_and_its_link_lands_refined(demo):
    open_page(demo, "/catalogue")
    search_in(demo, "#catalogue-recherche", "diabete")
    demo.wait_for_contains_text("#catalogue-nombre", "1 jeu de données sur 12 pour « diabete »")
    demo.wait_for_contains_text("#catalogue-resultats", "Trouvé dans les données : « Diabète »")
    open_page(demo, "/recherche?q=diab%C3%A8te")
    demo.find_element(".search-results a[href^='/jeux-de-donnees/pathologies?']").click()
    demo.wait_for_contains_text(".active-filters .chips", "Diabète")
    assert query_of(demo) == {"refine.patho_niv1": ["Diabète"]}


@pytest.mark.parametrize(("typed", "expected"), [("diabte", "Vouliez-vous dire « diabete » ?"),
                                                 ("sotteville", "Sotteville-lès-Rouen")])
def test_the_header_search_on_a_desktop_corrects_a_typo_and_finds_a_commune(demo, typed, expected):
    open_page(demo, "/a-propos")
    search_in(demo, "#recherche-entete-q", typed)
    demo.wait_for_text_to_equal("h1", "Recherche dans le portail")
    demo.wait_for_contains_text(".search-results", expected)
    assert query_of(demo) == {"q": [typed]}


def test_a_long_odd_query_answers_a_page_no_wider_than_the_screen(demo):
    open_page(demo, "/recherche?q=%22NEAR(%27%3B*" + "x" * 300)
    demo.wait_for_contains_text(".search-results", "Aucun résultat pour")
    assert demo.driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
