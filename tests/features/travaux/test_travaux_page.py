"""The Travaux dashboard through the router (key figures match the definitions) and in the browser."""
from __future__ import annotations

import datetime as dt
import urllib.parse

import pytest

from data_access.query import parse_query
from features.travaux.data import find_roles
from tests.helpers.travaux_tables import PARIS_ENTRIES
from tests.helpers.travaux_oracle import key_figures
from tests.helpers.apps import find_all, free_port, make_app, render_page, text_of
from tests.helpers.browser import NO_VIOLATION, assert_clean_console, axe_at_both_widths, open_page
from tests.helpers.oracle import row_positions

PATH = "/tableaux-de-bord/travaux"


@pytest.fixture(scope="module")
def demo_app():
    return make_app()


def cards(layout) -> dict[str, str]:
    return {text_of(c["props"]["children"][0]): text_of(c["props"]["children"][1])
            for c in find_all(layout, lambda n: n["props"].get("className") == "kpi-card")}


def test_key_figures_on_the_page_are_the_definitions(demo_app):
    layout = render_page(demo_app, PATH, "?refine.commune=Rouen&date=2026-03-01")["layout"]
    repository = demo_app.server.extensions["portail"].repository
    dataset = repository.catalogue.get("chantiers")
    table = repository.table("chantiers")
    query, _ = parse_query("refine.commune=Rouen", table.fields)
    expected = key_figures(table, find_roles(table), row_positions(table, query), dt.date(2026, 3, 1),
                           data_date=dataset.modified)
    shown = cards(layout)
    assert shown["chantiers en cours à la date"] == str(expected.in_progress)
    assert shown["en retard"] == str(expected.late)
    assert shown["terminés en 2026"] == str(expected.finished_this_year)
    assert "situation au 1er mars 2026" in text_of(layout)
    links = find_all(layout, lambda n: n.get("type") == "A" and "/export/" in str(n["props"].get("href")))
    assert links and all("refine.commune=Rouen" in link["props"]["href"] for link in links)


def test_progress_is_not_replayed_before_the_data_date(demo_app):
    past = text_of(render_page(demo_app, PATH, "?date=2026-03-01")["layout"])
    assert "L'avancement n'est connu qu'à la date des données (14 novembre 2026)" in past
    now = text_of(render_page(demo_app, PATH, "?date=2026-11-20")["layout"])
    assert "chantiers en cours, dont" in now and "Calendrier de 30 chantiers" in now


def test_a_bad_reference_date_is_a_notice(demo_app):
    text = text_of(render_page(demo_app, PATH, "?date=2026-02-30")["layout"])
    assert "date : « 2026-02-30 » n'est pas une date AAAA-MM-JJ" in text and "Chiffres clés" in text


def test_a_dataset_without_budget_hides_those_parts_and_says_so(tmp_path):
    (tmp_path / "t.csv").write_text("nom;commune;debut;fin\r\nA;Rouen;2026-01-01;2026-12-31\r\n", encoding="utf-8")
    (tmp_path / "catalogue.toml").write_text(
        '[[dataset]]\nid = "t"\ntitle = "T"\ntheme = "Travaux"\nformat = "csv"\npath = "t.csv"\n'
        'dashboard = "travaux"\n[[dataset.field]]\nname = "commune"\nrole = "commune"\n'
        '[[dataset.field]]\nname = "debut"\nrole = "start_date"\n[[dataset.field]]\nname = "fin"\n'
        'role = "planned_end_date"\n', encoding="utf-8")
    text = text_of(render_page(make_app(tmp_path), PATH, "?date=2026-06-01")["layout"])
    assert "chantiers en cours à la date 1" in text
    assert "Parties masquées faute de données : les chantiers en retard" in text
    assert "le budget (rôle budget_planned absent ou sans valeur)" in text


