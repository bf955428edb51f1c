"""Fields renamed across a dataset's versions, so that schema changes break no link. The sync records each rename
it finds (diff.renames) in the version's `renamed` (old name -> new name). From them:
- `aliases`: the former names a URL may still use, for HISTORY_DAYS after the rename, each read as the field's name
  today, with a notice (query.Alias);
- `since`: the names a version had for today's fields, so that a view's filters, written with today's names, read
  an older version (a feed, a diff).
Renames chain: « titre » renamed « intitule », then « libelle », is read as « libelle »."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from data_access.query import Alias


def _day(entry: dict) -> dt.date:
    return dt.datetime.fromisoformat(entry["date"]).date()


def chained(versions: list[dict], days: int | None = None) -> dict[str, Alias]:
    """Every former name in `versions` (oldest first) -> the name it has in the last of them, since the version
    that renamed it (and until `days` after, when given)."""
    found: dict[str, Alias] = {}
    for entry in versions:
        for old, new in (entry.get("renamed") or {}).items():
            for former, alias in list(found.items()):
                if alias.name == old:
                    found[former] = Alias(new, alias.since, alias.until)
            since = _day(entry)
            found[old] = Alias(new, since, since + dt.timedelta(days=days) if days is not None else None)
    return {old: alias for old, alias in found.items() if alias.name != old}


def aliases(served_dir: Path, dataset_id: str, today: dt.date, days: int) -> dict[str, Alias]:
    """The former names a URL may still use today (renamed less than `days` ago), by the dataset's history."""
    from data_access.history.versions import history_dir, read_versions

    return {old: alias for old, alias in chained(read_versions(history_dir(served_dir, dataset_id)), days).items()
            if alias.until is None or today <= alias.until}


def since(versions: list[dict], entry: dict) -> dict[str, Alias]:
    """For a version (`entry`, one of `versions`): today's names of the fields renamed after it -> their names in
    that version."""
    later = versions[next(k for k, v in enumerate(versions) if v["version"] == entry["version"]) + 1:]
    names: dict[str, Alias] = {}
    for old, alias in chained(later).items():  # the first former name is the one the version had
        names.setdefault(alias.name, Alias(old))
    return names


def renamed_between(versions: list[dict], older: dict, newer: dict) -> dict[str, str]:
    """The fields renamed after `older` up to `newer` (old name -> new name), as the diff reads them."""
    order = [v["version"] for v in versions]
    between = versions[order.index(older["version"]) + 1:order.index(newer["version"]) + 1]
    return {old: alias.name for old, alias in chained(between).items()}
