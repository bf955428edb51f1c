"""The schema, declared once with SQLAlchemy; migrations/ creates and changes it (never hand-built SQL)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# The size limits of every field (the forms check them first, the database holds them)
LIMITS = {"title": 200, "description": 4000, "why": 2000, "publisher_hint": 300, "link": 500, "view_url": 1000,
          "row_ref": 200, "image_alt": 300, "datasets": 1000, "email": 254, "answer": 4000, "dataset_id": 200,
          "image_url": 500}
KINDS = ("erreur", "jeu", "reutilisation")  # an error reported, a dataset wished for, a reuse shown
PENDING, APPROVED, REJECTED = "en_attente", "publiee", "rejetee"


class Base(DeclarativeBase):
    pass


class Contribution(Base):
    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    dataset_id: Mapped[str | None] = mapped_column(String(LIMITS["dataset_id"]), index=True)
    view_url: Mapped[str | None] = mapped_column(String(LIMITS["view_url"]))
    row_ref: Mapped[str | None] = mapped_column(String(LIMITS["row_ref"]))
    title: Mapped[str | None] = mapped_column(String(LIMITS["title"]))
    description: Mapped[str] = mapped_column(Text)
    why: Mapped[str | None] = mapped_column(Text)
    publisher_hint: Mapped[str | None] = mapped_column(String(LIMITS["publisher_hint"]))
    link: Mapped[str | None] = mapped_column(String(LIMITS["link"]))
    image_url: Mapped[str | None] = mapped_column(String(LIMITS["image_url"]))  # shown as a link, never loaded
    image_alt: Mapped[str | None] = mapped_column(String(LIMITS["image_alt"]))
    datasets: Mapped[str | None] = mapped_column(String(LIMITS["datasets"]))  # the ids a reuse uses, « , »-joined
    email: Mapped[str | None] = mapped_column(String(LIMITS["email"]))  # never shown; deleted after a period
    answer: Mapped[str | None] = mapped_column(Text)
    moderated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    moderated_by: Mapped[str | None] = mapped_column(String(100))


class Moderator(Base):
    __tablename__ = "moderateurs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # a session is valid while it carries the account's generation: logging out, a new password or a lock bump it
    generation: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # locked from the command line


class LoginFailures(Base):
    """Failed logins in a row for one name typed from one address, and how long that pair must wait: a lock that
    holds one address out, never the moderator themselves. Both are kept as keyed digests, never as typed (a
    password typed in the name field stays unreadable)."""

    __tablename__ = "echecs_connexion"
    __table_args__ = (UniqueConstraint("name_key", "address_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_key: Mapped[str] = mapped_column(String(64), index=True)
    address_key: Mapped[str] = mapped_column(String(64))
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("moderateurs.id", ondelete="CASCADE"), index=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ModerationAct(Base):
    """Who did what, when, to which contribution: kept for good."""

    __tablename__ = "journal_moderation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    moderator: Mapped[str] = mapped_column(String(100))
    contribution_id: Mapped[int | None] = mapped_column(ForeignKey("contributions.id"))
    action: Mapped[str] = mapped_column(String(30))  # approuver, rejeter, repondre, connexion, purge…
    details: Mapped[str | None] = mapped_column(Text)
