"""Moderators' accounts: a name and a password hashed with scrypt (werkzeug), and logins that lock after repeated
failures — each login, failed or not, is logged."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from werkzeug.security import check_password_hash, generate_password_hash

from data_access import clock

from .models import ModerationAct, Moderator
from .store import ContributionError

MAX_FAILURES = 5  # the 6th wrong password in a row locks the account
LOCK = dt.timedelta(minutes=15)
MIN_PASSWORD = 12
NAME_LIMIT = 100


def add_moderator(sessions: sessionmaker, name: str, password: str) -> None:
    name = str(name).strip()
    if not name or len(name) > NAME_LIMIT or not name.isprintable():
        raise ContributionError(f"nom de modérateur invalide (1 à {NAME_LIMIT} caractères)")
    if len(password) < MIN_PASSWORD:
        raise ContributionError(f"mot de passe trop court : {MIN_PASSWORD} caractères au moins")
    try:
        with sessions.begin() as session:
            session.add(Moderator(name=name, password_hash=generate_password_hash(password, method="scrypt"),
                                  failed_logins=0, created_at=clock.utc_now()))
    except IntegrityError:
        raise ContributionError(f"le modérateur « {name} » existe déjà") from None


def names(sessions: sessionmaker) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(Moderator.name).order_by(Moderator.name)))


def login(sessions: sessionmaker, name: str, password: str) -> bool:
    """Whether this name and password open a session. A locked account refuses even the right password until
    its lock ends; an unknown name costs a hash too (no timing tells which names exist)."""
    now = clock.utc_now()
    with sessions.begin() as session:
        moderator = session.scalar(select(Moderator).where(Moderator.name == str(name)[:NAME_LIMIT]))
        if moderator is None:
            check_password_hash(generate_password_hash("x", method="scrypt"), str(password))
            return False
        locked = moderator.locked_until is not None and clock.in_paris(moderator.locked_until) > now
        right = check_password_hash(moderator.password_hash, str(password)) if not locked else False
        if right:
            moderator.failed_logins, moderator.locked_until = 0, None
        elif not locked:
            moderator.failed_logins += 1
            if moderator.failed_logins >= MAX_FAILURES:
                moderator.locked_until = now + LOCK
        session.add(ModerationAct(at=now, moderator=moderator.name, action="connexion" if right else "echec",
                                  details="compte verrouillé" if locked else None))
        return right

