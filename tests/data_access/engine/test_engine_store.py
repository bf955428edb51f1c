"""The served forms: made once per file version whatever the number of workers, kept aside until whole, made
again when the file changes, and queried by a DuckDB of each process's own, made again after a fork."""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import threading

import pytest

from data_access.engine import served as served_module
from data_access.engine import store as store_module
from data_access.engine.backend import CONNECTIONS
from data_access.engine.served import DATA, MANIFEST
from data_access.query import parse_query
from data_access.repository import DatasetUnavailable, Repository
from tests.helpers.oracle import row_positions
from tests.helpers.paths import FIXTURES


@pytest.fixture
def portal_dir(tmp_path):
    shutil.copytree(FIXTURES / "portal", tmp_path / "data")
    return tmp_path / "data"


def test_a_version_is_made_once_for_every_worker(portal_dir, tmp_path, monkeypatch):
    made = []
    real = store_module.write_served
    monkeypatch.setattr(store_module, "write_served", lambda *a, **k: made.append(a[2]) or real(*a, **k))
    served_dir = tmp_path / "servi"
    workers = [Repository.from_data_dir(portal_dir, served_dir=served_dir) for _ in range(4)]
    results = []
    threads = [threading.Thread(target=lambda r=r: results.append(r.served("chantiers"))) for r in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == ["chantiers"]
    assert len({r.folder for r in results}) == 1 and results[0].rows == len(workers[0].table("chantiers"))
    assert sorted(p.name for p in results[0].folder.iterdir()) == [DATA, MANIFEST]
    assert results[0].manifest["provenance"]["fichier"] == "chantiers.csv"


def test_a_catalogue_entry_edited_over_the_same_file_is_served_anew(portal_dir, tmp_path):
    served_dir = tmp_path / "servi"
    before = Repository.from_data_dir(portal_dir, served_dir=served_dir).served("chantiers")
    assert before.manifest["values"].get("code_postal")
    catalogue = portal_dir / "catalogue.toml"  # the admin drops the facet: the file has not changed
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("facet = true\n", "", 1), encoding="utf-8")
    after = Repository.from_data_dir(portal_dir, served_dir=served_dir).served("chantiers")
    assert after.folder != before.folder and not any(f.facet for f in after.fields if f.name == "code_postal")


def test_the_default_folder_is_beside_the_data_or_a_temporary_one(portal_dir, monkeypatch):
    assert Repository.from_data_dir(portal_dir).served_store.folder == portal_dir / ".served"
    monkeypatch.setattr(store_module.os, "access", lambda path, mode: False)  # a read-only data folder
    elsewhere = Repository.from_data_dir(portal_dir).served_store.folder
    assert portal_dir not in elsewhere.parents and elsewhere.name.startswith("portail-servi-")


def test_a_new_file_version_is_served_and_the_old_ones_go(portal_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(served_module, "STALE_SECONDS", 0)  # no request under way on the old versions
    repository = Repository.from_data_dir(portal_dir, served_dir=tmp_path / "servi")
    first = repository.served("chantiers").folder
    for extra in range(3):
        with open(portal_dir / "chantiers.csv", "a", encoding="utf-8") as handle:
            handle.write("\n")  # a new version (its size changes), the same rows
        os.utime(portal_dir / "chantiers.csv", ns=(extra + 1, (extra + 1) * 10**9))
        latest = repository.served("chantiers").folder
    assert latest != first
    kept = [p for p in (tmp_path / "servi" / "chantiers").iterdir() if p.is_dir()]
    assert latest in kept and first not in kept and len(kept) == 2  # this version and the one before


def test_a_disk_that_refuses_the_file_makes_the_dataset_unavailable_for_now(portal_dir, tmp_path, monkeypatch):
    repository = Repository.from_data_dir(portal_dir, served_dir=tmp_path / "servi")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module, "write_served", full)
    with pytest.raises(DatasetUnavailable, match="réessayez plus tard"):
        repository.served("chantiers")
    monkeypatch.undo()
    assert repository.served("chantiers").rows > 0  # tried again, not remembered


def test_an_unreadable_dataset_is_not_served(portal_dir, tmp_path):
    repository = Repository.from_data_dir(portal_dir, served_dir=tmp_path / "servi")
    with pytest.raises(DatasetUnavailable, match="absent.csv"):
        repository.served("absent")


def test_the_backend_answers_as_the_table_does(portal_dir, tmp_path):
    repository = Repository.from_data_dir(portal_dir, served_dir=tmp_path / "servi")
    table = repository.table("chantiers")
    query = parse_query("sort=-commune&q=rue", table.fields)[0]
    assert repository.backend("chantiers").positions(query).to_pylist() == row_positions(table, query).tolist()


def _count_in_child(path, fields, rows, out):
    from data_access.engine.backend import DuckDBBackend

    out.put((os.getpid(), DuckDBBackend(path, fields, rows).count(parse_query("", fields)[0]),
             DuckDBBackend(path, fields, None).count(parse_query("", fields)[0])))


