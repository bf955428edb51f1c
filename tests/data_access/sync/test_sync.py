"""`python -m portail sync` against a local fake Opendatasoft server: every fault leaves the served file
byte-identical, exits non-zero and names the dataset and the cause; a good export replaces the file."""
from __future__ import annotations

import fcntl
import json
import time

import pytest

from data_access.sync import http as sync_http
from data_access.sync import run as sync
from tests.helpers.sync import ROWS, SERVED, data_dir, run, server  # noqa: F401 (the fixtures)


def test_a_good_export_replaces_the_file_and_is_recorded(data_dir, server):
    status, out = run(data_dir, "travaux")
    assert status == 0 and "travaux : mis à jour — 6 lignes" in out  # refined on Rouen: 6 of 12
    text = (data_dir / "travaux.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("id;titre;commune;date_debut;date_fin") and "Elbeuf" not in text
    state = json.loads((data_dir / ".sync" / "travaux.json").read_text(encoding="utf-8"))
    assert state["rows"] == 6 and len(state["sha256"]) == 64 and state["fetched_at"]
    assert "/exports/csv" in state["source_url"] and "refine=commune%3ARouen" in state["source_url"]
    path, params, _ = server.requests[-1]
    assert path == "/api/explore/v2.1/catalog/datasets/travaux-json/exports/csv"  # never the records endpoint
    assert ("select", "id,titre,commune,date_debut,date_fin") in params
    assert not [p for p in (data_dir).iterdir() if p.name.startswith(".sync-")]  # no temporary file left


def test_dry_run_says_what_would_be_fetched_and_writes_nothing(data_dir, server):
    status, out = run(data_dir, dry_run=True)
    assert status == 0 and "travaux : simulation — GET " + server.base_url in out
    assert "refine=commune%3ARouen" in out and "fichier : simulation — GET" in out
    assert server.requests == [] and (data_dir / "travaux.csv").read_bytes() == SERVED.encode()


@pytest.mark.parametrize(("fault", "cause"), [
    ({"kind": "429", "times": 9, "wait": 1}, "le serveur répond 429 après 4 essais"),
    ({"kind": "500", "times": 9}, "le serveur répond 500 après 4 essais"),
    ({"kind": "truncated"}, "téléchargement incomplet"),
    ({"kind": "schema", "column": "titre"},
     "schéma changé : champ(s) déclaré(s) absent(s) : « titre » est absent du fichier (en-têtes proches : « titre_v2 »)"),
    ({"kind": "empty"}, "export vide alors que le fichier servi a 1 lignes"),
    ({"kind": "slow", "delay": 2}, "délai"),
    ({"kind": "html"}, "le serveur a répondu par une page web"),
])
def test_a_failed_sync_leaves_the_served_file_as_it_was(data_dir, server, monkeypatch, fault, cause):
    monkeypatch.setattr(sync_http, "TIMEOUT", (1, 0.5))
    before = (data_dir / "travaux.csv").read_bytes()
    server.faults["travaux-json"] = dict(fault)
    status, out = run(data_dir, "travaux")
    assert status == 1
    assert out.startswith("travaux : échec — ") and cause in out, out
    assert (data_dir / "travaux.csv").read_bytes() == before
    assert not (data_dir / ".sync" / "travaux.json").exists()
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".sync-")]


def test_waits_are_the_servers_and_bounded(data_dir, server):
    server.faults["travaux-json"] = {"kind": "429", "times": 1, "wait": 3}
    waits: list[float] = []
    status, out = run(data_dir, "travaux", waits=waits)
    assert status == 0 and len(waits) == 1 and 1 < waits[0] <= 3  # reset_time, a few seconds ahead
    server.faults["travaux-json"] = {"kind": "500", "times": 2}
    waits.clear()
    assert run(data_dir, "travaux", waits=waits)[0] == 0 and waits == [1, 2]  # 500, then success
    server.faults["travaux-json"] = {"kind": "429", "times": 1, "wait": 3600}
    status, out = run(data_dir, "travaux", waits=[])
    assert status == 1 and "quota atteint" in out


@pytest.mark.parametrize(("header", "expected"), [("7", 7.0), (" 12 ", 12.0), ("²", None), ("soon", None)])
def test_a_retry_after_header_is_read_as_seconds_or_ignored(header, expected):
    class Answer:
        headers = {"Retry-After": header}

        def json(self):
            raise ValueError("no JSON body")

    assert sync_http._wait_of(Answer()) == expected


def test_an_unchanged_file_is_not_fetched_again(data_dir, server):
    assert run(data_dir, "fichier")[0] == 0
    assert (data_dir / "fichier.csv").read_bytes() == server.files["/files/fichier.csv"]
    status, out = run(data_dir, "fichier")
    assert status == 0 and "fichier : inchangé" in out
    assert server.requests[-1][2].get("If-None-Match")


