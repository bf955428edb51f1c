"""The shipped catalogue.rouen.toml, end to end: its dry run prints the real requests, and a full sync against
the local fake Opendatasoft server (every host rewritten to it), serving files in the real shapes of
ROUEN-SOURCES.md, fetches every dataset; the app then starts with all of them available and every dashboard,
the home page and the catalogue draw them."""
from __future__ import annotations

import re

import pytest

from tests.helpers.apps import find_all, make_app, render_page, text_of
from tests.helpers.rouen_snapshot import APL, BAN, CATALOGUE, TOPOJSON, run_sync

REAL_REQUESTS = [
    "travaux : simulation — GET https://data.metropole-rouen-normandie.fr/api/explore/v2.1/catalog/datasets/"
    "travaux-json/exports/csv?delimiter=%3B -> travaux.csv",
    "reseau-astuce-gtfs : simulation — GET https://api.mrn.cityway.fr/dataflow/offre-tc/download?provider=ASTUCE"
    "&dataFormat=gtfs&dataProfil=ASTUCE -> reseau-astuce-gtfs.zip",
    "communes : simulation — GET https://public.opendatasoft.com/api/explore/v2.1/catalog/datasets/"
    "georef-france-commune/exports/csv?refine=epci_code%3A200023414&select=com_code%2Ccom_name%2Cdep_code%2C"
    "epci_code%2Cepci_name%2Cgeo_point_2d%2Cgeo_shape&delimiter=%3B -> communes.csv",
    "pathologies : simulation — GET https://data.ameli.fr/api/explore/v2.1/catalog/datasets/effectifs/exports/csv?"
    "where=dept+%3D+%2276%22+OR+%28region+%3D+%2228%22+AND+dept+%3D+%22999%22%29+OR+region+%3D+%2299%22"
    "&delimiter=%3B -> pathologies.csv",
    "apl-medecins-generalistes : simulation — GET https://data.drees.solidarites-sante.gouv.fr"
    + APL.format("medecins_generalistes") + " -> apl-medecins-generalistes.xlsx",
    "apl-infirmieres : simulation — GET https://data.drees.solidarites-sante.gouv.fr" + APL.format("infirmieres")
    + " -> apl-infirmieres.xlsx",
    "parkings-relais : simulation — GET https://data.metropole-rouen-normandie.fr/api/explore/v2.1/catalog/"
    "datasets/parkings-relais-metropole-rouen-normandie/exports/csv?delimiter=%3B -> parkings-relais.csv",
    "stations-lovelo : simulation — GET https://gbfs.urbansharing.com/lovelolibreservice.fr/station_information.json"
    " -> stations-lovelo.json",
    "arrets-astuce : simulation — GET https://data.metropole-rouen-normandie.fr/api/explore/v2.1/catalog/"
    "datasets/liste-des-arrets-du-reseau-astuce-metropole-rouen-normandie/exports/csv?delimiter=%3B -> "
    "arrets-astuce.csv",
    "lignes-astuce : simulation — GET https://data.metropole-rouen-normandie.fr/api/explore/v2.1/catalog/"
    "datasets/trace-des-lignes-regulieres-du-reseau-astuce-metropole-rouen-normandie/exports/csv?delimiter=%3B -> "
    "lignes-astuce.csv",
    "bureaux-de-vote : simulation — GET https://static.data.gouv.fr" + TOPOJSON + " ; gardées : les lignes dont "
    "« codeCommune » est l'un des codes (les codes de « communes ») -> bureaux-de-vote.geojson",
    "associations : simulation — GET https://www.data.gouv.fr/api/1/datasets/repertoire-national-des-associations/, "
    "puis la ressource la plus récente dont le titre contient « rna_waldec » ; gardées : les lignes dont "
    "« adrs_codeinsee » est l'un des codes (les codes de « communes ») -> associations.csv",
    "services-archives : simulation — GET https://data.culturecommunication.gouv.fr/api/explore/v2.1/catalog/"
    "datasets/annuaire-des-services-darchives-publiques-en-france/exports/csv?delimiter=%3B ; gardées : les lignes "
    "dont « code_insee_commune » est l'un des codes (les codes de « communes ») -> services-archives.csv",
    "adresses : simulation — GET https://adresse.data.gouv.fr" + BAN + " ; gardées : les lignes dont « code_insee » "
    "est l'un des codes (les codes de « communes ») -> adresses.csv",
]


