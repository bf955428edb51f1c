"""The demo's datasets in the shapes of the national files: polling stations, associations, archive services and
addresses show on the map and in the catalogue's facets, each has an extract, and the addresses answer a search."""
from __future__ import annotations

import pytest

from config import DEMO_DATA_DIR
from data_access.demo import ensure_snapshot
from tests.helpers.apps import find_all, make_app, render_page, text_of
from tests.helpers.demo import outside_own_commune, read_ods_csv, real_outlines, split_points


@pytest.fixture(scope="module")
def outlines():
    return real_outlines()

DATASETS = {"bureaux-de-vote": "Citoyenneté", "associations": "Vie associative",
            "services-archives": "Culture et patrimoine", "adresses": "Territoire"}


@pytest.fixture(scope="module")
def demo():
    ensure_snapshot(DEMO_DATA_DIR)
    return make_app()


def test_the_addresses_are_about_20000_each_inside_its_commune(outlines):  # noqa: F811
    ensure_snapshot(DEMO_DATA_DIR)
    frame = read_ods_csv(DEMO_DATA_DIR / "adresses.csv")
    assert 19_000 <= len(frame) <= 21_000 and frame["id"].is_unique
    assert frame["code_insee"].nunique() == 71
    lons, lats = frame["lon"].astype(float).tolist(), frame["lat"].astype(float).tolist()
    assert outside_own_commune(outlines, frame["code_insee"], lons, lats) == []
    services = read_ods_csv(DEMO_DATA_DIR / "services-archives.csv")
    codes = services["code_insee_commune"].astype(str)
    assert outside_own_commune(outlines, codes, *split_points(services["geo_point_2d"])) == []


def test_each_shows_in_the_catalogue_facets_on_the_map_and_in_an_extract(demo):
    client = demo.server.test_client()
    catalogue = text_of(render_page(demo, "/catalogue")["layout"])
    for dataset_id, theme in DATASETS.items():
        assert f"{theme} (" in catalogue, theme
        layout = render_page(demo, f"/jeux-de-donnees/{dataset_id}", "?tab=map")["layout"]
        assert find_all(layout, lambda n: n.get("props", {}).get("id") == "jeu-carte"), dataset_id
        assert client.get(f"/api/geo/{dataset_id}.geojson").status_code == 200
        extract = client.get(f"/export/{dataset_id}.geojson?limit=5").get_json()
        assert len(extract["features"]) == 5 and extract["metadata"]["demo"] is True, dataset_id


def test_demo_associations_carry_the_rna_codes_with_their_labels(demo):
    table = demo.server.extensions["portail"].repository.table("associations")
    labels = table.frame.groupby("theme")["objet_social1_libelle"].unique()
    assert list(labels["sport"]) == ["sports, activités de plein air"]
    assert set(table.frame["position_libelle"]) == {"active", "dissoute"}
    text = text_of(render_page(demo, "/jeux-de-donnees/associations", "?tab=table")["layout"])
    assert "Objet social (libellé)" in text and "Situation (libellé)" in text  # facets


def test_the_demo_addresses_answer_a_search(demo):
    table = demo.server.extensions["portail"].repository.table("adresses")
    row = table.frame[table.frame["nom_commune"] == "Elbeuf"].iloc[3]
    typed = f"{row['numero']} {row['nom_voie']} elbeuf"
    found = demo.server.test_client().get("/api/adresses/adresses.json", query_string={"q": typed}).get_json()
    first = found["resultats"][0]
    assert first["label"].startswith(f"{row['numero']}") and first["label"].endswith("Elbeuf")
    assert table.frame.iloc[first["row"]]["nom_voie"] == row["nom_voie"]


def test_each_demo_archive_service_has_a_card_with_its_hours_and_a_link(demo):
    from components.dataset_tabs import record_card
    from tests.helpers.apps import as_layout

    table = demo.server.extensions["portail"].repository.table("services-archives")
    row = int(table.frame.index[table.frame["nom_du_service"] == "Archives municipales d'Elbeuf"][0])
    card = as_layout(record_card(table, row))
    assert "Le mardi et le jeudi, 9 h – 12 h et 14 h – 17 h" in text_of(card)
    assert [a["props"]["href"] for a in find_all(card, lambda n: n.get("type") == "A")] == [
        "https://francearchives.gouv.fr/fr/"]
