"""Extracts that cost are bounded: an Excel cap pointing to CSV and Parquet, a few heavy builds at a time per
process (429 and Retry-After beyond), full extracts kept on disk per file version (the second request streams
the finished file), and a HEAD that builds nothing."""
from __future__ import annotations

import shutil

import pytest

import downloads
from tests.helpers.apps import make_app, render_page, text_of
from tests.helpers.paths import FIXTURES


@pytest.fixture
def portal_dir(tmp_path):
    folder = tmp_path / "portail"
    shutil.copytree(FIXTURES / "portal", folder)
    return folder


def app_on(portal_dir, tmp_path, **env):
    return make_app(portal_dir, EXTRACT_CACHE_DIR=str(tmp_path / "extraits"), **env)


@pytest.fixture
def builds(monkeypatch):
    """Every extract actually built (not streamed from the kept files)."""
    made = []
    real = downloads.write_extract

    def counting(fmt, *args, **kwargs):
        made.append(fmt)
        return real(fmt, *args, **kwargs)

    monkeypatch.setattr(downloads, "write_extract", counting)
    return made


def test_excel_is_capped_with_a_pointer_to_csv_and_parquet(portal_dir, tmp_path):
    app = app_on(portal_dir, tmp_path, MAX_XLSX_ROWS="1")
    answer = app.server.test_client().get("/export/chantiers.xlsx")
    assert answer.status_code == 413 and answer.get_json()["formats"] == ["csv", "parquet"]
    assert "un extrait Excel tient au plus 1 lignes ici" in answer.get_json()["erreur"]
    page = text_of(render_page(app, "/jeux-de-donnees/chantiers", "?tab=export")["layout"])
    assert "Excel : au plus 1 lignes ; prenez le CSV ou le Parquet" in page
    assert app.server.test_client().get("/export/chantiers.xlsx?limit=1").status_code == 200


def test_a_head_request_builds_nothing(portal_dir, tmp_path, builds):
    answer = app_on(portal_dir, tmp_path).server.test_client().head("/export/chantiers.xlsx")
    assert answer.status_code == 200 and builds == []
    assert answer.headers["X-Nombre-De-Lignes"] == "2" and "chantiers_" in answer.headers["Content-Disposition"]


def test_heavy_builds_beyond_the_slots_are_told_to_come_back(portal_dir, tmp_path, monkeypatch):
    # the fixture's extracts count as heavy ones: no floor, and MAX_EXPORT_ROWS / 100 = 0
    client = app_on(portal_dir, tmp_path, MAX_EXTRACT_BUILDS="1", MAX_EXPORT_ROWS="99").server.test_client()
    monkeypatch.setattr(downloads, "SMALL_BUILD_ROWS", 0)
    pending = client.get("/export/chantiers.json?limit=1", buffered=False)  # started, not read: holds the slot
    assert pending.status_code == 200
    refused = client.get("/export/chantiers.geojson?limit=1")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "5"
    assert "réessayez dans quelques secondes" in refused.get_json()["erreur"]
    assert client.get("/export/chantiers.csv").status_code == 200  # CSV is never held back
    pending.close()  # the answer ends: its slot is free
    assert client.get("/export/chantiers.geojson?limit=1").status_code == 200


def test_a_small_extract_takes_no_build_slot(portal_dir, tmp_path):
    """A few thousand rows are built in milliseconds: a busy portal never turns them away."""
    client = app_on(portal_dir, tmp_path, MAX_EXTRACT_BUILDS="1").server.test_client()
    pending = client.get("/export/chantiers.json?limit=1", buffered=False)
    assert client.get("/export/chantiers.geojson?limit=1").status_code == 200
    pending.close()


def test_a_full_extract_is_built_once_per_file_version(portal_dir, tmp_path, builds):
    client = app_on(portal_dir, tmp_path).server.test_client()
    first = client.get("/export/chantiers.xlsx").get_data()
    second = client.get("/export/chantiers.xlsx").get_data()
    assert first == second and builds == ["xlsx"]
    client.get("/export/chantiers.xlsx?limit=1").get_data()
    client.get("/export/chantiers.xlsx?limit=1").get_data()
    assert builds == ["xlsx", "xlsx", "xlsx"]  # a filtered extract is built each time
    kept = sorted(p.name for p in (tmp_path / "extraits").iterdir())
    assert len(kept) == 1 and kept[0].startswith("chantiers.xlsx.")
    path = portal_dir / "chantiers.csv"
    path.write_bytes(path.read_bytes() + "03;76540;Nouveau;2024-05-01;1;1;oui;;\r\n".encode())
    assert client.get("/export/chantiers.xlsx").get_data() != first and len(builds) == 4  # a new version: built
    now = [p.name for p in (tmp_path / "extraits").iterdir()]
    assert len(now) == 1 and now != kept  # the older version's file is gone


def test_a_cut_download_keeps_nothing(portal_dir, tmp_path):
    client = app_on(portal_dir, tmp_path).server.test_client()
    answer = client.get("/export/chantiers.json", buffered=False)
    next(iter(answer.response))  # the first bytes, then the reader goes away
    answer.close()
    assert list((tmp_path / "extraits").iterdir()) == []


def test_an_extract_under_a_hundredth_of_the_largest_takes_no_build_slot(portal_dir, tmp_path, monkeypatch):
    """The line between small and big builds follows MAX_EXPORT_ROWS: under a hundredth of it, no slot."""
    monkeypatch.setattr(downloads, "SMALL_BUILD_ROWS", 0)
    client = app_on(portal_dir, tmp_path, MAX_EXTRACT_BUILDS="1", MAX_EXPORT_ROWS="500").server.test_client()
    pending = client.get("/export/chantiers.json?limit=1", buffered=False)
    assert client.get("/export/chantiers.geojson").status_code == 200  # 2 rows, under 500 / 100
    pending.close()
