"""Embeds of a past version (the demo's short history of the works sites, data_access/history/demo.py):
`/integrer/jeux-de-donnees/<id>?version=` shows the data as it was (its table, its chart, its map's layer), says so
in a short banner with a link to today's, and keeps the version in its links; a version that cannot be shown has
the dataset page's status (400, 404, 410) and French message; /oembed keeps the version in its iframe, and answers
the embed's refusal; the dataset page's « Intégrer » keeps it too; a dashboard's embed refuses a version (400)."""
from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from data_access.history.demo import MOMENTS
from tests.helpers.apps import find_all, render_page, text_of

OCTOBER = MOMENTS[1].strftime("%Y%m%d-%H%M%S")  # 20261005-060000: 469 works sites, against 600 today
EMBED = "/integrer/jeux-de-donnees/chantiers"

pytestmark = pytest.mark.usefixtures("pinned_clock")  # the app and the clock: conftest.py


def links(layout) -> dict[str, dict]:
    """Each link's text -> its properties."""
    return {text_of(a["props"].get("children")): a["props"] for a in find_all(layout, lambda n: n.get("type") == "A")}


def test_a_pinned_table_embed_shows_that_versions_rows_and_says_so(app):
    layout = render_page(app, EMBED, f"?tab=table&version={OCTOBER}")["layout"]
    text = text_of(layout)
    assert "Version du 05/10/2026 à 06:00 : les données telles qu'elles étaient alors." in text
    assert "Les 10 premières lignes sur 469" in text and "469 lignes retenues" in text
    assert "données au 5 octobre 2026" in text  # the version's date, not the catalogue's
    banner = find_all(layout, lambda n: "notice-version" in str(n["props"].get("className", "")))
    assert len(banner) == 1 and banner[0]["props"]["role"] == "note"
    found = links(layout)
    today = found["Voir les données d'aujourd'hui"]
    assert today["href"] == "/jeux-de-donnees/chantiers?tab=table" and today["target"] == "_blank"
    assert found["Voir la vue complète sur le portail"]["href"] == f"/jeux-de-donnees/chantiers?tab=table&version={OCTOBER}"
    now = text_of(render_page(app, EMBED, "?tab=table")["layout"])
    assert "Les 10 premières lignes sur 600" in now and "Version du" not in now


def test_a_pinned_table_embed_keeps_its_filters(app):
    text = text_of(render_page(app, EMBED, f"?tab=table&version={OCTOBER}&refine.commune=Rouen")["layout"])
    page = text_of(render_page(app, "/jeux-de-donnees/chantiers", f"?tab=table&version={OCTOBER}&refine.commune=Rouen")
                   ["layout"])
    count = re.search(r"([\d\u202f]+) lignes? sur 469", page).group(1)
    assert f"{count} lignes retenues" in text and "Filtres : Commune = Rouen" in text


def graphs(layout) -> list:
    return [g["props"]["figure"]["data"] for g in find_all(layout, lambda n: n.get("type") == "Graph")]


def test_a_pinned_chart_embed_is_the_pinned_pages_chart(app):
    query = f"?tab=chart&x=commune&version={OCTOBER}"
    alone = graphs(render_page(app, EMBED, query)["layout"])
    assert alone and alone[0] in graphs(render_page(app, "/jeux-de-donnees/chantiers", query)["layout"])
    assert alone != graphs(render_page(app, EMBED, "?tab=chart&x=commune")["layout"])  # not today's counts
    assert sum(sum(trace["y"]) for trace in alone[0]) == 469


def test_a_pinned_map_draws_that_versions_layer(app):
    client = app.server.test_client()
    for path in (EMBED, "/jeux-de-donnees/chantiers"):  # the embed, and the dataset page it comes from
        layout = render_page(app, path, f"?tab=map&version={OCTOBER}")["layout"]
        layer = next(n for n in find_all(layout, lambda n: n.get("type") == "GeoJSON"))
        assert layer["props"]["url"] == f"/api/geo/chantiers.geojson?version={OCTOBER}", path
        assert "469 objets sur la carte" in text_of(layout)
    features = client.get(f"/api/geo/chantiers.geojson?version={OCTOBER}").get_json()["features"]
    assert len(features) == 469 and len(client.get("/api/geo/chantiers.geojson").get_json()["features"]) == 600
    refused = client.get("/api/geo/chantiers.geojson?version=20200101-000000")
    assert refused.status_code == 410 and "n'est plus conservée" in refused.get_json()["erreur"]


