"""The works sites' life from the history: a site's card tells its status changes and its planned ends moved, each
dated, and a key figure counts the selected sites whose planned end a version of the reference month moved."""
from __future__ import annotations

import datetime as dt

import pytest

from data_access.clock import PARIS
from data_access.engine.backend import CONNECTIONS
from data_access.history.versions import record
from data_access.repository import Repository
from features.travaux import life
from tests.helpers.apps import make_app

CATALOGUE = """
[[dataset]]
id = "sites"
title = "Chantiers"
theme = "Travaux"
format = "csv"
path = "sites.csv"
dashboard = "travaux"
key = "id"

[[dataset.field]]
name = "id"
role = "id"

[[dataset.field]]
name = "titre"
role = "title"

[[dataset.field]]
name = "commune"
role = "commune_name"

[[dataset.field]]
name = "statut"
role = "status"

[[dataset.field]]
name = "debut"
role = "start_date"

[[dataset.field]]
name = "fin"
role = "planned_end_date"
"""
HEADER = "id;titre;commune;statut;debut;fin"
# A: its planned end pushed twice (12/03 → 30/04 → 30/06); B: programmé → en cours; C: enters at the second
# version; D: never changes; E (Elbeuf): its planned end brought earlier at the third
VERSIONS = (
    (dt.datetime(2027, 1, 4, 6, tzinfo=PARIS), ["A;Quai;Rouen;en cours;2026-10-01;2027-03-12",
                                                "B;Pont;Rouen;programmé;2027-02-01;2027-05-31",
                                                "D;Rue;Rouen;en cours;2026-09-01;2027-04-30",
                                                "E;Place;Elbeuf;en cours;2026-09-01;2027-09-30"]),
    (dt.datetime(2027, 2, 1, 6, tzinfo=PARIS), ["A;Quai;Rouen;en cours;2026-10-01;2027-04-30",
                                                "B;Pont;Rouen;en cours;2027-02-01;2027-05-31",
                                                "C;Gare;Rouen;programmé;2027-03-01;2027-06-30",
                                                "D;Rue;Rouen;en cours;2026-09-01;2027-04-30",
                                                "E;Place;Elbeuf;en cours;2026-09-01;2027-09-30"]),
    (dt.datetime(2027, 3, 8, 6, tzinfo=PARIS), ["A;Quai;Rouen;en cours;2026-10-01;2027-06-30",
                                                "B;Pont;Rouen;en cours;2027-02-01;2027-05-31",
                                                "C;Gare;Rouen;programmé;2027-03-01;2027-06-30",
                                                "D;Rue;Rouen;en cours;2026-09-01;2027-04-30",
                                                "E;Place;Elbeuf;en cours;2026-09-01;2027-08-31"]),
)


