"""What a hostile visitor of the portal tried, each case reproduced and now refused: an open redirect through
`retour`, a Host header that is not the portal's, odd input that used to answer 500 with a traceback, values that
forged log lines, missing headers, Dash's dev-only route in production. (Moderators' accounts:
test_front_door_moderation.py; slow clients and the production stack: test_deploy.py.)"""
from __future__ import annotations

import logging
import re

import pytest

from security import local_path
from tests.helpers.apps import make_app, render_page, text_of
from tests.helpers.contributions import BASE, post, token
from tests.helpers.paths import FIXTURES

EVIL = "evil.example"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("porte")
    return make_app(TILE_URL="", DATABASE_URL=f"sqlite:///{folder / 'c.sqlite'}",
                    EXTRACT_CACHE_DIR=str(folder / "extraits"))


_addresses = iter(range(1, 1 << 16))


@pytest.fixture
def client(app):
    """A client of its own address: the module's app counts the submissions of each address (10 a minute)."""
    client = app.server.test_client()
    number = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = f"10.1.{number // 250}.{number % 250 + 1}"
    return client


# --- 2. The way back after a form is a path of this portal, or the page the form came from ------------------------

@pytest.mark.parametrize("target", [
    "/\t/evil.example/x", "/\n/evil.example/x", "/ /evil.example", "//evil.example/x", "/\\evil.example",
    "/a\\b", "https://evil.example/", "javascript:alert(1)", "", "/" + "a" * 2000, "/chantiers\r\nSet-Cookie: x=1",
    "/\u2028/evil.example",
])
def test_a_way_back_that_is_not_a_path_of_the_portal_falls_back_to_the_form_page(client, target):
    form_page = "/jeux-de-donnees/chantiers?tab=table"
    answer = client.post("/contributions/erreur", base_url=BASE, headers={"Referer": f"{BASE}{form_page}"},
                         data={"csrf_token": token(client), "description": "x", "retour": target})
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"{form_page}&contribution=merci"


def test_without_a_page_to_go_back_to_the_way_back_is_the_home_page(client):
    answer = post(client, csrf_token=token(client), description="x", retour="/\t/evil.example/x")
    assert answer.headers["Location"] == "/?contribution=merci"
    elsewhere = client.post("/contributions/erreur", base_url=BASE, headers={"Referer": "https://evil.example/a"},
                            data={"csrf_token": token(client), "description": "x", "retour": "//evil.example"})
    assert elsewhere.headers["Location"] == "/?contribution=merci"


def test_the_csrf_refusal_page_links_back_into_the_portal_only(client):
    answer = client.post("/contributions/erreur", base_url=BASE,  # no token: refused, no token needed to get here
                         data={"description": "x", "retour": "/\t/evil.example/x"})
    assert answer.status_code == 400
    links = re.findall(r'href="([^"]*)"', answer.get_data(as_text=True))
    assert links and all(link.startswith(("/", "#")) and not link.startswith("//") for link in links)
    assert "/?contribution=refusee" in links
    assert "evil.example" not in answer.get_data(as_text=True)


def test_a_good_way_back_is_kept_with_its_query_string(client):
    answer = post(client, csrf_token=token(client), description="x", retour="/communes/76540?onglet=travaux")
    assert answer.headers["Location"] == "/communes/76540?onglet=travaux&contribution=merci"


@pytest.mark.parametrize(("target", "kept"), [
    ("/", True), ("/jeux-de-donnees/chantiers?refine.statut=En%20cours", True), ("/communes/Évreux", True),
    ("/.//evil.example", True),  # a path of this portal, however odd: the host stays the portal's
    ("//evil.example", False), ("/\\evil", False), ("/x\ty", False), ("/x y", False), ("x", False), (None, False),
    ("/" + "a" * 1999, True), ("/" + "a" * 2000, False),
])
def test_local_path(target, kept):
    assert local_path(target) == (target if kept else None)


# --- 7. The Host header: only trusted names; PUBLIC_URL builds every absolute address ----------------------------

@pytest.mark.parametrize("path", ["/", "/catalogue", "/api/catalogue.json", "/assets/portail.css", "/healthz",
                                  "/export/chantiers.csv?limit=2", "/oembed?url=http://evil.example/catalogue"])
