"""Each sync whose content changed keeps the version it serves, with what changed since the one before: records
added, removed and changed on the dataset's key, else whole rows; the versions in /api/versions/<id>.json, newest
first; the oldest dropped under the retention rule."""
from __future__ import annotations

import datetime as dt

from data_access.clock import PARIS
from data_access.history.versions import (HISTORY, Retention, changes_words, history_dir, read_versions,
                                          retained)
from tests.helpers.apps import make_app
from tests.helpers.sync import CATALOGUE, ROWS, run, server  # noqa: F401 (the fixture)


def data_dir_with(tmp_path, server, key: bool):
    catalogue = CATALOGUE.format(base=server.base_url)
    if key:
        catalogue = catalogue.replace('path = "travaux.csv"\n', 'path = "travaux.csv"\nkey = "id"\n', 1)
    (tmp_path / "catalogue.toml").write_text(catalogue, encoding="utf-8")
    return tmp_path


def changed_rows() -> list[dict]:
    """Of the 6 rows of Rouen: CH-1's title changed, CH-3 gone, CH-101 and CH-103 new (CH-5, 7, 9, 11 as they were)."""
    rows = [dict(r, titre="Chantier 1 (prolongé)") if r["id"] == "CH-1" else r for r in ROWS if r["id"] != "CH-3"]
    return rows + [dict(ROWS[1], id=f"CH-10{k}", titre=f"Nouveau {k}") for k in (1, 3)]


def versions(data_dir) -> list[dict]:
    return read_versions(history_dir(data_dir / ".served", "travaux"))


def test_two_syncs_with_a_key_count_records_added_removed_and_changed(tmp_path, server):
    data_dir = data_dir_with(tmp_path, server, key=True)
    status, out = run(data_dir, "travaux")
    assert status == 0 and "travaux : version " in out and "(6 ajoutés, 0 supprimé, 0 modifié)" in out
    server.tables["travaux-json"] = changed_rows()
    status, out = run(data_dir, "travaux")
    assert status == 0 and "(2 ajoutés, 1 supprimé, 1 modifié)" in out
    first, second = versions(data_dir)
    assert (second["added"], second["removed"], second["changed"]) == (2, 1, 1)
    assert second["changed_fields"] == {"titre": 1} and second["keyed"] and second["schema_changes"] == []
    assert (first["rows"], second["rows"]) == (6, 7) and second["date"] >= first["date"]
    # each version's rows are kept, whatever is served now
    folder = history_dir(data_dir / ".served", "travaux")
    assert all((folder / v["version"] / "data.parquet").is_file() for v in (first, second))
    # the same content fetched again is not a new version
    status, out = run(data_dir, "travaux")
    assert status == 0 and "version" not in out and len(versions(data_dir)) == 2


def test_without_a_key_whole_rows_are_compared(tmp_path, server):
    data_dir = data_dir_with(tmp_path, server, key=False)
    assert run(data_dir, "travaux")[0] == 0
    server.tables["travaux-json"] = changed_rows()
    status, out = run(data_dir, "travaux")
    second = versions(data_dir)[-1]
    # the changed row counts as one removed and one added: rows have no identity without a key
    assert (second["added"], second["removed"], second["changed"], second["keyed"]) == (3, 2, 0, False)
    assert "(3 lignes ajoutées, 2 supprimées)" in out


def test_the_versions_api_lists_them_newest_first(tmp_path, server):
    data_dir = data_dir_with(tmp_path, server, key=True)
    assert run(data_dir, "travaux")[0] == 0
    server.tables["travaux-json"] = changed_rows()
    assert run(data_dir, "travaux")[0] == 0
    client = make_app(data_dir, SERVED_DIR=str(data_dir / ".served")).server.test_client()  # the sync's
    answer = client.get("/api/versions/travaux.json")
    assert answer.status_code == 200
    listed = answer.get_json()["versions"]
    assert [v["added"] for v in listed] == [2, 6] and listed[0]["changed_fields"] == {"titre": 1}
    assert set(listed[0]) == {"version", "date", "rows", "added", "removed", "changed", "changed_fields",
                              "schema_changes", "keyed", "note", "renamed"}
    assert all(v["version"].replace("-", "").isdigit() for v in listed)  # safe in a URL
    assert client.get("/api/versions/fichier.json").get_json()["versions"] == []  # never synced: no version
    unknown = client.get("/api/versions/inconnu.json")
    assert unknown.status_code == 404 and "inconnu" in unknown.get_json()["erreur"]


