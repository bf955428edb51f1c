"""How fresh a dataset is, from its content: HDX's four states on a pinned clock, from the newest version the
history keeps (else the catalogue's date), in /api/catalogue.json."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from data_access import clock
from data_access.catalogue.model import Dataset
from data_access.history.freshness import freshness, state_on
from tests.helpers.apps import make_app
from tests.helpers.sync import CATALOGUE, run, server  # noqa: F401 (the fixture)

DAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize("frequency, ages", [
    ("daily", {0: "up-to-date", 1: "due", 2: "overdue", 3: "delinquent"}),
    ("weekly", {6: "up-to-date", 7: "due", 13: "due", 14: "overdue", 20: "overdue", 21: "delinquent"}),
    ("monthly", {29: "up-to-date", 30: "due", 44: "overdue", 59: "overdue", 60: "delinquent"}),
    ("quarterly", {89: "up-to-date", 90: "due", 120: "overdue", 150: "delinquent"}),
    ("yearly", {364: "up-to-date", 365: "due", 425: "overdue", 455: "delinquent"}),
    ("irregular", {0: "up-to-date", 4000: "up-to-date"}),
])
def test_the_four_states_follow_hdx(frequency, ages):
    assert {age: state_on(frequency, DAY - dt.timedelta(days=age), DAY) for age in ages} == ages


def test_without_a_frequency_or_a_date_there_is_no_state(tmp_path):
    bare = Dataset(id="a", title="A", theme="T", format="csv", path="a.csv")
    assert freshness(tmp_path, bare, DAY) is None
    assert freshness(tmp_path, dataclasses.replace(bare, frequency="weekly"), DAY) is None
    dated = dataclasses.replace(bare, frequency="weekly", modified=DAY - dt.timedelta(days=15))
    assert freshness(tmp_path, dated, DAY).as_dict() == {"state": "overdue", "label": "en retard",
                                                         "changed": "2026-11-22", "frequency": "weekly"}


def test_the_catalogue_api_says_it_from_the_versions(tmp_path, server, monkeypatch):
    catalogue = CATALOGUE.format(base=server.base_url).replace('path = "travaux.csv"\n',
                                                               'path = "travaux.csv"\nfrequency = "weekly"\n', 1)
    (tmp_path / "catalogue.toml").write_text(catalogue, encoding="utf-8")
    synced = dt.datetime(2026, 11, 20, 9, tzinfo=dt.timezone.utc)
    monkeypatch.setattr(clock, "utc_now", lambda: synced)
    assert run(tmp_path, "travaux")[0] == 0  # the version kept on 20 November
    client = make_app(tmp_path, SERVED_DIR=str(tmp_path / ".served")).server.test_client()
    for now, state in ((synced + dt.timedelta(days=3), "up-to-date"), (synced + dt.timedelta(days=16), "overdue")):
        monkeypatch.setattr(clock, "utc_now", lambda now=now: now)
        listed = {d["id"]: d for d in client.get("/api/catalogue.json").get_json()["datasets"]}
        assert listed["travaux"]["freshness"] == {"state": state, "label": {"up-to-date": "à jour",
                                                                            "overdue": "en retard"}[state],
                                                  "changed": "2026-11-20", "frequency": "weekly"}
        assert listed["fichier"]["freshness"] is None and listed["fichier"]["frequency"] is None
