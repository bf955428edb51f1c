"""Real files, round 2: each shape seen in a real published file, written by hand in tests/fixtures/round2, declared
as a new user would, and checked where users meet it: the served file, the map layer (every coordinate inside the
Métropole), and an extract."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pyarrow.parquet as pq
import pytest
import shapely

from data_access.repository import DatasetUnavailable, Repository
from tests.helpers.apps import make_app, render_page, served_dir_for, text_of
from tests.helpers.paths import FIXTURES
from tests.helpers.real_shapes_sante import apl_workbook

ROUND2 = FIXTURES / "round2"
METROPOLE = (0.75, 49.20, 1.35, 49.60)  # lon, lat: a box around the 71 communes
CATALOGUE = """
[[dataset]]
id = "pmr"
title = "Stationnements PMR (Lambert CC49, membre crs)"
theme = "Transports"
format = "geojson"
path = "pmr_cc49.geojson"
[[dataset.field]]
name = "Code_insee"
role = "commune"
[[dataset.field]]
name = "Nb_places"
role = "spaces"

[[dataset]]
id = "lignes-sans-crs"
title = "Lignes scolaires (Lambert CC49, sans membre crs)"
theme = "Transports"
format = "geojson"
path = "lignes_scolaires_cc49.geojson"

[[dataset]]
id = "lignes"
title = "Lignes scolaires (système déclaré au catalogue)"
theme = "Transports"
format = "geojson"
path = "lignes_scolaires_cc49.geojson"
crs = "EPSG:3949"

[[dataset]]
id = "lovelo"
title = "Stations Lovélo (GBFS)"
theme = "Transports"
format = "json"
path = "station_information.json"
json = { records = "data.stations" }
position = { lat = "lat", lon = "lon" }
[[dataset.field]]
name = "capacity"
role = "docks"

[[dataset]]
id = "travaux-json"
title = "Travaux (export json d'Opendatasoft)"
theme = "Travaux"
format = "json"
path = "ods_export.json"
[[dataset.field]]
name = "niveau_prioritaire"
separator = ","
facet = true
[[dataset.field]]
name = "insee"
role = "commune"

[[dataset]]
id = "apl"
title = "APL aux médecins généralistes"
theme = "Santé"
format = "xlsx"
path = "apl.xlsx"
[[dataset.field]]
name = "Code commune INSEE"
aliases = ["Code commune"]
role = "commune"
[[dataset.field]]
name = "APL aux médecins généralistes"
role = "indicator"

[[dataset]]
id = "parkings-latitude"
title = "Parkings (Latitude, Longitude)"
theme = "Transports"
format = "csv"
path = "parkings_latitude.csv"
position = { lat = "Latitude", lon = "Longitude" }
[[dataset.field]]
name = "Capacité"
role = "spaces"

