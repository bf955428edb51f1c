"""The history on the demo's pages: its short history of the works and the associations, recorded at start
(data_access/history/demo.py), the history page's timeline and diff, a dataset page pinned to a past version (its
banner, its rows, « Citer cette vue »), the statuses of versions that cannot be shown, the feeds named in the head;
and, in a browser, the history page and its diff at both widths, « Citer cette vue », axe clean."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from data_access import clock
from data_access.history.demo import MOMENTS
from tests.helpers.apps import free_port, make_app
from tests.helpers.atom import ATOM, valid_atom
from tests.helpers.browser import NO_VIOLATION, as_phone, assert_clean_console, axe_at_both_widths, open_page

OCTOBER = MOMENTS[1].strftime("%Y%m%d-%H%M%S")  # 20261005-060000


@pytest.fixture(scope="module")
def client():
    return make_app().server.test_client()


def text_of(answer) -> str:
    body = re.sub(r"<script.*?</script>", "", answer.data.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_demo_ships_a_short_history(client):
    listed = client.get("/api/versions/chantiers.json").get_json()["versions"]
    assert [v["version"] for v in listed] == ["20261115-060000", "20261102-060000", OCTOBER, "20260907-060000"]
    assert all(v["changed_fields"].get("date_fin_prevue") for v in listed[:3])  # sites slip at each version
    tree = valid_atom(client.get("/flux/jeux-de-donnees/chantiers.atom").data)
    assert len(tree.findall("{http://www.w3.org/2005/Atom}entry")) == 4


def test_the_demo_ships_the_associations_history_too(client, monkeypatch):
    listed = client.get("/api/versions/associations.json").get_json()["versions"]
    assert [(v["rows"], v["added"], v["removed"], v["changed"]) for v in listed] == [
        (6000, 17, 7, 44), (5990, 36, 7, 56), (5961, 35, 7, 58), (5933, 5933, 0, 0)]
    assert all({"nom", "objet", "position"} <= set(v["changed_fields"]) for v in listed[:3])
    assert len(entries_of(client.get("/flux/jeux-de-donnees/associations.atom"))) == 4
    view = entries_of(client.get("/flux/jeux-de-donnees/associations.atom?refine.commune=Rouen"))
    assert view[0].startswith("4 ajoutés, 4 supprimés, 15 modifiés") and len(view) == 4
    catalogue = entries_of(client.get("/flux/catalogue.atom"), "title")
    assert sum(t.startswith("Associations du territoire (RNA) : version du ") for t in catalogue) == 3
    assert "Nouveau jeu de données : Associations du territoire (RNA)" in catalogue
    text = text_of(client.get("/jeux-de-donnees/associations/historique"))
    assert "Ce qui a changé entre la version du 02/11/2026 à 06:00 et la version du 15/11/2026 à 06:00" in text
    assert "17 ajoutés, 7 supprimés, 44 modifiés" in text and "Page 1 sur 2" in text
    assert "<del>" in client.get("/jeux-de-donnees/associations/historique").data.decode()
    assert "− supprimé W763" in text_of(client.get("/jeux-de-donnees/associations/historique?page=2"))  # a duplicate
    monkeypatch.setattr(clock, "utc_now", lambda: dt.datetime(2026, 12, 7, 12, tzinfo=dt.timezone.utc))
    today = text_of(client.get("/jeux-de-donnees/associations"))
    assert "Fraîcheur : à jour (mise à jour attendue chaque mois ; contenu modifié pour la dernière fois le " \
           "15 novembre 2026)" in today


def entries_of(answer, what: str = "summary") -> list[str]:
    """A feed's entries, valid Atom: their summaries (or titles), newest first."""
    return [e.findtext(f"a:{what}", namespaces=ATOM) for e in valid_atom(answer.data).findall("a:entry", ATOM)]


def test_the_history_page_shows_the_timeline_and_the_diff(client):
    answer = client.get("/jeux-de-donnees/chantiers/historique")
    text = text_of(answer)
    assert answer.status_code == 200 and "Chantiers et travaux : historique des versions" in text
    assert "Ce qui a changé entre la version du 02/11/2026 à 06:00 et la version du 15/11/2026 à 06:00" in text
    assert "121 ajoutés, 0 supprimé, 30 modifiés" in text and "Page 1 sur 4" in text
    html = answer.data.decode()
    changed = client.get("/jeux-de-donnees/chantiers/historique?page=3").data.decode()  # after the 121 added
    assert '<td class="changed"><span class="visually-hidden">avant : </span><del>' in changed  # not colour alone
    assert text.count("Voir ces données") == 4
    assert '<link rel="alternate" type="application/atom+xml" href="http://localhost/flux/jeux-de-donnees/' \
           'chantiers.atom"' in html
    # any two versions, in time order whichever way they are asked, and filtered as a view
    both = text_of(client.get(f"/jeux-de-donnees/chantiers/historique?version={OCTOBER}&de=20261115-060000"
                              "&refine.commune=Rouen&page=9"))
    assert "entre la version du 05/10/2026 à 06:00 et la version du 15/11/2026 à 06:00" in both
    assert "25 ajoutés, 0 supprimé, 11 modifiés dans cette vue" in both and "Vue filtrée : Commune = Rouen" in both
    assert "page : un numéro de page de 1 à 1 est attendu" in both and "Page 1 sur 1" in both


