"""The sync's records in one index, replaced atomically after each fetch: the app rebuilds its catalogue's dates
once per write of it, never on every access while a sync runs; a folder synced before the index still dates."""
from __future__ import annotations

import json

from data_access import repository as module
from data_access.repository import SYNC_INDEX, Repository, served_version
from tests.helpers.sync import data_dir, run, server  # noqa: F401 (the fixtures)


def test_the_index_holds_every_record(data_dir):
    assert run(data_dir, "travaux", "fichier")[0] == 0
    index = json.loads((data_dir / ".sync" / SYNC_INDEX).read_text(encoding="utf-8"))
    assert set(index) == {"travaux", "fichier"}
    assert index["travaux"] == json.loads((data_dir / ".sync" / "travaux.json").read_text(encoding="utf-8"))


def test_the_catalogue_is_rebuilt_once_per_sync_write_only(data_dir, monkeypatch):
    builds = []
    real = module.with_sync_dates
    repository = Repository.from_data_dir(data_dir)
    # this repository's rebuilds (the sync has one of its own, to convert what it fetched)
    monkeypatch.setattr(module, "with_sync_dates", lambda catalogue: (
        builds.append(1) if catalogue is repository._declared else None) or real(catalogue))
    for _ in range(50):  # nothing synced yet: nothing to rebuild
        repository.catalogue
    assert builds == []
    assert run(data_dir, "travaux")[0] == 0
    for _ in range(50):  # just after a write: one rebuild, then the same catalogue
        dated = repository.catalogue
    assert len(builds) == 1 and dated.get("travaux").modified is not None
    assert run(data_dir, "fichier")[0] == 0
    repository.catalogue
    repository.catalogue
    assert len(builds) == 2 and repository.catalogue.get("fichier").modified is not None


def test_a_folder_synced_before_the_index_is_still_dated(data_dir):
    assert run(data_dir, "travaux")[0] == 0
    (data_dir / ".sync" / SYNC_INDEX).unlink()
    assert Repository.from_data_dir(data_dir).catalogue.get("travaux").modified is not None
    assert run(data_dir, "fichier")[0] == 0  # the next sync writes the index from every record
    index = json.loads((data_dir / ".sync" / SYNC_INDEX).read_text(encoding="utf-8"))
    assert set(index) == {"travaux", "fichier"}


def test_the_sync_leaves_each_dataset_ready_for_the_engine(data_dir):
    status, output = run(data_dir, "travaux")
    assert status == 0 and "travaux : prêt pour le moteur (" in output
    repository = Repository.from_data_dir(data_dir)
    served = repository.served_store.find("travaux", served_version(repository.dataset("travaux"),
                                                                     repository.version("travaux")))
    assert served is not None and served.rows == len(repository.table("travaux"))  # the app converts nothing
