"""The demo's short history, so that the history page, the feeds, `?version=` and freshness show something
offline: three earlier versions of the works sites (`chantiers`), each derived from the snapshot's file by rules,
with no randomness (the same snapshot always gives the same versions), then the snapshot itself.

Going back in time from the snapshot (15 November 2026), at each earlier Monday: a site starting more than 60
days later was not listed yet, one starting later was « programmé »; a site finished since then was still under
way; and one site in seven had an earlier planned end
(moved 30 days at each version: « fin prévue repoussée 3 fois »). Each version is converted as any served file,
then kept by the history (versions.record) at its own date, 06:00 in Rouen."""
from __future__ import annotations

import csv
import fcntl
import datetime as dt
import logging
import shutil
import tempfile
from pathlib import Path

from data_access.clock import PARIS

log = logging.getLogger(__name__)
DATASET = "chantiers"
MOMENTS = tuple(dt.datetime(2026, m, d, 6, 0, tzinfo=PARIS) for m, d in ((9, 7), (10, 5), (11, 2)))
SNAPSHOT = dt.datetime(2026, 11, 15, 6, 0, tzinfo=PARIS)
SLIP_DAYS = 30
LISTED_DAYS = 60  # a site enters the register this long before it starts


def _as_it_was(rows: list[dict], moment: dt.datetime, later: int) -> list[dict]:
    """The sites as they were at `moment`, `later` versions before the snapshot."""
    day = moment.date().isoformat()
    listed = (moment.date() + dt.timedelta(days=LISTED_DAYS)).isoformat()
    kept = []
    for k, row in enumerate(rows):
        if row["date_debut"] > listed:  # not in the register yet
            continue
        row = dict(row)
        if row["date_debut"] > day:  # listed, not started
            row.update(statut="programmé", date_fin_reelle="", avancement="0")
        elif row["date_fin_reelle"] and row["date_fin_reelle"] > day:  # finished since: still under way
            row.update(statut="en cours", date_fin_reelle="", avancement=str(min(int(row["avancement"] or 0), 90)))
        if k % 7 == 0 and row["date_fin_prevue"]:  # its planned end moved at each version since
            planned = dt.date.fromisoformat(row["date_fin_prevue"]) - dt.timedelta(days=SLIP_DAYS * later)
            row["date_fin_prevue"] = planned.isoformat()
        kept.append(row)
    return kept


def ensure_demo_history(data_dir: Path, served_dir: Path) -> bool:
    """Record the demo's history in `served_dir` once (True when it did now); a failure is logged, never raised:
    the demo works without its history."""
    from data_access.history.versions import history_dir, read_versions

    folder = history_dir(served_dir, DATASET)
    if read_versions(folder) or not (Path(data_dir) / "chantiers.csv").is_file():
        return False
    try:
        _record_all(Path(data_dir), Path(served_dir))
    except Exception:  # noqa: BLE001 - the demo's pages work without it; the log says why
        log.exception("historique de démonstration")
        return False
    return True


def _record_all(data_dir: Path, served_dir: Path) -> None:
    from data_access.demo.catalogue_toml import render_catalogue
    from data_access.demo.chantiers import ENTRY
    from data_access.demo.common import write_ods_csv
    from data_access.engine.backend import CONNECTIONS
    from data_access.history.versions import history_dir, read_versions, record
    from data_access.repository import Repository

    repository = Repository.from_data_dir(data_dir, served_dir=served_dir)
    key = repository.catalogue.get(DATASET).key
    with open(data_dir / "chantiers.csv", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        header, rows = reader.fieldnames, list(reader)
    scratch = Path(tempfile.mkdtemp(prefix="portail-histoire-"))
    try:
        folder = history_dir(served_dir, DATASET)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".verrou-demo", "a+") as lock:  # one process records it; the others find it done
            fcntl.flock(lock, fcntl.LOCK_EX)
            if read_versions(folder):
                return
            for later, moment in zip((3, 2, 1), MOMENTS):
                earlier = scratch / f"v{later}"
                earlier.mkdir()
                (earlier / "catalogue.toml").write_text(render_catalogue([ENTRY]), encoding="utf-8")
                write_ods_csv(earlier / "chantiers.csv", header,
                              [[r[h] for h in header] for r in _as_it_was(rows, moment, later)])
                served = Repository.from_data_dir(earlier, served_dir=scratch / "servi").served(DATASET)
                record(CONNECTIONS.cursor(), served, served_dir, DATASET, key, moment=moment)
            record(CONNECTIONS.cursor(), repository.served(DATASET), served_dir, DATASET, key, moment=SNAPSHOT)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
