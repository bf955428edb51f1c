"""The Santé dashboard on the demo snapshot and on the real, damaged CNAM extract, and in the browser."""
from __future__ import annotations

import urllib.parse

import pandas as pd
import pytest

from data_access.french import points_gap
from features.sante import words as sante_words
from tests.helpers import sante_oracle
from tests.helpers.sante_tables import REAL_ENTRY
from tests.helpers.apps import find_all, free_port, make_app, render_page, text_of
from tests.helpers.browser import NO_VIOLATION, assert_clean_console, axe_at_both_widths, open_page

PATH = "/tableaux-de-bord/sante"
FIGURES = "section[aria-labelledby='sante-chiffres'] .result-count"


@pytest.fixture(scope="module")
def demo_app():
    return make_app(TILE_URL="")


def cards(layout) -> dict[str, str]:
    return {text_of(c["props"]["children"][0]): text_of(c["props"]["children"][1])
            for c in find_all(layout, lambda n: n["props"].get("className") == "kpi-card")}


def by_id(layout, id_):
    return find_all(layout, lambda n: n["props"].get("id") == id_)


def section_of(layout, heading_id: str):
    return find_all(layout, lambda n: n["props"].get("aria-labelledby") == heading_id)[0]


def test_key_figures_are_the_cells_of_the_selection(demo_app):
    layout = render_page(demo_app, PATH, "?refine.patho_niv1=Diabète&refine.annee=2020&refine.sexe=2")["layout"]
    table = demo_app.server.extensions["portail"].repository.table("pathologies").frame
    rows = table[(table["patho_niv1"] == "Diabète") & table["patho_niv2"].isna() & (table["annee"] == 2020)
                 & (table["sexe"] == "2") & (table["cla_age_5"] == "tsage")]
    dept, region, france = (rows[(rows["region"] == r) & (rows["dept"] == d)].iloc[0]
                            for r, d in (("28", "76"), ("28", "999"), ("99", "999")))
    shown = cards(layout)
    assert shown["patients en 2020"] == f"{dept['ntop']:,}".replace(",", "\u202f")
    assert shown["prévalence, Seine-Maritime (76)"] == sante_words.percent(dept["prev"])
    assert shown["prévalence, Normandie"] == sante_words.percent(region["prev"])
    assert shown["prévalence, France"] == sante_words.percent(france["prev"])
    assert shown["écart à la France"] == sante_words.points(points_gap(dept["prev"], france["prev"]))
    first = table[(table["patho_niv1"] == "Diabète") & table["patho_niv2"].isna() & (table["annee"] == 2015)
                  & (table["sexe"] == "2") & (table["cla_age_5"] == "tsage") & (table["dept"] == "76")].iloc[0]
    assert shown["évolution depuis 2015"] == sante_words.points(points_gap(dept["prev"], first["prev"]))
    text = text_of(layout)
    assert "Diabète — 2020, Seine-Maritime (76), femmes, tous âges" in text
    # the extract is the view's rows, and says which view it comes from
    hrefs = [n["props"]["href"] for n in find_all(layout, lambda n: str(n["props"].get("href", "")).startswith(
        "/export/pathologies."))]
    query = urllib.parse.parse_qs(urllib.parse.urlparse(hrefs[0]).query)
    assert query["refine.patho_niv1"] == ["Diabète"] and query["refine.sexe"] == ["2"]
    assert query["refine.annee"] == ["2020"] and query["refine.dept"] == ["76"] and query["vue"] == [PATH]


def test_every_chart_has_its_summary_and_table(demo_app):
    layout = render_page(demo_app, PATH, "?refine.patho_niv1=Cancers&refine.patho_niv2=Cancer colorectal")["layout"]
    for graph in ("sante-evolution", "sante-pyramide", "sante-classement", "sante-offre-evolution"):
        card = find_all(layout, lambda n, g=graph: n.get("type") == "Figure" and by_id(n, g))
        assert card, graph
        assert find_all(card[0], lambda n: n.get("type") == "Figcaption") and \
            find_all(card[0], lambda n: n.get("type") == "Table"), graph
    text = text_of(layout)
    # the ranking holds the colorectal cancer's siblings (level 2 of Cancers), not every pathology
    assert "Pathologies classées par prévalence" in text and "Cancer du sein de la femme" in text
    assert "Maladies psychiatriques" not in text_of(section_of(layout, "sante-classement-titre"))


