"""/moderation as an attacker met it, on SQLite and on PostgreSQL: a login costs the same time whatever made it fail
(no name leaks), no one can lock a moderator out from another address, a session cookie copied before a logout or a
lock opens nothing afterwards, and a contribution number too large for the database is a 404."""
from __future__ import annotations

import itertools
import re
import statistics
import time

import pytest

from tests.helpers.contributions import BASE, PASSWORD, log_in, page_token


@pytest.fixture
def app(moderated_app):  # conftest.py: one moderator, camille
    return moderated_app


ROUNDS = 9  # medians of 9, the three kinds of failure taken in turn
_addresses = itertools.count(1)


def client_from(app, address: str | None = None):
    client = app.server.test_client()
    number = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = address or f"192.0.2.{number % 250 + 1}"
    return client


def held_out(app, address: str) -> None:
    """This address has failed 5 times on « camille »: it waits (written as the login writes it)."""
    import datetime as dt

    from data_access import clock
    from features.contributions import comptes
    from features.contributions.models import LoginFailures
    from features.contributions.web import sessions

    keys = {"name_key": comptes._key(app.server.secret_key, "nom:camille"),
            "address_key": comptes._key(app.server.secret_key, "adresse:" + address)}
    with app.server.app_context(), sessions().begin() as session:
        session.add(LoginFailures(**keys, failures=5, last_failure_at=clock.utc_now(),
                                  locked_until=clock.utc_now() + dt.timedelta(minutes=5)))


def test_a_failed_login_takes_the_same_time_whatever_failed(app):
    """An unknown name, a wrong password and an address that must wait: the same work (one scrypt check each), so
    the medians stay within a ratio of 0.67 to 1.5 of each other. Each attempt from an address of its own: the
    limit of 10 logins a minute never answers in their place."""
    times = {"nom inconnu": [], "mauvais mot de passe": [], "adresse en attente": []}
    for round_ in range(ROUNDS):
        for number, kind in enumerate(times):
            address = f"198.18.{round_}.{number + 1}"
            if kind == "adresse en attente":
                held_out(app, address)
            client = client_from(app, address)
            form = {"csrf_token": page_token(client), "nom": "personne" if kind == "nom inconnu" else "camille",
                    "mot_de_passe": PASSWORD if kind == "adresse en attente" else "pas le bon"}
            start = time.perf_counter()
            answer = client.post("/moderation/connexion", base_url=BASE, data=form)
            times[kind].append(time.perf_counter() - start)
            assert answer.status_code == 401
    medians = {kind: statistics.median(values) for kind, values in times.items()}
    for first, second in itertools.combinations(medians, 2):
        ratio = medians[first] / medians[second]
        assert 0.67 <= ratio <= 1.5, f"{first} / {second} : {ratio:.2f} ({medians})"


def test_the_same_answer_whatever_failed(app):
    pages = []
    held = client_from(app)
    for _ in range(5):
        log_in(held, password="pas le bon")
    for client, name, password in ((client_from(app), "personne", "x" * 12), (client_from(app), "camille", "faux"),
                                   (held, "camille", PASSWORD)):
        answer = log_in(client, name, password)
        page = re.sub(r'name="csrf_token" value="[^"]+"', "", answer.get_data(as_text=True))
        pages.append((answer.status_code, page.replace(f'value="{name}"', "")))
    assert len(set(pages)) == 1 and pages[0][0] == 401


def test_a_session_cookie_copied_before_logout_opens_nothing_after(app):
    client = client_from(app)
    assert log_in(client).status_code == 303
    stolen = client.get_cookie("session", domain="localhost").value
    assert client.get("/moderation", base_url=BASE).status_code == 200
    client.post("/moderation/deconnexion", base_url=BASE, data={"csrf_token": page_token(client)})
    thief = client_from(app)
    thief.set_cookie("session", stolen, domain="localhost")
    assert thief.get("/moderation", base_url=BASE).status_code == 401
    assert thief.get("/moderation/contributions.csv", base_url=BASE).status_code == 401


def test_a_session_cookie_opens_nothing_once_the_account_is_locked(app):
    from features.contributions.comptes import lock, unlock
    from features.contributions.web import sessions

    client = client_from(app)
    assert log_in(client).status_code == 303
    with app.server.app_context():
        lock(sessions(), "camille")
    assert client.get("/moderation", base_url=BASE).status_code == 401
    assert client.get("/moderation/contributions.csv", base_url=BASE).status_code == 401
    assert log_in(client).status_code == 401  # locked: the right password opens nothing
    with app.server.app_context():
        unlock(sessions(), "camille")
    assert log_in(client).status_code == 303 and client.get("/moderation", base_url=BASE).status_code == 200


def test_a_contribution_number_too_large_is_a_404_not_a_500(app, caplog):
    import logging

    client = client_from(app)
    log_in(client)
    caplog.set_level(logging.INFO)
    answer = client.post("/moderation/" + "9" * 20, base_url=BASE,
                         data={"csrf_token": page_token(client), "action": "approuver"})
    assert answer.status_code == 404 and "Contribution introuvable" in answer.get_data(as_text=True)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    shown = client.get("/moderation?fait=approuver&n=%C2%B2", base_url=BASE)
    assert shown.status_code == 200 and "n° ²" not in shown.get_data(as_text=True)