@pytest.fixture
def portal(tmp_path):
    """A works dataset served as its third version, with the three versions in its history."""
    (tmp_path / "catalogue.toml").write_text(CATALOGUE, encoding="utf-8")
    served_dir = tmp_path / ".served"
    for k, (moment, rows) in enumerate(VERSIONS):
        then = tmp_path / f"v{k}"
        then.mkdir()
        (then / "catalogue.toml").write_text(CATALOGUE, encoding="utf-8")
        (then / "sites.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        served = Repository.from_data_dir(then, served_dir=then / ".served").served("sites")
        assert record(CONNECTIONS.cursor(), served, served_dir, "sites", ("id",), moment=moment) is not None
    (tmp_path / "sites.csv").write_text("\n".join([HEADER, *VERSIONS[-1][1]]) + "\n", encoding="utf-8")
    app = make_app(tmp_path, SERVED_DIR=str(served_dir))
    with app.server.test_request_context("/"):
        from components.portal import current_portal

        yield current_portal().repository


def lives_of(repository):
    from features.travaux.data import find_roles

    return life.of_dataset(repository.served_store.folder, repository.catalogue.get("sites"),
                           find_roles(repository.table("sites")))


def test_each_site_s_life_is_read_from_the_versions(portal):
    key, lives = lives_of(portal)
    assert key == "id" and lives.since == dt.date(2027, 1, 4) and len(lives.versions) == 3
    assert life.summary(lives.of("A")) == ["fin prévue repoussée 2 fois : 12/03 → 30/04 → 30/06"]
    assert [life.event_words(e) for e in lives.of("A")] == [
        "01/02/2027 : fin prévue repoussée du 12/03/2027 au 30/04/2027",
        "08/03/2027 : fin prévue repoussée du 30/04/2027 au 30/06/2027"]
    assert life.summary(lives.of("B")) == ["statut : programmé → en cours"]
    assert life.summary(lives.of("C")) == ["dans les données depuis le 01/02/2027"]
    assert lives.of("D") == ()
    assert life.summary(lives.of("E")) == ["fin prévue avancée une fois : 30/09 → 31/08"]


def test_the_card_tells_the_site_s_life(portal):
    from features.travaux.draw import site_card

    table = portal.table("sites")
    card = {"kind": "travaux", "date": "2027-03-10", "jeu": "sites"}
    text = str(site_card(table, 0, card))
    assert "Son histoire" in text and "fin prévue repoussée 2 fois : 12/03 → 30/04 → 30/06" in text
    assert "/jeux-de-donnees/sites/historique" in text and "depuis le 04/01/2027" in text
    unchanged = str(site_card(table, 3, card))
    assert "ni son statut ni sa fin prévue n'ont changé" in unchanged
    # a card that names no dataset of the catalogue (a forged request) has no history, and no error
    assert "Son histoire" not in str(site_card(table, 0, {"kind": "travaux", "jeu": "inconnu"}))
    assert "Son histoire" not in str(site_card(table, 0, {"kind": "travaux", "jeu": ["sites"]}))


def figure(repository, **params):
    from features.travaux.view import build, chiffres

    vue = build(repository, {k: [v] for k, v in params.items()}, dt.date(2027, 3, 10))
    return next((c for c in chiffres(vue) if c.key == "fin-prevue-deplacee"), None)


def test_the_key_figure_counts_the_selected_sites_whose_planned_end_moved_that_month(portal):
    march = figure(portal, date="2027-03-10")
    assert (march.value, march.label) == ("2", "fin prévue déplacée en mars 2027")
    assert "(1 repoussée)" in march.definition  # A later, E earlier
    assert figure(portal, date="2027-02-15").value == "1"  # A, in February
    assert figure(portal, date="2027-03-10", **{"refine.commune": "Elbeuf"}).value == "1"  # E alone
    # before the month's version came, nothing moved yet; a month with no version cannot say
    assert figure(portal, date="2027-03-05").value == "—"
    april = figure(portal, date="2027-04-15")
    assert april.value == "—" and "aucune version des données n'est arrivée ce mois-là" in april.definition


def test_without_a_history_there_is_no_such_figure(tmp_path):
    (tmp_path / "catalogue.toml").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "sites.csv").write_text("\n".join([HEADER, *VERSIONS[-1][1]]) + "\n", encoding="utf-8")
    app = make_app(tmp_path, SERVED_DIR=str(tmp_path / ".served"))
    with app.server.test_request_context("/"):
        from components.portal import current_portal

        assert figure(current_portal().repository, date="2027-03-10") is None


def test_the_dashboard_offers_the_feed_of_the_sites_its_filters_keep(portal):
    from flask import current_app

    client = current_app.test_client()
    body = client.get("/tableaux-de-bord/travaux?refine.commune=Elbeuf").get_data(as_text=True)
    assert ('<link rel="alternate" type="application/atom+xml" href="http://localhost/flux/jeux-de-donnees/sites.atom'
            '?refine.commune=Elbeuf"') in body
    assert "Suivre (flux Atom)" in body and "/jeux-de-donnees/sites/historique?refine.commune=Elbeuf" in body
    feed = client.get("/flux/jeux-de-donnees/sites.atom?refine.commune=Elbeuf")
    assert feed.status_code == 200 and feed.data.count(b"<entry>") == 2  # E's first version, its end brought earlier
