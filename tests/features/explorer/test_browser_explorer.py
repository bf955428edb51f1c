"""The catalogue explorer and the dataset pages in headless Chromium, on the demo snapshot."""
from __future__ import annotations

import urllib.parse

import pytest
from selenium.webdriver.common.keys import Keys

from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import assert_clean_console, open_page


@pytest.fixture
def demo(dash_duo):
    dash_duo.start_server(make_app(), port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    return dash_duo


def query_of(dash_duo) -> dict:
    return urllib.parse.parse_qs(urllib.parse.urlparse(dash_duo.driver.current_url).query)


def test_search_then_facet_updates_the_url_and_the_count(demo):
    open_page(demo, "/catalogue")
    demo.wait_for_text_to_equal("h1", "Catalogue des données")
    demo.wait_for_contains_text("#catalogue-nombre", "12 jeux de données sur 12")
    search = demo.find_element("#catalogue-recherche")
    search.send_keys("sante")
    search.send_keys(Keys.ENTER)
    # « santé »: the theme of two datasets, and a value in the associations' dataset: three
    demo.wait_for_contains_text("#catalogue-nombre", "3 jeux de données sur 12 pour « sante »")
    assert query_of(demo) == {"q": ["sante"]}
    # a keyword that only one of the three datasets has
    link = next(a for a in demo.find_elements("#catalogue-facettes a[href*='refine.keyword']") if a.text.endswith("(1)"))
    keyword = link.text.rsplit(" (", 1)[0]
    link.click()
    demo.wait_for_contains_text("#catalogue-nombre", "1 jeu de données sur 12")
    assert query_of(demo) == {"q": ["sante"], "refine.keyword": [keyword]}
    assert len(demo.find_elements("#catalogue-resultats h3")) == 1
    demo.driver.back()  # Back returns to the previous view
    demo.wait_for_contains_text("#catalogue-nombre", "3 jeux de données sur 12")
    assert_clean_console(demo)


def test_filter_a_dataset_switch_tabs_and_reload_the_permalink(demo):
    open_page(demo, "/jeux-de-donnees/chantiers")
    demo.wait_for_text_to_equal("h1", "Chantiers et travaux")
    demo.wait_for_contains_text(".result-count", "600 lignes sur 600")
    option = next(label for label in demo.find_elements(".facet-option") if label.text.strip().startswith("en cours"))
    expected = int(option.text.strip().split("(")[-1].rstrip(")"))
    option.click()
    demo.wait_for_contains_text(".result-count", f"{expected} lignes sur 600")
    assert query_of(demo)["refine.statut"] == ["en cours"]
    assert "Statut = en cours" in demo.find_element(".chips").text
    next(a for a in demo.find_elements(".tab-link") if a.text == "Export").click()
    demo.wait_for_element("#jeu-export")
    hrefs = [a.get_attribute("href") for a in demo.find_elements("#jeu-export a")]
    assert hrefs and all("refine.statut=en+cours" in h for h in hrefs)
    assert f"({expected} lignes)" in demo.find_element("#jeu-export").text
    permalink = demo.driver.current_url
    demo.driver.get(permalink)  # cold reload of the permalink: the same view
    demo.wait_for_element("#jeu-export")
    demo.wait_for_contains_text(".result-count", f"{expected} lignes sur 600")
    assert "Statut = en cours" in demo.find_element(".chips").text
    assert_clean_console(demo)


def test_table_tab_loads_rows_from_the_server(demo):
    open_page(demo, "/jeux-de-donnees/chantiers?tab=table&refine.type=voirie&sort=-id")
    demo.wait_for_text_to_equal("h1", "Chantiers et travaux")
    demo.wait_for_contains_text(".result-count", "151 lignes sur 600")
    demo.wait_for_element("#jeu-tableau .ag-row[row-index='2'] .ag-cell[col-id='id']")
    # the row count the server gave (+ the header), which the grid writes once its first block has arrived
    demo.wait_for_element("#jeu-tableau [role='grid'][aria-rowcount='152']")
    ids = [demo.find_element(f"#jeu-tableau .ag-row[row-index='{i}'] .ag-cell[col-id='id']").text for i in range(3)]
    assert ids == sorted(ids, reverse=True) and all(i.startswith("CH-") for i in ids)  # the URL's sort, on the server
    assert_clean_console(demo)


def test_unknown_dataset_is_a_404_with_a_way_back(demo):
    open_page(demo, "/jeux-de-donnees/inconnu")
    demo.wait_for_text_to_equal("h1", "Jeu de données introuvable")
    assert demo.find_element(".not-found a[href='/catalogue']")
    assert_clean_console(demo, expected_404="/jeux-de-donnees/inconnu")


@pytest.mark.parametrize("tiles", ["", "http://127.0.0.1:9/{z}/{x}/{y}.png"])  # no tiles; tiles unreachable
def test_map_tab_draws_the_filtered_points(dash_duo, tiles):
    dash_duo.start_server(make_app(TILE_URL=tiles), port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    open_page(dash_duo, "/jeux-de-donnees/stations-lovelo?tab=map&refine.commune=Rouen")
    dash_duo.wait_for_text_to_equal("h1", "Stations Lovélo libre-service")
    dash_duo.wait_for_element("#jeu-carte .leaflet-interactive, #jeu-carte .marker-cluster")
    expected = int(dash_duo.find_element(".result-count").text.split()[0])
    shown = dash_duo.driver.execute_script(
        "var n = 0; document.querySelectorAll('#jeu-carte .marker-cluster span').forEach(function (s) {"
        " n += parseInt(s.textContent, 10); });"
        " return n + document.querySelectorAll('#jeu-carte path.leaflet-interactive').length;")
    assert shown == expected  # the browser filtered the whole layer down to the view's rows
    logs = [e for e in dash_duo.get_logs() if not (tiles and "127.0.0.1:9" in e["message"])]
    assert logs == []


def test_chart_tab_has_a_summary_a_table_and_a_figure(demo):
    open_page(demo, "/jeux-de-donnees/chantiers?tab=chart&x=type&refine.statut=en+cours")
    demo.wait_for_text_to_equal("h1", "Chantiers et travaux")
    demo.wait_for_element("#jeu-graphique .js-plotly-plot")
    summary = demo.find_element(".chart-summary").text
    assert summary.startswith("Nombre de lignes par Type de travaux : 7 valeurs. En tête :")
    demo.find_element(".chart-data summary").click()
    rows = demo.find_elements(".chart-data tbody tr")
    total = sum(int(r.find_elements("css selector", "td")[-1].text.replace("\u202f", "")) for r in rows)
    assert total == int(demo.find_element(".result-count").text.split()[0])  # the chart counts the view's rows
    # the drawing is hidden from screen readers (the summary and the table say it), its tool bar is not
    demo.wait_for_element("#jeu-graphique svg.main-svg[aria-hidden='true']")
    assert not demo.find_elements("#jeu-graphique svg.main-svg:not([aria-hidden='true'])")
    assert not demo.find_elements("#jeu-graphique .modebar [aria-hidden='true'] a")
    assert_clean_console(demo)


def test_shape_labels_show_once_the_map_is_zoomed_in(dash_duo):
    """A polling station's code is written on its shape, from a zoom where the codes no longer cover each other."""
    demo = dash_duo
    demo.start_server(make_app(TILE_URL=""), port=free_port())
    demo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    open_page(demo, "/jeux-de-donnees/bureaux-de-vote?tab=map")
    demo.wait_for_element("#jeu-carte .leaflet-tooltip.map-label")
    assert "étiquettes (Code du bureau) apparaissent en zoomant" in demo.find_element(".map-help").text
    visible = "return Array.from(document.querySelectorAll('#jeu-carte .map-label'))" \
              ".filter(function (e) { return e.offsetParent !== null; }).length;"
    zoom_in = demo.find_element("#jeu-carte .leaflet-control-zoom-in")
    steps = 0
    while demo.driver.execute_script(visible) == 0 and steps < 8:
        assert demo.find_elements("#jeu-carte.map-labels-hidden, #jeu-carte .map-labels-hidden")
        zoom_in.click()
        steps += 1
    assert 0 < steps < 8  # hidden on the whole Métropole, shown once zoomed in
    assert demo.driver.execute_script(visible) > 0
    assert_clean_console(demo)
