"""The contributions' write path as a hostile client meets it: each refusal asserted (a missing or forged CSRF
token, a forged session cookie, a javascript: link, a field too long, the 11th submission in a minute), nothing
kept when refused; a robot's hidden field pretends success and keeps nothing; a good submission waits for
moderation. Run on SQLite and on PostgreSQL."""
from __future__ import annotations

import re

import pytest

from tests.helpers.apps import make_app
from tests.helpers.contributions import count, post, token


@pytest.fixture
def app(database_url):
    return make_app(TILE_URL="", DATABASE_URL=database_url)


def test_a_good_submission_waits_for_moderation(app):
    client = app.server.test_client()
    answer = post(client, csrf_token=token(client), description="La date de fin est fausse.", dataset_id="chantiers",
                  retour="/jeux-de-donnees/chantiers?tab=table")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/jeux-de-donnees/chantiers?tab=table&contribution=merci"
    assert count(app) == 1
    cookie = answer.headers.get("Set-Cookie") or ""
    assert not cookie or all(word in cookie for word in ("Secure", "HttpOnly", "SameSite=Lax"))


@pytest.mark.parametrize("csrf", [None, "", "un-jeton-invente", "IjEyMyI.aaaa.bbbb"])
def test_a_missing_or_forged_csrf_token_is_refused(app, csrf):
    client = app.server.test_client()
    token(client)  # a session exists, but the form does not carry its token
    fields = {"description": "texte gardé"} | ({} if csrf is None else {"csrf_token": csrf})
    answer = post(client, **fields)
    assert answer.status_code == 400 and "Le formulaire a expiré" in answer.get_data(as_text=True)
    assert "texte gardé" in answer.get_data(as_text=True)  # nothing lost: the reader gets the text back
    assert count(app) == 0


def test_a_forged_session_cookie_is_refused(app):
    honest = app.server.test_client()
    value = token(honest)
    forger = app.server.test_client()
    forger.set_cookie("session", "eyJjc3JmX3Rva2VuIjoiYWJjIn0.ZZZZZZ.forged-signature", domain="localhost")
    answer = post(forger, csrf_token=value, description="x")
    assert answer.status_code == 400 and count(app) == 0


@pytest.mark.parametrize("fields, reason", [
    ({"link": "javascript:alert(1)", "datasets": "chantiers"}, "commençant par http:// ou https://"),
    ({"link": "https://example.org", "datasets": "<script>alert(1)</script>"}, "Jeu de données inconnu"),
])
def test_script_in_every_field_comes_back_as_text(app, fields, reason):
    client = app.server.test_client()
    script = "<script>alert(1)</script>"
    answer = post(client, "reutilisation", csrf_token=token(client), **{"title": script, "description": script,
                  "image_alt": script, "email": script, **fields})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and reason in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert count(app) == 0


def test_a_field_too_long_is_refused_whole(app):
    client = app.server.test_client()
    answer = post(client, "jeu", csrf_token=token(client), description="x" * 4001)
    assert answer.status_code == 400 and "4000 caractères au plus" in answer.get_data(as_text=True)
    assert count(app) == 0


def test_the_eleventh_submission_in_a_minute_is_refused(app):
    client = app.server.test_client()
    value = token(client)
    statuses = [post(client, "jeu", csrf_token=value, description=f"n° {k}").status_code for k in range(11)]
    assert statuses == [303] * 10 + [429]
    last = post(client, "jeu", csrf_token=value, description="encore")
    assert last.status_code == 429 and "réessayez dans une minute" in last.get_data(as_text=True)
    assert 0 < int(last.headers["Retry-After"]) <= 60  # until the minute's window ends
    assert count(app) == 10


def test_a_robot_filling_the_hidden_field_keeps_nothing(app):
    client = app.server.test_client()
    answer = post(client, csrf_token=token(client), description="spam", site_web="https://spam.example")
    assert answer.status_code == 303 and count(app) == 0


@pytest.mark.parametrize("target", ["https://ailleurs.example/", "//ailleurs.example", "/\\ailleurs"])
def test_the_way_back_never_leaves_the_site(app, target):
    client = app.server.test_client()
    answer = post(client, csrf_token=token(client), description="x", retour=target)
    assert answer.status_code == 303 and re.match(r"^/\?contribution=merci$", answer.headers["Location"])

