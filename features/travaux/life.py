"""The works sites' life, read from the versions the history keeps (data_access/history): for each site (by the
dataset's key, else its `id` role), the day each version changed its status or its planned end, and the day it
entered the data when that came after the oldest version kept. What an elected official asks: which sites slip.

The three columns are read from every kept version's Parquet file by DuckDB, once per newest version and process
(the derived structures), whatever the page asks: a works register has hundreds or thousands of sites. A version
that lacks a column (before the field existed) reads it as unknown, and unknown is never a change; a field renamed
since is read under its name then (history/renames.py)."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from data_access.engine.sql import quoted
from data_access.history.versions import history_dir, read_versions, version_file

log = logging.getLogger(__name__)
STATUS, END, LISTED = "statut", "fin prévue", "apparu"


@dataclass(frozen=True)
class Event:
    day: dt.date  # the date of the version that changed it
    what: str  # STATUS, END or LISTED
    before: object = None  # the status (str) or planned end (dt.date) before; None for LISTED
    after: object = None


@dataclass(frozen=True)
class Lives:
    """Every site's changes across the versions kept (sites never changed have none)."""

    since: dt.date  # the oldest version kept
    versions: tuple[dt.date, ...]  # every kept version's day, oldest first
    events: dict  # str(key) -> tuple[Event, ...], oldest first

    def of(self, key) -> tuple[Event, ...]:
        return self.events.get(key_text(key), ())

    def ends_moved(self, first: dt.date, last: dt.date) -> dict[str, int]:
        """The sites whose planned end a version dated from `first` to `last` moved: key -> +1 when it was pushed
        later, -1 when brought earlier (the last move of the period counts)."""
        moved = {}
        for key, events in self.events.items():
            for event in events:
                if event.what == END and first <= event.day <= last and None not in (event.before, event.after):
                    moved[key] = 1 if event.after > event.before else -1
        return moved

    def has_version(self, first: dt.date, last: dt.date) -> bool:
        """Whether a version dated from `first` to `last` was kept (without one, nothing can have moved)."""
        return any(first <= day <= last for day in self.versions[1:])


def key_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def lives(served_dir: Path, dataset_id: str, key: str, status: str | None, end: str | None) -> Lives | None:
    """The sites' lives from the dataset's history, or None when fewer than two versions are kept (or none can be
    read): a life needs a change to show."""
    from data_access.derived import derived

    folder = history_dir(served_dir, dataset_id)
    versions = [v for v in read_versions(folder) if version_file(folder, v["version"]).is_file()]
    if len(versions) < 2:
        return None
    try:
        return derived(("travaux-vies", str(folder), versions[-1]["version"], key, status, end),
                       lambda: _read(folder, versions, key, status, end))
    except Exception:  # noqa: BLE001 - a damaged version: the dashboard shows today's data without the history
        log.exception("historique des chantiers de %s illisible", dataset_id)
        return None


def of_dataset(served_dir: Path, dataset, roles) -> tuple[str, Lives] | None:
    """(the key field, the lives) of a works dataset: its declared key when it is one field, else its `id` role;
    None without either, or without two versions kept."""
    key = dataset.key[0] if len(dataset.key) == 1 else roles["id"]
    if not key:
        return None
    found = lives(served_dir, dataset.id, key, roles["status"], roles["planned_end_date"])
    return None if found is None else (key, found)


def _column(entry: dict, name: str | None, cast: str) -> str:
    names = {f["name"] for f in entry.get("schema", ())}
    return f"TRY_CAST({quoted(name)} AS {cast})" if name and name in names else f"CAST(NULL AS {cast})"