def test_retention_keeps_the_newest_and_the_young_whichever_keeps_more():
    now = dt.datetime(2026, 12, 7, 12, tzinfo=PARIS)
    kept = [{"version": str(k), "date": (now - dt.timedelta(days=d)).isoformat()} for k, d in
            enumerate((500, 450, 390, 100, 3, 0))]
    assert [v["version"] for v in retained(kept, Retention(versions=2, days=400), now)] == ["2", "3", "4", "5"]
    assert [v["version"] for v in retained(kept, Retention(versions=5, days=400), now)] == ["1", "2", "3", "4", "5"]
    assert [v["version"] for v in retained(kept, Retention(versions=1, days=1), now)] == ["5"]


def test_a_version_past_retention_leaves_with_its_rows(tmp_path, server):
    import io

    from data_access.sync import run as sync

    data_dir = data_dir_with(tmp_path, server, key=True)
    assert run(data_dir, "travaux")[0] == 0
    server.tables["travaux-json"] = changed_rows()
    assert run(data_dir, "travaux")[0] == 0
    folder = history_dir(data_dir / ".served", "travaux")
    older = [v["version"] for v in versions(data_dir)]
    # a third content, under a rule that keeps one version and no day: only it stays, with its rows
    server.tables["travaux-json"] = ROWS[:3]
    assert sync.run(data_dir, ["travaux"], out=io.StringIO(), retention=Retention(versions=1, days=0)) == 0
    kept = versions(data_dir)
    assert len(kept) == 1 and kept[0]["version"] not in older and kept[0]["removed"] == 6
    assert (folder / kept[0]["version"] / "data.parquet").is_file()
    assert not any((folder / v).exists() for v in older)
    assert HISTORY.startswith(".")  # beside the served versions, never taken for one of them


def test_a_schema_change_is_a_version_and_is_said(tmp_path, server):
    data_dir = data_dir_with(tmp_path, server, key=False)
    assert run(data_dir, "fichier")[0] == 0
    server.files["/files/fichier.csv"] = "a;c\r\n1;x\r\n3;y\r\n5;z\r\n".encode()
    assert run(data_dir, "fichier")[0] == 0
    last = read_versions(history_dir(data_dir / ".served", "fichier"))[-1]
    assert last["schema_changes"] == ["champ ajouté : « c »", "champ supprimé : « b »"]
    assert changes_words(last).endswith("; champ ajouté : « c » ; champ supprimé : « b »")
    assert (last["added"], last["removed"], last["rows"]) == (1, 0, 3)  # compared on the field both have


def test_a_damaged_index_or_version_never_loses_the_history(tmp_path, server):
    data_dir = data_dir_with(tmp_path, server, key=True)
    assert run(data_dir, "travaux")[0] == 0
    folder = history_dir(data_dir / ".served", "travaux")
    index = (folder / "versions.json").read_bytes()
    (folder / "versions.json").write_text("[{", encoding="utf-8")
    server.tables["travaux-json"] = changed_rows()
    status, out = run(data_dir, "travaux")
    # the data is served; the history waits, and the index is not written over what could not be read
    assert status == 0 and "travaux : historique non mis à jour" in out
    assert (folder / "versions.json").read_text(encoding="utf-8") == "[{"
    (folder / "versions.json").write_bytes(index)
    first = versions(data_dir)[0]["version"]
    (folder / first / "data.parquet").write_bytes(b"PAR1abime")  # the last version's rows damaged
    status, out = run(data_dir, "travaux")
    assert status == 0 and "(7 ajoutés, 0 supprimé, 0 modifié)" in out
    assert "illisibles ou introuvables" in versions(data_dir)[-1]["note"]


def test_no_common_field_counts_every_row(tmp_path):
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    from data_access.history.diff import compare
    from data_access.readers.base import FieldInfo

    pq.write_table(pa.table({"id": [1, 2, 3], "v": [1, 2, 3]}), tmp_path / "a.parquet")
    pq.write_table(pa.table({"x": ["a", "b", "c", "d"]}), tmp_path / "b.parquet")
    old = (FieldInfo("id", "id", "int"), FieldInfo("v", "v", "int"))
    changes = compare(duckdb.connect(), str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet"), old,
                      (FieldInfo("x", "x", "text"),), ("id",))
    assert (changes.added, changes.removed, changes.keyed) == (4, 3, False) and "aucun champ commun" in changes.note
    typed = compare(duckdb.connect(), str(tmp_path / "a.parquet"), str(tmp_path / "a.parquet"), old,
                    (FieldInfo("id", "id", "text"), FieldInfo("v", "v", "int")), ("id",))
    assert "son type a changé" in typed.note and typed.schema_changes == ("type du champ « id » : int → text",)
