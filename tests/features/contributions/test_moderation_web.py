"""/moderation as a moderator and as an intruder meet it: no page without a login (nor with a forged session
cookie), 5 wrong passwords hold that address out and not the moderator, the 11th login in a minute is refused, a form without its CSRF
token changes nothing; a moderator approves, rejects and answers (each act in the log), what is approved shows on
the pages where it belongs and what is rejected never does; the export and the purge from the command line. Run on
SQLite and on PostgreSQL."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from data_access import clock
from tests.helpers.apps import make_app, render_page, text_of
from tests.helpers.contributions import BASE, PASSWORD, log_in, page_token


@pytest.fixture
def app(moderated_app):  # conftest.py: one moderator, camille
    return moderated_app


def db(app):
    from features.contributions.web import sessions

    with app.server.app_context():
        return sessions()


def submitted(app, kind="erreur", **fields) -> int:
    from features.contributions.store import submit

    return submit(db(app), kind, **fields)


def act(client, number, action, answer=""):
    return client.post(f"/moderation/{number}", base_url=BASE,
                       data={"csrf_token": page_token(client), "action": action, "reponse": answer})


def test_moderation_needs_a_login(app):
    submitted(app, description="La date de fin du chantier 12 est fausse.", dataset_id="chantiers")
    client = app.server.test_client()
    page = client.get("/moderation", base_url=BASE)
    text = page.get_data(as_text=True)
    assert page.status_code == 401 and "Se connecter" in text and "chantier 12" not in text
    assert page.headers["Cache-Control"] == "no-store"
    for answer in (client.post("/moderation/1", base_url=BASE, data={"action": "approuver"}),
                   client.get("/moderation/contributions.csv", base_url=BASE)):
        assert answer.status_code == 401
    from features.contributions.store import count

    assert count(db(app), "publiee") == 0


def test_a_forged_session_cookie_opens_nothing(app):
    from flask.sessions import SecureCookieSessionInterface

    forger = make_app(TILE_URL="", SECRET_KEY="une autre clé")  # a cookie signed with a key that is not the portal's
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger.server)
    cookie = serializer.dumps({"moderateur": "camille", "moderateur_depuis": clock.utc_now().timestamp()})
    client = app.server.test_client()
    client.set_cookie("session", cookie, domain="localhost")
    assert client.get("/moderation", base_url=BASE).status_code == 401
    unsigned = cookie.split(".")[0] + ".AAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA"
    client.set_cookie("session", unsigned, domain="localhost")
    assert client.get("/moderation", base_url=BASE).status_code == 401


def test_five_wrong_passwords_hold_that_address_out_and_not_the_moderator(app):
    intruder = app.server.test_client()
    intruder.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for _ in range(5):
        answer = log_in(intruder, password="pas le bon")
        assert answer.status_code == 401 and "Nom ou mot de passe incorrect" in answer.get_data(as_text=True)
    answer = log_in(intruder)  # the right password, from the address that failed 5 times: it waits
    assert answer.status_code == 401 and intruder.get("/moderation", base_url=BASE).status_code == 401
    from features.contributions.store import acts

    assert [a.action for a in acts(db(app))][-6:] == ["echec"] * 6
    moderator = app.server.test_client()  # the moderator, from their own address, is not locked out
    moderator.environ_base["REMOTE_ADDR"] = "198.51.100.4"
    assert log_in(moderator).status_code == 303 and moderator.get("/moderation", base_url=BASE).status_code == 200


def test_the_eleventh_login_in_a_minute_is_refused(app):
    client = app.server.test_client()
    token = page_token(client)
    statuses = [client.post("/moderation/connexion", base_url=BASE, data={"csrf_token": token, "nom": f"x{k}",
                                                                          "mot_de_passe": "y"}).status_code
                for k in range(11)]
    assert statuses == [401] * 10 + [429]


def test_a_login_without_its_csrf_token_is_refused(app):
    client = app.server.test_client()
    page_token(client)
    answer = client.post("/moderation/connexion", base_url=BASE, data={"nom": "camille", "mot_de_passe": PASSWORD})
    assert answer.status_code == 400 and client.get("/moderation", base_url=BASE).status_code == 401


def test_a_moderator_approves_rejects_and_answers_and_each_act_is_logged(app):
    from features.contributions.store import acts, public

    error = submitted(app, description="Le chantier 12 est fini depuis mars.", dataset_id="chantiers",
                      row_ref="chantier 12", email="habitant@example.org")
    spam = submitted(app, description="Texte hors sujet", dataset_id="chantiers")
    reuse = submitted(app, "reutilisation", title="Carte des travaux", link="https://example.org/carte",
                      description="Une carte.", datasets="chantiers,pathologies")
    client = app.server.test_client()
    assert log_in(client).status_code == 303
    page = client.get("/moderation", base_url=BASE).get_data(as_text=True)
    assert "En attente (3)" in page and "habitant@example.org" in page  # moderators see the e-mail, to answer
    assert act(client, error, "approuver", "Corrigé dans la mise à jour du 3 décembre.").status_code == 303
    assert act(client, spam, "rejeter").status_code == 303
    assert act(client, reuse, "approuver").status_code == 303
    no_token = client.post(f"/moderation/{spam}", base_url=BASE, data={"action": "approuver"})
    assert no_token.status_code == 400
    assert [(a.moderator, a.action, a.contribution_id) for a in acts(db(app)) if a.contribution_id] == [
        ("camille", "approuver", error), ("camille", "rejeter", spam), ("camille", "approuver", reuse)]
    assert [c.id for c in public(db(app), "erreur", "chantiers")] == [error]

    shown = text_of(render_page(app, "/jeux-de-donnees/chantiers")["layout"])
    assert "Le chantier 12 est fini depuis mars." in shown and "Corrigé dans la mise à jour du 3 décembre." in shown
    assert "Texte hors sujet" not in shown and "habitant@example.org" not in shown
    assert "Carte des travaux" in shown  # the reuse shows on the pages of its datasets…
    assert "Carte des travaux" in text_of(render_page(app, "/jeux-de-donnees/pathologies")["layout"])
    assert "Carte des travaux" in text_of(render_page(app, "/reutilisations")["layout"])  # …and in the gallery
    other = text_of(render_page(app, "/jeux-de-donnees/parkings")["layout"])
    assert "Erreurs signalées" in other and "Carte des travaux" not in other


def test_the_export_leaves_the_emails_out_and_defuses_formulas(app):
    submitted(app, "jeu", description="=HYPERLINK(\"https://x.example\")", email="secret@example.org")
    client = app.server.test_client()
    log_in(client)
    answer = client.get("/moderation/contributions.csv", base_url=BASE)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "secret@example.org" not in text and "email" not in text.splitlines()[0]
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows[0]["description"].startswith("'=HYPERLINK")


def test_the_command_line_purges_old_emails_and_exports(app, database_url, monkeypatch, capsys, tmp_path):
    from features.contributions import __main__ as command
    from features.contributions.models import Contribution

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CONTRIBUTION_EMAIL_DAYS", "30")
    now = clock.utc_now()
    monkeypatch.setattr(clock, "utc_now", lambda: now - dt.timedelta(days=40))
    old = submitted(app, "jeu", description="ancienne", email="ancien@example.org")
    monkeypatch.setattr(clock, "utc_now", lambda: now)
    recent = submitted(app, "jeu", description="récente", email="recent@example.org")
    assert command.main(["purger"]) == 0
    assert "1 adresse(s) e-mail effacée(s)" in capsys.readouterr().out
    with db(app)() as session:
        assert session.get(Contribution, old).email is None
        assert session.get(Contribution, recent).email == "recent@example.org"
    target = tmp_path / "export" / "contributions.json"
    assert command.main(["exporter", "--format", "json", "--sortie", str(target)]) == 0
    assert "recent@example.org" not in target.read_text(encoding="utf-8") and "récente" in target.read_text("utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["contributions.json"]  # no partial file left beside it


def test_script_in_every_field_is_text_on_the_moderation_page(app):
    script = "<script>alert(1)</script>"
    submitted(app, "reutilisation", title=script, link="https://example.org/?q=<script>", description=script,
              datasets="chantiers", image_url="https://example.org/i.png", image_alt=script, email="a@example.org")
    submitted(app, "jeu", description=script, why=script, publisher_hint=script)
    submitted(app, "erreur", description=script, row_ref=script, dataset_id="chantiers",
              view_url="https://localhost/jeux-de-donnees/chantiers?q=<script>")
    client = app.server.test_client()
    log_in(client)
    page = client.get("/moderation", base_url=BASE).get_data(as_text=True)
    assert "<script>" not in page and page.count("&lt;script&gt;") >= 10


def test_an_unknown_contribution_or_action_is_refused_in_words(app):
    number = submitted(app, "jeu", description="Les horaires des piscines")
    client = app.server.test_client()
    log_in(client)
    for target, action, words in ((number + 100, "approuver", "introuvable"), (number, "supprimer", "Action inconnue")):
        answer = act(client, target, action)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400 and words in page and "Les horaires des piscines" in page
    from features.contributions.store import count

    assert count(db(app), "en_attente") == 1
