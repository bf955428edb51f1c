"""Pages rendered through the router callback, without a browser, on the small fixture portal."""
from __future__ import annotations

import pytest

from tests.helpers.apps import find_all, make_app, render_page, text_of
from tests.helpers.paths import FIXTURES


@pytest.fixture(scope="module")
def app():
    return make_app(FIXTURES / "portal")


def test_home_shows_key_figures_computed_from_the_data(app):
    page = render_page(app, "/")
    text = text_of(page["layout"])
    assert page["title"].startswith("Accueil")
    cards = {text_of(c["props"]["children"][0]): text_of(c["props"]["children"][1])
             for c in find_all(page["layout"], lambda n: n["props"].get("className") == "kpi-card")}
    assert cards["jeux de données"] == "3"
    assert cards["communes"] == "2"  # found through the roles `commune` and `population`
    assert cards["habitants"] == "119\u202f611"
    assert cards["enregistrements"] == "4"  # 2 chantiers + 2 communes; the missing dataset counts for nothing
    assert cards["jeux cartographiques"] == "2"
    assert "dont 2 disponibles" in text
    assert "Jeu absent : fichier introuvable : absent.csv" in text


def test_home_lists_the_latest_updates_newest_first(app):
    latest = find_all(render_page(app, "/")["layout"], lambda n: n["props"].get("className") == "latest")[0]
    items = [text_of(li) for li in latest["props"]["children"]]
    assert items[0].startswith("Chantiers (test) — Travaux, mis à jour le 1er octobre 2026")
    assert items[1].startswith("Communes (test) — Territoire, mis à jour le 1er septembre 2026")


def test_about_page_lists_sources_and_the_accessibility_statement(app):
    text = text_of(render_page(app, "/a-propos")["layout"])
    assert "Déclaration d'accessibilité" in text and "Défenseur des droits" in text
    assert "Chantiers (test)" in text and "Licence Ouverte v2.0" in text
    assert "indisponible : fichier introuvable : absent.csv" in text


def test_unknown_path_renders_the_404_page(app):
    page = render_page(app, "/nulle-part")
    assert "Page introuvable" in text_of(page["layout"])
    assert find_all(page["layout"], lambda n: n["props"].get("href") == "/")


def test_pages_ignore_unknown_query_parameters(app):
    assert "Chiffres clés" in text_of(render_page(app, "/", "?foo=1&foo=2&refine.x=%ZZ")["layout"])


@pytest.fixture(scope="module")
def demo_app():
    return make_app()  # the embedded demo snapshot, generated on first use


def test_demo_home_counts_the_71_communes_and_their_population(demo_app):
    from data_access.demo.facts import communes

    page = render_page(demo_app, "/")
    cards = {text_of(c["props"]["children"][0]): text_of(c["props"]["children"][1])
             for c in find_all(page["layout"], lambda n: n["props"].get("className") == "kpi-card")}
    assert cards["communes"] == "71"
    population = sum(c.population for c in communes())
    assert cards["habitants"] == f"{population:,}".replace(",", "\u202f")
    assert cards["jeux de données"] == "12"
    assert "instantané de démonstration" in text_of(page["layout"])


def test_demo_about_page_credits_the_real_commune_outlines(demo_app):
    from features.accueil.page_a_propos import Ids

    layout = render_page(demo_app, "/a-propos")["layout"]
    sources = find_all(layout, lambda n: n["props"].get("aria-labelledby") == Ids.SOURCES)[0]
    credit = [text_of(p) for p in find_all(sources, lambda n: n["type"] == "P")]
    assert len(credit) == 1
    assert credit[0].startswith("Contours des communes de l'instantané de démonstration : IGN Admin Express 2018")
    assert "france-geojson" in credit[0] and "Licence Ouverte v2.0 (Etalab)" in credit[0]
    assert "approximati" not in text_of(layout)  # the outlines are no longer Voronoi cells


def test_fixture_about_page_has_no_demo_outlines_credit(app):
    assert "Admin Express" not in text_of(render_page(app, "/a-propos")["layout"])


def test_demo_shell_shows_the_demo_badge(demo_app):
    layout = demo_app.server.test_client().get("/_dash-layout").get_json()
    badges = find_all(layout, lambda n: n["props"].get("className") == "badge-demo")
    assert [text_of(b) for b in badges] == ["Données de démonstration"] * 2  # header and footer


@pytest.mark.parametrize(
    "declaration",
    ['name = "Population municipale"\nrole = "population"',  # declared by its header label: matched too
     'name = "pas_de_colonne"\nrole = "population"',  # a role on no column: the figure is hidden
     'name = "nom"\nrole = "population"'],  # a population that is text: hidden too
)
def test_key_figures_never_fail_on_roles(tmp_path, declaration):
    (tmp_path / "communes.csv").write_text("Code INSEE;Nom;Population municipale\r\n76540;Rouen;116331\r\n"
                                           "76005;Amfreville;3280\r\n", encoding="utf-8")
    (tmp_path / "catalogue.toml").write_text(
        '[[dataset]]\nid = "communes"\ntitle = "Communes"\ntheme = "Territoire"\nformat = "csv"\n'
        'path = "communes.csv"\n\n[[dataset.field]]\nname = "code_insee"\nrole = "commune"\n\n'
        f'[[dataset.field]]\n{declaration}\n', encoding="utf-8")
    text = text_of(render_page(make_app(tmp_path), "/")["layout"])
    assert "Chiffres clés" in text
    if "Population municipale" in declaration:
        assert "habitants 119\u202f611" in text and "communes 2" in text  # label, then value
    else:
        assert "habitants" not in text


def test_the_location_the_controls_write_is_the_one_dash_pages_draws():
    """components.controls.LOCATION names Dash's pages location (checked against dash 4.4.1): if Dash renames it,
    this fails before every control that writes the URL silently stops."""
    import dash

    from components.controls import LOCATION

    assert LOCATION in [getattr(child, "id", None) for child in dash.page_container.children]