def test_a_host_that_is_not_trusted_gets_a_400(client, path, caplog):
    answer = client.get(path, headers={"Host": EVIL})
    assert answer.status_code == 400 and "Adresse inconnue" in answer.get_data(as_text=True)
    assert answer.headers["X-Content-Type-Options"] == "nosniff" and EVIL not in answer.get_data(as_text=True)


@pytest.mark.parametrize("host", ["localhost", "localhost:8050", "127.0.0.1:8050", "LocalHost."])
def test_the_default_trusted_hosts_are_answered(client, host):
    assert client.get("/healthz", headers={"Host": host}).status_code == 200


def test_trusted_hosts_and_public_url_set_the_names(tmp_path):
    app = make_app(FIXTURES / "portal", TRUSTED_HOSTS="portail.interne", PUBLIC_URL="https://data.example.fr")
    client = app.server.test_client()
    statuses = {host: client.get("/healthz", headers={"Host": host}).status_code
                for host in ("portail.interne", "data.example.fr:443", "localhost", EVIL)}
    assert statuses == {"portail.interne": 200, "data.example.fr:443": 200, "localhost": 400, EVIL: 400}


def public_app(tmp_path):
    return make_app(TILE_URL="", PUBLIC_URL="https://data.example.fr", DATABASE_URL=f"sqlite:///{tmp_path}/c.sqlite",
                    EXTRACT_CACHE_DIR=str(tmp_path / "extraits"))


def test_with_public_url_every_absolute_address_is_built_from_it(tmp_path):
    import json

    app = public_app(tmp_path)
    client = app.server.test_client()
    local = {"Host": "127.0.0.1:8050"}  # a trusted host that is not the public one
    oembed = client.get("/oembed?url=https://data.example.fr/jeux-de-donnees/chantiers", headers=local).get_json()
    assert "https://data.example.fr/integrer/jeux-de-donnees/chantiers" in oembed["html"]
    assert "127.0.0.1" not in json.dumps(oembed)
    page = client.get("/jeux-de-donnees/chantiers", headers=local).get_data(as_text=True)
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)[1]
    assert link.startswith("https://data.example.fr/oembed?url=https%3A%2F%2Fdata.example.fr%2F")
    for query in ("?limit=1", ""):  # a filtered extract, and the full one kept on disk
        extract = json.loads(client.get(f"/export/chantiers.json{query}", headers=local).get_data())
        assert extract["metadata"]["permalink"].startswith("https://data.example.fr/jeux-de-donnees/chantiers")
    with app.server.test_request_context("/", headers=local):
        layout = render_page(app, "/jeux-de-donnees/chantiers", "?tab=map")["layout"]
    shown = text_of(layout) + json.dumps(layout)
    assert "https://data.example.fr/integrer/jeux-de-donnees/chantiers" in shown and "127.0.0.1" not in shown


def test_the_kept_full_extract_is_one_file_whatever_the_host_or_the_page(tmp_path, caplog):
    import json

    app = make_app(TILE_URL="", DATABASE_URL=f"sqlite:///{tmp_path}/c.sqlite",
                   EXTRACT_CACHE_DIR=str(tmp_path / "extraits"))
    client = app.server.test_client()
    caplog.set_level(logging.INFO, logger="downloads")
    bodies = [client.get(f"/export/chantiers.json{query}", headers={"Host": host}).get_data()
              for host in ("localhost", "127.0.0.1:8050", "localhost") for query in ("", "?vue=/tableaux-de-bord/travaux")]
    kept = [p for p in (tmp_path / "extraits").iterdir() if not p.name.startswith(".")]
    assert len(kept) == 1  # never evicted by another host: built once, then read
    assert sum("déjà préparé" in r.getMessage() for r in caplog.records) == 5
    permalinks = {json.loads(body)["metadata"]["permalink"] for body in bodies}
    # the dataset's page: by its path alone without PUBLIC_URL (never the first request's Host for everyone)
    assert permalinks == {"/jeux-de-donnees/chantiers"}


# --- 8. Odd input answers 400 or 404 in French, with one log line and no traceback ------------------------------