def test_every_entry_says_how_sure_it_is_and_the_dry_run_prints_the_real_requests(tmp_path):
    text = CATALOGUE.read_text(encoding="utf-8")
    lines = text.splitlines()
    for k, line in enumerate(lines):
        if line.strip() == "[[dataset]]":
            comments, j = [], k - 1
            while j >= 0 and (lines[j].startswith("#") or not lines[j].strip()):
                comments.append(lines[j])
                j -= 1
            said = " ".join(comments)
            assert re.search(r"\b(seen|listed)\b", said), f"no « seen » or « listed » before the entry of line {k + 1}"
    (tmp_path / "catalogue.toml").write_text(text, encoding="utf-8")
    status, out = run_sync(tmp_path, dry_run=True)
    assert status == 0 and out.count(" : simulation — GET ") == len(REAL_REQUESTS) == 14
    for request in REAL_REQUESTS:
        assert request in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [".sync.lock", "catalogue.toml"]  # nothing fetched


@pytest.fixture
def synced(rouen_synced):
    return rouen_synced


def test_a_full_sync_fetches_every_dataset_and_the_app_serves_them_all(synced):
    data_dir, status, out = synced
    assert status == 0, out
    assert out.count(" : mis à jour — ") == 14, out
    assert "travaux : mis à jour — 8 lignes" in out
    assert "communes : mis à jour — 71 lignes" in out  # the refine on the EPCI left the others out
    assert "pathologies : mis à jour — 1\u202f890 lignes" in out  # the where kept Seine-Maritime, Normandie and France
    assert "apl-medecins-generalistes : mis à jour — 150 lignes" in out  # (71 + 4) communes × 2 sheets
    app = make_app(data_dir)
    client = app.server.test_client()
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok", health
    home = text_of(render_page(app, "/")["layout"])
    assert "jeux de données 14 dont 14 disponibles" in home and "indisponible" not in home
    catalogue = text_of(render_page(app, "/catalogue")["layout"])
    assert "14 jeux de données" in catalogue


def test_positions_from_two_columns_make_geojson_extracts_and_map_layers(synced):
    client = make_app(synced[0]).server.test_client()
    extract = client.get("/export/parkings-relais.geojson").get_json()
    points = [f["geometry"] for f in extract["features"]]
    assert len(points) == 5 and points[4] is None  # the car park without a position stays, without geometry
    assert points[0] == {"type": "Point", "coordinates": [1.077, 49.452]}
    assert extract["features"][0]["properties"]["nom"] == "P+R Mont-Riboudet"
    layer = client.get("/api/geo/stations-lovelo.geojson").get_json()
    assert len(layer["features"]) == 5 and layer["features"][0]["geometry"]["coordinates"] == [1.0886, 49.4387]


def test_the_travaux_dashboard_places_the_real_feed_by_commune(synced):
    app = make_app(synced[0])
    layout = render_page(app, "/tableaux-de-bord/travaux", "?date=2026-12-01&ma_commune=Rouen")["layout"]
    text = text_of(layout)
    assert "Les chantiers n'ont pas de position : chacun est compté dans sa commune (6 communes en ont)" in text
    assert "Rouen : 4 chantiers" in str(layout) and "Saint-Étienne-du-Rouvray : 1 chantier" in str(layout)
    # the map's keyboard way: each commune a link that chooses it
    links = {n["props"]["children"]: n["props"]["href"] for n in find_all(layout, lambda n: n.get("type") == "Link")
             if isinstance(n["props"].get("children"), str)}
    assert "ma_commune=Le+Petit-Quevilly" in links["Le Petit-Quevilly"]
    cards = find_all(layout, lambda n: n.get("props", {}).get("className") == "site-card")
    titles = [text_of(c["props"]["children"][0]) for c in cards]
    assert titles == ["Rue Jeanne-d'Arc : renouvellement de la conduite d'eau potable",
                      "Pont Guillaume-le-Conquérant : réfection de l'étanchéité",
                      "Quai de Boisguilbert : travaux de nuit"]  # running, then upcoming by start; the finished one out
    first = text_of(cards[0])
    assert "Zone concernée : Rue Jeanne-d'Arc, entre la rue du Gros-Horloge et la rue Thiers" in first
    assert "déviation par la rue Thiers & le boulevard des Belges." in first and "<" not in str(cards)
    hrefs = [n["props"]["href"] for c in cards for n in find_all(c, lambda n: n.get("type") == "A")]
    assert hrefs == ["https://www.trafic-metropole-rouen.fr/travaux/41237",
                     "https://www.trafic-metropole-rouen.fr/travaux/41238"]  # the javascript: link is not offered


