"""What the Atom feeds say, from the history: an entry per version of a dataset, per new dataset or version in the
catalogue, and per version where a filtered view's own rows changed, counted as the sync counts (diff.py) but
within the view's filters on each side. Entries come newest first; the Atom itself is written by atom.py."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from data_access.clock import PARIS
from data_access.history.diff import Changes, Side, compare_sides
from data_access.history.versions import changes_words, history_dir, read_versions, version_file

PREFIX = "/flux"
VIEW_ONLY = ("sort", "select", "limit")  # the grammar's keys that choose how rows are shown, not which: no feed's
FEED_VERSIONS = 20  # the newest versions a feed looks at (an Atom feed is a window, its reader keeps the rest)
CATALOGUE_ENTRIES = 50


@dataclass(frozen=True)
class Entry:
    key: str  # stable and unique in its feed: the entry's id is built from it
    title: str
    updated: dt.datetime
    summary: str  # in French
    link: str  # a path of this portal, with its query


def feed_path(page_path: str, filters: list[tuple[str, str]] = ()) -> str:
    """The feed of a page: the catalogue's, or a dataset's with the view's filters (other parameters left out)."""
    from data_access.query.grammar import is_grammar_key

    kept = [(k, v) for k, v in filters if is_grammar_key(k) and k not in VIEW_ONLY]
    return f"{PREFIX}{page_path}.atom" + (f"?{urlencode(kept)}" if kept else "")


def moment_words(date: str) -> str:
    """A version's ISO date-time in words, in Rouen's time: « du 07/12/2026 à 21:41 »."""
    moment = dt.datetime.fromisoformat(date).astimezone(PARIS)
    return f"du {moment:%d/%m/%Y} à {moment:%H:%M}"


def version_words(entry: dict) -> str:
    """« version du 07/12/2026 à 21:41 »"""
    return "version " + moment_words(entry["date"])


def history_link(dataset_id: str, version: str, filters: list[tuple[str, str]] = ()) -> str:
    """The history page on a version's diff with the one before it, filtered as the view is."""
    return f"/jeux-de-donnees/{dataset_id}/historique?" + urlencode([("version", version), *filters])


def _summary(entry: dict, first: bool) -> str:
    said = changes_words(entry)
    fields = entry.get("changed_fields") or {}
    if fields:
        said += " ; champs modifiés : " + ", ".join(f"{name} ({count})" for name, count in fields.items())
    return ("première version gardée : " if first else "") + said


def dataset_entries(served_dir, dataset) -> list[Entry]:
    """Each version the history keeps, newest first, with what it changed."""
    versions = read_versions(history_dir(served_dir, dataset.id))
    entries = []
    for k, entry in enumerate(versions):
        entries.append(Entry(f"{dataset.id}/{entry['version']}", f"{dataset.title} : {version_words(entry)}",
                             dt.datetime.fromisoformat(entry["date"]), _summary(entry, k == 0 and not entry.get("note")),
                             history_link(dataset.id, entry["version"])))
    return entries[::-1][:FEED_VERSIONS]


def catalogue_entries(served_dir, catalogue) -> list[Entry]:
    """New datasets and new versions, newest first: a dataset's first version kept is its arrival; a dataset the
    history has never seen arrives on its catalogue date."""
    entries = []
    for dataset in catalogue.datasets:
        versions = read_versions(history_dir(served_dir, dataset.id))
        if not versions and dataset.modified is not None:
            day = dt.datetime.combine(dataset.modified, dt.time(), PARIS)
            entries.append(Entry(f"{dataset.id}/publie", f"Nouveau jeu de données : {dataset.title}", day,
                                 dataset.description or dataset.theme, f"/jeux-de-donnees/{dataset.id}"))
        for entry in dataset_entries(served_dir, dataset):
            if entry.key == f"{dataset.id}/{versions[0]['version']}":
                entry = Entry(entry.key, f"Nouveau jeu de données : {dataset.title}", entry.updated, entry.summary,
                              f"/jeux-de-donnees/{dataset.id}")
            entries.append(entry)
    return sorted(entries, key=lambda e: e.updated, reverse=True)[:CATALOGUE_ENTRIES]


def view_side(folder, entry: dict, params: list[tuple[str, str]], versions: list[dict] | None = None) -> Side:
    """A version's rows in the view: the filters (with today's field names, those of the last of `versions`) read
    against that version's own fields; a filter on a field it did not have keeps none of its rows (the view did not
    exist then)."""
    from data_access.engine.served import fields_of
    from data_access.engine.sql import Clauses
    from data_access.history.renames import since
    from data_access.query import parse_query

    fields = fields_of({"fields": entry["schema_fields"]})
    path = str(version_file(folder, entry["version"]))
    query, errors = parse_query(params, fields, aliases=since(versions, entry) if versions else None)
    if errors:
        return Side(path, fields, " WHERE FALSE")
    where, values = Clauses(query, fields).where()
    return Side(path, fields, where, tuple(values))


def view_sides(folder, versions: list[dict], older: dict | None, newer: dict, params: list[tuple[str, str]]
               ) -> tuple[Side | None, Side]:
    """The two sides of a view's diff (no older side before a first version), the fields renamed between them
    read under their new names."""
    from data_access.history.renames import renamed_between

    new_side = view_side(folder, newer, params, versions)
    if older is None:
        return None, new_side
    old_side = view_side(folder, older, params, versions)
    renamed = renamed_between(versions, older, newer)
    return (old_side.renaming(renamed) if renamed else old_side), new_side


def view_changes(cursor, folder, versions: list[dict], older: dict | None, newer: dict,
                 params: list[tuple[str, str]], key: tuple[str, ...]) -> Changes:
    """What changed in the view's own rows from `older` to `newer` (all of them added for the first version),
    computed once per process for a pair of versions and a view."""
    from data_access.derived import derived

    old_side, new_side = view_sides(folder, versions, older, newer, params)

    def computed() -> Changes:
        if old_side is None:
            rows, values = new_side.rows()
            count = cursor.sql(f"SELECT count(*) FROM {rows}", params=values).fetchall()[0][0]
            return Changes(int(count), 0, 0, keyed=bool(key))
        return compare_sides(cursor, old_side, new_side, key)

    return derived(("diff-vue", repr(new_side), repr(old_side), key), computed)  # a filter's values may be lists


def view_entries(cursor, served_dir, dataset, params: list[tuple[str, str]], words: str) -> list[Entry]:
    """An entry per version, among the newest FEED_VERSIONS, where the view's own rows changed (`params`: its
    filters, in the grammar; `words`: them in French, for the titles)."""
    folder = history_dir(served_dir, dataset.id)
    versions = read_versions(folder)
    start = max(0, len(versions) - FEED_VERSIONS)
    entries = []
    for k in range(start, len(versions)):
        older, newer = (versions[k - 1] if k else None), versions[k]
        if not version_file(folder, newer["version"]).is_file() or (
                older is not None and not version_file(folder, older["version"]).is_file()):
            continue
        changes = view_changes(cursor, folder, versions, older, newer, params, dataset.key)
        if not changes.any:
            continue
        said = {**newer, **changes.as_dict(), "schema_changes": newer.get("schema_changes") or []}
        entries.append(Entry(f"{dataset.id}/{newer['version']}?{urlencode(params)}",
                             f"{dataset.title} ({words}) : {version_words(newer)}",
                             dt.datetime.fromisoformat(newer["date"]), _summary(said, older is None),
                             history_link(dataset.id, newer["version"], params)))
    return entries[::-1]
