"""Every route opened in headless Chromium: main content present, French, skip link, no console error."""
from __future__ import annotations

import pytest

from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import AXE_PAGES, NO_VIOLATION, assert_clean_console, axe_at_both_widths, open_page
from tests.helpers.paths import FIXTURES


@pytest.fixture
def fixture_app():
    return make_app(FIXTURES / "portal")


def test_home_page_in_the_browser(dash_duo, fixture_app):
    dash_duo.start_server(fixture_app, port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Portail de test")
    assert dash_duo.find_element("html").get_attribute("lang") == "fr"
    cards = dash_duo.find_elements(".kpi-card")
    assert [c.find_element("css selector", "dt").text for c in cards][:3] == ["jeux de données", "communes", "habitants"]
    assert "Jeu absent" in dash_duo.find_element(".notice-unavailable").text
    # the skip link is the first thing the keyboard reaches, and it leads to the main content
    dash_duo.find_element("body").send_keys("\ue004")  # Tab
    focused = dash_duo.driver.switch_to.active_element
    assert focused.text == "Aller au contenu" and focused.get_attribute("href").endswith("#contenu")
    assert_clean_console(dash_duo)


def test_navigation_and_about_page(dash_duo, fixture_app):
    dash_duo.start_server(fixture_app, port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Portail de test")
    links = dash_duo.find_elements("nav .nav-link")
    assert [a.text for a in links] == ["Accueil", "Catalogue", "Près de chez moi", "Communes", "Travaux", "Santé",
                                       "Transports", "Récits", "Réutilisations", "À propos"]
    dash_duo.wait_for_element("nav .nav-link[aria-current='page']")
    assert [a.get_attribute("aria-current") for a in links] == ["page"] + [None] * 9
    links[9].click()
    dash_duo.wait_for_text_to_equal("h1", "À propos des données")
    assert "Déclaration d'accessibilité" in dash_duo.find_element("#accessibilite").text
    assert dash_duo.driver.title == "À propos des données et accessibilité"
    # a screen reader hears the change, the focus is on the new content, the menu says where we are
    dash_duo.wait_for_text_to_equal("#annonce-navigation", "Page chargée : À propos des données et accessibilité")
    assert dash_duo.driver.switch_to.active_element.get_attribute("id") == "contenu"
    assert [a.get_attribute("aria-current") for a in dash_duo.find_elements("nav .nav-link")] == [None] * 9 + ["page"]
    assert_clean_console(dash_duo)


def test_unknown_page_shows_a_way_back(dash_duo, fixture_app):
    dash_duo.start_server(fixture_app, port=free_port())
    open_page(dash_duo, "/pas-de-page-ici")
    dash_duo.wait_for_text_to_equal("h1", "Page introuvable")
    dash_duo.find_element(".not-found a[href='/']").click()
    dash_duo.wait_for_text_to_equal("h1", "Portail de test")
    assert_clean_console(dash_duo, expected_404="/pas-de-page-ici")


@pytest.mark.parametrize(("path", "heading"), [("/", "Open data — Métropole Rouen Normandie"),
                                               ("/a-propos", "À propos des données")])
def test_demo_routes_open_cleanly(dash_duo, path, heading):
    dash_duo.start_server(make_app(), port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")  # the start page is done
    open_page(dash_duo, path)
    dash_duo.wait_for_text_to_equal("h1", heading)
    assert dash_duo.find_element("#badge-demo").text == "Données de démonstration"
    assert dash_duo.find_element("main#contenu").text.strip()
    assert_clean_console(dash_duo)


def test_json_routes_open_in_the_browser(dash_duo, fixture_app):
    dash_duo.start_server(fixture_app, port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Portail de test")
    for path, expected in (("/healthz", '"status":"degraded"'), ("/api/catalogue.json", '"id":"chantiers"')):
        dash_duo.driver.get(f"{dash_duo.server_url}{path}")
        assert expected in dash_duo.driver.find_element("tag name", "body").text.replace(" ", "")
    assert_clean_console(dash_duo)


# Each page in the state a reader first sees it, with what must have rendered before it is checked.


def test_pages_pass_the_wcag_checks_of_axe(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    found, urls = {}, {}
    for path, ready in AXE_PAGES:
        open_page(dash_duo, path)
        dash_duo.wait_for_element(ready)
        found[path] = axe_at_both_widths(dash_duo)
        urls[path] = dash_duo.driver.current_url.removeprefix(dash_duo.server_url)
    assert found == {path: NO_VIOLATION for path, _ in AXE_PAGES}
    # drawing a page never rewrites its address (Dash calls the controls' callbacks as it draws them)
    assert urls == {path: path for path, _ in AXE_PAGES}
