"""/moderation: the moderators' pages, served by Flask (not by Dash: nothing of them reaches a reader's browser
before a login). A login form (CSRF, at most LOGINS_PER_MINUTE tries a minute per address, the same answer and the
same work whatever made a login fail, an address held out with growing waits after 5 failures in a row on a name);
once in, the pending contributions with approve / reject / answer, the latest ones moderated, the moderation log,
and the export without e-mails. The session is Flask's signed cookie (Secure, HttpOnly, SameSite=Lax), valid
SESSION_HOURS and while it carries its account's generation: logging out, a new password or a lock end it
everywhere, copies of the cookie included."""
from __future__ import annotations

import datetime as dt
import logging

from flask import Flask, Response, current_app, redirect, render_template, request, session

from data_access import clock
from data_access.query import whole_number
from features.contributions import web
from features.contributions.draw import form_token

log = logging.getLogger(__name__)
LOGINS_PER_MINUTE = 10
SESSION_HOURS = 8
LARGEST_NUMBER = 2**31 - 1  # a contribution's number is a 32-bit integer in PostgreSQL
KIND_LABELS = {"erreur": "erreur signalée", "jeu": "jeu de données proposé", "reutilisation": "réutilisation"}
STATUS_LABELS = {"en_attente": "en attente", "publiee": "publiée", "rejetee": "rejetée"}
ACTION_WORDS = {"approuver": "approuvée et publiée", "rejeter": "rejetée", "repondre": "réponse enregistrée"}


