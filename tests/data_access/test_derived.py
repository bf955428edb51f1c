"""The one helper that holds what the dashboards keep in memory: a budget, least recently used out first, one
build per key whatever the number of threads, and keys that name data (never an object's address)."""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data_access.derived import DERIVED, Derived, footprint
from data_access.repository import Repository

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def test_the_least_recently_used_goes_first_when_the_budget_is_passed():
    held = Derived(budget_bytes=3 * 800 + 500)
    built = []

    def array(name):
        return lambda: built.append(name) or np.zeros(100)  # 800 bytes each

    for name in "abc":
        held.get(name, array(name))
    held.get("a", array("a"))  # used again: now the most recent
    held.get("d", array("d"))  # over the budget: b, the least recently used, goes
    assert held.keys() == ["c", "a", "d"] and held.evictions == 1
    held.get("b", array("b"))  # built again on its next use
    assert built == ["a", "b", "c", "d", "b"] and held.total <= held.budget


def test_a_structure_larger_than_the_budget_is_kept_alone_rather_than_built_at_every_use():
    held = Derived(budget_bytes=1000)
    held.get("small", lambda: np.zeros(10))
    big = held.get("big", lambda: np.zeros(1000))
    assert held.keys() == ["big"] and held.get("big", lambda: pytest.fail("built again")) is big
    held.configure(budget_bytes=10_000)
    assert held.keys() == ["big"]


def test_many_threads_asking_at_once_build_once():
    held = Derived(budget_bytes=1 << 20)
    calls, gate = [], threading.Event()

    def build():
        calls.append(1)
        gate.wait(5)
        return np.arange(10)

    results = []
    threads = [threading.Thread(target=lambda: results.append(held.get("k", build))) for _ in range(8)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(results) == 8 and all(r is results[0] for r in results)


def test_a_failed_build_is_raised_and_not_held():
    held = Derived(budget_bytes=1 << 20)
    with pytest.raises(ValueError):
        held.get("k", lambda: (_ for _ in ()).throw(ValueError("illisible")))
    assert held.keys() == [] and held.get("k", lambda: 42) == 42


def test_footprints_count_the_buffers():
    frame = pd.DataFrame({"n": np.arange(100_000, dtype="int64"), "t": pd.Series(["abc"] * 100_000, dtype="str")})
    assert 800_000 < footprint(frame) < 3_000_000
    assert footprint(np.zeros(1000)) >= 8000
    assert footprint({"a": np.zeros(1000), "b": [np.zeros(1000)] * 3}) >= 32_000
    objects = np.array([f"rue {i}" for i in range(10_000)], dtype=object)
    assert footprint(objects) > 10_000 * 40


def test_the_dashboards_tables_are_held_under_their_dataset_and_version(tmp_path):
    repository = Repository.from_data_dir(DEMO, served_dir=tmp_path / "servi")
    table = repository.table("chantiers")
    assert table.key.endswith(f"|chantiers@{repository.version('chantiers')}")
    assert ("table", table.key) in DERIVED.keys() and repository.table("chantiers") is table
    repository.forget()
    assert ("table", table.key) not in DERIVED.keys()
    again = repository.table("chantiers")
    assert again is not table and again.key == table.key
    pd.testing.assert_frame_equal(again.frame, table.frame)


def test_a_structure_built_again_soon_after_its_eviction_says_the_budget_is_too_small(caplog):
    held = Derived(budget_bytes=1500)
    held.get("réseau", lambda: np.zeros(100))
    held.get("table", lambda: np.zeros(100))  # 1,600 bytes held: the network goes
    with caplog.at_level("WARNING", logger="data_access.derived"):
        held.get("réseau", lambda: np.zeros(100))
    assert held.rebuilt_soon == 1 and "DERIVED_MEMORY_MB" in caplog.text
