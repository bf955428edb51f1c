"""What the tests of the contributions' write path and of the moderators' pages share: the https base (the session
cookie is Secure), a form's CSRF token, posting a contribution, counting them, logging a moderator in."""
from __future__ import annotations

import re

BASE = "https://localhost"  # the session cookie is Secure: the test client sends it over https only
PASSWORD = "un mot de passe solide"


def token(client) -> str:
    """A CSRF token bound to this client's session, as a page's form carries it (Flask-WTF's own signing: the
    session holds the raw token, the form its signed form)."""
    from itsdangerous import URLSafeTimedSerializer

    raw = "0123456789abcdef" * 2
    with client.session_transaction(base_url=BASE) as session:
        session["csrf_token"] = raw
    return URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token").dumps(raw)


def count(app) -> int:
    from features.contributions.store import count as counted
    from features.contributions.web import sessions

    with app.server.app_context():
        return counted(sessions())


def post(client, kind="erreur", **fields):
    return client.post(f"/contributions/{kind}", base_url=BASE, data=fields)


def page_token(client, path="/moderation") -> str:
    """The CSRF token a page's form carries (the session cookie comes with the page)."""
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path, base_url=BASE).get_data(as_text=True))[1]


def log_in(client, name="camille", password=PASSWORD):
    return client.post("/moderation/connexion", base_url=BASE,
                       data={"csrf_token": page_token(client), "nom": name, "mot_de_passe": password})
