"""Moderators' accounts: a name and a password hashed with scrypt (hashlib, in werkzeug's format), logins that cost
the same whatever makes them fail, failures counted per name and address with growing delays, and sessions that end
everywhere when their account's generation moves (logout, new password, lock). Each login, failed or not, is logged."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from data_access import clock
from features.contributions.models import LoginFailures, ModerationAct, Moderator
from features.contributions.store import ContributionError

MAX_FAILURES = 5  # the 5th wrong password in a row from one address holds that address out
FIRST_WAIT = dt.timedelta(minutes=5)  # then 10, 20, 40… at each further failure
LONGEST_WAIT = dt.timedelta(days=1)
FORGOTTEN_AFTER = dt.timedelta(days=1)  # failures older than this, with no wait running, count no more
MIN_PASSWORD = 12
NAME_LIMIT = 100
UNKNOWN = "(nom inconnu)"  # the log's name for a login with a name no account has (never what was typed)


class Login:
    """A login that opened a session: the account's name and its generation, which the session carries."""

    def __init__(self, name: str, generation: int):
        self.name, self.generation = name, generation


def _valid_name(name: str) -> str:
    name = str(name).strip()
    if not name or len(name) > NAME_LIMIT or not name.isprintable():
        raise ContributionError(f"nom de modérateur invalide (1 à {NAME_LIMIT} caractères)")
    return name


# The stored hashes keep werkzeug's format (« scrypt:n:r:p$salt$hex », `generate_password_hash`), which the accounts
# were first made with: every hash already stored is checked as it was; nothing here needs the web framework.
SCRYPT = (1 << 15, 8, 1)  # n, r, p: werkzeug's defaults
SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
SALT_LENGTH = 16


def _derive(method: str, salt: str, password: str) -> str:
    """The hex digest `method` (« scrypt:n:r:p », or « pbkdf2:hash:iterations » of older werkzeug hashes) gives."""
    kind, *args = method.split(":")
    if kind == "scrypt":
        n, r, p = map(int, args) if args else SCRYPT
        return hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p).hex()
    if kind == "pbkdf2" and len(args) == 2:
        return hashlib.pbkdf2_hmac(args[0], password.encode(), salt.encode(), int(args[1])).hex()
    raise ValueError(f"méthode de hachage inconnue : {kind}")


def hash_password(password: str) -> str:
    """A new hash of `password` (scrypt, a random salt), in werkzeug's format."""
    n, r, p = SCRYPT
    salt = "".join(secrets.choice(SALT_CHARS) for _ in range(SALT_LENGTH))
    return f"scrypt:{n}:{r}:{p}${salt}${_derive(f'scrypt:{n}:{r}:{p}', salt, password)}"


def check_password(stored: str, password: str) -> bool:
    """Whether `password` is the one `stored` was made from (compared in constant time)."""
    try:
        method, salt, digest = stored.split("$", 2)
        return hmac.compare_digest(_derive(method, salt, password), digest)
    except ValueError:  # a malformed hash opens nothing
        return False


def _password_hash(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ContributionError(f"mot de passe trop court : {MIN_PASSWORD} caractères au moins")
    return hash_password(password)


def add_moderator(sessions: sessionmaker, name: str, password: str) -> None:
    name = _valid_name(name)
    try:
        with sessions.begin() as session:
            session.add(Moderator(name=name, password_hash=_password_hash(password), generation=0,
                                  created_at=clock.utc_now()))
    except IntegrityError:
        raise ContributionError(f"le modérateur « {name} » existe déjà") from None


def names(sessions: sessionmaker) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(Moderator.name).order_by(Moderator.name)))


def _account(session, name: str) -> Moderator:
    moderator = session.scalar(select(Moderator).where(Moderator.name == str(name).strip()))
    if moderator is None:
        raise ContributionError(f"aucun modérateur ne s'appelle « {str(name)[:NAME_LIMIT]} »")
    return moderator


def change_password(sessions: sessionmaker, name: str, password: str) -> None:
    """A new password: every session of the account ends."""
    with sessions.begin() as session:
        moderator = _account(session, name)
        moderator.password_hash, moderator.generation = _password_hash(password), moderator.generation + 1
        session.add(ModerationAct(at=clock.utc_now(), moderator=moderator.name, action="mot_de_passe"))


def lock(sessions: sessionmaker, name: str) -> None:
    """Lock an account (a password that leaked, a person who left): no login, and every session ends."""
    with sessions.begin() as session:
        moderator = _account(session, name)
        moderator.locked_at, moderator.generation = clock.utc_now(), moderator.generation + 1
        session.add(ModerationAct(at=moderator.locked_at, moderator=moderator.name, action="verrou"))


def unlock(sessions: sessionmaker, name: str) -> int:
    """Lift an account's lock and the waits of every address that failed on it; how many waits were lifted."""
    with sessions.begin() as session:
        moderator = _account(session, name)
        moderator.locked_at = None
        lifted = session.execute(delete(LoginFailures).where(LoginFailures.moderator_id == moderator.id)).rowcount
        session.add(ModerationAct(at=clock.utc_now(), moderator=moderator.name, action="deverrou",
                                  details=f"{lifted} adresse(s) libérée(s)"))
        return lifted


