"""« Près de chez moi » in headless Chromium as a phone (390 px wide, touch): an address typed and chosen, a tap
on the map, « Me localiser », the polling station drawn, the next departures listed, « Partager ce lieu » and its
permalink, a clean console, axe; and the position kept out of the URL and the server's log until it is shared."""
from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains

from components.portal import current_portal
from features.proximite import data as P
from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import assert_clean_console, axe_violations, open_page, tap

PAGE = "/pres-de-chez-moi"
STATUS = "#proximite-etat"
POSITION = re.compile(r"49\.4\d{2}")  # a latitude of the Métropole's, as a position in a URL or a log would be


def as_phone(dash_duo, width: int = 390) -> None:
    """The page as a phone shows it: 390 CSS pixels wide, touch, device pixels at 3x (a window cannot be made
    narrower than 500 px in headless Chromium: the device metrics are emulated instead)."""
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 844, "deviceScaleFactor": 3 if width < 500 else 1, "mobile": width < 500})
    dash_duo.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": width < 500})


MORNING = dt.datetime(2026, 12, 1, 7, 30, tzinfo=dt.timezone.utc)  # 8:30 in Rouen, a Tuesday: buses run


@pytest.fixture
def phone_app(dash_duo, monkeypatch):
    from data_access import clock

    monkeypatch.setattr(clock, "utc_now", lambda: MORNING)
    app = make_app(TILE_URL="")
    dash_duo.start_server(app, port=free_port())
    dash_duo.portal_app = app  # to ask the data, in the test, what the page should answer
    as_phone(dash_duo)
    return dash_duo


