"""The contributions' database: opened from a URL (SQLite under DATA_DIR by default, PostgreSQL through
DATABASE_URL), brought to the schema's latest revision by Alembic, and the few operations the portal needs —
submit, list what moderators must see, approve, reject or answer (each act logged), list what is public, purge the
e-mails past their period, export without the e-mails."""
from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from config_list import contributions_url as default_url  # SQLite beside the catalogue, when DATABASE_URL says none
from features.contributions.models import APPROVED, KINDS, LIMITS, PENDING, REJECTED, Contribution, ModerationAct

MIGRATIONS = Path(__file__).parent / "migrations"
_migrated: set[str] = set()
_lock = threading.Lock()


class ContributionError(ValueError):
    """A contribution the store refuses, with a message for the reader."""


def open_database(url: str) -> sessionmaker:
    """A session factory on the database at `url`, its schema brought to the latest revision (once per process)."""
    engine = create_engine(url, pool_pre_ping=True, future=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):  # several threads write: wait for the lock rather than fail
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine) -> None:
    """Alembic's upgrade to head, on this engine's connection. Several processes may open a new database at once
    (gunicorn's workers, several hosts): the upgrade is done by one at a time, each reading the schema's revision
    once it holds the lock (PostgreSQL's advisory lock, a file lock beside an SQLite file)."""
    from alembic import command
    from alembic.config import Config

    key = engine.url.render_as_string(hide_password=False)
    with _lock:
        if key in _migrated:
            return
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with _file_lock(engine), engine.begin() as connection:
            if engine.dialect.name == "postgresql":  # held until this transaction ends
                connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        _migrated.add(key)


MIGRATION_LOCK = 7_626_001  # PostgreSQL's advisory lock key for the migrations (any number the portal owns)


