"""The demo's short history, so that the history page, the feeds, `?version=` and freshness show something
offline: for the works sites (`chantiers`) and the associations (`associations`), three earlier versions, each
derived from the snapshot's file by rules with no randomness (demo_rules.py: the same snapshot always gives the
same versions), then the snapshot itself. Each version is converted as any served file, then kept by the history
(versions.record) at its own date, 06:00 in Rouen: 7 September, 5 October and 2 November 2026, then the
snapshot's 15 November.

Each dataset's history is recorded once per served folder, by one process (a lock in its history folder: the
others wait, then find it done); a served folder that has one dataset's history and not another's gets the
missing one at the next start."""
from __future__ import annotations

import fcntl
import logging
import shutil
import tempfile
from pathlib import Path

from data_access.history.demo_rules import HISTORIES, MOMENTS, SNAPSHOT, Rules

log = logging.getLogger(__name__)
LOCK = ".verrou-demo"


def ensure_demo_history(data_dir: Path, served_dir: Path, histories: tuple[Rules, ...] = HISTORIES) -> bool:
    """Record in `served_dir` the history of each demo dataset that has none yet (True when one was recorded
    now); a failure is logged, never raised: the demo works without its history."""
    from data_access.history.versions import history_dir, read_versions

    recorded = False
    for rules in histories:
        if read_versions(history_dir(served_dir, rules.dataset)) or not (Path(data_dir) / rules.file).is_file():
            continue
        try:
            recorded |= _record_all(Path(data_dir), Path(served_dir), rules)
        except Exception:  # noqa: BLE001 - the demo's pages work without it; the log says why
            log.exception("historique de démonstration de %s", rules.dataset)
    return recorded


def _record_all(data_dir: Path, served_dir: Path, rules: Rules) -> bool:
    """The dataset's versions recorded, oldest first (False when another process did it first)."""
    from data_access.demo.catalogue_toml import render_catalogue
    from data_access.demo.generate import DATASETS
    from data_access.engine.backend import CONNECTIONS
    from data_access.history.versions import history_dir, read_versions, record
    from data_access.repository import Repository

    repository = Repository.from_data_dir(data_dir, served_dir=served_dir)
    key = repository.catalogue.get(rules.dataset).key
    entry = next(e for e, _ in DATASETS if e["id"] == rules.dataset)
    folder = history_dir(served_dir, rules.dataset)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a+") as lock:  # one process records it; the others find it done
        fcntl.flock(lock, fcntl.LOCK_EX)
        if read_versions(folder):
            return False
        scratch = Path(tempfile.mkdtemp(prefix="portail-histoire-"))
        try:
            for later, moment in zip(range(len(MOMENTS), 0, -1), MOMENTS):
                earlier = scratch / f"v{later}"
                earlier.mkdir()
                (earlier / "catalogue.toml").write_text(render_catalogue([entry]), encoding="utf-8")
                rules.earlier(data_dir / rules.file, moment, later, earlier / entry["path"])
                served = Repository.from_data_dir(earlier, served_dir=scratch / "servi").served(rules.dataset)
                record(CONNECTIONS.cursor(), served, served_dir, rules.dataset, key, moment=moment)
            record(CONNECTIONS.cursor(), repository.served(rules.dataset), served_dir, rules.dataset, key,
                   moment=SNAPSHOT)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return True