def test_one_sync_at_a_time(data_dir):
    with open(data_dir / sync.LOCK_FILE, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        status, out = run(data_dir, "travaux")
    assert status == 3 and "une autre synchronisation est en cours" in out


def test_unknown_or_sourceless_datasets_are_refused(data_dir, tmp_path):
    assert run(data_dir, "nulle-part") == (2, "nulle-part : jeu de données inconnu du catalogue\n")


def test_the_pages_and_extracts_show_the_fetch_date(data_dir, server, monkeypatch):
    import datetime as dt

    from data_access import clock
    from tests.helpers.apps import make_app

    # 23:30 in UTC is already the next day in Rouen: the fetch date is Rouen's, whatever the server's zone
    monkeypatch.setattr(clock, "utc_now", lambda: dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.timezone.utc))
    client = make_app(data_dir).server.test_client()  # started before the sync, as a server would be
    before = {d["id"]: d for d in client.get("/api/catalogue.json").get_json()["datasets"]}
    assert before["travaux"]["modified"] is None
    assert run(data_dir, "travaux")[0] == 0
    today = "2026-12-02"
    after = {d["id"]: d for d in client.get("/api/catalogue.json").get_json()["datasets"]}
    assert after["travaux"]["modified"] == today and after["fichier"]["modified"] is None
    extract = client.get("/export/travaux.json").get_json()
    assert extract["metadata"]["refreshed"] == today and len(extract["records"]) == 6  # the new file, at once


def test_a_compressed_answer_is_counted_as_sent(data_dir, server):
    server.faults["travaux-json"] = {"kind": "gzip"}
    status, out = run(data_dir, "travaux")
    assert status == 0 and "6 lignes" in out
    assert (data_dir / "travaux.csv").stat().st_mode & 0o777 == 0o644  # readable by the app's user too


def test_an_unexpected_error_fails_that_dataset_only(data_dir, server, monkeypatch):
    before = (data_dir / "travaux.csv").read_bytes()

    def broken(dataset, candidate, previous, codes=None):
        if dataset.id == "travaux":
            raise RuntimeError("disque plein")
        return 2

    monkeypatch.setattr(sync, "validate", broken)
    status, out = run(data_dir)
    assert status == 1 and "travaux : échec — erreur inattendue (RuntimeError : disque plein)" in out
    assert "fichier : mis à jour" in out  # the others are still synced
    assert (data_dir / "travaux.csv").read_bytes() == before
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".sync-")]


def test_reading_while_a_sync_replaces_never_sees_half_a_file(data_dir, server):
    """A reader (the raw file, and the portal's extract of it) polls while the file is replaced again and
    again by two versions: every read is one whole version, never a mix or a cut."""
    import csv
    import threading

    from tests.helpers.apps import make_app

    versions = [ROWS, [dict(r, titre=f"Nouveau titre {k} " + "x" * 2000) for k, r in enumerate(ROWS)]]
    assert run(data_dir, "travaux")[0] == 0
    whole = {(data_dir / "travaux.csv").read_bytes(), SERVED.encode()}
    client = make_app(data_dir).server.test_client()
    stop, reads, extracts, errors = threading.Event(), [], [], []

    def reader():
        while not stop.is_set():
            try:
                reads.append((data_dir / "travaux.csv").read_bytes())
                body = client.get("/export/travaux.csv").get_data(as_text=True)
                extracts.append(list(csv.reader(body.lstrip("\ufeff").splitlines(), delimiter=";")))
            except Exception as exc:  # noqa: BLE001 - any failure is what the test looks for
                errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for k in range(8):
            server.tables["travaux-json"] = versions[k % 2]
            seen = len(reads)
            assert run(data_dir, "travaux")[0] == 0
            whole.add((data_dir / "travaux.csv").read_bytes())
            deadline = time.monotonic() + 30
            while len(reads) < seen + 2 and time.monotonic() < deadline:  # the reader reads each version too
                time.sleep(0.005)
    finally:
        stop.set()
        thread.join()
    assert errors == [] and len(reads) > 8
    assert all(read in whole for read in reads)  # always one whole version
    assert all(len(rows) == 7 and all(len(r) == 5 for r in rows) for rows in extracts)  # header + 6 full rows


def test_json_sources_are_fetched_and_checked_like_any_other(tmp_path, server):
    """An Opendatasoft source with `format = "json"` gets the json export; a GBFS feed is a plain URL."""
    from tests.helpers.paths import FIXTURES

    server.files["/gbfs/station_information.json"] = (FIXTURES / "round2" / "station_information.json").read_bytes()
    (tmp_path / "catalogue.toml").write_text(f"""
[[dataset]]
id = "travaux"
title = "Travaux"
theme = "Travaux"
format = "json"
path = "travaux.json"
[dataset.source]
kind = "ods"
base_url = "{server.base_url}"
dataset_id = "travaux-json"
refine = "commune:Rouen"
[[dataset.field]]
name = "Titre"
role = "title"

[[dataset]]
id = "lovelo"
title = "Stations Lovélo"
theme = "Transports"
format = "json"
path = "station_information.json"
json = {{ records = "data.stations" }}
position = {{ lat = "lat", lon = "lon" }}
[dataset.source]
kind = "url"
url = "{server.base_url}/gbfs/station_information.json"
""", encoding="utf-8")
    status, out = run(tmp_path)
    assert status == 0 and "travaux : mis à jour — 6 lignes" in out and "lovelo : mis à jour — 3 lignes" in out, out
    assert any(path.endswith("/travaux-json/exports/json") for path, _, _ in server.requests)
    assert json.loads((tmp_path / "travaux.json").read_text(encoding="utf-8"))[0]["commune"] == "Rouen"
    server.files["/gbfs/station_information.json"] = b'{"data": {"stations": "en travaux"}}'
    status, out = run(tmp_path, "lovelo")
    assert status == 1 and "json.records « data.stations » mène à un texte" in out, out
    assert json.loads((tmp_path / "station_information.json").read_text(encoding="utf-8"))["ttl"] == 15  # kept
