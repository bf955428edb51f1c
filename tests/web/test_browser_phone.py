"""The portal on a phone (390 CSS pixels, Chromium's device emulation): no page scrolls sideways."""
from __future__ import annotations

import pytest

from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import PAGES, as_phone, open_page, tap

# what is wider than the screen, for the failure's message: the widest elements that stick out on the right
OVERFLOW = """
var width = document.documentElement.clientWidth, found = [];
document.querySelectorAll('body *').forEach(function (e) {
  var box = e.getBoundingClientRect();
  if (box.right > width + 1 && box.width > 0 && getComputedStyle(e).position !== 'fixed') {
    found.push([Math.round(box.right), e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                (e.className && e.className.baseVal === undefined ? '.' + String(e.className).split(' ')[0] : '')]);
  }
});
found.sort(function (a, b) { return b[0] - a[0]; });
return {scroll: document.documentElement.scrollWidth, width: width, wide: found.slice(0, 5)};
"""


@pytest.fixture
def phone(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    return dash_duo


def test_no_page_scrolls_sideways_on_a_phone(phone):
    wider = {}
    with as_phone(phone):
        for path, ready in PAGES:
            open_page(phone, path)
            phone.wait_for_element(ready)
            found = phone.driver.execute_script(OVERFLOW)
            if found["scroll"] > found["width"] + 1:
                wider[path] = found
    assert wider == {}


def test_a_long_filter_value_never_widens_the_page_on_a_phone(phone):
    with as_phone(phone):
        open_page(phone, "/tableaux-de-bord/travaux?refine.statut=" + "x" * 80)
        phone.wait_for_element(".chip")
        found = phone.driver.execute_script(OVERFLOW)
        assert found["scroll"] <= found["width"] + 1, found


def test_no_chart_toolbar_covers_the_data_on_a_phone(phone):
    with as_phone(phone):
        open_page(phone, "/tableaux-de-bord/sante")
        phone.wait_for_element("#sante-pyramide .main-svg[aria-hidden='true']")
        bars = phone.driver.find_elements("css selector", ".modebar-container")
        assert bars and not any(bar.is_displayed() for bar in bars)
    open_page(phone, "/tableaux-de-bord/sante")  # on a laptop the toolbar is there
    phone.wait_for_element("#sante-pyramide .main-svg[aria-hidden='true']")
    phone.driver.execute_script("window.scrollTo(0, 0)")
    assert phone.driver.find_elements("css selector", ".modebar-container")


def test_the_phone_header_is_compact_and_its_menu_opens_with_the_keyboard(phone):
    from selenium.webdriver.common.keys import Keys

    with as_phone(phone):
        open_page(phone, "/tableaux-de-bord/travaux")
        phone.wait_for_element("#travaux-calendrier .main-svg[aria-hidden='true']")
        header = phone.find_element(".site-header")
        assert header.size["height"] <= 64
        button = phone.find_element("#menu-bouton")
        nav = phone.find_element("#navigation-principale")
        assert button.is_displayed() and not nav.is_displayed() and button.get_attribute("aria-expanded") == "false"
        assert phone.find_element("header [role=search] a").is_displayed()  # the search's icon
        # sticky: far down the page, the header is still at the top
        phone.driver.execute_script("window.scrollTo(0, 3000)")
        assert abs(phone.driver.execute_script(
            "return document.querySelector('.site-header').getBoundingClientRect().top")) < 1
        button.send_keys(Keys.ENTER)  # the keyboard opens it
        phone.wait_for_element("#navigation-principale a")
        assert nav.is_displayed() and button.get_attribute("aria-expanded") == "true"
        assert header.size["height"] <= 64  # the links open below the header, not in it
        nav.find_element("css selector", "a").send_keys(Keys.ESCAPE)
        assert not nav.is_displayed() and button.get_attribute("aria-expanded") == "false"
        assert phone.driver.execute_script("return document.activeElement.id") == "menu-bouton"
        button.click()
        link = next(a for a in nav.find_elements("css selector", "a") if a.text == "Catalogue")
        link.click()
        phone.wait_for_text_to_equal("h1", "Catalogue des données")
        assert not nav.is_displayed()  # a page chosen: the menu steps aside
    # on a laptop, the links are shown and the button is not
    open_page(phone, "/catalogue")
    assert phone.find_element("#navigation-principale").is_displayed()
    assert not phone.find_element("#menu-bouton").is_displayed()


def test_the_skip_link_shows_above_the_phone_header(phone):
    with as_phone(phone):
        open_page(phone, "/catalogue")
        phone.wait_for_element(".dataset-card")
        phone.driver.execute_script("window.scrollTo(0, 0); document.querySelector('.skip-link').focus()")
        on_top = phone.driver.execute_script(
            "var box = document.querySelector('.skip-link').getBoundingClientRect();"
            "return document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2).className")
        assert "skip-link" in on_top


def _number(text: str) -> int:
    import re

    return int(re.sub(r"\D", "", re.search(r"\d[\d  ]*", text).group()))


def test_the_filters_open_as_a_sheet_that_follows_the_count(phone):
    from selenium.webdriver.common.keys import Keys

    driver = phone.driver
    with as_phone(phone):
        for path in ("/tableaux-de-bord/travaux?date=2026-11-15", "/jeux-de-donnees/chantiers"):
            open_page(phone, path)
            button = phone.wait_for_element("#filtres-bouton")
            panel = phone.find_element("#panneau-filtres")
            assert button.text == "Filtres (0)" and button.location["y"] < 844  # on the first screen
            assert not panel.is_displayed()
            tap(phone, "#filtres-bouton")
            phone.wait_for_element("#panneau-filtres.feuille-ouverte")
            assert button.get_attribute("aria-expanded") == "true" and panel.get_attribute("role") == "dialog"
            assert driver.execute_script("return document.activeElement.id") == "panneau-filtres-titre"
            box = driver.execute_script("return document.getElementById('panneau-filtres').getBoundingClientRect()"
                                        ".toJSON()")
            assert box["top"] == 0 and box["height"] >= 840  # the whole screen
            close = phone.find_element("#panneau-filtres .sheet-close")
            before = _number(close.text)
            assert before == _number(phone.find_element(".result-count").text)
            driver.find_elements("css selector", "#panneau-filtres .facet-checklist input")[0].click()
            # the page is drawn again with the filter: the sheet stays open, its count follows
            phone.wait_for_text_to_equal("#filtres-bouton", "Filtres (1)")
            phone.wait_for_element("#panneau-filtres.feuille-ouverte")
            after = _number(phone.find_element("#panneau-filtres .sheet-close").text)
            assert 0 < after < before
            phone.find_element("#panneau-filtres .sheet-close").click()
            assert not phone.find_element("#panneau-filtres").is_displayed()
            assert driver.execute_script("return document.activeElement.id") == "filtres-bouton"
            assert _number(phone.find_element(".result-count").text) == after
            tap(phone, "#filtres-bouton")  # Escape closes it too
            phone.wait_for_element("#panneau-filtres.feuille-ouverte")
            driver.switch_to.active_element.send_keys(Keys.ESCAPE)
            assert not phone.find_element("#panneau-filtres").is_displayed()
    open_page(phone, "/jeux-de-donnees/chantiers")  # on a laptop: the panel beside the content, no button
    assert phone.find_element("#panneau-filtres").is_displayed()
    assert not phone.find_element("#filtres-bouton").is_displayed()