def test_odd_input_answers_400_or_404_in_french_without_a_traceback(app, client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/")
    cases = {
        "/reutilisations?page=%C2%B2": 400,
        "/reutilisations?page=" + "9" * 4400: 400,
        "/_dash-component-suites/dash/nothing.js": 404,
        "/_dash-component-suites/pas_un_paquet/x.js": 404,
    }
    for path, status in cases.items():
        caplog.clear()
        assert client.get(path).status_code == status, path
        assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], path
        assert len(caplog.records) == 1 and "registered" not in caplog.records[0].getMessage()
    caplog.clear()
    deep = client.post("/_dash-update-component", data="[" * 100_000 + "]" * 100_000,
                       content_type="application/json")
    assert deep.status_code == 400 and "trop imbriquées" in deep.get_json()["error"]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    caplog.clear()
    newline = client.post("/contributions/erreur", base_url=BASE, data={"csrf_token": token(client),
                                                                        "description": "x", "retour": "/a\nb"})
    assert newline.status_code == 303 and newline.headers["Location"] == "/?contribution=merci"
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_the_gallery_says_which_page_number_it_refused(app):
    shown = text_of(render_page(app, "/reutilisations", "?page=²")["layout"])
    assert "« ² » n'est pas un numéro de page" in shown and "la première page est affichée" in shown


# --- 9. Values from requests never forge a log line ---------------------------------------------------------------

FORGED = "x\n2026-12-07 09:00:00,000 INFO features.contributions.web_moderation: modération : « camille » connecté"


def test_a_newline_in_a_request_never_writes_a_line_of_its_own(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/oembed", query_string={"url": "https://ailleurs.example/" + FORGED})
    client.get("/export/chantiers.csv", query_string={"refine." + FORGED: "1"})  # refused: the field is named
    client.post("/moderation/connexion", base_url=BASE, data={"csrf_token": token(client), "nom": FORGED,
                                                              "mot_de_passe": "y"})
    messages = [r.getMessage() for r in caplog.records]
    shown = [m for m in messages if "connecté" in m]
    assert len(shown) == 2 and all("\n" not in m and "x\\n2026" in m for m in shown)
    assert "modération : connexion refusée" in messages  # the name typed is never written (a password, perhaps)
    formatted = logging.Formatter("%(levelname)s %(name)s: %(message)s").format(caplog.records[-1])
    assert formatted.count("\n") == 0


def test_control_characters_are_escaped_and_the_rest_is_kept():
    from logs import escape_controls

    assert escape_controls("é « x »\n\r\t\x1b[31m\x00\u2028") == "é « x »\\n\\r\\t\\x1b[31m\\x00\\u2028"
    assert escape_controls("admin\u202e\u200b") == "admin\\u202e\\u200b"  # what reorders or hides text


# --- 10. Headers -------------------------------------------------------------------------------------------------

def test_every_answer_has_a_permissions_policy_and_coop(client):
    for path in ("/", "/api/catalogue.json", "/assets/portail.css", "/pas-ici", "/integrer/jeux-de-donnees/chantiers"):
        headers = client.get(path).headers
        assert headers["Permissions-Policy"] == "geolocation=(self), camera=(), microphone=()"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_hsts_only_over_https_as_the_trusted_proxy_says(tmp_path):
    behind = make_app(FIXTURES / "portal", PROXY_COUNT="1").server.test_client()
    assert behind.get("/", headers={"X-Forwarded-Proto": "https"}).headers["Strict-Transport-Security"] == \
        "max-age=31536000"
    assert "Strict-Transport-Security" not in behind.get("/", headers={"X-Forwarded-Proto": "http"}).headers
    direct = make_app(FIXTURES / "portal").server.test_client()  # no proxy trusted: the header is anyone's
    assert "Strict-Transport-Security" not in direct.get("/", headers={"X-Forwarded-Proto": "https"}).headers
    assert "Strict-Transport-Security" in direct.get("/", base_url="https://localhost").headers


def test_dash_reload_hash_only_in_dev_mode():
    assert make_app(FIXTURES / "portal").server.test_client().get("/_reload-hash").status_code == 404
    assert make_app(FIXTURES / "portal", DASH_DEV="1").server.test_client().get("/_reload-hash").status_code == 200
