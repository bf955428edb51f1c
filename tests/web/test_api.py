"""Routes served by Flask beside the pages: health, catalogue JSON, HTTP statuses."""
from __future__ import annotations

import shutil

import pytest

from tests.helpers.apps import make_app, render_page, text_of
from tests.helpers.paths import FIXTURES


@pytest.fixture(scope="module")
def client():
    return make_app(FIXTURES / "portal").server.test_client()


def test_healthz_is_degraded_and_names_the_missing_dataset(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    health = response.get_json()
    assert health.pop("recits")["casses"] == []  # no story here (tests/features/integration/test_integration.py checks them)
    assert health == {"status": "degraded", "datasets": 3, "demo": False,
                      "unavailable": [{"id": "absent", "reason": "fichier introuvable : absent.csv"}]}


def test_healthz_is_ok_when_every_file_is_there(tmp_path):
    shutil.copytree(FIXTURES / "portal", tmp_path, dirs_exist_ok=True)
    (tmp_path / "absent.csv").write_text("a;b\r\n1;2\r\n", encoding="utf-8")
    assert make_app(tmp_path).server.test_client().get("/healthz").get_json()["status"] == "ok"


def test_a_file_that_breaks_after_start_up_turns_healthz_degraded(tmp_path):
    shutil.copytree(FIXTURES / "portal", tmp_path, dirs_exist_ok=True)
    (tmp_path / "absent.csv").write_text("a;b\r\n1;2\r\n", encoding="utf-8")
    app = make_app(tmp_path)
    client = app.server.test_client()
    (tmp_path / "absent.csv").write_text("a;b\r\n1;2;3;4;5\r\n", encoding="utf-8")  # now unreadable
    assert "Chiffres clés" in text_of(render_page(app, "/")["layout"])  # the page still answers
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded"
    assert health["unavailable"][0]["id"] == "absent" and "CSV illisible" in health["unavailable"][0]["reason"]


def test_catalogue_json_describes_every_dataset(client):
    response = client.get("/api/catalogue.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data["portal"]["title"] == "Portail de test"
    by_id = {d["id"]: d for d in data["datasets"]}
    assert list(by_id) == ["chantiers", "communes", "absent"]
    assert by_id["chantiers"]["available"] is True and by_id["chantiers"]["modified"] == "2026-10-01"
    assert by_id["chantiers"]["fields"] == [{"name": "code_postal", "label": "Code postal", "facet": True}]
    assert by_id["absent"]["available"] is False
    assert by_id["absent"]["unavailable_reason"] == "fichier introuvable : absent.csv"


@pytest.mark.parametrize("path", ["/", "/a-propos"])
def test_pages_answer_200_in_french(client, path):
    response = client.get(path)
    assert response.status_code == 200 and b'<html lang="fr"' in response.data


@pytest.mark.parametrize("path", ["/nulle-part", "/a-propos/plus", "/jeux-de-donnees/inconnu", "/%C3%A9t%C3%A9"])
def test_unknown_pages_get_the_404_status(client, path):
    response = client.get(path)
    assert response.status_code == 404 and b'<html lang="fr"' in response.data




def test_a_server_error_is_a_french_page_without_traceback(client):
    response = client.post("/_dash-update-component", json={"output": "nope.children", "outputs": {}, "inputs": []})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Une erreur est survenue" in body and "Traceback" not in body and 'lang="fr"' in body


@pytest.mark.parametrize("path", ["/404", "/healthzz", "/healthz/", "/export/x.csv", "/api/catalogue.json/x"])
def test_paths_beside_the_routes_are_404_too(client, path):
    assert client.get(path).status_code == 404


def test_head_requests_get_the_same_status(client):
    assert client.head("/nulle-part").status_code == 404 and client.head("/").status_code == 200


def test_unknown_api_paths_answer_json(client):
    response = client.get("/api/nope")
    assert response.status_code == 404 and response.get_json()["error"] == "adresse inconnue"


def test_a_missing_asset_is_a_french_404(client):
    response = client.get("/assets/absent.css")
    assert response.status_code == 404 and "Page introuvable" in response.get_data(as_text=True)


def test_the_stylesheets_are_compressed_for_browsers(client):
    # Assets are streamed from files: flask-compress encodes streams with br, zstd or deflate (what browsers send)
    response = client.get("/assets/00-bootstrap-5.3.8.min.css", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] in ("br", "zstd", "deflate")
    assert len(response.get_data()) < 60_000  # 232 KB uncompressed


def test_map_geometry_is_cached_by_version_and_filterable(client):
    whole = client.get("/api/geo/chantiers.geojson")
    assert whole.status_code == 200 and whole.headers["Cache-Control"] == "public, max-age=3600"
    features = whole.get_json()["features"]
    assert [f["properties"]["i"] for f in features] == [0, 1]
    assert client.get("/api/geo/chantiers.geojson", headers={"If-None-Match": whole.headers["ETag"]}).status_code == 304
    subset = client.get("/api/geo/chantiers.geojson?refine.code_postal=2B")
    assert [f["properties"]["i"] for f in subset.get_json()["features"]] == [1]
    assert subset.headers["ETag"] != whole.headers["ETag"]
    assert client.get("/api/geo/chantiers.geojson?refine.nope=1").status_code == 400
    assert client.get("/api/geo/inconnu.geojson").status_code == 404
    assert client.get("/api/geo/absent.geojson").status_code == 503


ETAG_OF_A_FILTERED_MAP = """
from tests.helpers.apps import make_app
from tests.helpers.paths import FIXTURES
client = make_app(FIXTURES / "portal").server.test_client()
print(client.get("/api/geo/chantiers.geojson?refine.code_postal=2B").headers["ETag"])
"""


def test_a_filtered_map_has_the_same_etag_in_every_worker():
    """Each worker has its own salt for Python's hash(): the ETag must not depend on it, or a browser's
    revalidation misses whenever another worker answers."""
    import os
    import subprocess
    import sys

    from tests.helpers.paths import ROOT

    etags = {subprocess.run([sys.executable, "-c", ETAG_OF_A_FILTERED_MAP], cwd=ROOT, check=True, text=True,
                            capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip()
             for seed in ("1", "2")}
    assert len(etags) == 1 and "-" in etags.pop()
