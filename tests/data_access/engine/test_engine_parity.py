"""The engine answers as the query layer does: for each demo dataset and a hand-made table with every kind of
field (multivalued, accents, missing values, booleans, dates), DuckDB over the served Parquet keeps the same
rows in the same order, counts the same facets, and reads back the same values."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import pytest
import shapely

from data_access.engine.backend import DuckDBBackend
from data_access.engine.served import DATA, ROW, TEXT, read_manifest, version_folder
from data_access.query import parse_query
from data_access.readers.base import FieldInfo, Table
from tests.helpers.apps import make_app
from tests.helpers.engines import backend_of
from tests.helpers.oracle import filter_array, row_positions, search_text

DEMO_IDS = ("chantiers", "pathologies", "offre-de-soins", "stations-lovelo", "parkings", "associations",
            "bureaux-de-vote", "archives", "adresses", "communes")


@pytest.fixture(scope="module")
def demo_tables():
    """The demo's tables as their readers give them (the portal's own tables are read back from the engine)."""
    from data_access.readers import read_table

    catalogue = make_app().server.extensions["portail"].repository.catalogue
    return {i: read_table(catalogue.get(i), catalogue.file_path(catalogue.get(i))) for i in DEMO_IDS}


def hand_made() -> Table:
    frame = pd.DataFrame({
        "nom": pd.array(["Élbeuf", "eau", None, "Zoo", "école", "Eglise", "abc", "Rouen"], dtype="str"),
        "niveaux": pd.array(["2,3", "3", None, "1, 2", "", "2", "3,3", "1"], dtype="str"),
        "n": pd.array([3, None, 1, 2, 2, None, 7, 0], dtype="Int64"),
        "x": [0.5, 1.5, float("nan"), 2.25, -1.0, 0.5, 3.0, 10.0],
        "ok": pd.array([True, False, None, True, True, False, None, True], dtype="boolean"),
        "jour": pd.to_datetime(["2024-01-05", "2024-01-05", None, "2023-12-31", "2024-02-29", "2024-01-06",
                                "2022-07-14", "2024-01-05"]).astype("datetime64[ms]"),
    })
    fields = (FieldInfo("nom", "Nom", "text", facet=True), FieldInfo("niveaux", "Niveaux", "text", facet=True,
                                                                    separator=","),
              FieldInfo("n", "N", "int", facet=True), FieldInfo("x", "X", "double"),
              FieldInfo("ok", "OK", "boolean", facet=True), FieldInfo("jour", "Jour", "date", facet=True))
    return Table(frame=frame, fields=fields)


def served(table: Table, tmp_path: Path, name: str = "t") -> DuckDBBackend:
    return backend_of(table, tmp_path, name)


HAND_QUERIES = [
    "", "q=e", "q=ECOLE", "q=élb", "q=zzz", "q=e+o", "refine.niveaux=2", "refine.niveaux=2&refine.niveaux=1",
    "exclude.niveaux=3", "refine.n=2", "exclude.n=2", "from.n=2", "to.n=2", "from.x=0.5&to.x=3",
    "refine.ok=true", "exclude.ok=true", "refine.jour=2024-01", "refine.jour=2024", "refine.jour=2024-01-05",
    "from.jour=2024-01-05", "to.jour=2024-01", "sort=nom", "sort=-nom", "sort=n", "sort=-n", "sort=-x,nom",
    "sort=jour&refine.ok=true", "sort=ok", "limit=3", "sort=-nom&limit=2", "refine.nom=Zoo&refine.nom=eau",
]


def _facet_texts(field: FieldInfo, pairs) -> dict[str, int]:
    as_text = (lambda v: "true" if v else "false") if field.type == "boolean" else str
    return {as_text(v): int(c) for v, c in pairs}


def _pandas_facets(table: Table, query, field: FieldInfo) -> dict[str, int]:
    kept = filter_array(table, query, leave_out=lambda key: key[0] == "refine" and key[1] == field.name)
    column = table.frame.loc[kept, field.name]
    if field.is_temporal:
        column = column.dt.strftime("%Y-%m-%d")
    if field.separator:
        totals: dict[str, int] = {}
        for raw, rows in column.value_counts(dropna=True).items():
            for value in dict.fromkeys(field.values_of(str(raw))):
                totals[value] = totals.get(value, 0) + int(rows)
        return totals
    return _facet_texts(field, column.value_counts(dropna=True).items())


def check(table: Table, backend: DuckDBBackend, url: str) -> None:
    query, _ = parse_query(url, table.fields)
    expected = row_positions(table, query)
    assert backend.positions(query).to_pylist() == expected.tolist(), url
    assert backend.count(query) == len(expected), url
    facet_fields = [f for f in table.fields if f.facet and not f.is_geo]
    got = backend.facets(query, facet_fields)
    for field in facet_fields:
        assert _facet_texts(field, got[field.name]) == _pandas_facets(table, query, field), (url, field.name)


@pytest.mark.parametrize("url", HAND_QUERIES)
def test_every_clause_keeps_the_same_rows_in_the_same_order(url, tmp_path):
    table = hand_made()
    check(table, served(table, tmp_path), url)


def test_the_served_file_holds_the_values_the_row_order_and_the_folded_text(tmp_path):
    table = hand_made()
    backend = served(table, tmp_path)
    back = backend.rows(parse_query("", table.fields)[0], [f.name for f in table.fields] + [ROW, TEXT])
    frame = back.to_pandas()
    assert frame[ROW].tolist() == list(range(len(table.frame)))
    assert frame[TEXT].tolist() == search_text(table).tolist()
    for field in table.fields:
        assert frame[field.name].isna().tolist() == table.frame[field.name].isna().tolist(), field.name
        present = table.frame[field.name].notna()
        assert frame[field.name][present].tolist() == table.frame[field.name][present].tolist(), field.name


def test_unfiltered_facets_come_from_the_manifest_and_agree_with_a_scan(tmp_path):
    table = hand_made()
    backend = served(table, tmp_path)
    scanning = DuckDBBackend(backend.path, table.fields, backend.total)  # no counts: every facet is a scan
    facets = [f for f in table.fields if f.facet]
    query = parse_query("refine.nom=Zoo", table.fields)[0]
    assert set(backend.values) == {"nom", "niveaux", "n", "ok", "jour"}
    for asked in (parse_query("", table.fields)[0], query):
        got, scanned = backend.facets(asked, facets), scanning.facets(asked, facets)
        assert {k: sorted(map(tuple, v), key=repr) for k, v in got.items()} == \
            {k: sorted(v, key=repr) for k, v in scanned.items()}


@pytest.mark.parametrize("url", ["", "sort=-nom&refine.ok=true", "q=e&sort=jour"])
def test_a_frame_from_the_engine_is_the_tables_rows(url, tmp_path):
    table = hand_made()
    backend = served(table, tmp_path)
    query = parse_query(url, table.fields)[0]
    expected = table.frame.iloc[row_positions(table, query)]
    got = backend.frame(query)
    pd.testing.assert_frame_equal(got, expected, check_index_type=False, check_names=False)


@pytest.mark.parametrize("dataset_id", ["chantiers", "parkings", "communes"])
def test_frames_of_the_demo_keep_their_dtypes_and_shapes(dataset_id, demo_tables, tmp_path):
    table = demo_tables[dataset_id]
    backend = served(table, tmp_path, dataset_id)
    query = parse_query("limit=40", table.fields)[0]
    got = backend.frame(query)
    expected = table.frame.iloc[:40]
    assert list(got.dtypes.astype(str)) == list(expected.dtypes.astype(str))
    for field in table.fields:
        if field.is_geo:
            assert str(got[field.name].dtype) == "geometry"
            assert list(shapely.to_wkb(np.asarray(got[field.name].array, dtype=object))) == \
                list(shapely.to_wkb(np.asarray(expected[field.name].array, dtype=object)))
        else:
            pd.testing.assert_series_equal(got[field.name], expected[field.name], check_index=False,
                                           check_names=False)


def test_the_manifest_describes_the_file(tmp_path):
    table = hand_made()
    served(table, tmp_path)
    manifest = read_manifest(version_folder(tmp_path, "t", "v1"))
    assert manifest["rows"] == 8 and manifest["version"] == "v1" and manifest["provenance"] == {"source": "test"}
    assert [f["name"] for f in manifest["fields"]] == [f.name for f in table.fields]
    profiles = manifest["profiles"]
    assert profiles["niveaux"]["distinct"] == 7 and profiles["nom"] == {"distinct": 7, "missing": 1, "min": None,
                                                                        "max": None}
    assert (profiles["n"]["min"], profiles["n"]["max"]) == (0, 7) and profiles["jour"]["min"].startswith("2022-07-14")
    assert {v for v, _ in manifest["values"]["niveaux"]} == {"1", "2", "3"}
    assert json.loads(json.dumps(manifest)) == manifest


def test_a_second_conversion_of_the_same_version_keeps_the_first(tmp_path):
    table = hand_made()
    served(table, tmp_path)
    first = (version_folder(tmp_path, "t", "v1") / DATA).stat().st_ino
    served(table, tmp_path)
    assert (version_folder(tmp_path, "t", "v1") / DATA).stat().st_ino == first
    assert [p.name for p in (tmp_path / "t").iterdir()] == ["v1"]  # nothing left aside


def _demo_queries(table: Table) -> list[str]:
    urls = ["", "q=rue", "q=rouen+saint", "limit=7"]
    for field in table.fields:
        if field.is_geo:
            continue
        name = field.name
        urls += [urlencode({"sort": name}), urlencode({"sort": f"-{name}", "limit": 50})]
        values = table.frame[name].dropna()
        if values.empty:
            continue
        if field.is_temporal:
            day = values.iloc[len(values) // 2].strftime("%Y-%m-%d")
            urls += [urlencode({f"refine.{name}": day[:7]}), urlencode({f"from.{name}": day})]
        elif field.is_numeric:
            middle = values.iloc[len(values) // 2]
            urls += [urlencode({f"from.{name}": middle}), urlencode({f"to.{name}": middle, "sort": f"-{name}"})]
        else:
            common = [str(v) for v in values.value_counts().index[:2]]
            urls += [urlencode({f"refine.{name}": common[0]}), urlencode({f"exclude.{name}": common[0]})]
            urls.append(urlencode([(f"refine.{name}", v) for v in common]))
    return urls


@pytest.mark.parametrize("dataset_id", DEMO_IDS)
def test_the_demo_datasets_answer_the_same(dataset_id, demo_tables, tmp_path):
    table = demo_tables[dataset_id]
    backend = served(table, tmp_path, dataset_id)
    for url in _demo_queries(table):
        check(table, backend, url)


@pytest.mark.parametrize("dataset_id", ["chantiers", "parkings", "bureaux-de-vote", "associations"])
@pytest.mark.parametrize("fmt", ["csv", "json", "geojson", "parquet"])
def test_an_extract_from_the_engine_has_the_same_bytes_as_from_the_table(dataset_id, fmt, demo_tables, tmp_path):
    from data_access.engine.selection import select_rows
    from data_access.extracts.writers import Provenance, Selection, write_extract

    table = demo_tables[dataset_id]
    backend = served(table, tmp_path, dataset_id)
    text = next(f.name for f in table.fields if f.type == "text")
    query = parse_query(f"sort=-{text}&limit=2000", table.fields)[0]
    provenance = Provenance(dataset_id=dataset_id, title="t", publisher=None, license=None, source_url=None,
                            refreshed=None, filters=(), generated_at="2026-12-01T12:00:00+01:00", permalink="p",
                            rows=0, demo=True)
    from_table = Selection(table=table, positions=row_positions(table, query), fields=table.fields)
    expected = b"".join(write_extract(fmt, table, from_table, provenance, ";"))
    assert b"".join(write_extract(fmt, backend, select_rows(backend, query), provenance, ";")) == expected


@pytest.mark.parametrize("dataset_id", ["chantiers", "pathologies", "adresses", "associations"])
def test_a_clustered_dataset_answers_the_same(dataset_id, demo_tables, tmp_path, monkeypatch):
    """Row groups of 7 rows: the demo's datasets are large enough to be clustered on their facets, and a filter
    on a key reads the clustered copy."""
    from data_access.engine import served as served_module

    monkeypatch.setattr(served_module, "ROW_GROUP_ROWS", 7)
    monkeypatch.setattr(served_module, "CLUSTER_FROM_GROUPS", 2)
    table = demo_tables[dataset_id]
    backend = served(table, tmp_path, dataset_id)
    assert backend.keys and Path(backend.clustered).is_file()
    urls = _demo_queries(table)
    assert any(k in url for url in urls for k in backend.keys)
    for url in urls:
        check(table, backend, url)
        query = parse_query(url, table.fields)[0]
        block = backend.frame(query, None, 3, 5)
        assert block.index.tolist() == row_positions(table, query)[3:8].tolist(), url


def test_more_facets_than_one_grouping_question_takes(tmp_path):
    frame = pd.DataFrame({f"b{k}": pd.array([k % 2 == 0, True, False, None], dtype="boolean") for k in range(70)})
    frame["nom"] = pd.array(["a", "b", "x1", "c"], dtype="str")
    fields = tuple(FieldInfo(f"b{k}", f"B{k}", "boolean", facet=True) for k in range(70)) + (
        FieldInfo("nom", "Nom", "text"),)
    table = Table(frame=frame, fields=fields)
    check(table, served(table, tmp_path), "q=x1")


def test_big_integers_with_missing_values_keep_every_digit(tmp_path):
    big = 2**60 + 1
    table = Table(frame=pd.DataFrame({"n": pd.array([big, None, 9007199254740993], dtype="Int64")}),
                  fields=(FieldInfo("n", "N", "int"),))
    got = served(table, tmp_path).frame(parse_query("", table.fields)[0])
    assert got["n"].tolist()[0] == big and got["n"].tolist()[2] == 9007199254740993 and str(got["n"].dtype) == "Int64"


def test_an_integer_no_column_can_hold_is_refused_in_french():
    fields = (FieldInfo("n", "N", "int"),)
    query, errors = parse_query("refine.n=" + "9" * 45 + "&from.n=-" + "9" * 30, fields)
    assert [e.param for e in errors] == ["refine.n", "from.n"] and "trop grand" in errors[0].message
    assert query.refine == () and query.lower == ()


def test_a_facet_of_many_values_asks_only_for_what_the_page_shows(tmp_path):
    from data_access.dataset_view import MAX_FACET_VALUES, _facet_items, facet_counts

    streets = [f"Rue {k % 3000}" if k % 7 else f"Rue {k % 20}" for k in range(20_000)]  # 20 frequent, ties
    table = Table(frame=pd.DataFrame({"rue": pd.array(streets, dtype="str"),
                                      "pair": pd.array([k % 2 == 0 for k in range(20_000)], dtype="boolean")}),
                  fields=(FieldInfo("rue", "Rue", "text", facet=True), FieldInfo("pair", "Pair", "boolean",
                                                                                 facet=True)))
    backend = served(table, tmp_path)
    assert "rue" not in backend.values  # too many values for the manifest: counted when asked
    for url in ("", "refine.pair=true", "refine.rue=Rue+2999&refine.pair=false", "refine.rue=Rue+1"):
        query = parse_query(url, table.fields)[0]
        bounded = backend.facets(query, list(table.fields), top=MAX_FACET_VALUES)
        assert MAX_FACET_VALUES <= len(bounded["rue"]) <= 2 * MAX_FACET_VALUES + 1, url
        whole = backend.facets(query, list(table.fields))
        assert facet_counts(backend, query, table.fields) == \
            {f.name: _facet_items(f, whole[f.name], query) for f in table.fields}, url
    chosen = facet_counts(backend, parse_query("refine.rue=Rue+2999", table.fields)[0], table.fields)["rue"]
    assert ("Rue 2999", streets.count("Rue 2999"), True) in chosen  # a rare chosen value keeps its true count
