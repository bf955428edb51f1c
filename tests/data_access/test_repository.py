"""The repository: a table is read once per file version, and a failure makes the dataset unavailable."""
from __future__ import annotations

import os
import shutil
import threading

import pytest

from data_access import repository as repository_module
from data_access.repository import DatasetUnavailable, Repository, UnknownDataset
from tests.helpers.paths import FIXTURES


@pytest.fixture
def portal_dir(tmp_path):
    shutil.copytree(FIXTURES / "portal", tmp_path, dirs_exist_ok=True)
    return tmp_path


class MemoryStore(dict):
    """A shared cache as the repository sees it; keeps each key's lifetime to check it."""

    def __init__(self):
        super().__init__()
        self.timeouts = {}

    def set(self, key, value, timeout):
        self[key] = value
        self.timeouts[key] = timeout


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
    assert list(store.timeouts.values()) == [600]  # remembered for ten minutes, not for ever
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


def test_an_access_or_memory_error_is_tried_again_at_the_next_request(portal_dir, monkeypatch):
    """The system refused the file (permissions, a disk, memory): not the file's fault, so nothing is kept."""
    from data_access import repository as module
    from data_access.readers import ReadError, read_table
    from data_access.readers.base import AccessProblem

    (portal_dir / "absent.csv").write_text("a;b\r\n1;2\r\n", encoding="utf-8")
    store = MemoryStore()
    repository = Repository.from_data_dir(portal_dir, failure_store=store)
    faults = [ReadError("fichier illisible : absent.csv (Permission denied)", transient=True), MemoryError()]

    def flaky(dataset, path):
        if faults:
            raise faults.pop(0)
        return read_table(dataset, path)

    monkeypatch.setattr(module, "read_table", flaky)
    with pytest.raises(DatasetUnavailable, match="Permission denied"):
        repository.table("absent")
    with pytest.raises(DatasetUnavailable, match="réessayez plus tard"):
        repository.table("absent")
    assert store == {} and len(repository.table("absent")) == 1
    # the start-up probe too: a refusal of the system is checked again at each call
    answers = [AccessProblem("fichier illisible : absent.csv (Permission denied)"), None]
    monkeypatch.setattr(module, "probe", lambda dataset, path: answers.pop(0) if dataset.id == "absent" else None)
    fresh = Repository.from_data_dir(portal_dir)  # probes at start-up: refused
    assert fresh.unavailable_reason("absent") is None and answers == []  # probed again, and fine


def test_a_failure_kept_in_this_process_expires(portal_dir, monkeypatch):
    from data_access import repository as module

    (portal_dir / "absent.csv").write_text("a;b\r\n1;2;3\r\n", encoding="utf-8")
    now = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    repository = Repository.from_data_dir(portal_dir, failure_seconds=600)
    with pytest.raises(DatasetUnavailable):
        repository.table("absent")
    now[0] += 599
    assert list(repository.unavailable()) == ["absent"]
    now[0] += 2
    assert repository.unavailable() == {}  # read again at the next request (and failing again, kept again)
