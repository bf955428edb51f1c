"""The dashboards' view models, built directly on the demo data (no page drawn): each is frozen, holds what its page
shows, and names its key figures by stable keys; the shared preamble says why a dashboard is unavailable; an embed
of one key figure keeps answering when the figure's label is reworded."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from data_access.repository import DatasetUnavailable
from data_access.tableaux import ChiffreCle, Indisponible, Preambule, find_figure, preambule
from tests.helpers.apps import render_page, text_of

REFERENCE = dt.date(2026, 11, 20)  # after the demo data's date: every Travaux part is drawn

pytestmark = pytest.mark.usefixtures("pinned_clock")  # the app and the clock: conftest.py


@pytest.fixture(scope="module")
def repository(app):
    return app.server.extensions["portail"].repository


def _keys(figures: list[ChiffreCle]) -> list[str]:
    return [f.key for f in figures]


# ---- Travaux -------------------------------------------------------------------------------------------------------


def test_the_travaux_view_model_holds_what_the_page_shows(app, repository):
    from features.travaux.data import find_roles
    from tests.helpers.travaux_oracle import key_figures
    from features.travaux.view import VueTravaux, build, chiffres

    with app.server.app_context():
        vue = build(repository, {"refine.commune": "Rouen", "date": "2026-03-01"}, REFERENCE)
    assert isinstance(vue, VueTravaux) and vue.dataset.id == "chantiers" and vue.reference == dt.date(2026, 3, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        vue.reference = REFERENCE  # type: ignore[misc]
    table = repository.table("chantiers")
    expected = key_figures(table, find_roles(table), vue.positions, dt.date(2026, 3, 1),
                           data_date=vue.dataset.modified)
    figures = {f.key: f for f in chiffres(vue)}
    assert _keys(chiffres(vue))[:4] == ["chantiers-en-cours", "commencent-dans-30-jours", "termines-en", "en-retard"]
    assert figures["en-retard"].value == str(expected.late)
    assert figures["termines-en"].label == "terminés en 2026" and "termines-en-2026" in figures["termines-en"].aliases
    assert 0 < len(vue.positions) < len(table)


def test_the_travaux_view_model_turns_bad_parameters_into_notices(app, repository):
    from features.travaux.view import build

    with app.server.app_context():
        vue = build(repository, {"date": "2026-02-30", "ma_commune": "Nulle-Part", "jeu": "inconnu"}, REFERENCE)
    assert vue.reference == REFERENCE and vue.chosen_commune is None
    assert {e.param for e in vue.errors} == {"date", "ma_commune", "jeu"}


def test_each_travaux_section_is_drawn_from_the_view_model_alone(app, repository):
    from features.integration.draw_sections import draw_section
    from features.travaux.draw_sections import TABLEAU
    from features.travaux.view import build

    with app.server.app_context():
        now, before = build(repository, {}, REFERENCE), build(repository, {"date": "2026-03-01"}, REFERENCE)
        for key, part in TABLEAU.sections.items():
            drawn = draw_section(TABLEAU, key, now, "")
            assert drawn is not None and drawn.children[0].id == part.heading_id, key
        # progress is known at the data's date only: before it, the section says so instead of the chart
        assert "n'est connu qu'à la date des données" in text_of(
            draw_section(TABLEAU, "avancement", before, "").to_plotly_json()["props"]["children"][1].to_plotly_json())


# ---- Santé ---------------------------------------------------------------------------------------------------------


def test_the_sante_view_model_holds_the_selection_and_its_figures(app, repository):
    from features.sante.view import VueSante, build, chiffres

    with app.server.app_context():
        vue = build(repository, {"refine.patho_niv1": "Diabète", "refine.annee": "2020"})
    assert isinstance(vue, VueSante) and vue.selection.year == 2020 and vue.node.label == "Diabète"
    figures = chiffres(vue)
    assert _keys(figures) == ["patients", "prevalence", "prevalence-region", "prevalence-france",
                              "ecart-a-la-france", "evolution"]
    # the addresses written before stable keys (a label's words) still find their figure
    assert find_figure(figures, "prevalence-seine-maritime").key == "prevalence"
    assert find_figure(figures, "ecart").key == "ecart-a-la-france" and find_figure(figures, "2").key == "prevalence"
    assert vue.access_dataset is not None and vue.access_dataset.id == "offre-de-soins"


def test_a_bad_sante_parameter_is_a_notice_of_the_view_model(app, repository):
    from features.sante.view import build

    with app.server.app_context():
        vue = build(repository, {"indicateur": "rien", "couleur": "bleu"})
    assert {e.param for e in vue.errors} == {"indicateur", "couleur"}


# ---- Transports ----------------------------------------------------------------------------------------------------


def test_the_transports_view_model_holds_the_day_the_line_and_the_stop(app, repository):
    from features.transports.view import VueTransports, build, chiffres

    now = dt.datetime(2026, 11, 17, 8, 30)
    with app.server.app_context():
        vue = build(repository, {"recherche": "theatre", "rayon": "500"}, now)
    assert isinstance(vue, VueTransports) and vue.day == now.date() and vue.heure == 8 * 3600 + 30 * 60
    assert _keys(chiffres(vue)) == ["lignes-en-service", "arrets-desservis", "voyages", "departs",
                                    "heures-de-service", "kilometres-parcourus"]
    assert vue.line is not None and vue.coverage.radius == 500 and len(vue.stop.found)
    assert vue.shown["rayon"] == 500 and vue.shown["recherche"] == "theatre"
    assert vue.href(arret="X").endswith("recherche=theatre&rayon=500&arret=X")


# ---- the shared preamble -------------------------------------------------------------------------------------------


class _Repository:
    """Just what the preamble asks of a repository: a table per dataset (TABLE), or why it cannot be read."""

    def __init__(self, tables: dict):
        self.tables = tables

    def table(self, dataset_id):
        found = self.tables[dataset_id]
        if found is not TABLE:
            raise DatasetUnavailable(found)
        return found


TABLE = object()


@dataclasses.dataclass
class _Dataset:
    id: str
    title: str


@dataclasses.dataclass
class _Roles:
    missing_required: list


def test_the_preamble_says_why_a_dashboard_is_unavailable_in_french():
    first, second = _Dataset("a", "Premier"), _Dataset("b", "Second")
    assert preambule(_Repository({}), [], None, none="Aucun jeu.") == Indisponible("Aucun jeu.")
    broken = preambule(_Repository({"a": "fichier absent", "b": "illisible"}), [first, second], None, none="")
    assert broken == Indisponible("Le jeu de données « Premier » est indisponible : fichier absent",
                                  (first, second), first)
    bare = preambule(_Repository({"a": TABLE}), [first], None, none="", find_roles=lambda t: _Roles(["start_date"]))
    assert isinstance(bare, Indisponible) and "ne déclare pas les rôles nécessaires : start_date" in bare.raison
    ready = preambule(_Repository({"a": "fichier absent", "b": TABLE}), [first, second], "inconnu", none="",
                      find_roles=lambda t: _Roles([]))
    assert isinstance(ready, Preambule) and ready.dataset == second and ready.table is TABLE
    assert [e.param for e in ready.errors] == ["jeu"]


# ---- embeds by stable key ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, module, key, reworded", [
    ("/integrer/tableaux-de-bord/travaux/chiffres/en-retard", "features.travaux.view", "en-retard",
     "chantiers hors délai"),
    ("/integrer/tableaux-de-bord/transports/chiffres/voyages", "features.transports.view", "voyages",
     "courses du jour"),
    ("/integrer/tableaux-de-bord/sante/chiffres/ecart-a-la-france", "features.sante.view", "ecart-a-la-france",
     "différence avec la moyenne nationale"),
])
def test_an_embedded_key_figure_survives_a_reworded_label(app, monkeypatch, path, module, key, reworded):
    import importlib

    monkeypatch.setitem(importlib.import_module(module).LABELS, key, reworded)
    assert app.server.test_client().get(path).status_code == 200
    text = text_of(render_page(app, path)["layout"])
    assert reworded in text and "Cette vue ne peut pas être affichée" not in text
    assert "Source :" in text
    # the figure's value is the page's, for the same parameters
    page = render_page(app, path.replace("/integrer", "").rsplit("/", 2)[0])["layout"]
    assert reworded in text_of(page)


def test_a_key_figure_by_position_and_an_unknown_one(app):
    first = text_of(render_page(app, "/integrer/tableaux-de-bord/travaux/chiffres/1")["layout"])
    assert "chantiers en cours" in first
    unknown = text_of(render_page(app, "/integrer/tableaux-de-bord/travaux/chiffres/rien")["layout"])
    assert "n'a pas de chiffre clé « rien »" in unknown and "« en-retard »" in unknown
    assert app.server.test_client().get("/integrer/tableaux-de-bord/travaux/carte/1").status_code == 404
