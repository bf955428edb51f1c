"""Every version of a dataset's content, kept for its history.

Beside a dataset's served versions, `<SERVED_DIR>/<id>/.historique/` holds:
- `versions.json`: the versions kept, oldest first. Each has its `version` (its date and time, safe in a URL),
  `date`, `source` (the served version it was), `rows`, `schema` (each field's name and type) and what changed
  since the version before it (diff.Changes: `added`, `removed`, `changed`, `changed_fields`, `schema_changes`);
- `<version>/data.parquet`: that version's served Parquet, compressed as served: a hard link to the served file
  when the disk allows it, so that keeping the version being served costs no copy; `<version>/manifest.json`, its
  served manifest (archive.py reads the version back as the engine reads a served dataset).

The sync records each version it serves (`record`). A content equal to the last one kept is not a new version.
The oldest go under the retention rule: the newest HISTORY_VERSIONS and every one younger than HISTORY_DAYS are
kept, whichever keeps more.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from config_list import int_default
from data_access.clock import now_paris
from data_access.engine.served import DATA, MANIFEST, fields_of
from data_access.files import write_atomically
from data_access.history.diff import Changes, compare

log = logging.getLogger(__name__)
HISTORY = ".historique"
INDEX = "versions.json"


@dataclass(frozen=True)
class Retention:
    versions: int = int_default("HISTORY_VERSIONS")
    days: int = int_default("HISTORY_DAYS")


def history_dir(served_dir: Path, dataset_id: str) -> Path:
    return Path(served_dir) / dataset_id / HISTORY


def read_versions(folder: Path, strict: bool = False) -> list[dict]:
    """The versions kept, oldest first ([] when none). A damaged index is logged and read as none, or raises
    when `strict` (the sync must never write an index over one it could not read: the history would be lost)."""
    try:
        return json.loads((folder / INDEX).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.error("historique illisible dans %s : %s", folder, exc)
        if strict:
            raise
        return []


def version_file(folder: Path, version: str) -> Path:
    return folder / version / DATA


def _schema(fields) -> list[dict]:
    return [{"name": f.name, "type": f.type} for f in fields]


def _new_id(versions: list[dict], moment: dt.datetime) -> str:
    """The version's id: its date and time (`20261207-203512`), with a suffix when two fall in the same second."""
    base = moment.strftime("%Y%m%d-%H%M%S")
    taken = {v["version"] for v in versions}
    suffix = 1
    name = base
    while name in taken:
        suffix += 1
        name = f"{base}-{suffix}"
    return name


def _keep(source: Path, target: Path) -> None:
    """The served file kept as a version: linked (no copy) or copied aside, then renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    aside = target.with_name(f".{target.name}.en-cours")
    aside.unlink(missing_ok=True)
    try:
        os.link(source, aside)
    except OSError:  # another disk, or links refused: a copy, on disk before it is named
        shutil.copyfile(source, aside)
        handle = os.open(aside, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
    os.replace(aside, target)


def record(cursor, served, served_dir: Path, dataset_id: str, key: tuple[str, ...] = (),
           retention: Retention = Retention(), moment: dt.datetime | None = None) -> dict | None:
    """Keep the served version `served` (data_access.engine.store.Served) in the dataset's history, with what
    changed since the last version kept; None when its content is the last one's (nothing kept)."""
    import duckdb

    folder = history_dir(served_dir, dataset_id)
    versions = read_versions(folder, strict=True)
    source = served.folder.name
    if versions and versions[-1]["source"] == source:
        return None
    moment = moment or now_paris()
    last = versions[-1] if versions else None
    changes = None
    if last is not None and version_file(folder, last["version"]).is_file():
        try:
            changes = compare(cursor, str(version_file(folder, last["version"])), str(served.data),
                              fields_of({"fields": last["schema_fields"]}), served.fields, key)
        except duckdb.Error as exc:  # the last version's file damaged: this one starts afresh, said so
            log.error("historique de %s : version %s illisible (%s)", dataset_id, last["version"], exc)
        if changes is not None and not changes.any:  # the same content served again: nothing new to keep
            last["source"] = source  # and the next sync of this served version compares nothing
            _write_index(folder, versions)
            return None
    if changes is None:  # the first version kept (or the last one's rows lost): every record is new
        names = {f.name for f in served.fields}
        changes = Changes(added=served.rows, removed=0, changed=0, keyed=bool(key) and set(key) <= names,
                          note=None if last is None else "les lignes de la version précédente sont illisibles "
                                                         "ou introuvables : toutes comptées comme ajoutées")
    entry = {"version": _new_id(versions, moment), "date": moment.isoformat(timespec="seconds"), "source": source,
             "rows": served.rows, "schema": _schema(served.fields), "schema_fields": served.manifest["fields"],
             **changes.as_dict()}
    _keep(served.data, version_file(folder, entry["version"]))
    # its manifest as served (fields, value counts, notes), read back when the version is shown (archive.py)
    write_atomically(folder / entry["version"] / MANIFEST, json.dumps(
        {k: v for k, v in served.manifest.items() if k != "cluster_keys"}, ensure_ascii=False).encode())
    versions.append(entry)
    kept = retained(versions, retention, moment)
    _write_index(folder, kept)
    listed = {v["version"] for v in kept}
    for left in folder.iterdir():  # the versions past retention, and any a stopped sync left unlisted
        if left.is_dir() and not left.name.startswith(".") and left.name not in listed:
            shutil.rmtree(left, ignore_errors=True)
    return entry


def _write_index(folder: Path, versions: list[dict]) -> None:
    write_atomically(folder / INDEX, json.dumps(versions, ensure_ascii=False, indent=1).encode())


def retained(versions: list[dict], retention: Retention, moment: dt.datetime) -> list[dict]:
    """The versions the rule keeps (oldest first): the newest `retention.versions`, and every one younger than
    `retention.days`, whichever keeps more. The oldest go first."""
    young = sum(1 for v in versions if moment - dt.datetime.fromisoformat(v["date"]) < dt.timedelta(
        days=retention.days))
    return versions[-max(retention.versions, young, 1):]


def changes_words(entry: dict) -> str:
    """What a version changed, in French: « 3 ajoutés, 2 supprimés, 1 modifié » (records with a key, else rows)."""
    from data_access.french import plural

    if entry.get("keyed"):
        said = ", ".join(plural(entry[k], word) for k, word in (("added", "ajouté"), ("removed", "supprimé"),
                                                                 ("changed", "modifié")))
    else:
        said = f"{plural(entry['added'], 'ligne ajoutée', 'lignes ajoutées')}, {plural(entry['removed'], 'supprimée')}"
    return said + "".join(f" ; {change}" for change in entry.get("schema_changes") or ())


def remember(dataset, served, retention: Retention = Retention()) -> str | None:
    """The sync's step after serving a dataset (`served`, its served version): the version kept in the history
    when its content changed; the line the sync prints, or None when there is nothing new. A failure is logged
    and said, never raised: the data is served all the same."""
    from data_access.engine.backend import CONNECTIONS

    try:
        entry = record(CONNECTIONS.cursor(), served, served.folder.parent.parent, dataset.id, dataset.key,
                       retention)
    except Exception:  # a full disk, a damaged index: the history waits for the next sync, and keeps what it had
        log.exception("historique de %s", dataset.id)
        return f"{dataset.id} : historique non mis à jour (détails dans le journal)"
    if entry is None:
        return None
    return f"{dataset.id} : version {entry['version']} gardée dans l'historique ({changes_words(entry)})"
