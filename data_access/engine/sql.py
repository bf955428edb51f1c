"""A typed Query compiled to DuckDB SQL over a served Parquet file. Values are always bound as parameters,
never pasted into the text; column names come from the dataset's fields (never from the URL) and are quoted.

The meaning is the one tests/helpers/oracle.py gives each clause over a pandas table, clause for clause:
- each search word must be in the row's folded text fields (`__texte`, accents and case ignored);
- a refine keeps the rows equal to one of its values (a multivalued cell: one of its values; a date: within one
  of its periods), an exclude drops them and keeps the rows without a value;
- `from.` and `to.` are inclusive bounds (a period's end is exclusive); a row without a value is dropped;
- the sort puts missing values last, text in French order (accents and case ignored: lower(strip_accents()),
  the same fold as the search), ties in the source's order.
"""
from __future__ import annotations

from typing import Any, Callable

from data_access.engine.columns import ROW, TEXT, values_column
from data_access.query import Period, Query, fold
from data_access.readers.base import FieldInfo


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Bound:
    """SQL text a feature writes in order, with the parameters its `?` take, in the same order."""

    def __init__(self):
        self.params: list = []

    def bind(self, value) -> str:
        self.params.append(value)
        return "?"


class Clauses:
    """The WHERE of a query, clause by clause, with its parameters, so that a facet can leave out its own."""

    def __init__(self, query: Query, fields: tuple[FieldInfo, ...]):
        self.items: list[tuple[tuple, str, list]] = []  # (the clause's key, sql, params)
        by_name = {f.name: f for f in fields}
        for word in dict.fromkeys(fold(query.q).split()) if query.q else ():
            self.items.append((("q", word), f"contains({TEXT}, ?)", [word]))
        for kind, pairs in (("refine", query.refine), ("exclude", query.exclude)):
            for name, values in pairs:
                # plain comparisons, which DuckDB pushes down into the Parquet scan: in a WHERE, a comparison
                # with a missing value drops the row, as the query layer does; an exclude keeps such rows
                sql, params = _equals_any(by_name[name], values)
                if kind == "exclude":
                    sql = f"{quoted(values_column(name) if by_name[name].separator else name)} IS NULL OR NOT ({sql})"
                self.items.append(((kind, name), sql, params))
        for name, value in query.lower:
            bound = value.start if isinstance(value, Period) else value
            self.items.append((("from", name), f"{quoted(name)} >= ?", [_bound(bound)]))
        for name, value in query.upper:
            if isinstance(value, Period):
                self.items.append((("to", name), f"{quoted(name)} < ?", [_bound(value.end)]))
            else:
                self.items.append((("to", name), f"{quoted(name)} <= ?", [_bound(value)]))

    def where(self, leave_out: Callable[[tuple], bool] | None = None) -> tuple[str, list]:
        kept = [(sql, params) for key, sql, params in self.items if leave_out is None or not leave_out(key)]
        if not kept:
            return "", []
        return " WHERE " + " AND ".join(f"({sql})" for sql, _ in kept), [p for _, params in kept for p in params]


def _bound(value: Any) -> Any:
    """A bound as DuckDB binds it: pandas timestamps as Python datetimes."""
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value


def _equals_any(field: FieldInfo, values: tuple[Any, ...]) -> tuple[str, list]:
    column = quoted(field.name)
    if field.separator:
        return f"list_has_any({quoted(values_column(field.name))}, ?::VARCHAR[])", [[str(v) for v in values]]
    if field.is_temporal:
        parts = [f"({column} >= ? AND {column} < ?)" for _ in values]
        return "(" + " OR ".join(parts) + ")", [_bound(b) for p in values for b in (p.start, p.end)]
    return f"{column} IN ({', '.join('?' for _ in values)})", [_bound(v) for v in values]


def order_by(query: Query, fields: tuple[FieldInfo, ...]) -> str:
    """ORDER BY for the query's sort, ties (and no sort) in the source's order."""
    text = {f.name for f in fields if f.type == "text"}
    keys = []
    for name, descending in query.sort:
        key = f"lower(strip_accents({quoted(name)}))" if name in text else quoted(name)
        keys.append(f"{key} {'DESC' if descending else 'ASC'} NULLS LAST")
    return " ORDER BY " + ", ".join(keys + [ROW])
