"""The filter grammar: parsing (pure, no server) and applying it to a table."""
from __future__ import annotations

import pandas as pd
import pytest

from data_access.query import describe_query, parse_date_value, parse_query, query_pairs
from data_access.readers.base import FieldInfo, Table
from tests.helpers.engines import backend_of
from tests.helpers.oracle import apply_query

FIELDS = (
    FieldInfo("commune", "Commune", "text"),
    FieldInfo("statut", "Statut", "text"),
    FieldInfo("budget", "Budget", "double"),
    FieldInfo("avancement", "Avancement", "int"),
    FieldInfo("debut", "Date de début", "date"),
    FieldInfo("actif", "Actif", "boolean"),
    FieldInfo("geo_point_2d", "Position", "geo_point_2d"),
)


def make_table() -> Table:
    frame = pd.DataFrame({
        "commune": pd.Series(["Rouen", "Élbeuf", "Rouen", "Oissel", None], dtype="str"),
        "statut": pd.Series(["en cours", "terminé", "programmé", "en cours", "en cours"], dtype="str"),
        "budget": [1000.0, 250.5, None, 5000.0, 10.0],
        "avancement": pd.array([50, 100, 0, None, 10], dtype="Int64"),
        "debut": pd.to_datetime(["2024-03-15", "2023-12-31", "2025-01-01", "2024-01-01", None]).astype("datetime64[ms]"),
        "actif": pd.array([True, False, True, True, None], dtype="boolean"),
        "geo_point_2d": [None] * 5,
    })
    return Table(frame=frame, fields=FIELDS)


@pytest.fixture
def table() -> Table:
    return make_table()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return backend_of(make_table(), tmp_path_factory.mktemp("servi"))


def rows(table, qs) -> list[int]:
    query, errors = parse_query(qs, table.fields)
    assert errors == []
    return apply_query(table, query).index.tolist()


@pytest.mark.parametrize(
    ("qs", "expected"),
    [
        ("", [0, 1, 2, 3, 4]),
        ("refine.commune=Rouen", [0, 2]),
        ("refine.commune=Rouen&refine.commune=Oissel", [0, 2, 3]),  # OR within a field
        ("refine.commune=Rouen&refine.statut=en+cours", [0]),  # AND across fields
        ("exclude.statut=en+cours", [1, 2]),
        ("exclude.commune=Rouen", [1, 3, 4]),  # rows without a commune are not "Rouen"
        ("refine.debut=2024", [0, 3]),
        ("refine.debut=2024-03", [0]),
        ("refine.debut=2023-12-31", [1]),
        ("refine.debut=2023&refine.debut=2025", [1, 2]),
        ("from.budget=250.5&to.budget=1000", [0, 1]),  # inclusive bounds
        ("from.avancement=50", [0, 1]),
        ("to.debut=2024-01", [1, 3]),  # a month as an upper bound includes the whole month
        ("from.debut=2024-03-15", [0, 2]),
        ("refine.actif=oui", [0, 2, 3]),
        ("refine.actif=false", [1]),
        ("refine.avancement=100", [1]),
        ("q=rouen", [0, 2]),
        ("q=ELBEUF", [1]),  # case and accents ignored
        ("q=elbeuf termine", [1]),  # every word must be found
        ("q=prog", [2]),
        ("sort=-budget", [3, 0, 1, 4, 2]),  # missing values last
        ("sort=commune,-avancement&limit=3", [1, 3, 0]),  # accents do not push Élbeuf last
        ("sort=-commune", [0, 2, 3, 1, 4]),
        ("sort=debut", [1, 3, 0, 2, 4]),
    ],
)
def test_filters(table, qs, expected, engine):
    assert rows(table, qs) == expected
    query, _ = parse_query(qs, table.fields)  # the engine, which serves the portal, keeps the same rows
    assert engine.positions(query).to_pylist() == expected


def test_select_keeps_the_columns_in_order(table):
    query, _ = parse_query("select=statut,commune&limit=1", FIELDS)
    assert apply_query(table, query).columns.tolist() == ["statut", "commune"]


