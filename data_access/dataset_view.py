"""What a dataset page shows, asked of the engine for a query: field profiles, facet counts, grid blocks."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.extracts.writers import plain_arrow, records
from data_access.french import natural_key
from data_access.query import Query, facet_text, fold, parse_query, query_pairs, selected_texts
from data_access.readers.base import FieldInfo

MAX_FACET_VALUES = 30
AUTO_FACET_MAX_DISTINCT = 40  # an undeclared text field with at most this many values is offered as a facet
MAX_BLOCK_ROWS = 500
CLASS_ROLES = ("age_class", "age_label")  # ordered classes: listed by their lower bound, not by their count  # the grid never gets more rows than this in one response, whatever it asks


@dataclass(frozen=True)
class FieldProfile:
    field: FieldInfo
    distinct: int
    missing_share: float  # 0..1
    minimum: str | None
    maximum: str | None


def is_year_field(field: FieldInfo) -> bool:
    """A field of years (its role, else its name or label: « annee », « Année », « year », « millésime »): its
    numbers are shown without a thousands separator (« 2015 », never « 2 015 »)."""
    if field.role == "year":
        return True
    return field.is_numeric and any(re.search(r"\b(annee|annees|year|millesime)\b", fold(text))
                                    for text in (field.name.replace("_", " "), field.label or ""))


def _display(value, year: bool = False) -> str | None:
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat(sep=" ")
    if year and isinstance(value, (int, float, np.number)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (int, float, np.number)):
        from data_access.analysis import format_value

        return format_value(float(value))
    return str(value)


def field_profiles(backend) -> list[FieldProfile]:
    """For each field: distinct values, share missing, and min/max for numbers and dates (from the manifest,
    where the conversion counted them)."""
    profiles = []
    rows = backend.total or 0
    known = backend.manifest.get("profiles", {})
    for field in backend.fields:
        profile = known.get(field.name, {})
        low, high = profile.get("min"), profile.get("max")
        if field.is_temporal:
            low, high = (pd.Timestamp(v) if v is not None else None for v in (low, high))
        year = is_year_field(field)
        profiles.append(FieldProfile(field, int(profile.get("distinct", 0)),
                                     profile.get("missing", 0) / rows if rows else 0.0, _display(low, year), _display(high, year)))
    return profiles


def facet_fields(backend) -> tuple[FieldInfo, ...]:
    """The fields offered as facets: those declared `facet = true`, else short lists of text values
    (so a dataset the team never saw gets useful facets from its catalogue entry alone)."""
    declared = tuple(f for f in backend.fields if f.facet and not f.is_geo)
    if declared:
        return declared
    profiles = backend.manifest.get("profiles", {})
    return tuple(f for f in backend.fields if f.type in ("text", "boolean")
                 and 1 < profiles.get(f.name, {}).get("distinct", 0) <= AUTO_FACET_MAX_DISTINCT)


def facet_counts(backend, query: Query, fields: tuple[FieldInfo, ...]) -> dict[str, list[tuple[str, int, bool]]]:
    """For each facet field, (value, count, selected), counted with every other filter applied but its own, so
    that choosing a second value of the same field (an OR) shows what it would add. One question to the engine
    for all the fields."""
    found = backend.facets(query, list(fields), top=MAX_FACET_VALUES)
    return {f.name: _facet_items(f, found.get(f.name, []), query) for f in fields}


def _facet_items(field: FieldInfo, counts, query: Query) -> list[tuple[str, int, bool]]:
    selected = selected_texts(query, field)
    texts = [(facet_text(field, v), int(c)) for v, c in counts]
    if field.role in CLASS_ROLES:  # age classes in their natural order, whatever their counts
        ordered = sorted(texts, key=lambda item: natural_key(item[0]))
    else:  # the most frequent first, ties in the engine's order (backend.facets' top values)
        ordered = sorted(texts, key=lambda item: (-item[1], fold(item[0])))
    items = [(v, c, v in selected) for v, c in ordered[:MAX_FACET_VALUES]]
    shown = {v for v, _, _ in items}
    known = dict(ordered)
    # a selected value stays visible, with its true count, even beyond the first values or at zero
    items += [(v, known.get(v, 0), True) for v in sorted(selected - shown)]
    return items


def grid_columns(table) -> list[FieldInfo]:
    """The fields the table view shows: shapes are left to the map, points are shown as "lat, lon"."""
    return [f for f in table.fields if f.type != "geo_shape"]


def _whole(value) -> int:
    try:
        return min(max(0, int(value or 0)), 2**53)  # a forged request: no row is further than this
    except (TypeError, ValueError):  # a forged request: the first block
        return 0


def grid_block(backend, query_string: str, start: int, end: int, sort_model: list[dict] | None) -> dict:
    """One block of rows for the grid's infinite model, through the same query layer as the pages and the
    exports. A sort chosen in the grid replaces the URL's; the block size is clamped here, not trusted."""
    fields = grid_columns(backend)
    sort = ",".join(("-" if s.get("sort") == "desc" else "") + s["colId"] for s in (sort_model or [])
                    if s.get("colId") in {f.name for f in fields})
    params = [(k, v) for k, v in query_pairs(query_string) if not (sort and k == "sort")]
    if sort:
        params.append(("sort", sort))
    query, _errors = parse_query(params, backend.fields)  # the page already showed what it ignored
    start, end = _whole(start), _whole(end)
    end = min(max(start, end), start + MAX_BLOCK_ROWS)
    chunk = backend.frame(query, [f.name for f in fields], start, end - start) if end > start else None
    rows = list(records(plain_arrow(chunk, tuple(fields), neutralise=False))) if chunk is not None else []
    return {"rowData": rows, "rowCount": int(backend.count(query))}


def value_labels(repository, dataset, fields) -> dict[str, dict[str, str]]:
    """What a code of the data stands for, per field: the catalogue's `labels` table (« D » = « Dissoute »), and a
    commune's name for a field of role `commune` (INSEE codes), from the communes' outlines. The chips and the
    notices show names, never bare codes."""
    from data_access.geometry.geo import commune_outlines, commune_rows

    found: dict[str, dict[str, str]] = {}
    for field in fields:
        spec = dataset.field_spec(field.name)
        if spec is not None and isinstance(spec.labels, tuple):
            found[field.name] = dict(spec.labels)
    communes = [f.name for f in fields if f.role == "commune"]
    if communes:
        outlines = commune_outlines(repository, exclude=None)
        if outlines is not None:
            lines = commune_rows(outlines[1])
            names = dict(zip(lines["code"].astype(str), lines["name"]))
            for name in communes:
                found.setdefault(name, {}).update(names)
    return found