def test_amounts_and_progress_written_as_words_are_said_not_numbers(tmp_path):
    """A budget « à définir » or a progress « n.c. » makes the field text: those roles are left out and the page
    says why (it was a 500 before)."""
    (tmp_path / "t.csv").write_text("nom;commune;debut;fin;budget;type;avancement\r\n"
                                    "A;Rouen;2026-01-01;2026-12-31;1200;voirie;50\r\n"
                                    "B;Rouen;2026-02-01;2026-03-31;à définir;eau;n.c.\r\n", encoding="utf-8")
    roles = "".join(f'[[dataset.field]]\nname = "{name}"\nrole = "{role}"\n' for name, role in (
        ("commune", "commune_name"), ("debut", "start_date"), ("fin", "planned_end_date"),
        ("budget", "budget_planned"), ("type", "type"), ("avancement", "progress")))
    (tmp_path / "catalogue.toml").write_text(
        '[[dataset]]\nid = "t"\ntitle = "T"\ntheme = "Travaux"\nformat = "csv"\npath = "t.csv"\n'
        f'dashboard = "travaux"\n{roles}', encoding="utf-8")
    text = text_of(render_page(make_app(tmp_path), PATH, "?date=2026-03-01")["layout"])
    assert "chantiers en cours à la date 2" in text
    assert "le budget (rôle budget_planned : son champ n'est pas lu comme des nombres)" in text
    assert "l'avancement face au temps écoulé (rôle progress : son champ n'est pas lu comme des nombres)" in text


def test_dashboard_filters_and_reference_date_in_the_browser(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    open_page(dash_duo, f"{PATH}?date=2026-03-01")
    dash_duo.wait_for_text_to_equal("h1", "Tableau de bord des travaux")
    before = dash_duo.find_element(".kpi-list").text
    option = next(o for o in dash_duo.find_elements(".facet-option") if o.text.strip().startswith("Rouen"))
    option.click()
    dash_duo.wait_for_contains_text(".result-count", "134 chantiers")
    assert dash_duo.find_element(".kpi-list").text != before
    hrefs = [a.get_attribute("href") for a in dash_duo.find_elements("#travaux-export a")]
    assert hrefs and all("refine.commune=Rouen" in h for h in hrefs)
    date = dash_duo.find_element("#travaux-date")
    date.clear()
    date.send_keys("2025-06-30\n")
    dash_duo.wait_for_contains_text(".result-count", "situation au 30 juin 2025")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(dash_duo.driver.current_url).query)
    assert query["date"] == ["2025-06-30"] and query["refine.commune"] == ["Rouen"]
    dash_duo.driver.get(dash_duo.driver.current_url)  # the permalink gives the same view
    dash_duo.wait_for_contains_text(".result-count", "situation au 30 juin 2025")
    dash_duo.wait_for_element("#travaux-budget .js-plotly-plot")
    dash_duo.wait_for_element("#travaux-calendrier .js-plotly-plot")
    # the map: sites styled by status (legend in words), and a click opens the site's card
    assert "en retard" in dash_duo.find_element(".map-legend").text
    site = dash_duo.wait_for_element("#jeu-carte path.leaflet-interactive")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", site)
    dash_duo.driver.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: 1, clientY: 1}))", site)
    dash_duo.wait_for_contains_text("#jeu-carte-fiche", "Statut au 30 juin 2025")
    card = dash_duo.find_element("#jeu-carte-fiche").text
    assert "Commune\nRouen" in card and "Fin prévue" in card and "Budget prévu" in card
    # a point site: its mark (shape and size in the legend's words) opens the same card
    mark = dash_duo.find_element("#jeu-carte .site-mark")
    dash_duo.driver.execute_script("arguments[0].click()", mark)
    dash_duo.wait_for_contains_text("#jeu-carte-fiche", "Type de travaux")
    # the communes layer: switched on, each commune is shaded, and the table says the same in words
    toggle = next(label for label in dash_duo.find_elements(".leaflet-control-layers-overlays label")
                  if "Nombre de chantiers par commune" in label.text)
    toggle.find_element("css selector", "input").click()
    dash_duo.wait_for_element(".leaflet-couches-sous-les-objets-pane path")
    assert len(dash_duo.find_elements(".leaflet-couches-sous-les-objets-pane path")) == 71
    # the layer lives in the URL: a filter change (a new render) keeps it on
    dash_duo._wd_wait.until(lambda driver: "couches=nombre" in driver.current_url)
    dash_duo._wd_wait.until(lambda driver: driver.execute_script(  # the page drawn again, the layer still on
        "var box = document.querySelector('.leaflet-control-layers-overlays input');"
        "return !!box && box.checked && document.querySelectorAll('.leaflet-couches-sous-les-objets-pane path').length"
        " === 71"))
    dash_duo.driver.execute_script(
        "Array.from(document.querySelectorAll('.facet-option'))"
        ".find(o => o.textContent.trim().startsWith('voirie')).click()")
    dash_duo.wait_for_contains_text(".chips", "voirie")
    dash_duo.wait_for_element(".leaflet-couches-sous-les-objets-pane path")
    assert dash_duo.find_element(".leaflet-control-layers-overlays input").is_selected()
    dash_duo.find_element(".commune-layers summary").click()
    rouen = int(dash_duo.find_element(".result-count").text.split()[0])
    assert dash_duo.find_element(".commune-layers tbody tr").text.startswith(f"Rouen {rouen}")
    assert axe_at_both_widths(dash_duo) == NO_VIOLATION  # with the card, the communes layer and a table open
    # a dropdown's button is named by its label first, then its value
    names = dash_duo.find_element("#travaux-ma-commune").get_attribute("aria-labelledby").split()
    assert dash_duo.driver.find_element("id", names[0]).text == "Ma commune"
    # printed (A4 landscape): the controls give way to a header with the date and the filters; the map stays
    dash_duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    header = dash_duo.find_element(".print-header")
    assert header.is_displayed() and header.text.startswith("Tableau de bord des travaux — situation au 30 juin 2025")
    assert "filtres : Commune = Rouen" in header.text
    assert not dash_duo.find_element(".filter-panel").is_displayed()
    assert dash_duo.find_element("#jeu-carte").is_displayed()
    assert dash_duo.find_element(".kpi-list").is_displayed()
    assert dash_duo.find_element("#travaux-calendrier .js-plotly-plot").is_displayed()
    dash_duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert not dash_duo.find_element(".print-header").is_displayed()
    assert_clean_console(dash_duo)


