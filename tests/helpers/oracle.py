"""The filter grammar read over a pandas table: the reference the engine's SQL is compared with (the parity tests
run both on the same URLs). It is how the portal applied a query before the engine served it; the portal no longer
uses it. Each clause (a search word, a refine, a bound) is computed once per table and kept in a small LRU."""
from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from typing import Any, Callable

import numpy as np
import pandas as pd

from data_access.query import Period, Query, fold, fold_text
from data_access.readers.base import Table

RESULTS_BYTES = 64 << 20  # the LRU's budget: about 130 masks of 500,000 rows


class ResultCache:
    """Recent results (numpy arrays) of this process, least recently used dropped first, within a byte budget."""

    def __init__(self, max_bytes: int = RESULTS_BYTES):
        self.max_bytes = max_bytes
        self._held: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.computed = 0  # how many results were computed rather than found (tests and bench read it)

    def get(self, key: tuple, compute: Callable[[], np.ndarray]) -> np.ndarray:
        with self._lock:
            found = self._held.get(key)
            if found is not None:
                self._held.move_to_end(key)
                return found
        value = compute()
        value.setflags(write=False)  # shared between requests: nobody may change it
        with self._lock:
            self.computed += 1
            if key not in self._held and value.nbytes <= self.max_bytes:
                self._held[key] = value
                self._bytes += value.nbytes
                while self._bytes > self.max_bytes:
                    _, dropped = self._held.popitem(last=False)
                    self._bytes -= dropped.nbytes
        return value

    def clear(self) -> None:
        with self._lock:
            self._held.clear()
            self._bytes = 0


RESULTS = ResultCache()
_TOKENS = itertools.count()
_TOKEN_LOCK = threading.Lock()


def _token(table: Table) -> int:
    """A number of its own for each loaded table (a table object's id may be reused once it is freed)."""
    token = table.extra.get("results_token")
    if token is None:
        with _TOKEN_LOCK:
            token = table.extra.setdefault("results_token", next(_TOKENS))
    return token


def search_text(table: Table) -> pd.Series:
    """Every row's text fields, folded and joined: built once per loaded table."""
    cached = table.extra.get("search_text")
    if cached is None:
        text_fields = [f.name for f in table.fields if f.type == "text"]
        if text_fields:
            cached = fold_text(table.frame[text_fields[0]])
            for name in text_fields[1:]:
                cached = cached + "\x1f" + fold_text(table.frame[name])
        else:
            cached = pd.Series("", index=table.frame.index, dtype="str")
        table.extra["search_text"] = cached
    return cached


def _equals_any(column: pd.Series, info, values: tuple[Any, ...]) -> pd.Series:
    if info.separator:  # a multivalued field: a row matches when any of its values does
        wanted = {str(v) for v in values}
        kept = [raw for raw in column.dropna().unique() if wanted.intersection(info.values_of(str(raw)))]
        return column.isin(kept).fillna(False).astype(bool)
    if info.is_temporal:
        mask = pd.Series(False, index=column.index)
        for period in values:
            mask |= (column >= period.start) & (column < period.end)
        return mask.fillna(False).astype(bool)
    return column.isin(list(values)).fillna(False).astype(bool)


def _value_key(value: Any) -> str:
    return value.text if isinstance(value, Period) else repr(value)


def clauses(query: Query) -> list[tuple[tuple, Callable[[Table], pd.Series]]]:
    """The query's filters, each as (a key that names it whatever the order of the URL, how to compute its
    mask): one per search word, per refined or excluded field, per bound."""
    found = []
    for token in dict.fromkeys(fold(query.q).split()) if query.q else ():
        found.append((("q", token), lambda t, token=token: search_text(t).str.contains(token, regex=False)))
    for kind, pairs in (("refine", query.refine), ("exclude", query.exclude)):
        for name, values in pairs:
            key = (kind, name, tuple(sorted({_value_key(v) for v in values})))
            found.append((key, lambda t, name=name, values=values, kind=kind: (
                _equals_any(t.frame[name], t.field(name), values) if kind == "refine"
                else ~_equals_any(t.frame[name], t.field(name), values))))
    for name, value in query.lower:
        bound = value.start if isinstance(value, Period) else value
        found.append((("from", name, _value_key(value)),
                      lambda t, name=name, bound=bound: (t.frame[name] >= bound).fillna(False).astype(bool)))
    for name, value in query.upper:
        found.append((("to", name, _value_key(value)), lambda t, name=name, value=value: (
            t.frame[name] < value.end if isinstance(value, Period) else t.frame[name] <= value
        ).fillna(False).astype(bool)))
    return found


def _clause_mask(table: Table, key: tuple, compute: Callable[[Table], pd.Series]) -> np.ndarray:
    return RESULTS.get((_token(table), key), lambda: np.asarray(compute(table), dtype=bool))


def filter_array(table: Table, query: Query, leave_out: Callable[[tuple], bool] | None = None) -> np.ndarray:
    """Which rows the query keeps, as a boolean array (every clause, or those `leave_out` does not name)."""
    mask = np.ones(len(table.frame), dtype=bool)
    for key, compute in clauses(query):
        if leave_out is None or not leave_out(key):
            mask &= _clause_mask(table, key, compute)
    return mask


def filter_mask(table: Table, query: Query) -> pd.Series:
    """Which rows of the table the query keeps."""
    return pd.Series(filter_array(table, query), index=table.frame.index)


def row_positions(table: Table, query: Query) -> np.ndarray:
    """Positions of the rows the query keeps, in its order and within its limit. Missing values sort last;
    text sorts in French order ("Élbeuf" with the E's, not after "Z"). Kept among the recent results."""
    key = (_token(table), ("positions", tuple(sorted(k for k, _ in clauses(query))), query.sort, query.limit))
    return RESULTS.get(key, lambda: _positions(table, query))


def _positions(table: Table, query: Query) -> np.ndarray:
    positions = np.flatnonzero(filter_array(table, query))
    if query.sort:
        names = [n for n, _ in query.sort]
        text = {f.name for f in table.fields if f.type == "text"}
        rows = table.frame[names].iloc[positions].reset_index(drop=True)  # only the sort columns are copied
        ordered = rows.sort_values(names, ascending=[not d for _, d in query.sort], na_position="last",
                                   kind="stable", key=lambda column: fold_text(column).where(column.notna())
                                   if column.name in text else column)
        positions = positions[ordered.index.to_numpy()]
    if query.limit is not None:
        positions = positions[:query.limit]
    return positions


def apply_query(table: Table, query: Query) -> pd.DataFrame:
    """The rows and columns the query asks for, in its order."""
    frame = table.frame[list(query.select)] if query.select else table.frame
    return frame.iloc[row_positions(table, query)]
