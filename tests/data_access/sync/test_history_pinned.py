"""The data as it was: `?version=` on a dataset's extracts gives that version's rows, byte for byte the same
extract whenever it is asked; a malformed id is refused (400), an unknown one is 404, one past retention 410."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from data_access import clock
from data_access.history.versions import Retention, history_dir, read_versions
from tests.helpers.apps import make_app
from tests.helpers.sync import ROWS, run, server  # noqa: F401 (the fixture)

FROZEN = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.timezone.utc)


def synced_twice(tmp_path, server):
    from tests.helpers.sync import CATALOGUE

    (tmp_path / "catalogue.toml").write_text(CATALOGUE.format(base=server.base_url).replace(
        'path = "travaux.csv"\n', 'path = "travaux.csv"\nkey = "id"\n', 1), encoding="utf-8")
    assert run(tmp_path, "travaux")[0] == 0
    first = read_versions(history_dir(tmp_path / ".served", "travaux"))[-1]["version"]
    return first


def client_of(data_dir):
    return make_app(data_dir, SERVED_DIR=str(data_dir / ".served")).server.test_client()


def test_a_pinned_extract_is_that_versions_rows_byte_for_byte(tmp_path, server, monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: FROZEN)
    first = synced_twice(tmp_path, server)
    client = client_of(tmp_path)
    then = {}
    for fmt in ("csv", "json"):
        answer = client.get(f"/export/travaux.{fmt}?version={first}&from.date_debut=2026-01-03")
        assert answer.status_code == 200
        then[fmt] = (answer.data, answer.headers["Content-Disposition"])
    # the content changes: CH-1's title, CH-3 gone, a new site
    server.tables["travaux-json"] = [dict(r, titre="Chantier 1 (prolongé)") if r["id"] == "CH-1" else r
                                     for r in ROWS if r["id"] != "CH-3"] + [dict(ROWS[5], id="CH-101")]
    assert run(tmp_path, "travaux")[0] == 0
    client = client_of(tmp_path)
    for fmt, (data, _) in then.items():
        again = client.get(f"/export/travaux.{fmt}?version={first}&from.date_debut=2026-01-03")
        assert again.status_code == 200 and again.data == data
    old = json.loads(then["json"][0])
    assert [r["id"] for r in old["records"]] == ["CH-3", "CH-5", "CH-7", "CH-11"]
    assert old["metadata"]["version"] == first and f"version={first}" in old["metadata"]["permalink"]
    assert 'filename="travaux-version-' in then["csv"][1]
    today = client.get("/export/travaux.json?from.date_debut=2026-01-03").get_json()
    assert [r["id"] for r in today["records"]] == ["CH-5", "CH-7", "CH-11", "CH-101"]
    assert "version" not in today["metadata"]
    titles = {r["id"]: r["titre"] for r in client.get(f"/export/travaux.json?version={first}").get_json()["records"]}
    assert titles["CH-1"] == "Chantier 1"  # the old title, not today's


@pytest.mark.parametrize("asked, status, said", [
    ("hier", 400, "identifiant de version"),
    ("20261307-250000", 400, "identifiant de version"),
    ("29991231-235959", 404, "inconnue"),
])
def test_a_bad_or_unknown_version_is_refused_in_french(tmp_path, server, asked, status, said):
    synced_twice(tmp_path, server)
    answer = client_of(tmp_path).get(f"/export/travaux.csv?version={asked}")
    assert answer.status_code == status and said in answer.get_json()["erreur"]


def test_a_version_past_retention_is_gone(tmp_path, server):
    from data_access.sync import run as sync

    first = synced_twice(tmp_path, server)
    server.tables["travaux-json"] = ROWS[:3]
    assert sync.run(tmp_path, ["travaux"], out=io.StringIO(), retention=Retention(versions=1, days=0)) == 0
    client = client_of(tmp_path)
    answer = client.get(f"/export/travaux.csv?version={first}")
    assert answer.status_code == 410 and "n'est plus conservée" in answer.get_json()["erreur"]
    for page in (f"/jeux-de-donnees/travaux?version={first}", f"/jeux-de-donnees/travaux/historique?version={first}",
                 f"/integrer/jeux-de-donnees/travaux?version={first}&tab=table"):  # its pages too, in French
        gone = client.get(page)
        assert gone.status_code == 410 and "n'est plus conservée" in gone.get_data(as_text=True), page
    kept = read_versions(history_dir(tmp_path / ".served", "travaux"))[-1]["version"]
    assert client.get(f"/export/travaux.csv?version={kept}").status_code == 200
    # a version kept before the manifests were is read from the index's fields
    (history_dir(tmp_path / ".served", "travaux") / kept / "manifest.json").unlink()
    rows = json.loads(client.get(f"/export/travaux.json?version={kept}").data)["records"]
    assert [r["id"] for r in rows] == ["CH-1"]  # ROWS[:3] holds one site of Rouen
    view = client.get(f"/export/travaux/sites.csv?version={kept}")  # a dashboard's view: today's data only
    assert view.status_code == 400 and "depuis le jeu de données lui-même" in view.get_json()["erreur"]