def test_the_sante_dashboard_draws_the_real_exports_and_both_apl_files(synced):
    app = make_app(synced[0])
    layout = render_page(app, "/tableaux-de-bord/sante", "")["layout"]
    text = text_of(layout)
    assert "Seine-Maritime (76)" in text and "Normandie" in text and "France" in text
    picker = find_all(layout, lambda n: n.get("props", {}).get("id") == "sante-indicateur")[0]["props"]
    assert [o["value"] for o in picker["options"]] == ["apl-medecins-generalistes:apl", "apl-infirmieres:apl"]
    assert "Rouen" in text and "75056" not in text and "Paris" not in text  # the territory's communes only
    nurses = text_of(render_page(app, "/tableaux-de-bord/sante", "?indicateur=apl-infirmieres:apl")["layout"])
    assert "APL aux infirmières" in nurses and "Année 2023" in nurses


def test_the_transports_dashboard_draws_the_astuce_feed_and_its_layers(synced):
    app = make_app(synced[0])
    layout = render_page(app, "/tableaux-de-bord/transports", "?date=2026-12-01")["layout"]
    text = text_of(layout)
    assert "Métro" in text and "indisponible" not in text and "lignes en service 2" in text
    # the bike stations and the park-and-ride car parks have points from their two number columns: map layers
    assert [n["props"]["name"] for n in find_all(layout, lambda n: n.get("type") == "Overlay")] == [
        "Lignes du réseau", "Stations Lovélo libre-service", "Parkings relais (P+R)"]


def test_a_commune_is_chosen_however_it_is_written_and_an_unknown_one_is_said(synced):
    app = make_app(synced[0])
    text = text_of(render_page(app, "/tableaux-de-bord/travaux", "?date=2026-12-01&ma_commune=le+petit-quevilly")[
        "layout"])
    assert "Aucun chantier en cours ni prévu dans les 30 jours au Petit-Quevilly." in text  # Lafayette: in 34 days
    text = text_of(render_page(app, "/tableaux-de-bord/travaux", "?date=2026-12-01&ma_commune=Paris")["layout"])
    assert "ma_commune : « Paris » n'est pas une commune de ces données ; aucune commune n'est choisie" in text


def test_the_access_to_care_extract_is_the_territory_communes_the_page_shows(synced):
    app = make_app(synced[0])
    layout = render_page(app, "/tableaux-de-bord/sante", "?indicateur=apl-medecins-generalistes:apl")["layout"]
    menu = find_all(layout, lambda n: n.get("props", {}).get("id") == "sante-export-offre")[0]
    href = find_all(menu, lambda n: n.get("type") == "A")[0]["props"]["href"]
    assert href.startswith("/export/apl-medecins-generalistes/communes.csv?indicateur=apl&annee=2023")
    assert "Télécharger ces données (71 lignes)" in text_of(menu)
    client = app.server.test_client()
    extract = client.get(href.replace("communes.csv", "communes.json")).get_json()
    rows = extract["records"]
    assert len(rows) == 71 and {r["code_commune"] for r in rows} >= {"76540", "76095"}
    assert "75056" not in {r["code_commune"] for r in rows} and rows[0]["annee"] == 2023
    assert rows == sorted(rows, key=lambda r: -(r["apl"] if r["apl"] is not None else -1))  # as the ranking
    assert extract["metadata"]["filters"] == ["APL aux médecins généralistes : année 2023",
                                              "Communes : les 71 communes du territoire"]
    bad = client.get("/export/apl-medecins-generalistes/communes.csv?indicateur=inconnu")
    assert bad.status_code == 400 and "indicateur : « inconnu » n'est pas un indicateur" in bad.get_json()["erreur"]
    assert client.get("/export/apl-medecins-generalistes/communes.csv?annee=1990").status_code == 400
    health = text_of(render_page(app, "/tableaux-de-bord/sante", "?commune=99999")["layout"])
    assert "commune : « 99999 » n'est pas le code d'une commune de ces données" in health
