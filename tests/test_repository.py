"""The repository: a table is read once per file version, and a failure makes the dataset unavailable."""
from __future__ import annotations

import os
import shutil
import threading

import pytest

from data_access import repository as repository_module
from data_access.repository import DatasetUnavailable, Repository, UnknownDataset
from tests.conftest import FIXTURES


@pytest.fixture
def portal_dir(tmp_path):
    shutil.copytree(FIXTURES / "portal", tmp_path, dirs_exist_ok=True)
    return tmp_path


class MemoryStore(dict):
    def set(self, key, value):
        self[key] = value


def test_missing_files_are_found_at_start_up(portal_dir):
    repository = Repository.from_data_dir(portal_dir)
    assert repository.unavailable() == {"absent": "fichier introuvable : absent.csv"}
    with pytest.raises(DatasetUnavailable, match="absent.csv"):
        repository.table("absent")
    with pytest.raises(UnknownDataset):
        repository.table("inconnu")


def test_a_table_is_read_once_per_file_version(portal_dir, monkeypatch):
    calls = []
    real_read = repository_module.read_table
    monkeypatch.setattr(repository_module, "read_table", lambda d, p: calls.append(d.id) or real_read(d, p))
    repository = Repository.from_data_dir(portal_dir)
    first, stats = repository.load("chantiers")
    again, stats_again = repository.load("chantiers")
    assert again is first and not stats.cached and stats_again.cached and calls == ["chantiers"]
    # the file changes: the next load reads the new version
    path = portal_dir / "chantiers.csv"
    path.write_bytes(path.read_bytes() + "03;75001;Nouveau;2025-01-01;1;2;oui;48.8, 2.3;\r\n".encode())
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    assert len(repository.table("chantiers")) == 3 and calls == ["chantiers", "chantiers"]


def test_concurrent_first_loads_read_the_file_once(portal_dir, monkeypatch):
    calls = []
    real_read = repository_module.read_table
    gate = threading.Event()

    def slow_read(dataset, path):
        calls.append(dataset.id)
        gate.wait(2)
        return real_read(dataset, path)

    monkeypatch.setattr(repository_module, "read_table", slow_read)
    repository = Repository.from_data_dir(portal_dir)
    results = []
    barrier = threading.Barrier(4)

    def first_load():
        barrier.wait()  # all four ask at the same moment
        results.append(repository.table("communes"))

    threads = [threading.Thread(target=first_load) for _ in range(4)]
    for thread in threads:
        thread.start()
    threading.Timer(0.2, gate.set).start()
    for thread in threads:
        thread.join()
    assert calls == ["communes"] and len(results) == 4 and all(r is results[0] for r in results)


def test_a_file_that_fails_to_read_is_reported_through_the_store(portal_dir):
    (portal_dir / "absent.csv").write_text("a;b\r\n1;2;3\r\n", encoding="utf-8")
    store = MemoryStore()
    repository = Repository.from_data_dir(portal_dir, failure_store=store)
    assert repository.unavailable() == {}
    with pytest.raises(DatasetUnavailable, match="CSV illisible : absent.csv"):
        repository.table("absent")
    assert list(repository.unavailable()) == ["absent"]
    # another worker sharing the store learns of it without reading the file
    assert list(Repository.from_data_dir(portal_dir, failure_store=store).unavailable()) == ["absent"]
    # a fixed file is a new version: available again
    (portal_dir / "absent.csv").write_text("a;b\r\n1;2\r\n3;4\r\n", encoding="utf-8")
    assert repository.unavailable() == {} and len(repository.table("absent")) == 2


def test_a_gtfs_without_stop_times_is_unavailable_with_the_file_named(tmp_path):
    feed = tmp_path / "reseau"
    shutil.copytree(FIXTURES / "gtfs_mini", feed)
    (feed / "stop_times.txt").unlink()
    (tmp_path / "catalogue.toml").write_text(
        '[[dataset]]\nid = "reseau"\ntitle = "Réseau"\ntheme = "Transports"\nformat = "gtfs"\npath = "reseau"\n',
        encoding="utf-8")
    repository = Repository.from_data_dir(tmp_path)
    assert "stop_times.txt" in repository.unavailable()["reseau"]


def test_a_file_that_appears_after_start_up_becomes_available(portal_dir):
    repository = Repository.from_data_dir(portal_dir)
    assert "absent" in repository.unavailable()
    (portal_dir / "absent.csv").write_text("a;b\r\n1;2\r\n", encoding="utf-8")  # e.g. written by a sync
    assert repository.unavailable() == {} and len(repository.table("absent")) == 1


def test_an_unexpected_reader_error_makes_only_that_dataset_unavailable(portal_dir, monkeypatch, caplog):
    calls = []

    def broken_reader(dataset, path):
        calls.append(dataset.id)
        raise TypeError("bug")

    monkeypatch.setattr(repository_module, "read_table", broken_reader)
    repository = Repository.from_data_dir(portal_dir)
    for _ in range(3):
        with pytest.raises(DatasetUnavailable, match="erreur inattendue"):
            repository.table("chantiers")
    assert calls == ["chantiers"]  # the failing version is not read again on every request
    assert "erreur inattendue" in repository.unavailable()["chantiers"]
    assert "TypeError: bug" in caplog.text  # the details are in the log
