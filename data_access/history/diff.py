"""What changed between two versions of a dataset, counted by DuckDB over their served Parquet files: streamed,
within the engine's memory limit (a large sort or join spills to disk), so that neither version is loaded.

With a key (`key = "<field>"` in the catalogue, the identity of a record), records are matched on it: those only
in the new version are added, those only in the old one removed, and those in both whose fields differ changed,
with each field's count of changes. Without a key, or when the key is missing from a version or names two rows
in one, whole rows are compared as a multiset: rows added and removed, never « changed ».

Fields are compared by name where both versions have them with the same type; a field added, removed or whose
type changed is a schema change, said in French. A field gone and a new one of the same type holding the same
values is a rename (`renames`): on the key, the same value for every record of both versions; without a key, the
same values as a multiset, with at least two distinct ones. The diff then compares them as one field.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

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
    renamed: dict[str, str] = field(default_factory=dict)  # old name -> new name

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.schema_changes)

    def as_dict(self) -> dict:
        return {"added": self.added, "removed": self.removed, "changed": self.changed,
                "changed_fields": dict(self.changed_fields), "schema_changes": list(self.schema_changes),
                "keyed": self.keyed, "note": self.note, "renamed": dict(self.renamed)}


def schema_changes(old: tuple[FieldInfo, ...], new: tuple[FieldInfo, ...],
                   renamed: dict[str, str] | None = None) -> tuple[str, ...]:
    """The schema's changes in French; `old` has its renamed fields under their new names already."""
    before, after = {f.name: f for f in old}, {f.name: f for f in new}
    said = [f"champ renommé : « {o} » → « {n} »" for o, n in (renamed or {}).items()]
    said += [f"champ ajouté : « {n} »" for n in after if n not in before]
    said += [f"champ supprimé : « {n} »" for n in before if n not in after]
    said += [f"type du champ « {n} » : {before[n].type} → {after[n].type}" for n in after
             if n in before and before[n].type != after[n].type]
    return tuple(said)


@dataclass(frozen=True)
class Side:
    """One version as the diff reads it: its file and fields, and the rows of a view (a WHERE and its values from
    the filter grammar's Clauses, on that version's fields), all its rows by default."""

    path: str
    fields: tuple[FieldInfo, ...]
    where: str = ""
    params: tuple = ()
    renamed: tuple[tuple[str, str], ...] = ()  # (old, new): fields read under their new names

    def rows(self, columns: str = "*") -> tuple[str, list]:
        source = f"(SELECT * FROM read_parquet(?){self.where})"
        if self.renamed:  # the view's WHERE reads the version's own names; the diff the new ones
            source = f"(SELECT * RENAME ({', '.join(f'{quoted(o)} AS {quoted(n)}' for o, n in self.renamed)}) " \
                     f"FROM {source})"
        return f"(SELECT {columns} FROM {source})", [self.path, *self.params]

    def renaming(self, renamed: dict[str, str]) -> "Side":
        return replace(self, renamed=tuple(renamed.items()), fields=tuple(
            replace(f, name=renamed[f.name]) if f.name in renamed else f for f in self.fields))


def compare(cursor, old_path: str, new_path: str, old: tuple[FieldInfo, ...], new: tuple[FieldInfo, ...],
            key: tuple[str, ...] = ()) -> Changes:
    """The changes from the old file to the new one (`cursor`: a DuckDB cursor with the engine's limits)."""
    return compare_sides(cursor, Side(old_path, old), Side(new_path, new), key)


def compare_sides(cursor, old_side: Side, new_side: Side, key: tuple[str, ...] = ()) -> Changes:
    """The changes from one side to the other: a view's own when the sides are filtered. A record counts as added
    when it enters the view (new, or now kept by its filters), removed when it leaves it."""
    renamed = renames(cursor, old_side, new_side, key)
    old_side = old_side.renaming(renamed) if renamed else old_side
    old, new = old_side.fields, new_side.fields
    before = {f.name: f for f in old}
    common = [f.name for f in new if f.name in before and before[f.name].type == f.type]
    schema = schema_changes(old, new, renamed)
    note = None
    if not common:  # nothing to compare a row on: every row is new, every old one gone
        counts = []
        for side in (new_side, old_side):
            rows, params = side.rows()
            counts.append(cursor.sql(f"SELECT count(*) FROM {rows}", params=params).fetchall()[0][0])
        return Changes(int(counts[0]), int(counts[1]), 0, {}, schema, False,
                       "aucun champ commun aux deux versions : toutes les lignes comptées", renamed)
    if key:
        if not all(k in common for k in key):
            note = (f"la clé ({', '.join(key)}) manque dans une version, ou son type a changé : lignes comparées "
                    "entières")
        elif _duplicates(cursor, old_side, key) or _duplicates(cursor, new_side, key):
            note = f"la clé ({', '.join(key)}) désigne plusieurs lignes : lignes comparées entières"
        else:
            return replace(_by_key(cursor, old_side, new_side, common, key, schema), renamed=renamed)
    columns = ", ".join(quoted(c) for c in common)
    (new_rows, new_params), (old_rows, old_params) = new_side.rows(columns), old_side.rows(columns)
    added, removed = cursor.sql(
        f"SELECT (SELECT count(*) FROM (SELECT * FROM {new_rows} EXCEPT ALL SELECT * FROM {old_rows})), "
        f"(SELECT count(*) FROM (SELECT * FROM {old_rows} EXCEPT ALL SELECT * FROM {new_rows}))",
        params=new_params + old_params + old_params + new_params).fetchall()[0]
    return Changes(int(added), int(removed), 0, {}, schema, False, note, renamed)


