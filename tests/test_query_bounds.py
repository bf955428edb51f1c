"""Bounded work per request: caps on the search and on the number of filters, each clause computed once and kept
among the recent results (the facets, the grid and the next view reuse it), a callback body of bounded size.
Over a cap, a French notice on the page and a 400 on an export; never a worker scanning for seconds."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from data_access.query import MAX_FILTERS, MAX_Q_LENGTH, MAX_Q_WORDS, parse_query
from data_access.query_run import RESULTS, clauses, row_positions
from tests.apps import make_app, render_page, text_of
from tests.conftest import FIXTURES

# what an attacker sends: hundreds of search words and filters, about 4 KB
HOSTILE = urlencode([("q", " ".join(f"mot{k}" for k in range(60)))] + [("q", "encore")] * 20
                    + [("refine.statut", f"valeur{k}") for k in range(150)] + [("exclude.type", "x")] * 40)


@pytest.fixture
def app():
    return make_app(FIXTURES / "portal")


def test_the_search_and_the_filters_are_capped():
    from data_access.readers.base import FieldInfo

    fields = (FieldInfo(name="statut", label="Statut", type="text"),)
    query, errors = parse_query([("q", "a a a b c d e f"), ("q", "g h i j k")], fields)
    assert query.q == "a a a b c d e f" and [str(e) for e in errors] == [
        f"q : recherche trop longue (au plus {MAX_Q_WORDS} mots)"]  # words counted once: « a » is one
    query, errors = parse_query([("q", "x" * 150), ("q", "y" * 60)], fields)
    assert query.q == "x" * 150 and "au plus 200 caractères" in str(errors[0]) and MAX_Q_LENGTH == 200
    pairs = [("refine.statut", str(k)) for k in range(MAX_FILTERS + 10)]
    query, errors = parse_query(pairs + [("tab", "map")], fields)
    assert len(dict(query.refine)["statut"]) == MAX_FILTERS
    assert [str(e) for e in errors] == [f"refine.statut : trop de filtres : seuls les {MAX_FILTERS} premiers "
                                        "sont appliqués"]


def test_a_hostile_url_gets_notices_and_bounded_work(app):
    assert 3_500 < len(HOSTILE) < 5_000
    RESULTS.clear()
    before = RESULTS.computed
    layout = render_page(app, "/jeux-de-donnees/chantiers", "?" + HOSTILE)["layout"]
    text = text_of(layout)
    assert "trop de filtres" in text and "recherche trop longue" in text
    # each clause once (a search word, a refine, an exclude), whatever the facets and tabs ask: no more masks
    # than the capped query has clauses, plus the view's row positions
    assert RESULTS.computed - before <= MAX_FILTERS + MAX_Q_WORDS + 2


def test_the_facets_reuse_each_clause_and_the_next_view_reuses_them(app):
    repository = app.server.extensions["portail"].repository
    with app.server.app_context():
        table = repository.table("chantiers")
    view = "q=rue&refine.code_postal=75012&from.date_de_debut=2024"
    query, _ = parse_query(view, table.fields)
    RESULTS.clear()
    before = RESULTS.computed
    render_page(app, "/jeux-de-donnees/chantiers", "?" + view)
    first = RESULTS.computed - before
    assert len(clauses(query)) == 3
    assert first == len(clauses(query)) + 1  # three clauses and the positions, for every facet of the page
    render_page(app, "/jeux-de-donnees/chantiers", "?" + view + "&tab=table")
    assert RESULTS.computed - before == first  # the same view again: nothing computed
    positions = row_positions(table, parse_query("from.date_de_debut=2024&q=rue&refine.code_postal=75012",
                                                 table.fields)[0])
    assert RESULTS.computed - before == first and len(positions)  # another order of the URL: the same result


def test_an_export_over_a_cap_is_refused_with_a_400(app):
    client = app.server.test_client()
    answer = client.get("/export/chantiers.csv?" + HOSTILE)
    assert answer.status_code == 400 and "trop de filtres" in answer.get_json()["erreur"]


def test_a_callback_body_too_large_is_refused_before_it_is_read(app):
    client = app.server.test_client()
    client.get("/")
    answer = client.post("/_dash-update-component", data=b"{" + b" " * (2 << 20) + b"}",
                         headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.get_json() == {"error": "requête trop volumineuse (au plus 1024 Kio)"}
