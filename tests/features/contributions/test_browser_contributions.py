"""Contributions in headless Chromium, as citizens and moderators use them: a citizen submits each kind with the
keyboard-reachable forms (script in the fields), a moderator logs in and approves one error report and the reuse
and rejects the rest; the approved ones show where they belong, as text, and the rejected one never shows. axe
finds nothing on each form and on /moderation, at both widths. The flow runs on SQLite and on PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from selenium.common.exceptions import NoAlertPresentException, NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

from data_access import clock
from data_access.clock import PARIS
from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import NO_VIOLATION, assert_clean_console, axe_at_both_widths

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=PARIS)
PASSWORD = "un mot de passe solide"
SCRIPT = "<script>window.pirate = 1</script><img src=x onerror=\"window.pirate = 2\">"


def start(dash_duo, monkeypatch, database_url):
    monkeypatch.setattr(clock, "utc_now", lambda: NOW.astimezone(dt.timezone.utc))
    app = make_app(TILE_URL="", DATABASE_URL=database_url)
    from features.contributions.comptes import add_moderator
    from features.contributions.web import sessions

    with app.server.app_context():
        add_moderator(sessions(), "camille", PASSWORD)
    dash_duo.start_server(app, port=free_port())
    return app


def fill(dash_duo, form: str, **fields) -> None:
    for name, value in fields.items():
        element = dash_duo.find_element(f"#{form} [name='{name}']")
        element.clear()
        element.send_keys(value)


def send(dash_duo, form: str) -> None:
    dash_duo.find_element(f"#{form} button[type='submit']").click()
    dash_duo.wait_for_contains_text(".contribution-merci", "Merci")
    assert "contribution=merci" in dash_duo.driver.current_url


def open_form(dash_duo, path: str, form: str) -> None:
    """The page, and its form's disclosure opened (again, if the page was drawn anew meanwhile)."""
    dash_duo.wait_for_page(f"{dash_duo.server_url}{path}")

    def opened(driver) -> bool:
        try:
            block = driver.find_element("css selector", f"#{form}-bloc")
            if block.get_attribute("open") is None:
                block.find_element("css selector", "summary").click()
            return block.find_element("css selector", "[name='description']").is_displayed()
        except (NoSuchElementException, StaleElementReferenceException):
            return False

    WebDriverWait(dash_duo.driver, 20).until(opened, f"le formulaire {form} ne s'ouvre pas")


def moderate(dash_duo, words: str, action: str, answer: str = "") -> None:
    """Act on the pending contribution whose text holds `words`."""
    article = next(a for a in dash_duo.find_elements(".contribution-a-moderer") if words in a.text)
    if answer:
        article.find_element("css selector", "textarea[name='reponse']").send_keys(answer)
    article.find_element("css selector", f"button[value='{action}']").click()
    dash_duo.wait_for_contains_text("[role='status']", "Contribution n°")


def log_in(dash_duo) -> None:
    """/moderation (a Flask page, not Dash's): its login form, refused with a 401 until the moderator logs in."""
    dash_duo.driver.get(f"{dash_duo.server_url}/moderation")
    dash_duo.wait_for_element("#moderation-mot-de-passe")
    assert [e for e in dash_duo.get_logs() if not ("/moderation - " in e["message"] and "401" in e["message"])] == []
    fill(dash_duo, "contenu", nom="camille", mot_de_passe=PASSWORD)  # the login form, in the page's main
    dash_duo.find_element("#contenu button[type='submit']").click()
    dash_duo.wait_for_contains_text("#moderation-attente", "En attente")


def no_script_ran(dash_duo) -> None:
    try:
        dash_duo.driver.switch_to.alert
        raise AssertionError("une alerte s'est ouverte")
    except NoAlertPresentException:
        pass
    assert dash_duo.driver.execute_script("return window.pirate === undefined")


