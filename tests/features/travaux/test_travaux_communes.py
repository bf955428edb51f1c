"""The Travaux logic on a feed like the real one (travaux-json): sites placed by their commune's name however the
feed spells it, a declared status that wins where no actual end is known, safe links only."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from data_access.geometry.territoires import commune_key
from data_access.readers.base import FieldInfo, Table
from features.travaux.communes import by_commune, commune_choices, commune_names, in_my_commune
from features.travaux.data import find_roles, is_late, status_on
from tests.helpers.travaux_oracle import key_figures
from features.travaux.map import safe_link, site_details

REF = dt.date(2026, 12, 1)
D = pd.Timestamp


def test_a_site_declared_finished_without_an_actual_end_is_finished_and_not_late():
    fields = (FieldInfo("nom", "Chantier", "text", role="title"), FieldInfo("statut", "Statut", "text", role="status"),
              FieldInfo("debut", "Début", "date", role="start_date"),
              FieldInfo("fin", "Fin prévue", "date", role="planned_end_date"),
              FieldInfo("fin_reelle", "Fin réelle", "date", role="actual_end_date"),
              FieldInfo("commune", "Commune", "text", role="commune"))
    frame = pd.DataFrame({
        "nom": list("ABCDE"), "commune": ["76540"] * 5,
        "statut": ["Terminé", "TERMINE ", "en cours", "terminé", "Suspendu"],
        "debut": [D("2026-01-05")] * 5, "fin": [D("2026-06-30")] * 5,
        # A, B and E have no actual end; D has one, after the reference date
        "fin_reelle": [pd.NaT, pd.NaT, pd.NaT, D("2026-12-20"), pd.NaT],
    })
    table = Table(frame=frame, fields=fields)
    roles = find_roles(table)
    status = status_on(table, roles, REF, data_date=REF)
    # the declaration wins row by row where no actual end date exists, whatever its accents or case; C is running
    # past its planned end, D is running until its actual end; E is suspended
    assert status.tolist() == ["terminé", "terminé", "en cours", "en cours", "suspendu"]
    assert is_late(table, roles, REF, data_date=REF).tolist() == [False, False, True, True, True]


@pytest.fixture
def feed() -> Table:
    """Sites with a commune name only, spelled as a feed may spell it, one of them on two communes."""
    fields = (FieldInfo("title", "Titre", "text", role="title"),
              FieldInfo("field_commune", "Commune", "text", role="commune_name", separator=","),
              FieldInfo("zone", "Zone concernée", "text", role="impact_area"),
              FieldInfo("lien", "Avis", "text", role="link"),
              FieldInfo("debut", "Début", "date", role="start_date"),
              FieldInfo("fin", "Fin prévue", "date", role="planned_end_date"))
    frame = pd.DataFrame({
        "title": ["Rue A", "Pont B", "Route C", "Rue D", "Rue E"],
        "field_commune": ["ROUEN", "Saint-Etienne-du-Rouvray", "Déville-lès-Rouen,Maromme", "LE PETIT-QUEVILLY",
                          "Rouen"],
        "zone": ["Rue A entre X et Y", None, "RD 6015", None, None],
        "lien": ["https://example.org/a", "javascript:alert(1)", "/node/3", None, "http://example.org/e"],
        "debut": [D("2026-11-01"), D("2026-11-15"), D("2026-10-01"), D("2026-12-20"), D("2027-02-01")],
        "fin": [D("2027-01-31"), D("2026-12-31"), D("2027-02-28"), D("2027-03-31"), D("2027-05-01")],
    })
    return Table(frame=frame, fields=fields)


@pytest.fixture
def outlines() -> Table:
    fields = (FieldInfo("code", "Code", "text", role="commune"), FieldInfo("nom", "Commune", "text",
                                                                          role="commune_name"))
    frame = pd.DataFrame({"code": ["76540", "76575", "76216", "76410", "76498", "76095"],
                          "nom": ["Rouen", "Saint-Étienne-du-Rouvray", "Déville-lès-Rouen", "Maromme",
                                  "Petit-Quevilly", "Bihorel"]})
    return Table(frame=frame, fields=fields)


def test_commune_names_are_compared_without_accents_case_hyphens_or_article():
    assert commune_key("SAINT-ETIENNE-DU-ROUVRAY") == commune_key("Saint-Étienne-du-Rouvray") == \
        commune_key("St Étienne du Rouvray") == "saint etienne du rouvray"
    assert commune_key("LE PETIT-QUEVILLY") == commune_key("Petit-Quevilly")
    assert commune_key("Rouen") != commune_key("Bihorel")


def test_sites_are_counted_in_each_of_their_communes(feed, outlines):
    data = by_commune(feed, find_roles(feed), np.arange(5), outlines)
    counts = dict(zip(data["name"], data["sites"]))
    assert counts == {"Rouen": 2, "Saint-Étienne-du-Rouvray": 1, "Déville-lès-Rouen": 1, "Maromme": 1,
                      "Petit-Quevilly": 1, "Bihorel": 0}
    assert data["name"].tolist()[:2] == ["Rouen", "Déville-lès-Rouen"]  # the most sites first, then French order
    assert by_commune(feed, find_roles(feed), np.array([2]), outlines).set_index("name")["sites"].to_dict() == {
        "Déville-lès-Rouen": 1, "Maromme": 1, "Bihorel": 0, "Petit-Quevilly": 0, "Rouen": 0,
        "Saint-Étienne-du-Rouvray": 0}


def test_a_commune_lists_its_running_and_upcoming_sites_with_area_and_link(feed, outlines):
    roles = find_roles(feed)
    names = commune_names(outlines)
    choices = commune_choices(feed, roles, names)
    # each commune of the territory once, as the outlines spell it, with or without works
    assert choices == ["Bihorel", "Déville-lès-Rouen", "Maromme", "Petit-Quevilly", "Rouen", "Saint-Étienne-du-Rouvray"]
    assert commune_choices(feed, roles) == ["Déville-lès-Rouen", "LE PETIT-QUEVILLY", "Maromme", "ROUEN",
                                            "Saint-Etienne-du-Rouvray"]  # without outlines: as the feed spells them
    rouen = in_my_commune(feed, roles, "Rouen", REF)
    assert rouen["title"].tolist() == ["Rue A"]  # Rue E starts in more than 30 days
    assert rouen["area"].tolist() == ["Rue A entre X et Y"] and rouen["link"].tolist() == ["https://example.org/a"]
    assert in_my_commune(feed, roles, "Maromme", REF)["title"].tolist() == ["Route C"]
    assert in_my_commune(feed, roles, "Petit-Quevilly", REF)["title"].tolist() == ["Rue D"]  # starts on the 20th


def test_only_absolute_http_links_are_offered(feed):
    assert safe_link("https://example.org/a") == "https://example.org/a"
    assert [safe_link(v) for v in ("javascript:alert(1)", "/node/3", None, "https://exa mple.org", "data:x")] == \
        [None] * 5
    card = site_details(feed, find_roles(feed), 1, REF)
    assert card["link"] is None and card["place"] == "Saint-Etienne-du-Rouvray"
    assert site_details(feed, find_roles(feed), 0, REF)["area"] == "Rue A entre X et Y"


def test_a_declared_finished_status_is_replayed_only_from_the_data_date():
    fields = (FieldInfo("statut", "Statut", "text", role="status"), FieldInfo("commune", "Commune", "text",
                                                                              role="commune"),
              FieldInfo("debut", "Début", "date", role="start_date"),
              FieldInfo("fin", "Fin prévue", "date", role="planned_end_date"),
              FieldInfo("fin_reelle", "Fin réelle", "date", role="actual_end_date"))
    frame = pd.DataFrame({"statut": ["Terminé", "Terminé", "en cours"], "commune": ["76540"] * 3,
                          "debut": [D("2026-01-05")] * 3, "fin": [D("2026-06-30"), D("2026-02-28"), D("2026-09-30")],
                          "fin_reelle": [pd.NaT, pd.NaT, D("2026-06-20")]})
    table = Table(frame=frame, fields=fields)
    roles = find_roles(table)
    # on 1 March, before the data's date (1 December): A has not reached its planned end, B has; C not yet ended
    assert status_on(table, roles, dt.date(2026, 3, 1), data_date=REF).tolist() == ["en cours", "terminé", "en cours"]
    figures = key_figures(table, roles, np.arange(3), REF, data_date=REF)
    assert figures.finished_this_year == 3  # A and B by their planned end (no actual end known), C by its actual end


def test_a_date_role_whose_field_is_not_dates_is_said_not_used():
    fields = (FieldInfo("debut", "Début", "text", role="start_date"), FieldInfo("fin", "Fin", "date",
                                                                               role="planned_end_date"),
              FieldInfo("commune", "Commune", "text", role="commune_name"))
    table = Table(frame=pd.DataFrame({"debut": ["à définir"], "fin": [D("2026-12-31")], "commune": ["Rouen"]}),
                  fields=fields)
    roles = find_roles(table)
    assert roles["start_date"] is None
    assert roles.missing_required == ["start_date (son champ n'est pas lu comme des dates)"]


def test_the_commune_asked_is_found_however_it_is_written_or_said_unknown(feed, outlines):
    from data_access.query import FilterError
    from features.travaux.view import chosen_commune

    offered = commune_choices(feed, find_roles(feed), commune_names(outlines))
    errors = []
    assert chosen_commune("rouen", offered, errors) == "Rouen"
    assert chosen_commune("SAINT-ETIENNE-DU-ROUVRAY", offered, errors) == "Saint-Étienne-du-Rouvray"
    assert chosen_commune("Le Petit-Quevilly", offered, errors) == "Petit-Quevilly" and errors == []
    assert chosen_commune("<script>", offered, errors) is None
    assert errors == [FilterError("ma_commune", "« <script> » n'est pas une commune de ces données ; aucune commune "
                                                "n'est choisie")]


def test_sites_in_no_commune_of_the_outlines_are_counted_and_named(feed, outlines):
    from features.travaux.communes import unplaced_sites

    feed.frame.loc[4, "field_commune"] = "Rouen rive gauche"
    feed = replace(feed)  # a changed table is another table: nothing derived from the former is used
    assert unplaced_sites(feed, find_roles(feed), np.arange(5), outlines) == (1, ["Rouen rive gauche"])
    assert unplaced_sites(feed, find_roles(feed), np.arange(4), outlines) == (0, [])


def test_a_commune_is_named_as_french_says_it():
    from data_access.french import at_place

    assert [at_place(n) for n in ("Rouen", "Le Petit-Quevilly", "Les Authieux-sur-le-Port-Saint-Ouen", "La Bouille")] \
        == ["à Rouen", "au Petit-Quevilly", "aux Authieux-sur-le-Port-Saint-Ouen", "à La Bouille"]
