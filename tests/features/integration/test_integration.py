"""Embeds and the demo stories without a browser: /integrer/… answers each view alone (and 404 for what is not a
view), may be framed by other sites while every other route refuses it, sets no cookie; /oembed answers the
specification's required fields and refuses what is not this portal's; the pages name their oEmbed answer; the
« Intégrer » disclosure gives the view's iframe with its filters; each demo story block shows what its view's own
page shows; /healthz lists a broken story; the home page shows the latest stories."""
from __future__ import annotations

import json
import re
import time
from urllib.parse import quote

import pytest

from tests.helpers.apps import make_app, render_page, text_of

pytestmark = pytest.mark.usefixtures("pinned_clock")  # the app and the clock: conftest.py



EMBEDS = ("/integrer/jeux-de-donnees/chantiers?tab=chart&x=commune", "/integrer/jeux-de-donnees/chantiers?tab=map",
          "/integrer/jeux-de-donnees/chantiers?tab=table&refine.statut=en+cours",
          "/integrer/tableaux-de-bord/travaux/chiffres", "/integrer/tableaux-de-bord/sante/offre",
          "/integrer/tableaux-de-bord/transports/carte", "/integrer/recits/grands-chantiers/1")


@pytest.mark.parametrize("path", EMBEDS)
def test_an_embed_is_the_view_alone_may_be_framed_and_sets_no_cookie(app, path):
    client = app.server.test_client()
    answer = client.get(path)
    assert answer.status_code == 200
    assert "frame-ancestors *" in answer.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in answer.headers and "Set-Cookie" not in answer.headers
    assert '<html lang="fr" class="avant-dash integration">' in answer.get_data(as_text=True)
    pathname, _, search = path.partition("?")
    layout = render_page(app, pathname, "?" + search if search else "")["layout"]
    text = text_of(layout)
    assert "Source :" in text and "Licence Ouverte v2.0" in text and "données au" in text
    assert "Voir la vue complète sur le portail" in text and "Intégrer" not in text
    assert '"target": "_blank"' in json.dumps(layout)  # the full view opens outside the frame
    layout_answer = client.get("/_dash-layout")
    assert "Set-Cookie" not in layout_answer.headers


