"""The Santé definitions pinned with hand-computed values: one row per cell (no double count), the comparisons
with the region and France, the repairs of damaged files, and the access-to-care figures."""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from data_access.catalogue.model import Dataset, FieldSpec
from data_access.readers import read_table
from data_access.readers.base import FieldInfo, Table
from data_access.readers.repairs import undo_spreadsheet_date
from features.sante import access as sante_access
from features.sante import choices as sante_choices
from features.sante import data as sante
from features.sante import words as sante_words
from tests.helpers import sante_oracle
from tests.helpers.sante_tables import ROLE_FIELDS, diabetes_table
from tests.helpers.paths import FIXTURES

@pytest.fixture
def table() -> Table:
    return diabetes_table()


HOME = ("28", "76")


def test_the_tree_of_pathologies(table):
    cube = sante_oracle.cube(table)
    # "Type 2 › Type 2" is the level-2 node "Type 2"; the order is the file's, parents first
    assert list(cube.nodes) == ["Diabète", "Diabète › Type 2", "Cancers"]
    assert [n.level for n in cube.nodes.values()] == [1, 2, 1]
    assert cube.years == [2019, 2020] and cube.ages == ["00-04", "65-69"] and cube.ambiguous == 0


def test_key_figures_read_one_row_each(table):
    cube = sante_oracle.cube(table)
    selection, notes = sante_choices.resolve(cube, {"node": "Diabète"}, HOME)
    assert notes == [] and selection == sante_choices.Selection("Diabète", 2020, "9", "tsage", "28", "76")
    figures = sante.key_figures(cube, selection)
    assert figures.patients == 1000  # the total row, not 1000 + 900 (type 2) + 550 + 400 (sexes) + ages
    assert figures.prevalence == 10.0  # 1000 / 10 000
    assert figures.prevalence_region == pytest.approx(7.333)  # 2200 / 30 000
    assert figures.prevalence_france == 6.5  # 52 000 / 800 000
    assert figures.gap_france == pytest.approx(3.5)  # 10.0 - 6.5 points
    assert figures.first_year == 2019
    assert figures.change_points == pytest.approx(1.0)  # 10.0 - 9.0
    assert figures.change_patients == pytest.approx(100 * (1000 - 900) / 900)


def test_sex_and_age_choices_read_their_own_cells(table):
    cube = sante_oracle.cube(table)
    women, _ = sante_choices.resolve(cube, {"node": "Diabète", "sex": "2", "age": "65-69"}, HOME)
    figures = sante.key_figures(cube, women)
    assert figures.patients == int(int(1000 * 0.4) * 0.3)  # 120, the one cell of women aged 65-69
    assert figures.prevalence == pytest.approx(100 * 120 / 250)


def test_charts_never_sum_rows(table):
    cube = sante_oracle.cube(table)
    selection, _ = sante_choices.resolve(cube, {"node": "Diabète"}, HOME)
    trend = sante.trend(cube, selection)
    assert trend.to_dict("list") == {
        "x": [2019, 2019, 2019, 2020, 2020, 2020],
        "series": ["Seine-Maritime (76)", "Normandie", "France"] * 2,
        "value": [9.0, pytest.approx(6.667), 6.25, 10.0, pytest.approx(7.333), 6.5]}  # Normandie 2000 / 30 000
    pyramid = sante.pyramid(cube, selection)  # by age and sex: the detail cells, one each
    assert pyramid["hommes"].tolist() == [pytest.approx(100 * 5 / 250), pytest.approx(100 * 165 / 250)]
    assert pyramid["femmes"].tolist() == [pytest.approx(100 * 4 / 250), pytest.approx(100 * 120 / 250)]
    ranking = sante.ranking(cube, selection)  # level-1 pathologies only: Type 2 is part of Diabète
    assert ranking["label"].tolist() == ["Diabète", "Cancers"]
    assert ranking["gap"].tolist() == [pytest.approx(3.5), pytest.approx(5.0 - 4.5)]
    entries = sante.picker_entries(cube, selection)
    assert [(e["label"], e["patients"]) for e in entries] == [("Diabète", 1000), ("Type 2", 900), ("Cancers", 500)]


