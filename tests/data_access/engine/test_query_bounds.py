"""Bounded work per request: caps on the search and on the number of filters, a fixed number of questions to the
engine per page whatever the URL (the facets share one), a callback body of bounded size.
Over a cap, a French notice on the page and a 400 on an export; never a worker scanning for seconds."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from data_access.dataset_view import facet_fields
from data_access.engine.backend import QUERIES
from data_access.query import MAX_FILTERS, MAX_Q_LENGTH, MAX_Q_WORDS, parse_query
from tests.helpers.apps import make_app, render_page, text_of
from tests.helpers.paths import FIXTURES

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


def _engine_work(app, path: str, search: str) -> tuple[dict, int, int]:
    """The page's layout, how many questions it asked the engine, and the most values one of them bound."""
    QUERIES.count = QUERIES.largest = 0
    layout = render_page(app, path, search)["layout"]
    return layout, QUERIES.count, QUERIES.largest


def test_a_hostile_url_gets_notices_and_bounded_work(app):
    assert 3_500 < len(HOSTILE) < 5_000
    layout, questions, largest = _engine_work(app, "/jeux-de-donnees/chantiers", "?" + HOSTILE)
    text = text_of(layout)
    assert "trop de filtres" in text and "recherche trop longue" in text
    # a count and the facets (one question for the fields no refine names, one per refined facet field), each
    # with no more values than the capped query keeps: the hostile URL's size changes neither
    with app.server.app_context():
        facets = facet_fields(app.server.extensions["portail"].repository.backend("chantiers"))
    assert questions <= 2 + len(facets)
    assert largest <= MAX_FILTERS + MAX_Q_WORDS


def test_a_page_asks_the_engine_a_fixed_number_of_questions(app):
    view = "q=rue&refine.code_postal=75012&from.date_de_debut=2024"
    _, questions, _ = _engine_work(app, "/jeux-de-donnees/chantiers", "?" + view)
    # the count, and the only facet's counts (code_postal, with every clause but its own refine)
    assert questions == 2
    _, again, _ = _engine_work(app, "/jeux-de-donnees/chantiers", "?" + view + "&tab=table")
    assert again == 1  # the same rows counted already (kept per served file and filters); the grid comes later
    _, searched, _ = _engine_work(app, "/jeux-de-donnees/chantiers", "?q=rue&from.date_de_debut=2024")
    assert searched == 2  # the count, and one question for every facet no refine names
    _, plain, _ = _engine_work(app, "/jeux-de-donnees/chantiers", "")
    assert plain == 0  # no filter: the count and every facet are the manifest's


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
