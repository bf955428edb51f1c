"""The history page's view model: a dataset's versions, newest first, and the diff between two of them (by default
the one asked, or the newest, against the one before it), restricted to a view's filters when the address has
them, a page of its records at a time."""
from __future__ import annotations

from dataclasses import dataclass

from data_access.engine.backend import CONNECTIONS
from data_access.engine.served import fields_of
from data_access.history import archive
from data_access.history.diff import Changes
from data_access.history.feeds import view_changes, view_side, view_sides
from data_access.history.renames import since
from data_access.history.rows import DiffRow, diff_rows
from data_access.history.versions import history_dir, read_versions
from data_access.query import FilterError, describe_query, is_grammar_key, last, parse_query, whole_number
from data_access.query.grammar import GRAMMAR_KEYS

PAGE_ROWS = 50
OLDER = "de"  # ?de=<version>: the older side of the diff
PAGE = "page"
FIELDS = "champs"  # ?champs=tous: every field in the diff's table; by default, with a key, those that changed
ALL_FIELDS = "tous"


@dataclass(frozen=True)
class History:
    versions: list[dict]  # newest first
    newer: dict | None  # the diff's sides (None: no version yet)
    older: dict | None  # None: the newer is the first version kept
    changes: Changes | None
    rows: list[DiffRow]
    page: int
    pages: int
    filters: list[tuple[str, str]]  # the view's, as given
    words: list[str]  # them in French
    labels: dict[str, str]  # field -> label
    columns: list[str]  # the fields the diff's table shows
    errors: list[FilterError]
    notices: tuple[str, ...] = ()  # a renamed field read under its former name
    narrowed: bool = False  # the table shows the key, the title and the fields changed only (else every field)
    all_fields: bool = False  # the reader asked for every field (?champs=tous)


def _filters(params: dict) -> list[tuple[str, str]]:
    pairs = []
    for key, value in params.items():
        if is_grammar_key(key) and key not in GRAMMAR_KEYS[1:]:  # q and the refine./exclude./from./to. filters
            pairs += [(key, v) for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
    return pairs


def build(served_dir, dataset, params: dict, aliases: dict | None = None) -> History:
    """The history of `dataset` for the page's parameters; VersionRefused for a version that cannot be shown."""
    folder = history_dir(served_dir, dataset.id)
    versions = read_versions(folder)
    errors: list[FilterError] = []
    filters = _filters(params)
    if not versions:
        return History([], None, None, None, [], 1, 1, filters, [], {}, [], errors)
    asked, older_asked = last(params.get(archive.PARAMETER)), last(params.get(OLDER))
    newer = archive.find(served_dir, dataset.id, asked).entry if asked is not None else versions[-1]
    position = next(k for k, v in enumerate(versions) if v["version"] == newer["version"])
    older = versions[position - 1] if position else None
    if older_asked is not None:
        older = archive.find(served_dir, dataset.id, older_asked).entry
        if older["version"] == newer["version"]:
            errors.append(FilterError(OLDER, "les deux versions comparées sont la même : choisissez-en deux"))
        elif older["date"] > newer["date"]:  # compared in time order, whichever way they were asked
            older, newer = newer, older
    fields = fields_of({"fields": newer["schema_fields"]})
    query, filter_errors = parse_query(filters, fields, aliases={**(aliases or {}), **since(versions, newer)})
    errors += filter_errors
    filters = [(k, v) for k, v in query.params if k not in GRAMMAR_KEYS[1:]]
    key = dataset.key
    changes = view_changes(CONNECTIONS.cursor(), folder, versions, older, newer, filters, key)
    total = changes.added + changes.removed + changes.changed
    pages = max(1, -(-total // PAGE_ROWS))
    page = whole_number(last(params.get(PAGE)) or "1", 1, pages)
    if page is None:
        errors.append(FilterError(PAGE, f"un numéro de page de 1 à {pages} est attendu"))
        page = 1
    rows = []
    if total:  # before a first version, nothing: its rows all added
        old_side, new_side = view_sides(folder, versions, older, newer, filters)
        rows = diff_rows(CONNECTIONS.cursor(), old_side or _nothing(folder, newer), new_side, key, changes.keyed,
                         (page - 1) * PAGE_ROWS, PAGE_ROWS)
    labels = {f.name: f.label for f in fields}
    columns = [f.name for f in fields if not f.is_geo]
    asked_fields = last(params.get(FIELDS))
    if asked_fields not in (None, ALL_FIELDS):
        errors.append(FilterError(FIELDS, f"« {ALL_FIELDS} » attendu (tous les champs)"))
    all_fields = asked_fields == ALL_FIELDS
    shown = columns
    if changes.keyed and not all_fields:  # the record's key and title, then what changed: what a reader compares
        kept = set(key) | {f.name for f in fields if f.role == "title"} | set(changes.changed_fields)
        shown = [c for c in columns if c in kept]
    return History(versions[::-1], newer, older, changes, rows, page, pages, filters,
                   describe_query(query, fields), labels, shown, errors, query.notices, shown != columns, all_fields)


def _nothing(folder, entry: dict):
    """The side before a first version: its own fields, and none of its rows."""
    from data_access.history.diff import Side

    side = view_side(folder, entry, [])
    return Side(side.path, side.fields, " WHERE FALSE")