def test_a_cell_held_twice_is_not_used(table):
    frame = pd.concat([table.frame, table.frame.iloc[[0]]], ignore_index=True)  # Diabète 2019, 76, 9, tsage twice
    cube = sante_oracle.cube(Table(frame=frame, fields=ROLE_FIELDS))
    assert cube.ambiguous == 2
    assert cube.cell("Diabète", 2019, "28", "76") is None
    selection, _ = sante_choices.resolve(cube, {"node": "Diabète"}, HOME)
    assert sante.key_figures(cube, selection).first_year is None  # 2019 is ambiguous: no change figure


def test_choices_the_file_lacks_fall_back_with_a_notice(table):
    cube = sante_oracle.cube(table)
    selection, notes = sante_choices.resolve(cube, {"node": "Grippe", "year": "1990", "sex": "7", "age": "12-13",
                                            "dept": "2A"}, HOME)
    assert selection == sante_choices.Selection("Diabète", 2020, "9", "tsage", "28", "76")
    assert [n.param for n in notes] == ["refine.dept", "refine.n1", "refine.sexe", "refine.age", "refine.annee"]
    assert notes[0].message.startswith("le département « 2A » n'est pas dans le fichier")
    assert sante_choices.resolve(cube, {"node": "Diabète", "dept": "076"}, None)[0].dept == "76"  # codes compared as codes


def test_a_single_year_says_so_instead_of_a_trend(table):
    cube = sante_oracle.cube(Table(frame=table.frame[table.frame["annee"] == 2020], fields=ROLE_FIELDS))
    selection, _ = sante_choices.resolve(cube, {"node": "Diabète"}, HOME)
    figures = sante.key_figures(cube, selection)
    assert figures.change_points is None and figures.change_note == "le fichier n'a qu'une année (2020) : " \
                                                                    "pas d'évolution à montrer"


def test_the_extract_of_a_view_is_its_selection(table):
    cube = sante_oracle.cube(table)
    selection, _ = sante_choices.resolve(cube, {"node": "Diabète › Type 2", "sex": "1"}, HOME)
    assert sante_choices.selection_refines(cube, selection) == [
        ("refine.n1", "Diabète"), ("refine.n2", "Type 2"), ("refine.annee", "2020"), ("refine.dept", "76"),
        ("refine.sexe", "1"), ("refine.age", "tsage")]


@pytest.mark.parametrize(("damaged", "repaired"), [("05-sept", "05-09"), ("oct-14", "10-14"), ("5-Sep", "05-09"),
                                                   ("janv.-04", "01-04"), ("00-04", None), ("95et+", None)])
def test_age_classes_turned_into_dates_are_undone(damaged, repaired):
    assert undo_spreadsheet_date(damaged) == repaired


def test_a_damaged_file_is_repaired_and_each_repair_logged(caplog):
    fields = (FieldSpec(name="cla_age_5", role="age_class"), FieldSpec(name="ntop", role="patients", type="int"),
              FieldSpec(name="prev", role="prevalence", type="double"), FieldSpec(name="sexe", role="sex"))
    dataset = Dataset(id="abime", title="Abîmé", theme="Santé", format="csv", path="effectifs_abimes.csv",
                      fields=fields)
    with caplog.at_level(logging.WARNING):
        table = read_table(dataset, FIXTURES / "sante" / "effectifs_abimes.csv")
    assert table.frame["cla_age_5"].tolist() == ["tsage", "05-09", "10-14", "10-14"]
    assert table.frame["ntop"].tolist() == [1200, 20, 30, 25]  # "Ntop": the declared field
    assert table.frame["prev"].tolist() == [12.0, 2.0, 3.0, 2.5]  # decimal commas
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 5 and all(m.startswith("jeu de données « abime » : ") for m in logged)
    assert any("« Ntop » est lue comme le champ déclaré « ntop »" in m for m in logged)
    assert any("« Sexe » est lue comme le champ déclaré « sexe »" in m for m in logged)
    assert any("« Prev » a des virgules décimales" in m for m in logged)
    assert any("2 valeur(s) transformée(s) en dates par un tableur" in m and "« oct-14 » → « 10-14 »" in m
               for m in logged)


