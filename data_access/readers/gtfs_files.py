"""A GTFS feed's files, from a zip archive or a folder, and their CSV parsing (a BOM, CRLF, quotes, duplicated
column names), as pyarrow tables of text."""
from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.csv as pacsv

from data_access.readers.base import ReadError

REQUIRED_FILES = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
CALENDAR_FILES = ("calendar.txt", "calendar_dates.txt")  # at least one of them is required


# ---------------------------------------------------------------- where the files are (zip or folder)


def _pick_members(paths: list[str]) -> dict[str, str]:
    """File name ("stops.txt") -> member path, from the folder of the feed (the root or a single sub-folder)."""
    by_dir: dict[str, dict[str, str]] = {}
    for member in paths:
        pure = PurePosixPath(member)
        if pure.suffix.lower() != ".txt" or pure.name.startswith(".") or "__MACOSX" in pure.parts:
            continue
        by_dir.setdefault(str(pure.parent), {}).setdefault(pure.name.lower(), member)
    if not by_dir:
        return {}

    def score(folder: str) -> tuple[int, int, int]:
        names = by_dir[folder]
        depth = 0 if folder == "." else folder.count("/") + 1
        return sum(f in names for f in REQUIRED_FILES + CALENDAR_FILES), -depth, len(names)

    return by_dir[max(by_dir, key=score)]


_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError,
               NotImplementedError)  # RuntimeError: encrypted member; NotImplementedError: e.g. Deflate64


def _error(label: str, reason: str, detail: object = None) -> ReadError:
    """A ReadError "<feed> : <reason> (<detail>)"; `reason` alone is what probe_gtfs reports."""
    exc = ReadError(f"{label} : {reason}" + (f" ({detail})" if detail else ""))
    exc.reason = reason
    return exc


