"""The filter grammar (ARCHITECTURE §5): parse a query string into a typed Query, within bounds (the search's
length and words, the number of filters), and say it in French. The engine (engine/sql.py) turns it into SQL."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qsl, urlencode

import numpy as np
import pandas as pd

from .names import slugify
from .readers.base import FieldInfo

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


def _parse_value(info: FieldInfo, raw: str) -> Any:
    """A typed value for a field, or raise ValueError with a French message."""
    text = raw.strip()
    if info.is_geo:
        raise ValueError("on ne peut pas filtrer sur une géométrie")
    if info.type == "int":
        if not re.fullmatch(r"[-+]?\d+", text):
            raise ValueError(f"« {raw} » n'est pas un nombre entier")
        if not -(2**63) <= int(text) < 2**63:  # no column holds more (Int64): a bound beyond is a forged one
            raise ValueError(f"« {raw} » : nombre entier trop grand")
        return int(text)
    if info.type == "double":
        if not re.fullmatch(r"[-+]?(\d+[.,]?\d*|[.,]\d+)([eE][-+]?\d+)?", text):
            raise ValueError(f"« {raw} » n'est pas un nombre")
        value = float(text.replace(",", "."))
        if not np.isfinite(value):
            raise ValueError(f"« {raw} » n'est pas un nombre fini")
        return value
    if info.is_temporal:
        period = parse_date_value(text)
        if period is None:
            raise ValueError(f"« {raw} » n'est pas une date (AAAA, AAAA-MM ou AAAA-MM-JJ)")
        return period
    if info.type == "boolean":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(f"« {raw} » n'est pas une valeur oui/non (true ou false)")
    return raw


def parse_query(
    source: str | Mapping[str, Any] | Iterable[tuple[str, str]] | None,
    fields: tuple[FieldInfo, ...],
    *,
    max_limit: int | None = None,
) -> tuple[Query, list[FilterError]]:
    """Parse the grammar's parameters against a table's fields. Parameters outside the grammar are ignored;
    a bad one is reported in the errors and left out of the Query, so a page can still show the rest."""
    by_name = {f.name: f for f in fields}
    # a field named as the file writes its header (« codeBureauVote », « Code INSEE »): the links made before
    # field names followed the headers' keep working
    by_slug = {slugify(f.name): f for f in fields if slugify(f.name) not in by_name}
    errors: list[FilterError] = []
    valid: list[tuple[str, str]] = []
    q: str | None = None
    refine: dict[str, list[Any]] = {}
    exclude: dict[str, list[Any]] = {}
    lower: dict[str, Any] = {}
    upper: dict[str, Any] = {}
    sort: list[tuple[str, bool]] = []
    select: list[str] | None = None
    limit: int | None = None

    def named(name: str) -> FieldInfo | None:
        return by_name.get(name) or by_name.get(slugify(name)) or by_slug.get(slugify(name))

    def known(param: str, name: str) -> FieldInfo | None:
        info = named(name)
        if info is None:
            errors.append(FilterError(param, f"champ inconnu « {name} »"))
        return info

    pairs = [(k, v) for k, v in query_pairs(source) if is_grammar_key(k)]
    if len(pairs) > MAX_FILTERS:
        errors.append(FilterError(pairs[MAX_FILTERS][0], f"trop de filtres : seuls les {MAX_FILTERS} premiers "
                                                         "sont appliqués"))
        pairs = pairs[:MAX_FILTERS]
    for key, raw in pairs:
        if key == "q":
            text = raw.strip()
            joined = f"{q} {text}" if q else text
            if len(joined) > MAX_Q_LENGTH:
                errors.append(FilterError(key, f"recherche trop longue (au plus {MAX_Q_LENGTH} caractères)"))
            elif len(dict.fromkeys(fold(joined).split())) > MAX_Q_WORDS:
                errors.append(FilterError(key, f"recherche trop longue (au plus {MAX_Q_WORDS} mots)"))
            elif text:
                q = joined
                valid.append((key, raw))
            continue
        if key == "sort":
            names = [n.strip() for n in raw.split(",") if n.strip()]
            parsed = []
            for name in names:
                info = known(key, name.lstrip("-"))
                if info is None:
                    break
                if info.is_geo:
                    errors.append(FilterError(key, f"on ne peut pas trier sur la géométrie « {info.name} »"))
                    break
                if any(n == info.name for n, _ in parsed):
                    errors.append(FilterError(key, f"le champ « {info.name} » est répété"))
                    break
                parsed.append((info.name, name.startswith("-")))
            else:
                sort = parsed
                valid.append((key, ",".join(("-" if down else "") + n for n, down in parsed)))
            continue
        if key == "select":
            written = [n.strip() for n in raw.split(",") if n.strip()]
            unknown = [n for n in written if named(n) is None]
            names = [named(n).name for n in written if named(n) is not None]
            repeated = [n for i, n in enumerate(names) if n in names[:i]]
            if unknown:
                errors.append(FilterError(key, f"champ inconnu « {unknown[0]} »"))
            elif repeated:
                errors.append(FilterError(key, f"le champ « {repeated[0]} » est répété"))
            elif names:
                select = names
                valid.append((key, ",".join(names)))
            continue
        if key == "limit":
            if not re.fullmatch(r"\d{1,12}", raw.strip()) or int(raw) < 1:
                errors.append(FilterError(key, f"« {raw} » n'est pas un nombre entier positif"))
            elif max_limit is not None and int(raw) > max_limit:
                errors.append(FilterError(key, f"au plus {max_limit} lignes"))
            else:
                limit = int(raw)
                valid.append((key, raw))
            continue
        prefix, _, name = key.partition(".")
        info = known(key, name)
        if info is None:
            continue
        if prefix in ("from", "to") and not (info.is_numeric or info.is_temporal):
            errors.append(FilterError(key, f"« {info.label} » n'est ni un nombre ni une date"))
            continue
        try:
            value = _parse_value(info, raw)
        except ValueError as exc:
            errors.append(FilterError(key, str(exc)))
            continue
        name = info.name
        valid.append((f"{prefix}.{name}", raw))
        if prefix == "refine":
            refine.setdefault(name, []).append(value)
        elif prefix == "exclude":
            exclude.setdefault(name, []).append(value)
        elif prefix == "from":
            lower[name] = value
        else:
            upper[name] = value
    query = Query(
        q=q,
        refine=tuple((k, tuple(v)) for k, v in refine.items()),
        exclude=tuple((k, tuple(v)) for k, v in exclude.items()),
        lower=tuple(lower.items()),
        upper=tuple(upper.items()),
        sort=tuple(sort),
        select=tuple(select) if select else None,
        limit=limit,
        params=tuple(valid),
    )
    return query, errors


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


def _display(value: Any) -> str:
    if isinstance(value, Period):
        return value.text
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


_OPERATORS = {"refine": "=", "exclude": "≠", "from": "≥", "to": "≤"}


def describe_param(key: str, value: str, fields: tuple[FieldInfo, ...]) -> str:
    """One parameter of the grammar in plain French, for a removable chip: "Commune = Rouen"."""
    if key == "q":
        return f"Recherche « {value} »"
    prefix, _, name = key.partition(".")
    labels = {f.name: f.label for f in fields}
    shown = {"true": "oui", "false": "non"}.get(value.lower(), value) if name in labels and next(
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