ACCESS_FIELDS = (FieldInfo("annee", "Année", "int", role="year"), FieldInfo("insee", "Code", "text", role="commune"),
                 FieldInfo("nom", "Commune", "text", role="commune_name"),
                 FieldInfo("pop", "Population", "int", role="population"),
                 FieldInfo("mg", "Médecins généralistes", "double", role="indicator", unit="pour 10 000 hab."))


@pytest.fixture
def access() -> Table:
    frame = pd.DataFrame({"annee": [2022, 2022, 2022, 2023, 2023], "insee": ["76540", "76231", "76484"] + ["76540"] * 2,
                          "nom": ["Rouen", "Elbeuf", "Oissel", "Rouen", "Rouen"], "pop": [100, 20, 10, 100, 100],
                          "mg": [10.0, 4.0, np.nan, 12.0, 99.0]})
    return Table(frame=frame, fields=ACCESS_FIELDS)


def test_access_to_care_per_commune(access):
    data = sante_access.commune_values(access, "mg", 2022)
    assert data[["name", "value"]].to_dict("list") == {"name": ["Rouen", "Elbeuf", "Oissel"],
                                                       "value": [10.0, 4.0, pytest.approx(np.nan, nan_ok=True)]}
    # weighted by population over the communes with a value: (10 x 100 + 4 x 20) / 120
    assert sante_access.overall_value(data) == (pytest.approx(1080 / 120), "moyenne pondérée par la population")
    assert sante_access.commune_values(access, "mg", 2023)["value"].tolist() == [12.0]  # a commune listed twice: first row
    assert sante_access.access_year(access, 2024) == (2023, "l'offre de soins n'est pas connue pour 2024 : l'année 2023 "
                                                     "est affichée")
    assert sante_access.access_year(access, 2022) == (2022, None)
    evolution = sante_access.evolution(access, "mg", "76231")
    assert evolution.to_dict("list") == {
        "x": [2022, 2022, 2023], "series": ["ensemble des communes (moyenne pondérée par la population)", "Elbeuf",
                                            "ensemble des communes (moyenne pondérée par la population)"],
        "value": [pytest.approx(9.0), 4.0, 12.0]}


def test_a_missing_year_is_a_gap_not_a_join(table):
    frame = table.frame[~((table.frame["annee"] == 2019) & (table.frame["dept"] == "999")
                          & (table.frame["region"] == "28"))]  # Normandie's 2019 rows removed
    extra = frame[frame["annee"] == 2020].assign(annee=2021)
    cube = sante_oracle.cube(Table(frame=pd.concat([frame, extra]), fields=ROLE_FIELDS))
    selection, _ = sante_choices.resolve(cube, {"node": "Diabète", "year": "2021"}, HOME)
    trend = sante.trend(cube, selection)
    normandie = trend[trend["series"] == "Normandie"]
    assert normandie["x"].tolist() == [2020, 2021]  # nothing before its first known year
    departement = trend[trend["series"] == "Seine-Maritime (76)"]
    assert departement["x"].tolist() == [2019, 2020, 2021] and departement["value"].notna().all()
    gapped = Table(frame=pd.concat([frame, extra])[lambda f: ~((f["annee"] == 2020) & (f["dept"] == "76"))],
                   fields=ROLE_FIELDS)
    cube = sante_oracle.cube(gapped)
    selection, _ = sante_choices.resolve(cube, {"node": "Diabète", "year": "2021"}, HOME)
    values = sante.trend(cube, selection).query("series == 'Seine-Maritime (76)'")["value"].tolist()
    assert values[0] == 9.0 and np.isnan(values[1]) and values[2] == 10.0  # 2020 missing: a gap
    assert "1 valeur(s) manquent dans le fichier" in sante_words.trend_summary(sante.trend(cube, selection), cube)
