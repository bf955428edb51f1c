"""Extracts: exact bytes, every format read back by its usual reader, provenance, safety, and the error cases."""
from __future__ import annotations

import hashlib
import io
import json
import urllib.parse
import zipfile

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.helpers.apps import make_app
from tests.helpers.paths import FIXTURES


@pytest.fixture(scope="module")
def client():
    return make_app(FIXTURES / "portal").server.test_client()


def get(client, url: str):
    response = client.get(url)
    return response, response.get_data()


def test_csv_exact_bytes(client):
    response, body = get(client, "/export/chantiers.csv")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert body.decode("utf-8") == (
        '\ufeff"identifiant";"code_postal";"libelle_du_chantier";"date_de_debut";"surface_m2";"cout";"actif";'
        '"geo_point_2d";"geo_shape"\r\n'
        '"01";"75012";"Réfection ; trottoir\r\nrue de Lyon";2024-03-01;12.5;1234.5;true;"48.84, 2.37";'
        '"{""type"":""Point"",""coordinates"":[2.37,48.84]}"\r\n'
        '"02";"2B";"\'=HYPERLINK(""x"")";2024-04-15;7;;false;"48.85, 2.38";\r\n'
    )


def test_csv_with_commas_and_filters(client):
    response, body = get(client, "/export/chantiers.csv?delimiter=,&refine.code_postal=2B&select=identifiant,cout")
    assert body.decode("utf-8") == '\ufeff"identifiant","cout"\r\n"02",\r\n'
    assert response.headers["Content-Disposition"].endswith('_filtre.csv"')
    assert response.headers["X-Nombre-De-Lignes"] == "1"


def test_file_name_is_id_date_and_filter_flag(client):
    response, _ = get(client, "/export/communes.json")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="communes_2') and disposition.endswith('.json"')
    assert "_filtre" not in disposition


def test_json_holds_records_and_provenance(client):
    _, body = get(client, "/export/chantiers.json?refine.actif=oui&sort=-surface_m2")
    data = json.loads(body)
    assert [r["identifiant"] for r in data["records"]] == ["01"]
    assert data["records"][0]["date_de_debut"] == "2024-03-01" and data["records"][0]["cout"] == 1234.5
    meta = data["metadata"]
    assert meta["title"] == "Chantiers (test)" and meta["license"] == "Licence Ouverte v2.0"
    assert meta["filters"] == ["Actif = oui"] and meta["rows"] == 1 and meta["refreshed"] == "2026-10-01"
    assert meta["permalink"] == "http://localhost/jeux-de-donnees/chantiers?refine.actif=oui&sort=-surface_m2"
    generated = __import__("datetime").datetime.fromisoformat(meta["generated_at"])
    assert generated.utcoffset() is not None  # a local time that says its offset


def test_geojson_features_and_foreign_member(client):
    _, body = get(client, "/export/communes.geojson?vue=/tableaux-de-bord/travaux")
    data = json.loads(body)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 2
    rouen, amfreville = data["features"]
    assert rouen["properties"] == {"insee": "76540", "nom": "Rouen", "population": 116331}
    assert rouen["geometry"]["type"] == "Polygon" and amfreville["geometry"] is None
    # a full extract is kept on disk as one file whatever page or host asked for it: it names the dataset's page
    # (by its path alone without PUBLIC_URL)
    assert data["metadata"]["permalink"] == "/jeux-de-donnees/communes"
    filtered = json.loads(get(client, "/export/communes.geojson?vue=/tableaux-de-bord/travaux&limit=1")[1])
    assert filtered["metadata"]["permalink"] == "http://localhost/tableaux-de-bord/travaux?limit=1"


