"""Static islands (components/statique.py): the parts of a page that no callback reads or writes are sent as one
component each, and drawn as the same HTML; a link in an island navigates without a reload."""
from __future__ import annotations

import inspect

import pytest
from dash import dcc, html

from components.statique import Named, compact
from components.json_form import plain
from tests.helpers.apps import expand, free_port, make_app, render_page, text_of
from tests.helpers.browser import open_page

PAGES = ("/", "/catalogue", "/jeux-de-donnees/chantiers", "/communes/76540", "/recits", "/tableaux-de-bord/travaux",
         "/tableaux-de-bord/sante", "/tableaux-de-bord/transports", "/pres-de-chez-moi")


def dash_components(node) -> int:
    """How many components Dash itself draws (an island's insides are React's)."""
    if isinstance(node, list):
        return sum(dash_components(n) for n in node)
    if isinstance(node, dict) and "namespace" in node:
        props = node.get("props") or {}
        return 1 + sum(dash_components(v) for k, v in props.items() if k != "arbre")
    return 0


def test_runs_of_static_components_become_islands_and_nothing_else():
    tree = plain(html.Div([
        html.H2("Titre", id="titre"),
        html.P(["Un ", html.Strong("mot"), " et ", dcc.Link("un lien", href="/catalogue")]),
        html.Ul([html.Li(str(i)) for i in range(3)]),
        dcc.Input(id="champ", value=""),
        html.P("seul"),
        html.Div(html.Span("lu par un rappel"), id="sortie"),
        html.Ul([html.Li("lue"), html.Li("par un rappel")], id="liste"),
    ], id="page"))
    compacted = compact(tree, Named(frozenset({"champ", "sortie", "liste"}), frozenset({"liste"})))
    children = compacted["props"]["children"]
    # the heading (its id is no callback's), the paragraph with its link and the list: one island
    assert [c["type"] for c in children] == ["Statique", "Input", "P", "Div", "Ul"]
    assert [n["type"] for n in children[0]["props"]["arbre"]] == ["H2", "P", "Ul"]
    assert children[2] == tree["props"]["children"][4]  # one component alone: left as it is
    assert children[3]["props"]["children"]["type"] == "Span"  # a callback's output keeps its children Dash's
    assert children[4] == tree["props"]["children"][6]  # children a callback reads: left as Dash sent them
    assert expand(compacted) == tree


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_mostly_islands_and_says_the_same(path):
    app = make_app(TILE_URL="")
    import api

    with app.server.test_request_context(path):
        page, variables = api.page_for(path)
        compacted = page["layout"](**(variables or {}))
        original = plain(inspect.unwrap(page["layout"])(**(variables or {})))
    opened = expand(compacted)
    assert text_of(opened) == text_of(original)
    before, after = dash_components(original), dash_components(compacted)
    assert after < before and (before < 100 or after < before / 2), (before, after)
    assert text_of(render_page(app, path)["layout"]) == text_of(original)


def test_a_link_in_an_island_navigates_without_a_reload(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    open_page(dash_duo, "/recits")
    driver = dash_duo.driver
    link = dash_duo.find_element("#contenu article a[href^='/recits/']")
    target = link.get_attribute("href")
    driver.execute_script("window.__meme_page = true;")
    link.click()
    dash_duo.wait_for_element("#contenu h1")
    assert driver.current_url == target
    assert driver.execute_script("return window.__meme_page === true;")  # no reload: Dash's router drew it
    assert dash_duo.find_element("#contenu h1").text != "Récits"
