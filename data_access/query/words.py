"""A Query said in French: each filter as a reader would say it (« Commune = Rouen »), for pages and extracts."""
from __future__ import annotations

from typing import Any, Mapping

from data_access.query.grammar import Period, Query
from data_access.readers.base import FieldInfo


def _display(value: Any) -> str:
    if isinstance(value, Period):
        return value.text
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


_OPERATORS = {"refine": "=", "exclude": "≠", "from": "≥", "to": "≤"}


def describe_param(key: str, value: str, fields: tuple[FieldInfo, ...],
                   value_labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """One parameter of the grammar in plain French, for a removable chip: "Commune = Rouen". A code the data
    names (`value_labels`: a commune's INSEE code, a catalogue's code = label table) is shown by its name, with
    the code after it: "Code INSEE = Rouen (76540)"."""
    if key == "q":
        return f"Recherche « {value} »"
    prefix, _, name = key.partition(".")
    labels = {f.name: f.label for f in fields}
    named = (value_labels or {}).get(name, {}).get(value)
    shown = f"{named} ({value})" if named and named != value else \
        {"true": "oui", "false": "non"}.get(value.lower(), value) if name in labels and next(
            f for f in fields if f.name == name).type == "boolean" else value
    return f"{labels.get(name, name)} {_OPERATORS.get(prefix, prefix)} {shown}"


def describe_query(query: Query, fields: tuple[FieldInfo, ...]) -> list[str]:
    """The filters in plain French, one item each: ["Commune = Rouen ou Elbeuf", "Statut ≠ terminé"]."""
    labels = {f.name: f.label for f in fields}
    parts = []
    if query.q:
        parts.append(f"Recherche « {query.q} »")
    for name, values in query.refine:
        parts.append(f"{labels[name]} = {' ou '.join(_display(v) for v in values)}")
    for name, values in query.exclude:
        parts.append(f"{labels[name]} ≠ {' et ≠ '.join(_display(v) for v in values)}")
    for name, value in query.lower:
        parts.append(f"{labels[name]} ≥ {_display(value)}")
    for name, value in query.upper:
        parts.append(f"{labels[name]} ≤ {_display(value)}")
    if query.limit is not None:
        parts.append(f"au plus {query.limit} lignes")
    if query.select:
        parts.append("colonnes : " + ", ".join(labels[n] for n in query.select))
    return parts
