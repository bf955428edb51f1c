"""The Santé dashboard's cells found by the engine (features/sante/cells.py) give every figure the whole table's
reading gave (tests/helpers/sante_oracle.py): the file's facts, the reader's choices with their notices, the key
figures, the trend, the pyramid, the ranking and the picker, on the demo, the CNAM export's shapes under both
header styles, the real damaged extract, and hand-written edge cases (codes written several ways, cells held
twice, rows without a pathology or a year, no prevalence column, levels that repeat)."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from data_access.readers.base import FieldInfo, Table
from features.sante import cells
from features.sante import choices as sante_choices
from features.sante import data as sante
from tests.helpers import sante_oracle
from tests.helpers.apps import make_app
from tests.helpers.engines import backend_of
from tests.helpers.real_shapes_sante import effectifs_csv, effectifs_rows
from tests.helpers.sante_tables import REAL_ENTRY, ROLE_FIELDS, diabetes_table
from tests.helpers.rouen_snapshot import CATALOGUE

FACTS = ("nodes", "years", "ages", "age_labels", "ambiguous", "rounded", "prevalence_computed", "departements",
         "best_covered")
FIGURES = (sante.trend, sante.pyramid, sante.ranking)


def assert_same(backend, table: Table, asked_list: list[dict], homes=(None,)) -> int:
    """For each of the reader's asked choices (and each home département), the engine's cube gives what the whole
    table's gives; the number of cells the views read, for the caller."""
    roles = sante.find_roles(table)
    expected = sante_oracle.cube(table)
    shape = cells.forme(backend, roles)
    for name in FACTS:
        assert getattr(shape.facts, name) == getattr(expected, name), name
    read = 0
    for asked, home in itertools.product(asked_list, homes):
        place, _ = sante_choices.resolve(shape.facts, asked, home)
        cube = cells.cube(backend, roles, shape, place)
        found, found_notes = sante_choices.resolve(cube, asked, home)
        wanted, wanted_notes = sante_choices.resolve(expected, asked, home)
        where = (asked, home)
        assert found == wanted, where
        assert [(n.param, n.message) for n in found_notes] == [(n.param, n.message) for n in wanted_notes], where
        assert sante.key_figures(cube, found) == sante.key_figures(expected, wanted), where
        assert sante.picker_entries(cube, found) == sante.picker_entries(expected, wanted), where
        for figure in FIGURES:
            pd.testing.assert_frame_equal(figure(cube, found), figure(expected, wanted), check_exact=True,
                                          obj=f"{figure.__name__} {where}")
        read = max(read, len(cube.index))
    return read


def every_choice(table: Table, nodes: int = 40) -> list[dict]:
    """Choices over the file's pathologies, sexes, age classes, years and départements, some of them unknown."""
    expected = sante_oracle.cube(table)
    keys = [k for k, n in expected.nodes.items() if n.has_data][:nodes]
    asked = [{"node": k} for k in keys]
    asked += [{"node": k, "sex": sex, "age": age} for k, sex, age in itertools.product(
        keys[:4], ("1", "2", "9"), ([sante.TOTAL_AGE] + expected.ages)[:4])]
    asked += [{"node": keys[0], "dept": dept} for _, dept in expected.departements]
    asked += [{"node": keys[-1], "year": str(year)} for year in expected.years]
    asked += [{"node": "Grippe", "year": "1990", "sex": "7", "age": "12-13", "dept": "2A"}, {}]
    return asked


def test_the_demo_cells_are_the_same_in_sql():
    repository = make_app(TILE_URL="").server.extensions["portail"].repository
    table, backend = repository.table("pathologies"), repository.backend("pathologies")
    assert assert_same(backend, table, every_choice(table), homes=(None, ("28", "76"))) > 100


@pytest.mark.parametrize("labels", [False, True])
def test_the_cnam_export_shapes_are_the_same_in_sql(tmp_path, labels):
    (tmp_path / "catalogue.toml").write_text(CATALOGUE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "pathologies.csv").write_bytes(effectifs_csv(effectifs_rows(), labels=labels))
    repository = make_app(tmp_path, TILE_URL="").server.extensions["portail"].repository
    table, backend = repository.table("pathologies"), repository.backend("pathologies")
    assert assert_same(backend, table, every_choice(table), homes=(None, ("28", "76"))) > 0


def test_the_real_damaged_extract_is_the_same_in_sql(realdata, tmp_path):
    (tmp_path / "sante_ameli_pathologies").symlink_to(realdata / "sante_ameli_pathologies")
    (tmp_path / "catalogue.toml").write_text(REAL_ENTRY, encoding="utf-8")
    repository = make_app(tmp_path, TILE_URL="").server.extensions["portail"].repository
    table, backend = repository.table("pathologies-reel"), repository.backend("pathologies-reel")
    assert assert_same(backend, table, every_choice(table, nodes=200), homes=(None, ("28", "76"))) > 0


