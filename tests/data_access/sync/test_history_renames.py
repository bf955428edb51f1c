"""Schema changes kept from breaking links: a field gone and a new one holding the same values is a rename, which
the sync records; an old URL that filters, sorts or selects by the old name keeps working for HISTORY_DAYS, with a
notice, and the feeds and the history say what changed in the schema."""
from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from data_access import clock
from data_access.engine.backend import CONNECTIONS
from data_access.history.diff import Side, compare_sides, renames
from data_access.history.versions import history_dir, read_versions
from data_access.readers.base import FieldInfo
from tests.helpers.apps import make_app
from tests.helpers.atom import ATOM, valid_atom
from tests.helpers.sync import CATALOGUE as SYNC_CATALOGUE
from tests.helpers.sync import ROWS, run, server  # noqa: F401 (the fixture)

# the sync tests' works feed, every field kept (no `select`, no field declared), records named by their id
CATALOGUE = SYNC_CATALOGUE.split("[[dataset.field]]")[0].replace('select = "id,titre,commune,date_debut,date_fin"\n',
                                                                  "").replace('path = "travaux.csv"\n',
                                                                              'path = "travaux.csv"\nkey = "id"\n', 1)
FIRST = dt.datetime(2026, 10, 5, 4, 0, tzinfo=dt.timezone.utc)
SECOND = dt.datetime(2026, 11, 2, 5, 0, tzinfo=dt.timezone.utc)


def renamed_rows() -> list[dict]:
    """« titre » is now « intitule », with the same values; CH-1's planned end moved."""
    rows = [{("intitule" if k == "titre" else k): v for k, v in r.items()} for r in ROWS]
    return [dict(r, date_fin="2027-01-15") if r["id"] == "CH-1" else r for r in rows]


@pytest.fixture
def renamed(tmp_path, server, monkeypatch):
    """A works feed synced twice, its « titre » renamed « intitule » at the second sync."""
    (tmp_path / "catalogue.toml").write_text(CATALOGUE.format(base=server.base_url), encoding="utf-8")
    monkeypatch.setattr(clock, "utc_now", lambda: FIRST)
    assert run(tmp_path, "travaux")[0] == 0
    server.tables["travaux-json"] = renamed_rows()
    monkeypatch.setattr(clock, "utc_now", lambda: SECOND)
    status, out = run(tmp_path, "travaux")
    assert status == 0 and "champ renommé : « titre » → « intitule »" in out
    return tmp_path


def client_of(data_dir):
    return make_app(data_dir, SERVED_DIR=str(data_dir / ".served")).server.test_client()


def test_the_sync_records_the_rename_and_compares_the_field_as_one(renamed):
    last = read_versions(history_dir(renamed / ".served", "travaux"))[-1]
    assert last["renamed"] == {"titre": "intitule"}
    assert last["schema_changes"] == ["champ renommé : « titre » → « intitule »"]
    # the renamed field compared under its new name: only CH-1's planned end changed
    assert (last["added"], last["removed"], last["changed"]) == (0, 0, 1)
    assert last["changed_fields"] == {"date_fin": 1}


def test_old_urls_keep_working_with_a_notice(renamed, monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: SECOND + dt.timedelta(days=30))
    client = client_of(renamed)
    old = client.get("/export/travaux.json?refine.titre=Chantier+1&sort=-titre&select=id,titre")
    assert old.status_code == 200
    body = old.get_json()
    assert [r["intitule"] for r in body["records"]] == ["Chantier 1"] and set(body["records"][0]) == {"id",
                                                                                                     "intitule"}
    assert "refine.intitule=Chantier+1" in body["metadata"]["permalink"]  # the link given is today's
    # the dataset page reads it too, and says so
    from components.portal import current_portal
    from features.explorer.page_dataset import layout

    with client.application.test_request_context("/jeux-de-donnees/travaux?refine.titre=Chantier+1"):
        assert current_portal().repository.aliases("travaux")["titre"].name == "intitule"
        page = str(layout(dataset_id="travaux", **{"refine.titre": "Chantier 1", "tab": "table"}))
    assert "le champ « titre » a été renommé « intitule » le 02/11/2026" in page
    assert "Adresse à mettre à jour" in page and "champ inconnu" not in page
    # the feed of the view named by its old filter: the view's own rows, the rename said
    feed = client.get("/flux/jeux-de-donnees/travaux.atom?refine.titre=Chantier+1")
    assert feed.status_code == 200
    entries = feed_entries(valid_atom(feed.data))
    assert [e[1] for e in entries] == [
        "0 ajouté, 0 supprimé, 1 modifié ; champ renommé : « titre » → « intitule » ; champs modifiés : date_fin (1)",
        "première version gardée : 1 ajouté, 0 supprimé, 0 modifié"]
    assert "refine.intitule=Chantier+1" in entries[0][0]
    # and the history page's diff through the same old filter: the renamed field compared as one
    from features.historique.compare import build

    with client.application.test_request_context("/"):
        repository = current_portal().repository
        history = build(repository.served_store.folder, repository.catalogue.get("travaux"),
                        {"refine.titre": "Chantier 1"}, repository.aliases("travaux"))
    assert (history.changes.added, history.changes.removed, history.changes.changed) == (0, 0, 1)
    assert [(r.status, r.changed, r.before["intitule"]) for r in history.rows] == [("modifié", ("date_fin",),
                                                                                    "Chantier 1")]
    assert history.notices and not history.errors
    assert client.get("/jeux-de-donnees/travaux/historique?refine.titre=Chantier+1").status_code == 200


