"""Every dataset in every tab that applies, through the router: the demo snapshot and real files declared by hand."""
from __future__ import annotations

import json

import pytest

from components.dataset_tabs import TABS
from tests.helpers.apps import make_app, render_page, text_of

DEMO_IDS = ["communes", "chantiers", "pathologies", "offre-de-soins", "reseau-astuce-gtfs", "stations-lovelo",
            "parkings", "associations", "bureaux-de-vote", "archives"]
CALLBACK_LIMIT = 300_000  # bytes: no callback response may be larger (issue target, checked on the demo)


@pytest.fixture(scope="module")
def demo_app():
    return make_app()


@pytest.mark.parametrize("dataset_id", DEMO_IDS)
def test_every_demo_dataset_in_every_tab(demo_app, dataset_id):
    first = render_page(demo_app, f"/jeux-de-donnees/{dataset_id}")
    text = text_of(first["layout"])
    tabs = [t for t in TABS if TABS[t] in text.split(" lignes sur ")[1][:200]]
    assert "information" in tabs and "table" in tabs and "chart" in tabs
    for tab in tabs:
        page = render_page(demo_app, f"/jeux-de-donnees/{dataset_id}", f"?tab={tab}")
        body = json.dumps(page["layout"])
        assert len(body) < CALLBACK_LIMIT, f"{tab}: {len(body)} octets"
        assert "Certains paramètres" not in text_of(page["layout"])
    if dataset_id in ("chantiers", "stations-lovelo", "associations", "communes", "parkings", "bureaux-de-vote",
                      "reseau-astuce-gtfs"):
        assert "map" in tabs


REAL_ENTRIES = """
[[dataset]]
id = "chantiers-paris"
title = "Chantiers perturbants (Paris)"
theme = "Travaux"
format = "csv"
path = "ods_paris_chantiers/chantiers-perturbants.csv"

[[dataset]]
id = "communes-76"
title = "Communes de Seine-Maritime"
theme = "Territoire"
format = "geojson"
path = "geo_seine_maritime/communes-76-seine-maritime.geojson"

[[dataset]]
id = "peribus"
title = "Réseau Péribus"
theme = "Transports"
format = "gtfs"
path = "gtfs_perigueux_peribus"

[[dataset]]
id = "astuce-reel"
title = "Réseau Astuce (sans horaires)"
theme = "Transports"
format = "gtfs"
path = "gtfs_rouen_astuce"

[[dataset]]
id = "pathologies-reel"
title = "Effectifs par pathologie (extrait CNAM)"
theme = "Santé"
format = "csv"
path = "sante_ameli_pathologies/effectifs_extrait.csv"
"""


def test_real_files_declared_by_hand_show_in_every_tab(realdata, tmp_path):
    (tmp_path / "catalogue.toml").write_text(REAL_ENTRIES, encoding="utf-8")
    for child in realdata.iterdir():
        (tmp_path / child.name).symlink_to(child)
    app = make_app(tmp_path)
    for dataset_id in ("chantiers-paris", "communes-76", "peribus", "pathologies-reel"):
        for tab in TABS:
            page = render_page(app, f"/jeux-de-donnees/{dataset_id}", f"?tab={tab}")
            assert "Jeu de données indisponible" not in text_of(page["layout"]), (dataset_id, tab)
    text = text_of(render_page(app, "/jeux-de-donnees/astuce-reel")["layout"])
    assert "Jeu de données indisponible" in text and "stop_times.txt" in text
    assert make_app(tmp_path).server.test_client().get("/export/chantiers-paris.geojson?limit=3").status_code == 200


@pytest.mark.parametrize("search", ["?tab=a&tab=b", "?tab=chart&chart=bar&chart=pie", "?tab=chart&agg=sum&agg=mean",
                                    "?dataset_id=a&dataset_id=b", "?tab=chart&chart=pie&series=statut"])
def test_repeated_or_odd_page_parameters_never_break_the_page(demo_app, search):
    page = render_page(demo_app, "/jeux-de-donnees/chantiers", search)
    assert page["title"].startswith("Chantiers et travaux")