def log_out(sessions: sessionmaker, name: str) -> None:
    """End every session of the account (this browser's and any copy of its cookie)."""
    with sessions.begin() as session:
        moderator = session.scalar(select(Moderator).where(Moderator.name == name))
        if moderator is not None:
            moderator.generation += 1
            session.add(ModerationAct(at=clock.utc_now(), moderator=moderator.name, action="deconnexion"))


def session_is_valid(sessions: sessionmaker, name: str, generation: int) -> bool:
    """Whether a session still opens the account: it exists, is not locked, and has not moved generation since."""
    with sessions() as session:
        moderator = session.scalar(select(Moderator).where(Moderator.name == name))
        return moderator is not None and moderator.locked_at is None and moderator.generation == generation


# Checked when the name is unknown: a hash made like the real ones (scrypt, werkzeug's default parameters), so
# that an unknown name costs one scrypt check too. Written here rather than made at start: nothing runs at import,
# and the first unknown name of each worker costs no more than the others.
DUMMY_HASH = ("scrypt:32768:8:1$xxnSqZmHqwNsSyAV$d3700ad76d03c894f69eedd6a6e374842ce2fa50df3cc5758d153e0609a59497917a"
              "93420763817aad98fc5c020399156f7078d7d2804bec72077fae2d87aa17")


def _key(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def address_group(address: str) -> str:
    """What a limit counts as one address: an IPv4 address itself, an IPv6 address's /64 (a subscriber is given a
    whole /64: counting each of its addresses apart would give one attacker endless fresh tries)."""
    try:
        ip = ipaddress.ip_address(str(address).strip())
    except ValueError:
        return str(address)
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)


def wait_after(failures: int) -> dt.timedelta:
    """How long a name and address wait after `failures` failures in a row (none below MAX_FAILURES)."""
    if failures < MAX_FAILURES:
        return dt.timedelta(0)
    return min(FIRST_WAIT * 2 ** min(failures - MAX_FAILURES, 20), LONGEST_WAIT)


def _count_failure(session, failures: LoginFailures | None, waiting: bool, keys: dict, moderator_id: int | None,
                   now: dt.datetime) -> None:
    """One more failure for this name and address, counted by the database itself (two attempts at once both
    count), and the wait it brings."""
    table = LoginFailures.__table__
    same = (table.c.name_key == keys["name_key"]) & (table.c.address_key == keys["address_key"])
    if failures is None:  # the first failure, unless another attempt just wrote it: then one more
        dialect = session.get_bind().dialect.name
        insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table).values(
            **keys, moderator_id=moderator_id, failures=1, last_failure_at=now)
        counted = insert.on_conflict_do_update(
            index_elements=["name_key", "address_key"],
            set_={"failures": table.c.failures + 1, "last_failure_at": now, "moderator_id": moderator_id})
    else:
        forgotten = not waiting and clock.in_paris(failures.last_failure_at) < now - FORGOTTEN_AFTER
        counted = update(table).where(same).values(
            failures=1 if forgotten else table.c.failures + 1, last_failure_at=now, moderator_id=moderator_id)
    count = session.execute(counted.returning(table.c.failures)).scalar_one()
    wait = wait_after(count)
    if wait:
        session.execute(update(table).where(same).values(locked_until=now + wait))


def login(sessions: sessionmaker, name: str, password: str, address: str, secret: str) -> Login | None:
    """The Login if this name and password open a session from this address, else None. Every attempt does the
    same work: one account read, one failures read, one scrypt check (against a dummy hash for an unknown name,
    and even while the address waits), one write of the failures, one line of the log. A name and address that
    failed MAX_FAILURES times in a row wait, longer at each further failure, even with the right password; another
    address is not held (no one can lock a moderator out from elsewhere)."""
    now = clock.utc_now()
    name = str(name)[:NAME_LIMIT]
    keys = {"name_key": _key(secret, "nom:" + name.casefold()),
            "address_key": _key(secret, "adresse:" + address_group(address))}
    with sessions.begin() as session:
        moderator = session.scalar(select(Moderator).where(Moderator.name == name))
        failures = session.scalar(select(LoginFailures).where(LoginFailures.name_key == keys["name_key"],
                                                              LoginFailures.address_key == keys["address_key"]))
        waiting = failures is not None and failures.locked_until is not None and \
            clock.in_paris(failures.locked_until) > now
        right = check_password(moderator.password_hash if moderator else DUMMY_HASH, str(password))
        opened = right and moderator is not None and moderator.locked_at is None and not waiting
        if opened:
            if failures is not None:
                session.delete(failures)
        else:
            _count_failure(session, failures, waiting, keys, moderator.id if moderator else None, now)
        details = "compte verrouillé" if moderator is not None and moderator.locked_at is not None else \
            "adresse en attente" if waiting else None
        session.add(ModerationAct(at=now, moderator=moderator.name if moderator else UNKNOWN,
                                  action="connexion" if opened else "echec", details=details))
        return Login(moderator.name, moderator.generation) if opened else None


def forget_old_failures(sessions: sessionmaker, now: dt.datetime | None = None) -> int:
    """Delete the failures no wait holds any more and that count no more; how many (the purge runs it)."""
    now = now or clock.utc_now()
    with sessions.begin() as session:
        old = list(session.scalars(select(LoginFailures).where(LoginFailures.last_failure_at < now - FORGOTTEN_AFTER)))
        gone = [f for f in old if f.locked_until is None or clock.in_paris(f.locked_until) <= now]
        for failures in gone:
            session.delete(failures)
        return len(gone)
