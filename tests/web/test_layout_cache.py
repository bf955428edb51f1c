"""The dashboards' layouts kept in the shared cache per URL, data version and day (or minute): a second visitor
costs a lookup, and anything the layout depends on gives a new drawing."""
from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from data_access import clock
from tests.helpers.apps import make_app, render_page
from tests.helpers.paths import FIXTURES

PATH = "/tableaux-de-bord/travaux"


@pytest.fixture
def counted(monkeypatch):
    """The app, and how many times the Travaux dashboard was drawn."""
    app = make_app(TILE_URL="")  # the pages are registered with the app
    from features.travaux import page

    drawn = []
    original = page.draw
    monkeypatch.setattr(page, "draw", lambda **params: drawn.append(params) or original(**params))
    return app, drawn


def test_a_second_visitor_with_the_same_url_costs_a_lookup(counted):
    app, drawn = counted
    first = render_page(app, PATH, "?date=2026-11-15")
    assert len(drawn) == 1
    again = render_page(app, PATH, "?date=2026-11-15")
    assert _without_tokens(again) == _without_tokens(first) and len(drawn) == 1  # the same, not drawn again
    render_page(app, PATH, "?date=2026-11-16")
    assert len(drawn) == 2  # another URL: drawn


def test_a_new_data_version_or_a_new_day_draws_again(counted, monkeypatch):
    app, drawn = counted
    render_page(app, PATH)
    from data_access.repository import Repository

    monkeypatch.setattr(Repository, "data_version", lambda repository: (("chantiers", "nouvelle-version"),))
    render_page(app, PATH)
    assert len(drawn) == 2
    tomorrow = clock.utc_now() + dt.timedelta(days=1)
    monkeypatch.setattr(clock, "utc_now", lambda: tomorrow)
    render_page(app, PATH)
    assert len(drawn) == 3


def test_the_data_version_follows_every_file(tmp_path):
    folder = tmp_path / "portail"
    shutil.copytree(FIXTURES / "portal", folder)
    app = make_app(folder)
    repository = app.server.extensions["portail"].repository
    before = repository.data_version()
    dataset = repository.catalogue.datasets[0]
    path = repository.catalogue.file_path(dataset)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert repository.data_version() != before


def test_only_the_pages_that_ask_are_kept():
    import dash

    make_app(TILE_URL="")
    kept = {page.get("path_template") or page["path"] for page in dash.page_registry.values()
            if getattr(page["layout"], "cache_layout", False)}
    assert kept == {"/tableaux-de-bord/travaux", "/tableaux-de-bord/sante", "/tableaux-de-bord/transports",
                    "/communes/<code>"}


def _without_tokens(node):
    """The layout with its forms' CSRF tokens blanked (each reader's session has its own)."""
    if isinstance(node, list):
        return [_without_tokens(child) for child in node]
    if isinstance(node, dict):
        if node.get("name") == "csrf_token":
            return {**node, "value": "…"}
        return {key: _without_tokens(value) for key, value in node.items()}
    return node


def _token(client) -> str:
    import re

    from tests.helpers.contributions import BASE

    page = client.get(PATH, base_url=BASE).get_data(as_text=True)
    tag = next(t for t in re.findall(r"<input[^>]*>", page) if 'name="csrf_token"' in t)
    return re.search(r'value="([^"]+)"', tag)[1]


def test_each_reader_gets_the_forms_token_of_their_own_session():
    from tests.helpers.contributions import post

    app = make_app(TILE_URL="")
    first, second = app.server.test_client(), app.server.test_client()
    mine, theirs = _token(first), _token(second)  # the second page is the kept layout, with its reader's token
    assert mine != theirs
    answer = post(second, csrf_token=theirs, description="La date de fin est fausse.", dataset_id="chantiers",
                  retour=PATH)
    assert answer.status_code == 303
