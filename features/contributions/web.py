"""The contributions' write path: POST /contributions/<kind> (« erreur », « jeu », « reutilisation »), from the
pages' forms. Each submission is checked before anything is kept: the CSRF token of the reader's signed session,
a field robots fill in and people never see (« site_web »), the size of every field, links in http(s) only, and at
most SUBMISSIONS_PER_MINUTE per address (flask-limiter, counted on Redis when there is one, else in a file that the
server's workers share). A refusal answers in French with the right status and gives the reader back what they
wrote; nothing is half-kept."""
from __future__ import annotations

import logging
import threading

from flask import Blueprint, Flask, current_app, redirect, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from features.contributions.draw import HONEYPOT
from features.contributions.models import KINDS

log = logging.getLogger(__name__)
SUBMISSIONS_PER_MINUTE = 10
FIELDS = {  # what each kind of contribution may carry, as the forms name it
    "erreur": ("description", "dataset_id", "row_ref", "view_url", "email"),
    "jeu": ("description", "why", "publisher_hint", "email"),
    "reutilisation": ("title", "link", "description", "datasets", "image_url", "image_alt", "email"),
}
EXTENSION = "contributions"
_opening = threading.Lock()


def sessions():
    """The contributions' database, opened (and migrated) on first use: a portal that receives nothing writes
    nothing."""
    from features.contributions.store import open_database

    held = current_app.extensions.setdefault(EXTENSION, {})
    if "sessions" not in held:
        with _opening:
            if "sessions" not in held:
                held["sessions"] = open_database(current_app.extensions["portail"].settings.database_url)
    return held["sessions"]


def published(kind: str, dataset_id: str | None = None) -> list | None:
    """The approved contributions of a kind (about a dataset) for a page; None when the database cannot be read
    (the page says so, and the rest of it is drawn)."""
    from sqlalchemy.exc import SQLAlchemyError

    from features.contributions.store import public

    try:
        return public(sessions(), kind, dataset_id)
    except (SQLAlchemyError, OSError) as exc:
        log.error("contributions illisibles : %s", exc)
        return None


def _values(kind: str) -> dict:
    """What the form sent for this kind; the datasets a reuse names arrive as several values or one « , » list."""
    values = {name: request.form.get(name, "") for name in FIELDS.get(kind, ())}
    if "datasets" in values:
        values["datasets"] = ",".join(part.strip() for value in request.form.getlist("datasets")
                                      for part in value.split(",") if part.strip())
    return values


def _unknown_datasets(values: dict) -> list[str]:
    """The dataset ids the contribution names that the catalogue does not hold."""
    catalogue = current_app.extensions["portail"].repository.catalogue
    named = [values.get("dataset_id") or ""] + (values.get("datasets") or "").split(",")
    return [name for name in named if name and catalogue.get(name) is None]


def _back(words: str) -> str:
    """The page the form came from, with the outcome in its query string: the form's `retour` when it is a path of
    this portal (security.local_path), else the page that sent the form (its Referer, when it is this portal's),
    else the home page. Never another site."""
    from urllib.parse import urlsplit

    from security import local_path

    target = local_path(request.form.get("retour"))
    if target is None:
        referrer = urlsplit(request.referrer or "")
        if referrer.netloc == request.host:
            target = local_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
    target = target or "/"
    return target + ("&" if "?" in target else "?") + f"contribution={words}"


def refusal(status: int, message: str, kind: str | None = None, values: dict | None = None):
    """A short French page: what was refused and why, and the text the reader wrote, to send again."""
    from flask import render_template

    from features.contributions.store import LABELS

    kept = [(LABELS.get(name, name).capitalize(), value) for name, value in (values or {}).items()
            if value and name != HONEYPOT]
    body = render_template("refus.html", message=message, kept=kept, back=_back("refusee"),
                           portal_title=current_app.extensions["portail"].repository.catalogue.portal.title)
    return current_app.response_class(body, status=status, mimetype="text/html")


def submit(kind: str):
    from flask_wtf.csrf import CSRFError, validate_csrf
    from sqlalchemy.exc import SQLAlchemyError
    from wtforms import ValidationError

    from features.contributions.store import ContributionError
    from features.contributions.store import submit as keep

    if kind not in KINDS:
        return refusal(404, f"type de contribution inconnu : « {kind[:40]} »")
    values = _values(kind)
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        log.warning("contribution refusée : jeton CSRF absent ou faux")
        return refusal(400, "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page, puis "
                            "renvoyez-le.", kind, values)
    if request.form.get(HONEYPOT):
        log.warning("contribution ignorée : le champ caché était rempli (robot)")
        return redirect(_back("merci"), code=303)
    unknown = _unknown_datasets(values)
    if unknown:
        return refusal(400, f"Jeu de données inconnu du catalogue : « {unknown[0][:80]} ».", kind, values)
    try:
        number = keep(sessions(), kind, **values)
    except ContributionError as exc:
        return refusal(400, f"{str(exc)[0].upper()}{str(exc)[1:]}.", kind, values)
    except (SQLAlchemyError, OSError) as exc:
        log.error("contribution non enregistrée, base inaccessible : %s", exc)
        return refusal(503, "Les contributions ne peuvent pas être enregistrées pour l'instant : réessayez plus "
                            "tard.", kind, values)
    log.info("contribution n° %d reçue (%s)", number, kind)
    return redirect(_back("merci"), code=303)


def _too_many(_limit):
    kind = (request.view_args or {}).get("kind")
    values = _values(kind)
    log.warning("contribution refusée : plus de %d envois en une minute depuis une même adresse",
                SUBMISSIONS_PER_MINUTE)
    return refusal(429, "Trop de contributions envoyées depuis cette adresse : réessayez dans une minute.", kind,
                   values)  # flask-limiter adds Retry-After: the seconds left in the minute


def _reader_address() -> str:
    """Whom a limit counts: the reader's address (an IPv6 address's /64, which one subscriber holds whole)."""
    from features.contributions.comptes import address_group

    return address_group(get_remote_address())


def register(server: Flask, settings) -> None:
    from rate_limits import shared_storage_uri

    # the contributions' and the moderators' HTML pages (templates/ beside this module)
    server.register_blueprint(Blueprint("contributions_pages", __name__, template_folder="templates"))

    # Redis when there is one (several hosts); else a file every worker of this server shares (rate_limits.py).
    # The storage down: each worker counts in its memory meanwhile (logged by flask-limiter), never a 500
    storage = settings.cache_redis_url if settings.cache_type == "RedisCache" and settings.cache_redis_url \
        else shared_storage_uri()
    limiter = Limiter(_reader_address, app=server, storage_uri=storage, default_limits=[],
                      strategy="fixed-window", headers_enabled=True, swallow_errors=True,
                      in_memory_fallback_enabled=True)
    server.extensions["contributions-limiter"] = limiter
    view = limiter.limit(f"{SUBMISSIONS_PER_MINUTE} per minute", methods=["POST"], on_breach=_too_many)(submit)
    server.add_url_rule("/contributions/<kind>", "contribution", view, methods=["POST"])
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=True,
                         WTF_CSRF_TIME_LIMIT=4 * 3600)
