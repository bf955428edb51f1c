"""What a dataset page shows, computed from a table and a query: field profiles, facet counts, grid blocks."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .extracts import plain_arrow, records
from .query import Query, fold, parse_query, query_pairs
from .query_run import filter_array, row_positions
from .readers.base import FieldInfo, Table

MAX_FACET_VALUES = 30
AUTO_FACET_MAX_DISTINCT = 40  # an undeclared text field with at most this many values is offered as a facet
MAX_BLOCK_ROWS = 500  # the grid never gets more rows than this in one response, whatever it asks


@dataclass(frozen=True)
class FieldProfile:
    field: FieldInfo
    distinct: int
    missing_share: float  # 0..1
    minimum: str | None
    maximum: str | None


def _display(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat(sep=" ")
    if isinstance(value, (int, float, np.number)):
        from .analysis import format_value

        return format_value(float(value))
    return str(value)


def field_profiles(table: Table) -> list[FieldProfile]:
    """For each field: distinct values, share missing, and min/max for numbers and dates."""
    profiles = []
    rows = len(table.frame)
    for field in table.fields:
        column = table.frame[field.name]
        missing = int(column.isna().sum())
        if field.is_geo:
            distinct = rows - missing
            low = high = None
        else:
            distinct = int(column.nunique(dropna=True))
            if field.is_numeric or field.is_temporal:
                low, high = _display(column.min()), _display(column.max())
            else:
                low = high = None
        profiles.append(FieldProfile(field, distinct, missing / rows if rows else 0.0, low, high))
    return profiles


def facet_fields(table: Table) -> tuple[FieldInfo, ...]:
    """The fields offered as facets: those declared `facet = true`, else short lists of text values
    (so a dataset the team never saw gets useful facets from its catalogue entry alone)."""
    declared = tuple(f for f in table.fields if f.facet and not f.is_geo)
    if declared:
        return declared
    return tuple(f for f in table.fields if f.type in ("text", "boolean")
                 and 1 < table.frame[f.name].nunique() <= AUTO_FACET_MAX_DISTINCT)


def facet_counts(table: Table, query: Query, field: FieldInfo) -> list[tuple[str, int, bool]]:
    """(value, count, selected) for a facet field, counted with every other filter applied but its own,
    so that choosing a second value of the same field (an OR) shows what it would add."""
    # every clause of the query but this field's refine, each one computed once for all the facets
    kept = filter_array(table, query, leave_out=lambda key: key[0] == "refine" and key[1] == field.name)
    column = table.frame.loc[kept, field.name]
    if field.is_temporal:  # a day is what the grammar's refine takes for dates
        column = column.dt.strftime("%Y-%m-%d")
    if field.separator:  # each distinct cell split once; each of its values counts the cell's rows
        totals: dict[str, int] = {}
        for raw, rows in column.value_counts(dropna=True).items():
            for value in dict.fromkeys(field.values_of(str(raw))):
                totals[value] = totals.get(value, 0) + int(rows)
        counts = pd.Series(totals, dtype="int64")
    else:
        counts = column.value_counts(dropna=True)
    as_text = (lambda v: "true" if v else "false") if field.type == "boolean" else str
    selected = {getattr(v, "text", None) or as_text(v) for n, values in query.refine if n == field.name
                for v in values}
    ordered = sorted(((as_text(v), int(c)) for v, c in counts.items()), key=lambda item: (-item[1], fold(item[0])))
    items = [(v, c, v in selected) for v, c in ordered[:MAX_FACET_VALUES]]
    shown = {v for v, _, _ in items}
    known = dict(ordered)
    # a selected value stays visible, with its true count, even beyond the first values or at zero
    items += [(v, known.get(v, 0), True) for v in sorted(selected - shown)]
    return items


def grid_columns(table: Table) -> list[FieldInfo]:
    """The fields the table view shows: shapes are left to the map, points are shown as "lat, lon"."""
    return [f for f in table.fields if f.type != "geo_shape"]


def _whole(value) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):  # a forged request: the first block
        return 0


def grid_block(table: Table, query_string: str, start: int, end: int, sort_model: list[dict] | None
               ) -> dict:
    """One block of rows for the grid's infinite model, through the same query layer as the pages and the
    exports. A sort chosen in the grid replaces the URL's; the block size is clamped here, not trusted."""
    fields = grid_columns(table)
    sort = ",".join(("-" if s.get("sort") == "desc" else "") + s["colId"] for s in (sort_model or [])
                    if s.get("colId") in {f.name for f in fields})
    params = [(k, v) for k, v in query_pairs(query_string) if not (sort and k == "sort")]
    if sort:
        params.append(("sort", sort))
    query, _errors = parse_query(params, table.fields)  # the page already showed what it ignored
    positions = row_positions(table, query)
    start, end = _whole(start), _whole(end)
    end = min(max(start, end), start + MAX_BLOCK_ROWS)
    chunk = table.frame.iloc[positions[start:end]]
    return {"rowData": list(records(plain_arrow(chunk, tuple(fields), neutralise=False))),
            "rowCount": int(len(positions))}
