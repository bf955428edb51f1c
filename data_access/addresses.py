"""Searching an addresses dataset as one types (the Base Adresse Nationale's shape): the words of the street and
the commune matched by prefix, without accents or case, a missing house number or street type tolerated. The
index is built once per loaded table; a search reads a few slices of it.

Roles: `street` (required), `house_number`, `house_number_suffix`, `postcode`, `commune_name`, and a point."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.derived import derived
from data_access.query import fold
from data_access.readers.base import Table

ROLES = ("street", "house_number", "house_number_suffix", "postcode", "commune_name")
MAX_QUERY = 200
MAX_RESULTS = 20
MAX_TERMS = 8  # words of a query looked up, at most (each costs a slice of the index)
RANKED_AT_MOST = 5_000  # beyond this many streets matched (one typed letter), only the shortest come first
# what people type for the street types the files write in full
ABBREVIATIONS = {"av": "avenue", "bd": "boulevard", "bld": "boulevard", "ch": "chemin", "che": "chemin",
                 "imp": "impasse", "pl": "place", "rte": "route", "sq": "square", "all": "allee", "fg": "faubourg",
                 "st": "saint", "ste": "sainte", "qu": "quai", "crs": "cours", "r": "rue"}
SKIPPED = {"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "et", "en"}
SUFFIXES = {"bis", "ter", "quater", "quinquies", "b", "c"}  # « 12 bis »: one house number
_WORD = re.compile(r"[a-z0-9]+")


def is_address_table(table: Table) -> bool:
    return table.role_field("street") is not None


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@dataclass
class AddressIndex:
    vocabulary: np.ndarray  # sorted distinct words of the streets, communes and postcodes
    offsets: np.ndarray  # rows of vocabulary[k]: rows[offsets[k]:offsets[k + 1]]
    rows: np.ndarray
    numbers: np.ndarray  # each row's house number and suffix, folded (« 12bis »), "" without one
    labels: np.ndarray  # each row's address in words
    street_of: np.ndarray  # each row's street (a street of a commune), as a number
    street_labels: np.ndarray  # each street in words
    street_words: list  # each street's words (with its commune's), for ranking
    street_rows: np.ndarray  # each street's first address

    def matching(self, word: str) -> np.ndarray:
        """The rows with a word that starts with `word`, each once."""
        low = np.searchsorted(self.vocabulary, word, side="left")
        high = np.searchsorted(self.vocabulary, word + "\uffff", side="left")
        found = self.rows[self.offsets[low]:self.offsets[high]]
        return np.unique(found) if high - low > 1 else found

    def ranked(self, streets: np.ndarray, terms: list[str]) -> np.ndarray:
        """Streets in the order a reader expects: those that have the typed words whole first (« Rouen » before
        « Déville-lès-Rouen »), then the shortest."""
        lengths = np.fromiter((len(self.street_labels[s]) for s in streets), dtype=np.int64, count=len(streets))
        if len(streets) > RANKED_AT_MOST:
            return streets[np.argsort(lengths, kind="stable")]
        whole = np.fromiter((sum(t in self.street_words[s] for t in terms) for s in streets), dtype=np.int64,
                            count=len(streets))
        return streets[np.lexsort((lengths, -whole))]


def address_index(table: Table) -> AddressIndex:
    """The table's index, built once per loaded table (a table never changes)."""
    return derived(("adresses-index", table.key), lambda: _build(table))


def _column(table: Table, role: str) -> pd.Series:
    field = table.role_field(role)
    if field is None:
        return pd.Series("", index=table.frame.index, dtype="str")
    column = table.frame[field.name]
    return column.astype("str").where(column.notna(), "").str.strip()


