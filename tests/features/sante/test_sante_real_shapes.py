"""The Santé dashboard with the shipped catalogue's entries on the CNAM export under both of its header styles
(the API's lowercase names, and the labels `Ntop`, `Npop`, `Niveau prioritaire` of use_labels=true): the same
figures, each the cell of the file, never a sum."""
from __future__ import annotations

import pandas as pd
import pytest

from features.sante.words import percent
from tests.helpers.apps import find_all, make_app, render_page, text_of
from tests.helpers.real_shapes_sante import effectifs_csv, effectifs_rows
from tests.helpers.rouen_snapshot import CATALOGUE

PATH = "/tableaux-de-bord/sante"


def cards(layout) -> dict[str, str]:
    return {text_of(c["props"]["children"][0]): text_of(c["props"]["children"][1])
            for c in find_all(layout, lambda n: n["props"].get("className") == "kpi-card")}


@pytest.fixture(scope="module")
def rows():
    kept = {("28", "76"), ("28", "999"), ("99", "999")}  # what the catalogue's `where` keeps
    return [r for r in effectifs_rows() if (r["region"], r["dept"]) in kept]


def layout_with(tmp_path, rows, labels: bool, search: str = "") -> dict:
    (tmp_path / "catalogue.toml").write_text(CATALOGUE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "pathologies.csv").write_bytes(effectifs_csv(rows, labels=labels))
    return render_page(make_app(tmp_path), PATH, search)["layout"]


def test_both_header_styles_give_the_same_figures_from_single_cells(tmp_path_factory, rows):
    search = "?refine.patho_niv1=Diabète&refine.patho_niv2=Diabète&refine.annee=2023"
    lower = layout_with(tmp_path_factory.mktemp("api"), rows, labels=False, search=search)
    labelled = layout_with(tmp_path_factory.mktemp("labels"), rows, labels=True, search=search)
    assert cards(lower) == cards(labelled)

    def cell(region, dept):
        return next(r for r in rows if (r["patho_niv1"], r["annee"], r["region"], r["dept"], r["sexe"],
                                        r["cla_age_5"]) == ("Diabète", "2023", region, dept, "9", "tsage"))

    shown = cards(lower)
    assert shown["patients en 2023"] == f"{cell('28', '76')['ntop']:,}".replace(",", "\u202f")
    assert shown["prévalence, Seine-Maritime (76)"] == percent(cell("28", "76")["prev"])
    assert shown["prévalence, Normandie"] == percent(cell("28", "999")["prev"])
    assert shown["prévalence, France"] == percent(cell("99", "999")["prev"])
    text = text_of(lower)
    # the access-to-care files are not there: the page says so and draws the rest
    assert "Diabète — 2023, Seine-Maritime (76), tous sexes, tous âges" in text and "indisponible" in text


def test_the_multivalued_priority_level_is_a_facet_of_each_value(tmp_path, rows):
    layout_with(tmp_path, rows, labels=True)
    app = make_app(tmp_path)
    table = app.server.extensions["portail"].repository.table("pathologies")
    field = table.field("niveau_prioritaire")
    assert field.type == "text" and field.separator == ","
    text = text_of(render_page(app, "/jeux-de-donnees/pathologies", "?refine.niveau_prioritaire=1")["layout"])
    expected = sum(1 for r in rows if "1" in r["niveau_prioritaire"])
    assert f"{expected:,} lignes".replace(",", "\u202f") in text
    information = text_of(render_page(app, "/jeux-de-donnees/pathologies", "?tab=information")["layout"])
    assert "texte, plusieurs valeurs séparées par « , »" in information


def test_a_trend_over_two_years_has_ticks_on_whole_years_only():
    from components.chart import figure
    from data_access.analysis import ChartSpec

    data = pd.DataFrame({"x": [2022, 2023], "series": ["ensemble", "ensemble"], "value": [3.6, 3.2]})
    axis = figure(data, ChartSpec(chart="line", x="annee"), "APL", "Année")["layout"]["xaxis"]
    assert (axis["tickformat"], axis["dtick"]) == ("d", 1)  # never « 2 022,2 »
    months = pd.DataFrame({"x": ["2026-03", "2026-04"], "value": [1, 2]})
    assert "tickformat" not in figure(months, ChartSpec(chart="bar", x="debut"), "n", "Mois")["layout"]["xaxis"]