def test_the_diff_shows_the_fields_that_changed_and_every_field_on_demand(client):
    narrow = client.get("/jeux-de-donnees/chantiers/historique?page=3").data.decode()
    heads = re.findall(r'<th scope="col">([^<]+)</th>', narrow)
    # the key, the title, and the fields some record changed (from 02/11 to 15/11: status, dates, progress)
    assert heads[:3] == ["Changement", "Identifiant", "Titre"] and "Fin prévue" in heads and "Description" not in heads
    assert "la clé, le titre et les champs modifiés seulement" in narrow and "champs=tous" in narrow
    every = client.get("/jeux-de-donnees/chantiers/historique?page=3&champs=tous").data.decode()
    assert "Description" in re.findall(r'<th scope="col">([^<]+)</th>', every)
    assert "champs=tous&amp;page=4" in every and 'value="tous" type="hidden" name="champs"' in every  # kept page to page
    bad = text_of(client.get("/jeux-de-donnees/chantiers/historique?champs=rien"))
    assert "champs : « tous » attendu" in bad


@pytest.mark.parametrize("path, feed", [
    ("/tableaux-de-bord/travaux?refine.commune=Rouen&date=2026-11-20", "chantiers.atom?refine.commune=Rouen"),
    ("/tableaux-de-bord/sante?annee=2023", "pathologies.atom"),
    ("/tableaux-de-bord/transports", "reseau-astuce-gtfs.atom"),
])
def test_each_dashboard_offers_the_feed_of_what_it_shows(client, path, feed):
    answer = client.get(path)
    html = answer.data.decode()
    assert answer.status_code == 200
    assert f'type="application/atom+xml" href="http://localhost/flux/jeux-de-donnees/{feed}"' in html
    assert "Suivre (flux Atom)" in text_of(answer) and f'href="/flux/jeux-de-donnees/{feed.replace("&", "&amp;")}"' in html


def test_a_dataset_page_shows_a_past_version_and_says_so(client):
    text = text_of(client.get(f"/jeux-de-donnees/chantiers?version={OCTOBER}&tab=table"))
    assert "Données d'une version passée" in text and "le 05/10/2026 à 06:00" in text
    assert "469 lignes sur 469" in text
    assert f"http://localhost/jeux-de-donnees/chantiers?version={OCTOBER}&amp;tab=table" in text  # Citer
    today = text_of(client.get("/jeux-de-donnees/chantiers"))
    assert "600 lignes sur 600" in today and "Données d'une version passée" not in today
    assert "Suivre (flux Atom)" in today and "Fraîcheur : " in today and "Historique des versions" in today


@pytest.mark.parametrize("version, status, said", [
    ("20200101-000000", 410, "n'est plus conservée"),
    ("20261201-000000", 404, "inconnue"),
    ("demain", 400, "identifiant de version"),
])
def test_a_version_that_cannot_be_shown_has_its_status(client, version, status, said):
    for path in ("/jeux-de-donnees/chantiers", "/jeux-de-donnees/chantiers/historique"):
        answer = client.get(f"{path}?version={version}")
        assert answer.status_code == status and said in text_of(answer)


def test_the_history_in_a_browser_at_both_widths(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    open_page(dash_duo, "/jeux-de-donnees/chantiers/historique?page=3")
    dash_duo.wait_for_text_to_equal("h1", "Chantiers et travaux : historique des versions")
    assert dash_duo.find_elements(".history-diff td.changed del")
    assert axe_at_both_widths(dash_duo) == NO_VIOLATION
    with as_phone(dash_duo):  # the diff scrolls in its own frame: the page never scrolls sideways
        assert dash_duo.driver.execute_script(
            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
        assert dash_duo.find_element(".history-diff-wrap").get_attribute("tabindex") == "0"
    # the form compares two versions, by keyboard as by mouse
    dash_duo.find_element(".history-compare button").click()
    dash_duo.wait_for_text_to_equal("h1", "Chantiers et travaux : historique des versions")
    from selenium.webdriver.common.by import By

    dash_duo.driver.find_element(By.LINK_TEXT, "Voir ces données").click()  # the newest version's
    dash_duo.wait_for_contains_text(".notice-version", "Données d'une version passée")
    summary = dash_duo.find_element(".cite-view summary")
    summary.click()
    reference = dash_duo.find_element("#citer-reference").get_attribute("value")
    assert "« Chantiers et travaux », version du 15/11/2026 à 06:00" in reference and "version=" in reference
    assert axe_at_both_widths(dash_duo) == NO_VIOLATION
    assert_clean_console(dash_duo)