def test_every_other_route_refuses_to_be_framed(app):
    client = app.server.test_client()
    for path in ("/tableaux-de-bord/travaux", "/recits/grands-chantiers", "/jeux-de-donnees/chantiers",
                 "/integrer-pas-ici", "/oembed?url=x", "/_dash-layout"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Frame-Options"] == "DENY", path


@pytest.mark.parametrize("path", ["/integrer/jeux-de-donnees/inconnu", "/integrer/tableaux-de-bord/travaux/rien",
                                  "/integrer/tableaux-de-bord/nulle-part/carte", "/integrer/recits/grands-chantiers/99",
                                  "/integrer/recits/absent/1", "/integrer", "/integrer/catalogue",
                                  "/integrer/recits/grands-chantiers/%C2%B2", "/integrer/recits/grands-chantiers/0" + "9" * 5000])
def test_what_is_not_an_embeddable_view_is_a_404(app, path):
    assert app.server.test_client().get(path).status_code == 404


def test_a_query_parameter_cannot_replace_the_embedded_view(app):
    text = text_of(render_page(app, "/integrer/jeux-de-donnees/chantiers",
                               "?tab=table&vue=tableaux-de-bord/travaux/chiffres")["layout"])
    assert "premières lignes" in text and "chantiers en cours" not in text


def test_a_view_that_cannot_be_drawn_says_why_in_its_frame(app):
    text = text_of(render_page(app, "/integrer/jeux-de-donnees/chantiers", "?tab=chart&refine.couleur=bleu")["layout"])
    assert "Cette vue ne peut pas être affichée : filtre refusé : refine.couleur" in text


def oembed(app, url: str, **params) -> tuple[int, dict]:
    query = "&".join([f"url={quote(url, safe='')}"] + [f"{k}={v}" for k, v in params.items()])
    answer = app.server.test_client().get(f"/oembed?{query}")
    return answer.status_code, answer.get_json()


def test_the_oembed_answer_for_a_chart_has_the_specification_s_fields(app):
    page = "http://localhost/jeux-de-donnees/chantiers?tab=chart&x=commune&refine.statut=en+cours"
    status, body = oembed(app, page, maxwidth=600, maxheight=400)
    assert status == 200
    # oEmbed 1.0, section 2.3.4: version and type for every answer; html, width and height for `rich`
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert isinstance(body["width"], int) and isinstance(body["height"], int)
    assert body["width"] <= 600 and body["height"] <= 400  # section 2.2: within maxwidth and maxheight
    assert isinstance(body["html"], str) and isinstance(body["cache_age"], int)
    assert body["provider_name"] and body["provider_url"] == "http://localhost/" and body["title"]
    src = re.search(r'<iframe src="([^"]+)"', body["html"]).group(1).replace("&amp;", "&")
    assert src.startswith("http://localhost/integrer/jeux-de-donnees/chantiers?")
    assert "refine.statut=en+cours" in src and "x=commune" in src and "tab=chart" in src
    assert 'title="Chantiers et travaux — graphique"' in body["html"]
    assert app.server.test_client().get(src.removeprefix("http://localhost")).status_code == 200


@pytest.mark.parametrize("url, status", [
    ("https://ailleurs.example/jeux-de-donnees/chantiers?tab=chart", 404),  # not this portal
    ("http://localhost.example/jeux-de-donnees/chantiers", 404),
    ("http://localhost/catalogue", 404),  # this portal, but nothing to embed
    ("http://localhost/jeux-de-donnees/inconnu", 404),
    ("javascript:alert(1)", 404),
    ("http://[x", 404),
    ("http://localhost@ailleurs.example/jeux-de-donnees/chantiers", 404),
    ("http://localhost/integrer/recits/grands-chantiers/%C2%B2", 404),
    ("", 400),
])
def test_oembed_refuses_what_is_not_a_view_of_this_portal(app, url, status):
    code, body = oembed(app, url)
    assert code == status and "erreur" in body


def test_oembed_refuses_bad_sizes_and_formats(app):
    page = "http://localhost/tableaux-de-bord/travaux"
    assert oembed(app, page, maxwidth="grand")[0] == 400
    assert oembed(app, page, maxwidth=10)[0] == 400
    assert oembed(app, page, maxwidth="9" * 5000)[0] == 400
    assert oembed(app, page, format="xml")[0] == 501  # the specification's answer to a format not served
    status, body = oembed(app, page)
    assert status == 200 and "/integrer/tableaux-de-bord/travaux/chiffres" in body["html"]


def test_pages_with_a_view_name_their_oembed_answer(app):
    client = app.server.test_client()
    page = client.get("/jeux-de-donnees/chantiers?tab=map&refine.statut=en+cours").get_data(as_text=True)
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert link is not None
    href = link.group(1).replace("&amp;", "&").removeprefix("http://localhost")
    answer = client.get(href)
    assert answer.status_code == 200 and "tab=map" in answer.get_json()["html"]
    assert "json+oembed" not in client.get("/catalogue").get_data(as_text=True)


def test_the_embed_disclosure_gives_the_view_with_its_filters(app):
    layout = json.dumps(render_page(app, "/tableaux-de-bord/travaux", "?refine.commune=Rouen")["layout"],
                        ensure_ascii=False)
    assert "/integrer/tableaux-de-bord/travaux/carte?refine.commune=Rouen" in layout
    assert "/integrer/tableaux-de-bord/travaux/chiffres?refine.commune=Rouen" in layout
    assert "portail-integration" in layout  # the resize snippet beside the code
    layout = json.dumps(render_page(app, "/jeux-de-donnees/chantiers", "?tab=chart&x=type&refine.statut=en+cours")
                        ["layout"], ensure_ascii=False)
    assert "/integrer/jeux-de-donnees/chantiers?tab=chart&amp;refine.statut=en+cours&amp;x=type" in layout
    assert "/integrer/" not in json.dumps(render_page(app, "/jeux-de-donnees/chantiers", "?tab=api")["layout"])


# ---- the demo stories -------------------------------------------------------------------------------------------


def graphs(node, found=None) -> list:
    """Every chart's traces in a layout (Dash JSON), in document order."""
    found = [] if found is None else found
    if isinstance(node, list):
        for child in node:
            graphs(child, found)
    elif isinstance(node, dict):
        props = node.get("props", {})
        if node.get("type") == "Graph":
            found.append(props["figure"]["data"])
        for value in props.values():
            if isinstance(value, (list, dict)):
                graphs(value, found)
    return found


def test_each_demo_story_uses_every_block_kind_and_is_labelled_demo(app):
    from features.recits.data import load_stories

    with app.server.app_context():
        from components.portal import current_portal

        stories = load_stories(current_portal().settings.data_dir).stories
    assert len(stories) == 3
    for story in stories:
        assert story.demo
        assert {b.kind for b in story.blocks} == {"graphique", "carte", "tableau", "chiffre", "nombre"}, story.slug
        text = text_of(render_page(app, f"/recits/{story.slug}")["layout"])
        assert "Ce bloc ne peut pas être affiché" not in text and "indisponible" not in text
        assert "Données de démonstration" in text


def test_each_demo_story_block_shows_what_its_view_s_page_shows(app):
    from urllib.parse import urlsplit

    from features.recits.data import load_stories

    with app.server.app_context():
        from components.portal import current_portal

        stories = load_stories(current_portal().settings.data_dir).stories
    for story in stories:
        layout = render_page(app, f"/recits/{story.slug}")["layout"]
        story_graphs, text = graphs(layout), text_of(layout)
        numbers = iter(_texts_of_class(layout, "recit-nombre"))
        fenced = 0
        for block in story.blocks:
            parts = urlsplit(block.url)
            search = "?" + parts.query if parts.query else ""
            if block.kind == "nombre":  # the live count is the dataset page's count for the same filters
                page = text_of(render_page(app, parts.path, "?tab=table&" + parts.query)["layout"])
                assert next(numbers) == re.search(r"([\d\u202f]+) lignes? sur", page).group(1), block.url
                continue
            fenced += 1
            if block.kind == "graphique":  # the block's chart (its embed draws it alone) is the page's chart
                alone = graphs(render_page(app, f"/integrer/recits/{story.slug}/{fenced}")["layout"])
                tab = "?tab=chart&" + parts.query if parts.path.startswith("/jeux") else search
                page_graphs = graphs(render_page(app, parts.path, tab)["layout"])
                assert alone and all(g in page_graphs and g in story_graphs for g in alone), block.url
            elif block.kind == "chiffre":
                value = _figure_value(render_page(app, parts.path, search)["layout"], parts.fragment)
                assert value in text, (block.url, value)


def _texts_of_class(node, name: str) -> list[str]:
    found = []
    if isinstance(node, list):
        for child in node:
            found += _texts_of_class(child, name)
    elif isinstance(node, dict):
        props = node.get("props", {})
        if name in str(props.get("className", "")).split():
            found.append(text_of(props.get("children")))
        for value in props.values():
            if isinstance(value, (list, dict)):
                found += _texts_of_class(value, name)
    return found


def _figure_value(layout, which: str) -> str:
    """The value of a dashboard's key figure (its label starts with `which`, without accents), from the page."""
    from data_access.tableaux import slug

    def walk(node):
        if isinstance(node, list):
            for child in node:
                yield from walk(child)
        elif isinstance(node, dict):
            props = node.get("props", {})
            if "kpi-card" in str(props.get("className", "")):
                yield props["children"]
            for value in props.values():
                if isinstance(value, (list, dict)):
                    yield from walk(value)

    for label, value, _definition in walk(layout):
        if slug(text_of(label)).startswith(slug(which)):
            return text_of(value)
    raise AssertionError(f"pas de chiffre clé {which}")


def test_healthz_lists_a_broken_story_and_the_home_page_the_latest(tmp_path, monkeypatch):
    from data_access.demo import ensure_snapshot

    ensure_snapshot(tmp_path)
    (tmp_path / "recits" / "casse.md").write_text(
        '+++\ntitle = "Cassé"\nsummary = "s"\ndate = 2026-12-01\n+++\n\n```chiffre\n/tableaux-de-bord/travaux#rien\n'
        '```\n', encoding="utf-8")
    app = make_app(tmp_path, TILE_URL="")
    client = app.server.test_client()
    first = client.get("/healthz").get_json()
    assert first["recits"]["verification"] == "en cours"  # checked in the background: the probe never waits
    health = first
    for _ in range(600):
        if health["recits"]["verification"] == "faite":
            break
        time.sleep(0.1)
        health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["recits"]["publies"] == 4
    assert health["recits"]["casses"] == [
        "casse.md:7 : bloc chiffre : le tableau de bord « travaux » n'a pas de chiffre clé « rien » (chiffres : "
        + health["recits"]["casses"][0].partition("(chiffres : ")[2]]
    text = text_of(render_page(app, "/")["layout"])
    assert "Derniers récits Cassé" in text and "Tous les récits" in text
    assert "Le diabète en Seine-Maritime" in text and "Où en sont les grands chantiers" not in text  # three, newest