@pytest.mark.parametrize(
    ("qs", "param", "message"),
    [
        ("refine.comune=Rouen", "refine.comune", "champ inconnu « comune »"),
        ("exclude.x=1", "exclude.x", "champ inconnu « x »"),
        ("from.budget=beaucoup", "from.budget", "« beaucoup » n'est pas un nombre"),
        ("to.budget=1e999", "to.budget", "n'est pas un nombre fini"),
        ("to.budget=inf", "to.budget", "« inf » n'est pas un nombre"),
        ("from.budget=1_2.5", "from.budget", "n'est pas un nombre"),
        ("sort=budget,-budget", "sort", "le champ « budget » est répété"),
        ("select=commune,commune", "select", "le champ « commune » est répété"),
        ("refine.avancement=1.5", "refine.avancement", "n'est pas un nombre entier"),
        ("from.debut=2024-13", "from.debut", "n'est pas une date (AAAA, AAAA-MM ou AAAA-MM-JJ)"),
        ("refine.debut=2023-02-29", "refine.debut", "n'est pas une date"),
        ("from.commune=A", "from.commune", "« Commune » n'est ni un nombre ni une date"),
        ("refine.actif=peut-être", "refine.actif", "n'est pas une valeur oui/non"),
        ("refine.geo_point_2d=1", "refine.geo_point_2d", "géométrie"),
        ("sort=-inconnu", "sort", "champ inconnu « inconnu »"),
        ("sort=geo_point_2d", "sort", "on ne peut pas trier sur la géométrie"),
        ("select=commune,nope", "select", "champ inconnu « nope »"),
        ("limit=-3", "limit", "n'est pas un nombre entier positif"),
        ("limit=dix", "limit", "n'est pas un nombre entier positif"),
        ("q=" + "a" * 201, "q", "recherche trop longue"),
    ],
)
def test_bad_parameters_are_named_and_left_out(table, qs, param, message):
    query, errors = parse_query(qs + "&refine.commune=Rouen", FIELDS)
    assert len(errors) == 1
    assert errors[0].param == param and message in errors[0].message
    # the rest of the query still applies
    assert apply_query(table, query).index.tolist() == [0, 2]


def test_parameters_outside_the_grammar_are_ignored():
    query, errors = parse_query("tab=table&utm_source=x&refine.statut=terminé", FIELDS)
    assert errors == [] and query.refine == (("statut", ("terminé",)),)
    assert query.query_string() == "refine.statut=termin%C3%A9"


def test_limit_above_the_maximum_is_an_error():
    _, errors = parse_query("limit=11", FIELDS, max_limit=10)
    assert errors[0].param == "limit" and "au plus 10" in errors[0].message


def test_query_string_round_trips(table):
    query, _ = parse_query("refine.commune=Rouen&refine.commune=Oissel&sort=-budget&bogus=1&from.debut=2024", FIELDS)
    again, errors = parse_query(query.query_string(), FIELDS)
    assert errors == [] and again == query


@pytest.mark.parametrize(
    "source",
    ["?refine.commune=Rouen&refine.commune=Oissel", {"refine.commune": ["Rouen", "Oissel"]},
     [("refine.commune", "Rouen"), ("refine.commune", "Oissel")]],
)
def test_query_pairs_accepts_every_source(source):
    assert query_pairs(source) == [("refine.commune", "Rouen"), ("refine.commune", "Oissel")]


def test_describe_in_plain_french():
    query, _ = parse_query("refine.commune=Rouen&refine.commune=Oissel&exclude.statut=terminé&from.budget=1000.5"
                           "&to.debut=2024-06&q=voirie&refine.actif=true", FIELDS)
    assert describe_query(query, FIELDS) == [
        "Recherche « voirie »", "Commune = Rouen ou Oissel", "Actif = oui", "Statut ≠ terminé",
        "Budget ≥ 1000,5", "Date de début ≤ 2024-06"]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("2024", "2024-01-01", "2025-01-01"), ("2024-12", "2024-12-01", "2025-01-01"),
     ("2024-02-29", "2024-02-29", "2024-03-01")],
)
def test_date_values_are_periods(text, start, end):
    period = parse_date_value(text)
    assert (period.start, period.end) == (pd.Timestamp(start), pd.Timestamp(end))


@pytest.mark.parametrize("text", ["24", "2024-1", "2024/01", "2024-00", "demain", "2024-01-01T10:00"])
def test_bad_date_values(text):
    assert parse_date_value(text) is None


def test_the_last_day_of_the_calendar_is_a_date_not_a_crash():
    assert parse_date_value("9999-12-31") is None
    _, errors = parse_query("refine.debut=9999-12-31", FIELDS)
    assert errors[0].param == "refine.debut"


def test_every_parameter_of_the_grammar_has_its_parser():
    from data_access.query import GRAMMAR_KEYS, GRAMMAR_PREFIXES, PARSERS

    assert set(PARSERS) == set(GRAMMAR_KEYS) | set(GRAMMAR_PREFIXES)
