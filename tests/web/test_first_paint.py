"""The first paint: each page's first answer, read without JavaScript, holds the page (its title, its lead, its key
figures, its links), the same as the page Dash draws for that URL; its ids never clash with Dash's; and Dash's
scripts wait for the first paint (inert in the index, in order, started by components/static/apres-rendu.js)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from dash import dcc, html

from components.first_paint import Context, to_html
from script_loader import INERT, ON_DEMAND
from tests.helpers.apps import make_app, render_page
from tests.helpers.browser import PAGES


class Page(HTMLParser):
    """What a reader without JavaScript gets: the texts of the h1, of the key figures and of <title>, the ids,
    and the scripts a browser would run."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, dict]] = []
        self.h1: list[str] = []
        self.figures: list[tuple[str, str]] = []
        self.title = ""
        self.ids: list[str] = []
        self.running_scripts: list[dict] = []
        self.copy_depth = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "script" and attributes.get("type") not in (INERT, ON_DEMAND, "application/json"):
            self.running_scripts.append(attributes)
        if tag not in ("br", "img", "input", "hr", "meta", "link"):
            self.open.append((tag, attributes))

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag:
            self.open.pop()

    def handle_data(self, data):
        if not self.open:
            return
        tag, attributes = self.open[-1]
        if tag == "title":
            self.title += data
        elif tag == "h1":
            self.h1.append(data.strip())
        elif "kpi-value" in (attributes.get("class") or ""):
            self.figures.append((attributes.get("data-chiffre") or "", data.strip()))


def _dash_figures(node, found=None) -> list[tuple[str, str]]:
    """The key figures of a layout drawn by Dash's router (its JSON), in document order."""
    found = [] if found is None else found
    if isinstance(node, list):
        for child in node:
            _dash_figures(child, found)
    elif isinstance(node, dict) and "props" in node:
        props = node["props"]
        if "kpi-value" in str(props.get("className") or ""):
            found.append((props.get("data-chiffre") or "", str(props.get("children")).strip()))
        for value in props.values():
            _dash_figures(value, found)
    elif isinstance(node, dict):
        for value in node.values():
            _dash_figures(value, found)
    return found


def _h1(node) -> list[str]:
    if isinstance(node, list):
        return [t for child in node for t in _h1(child)]
    if isinstance(node, dict) and "props" in node:
        own = [str(node["props"].get("children")).strip()] if node.get("type") == "H1" else []
        return own + [t for value in node["props"].values() for t in _h1(value)]
    if isinstance(node, dict):
        return [t for value in node.values() for t in _h1(value)]
    return []


@pytest.fixture(scope="module")
def app():
    return make_app(TILE_URL="")


@pytest.mark.parametrize("path", [path for path, _ in PAGES])
def test_the_first_answer_holds_the_page_dash_draws(app, path):
    client = app.server.test_client()
    answer = client.get(path)
    assert answer.status_code == (404 if path == "/pas-de-page-ici" else 200)
    page = Page()
    page.feed(answer.get_data(as_text=True))
    drawn = render_page(app, path.split("?")[0], "?" + path.split("?")[1] if "?" in path else "")
    assert page.h1 and page.h1 == _h1(drawn)  # the page's own title, as Dash writes it
    assert page.title.strip() and "Loading..." not in answer.get_data(as_text=True)
    assert page.figures == _dash_figures(drawn)  # every key figure, its value and its registered name
    assert len(page.ids) == len(set(page.ids))  # the copy's ids never clash with Dash's
    # before the first paint, the browser runs the loader alone: Dash's scripts wait, inert, in order
    assert [s.get("src", "").split("?")[0] for s in page.running_scripts] == ["/_portail/apres-rendu.js"]


def test_the_dashboards_and_the_commune_page_have_their_key_figures_in_the_first_answer(app):
    client = app.server.test_client()
    for path in ("/tableaux-de-bord/travaux", "/tableaux-de-bord/sante", "/tableaux-de-bord/transports",
                 "/communes/76540"):
        page = Page()
        page.feed(client.get(path).get_data(as_text=True))
        assert len(page.figures) >= 3 and all(value for _, value in page.figures), path


def test_a_layout_is_written_as_html_with_its_ids_kept_apart():
    layout = html.Div([
        html.A("Aller au contenu", href="#contenu"),
        html.Label("Commune", htmlFor="choix"), dcc.Input(id="choix", value="Rouen <&> \"x\""),
        html.Main([html.H1("Titre"), html.P("a < b & c", className="lead", style={"marginTop": 4, "flexGrow": 1})],
                  id="contenu", **{"aria-labelledby": "t1 t2"}),
        html.A("piège", href="javascript:alert(1)"), dcc.Store(id="cache", data={"x": 1}),
        dcc.Dropdown(id="liste", options=[{"label": "Rouen", "value": "76540"}], value="76540"),
        dcc.Graph(id="g", figure={"data": [], "layout": {"height": 320}}),
        html.Div(id={"type": "motif", "index": 1}),
    ])
    written = to_html(layout)
    assert '<a href="#pr-contenu">Aller au contenu</a>' in written
    assert '<label for="pr-choix">' in written and 'id="pr-choix"' in written
    assert 'value="Rouen &lt;&amp;&gt; &quot;x&quot;"' in written
    assert 'aria-labelledby="pr-t1 pr-t2"' in written and "a &lt; b &amp; c" in written
    assert 'style="margin-top:4px;flex-grow:1"' in written
    assert "javascript" not in written and "cache" not in written  # no unsafe link, no store
    assert re.search(r'<div id="pr-liste" class="premier-rendu-liste">Rouen</div>', written)
    assert re.search(r'<div id="pr-g" class="dash-graph premier-rendu-reserve" style="height:320px" '
                     r'aria-hidden="true"></div>', written)
    assert "motif" not in written  # a pattern-matching id is Dash's copy's alone


def test_the_menu_marks_the_page_it_is_on():
    links = html.Ul([html.Li(dcc.Link("Accueil", href="/", className="nav-link")),
                     html.Li(dcc.Link("Catalogue", href="/catalogue", className="nav-link"))])
    on_catalogue = to_html(links, Context(path="/catalogue"))
    assert '<a href="/catalogue" class="nav-link" aria-current="page">' in on_catalogue
    assert '<a href="/" class="nav-link">' in on_catalogue
    assert 'href="/" class="nav-link" aria-current="page"' in to_html(links, Context(path="/"))