def _duplicates(cursor, side: Side, key: tuple[str, ...]) -> bool:
    columns = ", ".join(quoted(k) for k in key)
    rows, params = side.rows(columns)
    return bool(cursor.sql(f"SELECT count(*) > 0 FROM (SELECT * FROM {rows} GROUP BY ALL HAVING count(*) > 1)",
                           params=params).fetchall()[0][0])


def _by_key(cursor, old_side: Side, new_side: Side, common: list[str], key: tuple[str, ...],
            schema: tuple[str, ...]) -> Changes:
    compared = [c for c in common if c not in key]
    on = " AND ".join(f"o.{quoted(k)} IS NOT DISTINCT FROM n.{quoted(k)}" for k in key)
    differs = {c: f"o.{quoted(c)} IS DISTINCT FROM n.{quoted(c)}" for c in compared}
    both = "o.__ici AND n.__ici"
    per_field = "".join(f", count(*) FILTER (WHERE {both} AND {d})" for d in differs.values())
    any_field = " OR ".join(differs.values()) or "FALSE"
    columns = ", ".join(quoted(c) for c in common) + ", TRUE AS __ici"
    (old_rows, old_params), (new_rows, new_params) = old_side.rows(columns), new_side.rows(columns)
    row = cursor.sql(
        f"SELECT count(*) FILTER (WHERE o.__ici IS NULL), count(*) FILTER (WHERE n.__ici IS NULL), "
        f"count(*) FILTER (WHERE {both} AND ({any_field})){per_field} "
        f"FROM {old_rows} o FULL OUTER JOIN {new_rows} n ON {on}",
        params=old_params + new_params).fetchall()[0]
    counts = {c: int(n) for c, n in zip(compared, row[3:]) if n}
    return Changes(int(row[0]), int(row[1]), int(row[2]), counts, schema, True, None)


MAX_RENAME_PAIRS = 20  # pairs of a field gone and a field come checked for a rename, at most


def renames(cursor, old_side: Side, new_side: Side, key: tuple[str, ...] = ()) -> dict[str, str]:
    """The fields renamed from one version to the other (old name -> new name): a field gone and one come, of the
    same type, holding the same values (see the module). A field that could be either of two is not renamed."""
    before, after = {f.name: f for f in old_side.fields}, {f.name: f for f in new_side.fields}
    gone = [f for n, f in before.items() if n not in after and not f.is_geo]
    come = [f for n, f in after.items() if n not in before and not f.is_geo]
    pairs = [(o.name, n.name) for o in gone for n in come if o.type == n.type][:MAX_RENAME_PAIRS]
    keyed = bool(key) and all(k in before and k in after and before[k].type == after[k].type for k in key)
    found = [(o, n) for o, n in pairs if _same_values(cursor, old_side, new_side, o, n, key if keyed else ())]
    olds, news = [o for o, _ in found], [n for _, n in found]
    return {o: n for o, n in found if olds.count(o) == 1 and news.count(n) == 1}


def _same_values(cursor, old_side: Side, new_side: Side, old: str, new: str, key: tuple[str, ...]) -> bool:
    if key:
        columns = ", ".join(quoted(k) for k in key)
        (old_rows, old_params), (new_rows, new_params) = (old_side.rows(f"{columns}, {quoted(old)} AS __v"),
                                                          new_side.rows(f"{columns}, {quoted(new)} AS __v"))
        on = " AND ".join(f"o.{quoted(k)} IS NOT DISTINCT FROM n.{quoted(k)}" for k in key)
        differ, known = cursor.sql(
            f"SELECT count(*) FILTER (WHERE o.__v IS DISTINCT FROM n.__v), count(o.__v) FROM {old_rows} o "
            f"JOIN {new_rows} n ON {on}", params=old_params + new_params).fetchall()[0]
        return differ == 0 and known > 0
    (old_rows, old_params), (new_rows, new_params) = old_side.rows(f"{quoted(old)} AS __v"), new_side.rows(
        f"{quoted(new)} AS __v")
    gone, come, distinct = cursor.sql(
        f"SELECT (SELECT count(*) FROM (SELECT * FROM {old_rows} EXCEPT ALL SELECT * FROM {new_rows})), "
        f"(SELECT count(*) FROM (SELECT * FROM {new_rows} EXCEPT ALL SELECT * FROM {old_rows})), "
        f"(SELECT count(DISTINCT __v) FROM {old_rows})",
        params=old_params + new_params + new_params + old_params + old_params).fetchall()[0]
    return gone == 0 and come == 0 and distinct >= 2