def test_citizens_contribute_and_a_moderator_publishes(dash_duo, monkeypatch, database_url):
    start(dash_duo, monkeypatch, database_url)
    open_form(dash_duo, "/jeux-de-donnees/chantiers?tab=table", "signaler-erreur")
    view = dash_duo.find_element("#signaler-erreur [name='view_url']").get_attribute("value")
    assert view == f"{dash_duo.server_url}/jeux-de-donnees/chantiers?tab=table"  # the view, already filled in
    fill(dash_duo, "signaler-erreur", description=f"La date de fin est fausse. {SCRIPT}", row_ref="chantier 12")
    send(dash_duo, "signaler-erreur")
    open_form(dash_duo, "/tableaux-de-bord/travaux", "signaler-erreur")
    fill(dash_duo, "signaler-erreur", description="Texte hors sujet, à rejeter")
    send(dash_duo, "signaler-erreur")
    open_form(dash_duo, "/catalogue", "proposer-jeu")
    fill(dash_duo, "proposer-jeu", description="Les horaires des déchèteries", why="Pour savoir quand y aller",
         publisher_hint="Service déchets")
    send(dash_duo, "proposer-jeu")
    dash_duo.wait_for_page(f"{dash_duo.server_url}/reutilisations")
    fill(dash_duo, "presenter-reutilisation", title=f"Carte des chantiers {SCRIPT}", link="https://example.org/carte",
         description="Une carte des chantiers par quartier.", image_url="https://example.org/capture.png",
         image_alt="La carte, les chantiers en points rouges")
    dash_duo.find_element("#presenter-reutilisation-jeux").click()
    dash_duo.wait_for_element(".dash-dropdown-option, .dash-options-list-option")
    next(o for o in dash_duo.find_elements(".dash-dropdown-option, .dash-options-list-option")
         if o.text.strip() == "Chantiers et travaux").click()
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.find_element(
        "css selector", "#presenter-reutilisation [name='datasets']").get_attribute("value") == "chantiers")
    dash_duo.find_element("body").send_keys("\ue00c")  # Échap: the list closes
    send(dash_duo, "presenter-reutilisation")

    log_in(dash_duo)
    dash_duo.wait_for_contains_text("#moderation-attente", "En attente (4)")
    moderate(dash_duo, "La date de fin est fausse", "approuver", "Corrigé le 3 décembre.")
    moderate(dash_duo, "Texte hors sujet", "rejeter")
    moderate(dash_duo, "Carte des chantiers", "approuver")
    moderate(dash_duo, "déchèteries", "rejeter")
    dash_duo.wait_for_contains_text("#moderation-attente", "En attente (0)")
    assert "Corrigé le 3 décembre." in dash_duo.find_element("#contenu").text
    no_script_ran(dash_duo)

    dash_duo.wait_for_page(f"{dash_duo.server_url}/jeux-de-donnees/chantiers")
    dash_duo.wait_for_contains_text(".contributions", "Corrigé le 3 décembre.")
    shown = dash_duo.find_element(".contributions").text
    assert f"La date de fin est fausse. {SCRIPT}" in shown  # the script, as text
    assert "Ligne concernée : chantier 12" in shown and f"Carte des chantiers {SCRIPT}" in shown
    assert "Texte hors sujet" not in dash_duo.find_element("body").text
    no_script_ran(dash_duo)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/reutilisations")
    dash_duo.wait_for_contains_text(".galerie-reutilisations", "Une carte des chantiers par quartier.")
    link = dash_duo.find_element(".galerie-reutilisations a[rel~='ugc']")
    assert link.get_attribute("href") == "https://example.org/carte"
    image = dash_duo.find_element(".galerie-reutilisations a[href='https://example.org/capture.png']")
    assert image.text == "Image : La carte, les chantiers en points rouges"
    assert not dash_duo.find_elements(".galerie-reutilisations img")  # never loaded from another site
    no_script_ran(dash_duo)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/catalogue")
    dash_duo.wait_for_element("#proposer-jeu-bloc")
    assert "déchèteries" not in dash_duo.find_element("body").text
    assert_clean_console(dash_duo)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_forms_and_moderation_pass_axe(dash_duo, monkeypatch, database_url):
    app = start(dash_duo, monkeypatch, database_url)
    from features.contributions.store import moderate, submit
    from features.contributions.web import sessions

    with app.server.app_context():  # something to moderate, and a published reuse in the gallery
        submit(sessions(), "erreur", description="Une erreur", dataset_id="chantiers", email="a@example.org")
        shown = submit(sessions(), "reutilisation", title="Une carte", link="https://example.org", description="x",
                       datasets="chantiers")
        moderate(sessions(), shown, "camille", "approuver", "Merci !")
    found = {}
    for path, form in (("/jeux-de-donnees/chantiers", "signaler-erreur"),
                       ("/tableaux-de-bord/sante", "signaler-erreur"), ("/catalogue", "proposer-jeu")):
        open_form(dash_duo, path, form)
        found[path] = axe_at_both_widths(dash_duo)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/reutilisations?contribution=merci")
    dash_duo.wait_for_element("#presenter-reutilisation")
    found["/reutilisations"] = axe_at_both_widths(dash_duo)
    dash_duo.driver.get(f"{dash_duo.server_url}/moderation")
    dash_duo.wait_for_element("#moderation-mot-de-passe")
    found["/moderation (connexion)"] = axe_at_both_widths(dash_duo)
    log_in(dash_duo)
    found["/moderation"] = axe_at_both_widths(dash_duo)
    assert found == {path: NO_VIOLATION for path in found}
