"""A query string read into a typed Query: one parser per parameter of the grammar (`q`, `sort`, `select`, `limit`,
and `refine.`, `exclude.`, `from.`, `to.` on a field), registered in PARSERS. A bad parameter is reported in the
errors and left out of the Query, so that a page can still show the rest; an export answers 400 with it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from data_access.names import slugify
from data_access.query.grammar import (_FALSE, _TRUE, MAX_FILTERS, MAX_Q_LENGTH, MAX_Q_WORDS, Alias, FilterError,
                                       Query, fold, is_grammar_key, parse_date_value, query_pairs)
from data_access.readers.base import FieldInfo


@dataclass
class Reading:
    """A query string being read: the table's fields, and what the parsers have kept so far."""

    fields: tuple[FieldInfo, ...]
    max_limit: int | None = None
    aliases: Mapping[str, Alias] = field(default_factory=dict)  # former names of fields, still read
    errors: list[FilterError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    valid: list[tuple[str, str]] = field(default_factory=list)  # the pairs kept, with field names as the table's
    q: str | None = None
    refine: dict[str, list[Any]] = field(default_factory=dict)
    exclude: dict[str, list[Any]] = field(default_factory=dict)
    lower: dict[str, Any] = field(default_factory=dict)
    upper: dict[str, Any] = field(default_factory=dict)
    sort: list[tuple[str, bool]] = field(default_factory=list)
    select: list[str] | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        self.by_name = {f.name: f for f in self.fields}
        # a field named as the file writes its header (« codeBureauVote », « Code INSEE »): the links made before
        # field names followed the headers' keep working
        self.by_slug = {slugify(f.name): f for f in self.fields if slugify(f.name) not in self.by_name}

    def named(self, name: str) -> FieldInfo | None:
        found = self.by_name.get(name) or self.by_name.get(slugify(name)) or self.by_slug.get(slugify(name))
        alias = self.aliases.get(name) if found is None else None
        if alias is not None and alias.name in self.by_name:  # a renamed field, under its former name
            if alias.notice(name) not in self.notices:
                self.notices.append(alias.notice(name))
            return self.by_name[alias.name]
        return found

    def known(self, param: str, name: str) -> FieldInfo | None:
        info = self.named(name)
        if info is None:
            self.refuse(param, f"champ inconnu « {name} »")
        return info

    def refuse(self, param: str, message: str) -> None:
        self.errors.append(FilterError(param, message))

    def query(self) -> Query:
        return Query(
            q=self.q,
            refine=tuple((k, tuple(v)) for k, v in self.refine.items()),
            exclude=tuple((k, tuple(v)) for k, v in self.exclude.items()),
            lower=tuple(self.lower.items()), upper=tuple(self.upper.items()), sort=tuple(self.sort),
            select=tuple(self.select) if self.select else None, limit=self.limit, params=tuple(self.valid),
            notices=tuple(self.notices),
        )


def _q(reading: Reading, key: str, raw: str) -> None:
    text = raw.strip()
    joined = f"{reading.q} {text}" if reading.q else text
    if len(joined) > MAX_Q_LENGTH:
        reading.refuse(key, f"recherche trop longue (au plus {MAX_Q_LENGTH} caractères)")
    elif len(dict.fromkeys(fold(joined).split())) > MAX_Q_WORDS:
        reading.refuse(key, f"recherche trop longue (au plus {MAX_Q_WORDS} mots)")
    elif text:
        reading.q = joined
        reading.valid.append((key, raw))


def _sort(reading: Reading, key: str, raw: str) -> None:
    parsed: list[tuple[str, bool]] = []
    for name in (n.strip() for n in raw.split(",") if n.strip()):
        info = reading.known(key, name.lstrip("-"))
        if info is None:
            return
        if info.is_geo:
            return reading.refuse(key, f"on ne peut pas trier sur la géométrie « {info.name} »")
        if any(n == info.name for n, _ in parsed):
            return reading.refuse(key, f"le champ « {info.name} » est répété")
        parsed.append((info.name, name.startswith("-")))
    reading.sort = parsed
    reading.valid.append((key, ",".join(("-" if down else "") + n for n, down in parsed)))


def _select(reading: Reading, key: str, raw: str) -> None:
    written = [n.strip() for n in raw.split(",") if n.strip()]
    unknown = [n for n in written if reading.named(n) is None]
    names = [reading.named(n).name for n in written if reading.named(n) is not None]
    repeated = [n for i, n in enumerate(names) if n in names[:i]]
    if unknown:
        reading.refuse(key, f"champ inconnu « {unknown[0]} »")
    elif repeated:
        reading.refuse(key, f"le champ « {repeated[0]} » est répété")
    elif names:
        reading.select = names
        reading.valid.append((key, ",".join(names)))


def _limit(reading: Reading, key: str, raw: str) -> None:
    if not re.fullmatch(r"\d{1,12}", raw.strip()) or int(raw) < 1:
        reading.refuse(key, f"« {raw} » n'est pas un nombre entier positif")
    elif reading.max_limit is not None and int(raw) > reading.max_limit:
        reading.refuse(key, f"au plus {reading.max_limit} lignes")
    else:
        reading.limit = int(raw)
        reading.valid.append((key, raw))


def field_value(info: FieldInfo, raw: str) -> Any:
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


def _on_field(keep: Callable[[Reading, str, Any], None], bound: bool = False):
    """The parser of `<prefix>.<field>`: the field known (and a number or a date for a bound), the value typed,
    then kept by `keep`."""
    def parse(reading: Reading, key: str, raw: str) -> None:
        prefix, _, name = key.partition(".")
        info = reading.known(key, name)
        if info is None:
            return
        if bound and not (info.is_numeric or info.is_temporal):
            return reading.refuse(key, f"« {info.label} » n'est ni un nombre ni une date")
        try:
            value = field_value(info, raw)
        except ValueError as exc:
            return reading.refuse(key, str(exc))
        reading.valid.append((f"{prefix}.{info.name}", raw))
        keep(reading, info.name, value)
    return parse


PARSERS: dict[str, Callable[[Reading, str, str], None]] = {
    "q": _q, "sort": _sort, "select": _select, "limit": _limit,
    "refine.": _on_field(lambda r, name, value: r.refine.setdefault(name, []).append(value)),
    "exclude.": _on_field(lambda r, name, value: r.exclude.setdefault(name, []).append(value)),
    "from.": _on_field(lambda r, name, value: r.lower.update({name: value}), bound=True),
    "to.": _on_field(lambda r, name, value: r.upper.update({name: value}), bound=True),
}


def parse_query(
    source: str | Mapping[str, Any] | Iterable[tuple[str, str]] | None,
    fields: tuple[FieldInfo, ...],
    *,
    max_limit: int | None = None,
    aliases: Mapping[str, Alias] | None = None,
) -> tuple[Query, list[FilterError]]:
    """Parse the grammar's parameters against a table's fields. Parameters outside the grammar are ignored; a bad
    one is reported in the errors and left out of the Query. A field's former name (`aliases`, from the dataset's
    history) is read as its new one, with a notice in the Query."""
    reading = Reading(fields, max_limit, aliases or {})
    pairs = [(k, v) for k, v in query_pairs(source) if is_grammar_key(k)]
    if len(pairs) > MAX_FILTERS:
        reading.refuse(pairs[MAX_FILTERS][0], f"trop de filtres : seuls les {MAX_FILTERS} premiers sont appliqués")
        pairs = pairs[:MAX_FILTERS]
    for key, raw in pairs:
        parser = PARSERS.get(key) or PARSERS[key.partition(".")[0] + "."]
        parser(reading, key, raw)
    return reading.query(), reading.errors
