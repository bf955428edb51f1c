"""The contributions' store on SQLite and on PostgreSQL: one schema brought up by Alembic, submissions pending
until a moderator acts, each act logged, the public lists, field limits and links, the e-mails purged after their
period and left out of the export (the moderators' accounts: test_moderator_accounts.py)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect

from data_access import clock
from features.contributions import store
from features.contributions.models import APPROVED, LIMITS, PENDING, REJECTED

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def sessions(database_url, monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: NOW)
    return store.open_database(database_url)


def test_the_schema_comes_from_the_migrations(sessions):
    tables = set(inspect(sessions.kw["bind"]).get_table_names())
    assert {"contributions", "moderateurs", "journal_moderation", "alembic_version"} <= tables


def test_nothing_is_public_until_a_moderator_approves_it(sessions):
    error = store.submit(sessions, "erreur", dataset_id="chantiers", description="La date de fin est fausse.",
                         row_ref="ligne 12", email="a@example.org")
    reuse = store.submit(sessions, "reutilisation", title="Carte des travaux", link="https://example.org/carte",
                         description="Une carte", datasets="chantiers,communes", image_alt="Une carte")
    wish = store.submit(sessions, "jeu", description="Les horaires des piscines", why="pour nager")
    assert store.public(sessions) == [] and [c.id for c in store.pending(sessions)] == [error, reuse, wish]
    store.moderate(sessions, error, "camille", "approuver", answer="Corrigé dans la prochaine mise à jour.")
    store.moderate(sessions, reuse, "camille", "approuver")
    store.moderate(sessions, wish, "camille", "rejeter")
    about = store.public(sessions, dataset_id="chantiers")
    assert [(c.kind, c.answer) for c in about] == [("reutilisation", None),
                                                    ("erreur", "Corrigé dans la prochaine mise à jour.")]
    assert [c.id for c in store.public(sessions, kind="reutilisation", dataset_id="communes")] == [reuse]
    assert store.count(sessions, REJECTED) == 1 and store.count(sessions, APPROVED) == 2
    assert store.count(sessions, PENDING) == 0
    assert [(a.moderator, a.action, a.contribution_id, a.at.replace(tzinfo=None)) for a in store.acts(sessions)] == [
        ("camille", "approuver", error, NOW.replace(tzinfo=None)), ("camille", "approuver", reuse,
                                                                    NOW.replace(tzinfo=None)),
        ("camille", "rejeter", wish, NOW.replace(tzinfo=None))]


@pytest.mark.parametrize("values, words", [
    ({"description": ""}, "la description est obligatoire"),
    ({"description": "x" * (LIMITS["description"] + 1)}, "4000 caractères au plus"),
    ({"description": "x", "link": "javascript:alert(1)"}, "http:// ou https://"),
    ({"description": "x", "link": " JAVASCRIPT:alert(1)"}, "http:// ou https://"),
    ({"description": "x", "email": "a" * 300}, "254 caractères au plus")])
def test_a_bad_contribution_is_refused_whole(sessions, values, words):
    with pytest.raises(store.ContributionError, match=words):
        store.submit(sessions, "reutilisation", **values)
    assert store.count(sessions) == 0


def test_emails_are_forgotten_after_their_period_and_never_exported(sessions, monkeypatch):
    old = store.submit(sessions, "jeu", description="ancien", email="old@example.org")
    monkeypatch.setattr(clock, "utc_now", lambda: NOW + dt.timedelta(days=400))
    recent = store.submit(sessions, "jeu", description="récent", email="new@example.org")
    assert store.purge_emails(sessions, days=365) == 1
    rows = store.export_rows(sessions)
    assert [r["id"] for r in rows] == [old, recent] and all("email" not in r for r in rows)
    with sessions() as session:
        from features.contributions.models import Contribution

        assert session.get(Contribution, old).email is None
        assert session.get(Contribution, recent).email == "new@example.org"
    assert store.acts(sessions)[-1].action == "purge"


def test_the_command_line_creates_a_moderator(tmp_path, monkeypatch, capsys):
    import io

    from features.contributions import moderateurs

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'c.sqlite'}")
    monkeypatch.setattr("sys.stdin", io.StringIO("un mot de passe solide\n"))
    assert moderateurs.main(["add", "camille"]) == 0
    assert moderateurs.main(["list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["modérateur « camille » créé", "camille"]
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    assert moderateurs.main(["list"]) == 2
    assert "DATABASE_URL" in capsys.readouterr().err


def _open_and_submit(url: str, start_at: float) -> int:
    import time

    from features.contributions import store

    time.sleep(max(0.0, start_at - time.time()))  # every process opens the new database at the same moment
    return store.submit(store.open_database(url), "jeu", description="ouverte en même temps")


def test_several_processes_open_a_new_database_at_once(database_url):
    """gunicorn's workers each open the database on their first request: one migrates, the others wait for it."""
    import multiprocessing
    import time

    with multiprocessing.get_context("spawn").Pool(4) as pool:
        numbers = pool.starmap(_open_and_submit, [(database_url, time.time() + 3)] * 4)
    assert sorted(numbers) == [1, 2, 3, 4]
    assert store.count(store.open_database(database_url)) == 4


def test_a_reuse_shows_on_the_datasets_it_names_exactly(sessions):
    for named in ("chantiers-2", "chantiers,communes", "a%b", "a_b"):
        number = store.submit(sessions, "reutilisation", title=named, link="https://example.org", description="x",
                              datasets=named)
        store.moderate(sessions, number, "camille", "approuver")
    titles = {dataset: sorted(c.title for c in store.public(sessions, "reutilisation", dataset))
              for dataset in ("chantiers", "chantiers-2", "communes", "a%b", "a_b", "axb", "%")}
    assert titles == {"chantiers": ["chantiers,communes"], "chantiers-2": ["chantiers-2"],
                      "communes": ["chantiers,communes"], "a%b": ["a%b"], "a_b": ["a_b"], "axb": [], "%": []}
