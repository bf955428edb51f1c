"""The rough edges a first visit hits on Santé: a gap in points read from the values shown (5,8 % − 5,2 % is
0,6 point), age classes in their natural order, years without a thousands separator, counts with one."""
from __future__ import annotations

import pandas as pd

from data_access.dataset_view import _display, _facet_items, is_year_field
from data_access.french import lower_bound, natural_key, points_gap
from data_access.query import parse_query
from data_access.readers.base import FieldInfo, Table
from features.sante import choices as sante_choices
from features.sante import data as sante
from features.sante import words as sante_words
from tests.helpers import sante_oracle

FIELDS = (
    FieldInfo("annee", "Année", "int", role="year"),
    FieldInfo("n1", "Niveau 1", "text", role="pathology_l1"),
    FieldInfo("region", "Région", "text", role="region"),
    FieldInfo("dept", "Département", "text", role="dept"),
    FieldInfo("sexe", "Sexe", "int", role="sex"),
    FieldInfo("age", "Âge", "text", role="age_class"),
    FieldInfo("libelle", "Libellé de l'âge", "text", role="age_label"),
    FieldInfo("ntop", "Patients", "int", role="patients"),
    FieldInfo("npop", "Population", "int", role="population"),
    FieldInfo("prev", "Prévalence", "double", role="prevalence"),
)


def cube_of(cells: list[tuple]) -> sante.Cube:
    """(year, n1, region, dept, age, label, prevalence) cells, all sexes."""
    rows = [{"annee": y, "n1": n1, "region": r, "dept": d, "sexe": 9, "age": a, "libelle": lab, "ntop": 100,
             "npop": 1000, "prev": p} for y, n1, r, d, a, lab, p in cells]
    return sante_oracle.cube(Table(frame=pd.DataFrame(rows), fields=FIELDS))


def test_a_gap_in_points_is_the_difference_of_the_values_shown():
    # 5,76 % shows as 5,8 % and 5,24 % as 5,2 %: the gap a reader computes is 0,6, not the exact 0,52 (« 0,5 »)
    cube = cube_of([(2019, "Diabète", "28", "76", "tsage", "tous âges", 5.0),
                    (2020, "Diabète", "28", "76", "tsage", "tous âges", 5.76),
                    (2020, "Diabète", "28", "999", "tsage", "tous âges", 5.5),
                    (2020, "Diabète", "99", "999", "tsage", "tous âges", 5.24)])
    selection, _ = sante_choices.resolve(cube, {"node": "Diabète"}, ("28", "76"))
    figures = sante.key_figures(cube, selection)
    assert sante_words.percent(figures.prevalence) == "5,8\u202f%"
    assert sante_words.percent(figures.prevalence_france) == "5,2\u202f%"
    assert sante_words.points(figures.gap_france) == "+0,6 point"
    assert sante_words.points(figures.change_points) == "+0,8 point"  # 5,8 − 5,0, not 0,76
    # the ranking's table shows its prevalences with 2 decimals: its gap is computed on them, and shown so
    ranking = sante.ranking(cube, selection)
    assert sante_words.points(ranking["gap"].iloc[0], sante.TABLE_DIGITS) == "+0,52 point"
    assert points_gap(5.76, 5.24) == 0.6 and points_gap(5.24, 5.76) == -0.6 and points_gap(None, 1.0) is None
    assert points_gap(5.76, float("nan")) is None and points_gap(45.6, 44.4, 0) == 2  # 46 % and 44 %


def test_age_classes_are_listed_by_their_lower_bound():
    labels = {"0-4": "de 0 à 4 ans", "5-9": "de 5 à 9 ans", "10-14": "de 10 à 14 ans", "95+": "95 ans et plus"}
    cells = [(2020, "Diabète", "28", "76", code, label, 1.0 + i) for i, (code, label) in enumerate(labels.items())]
    # in the file's (text) order: 0-4, 10-14, 5-9, 95+; codes without a number are ordered by their label
    cube = cube_of(sorted(cells, key=lambda c: c[4]) + [(2020, "Diabète", "28", "76", "tsage", "tous âges", 2.0)])
    assert cube.ages == ["0-4", "5-9", "10-14", "95+"]
    selection, _ = sante_choices.resolve(cube, {"node": "Diabète"}, ("28", "76"))
    assert sante.pyramid(cube, selection)["label"].tolist() == list(labels.values())
    by_label = cube_of([(2020, "Diabète", "28", "76", f"classe {chr(66 + i)}", label, 1.0)
                        for i, label in enumerate(["de 10 à 14 ans", "moins de 5 ans", "de 5 à 9 ans"])])
    assert [by_label.age_labels[a] for a in by_label.ages] == ["moins de 5 ans", "de 5 à 9 ans", "de 10 à 14 ans"]
    assert [lower_bound(t) for t in ("05-09", "95et+", "moins de 5 ans", "tsage")] == [5, 95, 0, None]
    assert sorted(["de 10 à 14 ans", "de 0 à 4 ans", "de 5 à 9 ans"], key=natural_key) == [
        "de 0 à 4 ans", "de 5 à 9 ans", "de 10 à 14 ans"]


def test_a_dataset_page_lists_age_classes_in_order_and_years_without_separator():
    label = FieldInfo("libelle", "Libellé de la classe d'âge", "text", facet=True, role="age_label")
    counts = [("de 0 à 4 ans", 7), ("de 10 à 14 ans", 7), ("de 5 à 9 ans", 7), ("de 15 à 19 ans", 9)]
    assert [v for v, _, _ in _facet_items(label, counts, parse_query({}, (label,))[0])] == [
        "de 0 à 4 ans", "de 5 à 9 ans", "de 10 à 14 ans", "de 15 à 19 ans"]  # by age, whatever the counts
    plain = FieldInfo("theme", "Thème", "text", facet=True)  # other facets: by count, as before
    assert [v for v, _, _ in _facet_items(plain, [("b", 3), ("a", 3), ("c", 5)], parse_query({}, (plain,))[0])] == [
        "c", "a", "b"]
    year = FieldInfo("annee", "Année", "int")
    assert is_year_field(year) and not is_year_field(FieldInfo("ntop", "Patients", "int"))
    assert (_display(2015, is_year_field(year)), _display(2024.0, True)) == ("2015", "2024")  # never « 2 015 »
    assert _display(24570) == "24\u202f570"