[[dataset]]
id = "arrets"
title = "Arrêts (codes INSEE écrits comme des nombres)"
theme = "Transports"
format = "geojson"
path = "arrets.geojson"
[[dataset.field]]
name = "insee"
role = "commune"
[[dataset.field]]
name = "dep"
role = "dept"
"""


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("round2")
    for fixture in ROUND2.iterdir():
        shutil.copy(fixture, data_dir / fixture.name)
    (data_dir / "apl.xlsx").write_bytes(apl_workbook(sheets=(("APL 2023", "new"),)))
    (data_dir / "catalogue.toml").write_text(CATALOGUE, encoding="utf-8")
    shutil.rmtree(served_dir_for(data_dir), ignore_errors=True)
    app = make_app(data_dir)
    return data_dir, app, app.server.test_client()


def repository(data_dir) -> Repository:
    return Repository.from_data_dir(data_dir, served_dir=served_dir_for(data_dir))


def inside(points) -> bool:
    west, south, east, north = METROPOLE
    return len(points) > 0 and all(west <= x <= east and south <= y <= north for x, y in points)


def served_points(data_dir, dataset_id: str, field: str) -> list:
    served = repository(data_dir).served(dataset_id)
    wkb = pq.read_table(served.data, columns=[field]).column(field).to_pylist()
    return shapely.get_coordinates(shapely.from_wkb([w for w in wkb if w is not None])).tolist()


def layer_points(client, dataset_id: str) -> list:
    answer = client.get(f"/api/geo/{dataset_id}.geojson")
    assert answer.status_code == 200, answer.data[:300]
    features = json.loads(answer.data)["features"]
    return shapely.get_coordinates([shapely.geometry.shape(f["geometry"]) for f in features]).tolist()


def geojson_extract(client, dataset_id: str) -> dict:
    answer = client.get(f"/export/{dataset_id}.geojson")
    assert answer.status_code == 200, answer.data[:300]
    return json.loads(answer.data)


def csv_extract(client, dataset_id: str) -> list[dict]:
    answer = client.get(f"/export/{dataset_id}.csv")
    assert answer.status_code == 200, answer.data[:300]
    text = answer.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def extract_points(doc: dict) -> list:
    return shapely.get_coordinates([shapely.geometry.shape(f["geometry"]) for f in doc["features"]]).tolist()


# ---- coordinates in Lambert CC49 ---------------------------------------------------------------------------------


def test_a_projected_geojson_with_a_crs_member_is_served_in_degrees(portal):
    data_dir, _, client = portal
    for points in (served_points(data_dir, "pmr", "geometry"), layer_points(client, "pmr"),
                   extract_points(geojson_extract(client, "pmr"))):
        assert len(points) == 3 and inside(points)
    table = repository(data_dir).table("pmr")
    hotel_de_ville = table.frame["geometry"].iloc[0]
    assert abs(hotel_de_ville.x - 1.0993) < 1e-4 and abs(hotel_de_ville.y - 49.4431) < 1e-4
    assert any("lues en EPSG:3949 (RGF93 v1 / CC49) et converties en degrés" in note for note in table.notes)
    page = text_of(render_page(portal[1], "/jeux-de-donnees/pmr", "?tab=information")["layout"])
    assert "Lecture du fichier" in page and "lues en EPSG:3949 (RGF93 v1 / CC49) et converties en degrés" in page
    # the fields declared by their headers as written (« Code_insee »), the code an integer read as a code
    assert table.field("code_insee").role == "commune" and table.field("nb_places").role == "spaces"
    assert [row["code_insee"] for row in csv_extract(client, "pmr")] == ["76540", "76231", "76212"]


def test_projected_coordinates_without_a_system_are_refused_then_read_with_the_catalogue_crs(portal):
    data_dir, app, client = portal
    with pytest.raises(DatasetUnavailable) as refused:
        repository(data_dir).table("lignes-sans-crs")
    reason = str(refused.value)
    assert "ne sont pas des degrés (par exemple [1561704.1, 8247263.6]) : elles semblent projetées" in reason
    assert "clé « crs »" in reason and "EPSG:3949" in reason
    page = text_of(render_page(app, "/jeux-de-donnees/lignes-sans-crs", "?tab=map")["layout"])
    assert "Jeu de données indisponible" in page and "semblent projetées" in page
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and "semblent projetées" in json.dumps(health, ensure_ascii=False)
    assert client.get("/api/geo/lignes-sans-crs.geojson").status_code in (404, 503)
    # the same file, with `crs` in the catalogue
    for points in (served_points(data_dir, "lignes", "geometry"), layer_points(client, "lignes"),
                   extract_points(geojson_extract(client, "lignes"))):
        assert len(points) == 5 and inside(points)


# ---- JSON ---------------------------------------------------------------------------------------------------------


def test_a_gbfs_station_information_is_read_from_data_stations(portal):
    data_dir, _, client = portal
    table = repository(data_dir).table("lovelo")
    types = {f.name: f.type for f in table.fields}
    assert types["station_id"] == "text" and types["capacity"] == "int" and types["is_virtual_station"] == "boolean"
    assert types["station_area"] == "geo_shape" and types["geo_point_2d"] == "geo_point_2d"
    assert table.frame["station_id"].tolist() == ["5288", "5290", "0301"]  # ids stay text, « 0301 » whole
    assert json.loads(table.frame["rental_uris"].iloc[0]) == {"android": "https://lovelo.example/a/5288"}
    assert inside(served_points(data_dir, "lovelo", "geo_point_2d")) and inside(layer_points(client, "lovelo"))
    rows = csv_extract(client, "lovelo")
    assert [row["name"] for row in rows] == ["131 - CALENDE", "102 - THEATRE DES ARTS", "301 - ELBEUF MAIRIE"]
    assert inside(extract_points(geojson_extract(client, "lovelo")))


def test_an_opendatasoft_json_export_reads_as_its_csv_export_would(portal):
    data_dir, _, client = portal
    table = repository(data_dir).table("travaux-json")
    types = {f.name: f.type for f in table.fields}
    assert (types["montant"], types["date_debut"], types["public"]) == ("double", "date", "boolean")
    assert (types["geo_point_2d"], types["geo_shape"]) == ("geo_point_2d", "geo_shape")
    assert table.frame["niveau_prioritaire"].tolist()[:2] == ["2,3", "1"]  # a list joined with its separator
    assert table.frame["insee"].tolist() == ["76540", "76212", "76231"]  # 76540.0 under the commune role
    assert inside(served_points(data_dir, "travaux-json", "geo_shape")) and inside(layer_points(client, "travaux-json"))
    rows = csv_extract(client, "travaux-json")
    assert [row["insee"] for row in rows] == ["76540", "76212", "76231"]
    assert client.get("/export/travaux-json.csv?refine.niveau_prioritaire=3").data.decode("utf-8-sig").count("T-00") == 1
    assert inside(extract_points(geojson_extract(client, "travaux-json")))


# ---- a units row under the header ---------------------------------------------------------------------------------


def test_the_units_row_of_an_apl_workbook_is_left_out_and_becomes_the_unit(portal):
    data_dir, _, client = portal
    repo = repository(data_dir)
    table = repo.table("apl")
    apl = table.field("apl_aux_medecins_generalistes")
    assert apl.type == "double" and apl.role == "indicator"
    assert apl.unit == "Nombre de consultations accessibles par habitant standardisé"
    assert len(table) == 75 and table.frame["code_commune_insee"].notna().all()  # no row without its commune
    assert any("ligne d'unités sous l'en-tête ignorée" in note for note in table.notes)
    profile = repo.served("apl").manifest["profiles"]["apl_aux_medecins_generalistes"]
    assert 1.5 <= profile["min"] < profile["max"] <= 6.5  # a number: the dataset page shows its min and max
    rows = csv_extract(client, "apl")
    rouen = next(row for row in rows if row["code_commune_insee"] == "76540")
    assert 1.5 <= float(rouen["apl_aux_medecins_generalistes"]) <= 6.1
    raw = client.get("/export/apl.csv?refine.code_commune_insee=76540").data.decode("utf-8-sig").splitlines()[1]
    assert raw.startswith('"76540";"Rouen";') and raw.split(";")[2][0].isdigit()  # text is quoted, numbers not


def test_a_units_row_in_a_csv_file_is_left_out_too(tmp_path):
    from data_access.catalogue.model import Dataset
    from data_access.readers import read_table

    (tmp_path / "apl.csv").write_text("Code commune;Commune;APL\n;;Consultations par habitant\n76540;Rouen;3,2\n"
                                      "76231;Elbeuf;2,9\n", encoding="utf-8")
    table = read_table(Dataset(id="a", title="a", theme="t", format="csv", path="apl.csv"), tmp_path / "apl.csv")
    assert len(table) == 2 and table.field("apl").type == "double"
    assert table.field("apl").unit == "Consultations par habitant"


# ---- keys name what the user sees, and codes written as numbers ----------------------------------------------------


def test_position_names_the_headers_as_the_file_writes_them(portal):
    data_dir, _, client = portal
    table = repository(data_dir).table("parkings-latitude")
    assert table.geometry_field.name == "geo_point_2d" and table.field("capacite").role == "spaces"
    assert inside(served_points(data_dir, "parkings-latitude", "geo_point_2d"))
    assert inside(layer_points(client, "parkings-latitude"))
    assert inside(extract_points(geojson_extract(client, "parkings-latitude")))


def test_commune_and_department_codes_stored_as_floats_are_read_as_codes(portal):
    data_dir, _, client = portal
    table = repository(data_dir).table("arrets")
    assert table.field("insee").type == "text" and table.field("dep").type == "text"
    assert table.frame["insee"].tolist() == ["76540", "76231", "76540.5"]  # not a whole number: left alone
    assert table.frame["dep"].tolist() == ["76", "76", "01"]
    notes = " ".join(table.notes)
    assert "2 code(s) écrit(s) comme des nombres (76540.0) lu(s) comme des codes" in notes
    assert "1 valeur(s) qui ne peuvent pas être des codes (non entières ou trop grandes) laissée(s) telles" in notes
    assert [row["insee"] for row in csv_extract(client, "arrets")] == ["76540", "76231", "76540.5"]
    assert inside(layer_points(client, "arrets"))


# ---- bad input: a French message naming the dataset and the key -----------------------------------------------------

GBFS = (ROUND2 / "station_information.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(("entry", "message"), [
    ('format = "geojson"\npath = "x.geojson"\ncrs = "EPSG:99999"',
     "jeu de données « x », clé « crs » : système de coordonnées « EPSG:99999 » inconnu (par exemple crs = \"EPSG:3949\""),
    ('format = "geojson"\npath = "x.geojson"\ncrs = "Lambert"',
     "clé « crs » : « Lambert » n'est pas un nom de système de coordonnées (attendu : « EPSG:<code> »)"),
    ('format = "csv"\npath = "x.csv"\nposition = { lat = "y", lon = "x", crs = "EPSG:5773" }',
     "clé « position.crs » : « EPSG:5773 » (EGM96 height) n'est pas un système de coordonnées horizontales"),
    ('format = "csv"\npath = "x.csv"\njson = { records = "data" }', "clé « json » : réservée aux fichiers JSON"),
    ('format = "json"\npath = "x.json"\njson = { records = "data..stations" }',
     "clé « json.records » : « data..stations » n'est pas un chemin"),
    ('format = "json"\npath = "x.json"\njson = { record = "data" }',
     "clé « json.record » : clé inconnue (vouliez-vous écrire « json.records » ?)"),
    ('format = "csv"\npath = "x.csv"\n[[dataset.field]]\nname = "—"', "clé « field[0].name » : « — » ne donne aucun nom"),
    ('format = "csv"\npath = "x.csv"\n[[dataset.field]]\nname = "Code commune"\n[[dataset.field]]\nname = "code_commune"',
     "clé « field[1].name » : le champ « code_commune » est déclaré deux fois"),
])
def test_bad_catalogue_keys_are_refused_with_the_dataset_and_the_key(entry, message):
    from data_access.catalogue.checks import CatalogueError
    from data_access.catalogue.model import parse_catalogue

    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(f'[[dataset]]\nid = "x"\ntitle = "X"\ntheme = "T"\n{entry}\n', ROUND2)
    assert message in str(refused.value)


@pytest.mark.parametrize(("records", "content", "message"), [
    ("data.stationz", GBFS, "station_information.json : json.records « data.stationz » ne mène à rien : « data » n'a "
                            "pas de clé « stationz » (clés : stations) ; listes d'objets du fichier : « data.stations »"),
    (None, GBFS, "le fichier n'est pas une liste d'enregistrements mais un objet (clés : last_updated, ttl, version, "
                 "data) ; indiquez où sont les enregistrements avec json = { records = \"…\" } ; listes d'objets du "
                 "fichier : « data.stations »"),
    ("data", GBFS, "json.records « data » mène à un objet, pas à une liste d'enregistrements ; listes d'objets du "
                   "fichier : « data.stations »"),
    ("ttl", GBFS, "json.records « ttl » mène à un nombre, pas à une liste d'enregistrements"),
    ("data.stations.lat", GBFS, "json.records « data.stations.lat » ne mène à rien : « data.stations » est une liste"),
    (None, "[1, 2]", "le fichier ne contient pas des enregistrements : l'élément n° 1 est un nombre, pas un objet"),
    ("data.stations", '{"data": {"stations": [{"a": 1}, "x"]}}',
     "« data.stations » ne contient pas des enregistrements : l'élément n° 2 est un texte, pas un objet"),
    (None, '[{"a": 1}, {"a": ', "JSON invalide : station_information.json"),
])
def test_json_that_is_not_records_where_the_catalogue_says_is_refused_with_its_reason(tmp_path, records, content,
                                                                                       message):
    (tmp_path / "station_information.json").write_text(content, encoding="utf-8")
    key = f'json = {{ records = "{records}" }}\n' if records else ""
    (tmp_path / "catalogue.toml").write_text(f'[[dataset]]\nid = "stations"\ntitle = "Stations"\ntheme = "T"\n'
                                             f'format = "json"\npath = "station_information.json"\n{key}',
                                             encoding="utf-8")
    with pytest.raises(DatasetUnavailable) as refused:
        Repository.from_data_dir(tmp_path, served_dir=tmp_path / "servi").table("stations")
    assert message in str(refused.value)
    app = make_app(tmp_path)  # the dataset page says why, and /healthz once the file was read
    assert message in text_of(render_page(app, "/jeux-de-donnees/stations")["layout"])
    health = app.server.test_client().get("/healthz").get_json()
    assert health["unavailable"][0]["id"] == "stations" and message in health["unavailable"][0]["reason"]


def test_a_position_in_projected_columns_is_read_with_position_crs(tmp_path):
    """The stops export's x and y columns are in EPSG:3949 beside its WGS 84 geometry: read with `position.crs`,
    they give the same places; without it, they are refused with the key to write."""
    shutil.copy(ROUND2 / "arrets.geojson", tmp_path / "arrets.geojson")
    entry = '[[dataset]]\nid = "arrets"\ntitle = "Arrêts"\ntheme = "T"\nformat = "csv"\npath = "arrets.csv"\n'
    rows = [feature["properties"] for feature in json.loads((ROUND2 / "arrets.geojson").read_text())["features"]]
    (tmp_path / "arrets.csv").write_text("nom;x;y\n" + "".join(f"{r['nom']};{r['x']};{r['y']}\n" for r in rows),
                                         encoding="utf-8")
    (tmp_path / "catalogue.toml").write_text(entry + 'position = { lat = "y", lon = "x", crs = "EPSG:3949" }\n',
                                             encoding="utf-8")
    table = Repository.from_data_dir(tmp_path, served_dir=tmp_path / "servi").table("arrets")
    points = table.frame["geo_point_2d"]
    for point, row in zip(points, rows):
        assert abs(point.x - float(row["x_wkid4326"])) < 1e-4 and abs(point.y - float(row["y_wkid4326"])) < 1e-4
    assert inside(layer_points(make_app(tmp_path).server.test_client(), "arrets"))
    (tmp_path / "catalogue.toml").write_text(entry + 'position = { lat = "y", lon = "x" }\n', encoding="utf-8")
    with pytest.raises(DatasetUnavailable, match=r"elles semblent projetées\. Indiquez leur système avec la clé "
                                                 r"« position\.crs »"):
        Repository.from_data_dir(tmp_path, served_dir=tmp_path / "servi2").table("arrets")


def test_a_declared_system_that_puts_the_places_far_from_its_area_is_refused(tmp_path):
    """Lambert 93 coordinates declared as Lambert CC49 fall in the Atlantic: never drawn."""
    shutil.copy(ROUND2 / "lignes_scolaires_cc49.geojson", tmp_path / "l.geojson")
    (tmp_path / "catalogue.toml").write_text('[[dataset]]\nid = "l"\ntitle = "L"\ntheme = "T"\nformat = "geojson"\n'
                                             'path = "l.geojson"\ncrs = "EPSG:2154"\n', encoding="utf-8")
    with pytest.raises(DatasetUnavailable) as refused:
        Repository.from_data_dir(tmp_path, served_dir=tmp_path / "servi").table("l")
    assert "lues en EPSG:2154 (RGF93 v1 / Lambert-93), tombent hors de la zone de ce système (par exemple " \
           "[1561704.1, 8247263.6] donne" in str(refused.value) and "Vérifiez la clé « crs »" in str(refused.value)