def _read(folder: Path, versions: list[dict], key: str, status: str | None, end: str | None) -> Lives:
    from data_access.engine.backend import CONNECTIONS

    from data_access.history.renames import since

    parts, params = [], []
    for order, entry in enumerate(versions):
        names = {now: alias.name for now, alias in since(versions, entry).items()}  # a field renamed since
        key_then = names.get(key, key)
        if key_then not in {f["name"] for f in entry.get("schema", ())}:
            continue  # a version without the key: its sites cannot be followed
        parts.append(f"SELECT {order} AS v, CAST({quoted(key_then)} AS VARCHAR) AS k, "
                     f"{_column(entry, names.get(status, status), 'VARCHAR')} AS s, "
                     f"{_column(entry, names.get(end, end), 'DATE')} AS e FROM read_parquet(?)")
        params.append(str(version_file(folder, entry["version"])))
    days = [dt.datetime.fromisoformat(v["date"]).date() for v in versions]
    if not parts:
        return Lives(days[0], tuple(days), {})
    rows = CONNECTIONS.cursor().sql(
        "SELECT * FROM (SELECT v, k, s, e, lag(v) OVER w AS pv, lag(s) OVER w AS ps, lag(e) OVER w AS pe FROM "
        "(SELECT v, k, min(s) AS s, min(e) AS e FROM (" + " UNION ALL ".join(parts) + ") WHERE k IS NOT NULL "
        "GROUP BY v, k) WINDOW w AS (PARTITION BY k ORDER BY v)) WHERE pv IS NULL AND v > 0 "
        "OR s IS DISTINCT FROM ps AND s IS NOT NULL AND ps IS NOT NULL "
        "OR e IS DISTINCT FROM pe AND e IS NOT NULL AND pe IS NOT NULL ORDER BY k, v",
        params=params).fetchall()
    events: dict[str, list[Event]] = {}
    for v, k, s, e, previous, s_before, e_before in rows:
        found = events.setdefault(k, [])
        if previous is None:
            found.append(Event(days[v], LISTED))
            continue
        if s != s_before and None not in (s, s_before):
            found.append(Event(days[v], STATUS, s_before, s))
        if e != e_before and None not in (e, e_before):
            found.append(Event(days[v], END, e_before, e))
    return Lives(days[0], tuple(days), {k: tuple(v) for k, v in events.items()})


def _days_text(days: list[dt.date]) -> list[str]:
    """Planned ends as the card writes them: « 12/03 », with the year when they span more than one."""
    pattern = "%d/%m" if len({d.year for d in days}) == 1 else "%d/%m/%Y"
    return [d.strftime(pattern) for d in days]


def summary(events: tuple[Event, ...]) -> list[str]:
    """A site's life in a few lines: « fin prévue repoussée 3 fois : 12/03 → 30/04 → 30/06 », « statut : programmé
    → en cours », « dans les données depuis le 05/10/2026 »."""
    from data_access.french import plural

    lines = []
    listed = [e for e in events if e.what == LISTED]
    if listed:
        lines.append(f"dans les données depuis le {listed[0].day:%d/%m/%Y}")
    statuses = [e for e in events if e.what == STATUS]
    if statuses:
        lines.append("statut : " + " → ".join([statuses[0].before] + [e.after for e in statuses]))
    ends = [e for e in events if e.what == END]
    if ends:
        later = sum(e.after > e.before for e in ends)
        verb = "repoussée" if later == len(ends) else "avancée" if later == 0 else "déplacée"
        times = "une fois" if len(ends) == 1 else plural(len(ends), "fois", "fois")
        lines.append(f"fin prévue {verb} {times} : " + " → ".join(_days_text([ends[0].before] + [e.after
                                                                                            for e in ends])))
    return lines


def event_words(event: Event) -> str:
    """One change, dated: « 05/10/2026 : fin prévue repoussée du 12/03/2027 au 30/04/2027 »."""
    if event.what == LISTED:
        said = "entre dans les données"
    elif event.what == STATUS:
        said = f"statut « {event.before} » → « {event.after} »"
    else:
        verb = "repoussée" if event.after > event.before else "avancée"
        said = f"fin prévue {verb} du {event.before:%d/%m/%Y} au {event.after:%d/%m/%Y}"
    return f"{event.day:%d/%m/%Y} : {said}"