def test_wrong_choices_are_notices_not_errors(demo_app):
    text = text_of(render_page(demo_app, PATH, "?refine.annee=1900&refine.dept=2A&refine.sexe=x&jeu=rien"
                                                "&refine.commune=Rouen")["layout"])
    assert "Certains paramètres de l'adresse ont été ignorés" in text
    for part in ("l'année « 1900 » n'est pas dans le fichier", "le département « 2A » n'est pas dans le fichier",
                 "sexe « x » inconnu", "« rien » n'alimente pas ce tableau de bord",
                 "refine.commune : ce paramètre n'a pas de sens sur ce tableau de bord"):
        assert part in text, part


def test_access_to_care_for_a_chosen_commune(demo_app):
    layout = render_page(demo_app, PATH, "?indicateur=pharmacies&commune=76540&refine.annee=2022")["layout"]
    text = text_of(layout)
    assert "Évolution : Rouen et l'ensemble des communes" in text
    frame = demo_app.server.extensions["portail"].repository.table("offre-de-soins").frame
    top = frame[frame["annee"] == 2022].sort_values("pharmacies", ascending=False).iloc[0]
    ranking = section_of(layout, "sante-offre-titre")
    first_row = find_all(ranking, lambda n: n.get("type") == "Tr")[1]
    assert text_of(first_row) == f"1 {top['commune']} {top['pharmacies']:.1f}".replace(".", ",")
    links = find_all(ranking, lambda n: str(n["props"].get("href", "")).startswith(PATH))
    assert all("indicateur=pharmacies" in a["props"]["href"] and "commune=" in a["props"]["href"] for a in links)
    assert len(by_id(layout, "sante-carte-codes")[0]["props"]["data"]) == 71





@pytest.fixture
def real_app(realdata, tmp_path):
    (tmp_path / "sante_ameli_pathologies").symlink_to(realdata / "sante_ameli_pathologies")
    (tmp_path / "catalogue.toml").write_text(REAL_ENTRY, encoding="utf-8")
    return make_app(tmp_path)


def test_the_real_damaged_extract_drives_the_dashboard(real_app, realdata):
    search = "?refine.patho_niv1=Traitements psychotropes (hors pathologies)&refine.dept=76"
    layout = render_page(real_app, PATH, search)["layout"]
    text = text_of(layout)
    raw = pd.read_csv(realdata / "sante_ameli_pathologies" / "effectifs_extrait.csv", sep=";", dtype=str,
                      encoding="utf-8-sig", keep_default_na=False)
    cell = raw[(raw["patho_niv1"] == "Traitements psychotropes (hors pathologies)") & (raw["patho_niv2"] == "")
               & (raw["dept"] == "76") & (raw["sexe"] == "9") & (raw["cla_age_5"] == "tsage")]
    assert len(cell) == 1  # one row for the cell: the figure is that row, never a sum of the département's rows
    shown = cards(layout)
    assert shown["patients en 2020"] == f"{int(cell['ntop'].iloc[0]):,}".replace(",", "\u202f")
    assert shown["prévalence, Seine-Maritime (76)"] == sante_words.percent(float(cell["prev"].iloc[0]))
    # a single year: no trend drawn, the page says why
    assert shown["évolution"] == "non calculable"
    assert "Le fichier n'a qu'une année (2020) : il ne permet pas de suivre l'évolution" in text
    assert not by_id(layout, "sante-evolution") or by_id(layout, "sante-evolution")[0].get("type") == "P"
    # the repaired age classes: "05-sept" and "oct-14" come back as 05-09 and 10-14, in order
    pyramid = text_of(section_of(layout, "sante-pyramide-titre"))
    assert pyramid.index("de 5 à 9 ans") < pyramid.index("de 10 à 14 ans") < pyramid.index("de 15 à 19 ans")
    assert "rétablie(s) (« 05-sept » → « 05-09 », « oct-14 » → « 10-14 »)" in text
    assert "tous les effectifs sont des multiples de 10" in text
    # the region and France are not in the extract for this pathology: said, not invented
    assert shown["prévalence, France"] == "non disponible"


