"""The Travaux definitions, pinned with hand-computed values (reference date 2026-06-15)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data_access.readers.base import FieldInfo, Table
from features.travaux.data import find_roles, is_late, status_on
from tests.helpers.travaux_oracle import key_figures
from tests.helpers.travaux_tables import FIELDS, REF, edge_table

@pytest.fixture
def table() -> Table:
    return edge_table()


def test_status_on_the_data_date(table):
    status = status_on(table, find_roles(table), REF, data_date=REF)
    assert status.tolist() == ["en cours", "en cours", "programmé", "terminé", "en cours", "suspendu", "programmé"]


def test_status_replayed_on_an_earlier_date(table):
    roles = find_roles(table)
    assert status_on(table, roles, dt.date(2026, 2, 25), data_date=REF).tolist() == [
        "en cours", "en cours", "programmé", "terminé", "en cours", "en cours", "programmé"]
    # on 15 January, D had not finished yet and F had not started
    assert status_on(table, roles, dt.date(2026, 1, 15), data_date=REF).tolist() == [
        "en cours", "en cours", "programmé", "en cours", "en cours", "programmé", "programmé"]


def test_late_past_planned_end_or_behind_schedule(table):
    roles = find_roles(table)
    # B is past its planned end; E has 10 % done after 45.3 % of its duration (more than 20 points behind)
    assert is_late(table, roles, REF, data_date=REF).tolist() == [False, True, False, False, True, False, False]
    # before the data's date progress is not known: only the planned end counts, and nothing had passed it
    assert not is_late(table, roles, dt.date(2026, 2, 25), data_date=REF).any()


def test_status_derived_from_dates_when_the_data_has_none(table):
    bare = Table(frame=table.frame.drop(columns=["statut", "fin_reelle"]),
                 fields=tuple(f for f in FIELDS if f.name not in ("statut", "fin_reelle")))
    roles = find_roles(bare)
    assert roles["status"] is None
    # without an actual end, the planned end says when a site finished
    assert status_on(bare, roles, REF).tolist() == [
        "en cours", "terminé", "programmé", "terminé", "en cours", "en cours", "programmé"]


def test_key_figures(table):
    figures = key_figures(table, find_roles(table), np.arange(7), REF, data_date=REF)
    assert (figures.sites, figures.in_progress, figures.upcoming, figures.finished_this_year, figures.late) == (
        7, 4, 1, 1, 2)
    assert (figures.budget_planned, figures.budget_committed) == (1250.0, 720.0)
    # (50×100 + 80×300 + 0×50 + 100×200 + 10×600) / (100 + 300 + 50 + 200 + 600); F has no budget, G a zero one
    assert figures.weighted_progress == pytest.approx(44.0)


def test_key_figures_of_a_selection_and_missing_roles(table):
    figures = key_figures(table, find_roles(table), np.array([1, 4]), REF, data_date=REF)
    assert (figures.sites, figures.late) == (2, 2)
    assert figures.weighted_progress == pytest.approx((80 * 300 + 10 * 600) / 900)
    bare = Table(frame=table.frame, fields=tuple(f for f in FIELDS if f.role not in ("budget_planned", "progress")))
    roles = find_roles(bare)
    figures = key_figures(bare, roles, np.arange(7), REF)
    assert figures.budget_planned is None and figures.weighted_progress is None
    assert roles.missing_required == []
    nowhere = Table(frame=table.frame, fields=tuple(f for f in FIELDS if f.role not in ("commune", "start_date")))
    assert find_roles(nowhere).missing_required == ["start_date", "geometry"]


def test_schedule_and_timeline(table):
    from features.travaux.charts import gantt_sites, progress_summary, schedule

    data = schedule(table, find_roles(table), np.arange(7), REF, data_date=REF)
    assert data["title"].tolist() == list("ABCDEFG")
    assert data.loc[0, "elapsed"] == pytest.approx(100 * 165 / 364)  # A: 165 of 364 planned days
    assert data.loc[5, "elapsed"] == pytest.approx(100 * 134 / 272)  # F: 134 of 272 days
    # running sites, late first then by planned end (B, E late; A, F on time), then the next to start (C, G)
    assert gantt_sites(data)["title"].tolist() == ["B", "E", "F", "A", "C", "G"]
    assert progress_summary(data).startswith("4 chantiers en cours, dont 2 en retard : 1 a un avancement "
                                             "inférieur de plus de 20 points")


def test_in_my_commune_lists_running_and_soon_starting_sites_disruptive_first(table):
    from features.travaux.communes import commune_choices, in_my_commune

    frame = table.frame.assign(commune=["Rouen", "Rouen", "Rouen", "Rouen", "Elbeuf", "Rouen", "Rouen"],
                               impact=["aucun", "fort", None, "fort", "modéré", "faible", "fort"])
    fields = FIELDS + (FieldInfo("impact", "Impact", "text", role="traffic_impact"),)
    local = Table(frame=frame, fields=fields)
    roles = find_roles(local)
    sites = in_my_commune(local, roles, "Rouen", REF, data_date=REF)
    # A, B, F run; C starts in 16 days (G in 47: not yet); D is finished; E is in Elbeuf
    assert sites["title"].tolist() == ["B", "F", "A", "C"]  # with an impact first (B fort, F faible), then by start
    assert sites["disrupts"].tolist() == [True, True, False, False]
    assert commune_choices(local, roles) == ["Elbeuf", "Rouen"]


def test_map_sizes_by_budget_class(table):
    from features.travaux.map import budget_sizes, size_legend

    # known budgets 50, 100, 200, 300, 600: quartiles 100, 200, 300, rounded to 100, 200, 200 -> two thresholds
    sizes, thresholds = budget_sizes(table, find_roles(table))
    assert thresholds == [100, 200]
    assert sizes == "1312300"  # A 100 -> 1, B 300 -> 3, C 50 -> 1, D 200 -> 2, E 600 -> 3, F unknown and G 0 -> 0
    assert size_legend(thresholds) == ["jusqu'à 100 €", "de 100 € à 200 €", "plus de 200 €"]
    no_budget = Table(frame=table.frame, fields=FIELDS[:7])
    assert budget_sizes(no_budget, find_roles(no_budget)) == ("", [])


def test_sites_per_commune_match_codes_or_names(table):
    from data_access.geometry.geo import choropleth_classes
    from features.travaux.communes import by_commune

    sites = Table(frame=table.frame.assign(commune=["Rouen", "Rouen", "Elbeuf", "Rouen", "Elbeuf", "Rouen", "Rouen"]),
                  fields=FIELDS)
    outlines = Table(frame=pd.DataFrame({"insee": ["76540", "76231", "76484"], "nom": ["Rouen", "Elbeuf", "Oissel"]}),
                     fields=(FieldInfo("insee", "Code", "text", role="commune"),
                             FieldInfo("nom", "Nom", "text", role="commune_name")))
    # the sites name their commune: matched with the outlines' names; Oissel has none
    data = by_commune(sites, find_roles(sites), np.arange(7), outlines)
    assert data.to_dict("list") == {"row": [0, 1, 2], "name": ["Rouen", "Elbeuf", "Oissel"], "sites": [5, 2, 0],
                                    "budget": [600.0, 650.0, 0.0]}  # Rouen 100+300+200+0 (F unknown), Elbeuf 50+600
    # a selection counts only its rows
    assert by_commune(sites, find_roles(sites), np.array([2]), outlines)["sites"].tolist() == [1, 0, 0]
    # places that are not these communes (Paris postcodes): no layer
    paris = Table(frame=table.frame.assign(commune=["75015"] * 7), fields=FIELDS)
    assert by_commune(paris, find_roles(paris), np.arange(7), outlines) is None
    # shades: non-zero values in five equal-count classes (whole bounds for counts), 0 for none
    assert choropleth_classes(data["sites"]) == ([4, 1, 0], [2.0, 3.0, 4.0, 5.0])


def test_a_site_card_on_the_reference_date(table):
    from features.travaux.map import site_details

    roles = find_roles(table)
    site = site_details(table, roles, 1, REF, data_date=REF)  # B: due 31 March, 80 % done
    assert (site["title"], site["status"], site["late"], site["place"]) == ("B", "en cours", True, "Rouen")
    assert (site["progress"], site["elapsed"], site["budget_planned"], site["budget_committed"]) == (80, 100, 300, 350)
    assert site["progress_known"] and site["actual_end"] is None and site["owner"] is None
    earlier = site_details(table, roles, 1, dt.date(2026, 2, 1), data_date=REF)
    assert earlier["status"] == "en cours" and not earlier["late"] and not earlier["progress_known"]


def test_unknown_budgets_are_never_zero_euros(table):
    from features.travaux.communes import by_commune

    frame = table.frame.assign(budget=np.nan, engage=np.nan, commune=["Rouen"] * 6 + ["Elbeuf"])
    blank = Table(frame=frame, fields=FIELDS)
    roles = find_roles(blank)
    figures = key_figures(blank, roles, np.arange(7), REF, data_date=REF)
    assert figures.budget_planned is None and figures.budget_committed is None and figures.weighted_progress is None
    outlines = Table(frame=pd.DataFrame({"nom": ["Rouen", "Elbeuf", "Oissel"]}),
                     fields=(FieldInfo("nom", "Nom", "text", role="commune"),))
    data = by_commune(blank, roles, np.arange(7), outlines)
    assert data["sites"].tolist() == [6, 1, 0]
    assert data["budget"].tolist()[:2] == [pytest.approx(np.nan, nan_ok=True)] * 2 and data["budget"].iloc[2] == 0
