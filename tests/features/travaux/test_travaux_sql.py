"""The Travaux dashboard's figures counted by the engine (SQL over the served Parquet file) are the figures pandas
gave over the whole table (tests/helpers/travaux_oracle.py): on the demo, the real-shaped Rouen export, the real
Opendatasoft exports and hand-written edge cases, for reference dates before, on and after the data's own date and
for the filters a reader uses. Counts are equal; amounts are equal to the last cent and print the same (only the
order of a float sum differs)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from data_access.engine.columns import ROW
from data_access.engine.sql import Bound
from data_access.query import Query, parse_query
from data_access.readers.base import FieldInfo, Table
from features.travaux import aggregates
from features.travaux.data import elapsed_share, find_roles, money, status_on
from tests.helpers import travaux_oracle as oracle
from tests.helpers.apps import make_app
from tests.helpers.engines import backend_of
from tests.helpers.travaux_tables import FIELDS, PARIS_ENTRIES, REF, edge_table

DATES = (dt.date(2024, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 6, 15), dt.date(2026, 11, 14),
         dt.date(2026, 11, 20), dt.date(2027, 12, 31))


def assert_same(backend, table: Table, query_string: str, reference: dt.date, data_date: dt.date | None) -> int:
    """The three aggregates of the engine equal pandas' for one URL's filters; the rows kept, for the caller."""
    params = dict(pair.split("=", 1) for pair in query_string.split("&")) if query_string else {}
    query, errors = parse_query(params, table.fields)
    assert not errors, errors
    roles = find_roles(table)
    positions = backend.positions(query).to_numpy()
    expected = oracle.key_figures(table, roles, positions, reference, data_date=data_date)
    counted = aggregates.counted(backend, roles, query, reference, data_date=data_date)
    found = counted.figures
    where = f"{query_string or 'sans filtre'} au {reference}"
    for name, value in dataclasses.asdict(expected).items():
        got = getattr(found, name)
        if isinstance(value, float):
            assert got is not None and math.isclose(got, value, rel_tol=1e-12), (where, name, got, value)
            assert type(got) is float
        else:
            assert got == value and type(got) is type(value), (where, name, got, value)
    for name in ("budget_planned", "budget_committed"):  # what a reader sees
        if getattr(expected, name) is not None:
            assert money(getattr(found, name)) == money(getattr(expected, name))
    budget_expected = oracle.budget_by_type(table, roles, positions)
    budget_found = counted.budget
    pd.testing.assert_frame_equal(budget_found, budget_expected, check_exact=False, rtol=1e-12, obj=where)
    assert [money(v) for v in budget_found["value"]] == [money(v) for v in budget_expected["value"]]
    monthly = oracle.monthly_starts_and_ends(table, roles, positions)
    pd.testing.assert_frame_equal(counted.monthly, monthly, obj=where,
                                  check_dtype=not monthly.empty)  # pandas left an empty count's type open
    return len(positions)


def assert_same_statuses(backend, table: Table, reference: dt.date, data_date: dt.date | None) -> None:
    """Each row's status in SQL is status_on's (a suspended site counts as running in every figure, so only the
    rows tell the two apart)."""
    sql = Bound()
    roles = find_roles(table)
    marked = aggregates._marked(sql, backend, roles, reference, data_date)
    elapsed = aggregates.elapsed_sql(sql, roles, reference)
    found = backend.summarise(Query(), f"SELECT {aggregates.STATUS} AS s, {elapsed} AS e FROM marked ORDER BY {ROW}",
                              sql.params, steps=marked).to_pandas()
    assert found["s"].tolist() == status_on(table, roles, reference, data_date).tolist(), (reference, data_date)
    pd.testing.assert_series_equal(found["e"], elapsed_share(table, roles, reference), check_names=False,
                                   check_index=False)


@pytest.fixture(scope="module")
def demo():
    app = make_app(TILE_URL="")
    repository = app.server.extensions["portail"].repository
    dataset = repository.catalogue.get("chantiers")
    return repository.backend(dataset.id), repository.table(dataset.id), dataset.modified


@pytest.mark.parametrize("query_string", [
    "", "refine.commune=Rouen", "refine.type=voirie", "q=réseau", "exclude.statut=terminé",
    "refine.commune=Elbeuf&refine.type=assainissement", "from.date_fin_prevue=2026-06-01&to.date_debut=2026-06-30",
    "refine.statut=suspendu", "refine.commune=Nulle-part"])
def test_the_demo_figures_are_the_same_in_sql(demo, query_string):
    backend, table, data_date = demo
    kept = {assert_same(backend, table, query_string, day, data_date) for day in (*DATES, data_date)}
    if not query_string:
        for day in (*DATES, data_date):
            assert_same_statuses(backend, table, day, data_date)
    assert kept == {0} if "Nulle-part" in query_string else min(kept) > 0


def test_the_edge_cases_are_the_same_in_sql(tmp_path):
    pinned = edge_table()
    spelled = pinned.frame.assign(statut=["En cours", " EN COURS ", None, "TERMINÉ ", "en cours", "Suspendu",
                                              "programme"])
    blank = pinned.frame.assign(budget=np.nan, engage=np.nan)
    tables = {"as-written": pinned, "spelled": Table(frame=spelled, fields=FIELDS),
              "blank-budgets": Table(frame=blank, fields=FIELDS)}
    # two types of the same budget (the order then is the types'), a site without a type, starts at 9 a.m.
    typed = pinned.frame.assign(type=["voirie", "eau", "voirie", "gaz", "élec", "gaz", None],
                                    budget=[150.0, 300.0, 0.0, 300.0, 600.0, np.nan, 0.0])
    tables["types"] = Table(frame=typed, fields=(*FIELDS, FieldInfo("type", "Type", "text", role="type")))
    timed = pinned.frame.assign(debut=pinned.frame["debut"] + pd.Timedelta(hours=9))
    tables["times-of-day"] = Table(frame=timed, fields=FIELDS)
    for drop in (("statut", "fin_reelle"), ("statut",), ("fin_reelle",), ("avancement", "budget", "engage")):
        tables["without-" + "-".join(drop)] = Table(frame=pinned.frame.drop(columns=list(drop)),
                                                    fields=tuple(f for f in FIELDS if f.name not in drop))
    for name, table in tables.items():
        backend = backend_of(table, tmp_path / name)
        for day in (*DATES, REF, dt.date(2026, 2, 25), dt.date(2026, 1, 15), dt.date(2026, 12, 31)):
            for data_date in (REF, None):
                assert_same(backend, table, "", day, data_date)
                assert_same(backend, table, "refine.commune=Rouen", day, data_date)
                assert_same_statuses(backend, table, day, data_date)


def test_the_real_shaped_rouen_export_is_the_same_in_sql(rouen_synced):
    data_dir, status, _ = rouen_synced
    assert status == 0
    repository = make_app(data_dir, TILE_URL="").server.extensions["portail"].repository
    table, backend = repository.table("travaux"), repository.backend("travaux")
    commune = find_roles(table)["commune_name"] or find_roles(table)["commune"]
    for day in (dt.date(2026, 11, 20), dt.date(2026, 12, 14), dt.date(2027, 2, 1)):
        assert assert_same(backend, table, "", day, repository.catalogue.get("travaux").modified) == len(table)
        assert assert_same(backend, table, f"refine.{commune}=Rouen", day, None) > 0


@pytest.mark.parametrize("dataset_id", ["chantiers-perturbants", "chantiers-a-paris"])
def test_the_real_opendatasoft_exports_are_the_same_in_sql(realdata, tmp_path, dataset_id):
    (tmp_path / "ods_paris_chantiers").symlink_to(realdata / "ods_paris_chantiers")
    (tmp_path / "catalogue.toml").write_text(PARIS_ENTRIES, encoding="utf-8")
    repository = make_app(tmp_path, TILE_URL="").server.extensions["portail"].repository
    table, backend = repository.table(dataset_id), repository.backend(dataset_id)
    area = table.role_field("area").name
    for day in (dt.date(2022, 1, 1), dt.date(2023, 6, 1), dt.date(2024, 12, 31), dt.date(2026, 11, 20)):
        assert assert_same(backend, table, "", day, None) == len(table)
        assert assert_same(backend, table, f"refine.{area}=75015", day, None) > 0