def test_the_path_names_the_dataset_not_the_query_string(demo_app):
    text = text_of(render_page(demo_app, "/jeux-de-donnees/chantiers", "?dataset_id=communes")["layout"])
    assert "Chantiers et travaux" in text and "Communes de la Métropole" not in text


def test_chips_say_what_acts_and_remove_it(demo_app):
    from tests.helpers.apps import find_all

    layout = render_page(demo_app, "/jeux-de-donnees/chantiers",
                         "?refine.commune=Rouen&refine.commune=Rouen&from.avancement=10&from.avancement=50&limit=5")["layout"]
    chips = find_all(layout, lambda n: n["props"].get("className") == "chip")
    labels = [text_of(c).replace(" ✕ (retirer ce filtre)", "") for c in chips]
    assert labels == ["Commune = Rouen", "Avancement ≥ 50", "au plus 5 lignes"]
    assert chips[0]["props"]["href"] == "/jeux-de-donnees/chantiers?from.avancement=50&limit=5&tab=information"


def test_a_selected_facet_value_beyond_the_first_ones_keeps_its_count(demo_app):
    from tests.helpers.apps import find_all

    layout = render_page(demo_app, "/jeux-de-donnees/chantiers", "?refine.commune=Moulineaux")["layout"]
    checklist = find_all(layout, lambda n: n["props"].get("id") == {"type": "filtre-facette", "field": "commune"})[0]
    option = next(o for o in checklist["props"]["options"] if o["value"] == "Moulineaux")
    rows = int(text_of(layout).split(" ligne")[0].split()[-1])
    assert option["label"].endswith(f"({rows})") and rows > 0


def test_forged_callback_requests_do_not_fail(demo_app):
    client = demo_app.server.test_client()
    client.get("/")
    grid = next(k for k in demo_app.callback_map if "getRowsResponse" in k)
    response = client.post("/_dash-update-component", json={
        "output": grid, "outputs": {"id": "jeu-tableau", "property": "getRowsResponse"},
        "inputs": [{"id": "jeu-tableau", "property": "getRowsRequest", "value": {"startRow": "a", "endRow": None}}],
        "state": [{"id": "jeu-id", "property": "data", "value": "inconnu"},
                  {"id": "jeu-requete", "property": "data", "value": ""}],
        "changedPropIds": ["jeu-tableau.getRowsRequest"]})
    assert response.status_code == 200 and response.get_json()["response"]["jeu-tableau"]["getRowsResponse"] == {
        "rowData": [], "rowCount": 0}
    record = next(k for k in demo_app.callback_map if "jeu-carte-fiche" in k)
    response = client.post("/_dash-update-component", json={
        "output": record, "outputs": {"id": "jeu-carte-fiche", "property": "children"},
        "inputs": [{"id": "jeu-carte-couche", "property": "clickData", "value": {"properties": {"i": True}}}],
        "state": [{"id": "jeu-id", "property": "data", "value": "chantiers"},
                  {"id": "jeu-carte-fiche-type", "property": "data", "value": None}],
        "changedPropIds": ["jeu-carte-couche.clickData"]})
    assert response.status_code in (200, 204)  # no_update: nothing to show, nothing broken
    assert "Fiche" not in response.get_data(as_text=True)
    response = client.post("/_dash-update-component", json={  # a forged date in the Travaux card: today's instead
        "output": record, "outputs": {"id": "jeu-carte-fiche", "property": "children"},
        "inputs": [{"id": "jeu-carte-couche", "property": "clickData", "value": {"properties": {"i": 0}}}],
        "state": [{"id": "jeu-id", "property": "data", "value": "chantiers"},
                  {"id": "jeu-carte-fiche-type", "property": "data", "value": {"kind": "travaux", "date": [1]}}],
        "changedPropIds": ["jeu-carte-couche.clickData"]})
    assert response.status_code == 200 and "Statut au" in response.get_data(as_text=True)