# The two Opendatasoft exports of Paris's works, declared with roles only: no code knows their columns.



@pytest.mark.parametrize(("dataset_id", "rows"), [("chantiers-perturbants", 192), ("chantiers-a-paris", 1725)])
def test_the_real_opendatasoft_exports_drive_the_dashboard(realdata, tmp_path, dataset_id, rows):
    (tmp_path / "ods_paris_chantiers").symlink_to(realdata / "ods_paris_chantiers")
    (tmp_path / "catalogue.toml").write_text(PARIS_ENTRIES, encoding="utf-8")
    app = make_app(tmp_path)
    repository = app.server.extensions["portail"].repository
    table = repository.table(dataset_id)
    area = table.role_field("area").name
    layout = render_page(app, PATH, f"?jeu={dataset_id}&date=2023-06-01&refine.{area}=75015&ma_commune=75015")["layout"]
    text = text_of(layout)
    assert f"sélectionné(s) sur {rows:,}".replace(",", "\u202f") in text and "Jeu de données" in text
    # status derived from the dates (neither export has a status we declared), replayed on 1 June 2023
    frame = table.frame[table.frame[area] == "75015"]
    start, end = frame[table.role_field("start_date").name], frame[table.role_field("planned_end_date").name]
    running = int(((start <= "2023-06-01") & ~(end <= "2023-06-01")).sum())
    assert int(cards(layout)["chantiers en cours à la date"].replace("\u202f", "")) == running > 0
    # the parts without their data are hidden, and the page says which data they need
    assert ("Parties masquées faute de données : les chantiers en retard (rôle actual_end_date, status ou progress) ; "
            "le budget (rôle budget_planned absent ou sans valeur) ; l'avancement (rôles progress et budget_planned)") \
        in text
    assert "en retard" not in cards(layout) and "en retard (0)" not in text  # not « 0 en retard »: unknown
    assert "la couche des communes" in text and "Budget par type" not in text and "Avancement et temps" not in text
    # the area stands in for the commune: « Mon secteur » lists the sites of the postcode
    assert "Mon secteur" in text and "en cours ou à venir à 75015" in text
    # the export link carries the filter
    hrefs = [n["props"]["href"] for n in find_all(layout, lambda n: str(n["props"].get("href", "")).startswith(
        f"/export/{dataset_id}."))]
    assert hrefs and all(f"refine.{area}=75015" in h for h in hrefs)