@contextmanager
def _file_lock(engine: Engine):
    """An exclusive lock on `<database>.migration-lock` for an SQLite file; nothing for other databases."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    import fcntl

    with open(f"{database}.migration-lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _now() -> dt.datetime:
    from data_access.clock import utc_now

    return utc_now()


LINKS = ("link", "image_url", "view_url")  # the fields that hold an address: http(s) only, never javascript:
LABELS = {"title": "titre", "description": "description", "why": "pourquoi", "publisher_hint": "producteur",
          "link": "lien", "view_url": "adresse de la vue", "row_ref": "ligne concernée", "image_alt": "texte "
          "alternatif de l'image", "image_url": "adresse de l'image", "datasets": "jeux utilisés",
          "email": "adresse e-mail", "answer": "réponse", "dataset_id": "jeu de données"}


def is_web_link(text: str | None) -> bool:
    """An absolute http(s) address with a host, and nothing a browser would run or read another way."""
    from urllib.parse import urlsplit

    text = (text or "").strip()
    if not text.lower().startswith(("https://", "http://")) or any(c.isspace() or ord(c) < 32 for c in text):
        return False
    return bool(urlsplit(text).hostname)


def _clean(values: dict) -> dict:
    """Each field stripped, empty ones None, every one within its size limit (refused beyond, never cut)."""
    kept = {}
    for name, value in values.items():
        text = None if value is None else str(value).strip()
        if text and len(text) > LIMITS.get(name, 4000):
            raise ContributionError(f"« {LABELS.get(name, name)} » : {LIMITS.get(name, 4000)} caractères au plus")
        kept[name] = text or None
    return kept


def submit(sessions: sessionmaker, kind: str, **values) -> int:
    """A new contribution, pending moderation; its id."""
    if kind not in KINDS:
        raise ContributionError(f"type de contribution inconnu : « {kind} »")
    fields = _clean(values)
    if not fields.get("description"):
        raise ContributionError("la description est obligatoire")
    for name in LINKS:
        if fields.get(name) and not is_web_link(fields[name]):
            raise ContributionError(f"« {LABELS.get(name, name)} » : une adresse commençant par http:// ou https:// "
                                    "est attendue")
    if fields.get("image_url") and not fields.get("image_alt"):
        raise ContributionError("décrivez l'image en quelques mots (texte alternatif), pour qui ne la voit pas")
    with sessions.begin() as session:
        contribution = Contribution(kind=kind, status=PENDING, created_at=_now(), **fields)
        session.add(contribution)
        session.flush()
        return contribution.id


def pending(sessions: sessionmaker) -> list[Contribution]:
    """What moderators have to read, the oldest first."""
    with sessions() as session:
        return list(session.scalars(select(Contribution).where(Contribution.status == PENDING)
                                    .order_by(Contribution.created_at, Contribution.id)))


def moderated(sessions: sessionmaker, limit: int = 50) -> list[Contribution]:
    """The latest contributions moderators acted on (published or rejected), the latest act first."""
    with sessions() as session:
        return list(session.scalars(select(Contribution).where(Contribution.status != PENDING)
                                    .order_by(Contribution.moderated_at.desc(), Contribution.id.desc()).limit(limit)))


def moderate(sessions: sessionmaker, contribution_id: int, moderator: str, action: str,
             answer: str | None = None) -> Contribution:
    """Approve (« approuver »), reject (« rejeter ») or answer (« repondre ») a contribution, logged."""
    statuses = {"approuver": APPROVED, "rejeter": REJECTED, "repondre": None}
    if action not in statuses:
        raise ContributionError(f"action inconnue : « {action} »")
    fields = _clean({"answer": answer})
    with sessions.begin() as session:
        contribution = session.get(Contribution, contribution_id)
        if contribution is None:
            raise ContributionError(f"contribution n° {contribution_id} introuvable")
        if statuses[action]:
            contribution.status = statuses[action]
        if fields["answer"]:
            contribution.answer = fields["answer"]
        contribution.moderated_at, contribution.moderated_by = _now(), moderator
        session.add(ModerationAct(at=contribution.moderated_at, moderator=moderator, contribution_id=contribution.id,
                                  action=action, details=fields["answer"]))
        return contribution


def public(sessions: sessionmaker, kind: str | None = None, dataset_id: str | None = None) -> list[Contribution]:
    """The approved contributions (of a kind, about a dataset), the newest first; a reuse is about each dataset it
    names."""
    query = select(Contribution).where(Contribution.status == APPROVED)
    if kind:
        query = query.where(Contribution.kind == kind)
    if dataset_id:  # the database narrows; Python checks each named id exactly (« chantiers » ≠ « chantiers-2 »)
        query = query.where(or_(Contribution.dataset_id == dataset_id,
                                Contribution.datasets.contains(dataset_id, autoescape=True)))
    with sessions() as session:
        found = list(session.scalars(query.order_by(Contribution.created_at.desc(), Contribution.id.desc())))
    if dataset_id:
        found = [c for c in found if c.dataset_id == dataset_id or dataset_id in (c.datasets or "").split(",")]
    return found


def purge_emails(sessions: sessionmaker, days: int, now: dt.datetime | None = None) -> int:
    """Forget the e-mail of every contribution older than `days`; how many were forgotten (logged)."""
    limit = (now or _now()) - dt.timedelta(days=days)
    with sessions.begin() as session:
        old = list(session.scalars(select(Contribution).where(Contribution.email.is_not(None),
                                                              Contribution.created_at < limit)))
        for contribution in old:
            contribution.email = None
        if old:
            session.add(ModerationAct(at=_now(), moderator="purge", action="purge",
                                      details=f"{len(old)} adresse(s) effacée(s), contributions d'avant "
                                              f"{limit:%Y-%m-%d}"))
        return len(old)


def export_rows(sessions: sessionmaker) -> list[dict]:
    """Every contribution, whatever its status, without its e-mail."""
    with sessions() as session:
        rows = session.scalars(select(Contribution).order_by(Contribution.id))
        return [{c.name: getattr(row, c.name) for c in Contribution.__table__.columns if c.name != "email"}
                for row in rows]


def count(sessions: sessionmaker, status: str | None = None) -> int:
    query = select(func.count(Contribution.id))
    if status:
        query = query.where(Contribution.status == status)
    with sessions() as session:
        return int(session.scalar(query))


def acts(sessions: sessionmaker, latest: int | None = None) -> list[ModerationAct]:
    """The moderation log, in order (or its `latest` acts, the latest first)."""
    query = select(ModerationAct).order_by(ModerationAct.id.desc() if latest else ModerationAct.id)
    with sessions() as session:
        return list(session.scalars(query.limit(latest) if latest else query))


__all__ = ["ContributionError", "Session", "acts", "count", "default_url", "export_rows", "is_web_link", "moderate",
           "moderated", "open_database", "pending", "public", "purge_emails", "submit"]