def _page(template: str, status: int = 200, **values) -> Response:
    portal = current_app.extensions["portail"]
    body = render_template(template, portal_title=portal.repository.catalogue.portal.title,
                           csrf_token=form_token(), **values)
    response = current_app.response_class(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def moderator() -> str | None:
    """The logged-in moderator of this signed session, while the session is young enough and its account still
    has the generation it carries (checked in the database at every request)."""
    from features.contributions.comptes import session_is_valid

    name, since, generation = (session.get(key) for key in ("moderateur", "moderateur_depuis", "generation"))
    if not isinstance(name, str) or not isinstance(since, (int, float)) or type(generation) is not int:
        return None
    if clock.utc_now().timestamp() - since > SESSION_HOURS * 3600 or \
            not session_is_valid(web.sessions(), name, generation):
        session.clear()
        return None
    return name


def _csrf_ok() -> bool:
    from flask_wtf.csrf import CSRFError, validate_csrf
    from wtforms import ValidationError

    try:
        validate_csrf(request.form.get("csrf_token"))
        return True
    except (ValidationError, CSRFError):
        log.warning("modération : jeton CSRF absent ou faux (%s)", request.path)
        return False


def _login_page(message: str | None = None, status: int = 401) -> Response:
    return _page("connexion.html", status, message=message, name=str(request.form.get("nom", ""))[:100])


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    return clock.in_paris(moment).strftime("%d/%m/%Y %H:%M")


def _shown(contribution, catalogue) -> list[tuple[str, str]]:
    from features.contributions.store import LABELS

    shown = []
    for name in ("title", "description", "why", "publisher_hint", "dataset_id", "datasets", "row_ref", "view_url",
                 "link", "image_url", "image_alt", "email", "answer"):
        value = getattr(contribution, name)
        if not value:
            continue
        if name == "dataset_id":
            value = f"{catalogue.get(value).title if catalogue.get(value) else value} ({value})"
        shown.append(((LABELS[name] + " (jamais publiée)") if name == "email" else LABELS[name].capitalize(),
                      value))
    return shown


def _described(contributions):
    catalogue = current_app.extensions["portail"].repository.catalogue
    for c in contributions:
        c.kind_label, c.status_label = KIND_LABELS.get(c.kind, c.kind), STATUS_LABELS.get(c.status, c.status)
        c.received, c.shown = _when(c.created_at), _shown(c, catalogue)
    return contributions


def show():
    name = moderator()
    if name is None:
        return _login_page()
    done = ACTION_WORDS.get(request.args.get("fait", ""))
    number = whole_number(request.args.get("n"), 1, LARGEST_NUMBER)
    return _moderation_page(name, done=f"Contribution n° {number} : {done}." if done and number else None)


def _moderation_page(name: str, status: int = 200, done: str | None = None, problem: str | None = None):
    from features.contributions.store import acts, moderated, pending

    sessions = web.sessions()
    logged = acts(sessions, latest=50)
    for act in logged:
        act.when = _when(act.at)
    return _page("moderation.html", status, moderator=name, pending=_described(pending(sessions)),
                 moderated=_described(moderated(sessions)), acts=logged, done=done, problem=problem,
                 email_days=current_app.extensions["portail"].settings.contribution_email_days)


def log_in():
    if not _csrf_ok():
        return _login_page("Le formulaire a expiré : rechargez la page, puis reconnectez-vous.", 400)
    from features.contributions.comptes import login

    name, password = str(request.form.get("nom", "")).strip(), str(request.form.get("mot_de_passe", ""))
    opened = login(web.sessions(), name, password, request.remote_addr or "", current_app.secret_key) \
        if name and password else None
    if opened is None:
        # the name typed is not written here (it may be a password typed in the wrong field): the moderation
        # log names the account when there is one
        log.warning("modération : connexion refusée")
        return _login_page("Nom ou mot de passe incorrect, ou trop d'échecs depuis cette adresse : réessayez plus "
                           "tard. L'attente double à chaque nouvel échec.")
    session.clear()  # a new session for the moderator: nothing carried over from before the login
    session["moderateur"], session["moderateur_depuis"] = opened.name, clock.utc_now().timestamp()
    session["generation"] = opened.generation
    log.info("modération : « %s » connecté", opened.name)
    return redirect("/moderation", code=303)


def log_out():
    """End the moderator's sessions, here and wherever a copy of the cookie is (the account's generation moves)."""
    from features.contributions.comptes import log_out as end_sessions

    if _csrf_ok():
        name = moderator()
        if name is not None:
            end_sessions(web.sessions(), name)
            log.info("modération : « %s » déconnecté", name)
        session.clear()
    return redirect("/moderation", code=303)


def act(number: int):
    name = moderator()
    if name is None:
        return _login_page(status=401)
    if number > LARGEST_NUMBER:  # no contribution has it; the database could not even compare it
        log.info("modération : contribution n° %s… inconnue", str(number)[:12])
        return _moderation_page(name, 404, problem="Contribution introuvable : ce numéro n'existe pas.")
    if not _csrf_ok():
        return _login_page("Le formulaire a expiré : rechargez la page, puis recommencez.", 400)
    from features.contributions.store import ContributionError, moderate

    action = str(request.form.get("action", ""))
    try:
        moderate(web.sessions(), number, name, action, request.form.get("reponse"))
    except ContributionError as exc:
        log.warning("modération refusée : %s", exc)
        return _moderation_page(name, 400, problem=f"{str(exc)[0].upper()}{str(exc)[1:]}.")
    log.info("modération : « %s » %s la contribution n° %d", name, action, number)
    return redirect(f"/moderation?fait={action}&n={number}", code=303)


def export():
    if moderator() is None:
        return _login_page(status=401)
    from features.contributions.export import csv_lines

    response = Response(list(csv_lines(web.sessions())), mimetype="text/csv")  # read whole: errors answer 503
    response.headers["Content-Disposition"] = (
        f'attachment; filename="contributions-{clock.today_paris():%Y-%m-%d}.csv"')
    response.headers["Cache-Control"] = "no-store"
    return response


def _or_unavailable(view):
    """The view, or a French 503 page when the contributions' database cannot be reached (the log has why)."""
    from functools import wraps

    from sqlalchemy.exc import SQLAlchemyError

    @wraps(view)
    def guarded(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except (SQLAlchemyError, OSError) as exc:
            log.error("modération : base des contributions inaccessible : %s", exc)
            return _page("message.html", 503, heading="Modération indisponible",
                         message="La base des contributions est inaccessible pour l'instant : réessayez plus tard.")
    return guarded


def register(server: Flask) -> None:
    limiter = server.extensions["contributions-limiter"]
    logins = limiter.limit(f"{LOGINS_PER_MINUTE} per minute", on_breach=_too_many_logins)
    server.add_url_rule("/moderation", "moderation", _or_unavailable(show))
    server.add_url_rule("/moderation/connexion", "moderation_connexion", logins(_or_unavailable(log_in)),
                        methods=["POST"])
    server.add_url_rule("/moderation/deconnexion", "moderation_deconnexion", _or_unavailable(log_out),
                        methods=["POST"])
    server.add_url_rule("/moderation/<int:number>", "moderation_acte", _or_unavailable(act), methods=["POST"])
    server.add_url_rule("/moderation/contributions.csv", "moderation_export", _or_unavailable(export))


def _too_many_logins(_limit):
    log.warning("modération : plus de %d tentatives de connexion en une minute depuis une même adresse",
                LOGINS_PER_MINUTE)
    return _login_page("Trop de tentatives de connexion depuis cette adresse : réessayez dans une minute.", 429)