def feed_entries(tree) -> list[tuple[str, str]]:
    return [(e.find("a:link", ATOM).get("href"), e.findtext("a:summary", namespaces=ATOM))
            for e in tree.findall("a:entry", ATOM)]


def test_past_history_days_the_old_name_is_unknown_again(renamed, monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: SECOND + dt.timedelta(days=401))
    answer = client_of(renamed).get("/export/travaux.json?refine.titre=Chantier+1")
    assert answer.status_code == 400 and "champ inconnu « titre »" in answer.get_json()["erreur"]


def parquet(tmp_path, name: str, sql: str) -> str:
    path = str(tmp_path / f"{name}.parquet")
    duckdb.sql(f"COPY ({sql}) TO '{path}' (FORMAT parquet)")
    return path


def side(path: str, *fields: tuple[str, str]) -> Side:
    return Side(path, tuple(FieldInfo(n, n, t) for n, t in fields))


def test_renames_need_the_same_values_and_one_candidate(tmp_path):
    cursor = CONNECTIONS.cursor()
    old = side(parquet(tmp_path, "a", "SELECT i AS id, 'v' || i AS nom, i % 2 AS pair FROM range(6) t(i)"),
               ("id", "int"), ("nom", "text"), ("pair", "int"))
    same = side(parquet(tmp_path, "b", "SELECT i AS id, 'v' || i AS libelle, i % 2 AS parite FROM range(6) t(i)"),
                ("id", "int"), ("libelle", "text"), ("parite", "int"))
    assert renames(cursor, old, same, ("id",)) == {"nom": "libelle", "pair": "parite"}
    assert renames(cursor, old, same) == {"nom": "libelle", "pair": "parite"}  # as multisets, without the key
    # one value differs: a field removed and one added, not a rename
    other = side(parquet(tmp_path, "c", "SELECT i AS id, CASE WHEN i = 3 THEN 'w' ELSE 'v' || i END AS libelle "
                                        "FROM range(6) t(i)"), ("id", "int"), ("libelle", "text"))
    assert renames(cursor, old, other, ("id",)) == {}
    changes = compare_sides(cursor, old, other, ("id",))
    assert changes.renamed == {} and "champ supprimé : « nom »" in changes.schema_changes
    # two new fields hold the old one's values: which one it became cannot be said
    twice = side(parquet(tmp_path, "d", "SELECT i AS id, 'v' || i AS x, 'v' || i AS y FROM range(6) t(i)"),
                 ("id", "int"), ("x", "text"), ("y", "text"))
    assert renames(cursor, old, twice, ("id",)) == {}


def test_a_chain_of_renames_reads_the_first_name(tmp_path):
    from data_access.history.renames import chained, since

    versions = [{"version": "1", "date": "2026-01-05T06:00:00+01:00"},
                {"version": "2", "date": "2026-02-02T06:00:00+01:00", "renamed": {"titre": "intitule"}},
                {"version": "3", "date": "2026-03-02T06:00:00+01:00", "renamed": {"intitule": "libelle"}}]
    names = {old: (a.name, a.since.isoformat(), a.until.isoformat()) for old, a in chained(versions, 10).items()}
    assert names == {"titre": ("libelle", "2026-02-02", "2026-02-12"),
                     "intitule": ("libelle", "2026-03-02", "2026-03-12")}
    assert {new: a.name for new, a in since(versions, versions[0]).items()} == {"libelle": "titre"}
    assert {new: a.name for new, a in since(versions, versions[1]).items()} == {"libelle": "intitule"}
    assert since(versions, versions[2]) == {}
    assert json.dumps(versions)  # plain data
