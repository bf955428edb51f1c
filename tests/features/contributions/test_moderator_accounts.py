"""Moderators' accounts on SQLite and on PostgreSQL: a failed login from one address holds that address out, with
growing waits, never the moderator from elsewhere; unknown names are counted the same way; the account's generation
moves at logout, new password and lock, and a session carrying an older one opens nothing; the command line adds,
changes a password, locks and unlocks."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from data_access import clock
from features.contributions import comptes, store
from features.contributions.models import LoginFailures

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.timezone.utc)
PASSWORD = "un mot de passe solide"
SECRET = "secret du portail"
ATTACKER, MODERATOR = "203.0.113.9", "198.51.100.4"


@pytest.fixture
def sessions(database_url, monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: NOW)
    sessions = store.open_database(database_url)
    comptes.add_moderator(sessions, "camille", PASSWORD)
    return sessions


def login(sessions, password=PASSWORD, address=MODERATOR, name="camille"):
    return comptes.login(sessions, name, password, address, SECRET)


def at(monkeypatch, moment):
    monkeypatch.setattr(clock, "utc_now", lambda: moment)


def test_the_right_password_opens_a_session_with_the_accounts_generation(sessions):
    opened = login(sessions)
    assert (opened.name, opened.generation) == ("camille", 0)
    assert comptes.session_is_valid(sessions, "camille", 0)
    assert login(sessions, name="personne") is None and login(sessions, "faux") is None
    with pytest.raises(store.ContributionError, match="existe déjà"):
        comptes.add_moderator(sessions, "camille", "un autre mot de passe")
    with pytest.raises(store.ContributionError, match="trop court"):
        comptes.add_moderator(sessions, "dominique", "court")


def test_five_failures_hold_that_address_out_not_the_moderator(sessions, monkeypatch):
    for _ in range(5):
        assert login(sessions, "faux", ATTACKER) is None
    assert login(sessions, address=ATTACKER) is None  # the right password, from the address that failed: it waits
    assert login(sessions, address=MODERATOR) is not None  # the moderator, from elsewhere, is not locked out
    at(monkeypatch, NOW + comptes.FIRST_WAIT + dt.timedelta(seconds=1))
    assert login(sessions, address=ATTACKER) is None  # the attempt while waiting was a 7th failure: 10 minutes
    actions = [(a.moderator, a.action, a.details) for a in store.acts(sessions)]
    assert actions.count(("camille", "echec", None)) == 5
    assert actions.count(("camille", "echec", "adresse en attente")) == 2


def test_the_waits_grow_at_each_failure_up_to_a_day():
    assert [comptes.wait_after(n) for n in (1, 4)] == [dt.timedelta(0)] * 2
    assert [comptes.wait_after(n) / dt.timedelta(minutes=1) for n in (5, 6, 7, 8)] == [5, 10, 20, 40]
    assert comptes.wait_after(40) == comptes.wait_after(400) == dt.timedelta(days=1)


def test_a_wait_that_ended_lets_the_right_password_in_and_forgets_the_failures(sessions, monkeypatch):
    for _ in range(5):
        login(sessions, "faux", ATTACKER)
    at(monkeypatch, NOW + comptes.FIRST_WAIT + dt.timedelta(seconds=1))
    assert login(sessions, address=ATTACKER) is not None
    with sessions() as session:
        assert session.query(LoginFailures).count() == 0


def test_an_unknown_name_is_counted_and_held_like_a_known_one(sessions):
    for _ in range(5):
        assert login(sessions, "faux", ATTACKER, name="dominique") is None
    with sessions() as session:
        held = session.query(LoginFailures).one()
        assert held.moderator_id is None and held.failures == 5 and held.locked_until is not None
        assert "dominique" not in held.name_key and ATTACKER not in held.address_key  # keyed digests only
    assert {a.moderator for a in store.acts(sessions) if a.action == "echec"} == {comptes.UNKNOWN}


def test_logout_new_password_and_lock_each_end_every_session(sessions):
    opened = login(sessions)
    comptes.log_out(sessions, "camille")
    assert not comptes.session_is_valid(sessions, "camille", opened.generation)
    second = login(sessions)
    assert second.generation == opened.generation + 1 and comptes.session_is_valid(sessions, "camille", 1)
    comptes.change_password(sessions, "camille", "un tout nouveau mot de passe")
    assert not comptes.session_is_valid(sessions, "camille", second.generation)
    assert login(sessions) is None and login(sessions, "un tout nouveau mot de passe") is not None
    comptes.lock(sessions, "camille")
    assert not comptes.session_is_valid(sessions, "camille", 3)
    assert login(sessions, "un tout nouveau mot de passe") is None  # locked: even the right password
    comptes.unlock(sessions, "camille")
    assert login(sessions, "un tout nouveau mot de passe").generation == 3


def test_unlock_lifts_the_waits_of_every_address(sessions):
    for address in (ATTACKER, MODERATOR):
        for _ in range(5):
            login(sessions, "faux", address)
    assert login(sessions) is None
    assert comptes.unlock(sessions, "camille") == 2
    assert login(sessions) is not None


def test_the_purge_forgets_failures_that_count_no_more(sessions, monkeypatch):
    login(sessions, "faux", MODERATOR)
    for _ in range(30):  # a day's wait, at most
        login(sessions, "faux", ATTACKER)
    assert comptes.forget_old_failures(sessions) == 0
    assert comptes.forget_old_failures(sessions, NOW + dt.timedelta(days=1, minutes=1)) == 2


def test_the_command_line_adds_changes_locks_and_unlocks(tmp_path, monkeypatch, capsys):
    from features.contributions import moderateurs

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'c.sqlite'}")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert moderateurs.main(["add", "camille"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("un tout nouveau mot de passe\n"))
    assert moderateurs.main(["mot-de-passe", "camille"]) == 0
    assert moderateurs.main(["verrouiller", "camille"]) == 0
    assert moderateurs.main(["debloquer", "camille"]) == 0
    assert moderateurs.main(["debloquer", "personne"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == ["modérateur « camille » créé",
                                "mot de passe de « camille » changé ; ses sessions ont pris fin",
                                "compte « camille » verrouillé ; ses sessions ont pris fin",
                                "compte « camille » débloqué ; 0 adresse(s) en attente libérée(s)"]
    assert "aucun modérateur ne s'appelle « personne »" in err
    sessions = store.open_database(f"sqlite:///{tmp_path / 'c.sqlite'}")
    assert comptes.login(sessions, "camille", "un tout nouveau mot de passe", MODERATOR, SECRET).generation == 2


def test_failures_at_the_same_moment_all_count(sessions):
    """Six wrong passwords sent at once from one address: the database counts six (none lost between two
    workers), and the address waits."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(lambda _: login(sessions, "faux", ATTACKER), range(6))) == [None] * 6
    with sessions() as session:
        held = session.query(LoginFailures).one()
        assert held.failures == 6 and held.locked_until is not None
    assert login(sessions, address=ATTACKER) is None and login(sessions, address=MODERATOR) is not None


def test_an_ipv6_subscriber_counts_as_one_address(sessions):
    for k in range(5):  # five addresses of one /64: one address that failed five times
        login(sessions, "faux", f"2001:db8:1:2::{k + 1}")
    assert login(sessions, address="2001:db8:1:2::99") is None
    assert login(sessions, address="2001:db8:1:3::1") is not None
    assert comptes.address_group("::ffff:203.0.113.9") == "203.0.113.9"