class FeedFiles:
    """A feed's files, from a zip archive or a folder; `label` names the feed in messages."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.label = f"GTFS « {self.path.name} »"
        self._zip: zipfile.ZipFile | None = None
        if not self.path.exists():
            raise _error(self.label, "fichier introuvable")
        if self.path.is_dir():
            try:
                found = [p.name for p in self.path.iterdir() if p.is_file()]
                if not any(name.lower() in REQUIRED_FILES for name in found):  # a feed one folder down
                    found += [f"{d.name}/{p.name}" for d in self.path.iterdir() if d.is_dir() for p in d.iterdir()
                              if p.is_file()]
            except OSError as exc:
                raise _error(self.label, "dossier illisible", exc.strerror) from exc
            self.members = _pick_members(found)
        else:
            try:
                self._zip = zipfile.ZipFile(self.path)
                self.members = _pick_members([i.filename for i in self._zip.infolist() if not i.is_dir()])
            except _ZIP_ERRORS as exc:
                self.close()
                raise _error(self.label, "archive zip illisible", exc) from exc

    def error(self, name: str, exc: BaseException) -> ReadError:
        what = "archive zip illisible" if self._zip is not None else "lecture impossible"
        return _error(self.label, f"{name}, {what}", exc)

    def read(self, name: str) -> bytes:
        member = self.members[name]
        try:
            if self._zip is not None:
                return self._zip.read(member)
            return (self.path / member).read_bytes()
        except _ZIP_ERRORS as exc:
            raise self.error(name, exc) from exc

    def open(self, name: str):
        """A stream for Arrow: the zip member (inflated as it is read) or the file, memory-mapped."""
        member = self.members[name]
        if self._zip is not None:
            return self._zip.open(member)
        return pa.memory_map(str(self.path / member))

    def head(self, name: str, size: int = 8192) -> bytes:
        """The first bytes of a file, enough for its header line, without reading (or inflating) the rest."""
        member = self.members[name]
        try:
            if self._zip is not None:
                with self._zip.open(member) as fh:
                    return fh.read(size)
            with open(self.path / member, "rb") as fh:
                return fh.read(size)
        except _ZIP_ERRORS as exc:
            raise self.error(name, exc) from exc

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> "FeedFiles":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def missing_files(members: dict[str, str]) -> str | None:
    for name in REQUIRED_FILES:
        if name not in members:
            return name
    if not any(name in members for name in CALENDAR_FILES):
        return " ou ".join(CALENDAR_FILES)
    return None


# ---------------------------------------------------------------- CSV parsing

BOM = b"\xef\xbb\xbf"
_NON_BLANK = re.compile(rb"[^\s]")


def header_names(raw: bytes | memoryview) -> list[str]:
    """The column names of the first line, stripped of blanks (and of a BOM)."""
    raw = bytes(raw[:65536])
    if raw.startswith(BOM):
        raw = raw[3:]
    end = raw.find(b"\n")
    line = (raw if end < 0 else raw[:end]).decode("utf-8", errors="replace")
    row = next(csv.reader([line.rstrip("\r")]), [])
    return [name.strip().lstrip("\ufeff").strip() for name in row]


def _unique_names(names: list[str], where: str, notes: list[str]) -> list[str]:
    out: list[str] = []
    for i, name in enumerate(names):
        new = name or f"colonne_{i + 1}"
        k = 2
        while new in out:
            new, k = f"{name or f'colonne_{i + 1}'}_{k}", k + 1
        if new != name:
            notes.append(f"{where} : colonne {i + 1} renommée « {new} » (nom vide ou en double)")
        out.append(new)
    return out


BLOCK_SIZE = 1 << 22  # Arrow parses blocks of 4 MiB in parallel


def _read_csv(data: pa.Buffer | object, names: list[str], newlines_in_values: bool) -> pa.Table:
    """Every column as text (empty cells missing) from a buffer or a stream; the header line is skipped."""
    return pacsv.read_csv(
        pa.BufferReader(data) if isinstance(data, pa.Buffer) else data,
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=True, block_size=BLOCK_SIZE),
        parse_options=pacsv.ParseOptions(newlines_in_values=newlines_in_values),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            null_values=[""],  # only empty cells are missing: "NA", "null", "N/A" are kept as text
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )


_HEAD_SIZE = 65536


def parse_file(source: FeedFiles, fname: str, where: str, notes: list[str]) -> pa.Table | None:
    """All the columns of one CSV file as text; None for an empty file. Raises ReadError when it does not parse.

    The usual file is streamed to Arrow (a zip member is inflated while Arrow parses what came before);
    anything unusual - blank lines before the header, a quoted line break, bytes that are not UTF-8 - falls back
    to reading the whole file into memory first.
    """
    head = source.head(fname, _HEAD_SIZE)
    start = 3 if head.startswith(BOM) else 0
    first = _NON_BLANK.search(head, start)
    if first is None and len(head) < _HEAD_SIZE:
        return None
    names = None
    if first is not None and first.start() == start:
        names = _unique_names(header_names(head), where, notes)
        try:
            with source.open(fname) as stream:
                return _read_csv(stream, names, newlines_in_values=False)
        except pa.ArrowInvalid:
            pass
        except _ZIP_ERRORS as exc:
            raise source.error(fname, exc) from exc
    return _parse_bytes(source.read(fname), where, source.label, notes, names)


def _parse_bytes(raw: bytes, where: str, label: str, notes: list[str], names: list[str] | None) -> pa.Table | None:
    """parse_file's careful way, on the whole file in memory; the BOM is skipped without copying the bytes."""
    first = _NON_BLANK.search(raw, 3 if raw.startswith(BOM) else 0)
    if first is None:
        return None
    line_start = raw.rfind(b"\n", 0, first.start()) + 1  # blank lines before the header are skipped
    body = pa.py_buffer(memoryview(raw)[line_start:]) if line_start else pa.py_buffer(raw)
    if names is None:
        names = _unique_names(header_names(body), where, notes)
    error: pa.ArrowInvalid | None = None
    for newlines_in_values in (False, True):
        try:
            return _read_csv(body, names, newlines_in_values)
        except pa.ArrowInvalid as exc:
            error = exc
            if "UTF8" in str(exc) or "UTF-8" in str(exc):
                break
    if "UTF8" in str(error) or "UTF-8" in str(error):
        notes.append(f"{where} : fichier non UTF-8, lu comme Windows-1252")
        text = bytes(body).decode("cp1252", errors="replace").encode("utf-8")
        try:
            return _read_csv(pa.py_buffer(text), names, newlines_in_values=True)
        except pa.ArrowInvalid as exc:
            error = exc
    detail = str(error).split("\n", 1)[0]
    raise ReadError(f"{label} : {where.rsplit('/', 1)[-1]}, CSV illisible ({detail[:200]})") from error
