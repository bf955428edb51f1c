"""The site-wide search's index: SQLite's FTS5, which ships with Python. One table of documents searched by words
(`unicode61 remove_diacritics 2`: « diabete » finds « Diabète », case and accents aside; a word's start finds it
as one types), and the vocabulary of every indexed word searched by trigrams, for the « Vouliez-vous dire » of a
word with a typo (« diabte »). Built once per data version into a file beside the served Parquet, written aside
then renamed into place: every worker of every host reading that folder shares it, and a reader never sees it
half-written."""
from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from features.recherche.documents import Document

WORD = re.compile(r"[0-9a-z]+")
MAX_QUERY_WORDS = 8
MAX_QUERY_LENGTH = 200
RESULTS = 60
SCHEMA = """
CREATE TABLE docs (id INTEGER PRIMARY KEY, kind TEXT, title TEXT, url TEXT, detail TEXT, also_url TEXT,
                   also_label TEXT);
CREATE VIRTUAL TABLE words_fts USING fts5(title, text, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE vocabulary USING fts5(word, tokenize = 'trigram');
"""
KIND_WEIGHT = {"tableau": 0.0, "commune": 0.5, "jeu": 1.0, "recit": 1.5, "valeur": 2.0}  # ties: dashboards first


def fold(text: str) -> str:
    """Lower case, without accents: how words are compared."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").lower()


def words_of(text: str) -> list[str]:
    return WORD.findall(fold(text))


def stamp(parts: tuple) -> str:
    """The index's name for what it was built from (datasets' versions, stories' files, dashboards)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def index_path(folder: Path, parts: tuple) -> Path:
    return folder / f"recherche-{stamp(parts)}.sqlite"


def build(path: Path, documents: list[Document]) -> Path:
    """Write the index of `documents` at `path` (aside first, then renamed into place); the older indexes of the
    folder are removed once this one is in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, aside = tempfile.mkstemp(prefix=".recherche-", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        with sqlite3.connect(aside) as db:
            db.executescript(SCHEMA)
            db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(k, d.kind, d.title, d.url, d.detail, d.also_url, d.also_label)
                            for k, d in enumerate(documents)])
            db.executemany("INSERT INTO words_fts (rowid, title, text) VALUES (?, ?, ?)",
                           [(k, d.title if d.by_title else "", d.text) for k, d in enumerate(documents)])
            vocabulary = {w for d in documents for w in words_of(f"{d.title} {d.text}") if len(w) > 2}
            db.executemany("INSERT INTO vocabulary (word) VALUES (?)", [(w,) for w in sorted(vocabulary)])
            db.execute("INSERT INTO words_fts (words_fts) VALUES ('optimize')")
        db.close()
        os.replace(aside, path)
    except BaseException:
        Path(aside).unlink(missing_ok=True)
        raise
    for old in path.parent.glob("recherche-*.sqlite"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    url: str
    detail: str
    also_url: str
    also_label: str


@dataclass(frozen=True)
class Answer:
    """What a search found, best first; `corrected` is the query the hits are for when the words typed found
    nothing and a word was corrected (« diabte » → « diabete »), and `neighbours` the indexed words closest to
    the query's when nothing was found at all."""

    query: str
    hits: tuple[Hit, ...]
    corrected: str | None = None
    neighbours: tuple[str, ...] = ()


def search(path: Path, query: str) -> Answer:
    """The documents that hold every word of `query` (its last word as a start of word too)."""
    typed = words_of(query[:MAX_QUERY_LENGTH])[:MAX_QUERY_WORDS]
    if not typed:
        return Answer(query, ())
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        hits = _match(db, typed)
        if hits:
            return Answer(query, hits)
        fixed = [_closest(db, w) or w for w in typed]
        if fixed != typed:
            hits = _match(db, fixed)
            if hits:
                return Answer(query, hits, corrected=" ".join(fixed))
        return Answer(query, (), neighbours=tuple(dict.fromkeys(n for w in typed for n in _near(db, w)[:3])))
    finally:
        db.close()


def _match(db: sqlite3.Connection, typed: list[str]) -> tuple[Hit, ...]:
    terms = [f'"{w}"' for w in typed[:-1]] + [f'"{typed[-1]}"*']  # as one types: the last word may be a start
    rows = db.execute(
        "SELECT d.kind, d.title, d.url, d.detail, d.also_url, d.also_label, bm25(words_fts, 8.0, 1.0) AS score "
        "FROM words_fts JOIN docs d ON d.id = words_fts.rowid WHERE words_fts MATCH ? "
        "ORDER BY score LIMIT ?", (" AND ".join(terms), RESULTS * 4)).fetchall()
    ranked = sorted(rows, key=lambda r: (r[6] + KIND_WEIGHT.get(r[0], 3.0) * 0.1))  # bm25: lower is better
    return tuple(Hit(*r[:6]) for r in ranked[:RESULTS])


def _candidates(db: sqlite3.Connection, word: str) -> list[str]:
    grams = {word[k:k + 3] for k in range(len(word) - 2)}
    if not grams:
        return []
    match = " OR ".join(f'"{g}"' for g in sorted(grams))
    return [r[0] for r in db.execute("SELECT word FROM vocabulary WHERE vocabulary MATCH ? LIMIT 2000", (match,))]


def _closest(db: sqlite3.Connection, word: str) -> str | None:
    """The indexed word one typo away (a letter missing, extra, wrong or two swapped), the most common start
    first; None when the word is indexed or has no such neighbour."""
    if len(word) < 4:
        return None
    candidates = _candidates(db, word)
    if word in candidates:
        return None
    close = [c for c in candidates if distance(word, c) <= 1]
    return min(close, key=lambda c: (abs(len(c) - len(word)), c)) if close else None


def _near(db: sqlite3.Connection, word: str) -> list[str]:
    """The indexed words closest to `word` (two typos at most), closest first: the empty page's suggestions."""
    scored = sorted((distance(word, c), c) for c in _candidates(db, word) if c != word)
    return [c for d, c in scored if d <= 2]


def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), stopped early past 2: only small ones matter."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and previous2 is not None:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