@pytest.mark.parametrize("version, status, title, said", [
    ("20200101-000000", 410, "Version plus conservée", "n'est plus conservée"),
    ("20261201-000000", 404, "Version introuvable", "inconnue pour ce jeu de données"),
    ("demain", 400, "Version introuvable", "un identifiant de version est attendu"),
])
def test_a_version_that_cannot_be_shown_has_the_dataset_pages_status(app, version, status, title, said):
    client = app.server.test_client()
    answer = client.get(f"{EMBED}?tab=table&version={version}")
    page = client.get(f"/jeux-de-donnees/chantiers?tab=table&version={version}")
    assert answer.status_code == page.status_code == status
    assert said in answer.get_data(as_text=True) and "Traceback" not in answer.get_data(as_text=True)
    text = text_of(render_page(app, EMBED, f"?tab=table&version={version}")["layout"])
    assert text.startswith(title) and "Cette vue ne peut pas être affichée : " in text and said in text
    code, body = oembed(app, f"http://localhost/jeux-de-donnees/chantiers?tab=table&version={version}")
    assert code == status and said in body["erreur"]


def oembed(app, url: str) -> tuple[int, dict]:
    answer = app.server.test_client().get(f"/oembed?url={quote(url, safe='')}")
    return answer.status_code, answer.get_json()


def test_oembed_keeps_the_version_in_its_iframe(app):
    status, body = oembed(app, f"http://localhost/jeux-de-donnees/chantiers?tab=table&version={OCTOBER}"
                               "&refine.statut=en+cours")
    assert status == 200
    src = re.search(r'<iframe src="([^"]+)"', body["html"]).group(1).replace("&amp;", "&")
    assert src.startswith(f"http://localhost{EMBED}?") and f"version={OCTOBER}" in src
    assert "refine.statut=en+cours" in src and "tab=table" in src
    assert body["title"] == "Chantiers et travaux — tableau — version du 05/10/2026 à 06:00"
    answer = app.server.test_client().get(src.removeprefix("http://localhost"))
    assert answer.status_code == 200
    text = text_of(render_page(app, EMBED, "?" + src.partition("?")[2])["layout"])
    assert "Version du 05/10/2026 à 06:00" in text
    status, body = oembed(app, f"http://localhost{EMBED}?tab=map&version={OCTOBER}")  # an embed's own address
    assert status == 200 and f"version={OCTOBER}" in body["html"]


def test_the_dataset_pages_embed_code_keeps_the_version_it_shows(app):
    layout = json.dumps(render_page(app, "/jeux-de-donnees/chantiers", f"?tab=table&version={OCTOBER}")["layout"],
                        ensure_ascii=False)
    assert f"{EMBED}?tab=table&amp;version={OCTOBER}" in layout
    assert "title=\\\"Chantiers et travaux — tableau — version du 05/10/2026 à 06:00\\\"" in layout
    today = json.dumps(render_page(app, "/jeux-de-donnees/chantiers", "?tab=table")["layout"], ensure_ascii=False)
    assert f"{EMBED}?tab=table\\\"" in today and "version=" not in today.partition("Code de l'iframe")[2][:400]


@pytest.mark.parametrize("path", ["/integrer/tableaux-de-bord/travaux/chiffres", "/integrer/tableaux-de-bord/travaux/carte",
                                  "/integrer/tableaux-de-bord/travaux/chiffres/1"])
def test_a_dashboards_embed_refuses_a_version(app, path):
    answer = app.server.test_client().get(f"{path}?version={OCTOBER}")
    assert answer.status_code == 400
    text = text_of(render_page(app, path, f"?version={OCTOBER}")["layout"])
    assert "Cette vue ne peut pas être affichée : version : un tableau de bord montre les données du jour" in text
    assert app.server.test_client().get(path).status_code == 200  # without it, the same embed is drawn
    code, body = oembed(app, f"http://localhost/tableaux-de-bord/travaux?version={OCTOBER}")
    assert code == 400 and "données du jour" in body["erreur"]
