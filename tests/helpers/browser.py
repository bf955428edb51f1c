"""What the browser tests share: opening a page, a console without errors, and axe-core's WCAG A/AA checks at
the two widths the portal is made for."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path


COPY_GONE = "return !document.getElementById('premier-rendu');"  # Dash's page has taken the server's copy's place


def wait_for_dash(dash_duo) -> None:
    """Wait until Dash's page has taken the place of the server's copy (server_render, assets/premier-rendu.js) in
    the current document: a frame's, say (tests/conftest.py waits after every page load of the window)."""
    from dash.testing.wait import until

    until(lambda: dash_duo.driver.execute_script(COPY_GONE), 30)


def open_page(dash_duo, path: str) -> None:
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}")


def assert_clean_console(dash_duo, expected_404: str | None = None) -> None:
    """No error in the browser console, except the 404 status of a page the test opened on purpose."""
    logs = [entry for entry in dash_duo.get_logs()
            if not (expected_404 and entry["source"] == "network" and entry["message"].startswith(
                f"{dash_duo.server_url}{expected_404} ") and "404" in entry["message"])]
    assert logs == [], f"la console du navigateur a signalé des erreurs : {[e['message'][:300] for e in logs]}"


AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-4.11.4.min.js"  # axe-core (MPL 2.0), see vendor/axe-LICENSE.txt
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

# a phone as Chromium's device emulation draws it (headless Chromium keeps a window at 500 pixels or more, so
# set_window_size(390, …) gives no phone): its width, height, pixel ratio, and a mobile viewport
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


@contextmanager
def as_phone(dash_duo):
    """The page drawn on a phone (PHONE) inside the block, then the window's own size again."""
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# the pages axe checks, each with what shows it is drawn
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


# every public page, each with what shows it is drawn (the French scan and the phone's checks walk them)
PAGES = (("/", "#contenu h1"), ("/catalogue", ".dataset-card"),
         ("/jeux-de-donnees/chantiers", ".dataset-facts"),
         ("/jeux-de-donnees/chantiers?tab=table", ".ag-row .ag-cell-value"),
         ("/jeux-de-donnees/chantiers?tab=map", ".leaflet-interactive"),
         ("/jeux-de-donnees/chantiers?tab=chart", "#jeu-graphique .main-svg[aria-hidden='true']"),
         ("/jeux-de-donnees/chantiers?tab=export", ".download-links"),
         ("/pres-de-chez-moi?lat=49.4431&lon=1.0993", "path.bureau-contour"),
         ("/communes", "#contenu h1"), ("/communes/76540", "#contenu h1"),
         ("/recits", ".dataset-card"), ("/recits/grands-chantiers", ".recit-graphique .main-svg[aria-hidden='true']"),
         ("/tableaux-de-bord/travaux?date=2026-11-15", "#travaux-calendrier .main-svg[aria-hidden='true']"),
         ("/tableaux-de-bord/sante", "#sante-pyramide .main-svg[aria-hidden='true']"),
         ("/tableaux-de-bord/transports", "#transports-par-heure .main-svg[aria-hidden='true']"),
         ("/a-propos", "#contenu h1"), ("/reutilisations", "#contenu h1"), ("/pas-de-page-ici", "#contenu h1"))
MAP_PAGES = {"/jeux-de-donnees/chantiers?tab=map", "/pres-de-chez-moi?lat=49.4431&lon=1.0993",
             "/tableaux-de-bord/travaux?date=2026-11-15", "/tableaux-de-bord/transports"}


def tap(dash_duo, selector: str) -> None:
    """A click as a finger gives it on a phone: the element brought to the middle of the screen first (the phone's
    header stays at the top, over what Selenium scrolls only just into view)."""
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