def test_a_forked_worker_makes_its_own_database(portal_dir, tmp_path):
    repository = Repository.from_data_dir(portal_dir, served_dir=tmp_path / "servi")
    served = repository.served("chantiers")
    backend = repository.backend("chantiers")
    assert backend.count(parse_query("q=rue", served.fields)[0]) >= 0  # the parent's database exists
    parent = CONNECTIONS.cursor()
    queue = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_count_in_child,
                                                        args=(served.data, served.fields, served.rows, queue))
    child.start()
    pid, counted, scanned = queue.get(timeout=60)
    child.join(60)
    assert pid != os.getpid() and counted == scanned == served.rows and child.exitcode == 0
    assert CONNECTIONS.cursor() is parent  # the parent keeps its own


def test_a_version_replaced_a_moment_ago_stays_for_the_requests_under_way(portal_dir, tmp_path):
    repository = Repository.from_data_dir(portal_dir, served_dir=tmp_path / "servi")
    first = repository.served("chantiers").folder
    for extra in range(3):
        with open(portal_dir / "chantiers.csv", "a", encoding="utf-8") as handle:
            handle.write("\n")
        os.utime(portal_dir / "chantiers.csv", ns=(extra + 1, (extra + 1) * 10**9))
        repository.served("chantiers")
    assert first.is_dir()


def test_a_damaged_or_older_folder_is_made_again(portal_dir, tmp_path):
    repository = Repository.from_data_dir(portal_dir, served_dir=tmp_path / "servi")
    folder = repository.served("chantiers").folder
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    (folder / MANIFEST).write_text(json.dumps({**manifest, "format": 0}), encoding="utf-8")
    again = repository.served("chantiers")
    assert again.folder == folder and again.manifest["format"] == served_module.FORMAT
    (folder / MANIFEST).write_text("{tronqué", encoding="utf-8")
    assert repository.served("chantiers").rows == again.rows


def test_a_long_version_gets_a_short_folder_name(tmp_path):
    version = "-".join(f"{k:x}.{k * 7:x}" for k in range(10**10, 10**10 + 40))  # a GTFS folder of 40 files
    assert len(version) > 255
    folder = served_module.version_folder(tmp_path, "reseau", version)
    assert len(folder.name) < 60 and folder == served_module.version_folder(tmp_path, "reseau", version)


def test_an_engine_error_while_converting_is_said_and_tried_again(portal_dir, tmp_path, monkeypatch):
    import duckdb

    repository = Repository.from_data_dir(portal_dir, served_dir=tmp_path / "servi")

    def full(*args, **kwargs):
        raise duckdb.IOException("No space left on device")

    monkeypatch.setattr(served_module, "write_parquet", full)
    with pytest.raises(DatasetUnavailable, match="réessayez plus tard"):
        repository.served("chantiers")
    monkeypatch.undo()
    assert repository.served("chantiers").rows > 0


def test_a_damaged_served_file_gets_a_french_503_not_a_trace(portal_dir, tmp_path):
    from tests.helpers.apps import make_app

    app = make_app(portal_dir, SERVED_DIR=str(tmp_path / "servi"))
    client = app.server.test_client()
    assert client.get("/export/chantiers.csv").status_code == 200
    with app.server.app_context():
        served = app.server.extensions["portail"].repository.served("chantiers")
    served.data.write_bytes(b"PAR1 cut short")
    answer = client.get("/export/chantiers.csv?q=rue")
    assert answer.status_code == 503 and "réessayez plus tard" in answer.get_json()["erreur"]
    repository = app.server.extensions["portail"].repository
    repository.forget()
    with pytest.raises(DatasetUnavailable, match="réessayez plus tard"):  # a dashboard's table: the same words
        repository.table("chantiers")


def test_a_large_dataset_is_clustered_on_its_most_selective_facets():
    from data_access.engine.served import cluster_keys
    from data_access.readers.base import FieldInfo

    fields = (FieldInfo("commune", "Commune", "text", facet=True), FieldInfo("categorie", "Catégorie", "text",
                                                                             facet=True),
              FieldInfo("statut", "Statut", "text", facet=True), FieldInfo("jour", "Jour", "date", facet=True),
              FieldInfo("urgent", "Urgent", "boolean", facet=True), FieldInfo("rue", "Rue", "text"),
              FieldInfo("niveaux", "Niveaux", "text", facet=True, separator=","))
    distinct = {"commune": 16, "categorie": 12, "statut": 5, "jour": 4000, "urgent": 2, "rue": 9973, "niveaux": 3}
    manifest = {"rows": 10_000_000, "profiles": {k: {"distinct": v} for k, v in distinct.items()}}
    # 100 row groups: commune (a 16th of them for a commune), then statut (16 × 5 = 80 combinations); categorie
    # would make 192, fewer rows than a group each; a day has too many values, a multivalued cell several
    assert cluster_keys(manifest, fields) == ["commune", "statut"]
    assert cluster_keys({**manifest, "rows": 300_000}, fields) == []  # three row groups: a scan is short
