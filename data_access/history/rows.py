"""The records a diff counts, a page at a time, for the history page: with a key, each record added, removed or
changed, with its fields before and after and which of them changed; without one, the rows added and removed.
Read by DuckDB from the two versions' files (through a view's filters when there are), in a stable order."""
from __future__ import annotations

from dataclasses import dataclass

from data_access.engine.sql import quoted
from data_access.history.diff import Side

STATUSES = {"a": "ajouté", "s": "supprimé", "m": "modifié"}


@dataclass(frozen=True)
class DiffRow:
    status: str  # « ajouté », « supprimé » or « modifié »
    before: dict | None  # the record's fields in the older version (None when added)
    after: dict | None  # in the newer one (None when removed)
    changed: tuple[str, ...]  # the fields whose value changed (a changed record only)


def _common(old_side: Side, new_side: Side) -> list[str]:
    before = {f.name: f.type for f in old_side.fields}
    return [f.name for f in new_side.fields if before.get(f.name) == f.type and not f.is_geo]


def diff_rows(cursor, old_side: Side, new_side: Side, key: tuple[str, ...], keyed: bool, offset: int,
              limit: int) -> list[DiffRow]:
    """A page of the records that differ: added first, then changed (with a key), then removed, each in the
    order of its key (of its fields without one)."""
    common = _common(old_side, new_side)
    if not common:
        return []
    if keyed and key and all(k in common for k in key):
        return _keyed(cursor, old_side, new_side, common, key, offset, limit)
    columns = ", ".join(quoted(c) for c in common)
    (new_rows, new_params), (old_rows, old_params) = new_side.rows(columns), old_side.rows(columns)
    order = ", ".join(str(k + 2) for k in range(len(common)))
    found = cursor.sql(
        f"SELECT * FROM (SELECT 'a' AS s, * FROM (SELECT * FROM {new_rows} EXCEPT ALL SELECT * FROM {old_rows}) "
        f"UNION ALL SELECT 's', * FROM (SELECT * FROM {old_rows} EXCEPT ALL SELECT * FROM {new_rows})) "
        f"ORDER BY 1, {order} LIMIT ? OFFSET ?",
        params=new_params + old_params + old_params + new_params + [limit, offset]).fetchall()
    return [DiffRow(STATUSES[r[0]], None if r[0] == "a" else dict(zip(common, r[1:])),
                    dict(zip(common, r[1:])) if r[0] == "a" else None, ()) for r in found]


def _keyed(cursor, old_side: Side, new_side: Side, common: list[str], key: tuple[str, ...], offset: int,
           limit: int) -> list[DiffRow]:
    compared = [c for c in common if c not in key]
    on = " AND ".join(f"o.{quoted(k)} IS NOT DISTINCT FROM n.{quoted(k)}" for k in key)
    differs = [f"o.{quoted(c)} IS DISTINCT FROM n.{quoted(c)}" for c in compared]
    status = "CASE WHEN o.__ici IS NULL THEN 'a' WHEN n.__ici IS NULL THEN 's' ELSE 'm' END"
    columns = ", ".join(quoted(c) for c in common) + ", TRUE AS __ici"
    (old_rows, old_params), (new_rows, new_params) = old_side.rows(columns), new_side.rows(columns)
    picked = ", ".join([f"o.{quoted(c)}" for c in common] + [f"n.{quoted(c)}" for c in common]
                       + [f"({d})" for d in differs])
    order = ", ".join(f"coalesce(n.{quoted(k)}, o.{quoted(k)})" for k in key)
    found = cursor.sql(
        f"SELECT {status} AS s, {picked} FROM {old_rows} o FULL OUTER JOIN {new_rows} n ON {on} "
        f"WHERE o.__ici IS NULL OR n.__ici IS NULL OR {' OR '.join(differs) or 'FALSE'} "
        f"ORDER BY s, {order} LIMIT ? OFFSET ?", params=old_params + new_params + [limit, offset]).fetchall()
    width = len(common)
    rows = []
    for r in found:
        before, after = dict(zip(common, r[1:1 + width])), dict(zip(common, r[1 + width:1 + 2 * width]))
        flags = r[1 + 2 * width:]
        rows.append(DiffRow(STATUSES[r[0]], None if r[0] == "a" else before, None if r[0] == "s" else after,
                            tuple(c for c, flag in zip(compared, flags) if flag) if r[0] == "m" else ()))
    return rows
