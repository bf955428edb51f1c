"""The SQL a typed Query compiles to, exactly (the text and its bound parameters), one case per clause: a value is
never pasted into the text, a column name always quoted; beside the oracle tests, which check what rows it keeps."""
from __future__ import annotations

import datetime as dt

import pytest

from data_access.engine.sql import Clauses, order_by
from data_access.query import parse_query
from data_access.readers.base import FieldInfo

FIELDS = (
    FieldInfo("commune", "Commune", "text"),
    FieldInfo("niveau", "Niveau", "text", separator=","),
    FieldInfo("montant", "Montant", "double"),
    FieldInfo("places", "Places", "int"),
    FieldInfo("debut", "Début", "date"),
    FieldInfo('nom "court"', "Nom court", "text"),
)


def where(query_string: str, leave_out=None) -> tuple[str, list]:
    query, errors = parse_query(query_string, FIELDS)
    assert errors == []
    return Clauses(query, FIELDS).where(leave_out)


@pytest.mark.parametrize(("query_string", "sql", "params"), [
    ("", "", []),
    ("q=Église rouen", ' WHERE (contains(__texte, ?)) AND (contains(__texte, ?))', ["eglise", "rouen"]),
    ("refine.commune=Rouen&refine.commune=Elbeuf", ' WHERE ("commune" IN (?, ?))', ["Rouen", "Elbeuf"]),
    ("exclude.commune=Rouen", ' WHERE ("commune" IS NULL OR NOT ("commune" IN (?)))', ["Rouen"]),
    ("refine.niveau=2", ' WHERE (list_has_any("__valeurs__niveau", ?::VARCHAR[]))', [["2"]]),
    ("exclude.niveau=2", ' WHERE ("__valeurs__niveau" IS NULL OR NOT (list_has_any("__valeurs__niveau", '
                         '?::VARCHAR[])))', [["2"]]),
    ("from.montant=1,5&to.montant=10", ' WHERE ("montant" >= ?) AND ("montant" <= ?)', [1.5, 10.0]),
    ("from.places=3", ' WHERE ("places" >= ?)', [3]),
    ("refine.debut=2024-03", ' WHERE ((("debut" >= ? AND "debut" < ?)))',
     [dt.datetime(2024, 3, 1), dt.datetime(2024, 4, 1)]),
    ("from.debut=2024&to.debut=2024-06-30", ' WHERE ("debut" >= ?) AND ("debut" < ?)',
     [dt.datetime(2024, 1, 1), dt.datetime(2024, 7, 1)]),
    ('refine.nom "court"=x', ' WHERE ("nom ""court""" IN (?))', ["x"]),
    ("refine.commune=' OR 1=1 --", ' WHERE ("commune" IN (?))', ["' OR 1=1 --"]),
])
def test_each_clause_compiles_to_its_sql_with_bound_values(query_string, sql, params):
    assert where(query_string) == (sql, params)


def test_a_facet_leaves_out_its_own_clause():
    sql, params = where("refine.commune=Rouen&from.places=3", leave_out=lambda key: key == ("refine", "commune"))
    assert (sql, params) == (' WHERE ("places" >= ?)', [3])


def test_the_sort_puts_missing_values_last_text_in_french_order_ties_in_the_source_order():
    query, _ = parse_query("sort=-montant,commune", FIELDS)
    assert order_by(query, FIELDS) == (' ORDER BY "montant" DESC NULLS LAST, lower(strip_accents("commune")) ASC '
                                       'NULLS LAST, __row')
    assert order_by(parse_query("", FIELDS)[0], FIELDS) == " ORDER BY __row"