def test_xlsx_has_data_and_metadata_sheets_and_no_formula(client):
    _, body = get(client, "/export/chantiers.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["Données", "Métadonnées"]
    rows = list(workbook["Données"].values)
    assert rows[0][:3] == ("identifiant", "code_postal", "libelle_du_chantier")
    assert rows[2][2] == "'=HYPERLINK(\"x\")"  # text, prefixed: never a formula
    assert workbook["Données"]["C3"].data_type == "s"
    assert rows[1][4] == 12.5 and rows[1][0] == "01"
    meta = dict(workbook["Métadonnées"].values)
    assert meta["Jeu de données"] == "Chantiers (test) (chantiers)" and meta["Nombre de lignes"] == "2"


def test_parquet_round_trip_with_provenance(client):
    _, body = get(client, "/export/chantiers.parquet?exclude.actif=true")
    table = pq.read_table(io.BytesIO(body))
    assert table.column("identifiant").to_pylist() == ["02"]
    assert table.column("code_postal").to_pylist() == ["2B"]
    provenance = json.loads(table.schema.metadata[b"provenance"])
    assert provenance["filters"] == ["Actif ≠ oui"] and provenance["rows"] == 1


def test_zip_holds_csv_metadata_and_readme(client):
    _, body = get(client, "/export/chantiers.zip?q=trottoir")
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert sorted(archive.namelist()) == ["LISEZMOI.txt", "chantiers.csv", "metadata.json"]
    frame = pd.read_csv(archive.open("chantiers.csv"), sep=";", encoding="utf-8-sig", dtype=str)
    assert frame["identifiant"].tolist() == ["01"]
    assert json.loads(archive.read("metadata.json"))["filters"] == ["Recherche « trottoir »"]
    readme = archive.read("LISEZMOI.txt").decode("utf-8")
    assert "Filtres appliqués : Recherche « trottoir »" in readme and "Licence : Licence Ouverte v2.0" in readme


def test_formulas_are_neutralised_but_negative_numbers_stay_numbers(tmp_path):
    (tmp_path / "f.csv").write_text("texte;montant\r\n=1+1;-3.5\r\n+33 6 12;4\r\n@SOMME(A1);-1\r\n-moins;2\r\nsain;0\r\n",
                                    encoding="utf-8")
    (tmp_path / "catalogue.toml").write_text(
        '[[dataset]]\nid = "f"\ntitle = "F"\ntheme = "T"\nformat = "csv"\npath = "f.csv"\n', encoding="utf-8")
    client = make_app(tmp_path).server.test_client()
    csv_text = client.get("/export/f.csv").get_data().decode("utf-8-sig")
    assert csv_text.splitlines()[1:] == ['"\'=1+1";-3.5', '"\'+33 6 12";4', '"\'@SOMME(A1)";-1', '"\'-moins";2',
                                         '"sain";0']
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/export/f.xlsx").get_data()))["Données"]
    assert [c.value for c in sheet["A"]][1:] == ["'=1+1", "'+33 6 12", "'@SOMME(A1)", "'-moins", "sain"]
    assert [c.value for c in sheet["B"]][1:] == [-3.5, 4, -1, 2, 0]
    assert all(c.data_type == "s" for c in sheet["A"][1:]) and sheet["B2"].data_type == "n"


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/export/inconnu.csv", 404, "jeu de données inconnu"),
        ("/export/chantiers", 404, "jeu de données inconnu"),
        ("/export/chantiers.xls", 400, "formats possibles : csv, xlsx, geojson, json, parquet, zip"),
        ("/export/..%2Fcatalogue.toml", 404, "jeu de données inconnu"),
        ("/export/chantiers.csv?refine.inconnu=1", 400, "refine.inconnu : champ inconnu"),
        ("/export/chantiers.csv?from.date_de_debut=hier", 400, "from.date_de_debut"),
        ("/export/chantiers.csv?limit=0", 400, "limit"),
        ("/export/chantiers.csv?delimiter=%7C", 400, "delimiter"),
        ("/export/absent.csv", 503, "fichier introuvable : absent.csv"),
    ],
)
def test_bad_requests_get_their_status_and_a_french_message(client, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    assert message in response.get_json()["erreur"]


def test_geojson_is_refused_for_a_table_without_geometry(tmp_path):
    (tmp_path / "t.csv").write_text("a;b\r\n1;2\r\n", encoding="utf-8")
    (tmp_path / "catalogue.toml").write_text(
        '[[dataset]]\nid = "t"\ntitle = "T"\ntheme = "T"\nformat = "csv"\npath = "t.csv"\n', encoding="utf-8")
    response = make_app(tmp_path).server.test_client().get("/export/t.geojson")
    assert response.status_code == 400
    body = response.get_json()
    assert "pas de géométrie" in body["erreur"] and body["formats"] == ["csv", "xlsx", "json", "parquet", "zip"]


def test_too_large_an_extract_is_refused_whole(tmp_path):
    (tmp_path / "t.csv").write_text("a\r\n" + "".join(f"{i}\r\n" for i in range(20)), encoding="utf-8")
    (tmp_path / "catalogue.toml").write_text(
        '[[dataset]]\nid = "t"\ntitle = "T"\ntheme = "T"\nformat = "csv"\npath = "t.csv"\n', encoding="utf-8")
    client = make_app(tmp_path, MAX_EXPORT_ROWS="10").server.test_client()
    response = client.get("/export/t.csv")
    assert response.status_code == 413 and "20 lignes pour un maximum de 10" in response.get_json()["erreur"]
    assert client.get("/export/t.csv?limit=10").status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json", "zip"])
def test_a_table_several_chunks_long_comes_back_whole(tmp_path, fmt):
    from data_access.extracts.writers import CHUNK_ROWS

    rows = CHUNK_ROWS * 3 + 17
    frame = pd.DataFrame({"id": [f"{i:07d}" for i in range(rows)], "valeur": range(rows)})
    frame.to_csv(tmp_path / "grand.csv", sep=";", index=False)
    (tmp_path / "catalogue.toml").write_text(
        '[[dataset]]\nid = "grand"\ntitle = "Grand"\ntheme = "T"\nformat = "csv"\npath = "grand.csv"\n',
        encoding="utf-8")
    body = make_app(tmp_path).server.test_client().get(f"/export/grand.{fmt}").get_data()
    if fmt == "csv":
        back = pd.read_csv(io.BytesIO(body), sep=";", encoding="utf-8-sig", dtype={"id": str})
    elif fmt == "parquet":
        back = pq.read_table(io.BytesIO(body)).to_pandas()
    elif fmt == "json":
        back = pd.DataFrame(json.loads(body)["records"])
    else:
        back = pd.read_csv(zipfile.ZipFile(io.BytesIO(body)).open("grand.csv"), sep=";", encoding="utf-8-sig",
                           dtype={"id": str})
    assert len(back) == rows
    digest = lambda f: hashlib.sha256(f[["id", "valeur"]].astype(str).to_csv(index=False).encode()).hexdigest()  # noqa: E731
    assert digest(back) == digest(frame)


def test_download_menu_links_carry_the_view_query_string():
    from components.download import download_menu
    from tests.helpers.apps import find_all, text_of

    menu = download_menu("chantiers", ("csv", "zip"), "refine.statut=en+cours&q=voirie", 1234, menu_id="dl")
    json_menu = menu.to_plotly_json()
    links = find_all(json.loads(json.dumps(json_menu, default=lambda c: c.to_plotly_json())),
                     lambda n: n.get("type") == "A")
    assert [link["props"]["href"] for link in links] == [
        "/export/chantiers.csv?refine.statut=en+cours&q=voirie", "/export/chantiers.zip?refine.statut=en+cours&q=voirie"]
    assert "Télécharger ces données (1\u202f234 lignes)" in text_of(json.loads(json.dumps(json_menu, default=lambda c: c.to_plotly_json())))


@pytest.fixture
def frozen_client(monkeypatch):
    import datetime as dt
    from zoneinfo import ZoneInfo

    import downloads

    monkeypatch.setattr(downloads, "now_paris", lambda: dt.datetime(2026, 11, 26, 10, 30, tzinfo=ZoneInfo("Europe/Paris")))
    return make_app(FIXTURES / "portal").server.test_client()


def test_json_exact_bytes(frozen_client):
    body = frozen_client.get("/export/chantiers.json?select=identifiant,cout,date_de_debut,geo_point_2d").get_data()
    assert body.decode("utf-8") == (
        '{"metadata": {"dataset_id": "chantiers", "title": "Chantiers (test)", "publisher": "Métropole Rouen '
        'Normandie", "license": "Licence Ouverte v2.0", "source_url": null, "refreshed": "2026-10-01", "filters": '
        '["colonnes : Identifiant, Coût, Date de début, Position"], '
        '"generated_at": "2026-11-26T10:30:00+01:00", "permalink": "http://localhost/jeux-de-donnees/chantiers?'
        'select=identifiant%2Ccout%2Cdate_de_debut%2Cgeo_point_2d", "rows": 2, "demo": false}, "records": ['
        '{"identifiant": "01", "cout": 1234.5, "date_de_debut": "2024-03-01", "geo_point_2d": "48.84, 2.37"},\n'
        '{"identifiant": "02", "cout": null, "date_de_debut": "2024-04-15", "geo_point_2d": "48.85, 2.38"}]}\n')


def test_geojson_exact_bytes(frozen_client):
    body = frozen_client.get("/export/communes.geojson?refine.nom=Rouen").get_data()
    assert body.decode("utf-8") == (
        '{"type": "FeatureCollection", "metadata": {"dataset_id": "communes", "title": "Communes (test)", '
        '"publisher": "Métropole Rouen Normandie", "license": null, "source_url": null, "refreshed": "2026-09-01", '
        '"filters": ["nom = Rouen"], "generated_at": "2026-11-26T10:30:00+01:00", "permalink": '
        '"http://localhost/jeux-de-donnees/communes?refine.nom=Rouen", "rows": 1, "demo": false}, "features": ['
        '{"type": "Feature", "geometry": {"type":"Polygon","coordinates":[[[1.05,49.42],[1.12,49.42],[1.12,49.46],'
        '[1.05,49.46],[1.05,49.42]]]}, "properties": {"insee": "76540", "nom": "Rouen", "population": 116331}}]}\n')


def test_zip_readme_exact_text(frozen_client):
    body = frozen_client.get("/export/chantiers.zip?refine.code_postal=2B").get_data()
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.read("LISEZMOI.txt").decode("utf-8") == "\r\n".join([
        "Extrait de données ouvertes — Métropole Rouen Normandie", "",
        "Jeu de données : Chantiers (test) (chantiers)", "Producteur : Métropole Rouen Normandie",
        "Licence : Licence Ouverte v2.0", "Source : fichier fourni avec le portail",
        "Données mises à jour le : 2026-10-01", "Filtres appliqués : Code postal = 2B", "Nombre de lignes : 1",
        "Extrait généré le : 2026-11-26T10:30:00+01:00",
        "Vue d'origine (permalien) : http://localhost/jeux-de-donnees/chantiers?refine.code_postal=2B",
        "Nature des données : données publiées", "", "Contenu de l'archive :",
        "- chantiers.csv : les données (UTF-8 avec BOM, séparateur « ; »)",
        "- metadata.json : la provenance ci-dessus, lisible par un programme", ""])
    assert archive.getinfo("chantiers.csv").date_time == (2026, 11, 26, 10, 30, 0)


def _portal(tmp_path, files: dict[str, bytes | str], entries: str):
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    (tmp_path / "catalogue.toml").write_text(entries, encoding="utf-8")
    return tmp_path


def test_odd_sources_export_whole(tmp_path):
    """Sub-millisecond timestamps, a formula in a column name, control characters, a cell too long for Excel."""
    import pyarrow as pa

    table = pa.table({
        "=HYPERLINK(1)": pa.array(["a", "b"]),
        "quand": pa.array([1_700_000_000_123_456_789, None], type=pa.timestamp("ns")),
        "texte": pa.array(["fin\x0bde ligne", "x" * 40_000]),
    })
    pq_path = tmp_path / "odd.parquet"
    import pyarrow.parquet as pq_module

    pq_module.write_table(table, pq_path)
    _portal(tmp_path, {}, '[[dataset]]\nid = "odd"\ntitle = "Odd"\ntheme = "T"\nformat = "parquet"\npath = "odd.parquet"\n')
    client = make_app(tmp_path).server.test_client()
    csv_text = client.get("/export/odd.csv").get_data().decode("utf-8-sig")
    # the column takes a field name (as a CSV header would); its header as written stays its label, never a formula
    assert csv_text.splitlines()[0] == '"hyperlink_1";"quand";"texte"'
    assert "2023-11-14T22:13:20" in csv_text and len(csv_text) > 40_000
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/export/odd.xlsx").get_data()))
    sheet = workbook["Données"]
    assert sheet["A1"].value == "hyperlink_1" and sheet["A1"].data_type == "s"
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert sheet["C2"].value == "fin\ufffdde ligne" and len(sheet["C3"].value) == 32_767
    meta = dict(workbook["Métadonnées"].values)
    assert "1 cellule(s) de plus de 32767" in meta["Cellules tronquées"] and meta["Caractères remplacés"]


def test_geojson_geometry_alone_and_point_fallback(client):
    only = json.loads(client.get("/export/communes.geojson?select=geometry").get_data())
    assert len(only["features"]) == 2 and only["features"][0]["properties"] == {}
    chantiers = json.loads(client.get("/export/chantiers.geojson?select=identifiant,geo_shape,geo_point_2d").get_data())
    geometries = [f["geometry"] for f in chantiers["features"]]
    assert geometries == [{"type": "Point", "coordinates": [2.37, 48.84]},  # the shape
                          {"type": "Point", "coordinates": [2.38, 48.85]}]  # no shape: the point


def test_limit_and_select_are_part_of_the_provenance(client):
    response = client.get("/export/chantiers.zip?limit=1&delimiter=,")
    assert response.headers["Content-Disposition"].endswith('_filtre.zip"')
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    readme = archive.read("LISEZMOI.txt").decode("utf-8")
    assert "Filtres appliqués : au plus 1 lignes" in readme and "séparateur « , »" in readme


@pytest.mark.parametrize("view", ["/x%0d%0aLicence : aucune", "//ailleurs.example/x", "/x?y=<b>", "https://x.example",
                                  "/x?y=1%0d%0aLicence"])
def test_an_odd_view_path_falls_back_to_the_dataset_page(client, view):
    meta = json.loads(client.get(f"/export/chantiers.json?limit=2&vue={view}").get_data())["metadata"]
    assert meta["permalink"] == "http://localhost/jeux-de-donnees/chantiers?limit=2"


def test_a_view_keeps_its_own_parameters_before_the_filters(client):
    view = urllib.parse.quote("/tableaux-de-bord/travaux?jeu=chantiers&date=2025-06-30")
    meta = json.loads(client.get(f"/export/chantiers.json?refine.code_postal=76000&vue={view}").get_data())["metadata"]
    assert meta["permalink"] == ("http://localhost/tableaux-de-bord/travaux?jeu=chantiers&date=2025-06-30"
                                 "&refine.code_postal=76000")


def test_public_url_is_trusted_over_the_host_header():
    client = make_app(FIXTURES / "portal", PUBLIC_URL="https://data.example.fr").server.test_client()
    meta = json.loads(client.get("/export/chantiers.json", headers={"Host": "127.0.0.1"}).get_data())["metadata"]
    assert meta["permalink"] == "https://data.example.fr/jeux-de-donnees/chantiers"
    assert client.get("/export/chantiers.json", headers={"Host": "evil.example"}).status_code == 400


def test_a_bad_format_is_refused_before_the_data_is_read(client):
    assert client.get("/export/absent.xls").status_code == 400


def test_download_menu_says_when_the_view_is_too_large():
    from components.download import download_menu
    from tests.helpers.apps import text_of

    menu = json.loads(json.dumps(download_menu("x", ("csv",), "", 20, max_rows=10).to_plotly_json(),
                                 default=lambda c: c.to_plotly_json()))
    assert "ajoutez des filtres" in text_of(menu) and "/export/" not in json.dumps(menu)


def test_error_messages_are_readable_french_json(client):
    body = client.get("/export/chantiers.csv?from.date_de_debut=demain").get_data(as_text=True)
    assert "« demain » n'est pas une date" in body  # not \u00ab escapes