def test_the_real_extract_in_every_pathology_never_fails(real_app):
    table = real_app.server.extensions["portail"].repository.table("pathologies-reel")
    cube = sante_oracle.cube(table)
    for key, node in cube.nodes.items():
        parts = dict(zip(("refine.patho_niv1", "refine.patho_niv2", "refine.patho_niv3"), node.parts))
        layout = render_page(real_app, PATH, "?" + urllib.parse.urlencode(parts))["layout"]
        assert "Tableau de bord Santé" in text_of(layout)


def test_choosing_in_the_browser(dash_duo):
    app = make_app(TILE_URL="")
    dash_duo.start_server(app, port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    open_page(dash_duo, PATH)
    dash_duo.wait_for_text_to_equal("h1", "Tableau de bord Santé")
    repository = app.server.extensions["portail"].repository
    cube = sante_oracle.cube(repository.table("pathologies"))

    def expected_patients(node: str, year: int) -> str:
        return f"{int(cube.value('patients', node, year, '28', '76')):,}".replace(",", "\u202f")

    # pick a pathology by typing its name in the picker
    dash_duo.find_element("#sante-pathologie").click()
    search = dash_duo.wait_for_element(".dash-dropdown-search")
    search.send_keys("Diabète de type 2")
    dash_duo.wait_for_element(".dash-dropdown-option:not([aria-disabled='true'])").click()
    dash_duo.wait_for_contains_text(FIGURES, "Diabète › Diabète de type 2")
    assert "refine.patho_niv2=Diab" in dash_duo.driver.current_url
    node = "Diabète › Diabète de type 2"
    dash_duo.wait_for_contains_text(".kpi-list", expected_patients(node, cube.years[-1]))
    # change the year
    dash_duo.find_element("#sante-annee").click()
    next(o for o in dash_duo.find_elements(".dash-dropdown-option") if o.text.strip() == "2018").click()
    dash_duo.wait_for_contains_text(FIGURES, "2018")
    dash_duo.wait_for_contains_text(".kpi-list", expected_patients(node, 2018))
    # click a commune on the access-to-care map: its evolution appears
    commune = dash_duo.wait_for_element("#sante-carte path.leaflet-interactive")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", commune)
    dash_duo.driver.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: 1, clientY: 1}))", commune)
    dash_duo.wait_for_contains_text("section[aria-labelledby='sante-offre-titre']", "Évolution : ")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(dash_duo.driver.current_url).query)
    assert query["refine.annee"] == ["2018"] and len(query["commune"][0]) == 5
    chosen = repository.table("offre-de-soins").frame.set_index("code_insee")["commune"].to_dict()[
        query["commune"][0]]
    assert f"Évolution : {chosen} et l'ensemble des communes" in dash_duo.find_element(
        "section[aria-labelledby='sante-offre-titre']").text
    dash_duo.wait_for_element("#sante-offre-evolution .js-plotly-plot")
    # the permalink gives the same view
    dash_duo.driver.get(dash_duo.driver.current_url)
    dash_duo.wait_for_contains_text(FIGURES, "Diabète › Diabète de type 2 — 2018")
    dash_duo.wait_for_contains_text("section[aria-labelledby='sante-offre-titre']", f"Évolution : {chosen}")
    dash_duo.wait_for_element("#sante-pyramide .main-svg[aria-hidden='true']")
    assert axe_at_both_widths(dash_duo) == NO_VIOLATION
    assert_clean_console(dash_duo)
