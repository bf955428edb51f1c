"""What changed between two versions of a dataset, counted by DuckDB over their served Parquet files: streamed,
within the engine's memory limit (a large sort or join spills to disk), so that neither version is loaded.

With a key (`key = "<field>"` in the catalogue, the identity of a record), records are matched on it: those only
in the new version are added, those only in the old one removed, and those in both whose fields differ changed,
with each field's count of changes. Without a key, or when the key is missing from a version or names two rows
in one, whole rows are compared as a multiset: rows added and removed, never « changed ».

Fields are compared by name where both versions have them with the same type; a field added, removed or whose
type changed is a schema change, said in French.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from data_access.engine.sql import quoted
from data_access.readers.base import FieldInfo


@dataclass(frozen=True)
class Changes:
    added: int
    removed: int
    changed: int  # 0 without a key
    changed_fields: dict[str, int] = field(default_factory=dict)  # field -> records changed in it
    schema_changes: tuple[str, ...] = ()  # in French
    keyed: bool = False  # records matched on the key
    note: str | None = None  # why the key was not used, in French

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.schema_changes)

    def as_dict(self) -> dict:
        return {"added": self.added, "removed": self.removed, "changed": self.changed,
                "changed_fields": dict(self.changed_fields), "schema_changes": list(self.schema_changes),
                "keyed": self.keyed, "note": self.note}


def schema_changes(old: tuple[FieldInfo, ...], new: tuple[FieldInfo, ...]) -> tuple[str, ...]:
    before, after = {f.name: f for f in old}, {f.name: f for f in new}
    said = [f"champ ajouté : « {n} »" for n in after if n not in before]
    said += [f"champ supprimé : « {n} »" for n in before if n not in after]
    said += [f"type du champ « {n} » : {before[n].type} → {after[n].type}" for n in after
             if n in before and before[n].type != after[n].type]
    return tuple(said)


def compare(cursor, old_path: str, new_path: str, old: tuple[FieldInfo, ...], new: tuple[FieldInfo, ...],
            key: tuple[str, ...] = ()) -> Changes:
    """The changes from the old file to the new one (`cursor`: a DuckDB cursor with the engine's limits)."""
    before = {f.name: f for f in old}
    common = [f.name for f in new if f.name in before and before[f.name].type == f.type]
    schema = schema_changes(old, new)
    note = None
    if not common:  # nothing to compare a row on: every row is new, every old one gone
        counts = [cursor.sql("SELECT count(*) FROM read_parquet(?)", params=[p]).fetchall()[0][0]
                  for p in (new_path, old_path)]
        return Changes(int(counts[0]), int(counts[1]), 0, {}, schema, False,
                       "aucun champ commun aux deux versions : toutes les lignes comptées")
    if key:
        if not all(k in common for k in key):
            note = (f"la clé ({', '.join(key)}) manque dans une version, ou son type a changé : lignes comparées "
                    "entières")
        elif _duplicates(cursor, old_path, key) or _duplicates(cursor, new_path, key):
            note = f"la clé ({', '.join(key)}) désigne plusieurs lignes : lignes comparées entières"
        else:
            return _by_key(cursor, old_path, new_path, common, key, schema)
    columns = ", ".join(quoted(c) for c in common)
    added, removed = cursor.sql(
        f"SELECT (SELECT count(*) FROM (SELECT {columns} FROM read_parquet(?) EXCEPT ALL "
        f"SELECT {columns} FROM read_parquet(?))), (SELECT count(*) FROM (SELECT {columns} FROM read_parquet(?) "
        f"EXCEPT ALL SELECT {columns} FROM read_parquet(?)))",
        params=[new_path, old_path, old_path, new_path]).fetchall()[0]
    return Changes(int(added), int(removed), 0, {}, schema, False, note)


def _duplicates(cursor, path: str, key: tuple[str, ...]) -> bool:
    columns = ", ".join(quoted(k) for k in key)
    return bool(cursor.sql(f"SELECT count(*) > 0 FROM (SELECT {columns} FROM read_parquet(?) GROUP BY ALL "
                           "HAVING count(*) > 1)", params=[path]).fetchall()[0][0])


def _by_key(cursor, old_path: str, new_path: str, common: list[str], key: tuple[str, ...],
            schema: tuple[str, ...]) -> Changes:
    compared = [c for c in common if c not in key]
    on = " AND ".join(f"o.{quoted(k)} IS NOT DISTINCT FROM n.{quoted(k)}" for k in key)
    differs = {c: f"o.{quoted(c)} IS DISTINCT FROM n.{quoted(c)}" for c in compared}
    both = "o.__ici AND n.__ici"
    per_field = "".join(f", count(*) FILTER (WHERE {both} AND {d})" for d in differs.values())
    any_field = " OR ".join(differs.values()) or "FALSE"
    columns = ", ".join(quoted(c) for c in common)
    row = cursor.sql(
        f"SELECT count(*) FILTER (WHERE o.__ici IS NULL), count(*) FILTER (WHERE n.__ici IS NULL), "
        f"count(*) FILTER (WHERE {both} AND ({any_field})){per_field} "
        f"FROM (SELECT {columns}, TRUE AS __ici FROM read_parquet(?)) o "
        f"FULL OUTER JOIN (SELECT {columns}, TRUE AS __ici FROM read_parquet(?)) n ON {on}",
        params=[old_path, new_path]).fetchall()[0]
    counts = {c: int(n) for c, n in zip(compared, row[3:]) if n}
    return Changes(int(row[0]), int(row[1]), int(row[2]), counts, schema, True, None)