def test_in_my_commune_section(demo_app):
    layout = render_page(demo_app, PATH, "?date=2026-11-20&ma_commune=Elbeuf")["layout"]
    listing = find_all(layout, lambda n: n["props"].get("id") == "travaux-ma-commune-liste")[0]
    titles = [text_of(h) for h in find_all(listing, lambda n: n.get("type") == "H3")]
    repository = demo_app.server.extensions["portail"].repository
    table = repository.table("chantiers")
    from features.travaux.communes import in_my_commune

    expected = in_my_commune(table, find_roles(table), "Elbeuf", dt.date(2026, 11, 20),
                             repository.catalogue.get("chantiers").modified)
    assert titles == expected["title"].tolist() and titles
    assert "Choisissez une commune" in text_of(render_page(demo_app, PATH, "?ma_commune=Nulle-part")["layout"])


def test_another_dataset_keeps_only_the_reference_date(demo_app):
    from features.travaux.page import change_dataset  # once the app has registered its pages

    shown = {"jeu": "chantiers"}
    assert change_dataset("chantiers", shown, "?date=2023-06-01") is None  # the page being drawn: the address stays (writes_url)
    assert change_dataset("chantiers-a-paris", shown, "?date=2023-06-01&refine.commune=Rouen&ma_commune=Rouen") == \
        "?jeu=chantiers-a-paris&date=2023-06-01"
    assert change_dataset("chantiers", {}, "") == "?jeu=chantiers"


def test_a_period_keeps_the_sites_under_way_during_it(demo_app):
    from features.travaux.page import change_period  # once the app has registered its pages

    with demo_app.server.app_context():
        search = change_period("2026-06-01", "2026-06-30", "chantiers", {},
                               "?date=2026-11-15&refine.commune=Rouen")
        cleared = change_period(None, "2026-06-30", "chantiers", {"periode_du": "2026-06-01",
                                                                  "periode_au": "2026-06-30"}, search)
        # Dash calls it when the page is drawn, with the values shown: no new URL
        assert change_period("2026-06-01", "2026-06-30", "chantiers", {"periode_du": "2026-06-01",
                                                                      "periode_au": "2026-06-30"}, search) \
            is None
    assert search == "?date=2026-11-15&refine.commune=Rouen&from.date_fin_prevue=2026-06-01&to.date_debut=2026-06-30"
    frame = demo_app.server.extensions["portail"].repository.table("chantiers").frame
    under_way = frame[(frame["commune"] == "Rouen") & (frame["date_debut"] <= "2026-06-30")
                      & (frame["date_fin_prevue"] >= "2026-06-01")]
    layout = render_page(demo_app, PATH, search)["layout"]
    assert f"{len(under_way)} chantiers sélectionné(s)" in text_of(layout) and len(under_way) > 5
    # the fields stay filled in, and clearing one drops its bound only
    values = {n["props"]["id"]: n["props"]["value"] for n in find_all(
        layout, lambda n: str(n["props"].get("id", "")).startswith("travaux-periode-"))}
    assert values == {"travaux-periode-du": "2026-06-01", "travaux-periode-au": "2026-06-30"}
    assert cleared == "?date=2026-11-15&refine.commune=Rouen&to.date_debut=2026-06-30"


def test_forged_callback_values_change_nothing(demo_app):
    from components.dataset_tabs import map_card
    from features.travaux.page import change_commune_layers, change_dataset, change_period

    repository = demo_app.server.extensions["portail"].repository
    communes = repository.table("communes")
    with demo_app.server.app_context():
        assert change_commune_layers(5, {}, "?date=2026-01-01") is None
        assert change_period("2026", "2027", ["chantiers"], {}, "") is None
        assert change_period("2026", "2027", "communes", {}, "") is None  # not a works dataset
        assert change_dataset(None, {}, "?date=2026-01-01") is None
    # a card of another kind, or the works card on a dataset that is not one: the plain record card
    for card in ({"kind": ["travaux"]}, {"kind": "travaux", "date": "2026-01-01"}):
        assert map_card(communes, 0, card).children[0].children == "Fiche de l'objet choisi"