def _build(table: Table) -> AddressIndex:
    street, commune, postcode = (_column(table, r) for r in ("street", "commune_name", "postcode"))
    number, suffix = _column(table, "house_number"), _column(table, "house_number_suffix")
    place = (postcode + " " + commune).str.strip()
    street_label = (street + ", " + place).to_numpy(dtype=object)
    street_labels, street_of = np.unique(street_label.astype(str), return_inverse=True)
    street_words = [set(words(label)) for label in street_labels]
    # the words of each street, once: a street's name repeats on every one of its addresses
    pairs_word, pairs_row = [], []
    for row, sid in enumerate(street_of.tolist()):
        for word in street_words[sid] - SKIPPED:
            pairs_word.append(word)
            pairs_row.append(row)
    all_words = np.array(pairs_word, dtype=str)
    order = np.lexsort((np.array(pairs_row), all_words))
    vocabulary, starts = np.unique(all_words[order], return_index=True)
    numbers = (number + suffix).map(lambda v: "".join(words(v))).to_numpy(dtype=object)
    labels = ((number + " " + suffix).str.strip() + " " + street).str.strip() + ", " + place
    street_rows = np.zeros(len(street_labels), dtype=np.int64)
    street_rows[street_of[::-1]] = np.arange(len(street_of))[::-1]  # the first row of each street
    return AddressIndex(vocabulary=vocabulary, offsets=np.append(starts, len(order)).astype(np.int64),
                        rows=np.array(pairs_row, dtype=np.int64)[order], numbers=numbers,
                        labels=labels.to_numpy(dtype=object), street_of=street_of, street_labels=street_labels,
                        street_words=street_words, street_rows=street_rows)


def search(table: Table, query: str, limit: int = 10) -> list[dict]:
    """The addresses that match what was typed, best first: {row, label, lon, lat}. With a house number, that
    address (or, when the street has no such number, the street itself); without one, one entry per street."""
    index = address_index(table)
    typed = words(query[:MAX_QUERY])
    at = next((k for k, w in enumerate(typed) if w[0].isdigit() and not (len(w) == 5 and w.isdigit())), None)
    number = None
    if at is not None:
        number = typed.pop(at)
        if at < len(typed) and typed[at] in SUFFIXES:
            number += typed.pop(at)
    terms = query_terms(typed)
    if not terms:
        return []
    found = None
    for rows in sorted((_rows_of(index, term) for term in terms), key=len):
        if found is None:
            found = rows
        else:
            keep = np.zeros(len(index.numbers), dtype=bool)
            keep[rows] = True
            found = found[keep[found]]
        if not len(found):
            return []
    terms = [ABBREVIATIONS.get(t, t) for t in terms]  # ranked on the street types' full words
    if number is not None:
        exact = found[index.numbers[found] == number]
        if len(exact):
            order = {s: k for k, s in enumerate(index.ranked(np.unique(index.street_of[exact]), terms).tolist())}
            best = sorted(exact.tolist(), key=lambda row: order[index.street_of[row]])[:limit]
            return _entries(table, np.array(best), index.labels)
    # no number, or none such in these streets: one entry per street, at its first address
    streets = index.ranked(np.unique(index.street_of[found]), terms)[:limit]
    return _entries(table, index.street_rows[streets], index.street_labels[index.street_of])


def query_terms(typed: list[str]) -> list[str]:
    """The words looked up: each once, without the little words, the first one-letter word only (« r » for
    « rue »: one letter more narrows little, and each costs a wide slice), MAX_TERMS at most."""
    terms, one_letter = [], False
    for word in typed:
        if word in SKIPPED or word in terms or (len(word) == 1 and one_letter):
            continue
        one_letter = one_letter or len(word) == 1
        terms.append(word)
    return terms[:MAX_TERMS]


def _rows_of(index: AddressIndex, term: str) -> np.ndarray:
    """The rows a typed word matches: as a prefix, and for a street type's abbreviation, its full word too
    (« qu » finds « quai » and « Quevillon », « st » « saint » and « Stade »)."""
    rows = index.matching(term)
    full = ABBREVIATIONS.get(term)
    return rows if full is None else np.union1d(rows, index.matching(full))


def _entries(table: Table, rows: np.ndarray, labels: np.ndarray) -> list[dict]:
    geometry = table.geometry_field
    points = table.frame[geometry.name].to_numpy() if geometry is not None else None
    entries = []
    for row in rows.tolist():
        point = points[row] if points is not None else None
        entries.append({"row": int(row), "label": str(labels[row]),
                        "lon": round(point.x, 6) if point is not None else None,
                        "lat": round(point.y, 6) if point is not None else None})
    return entries