def edge_tables() -> dict[str, Table]:
    base = diabetes_table()
    frame = base.frame
    tables = {"as-written": base}
    # a cell held twice, once as written and once with its codes written otherwise (one cell for data.py)
    twice = frame.iloc[[0]].assign(dept="076", region=" 28")
    tables["held-twice"] = Table(frame=pd.concat([frame, frame.iloc[[3]], twice], ignore_index=True),
                                 fields=ROLE_FIELDS)
    # codes written several ways, rows without a pathology or a year, a level that repeats the one above
    spelled = frame.assign(dept=frame["dept"].map({"76": "076", "999": "999"}), region=frame["region"] + " ")
    odd = pd.DataFrame([
        sante_row(2020, None, None, None, "28", "76", 9, "tsage", 10, 100),
        sante_row(2020, "  ", "X", None, "28", "76", 9, "tsage", 10, 100),
        sante_row(None, "Diabète", None, None, "28", "76", 9, "tsage", 10, 100),
        sante_row(2020, "Asthme", "Asthme", "Asthme", "28", "76", 9, " tsage ", 30, 1000),
        sante_row(2020, "Asthme", "Asthme sévère", None, "28", "76", 2, "00-04", 5, 100),
        sante_row(2020, "Rhumatismes", "Arthrose", "Arthrose", None, "77", 9, "tsage", 40, 1000),
        sante_row(2021, "Rhumatismes", "Arthrose", None, "11", "77", 1, "05-09", 45, 1000),
    ])
    tables["spelled"] = Table(frame=pd.concat([spelled, odd], ignore_index=True).astype({"annee": "Int64"}),
                              fields=ROLE_FIELDS)
    computed = frame.drop(columns="prev").assign(npop=frame["npop"].where(frame.index % 5 != 0, 0))
    tables["no-prevalence"] = Table(frame=computed, fields=tuple(f for f in ROLE_FIELDS if f.name != "prev"))
    rounded = frame.assign(ntop=(frame["ntop"] // 10) * 10)
    tables["rounded"] = Table(frame=rounded, fields=ROLE_FIELDS)
    labelled = frame.assign(libelle=frame["age"].map({"00-04": "de 0 à 4 ans", "65-69": "de 65 à 69 ans"}))
    tables["labelled"] = Table(frame=labelled, fields=(*ROLE_FIELDS, FieldInfo("libelle", "Libellé", "text",
                                                                                role="age_label")))
    tables["one-year"] = Table(frame=frame[frame["annee"] == 2020].reset_index(drop=True), fields=ROLE_FIELDS)
    # no cell at all: no row, or no row with a year
    tables["empty"] = Table(frame=frame.iloc[0:0], fields=ROLE_FIELDS)
    tables["no-year"] = Table(frame=frame.assign(annee=pd.array([None] * len(frame), dtype="Int64")),
                              fields=ROLE_FIELDS)
    return tables


def sante_row(year, n1, n2, n3, region, dept, sex, age, ntop, npop) -> dict:
    return {"annee": year, "n1": n1, "n2": n2, "n3": n3, "region": region, "dept": dept, "sexe": sex, "age": age,
            "ntop": ntop, "npop": npop, "prev": np.nan if not npop else round(100 * ntop / npop, 3)}


@pytest.mark.parametrize("name", list(edge_tables()))
def test_the_edge_cases_are_the_same_in_sql(tmp_path, name):
    table = edge_tables()[name]
    backend = backend_of(table, tmp_path)
    asked = every_choice(table) + [{"node": "Diabète", "dept": "076"}, {"node": "Asthme", "age": "tsage"},
                                   {"node": "Diabète › Type 2", "sex": "1", "age": "65-69"}]
    read = assert_same(backend, table, asked, homes=(None, ("28", "76"), ("11", "77")))
    assert (read > 0) == (name not in ("empty", "no-year"))


def test_a_cell_held_twice_is_left_out_by_the_engine_too(tmp_path):
    table = edge_tables()["held-twice"]
    shape = cells.forme(backend_of(table, tmp_path), sante.find_roles(table))
    assert shape.facts.ambiguous == 4  # two cells twice each: one of them written « 076 » and « 28 » the second time
    cube = cells.cube(backend_of(table, tmp_path), sante.find_roles(table), shape,
                      sante_choices.Selection("Diabète", 2019, "9", "tsage", "28", "76"))
    assert cube.cell("Diabète", 2019, "28", "76") is None and cube.cell("Diabète", 2020, "28", "76") is not None


def test_a_year_that_is_no_number_is_no_year():
    years = sante.years_of(pd.Series(["2019", " 2020", "inf", "s.o.", None, "2021.0"], dtype="object"))
    assert years.tolist()[:2] == [2019.0, 2020.0] and years.iloc[2:5].isna().all() and years.iloc[5] == 2021.0