class Recorder(logging.Handler):
    """Every line the server logs while a test runs."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def server_log():
    recorder, root = Recorder(), logging.getLogger()
    level = root.level
    root.addHandler(recorder)
    root.setLevel(logging.DEBUG)
    yield recorder
    root.removeHandler(recorder)
    root.setLevel(level)


def choose_address(dash_duo, typed: str, expected: str) -> None:
    field = dash_duo.find_element("#proximite-adresse")
    field.send_keys(typed)
    dash_duo.wait_for_contains_text(".nearby-suggestions", expected)
    button = next(b for b in dash_duo.find_elements(".nearby-suggestion") if b.text == expected)
    button.click()
    dash_duo.wait_for_contains_text(STATUS, f"Réponses pour : {expected}")


def test_an_address_typed_then_chosen_answers_everything_on_a_phone(phone_app):
    dash_duo = phone_app
    open_page(dash_duo, PAGE)
    dash_duo.wait_for_element("#proximite-carte .leaflet-container, #proximite-carte.leaflet-container")
    assert dash_duo.driver.execute_script("return window.innerWidth") == 390
    choose_address(dash_duo, "12 r jeanne d arc rou", "12 Rue Jeanne d'Arc, Rouen")  # a street type abridged
    # the answers first: the summary card, above the map, has the focus and says the essentials
    dash_duo.wait_for_element("#proximite-resume")
    until(lambda: dash_duo.driver.execute_script("return document.activeElement.id") == "proximite-resume", 10)
    card = dash_duo.find_element("#proximite-resume")
    assert card.location["y"] < dash_duo.find_element("#proximite-carte").location["y"]
    assert "L'essentiel près de : 12 Rue Jeanne d'Arc, Rouen" in card.text
    assert re.search(r"Travaux : \d+ chantiers? en cours", card.text)
    assert re.search(r"Prochain bus : ligne .+ à \d\d:\d\d, à l'arrêt ", card.text)
    assert "Bureau de vote : Ce lieu est dans le secteur du bureau" in card.text
    dash_duo.wait_for_element("path.bureau-contour")  # the polling station's outline, drawn
    dash_duo.wait_for_contains_text(".nearby-bureau", "secteur du bureau")
    rows = dash_duo.find_elements(".nearby-arrets table.departures tbody tr")
    assert len(rows) >= 3 and re.match(r"\d\d:\d\d ", rows[0].text)  # the next departures, listed
    assert len(dash_duo.find_elements(".nearby-stop")) == 3
    for block in ("commune", "travaux", "velo", "parking", "associations", "archives", "soins"):
        assert dash_duo.find_elements(f".nearby-{block} h2"), block
    sites = dash_duo.find_elements(".nearby-travaux .nearby-list li")
    reports = dash_duo.find_elements(".nearby-travaux .nearby-list li a.nearby-report")
    assert sites and len(reports) == len(sites)  # each works site: « Signaler »
    first_site = sites[0].find_element("css selector", "strong").text
    report = reports[0].get_attribute("href")
    # phone first: no sideways scroll, main actions of 44 px, every tap target of 24 px or more
    assert dash_duo.driver.execute_script("return document.documentElement.scrollWidth") <= 390
    sizes = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll("
        "'.nearby-main, .nearby-suggestion, #proximite-adresse, #proximite-commune')]"
        ".map(e => e.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 44
    small = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.nearby-page a, .nearby-page button')]"
        ".filter(e => e.offsetParent && e.getBoundingClientRect().height < 24).map(e => e.outerHTML.slice(0, 80))")
    assert small == []
    assert PAGE == dash_duo.driver.current_url.removeprefix(dash_duo.server_url)  # no position in the URL
    assert_clean_console(dash_duo)
    assert axe_violations(dash_duo) == []
    as_phone(dash_duo, 1366)
    assert axe_violations(dash_duo) == []
    # « Signaler » opens the works' dataset page on its error form, about that site
    dash_duo.driver.get(report)
    dash_duo.wait_for_element("#signaler-erreur-bloc[open]")
    assert dash_duo.find_element("#signaler-erreur-row_ref").get_attribute("value") == first_site


def test_a_tap_on_the_map_me_localiser_and_a_shared_place_reopened(phone_app):
    dash_duo = phone_app
    open_page(dash_duo, PAGE)
    dash_duo.wait_for_element("#proximite-carte.leaflet-container")
    ActionChains(dash_duo.driver).move_to_element(dash_duo.find_element("#proximite-carte")).click().perform()
    dash_duo.wait_for_contains_text(STATUS, "Point choisi sur la carte (")
    dash_duo.wait_for_element("path.bureau-contour")
    # the commune answered is the one under the finger: the shared link says where the tap was
    shown = dash_duo.find_element(STATUS).text.partition("(")[2].rstrip(")")
    tap(dash_duo, "#proximite-partager")
    tapped = re.search(r"lat=([\d.]+)&lon=([\d.]+)", dash_duo.wait_for_element("#proximite-lien").get_attribute(
        "href"))
    with dash_duo.portal_app.server.app_context():
        assert P.place_at(current_portal().repository, *tapped.groups(), "", "carte").commune_name == shown
    # « Me localiser »: the browser's position (emulated here), granted by the reader
    dash_duo.driver.execute_cdp_cmd("Browser.grantPermissions", {"permissions": ["geolocation"],
                                                                 "origin": dash_duo.server_url})
    dash_duo.driver.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 49.4103, "longitude": 1.0903,
                                                                         "accuracy": 20})
    with dash_duo.portal_app.server.app_context():
        commune = P.place_at(current_portal().repository, 49.4103, 1.0903, "", "position").commune_name
    tap(dash_duo, "#proximite-localiser")
    dash_duo.wait_for_contains_text(STATUS, f"Votre position ({commune})")
    code = _polling_station(dash_duo)
    tap(dash_duo, "#proximite-partager")
    dash_duo.wait_for_element("#proximite-lien")
    link = dash_duo.find_element("#proximite-lien").get_attribute("href")
    assert link == f"{dash_duo.server_url}{PAGE}?lat=49.4103&lon=1.0903"
    assert dash_duo.driver.current_url == f"{dash_duo.server_url}{PAGE}"  # written in the link, not the URL
    dash_duo.driver.get(link)
    dash_duo.wait_for_contains_text(".nearby-commune", commune)
    assert _polling_station(dash_duo) == code
    dash_duo.wait_for_element("path.bureau-contour")
    assert_clean_console(dash_duo)


def _polling_station(dash_duo) -> str:
    dash_duo.wait_for_contains_text(".nearby-bureau", "Code du bureau")
    text = dash_duo.find_element(".nearby-bureau .nearby-facts").text
    return re.search(r"Code du bureau\s+(\S+)", text).group(1)


def test_the_position_stays_out_of_the_url_and_the_log_until_it_is_shared(phone_app, server_log):
    dash_duo = phone_app
    open_page(dash_duo, PAGE)
    dash_duo.wait_for_element("#proximite-carte.leaflet-container")
    ActionChains(dash_duo.driver).move_to_element(dash_duo.find_element("#proximite-carte")).click().perform()
    dash_duo.wait_for_contains_text(STATUS, "Point choisi sur la carte")
    choose_address(dash_duo, "jeanne d arc rouen", "Rue Jeanne d'Arc, Rouen")
    history = dash_duo.driver.execute_script("return [location.href, history.length]")
    assert not POSITION.search(history[0])
    assert any("/_dash-update-component" in line for line in server_log.lines)  # the log did record the requests
    assert [line for line in server_log.lines if POSITION.search(line)] == []
    tap(dash_duo, "#proximite-partager")
    dash_duo.wait_for_element("#proximite-lien")
    assert [line for line in server_log.lines if POSITION.search(line)] == []  # sharing writes a link, no request
    dash_duo.driver.get(dash_duo.find_element("#proximite-lien").get_attribute("href"))
    dash_duo.wait_for_contains_text(".nearby-commune", "Rouen")
    # once the reader opens the shared link, its position is in the URL, and the log has it like any URL
    assert POSITION.search(dash_duo.driver.current_url)
    assert [line for line in server_log.lines if POSITION.search(line)]
