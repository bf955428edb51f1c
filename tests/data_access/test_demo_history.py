"""The demo's short history (data_access/history/demo.py and demo_rules.py): the associations' versions counted as
the rules make them from the snapshot's file, recorded once per served folder whatever the number of processes
starting together, and added at the next start to a served folder that had only the works sites' history."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pyarrow.parquet as pq
import pytest

from config import DEMO_DATA_DIR
from data_access.demo import ensure_snapshot
from data_access.history.demo import MOMENTS, SNAPSHOT, ensure_demo_history
from data_access.history.demo_rules import ASSOCIATIONS, CHANTIERS
from data_access.history.versions import INDEX, history_dir, read_versions
from tests.helpers.apps import make_app

VERSIONS = ["20260907-060000", "20261005-060000", "20261102-060000", "20261115-060000"]


@pytest.fixture(scope="module")
def snapshot():
    ensure_snapshot(DEMO_DATA_DIR)  # the snapshot every demo test reads, generated once per generator stamp
    return DEMO_DATA_DIR


def register_at(rows: list[dict], later: int) -> dict[str, tuple]:
    """The register `later` versions before the snapshot (0: the snapshot), id -> (nom, objet, position), by the
    rules said in words: created by then; dissolved this autumn (n ending in 0) still active before its step;
    renamed (n % 100 == 1) in capitals, or with the old objet (n % 100 == 2), before its step; a duplicate under
    W763 (n % 200 == 5) before it was purged. A step s is 1 + (n // every) % 3, and « before » is later >= s."""
    day = (MOMENTS[len(MOMENTS) - later] if later else SNAPSHOT).date()
    register = {}
    for row in rows:
        n = int(row["id_rna"][4:])
        if row["date_creation"] > day:
            continue
        nom, objet, position = row["nom"], row["objet"], row["position"]
        if position == "D" and n % 10 == 0 and later >= 1 + (n // 10) % 3:
            position = "A"
        if n % 100 == 1 and later >= 1 + (n // 100) % 3:
            nom = nom.upper()
        if n % 100 == 2 and later >= 1 + (n // 100) % 3:
            objet = objet.removesuffix(".") + " et toute action s'y rattachant."
        register[row["id_rna"]] = (nom, objet, position)
        if n % 200 == 5 and later >= 1 + (n // 200) % 3:
            register["W763" + row["id_rna"][4:]] = (nom, objet, position)
    return register


def counted(old: dict, new: dict) -> dict:
    both = old.keys() & new.keys()
    fields = {name: sum(old[k][i] != new[k][i] for k in both) for i, name in enumerate(("nom", "objet", "position"))}
    return {"added": len(new.keys() - old.keys()), "removed": len(old.keys() - new.keys()),
            "changed": sum(old[k] != new[k] for k in both), "fields": fields}


def test_the_associations_versions_follow_the_rules(snapshot, tmp_path):
    assert ensure_demo_history(snapshot, tmp_path, (ASSOCIATIONS,)) is True
    versions = read_versions(history_dir(tmp_path, "associations"))
    assert [v["version"] for v in versions] == VERSIONS
    rows = pq.read_table(snapshot / "associations.parquet").to_pylist()
    registers = [register_at(rows, later) for later in (3, 2, 1, 0)]
    assert [v["rows"] for v in versions] == [len(r) for r in registers]
    assert versions[0]["added"] == len(registers[0]) and versions[0]["keyed"]
    for old, new, version in zip(registers, registers[1:], versions[1:]):
        expected = counted(old, new)
        assert (version["added"], version["removed"], version["changed"]) == (
            expected["added"], expected["removed"], expected["changed"])
        assert {k: version["changed_fields"].get(k, 0) for k in expected["fields"]} == expected["fields"]
        assert version["keyed"] and version["note"] is None
        # each kind of change at each step: records added, removed and changed in names, objets and situations
        assert min(expected["added"], expected["removed"], *expected["fields"].values()) > 0
    assert len(rows) == versions[-1]["rows"]


def test_the_history_is_recorded_once_by_one_of_the_processes_starting_together(snapshot, tmp_path):
    with ProcessPoolExecutor(max_workers=3, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(ensure_demo_history, [snapshot] * 3, [tmp_path] * 3))
    assert 1 <= sum(results) <= 2  # each dataset's history by one process (both by the same one, or by two)
    index = {d: (history_dir(tmp_path, d) / INDEX).read_bytes() for d in ("chantiers", "associations")}
    assert all([v["version"] for v in read_versions(history_dir(tmp_path, d))] == VERSIONS for d in index)
    assert ensure_demo_history(snapshot, tmp_path) is False  # the next start finds it done
    assert {d: (history_dir(tmp_path, d) / INDEX).read_bytes() for d in index} == index


def test_the_start_adds_the_associations_history_to_a_served_folder_that_had_only_the_works(snapshot, tmp_path):
    assert ensure_demo_history(snapshot, tmp_path, (CHANTIERS,)) is True  # as a demo served before this history
    works = (history_dir(tmp_path, "chantiers") / INDEX).read_bytes()
    assert read_versions(history_dir(tmp_path, "associations")) == []
    client = make_app(snapshot, SERVED_DIR=str(tmp_path)).server.test_client()
    listed = client.get("/api/versions/associations.json").get_json()["versions"]
    assert [v["version"] for v in listed] == VERSIONS[::-1]
    assert (history_dir(tmp_path, "chantiers") / INDEX).read_bytes() == works  # kept as it was
