"""The contributions' write path: POST /contributions/<kind> (« erreur », « jeu », « reutilisation »), from the
pages' forms. Each submission is checked before anything is kept: the CSRF token of the reader's signed session,
a field robots fill in and people never see (« site_web »), the size of every field, links in http(s) only, and at
most SUBMISSIONS_PER_MINUTE per address (flask-limiter, on the shared cache when there is one). A refusal answers
in French with the right status and gives the reader back what they wrote; nothing is half-kept."""
from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, redirect, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from markupsafe import escape

from data_access.contributions.models import KINDS

log = logging.getLogger(__name__)
SUBMISSIONS_PER_MINUTE = 10
HONEYPOT = "site_web"
FIELDS = {  # what each kind of contribution may carry, as the forms name it
    "erreur": ("description", "dataset_id", "row_ref", "view_url", "email"),
    "jeu": ("description", "why", "publisher_hint", "email"),
    "reutilisation": ("title", "link", "description", "datasets", "image_alt", "email"),
}
EXTENSION = "contributions"
_opening = threading.Lock()


def sessions():
    """The contributions' database, opened (and migrated) on first use: a portal that receives nothing writes
    nothing."""
    from data_access.contributions.store import open_database

    held = current_app.extensions.setdefault(EXTENSION, {})
    if "sessions" not in held:
        with _opening:
            if "sessions" not in held:
                held["sessions"] = open_database(current_app.extensions["portail"].settings.database_url)
    return held["sessions"]


def _back(target: str | None, words: str) -> str:
    """The page the form came from (a path of this site only), with the outcome in its query string."""
    target = str(target or "/")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    return target + ("&" if "?" in target else "?") + f"contribution={words}"


def refusal(status: int, message: str, kind: str | None = None, values: dict | None = None):
    """A short French page: what was refused and why, and the text the reader wrote, to send again."""
    kept = "".join(f"<p><strong>{escape(name)}</strong></p><pre>{escape(value)}</pre>"
                   for name, value in (values or {}).items() if value and name != HONEYPOT)
    body = (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Contribution refusée</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>'
            f"<h1>Votre contribution n'a pas été enregistrée</h1><p>{escape(message)}</p>"
            + (f"<h2>Ce que vous aviez écrit</h2>{kept}" if kept else "")
            + f'<p><a href="{escape(_back(request.form.get("retour"), "refusee"))}">Revenir à la page</a></p>'
            "</main></body></html>")
    return current_app.response_class(body, status=status, mimetype="text/html")


def submit(kind: str):
    from flask_wtf.csrf import CSRFError, validate_csrf
    from wtforms import ValidationError

    from data_access.contributions.store import ContributionError, submit as keep

    if kind not in KINDS:
        return refusal(404, f"type de contribution inconnu : « {kind[:40]} »")
    values = {name: request.form.get(name, "") for name in FIELDS[kind]}
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        log.warning("contribution refusée : jeton CSRF absent ou faux")
        return refusal(400, "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page, puis "
                            "renvoyez-le.", kind, values)
    if request.form.get(HONEYPOT):
        log.warning("contribution ignorée : le champ caché était rempli (robot)")
        return redirect(_back(request.form.get("retour"), "merci"), code=303)
    try:
        number = keep(sessions(), kind, **values)
    except ContributionError as exc:
        return refusal(400, f"{str(exc)[0].upper()}{str(exc)[1:]}.", kind, values)
    log.info("contribution n° %d reçue (%s)", number, kind)
    return redirect(_back(request.form.get("retour"), "merci"), code=303)


def _too_many(_limit):
    kind = (request.view_args or {}).get("kind")
    values = {name: request.form.get(name, "") for name in FIELDS.get(kind, ())}
    log.warning("contribution refusée : plus de %d envois en une minute depuis une même adresse",
                SUBMISSIONS_PER_MINUTE)
    return refusal(429, "Trop de contributions envoyées depuis cette adresse : réessayez dans une minute.", kind,
                   values)  # flask-limiter adds Retry-After: the seconds left in the minute


def register(server: Flask, settings) -> None:
    storage = settings.cache_redis_url if settings.cache_type == "RedisCache" and settings.cache_redis_url \
        else "memory://"
    limiter = Limiter(get_remote_address, app=server, storage_uri=storage, default_limits=[],
                      strategy="fixed-window", headers_enabled=True)
    server.extensions["contributions-limiter"] = limiter
    view = limiter.limit(f"{SUBMISSIONS_PER_MINUTE} per minute", methods=["POST"], on_breach=_too_many)(submit)
    server.add_url_rule("/contributions/<kind>", "contribution", view, methods=["POST"])
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=True,
                         WTF_CSRF_TIME_LIMIT=4 * 3600)
