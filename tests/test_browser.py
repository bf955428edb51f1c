"""Every route opened in headless Chromium: main content present, French, skip link, no console error."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.apps import free_port, make_app
from tests.conftest import FIXTURES


def open_page(dash_duo, path: str) -> None:
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}")


def assert_clean_console(dash_duo, expected_404: str | None = None) -> None:
    """No error in the browser console, except the 404 status of a page the test opened on purpose."""
    logs = [entry for entry in dash_duo.get_logs()
            if not (expected_404 and entry["source"] == "network" and entry["message"].startswith(
                f"{dash_duo.server_url}{expected_404} ") and "404" in entry["message"])]
    assert logs == [], "la console du navigateur a signalé des erreurs"


AXE = Path(__file__).parent / "vendor" / "axe-4.11.4.min.js"  # axe-core (MPL 2.0), see vendor/axe-LICENSE.txt
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(dash_duo) -> list[str]:
    """axe-core's WCAG A/AA checks on the whole page as it is, the map's markers included (their clusters are
    drawn far enough apart to stay 24-pixel targets): each violation with the elements it found. axe does not
    judge a plotly chart's text alternative: the page tests check the summaries themselves."""
    driver = dash_duo.driver
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document,"
        " {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => v.id + ' (' + v.impact + ') : ' + v.help + ' — '"
        " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))), e => done(['axe: ' + e]));", AXE_TAGS)
    return result


WIDTHS = (1366, 390)  # a laptop and a phone


def axe_at_both_widths(dash_duo) -> dict[int, list[str]]:
    """axe's violations on the page as it is, at each width of WIDTHS (the window is put back after)."""
    found = {}
    for width in WIDTHS:
        dash_duo.driver.set_window_size(width, 900)
        found[width] = axe_violations(dash_duo)
    dash_duo.driver.set_window_size(1280, 900)
    return found


NO_VIOLATION = {width: [] for width in WIDTHS}


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
AXE_PAGES = (("/", "#contenu h1"), ("/a-propos", "#contenu h1"), ("/catalogue?q=travaux", ".dataset-card"),
             ("/jeux-de-donnees/chantiers?tab=table", ".ag-row"),
             ("/jeux-de-donnees/chantiers?tab=map", ".leaflet-interactive"),
             ("/jeux-de-donnees/chantiers?tab=chart", "#jeu-graphique .main-svg[aria-hidden='true']"),
             ("/jeux-de-donnees/chantiers?tab=export", ".download-links"),
             ("/jeux-de-donnees/bureaux-de-vote?tab=map", ".leaflet-tooltip.map-label"),
             ("/jeux-de-donnees/associations?tab=table", ".ag-row"),
             ("/tableaux-de-bord/travaux?date=2026-11-15", "#travaux-calendrier .main-svg[aria-hidden='true']"),
             ("/tableaux-de-bord/sante", "#sante-pyramide .main-svg[aria-hidden='true']"),
             ("/tableaux-de-bord/transports", "#transports-par-heure .main-svg[aria-hidden='true']"),
             ("/pres-de-chez-moi?lat=49.4431&lon=1.0993", "path.bureau-contour"),
             ("/recits", ".dataset-card"), ("/recits/grands-chantiers", ".recit-graphique .main-svg[aria-hidden='true']"),
             ("/pas-de-page-ici", "#contenu h1"))


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
