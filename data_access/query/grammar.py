"""The filter grammar's values (ARCHITECTURE §5): the typed Query a query string becomes, its bounds, and the
helpers every reader of a Query shares (a facet's text, a search folded without accents)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qsl, urlencode

import pandas as pd

from data_access.readers.base import FieldInfo

GRAMMAR_PREFIXES = ("refine.", "exclude.", "from.", "to.")
GRAMMAR_KEYS = ("q", "sort", "select", "limit")
MAX_Q_LENGTH = 200  # characters of the search, all `q` parameters together
MAX_Q_WORDS = 10  # distinct words searched: each one is a scan of every row's text
MAX_FILTERS = 40  # parameters of the grammar in one view: beyond, they are ignored with a notice
_DATE_VALUE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TRUE = ("true", "1", "oui", "vrai", "yes")
_FALSE = ("false", "0", "non", "faux", "no")


@dataclass(frozen=True)
class FilterError:
    """A parameter that could not be used: the page shows the message, an export answers 400 with it."""

    param: str
    message: str

    def __str__(self) -> str:
        return f"{self.param} : {self.message}"


@dataclass(frozen=True)
class Period:
    """A half-open interval [start, end) of timestamps: what a date value like 2024-03 means."""

    start: pd.Timestamp
    end: pd.Timestamp
    text: str


@dataclass(frozen=True)
class Alias:
    """A field's former name, still read in a URL: the name it has now, and since and until when (`notice`)."""

    name: str
    since: dt.date | None = None
    until: dt.date | None = None

    def notice(self, old: str) -> str:
        when = f" le {self.since:%d/%m/%Y}" if self.since else ""
        until = f" jusqu'au {self.until:%d/%m/%Y}" if self.until else ""
        return (f"le champ « {old} » a été renommé « {self.name} »{when} : l'adresse qui le nomme est lue{until} "
                f"avec son nouveau nom, à utiliser désormais")


@dataclass(frozen=True)
class Query:
    q: str | None = None
    refine: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    exclude: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    lower: tuple[tuple[str, Any], ...] = ()  # from.<field>
    upper: tuple[tuple[str, Any], ...] = ()  # to.<field>
    sort: tuple[tuple[str, bool], ...] = ()  # (field, descending)
    select: tuple[str, ...] | None = None
    limit: int | None = None
    params: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # the valid pairs, as given
    notices: tuple[str, ...] = field(default=(), compare=False)  # what the reader should know (an old name read)

    @property
    def is_filtered(self) -> bool:
        """Whether the rows are a subset of the table (filters, or a limit); columns chosen with select count too."""
        return bool(self.q or self.refine or self.exclude or self.lower or self.upper or self.limit or self.select)

    def query_string(self) -> str:
        """The canonical query string of the valid parameters: a view's permalink and its export link."""
        return urlencode(list(self.params))


def query_pairs(source: str | Mapping[str, Any] | Iterable[tuple[str, str]] | None) -> list[tuple[str, str]]:
    """(key, value) pairs from a query string, Flask's request.args, or a Dash layout's keyword arguments."""
    if source is None:
        return []
    if isinstance(source, str):
        return parse_qsl(source.lstrip("?"), keep_blank_values=True)
    if hasattr(source, "lists"):  # werkzeug MultiDict
        return [(k, v) for k, values in source.lists() for v in values]
    items = source.items() if isinstance(source, Mapping) else source
    pairs = []
    for key, value in items:
        for v in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append((str(key), "" if v is None else str(v)))
    return pairs


def last(value):
    """A URL parameter given several times counts once, with its last value."""
    return value[-1] if isinstance(value, list) else value


def whole_number(raw, low: int, high: int) -> int | None:
    """A URL parameter read as a whole number from `low` to `high`, or None: only ASCII digits count (« ² » is a
    digit to Python, and int() refuses it), and a long string of digits is refused before int() reads it."""
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(high)):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def is_grammar_key(key: str) -> bool:
    return key in GRAMMAR_KEYS or key.startswith(GRAMMAR_PREFIXES)


def parse_date_value(text: str) -> Period | None:
    """YYYY, YYYY-MM or YYYY-MM-DD as the period it covers; None when it does not parse."""
    match = _DATE_VALUE.match(text.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None:
            start = dt.date(year, month, day)
            end = start + dt.timedelta(days=1)
        elif month is not None:
            start = dt.date(year, month, 1)
            end = dt.date(year + (month == 12), month % 12 + 1, 1)
        else:
            start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    except (ValueError, OverflowError):  # 2023-02-30, or the day after 9999-12-31
        return None
    return Period(pd.Timestamp(start), pd.Timestamp(end), text.strip())


# ---------------------------------------------------------------- applying a query


def facet_text(field: FieldInfo, value: Any) -> str:
    """A facet value as the page writes it (and as a refine of it reads back): true/false for a boolean."""
    if field.type == "boolean":
        return "true" if value else "false"
    return str(value)


def selected_texts(query: Query, field: FieldInfo) -> set[str]:
    """The field's values the query refines on, as their facet texts (a period as the URL wrote it)."""
    return {getattr(v, "text", None) or facet_text(field, v) for n, values in query.refine if n == field.name
            for v in values}


def fold_text(values: pd.Series) -> pd.Series:
    """Lower case without accents, for searching: "Église" -> "eglise"."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrow = pa.array(values.astype("str").where(values.notna(), ""), type=pa.string())
    folded = pc.replace_substring_regex(pc.utf8_normalize(arrow, "NFD"), pattern=r"\p{Mn}", replacement="")
    return pd.Series(pc.utf8_lower(folded).to_pandas(), index=values.index, dtype="str")


def fold(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").lower()
