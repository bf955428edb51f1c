"""GTFS reader: a zip or folder feed read into typed pandas tables, shown in the catalogue as its stops."""
from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .base import ReadError, Table

if TYPE_CHECKING:
    from ..catalogue import Dataset

REQUIRED_FILES = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
CALENDAR_FILES = ("calendar.txt", "calendar_dates.txt")  # at least one of them is required

# Columns a file must have for the portal to use it (a subset of the spec's "Required": only what joins and the
# stops map need, so that a feed is not refused over a column nobody reads).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "stops": ("stop_id", "stop_lat", "stop_lon"),
    "routes": ("route_id", "route_type"),
    "trips": ("route_id", "service_id", "trip_id"),
    "stop_times": ("trip_id", "stop_id", "stop_sequence"),
    "calendar": ("service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                 "start_date", "end_date"),
    "calendar_dates": ("service_id", "date", "exception_type"),
    "shapes": ("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"),
    "frequencies": ("trip_id", "start_time", "end_time", "headway_secs"),
    "transfers": ("from_stop_id", "to_stop_id", "transfer_type"),
}

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Every column is read as text; these are then cast. "time" columns stay text and gain a "<stem>_s" column
# of seconds since midnight (arrival_time -> arrival_s). Columns not listed here stay text.
COLUMN_KINDS: dict[str, dict[str, str]] = {
    "stops": {"stop_lat": "float", "stop_lon": "float", "location_type": "int", "wheelchair_boarding": "int"},
    "routes": {"route_type": "int", "route_sort_order": "int", "continuous_pickup": "int",
               "continuous_drop_off": "int"},
    "trips": {"direction_id": "int", "wheelchair_accessible": "int", "bikes_allowed": "int"},
    "stop_times": {"arrival_time": "time", "departure_time": "time", "stop_sequence": "int", "pickup_type": "int",
                   "drop_off_type": "int", "continuous_pickup": "int", "continuous_drop_off": "int",
                   "shape_dist_traveled": "float", "timepoint": "int"},
    "calendar": {**{day: "int" for day in _DAYS}, "start_date": "date", "end_date": "date"},
    "calendar_dates": {"date": "date", "exception_type": "int"},
    "shapes": {"shape_pt_lat": "float", "shape_pt_lon": "float", "shape_pt_sequence": "int",
               "shape_dist_traveled": "float"},
    "frequencies": {"start_time": "time", "end_time": "time", "headway_secs": "int", "exact_times": "int"},
    "transfers": {"transfer_type": "int", "min_transfer_time": "int"},
    "feed_info": {"feed_start_date": "date", "feed_end_date": "date"},
    "fare_attributes": {"price": "float", "payment_method": "int", "transfers": "int", "transfer_duration": "int"},
    "pathways": {"pathway_mode": "int", "is_bidirectional": "int", "length": "float", "traversal_time": "int",
                 "stair_count": "int", "max_slope": "float", "min_width": "float"},
    "levels": {"level_index": "float"},
}
# Every file of the GTFS Schedule reference: these must parse. Any other .txt member (a README, a licence…)
# is kept when it parses as CSV and skipped with a note when it does not.
KNOWN_FILES = frozenset(COLUMN_KINDS) | {
    "agency", "fare_rules", "attributions", "translations", "areas", "stop_areas", "networks", "route_networks",
    "fare_media", "fare_products", "fare_leg_rules", "fare_transfer_rules", "fare_leg_join_rules", "timeframes",
    "rider_categories", "location_groups", "location_group_stops", "booking_rules",
}

# ---------------------------------------------------------------- the feed


@dataclass
class GtfsFeed:
    """Every table of a feed, keyed by file stem ("stops", "stop_times"…), with the repairs made while reading."""

    tables: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(_stem(name))

    def has(self, name: str) -> bool:
        return _stem(name) in self.tables


def _stem(name: str) -> str:
    name = name.lower()
    return name[:-4] if name.endswith(".txt") else name


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


class _Source:
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

    def __enter__(self) -> "_Source":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _missing_files(members: dict[str, str]) -> str | None:
    for name in REQUIRED_FILES:
        if name not in members:
            return name
    if not any(name in members for name in CALENDAR_FILES):
        return " ou ".join(CALENDAR_FILES)
    return None


# ---------------------------------------------------------------- CSV parsing

_BOM = b"\xef\xbb\xbf"
_NON_BLANK = re.compile(rb"[^\s]")


def _header(raw: bytes | memoryview) -> list[str]:
    """The column names of the first line, stripped of blanks (and of a BOM)."""
    raw = bytes(raw[:65536])
    if raw.startswith(_BOM):
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


def _parse(source: _Source, fname: str, where: str, notes: list[str]) -> pa.Table | None:
    """All the columns of one CSV file as text; None for an empty file. Raises ReadError when it does not parse.

    The usual file is streamed to Arrow (a zip member is inflated while Arrow parses what came before);
    anything unusual - blank lines before the header, a quoted line break, bytes that are not UTF-8 - falls back
    to reading the whole file into memory first.
    """
    head = source.head(fname, _HEAD_SIZE)
    start = 3 if head.startswith(_BOM) else 0
    first = _NON_BLANK.search(head, start)
    if first is None and len(head) < _HEAD_SIZE:
        return None
    names = None
    if first is not None and first.start() == start:
        names = _unique_names(_header(head), where, notes)
        try:
            with source.open(fname) as stream:
                return _read_csv(stream, names, newlines_in_values=False)
        except pa.ArrowInvalid:
            pass
        except _ZIP_ERRORS as exc:
            raise source.error(fname, exc) from exc
    return _parse_bytes(source.read(fname), where, source.label, notes, names)


def _parse_bytes(raw: bytes, where: str, label: str, notes: list[str], names: list[str] | None) -> pa.Table | None:
    """_parse's careful way, on the whole file in memory; the BOM is skipped without copying the bytes."""
    first = _NON_BLANK.search(raw, 3 if raw.startswith(_BOM) else 0)
    if first is None:
        return None
    line_start = raw.rfind(b"\n", 0, first.start()) + 1  # blank lines before the header are skipped
    body = pa.py_buffer(memoryview(raw)[line_start:]) if line_start else pa.py_buffer(raw)
    if names is None:
        names = _unique_names(_header(body), where, notes)
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


# ---------------------------------------------------------------- typing the text columns

_INT_RE = r"^[+-]?\d{1,18}$"
_FLOAT_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_TIME_RE = r"^\s*(?P<h>\d{1,3}):(?P<m>[0-5]\d):(?P<s>[0-5]\d)\s*$"
_NULL_STR = pa.scalar(None, pa.string())


def _lost(before: pa.ChunkedArray, after: pa.ChunkedArray) -> int:
    return after.null_count - before.null_count


def _to_int(col: pa.ChunkedArray) -> tuple[pa.ChunkedArray, int]:
    try:
        return pc.cast(col, pa.int64()), 0
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = pc.utf8_trim_whitespace(col)
    text = pc.if_else(pc.equal(text, ""), _NULL_STR, text)  # blanks are missing, not wrong
    blanks = text.null_count - col.null_count
    text = pc.replace_substring_regex(text, r"^([+-]?\d+)\.0*$", r"\1")  # "3.0" written by a spreadsheet
    out = pc.cast(pc.if_else(pc.match_substring_regex(text, _INT_RE), text, _NULL_STR), pa.int64())
    return out, _lost(col, out) - blanks


def _to_float(col: pa.ChunkedArray) -> tuple[pa.ChunkedArray, int]:
    try:
        return pc.cast(col, pa.float64()), 0
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = pc.utf8_trim_whitespace(col)
    text = pc.if_else(pc.equal(text, ""), _NULL_STR, text)
    blanks = text.null_count - col.null_count
    text = pc.replace_substring(text, ",", ".")  # decimal comma
    out = pc.cast(pc.if_else(pc.match_substring_regex(text, _FLOAT_RE), text, _NULL_STR), pa.float64())
    return out, _lost(col, out) - blanks


def _to_date(col: pa.ChunkedArray) -> tuple[pa.ChunkedArray, int]:
    try:
        return pc.strptime(col, format="%Y%m%d", unit="s"), 0
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = pc.utf8_trim_whitespace(col)
    text = pc.if_else(pc.equal(text, ""), _NULL_STR, text)
    blanks = text.null_count - col.null_count
    out = pc.strptime(text, format="%Y%m%d", unit="s", error_is_null=True)
    return out, _lost(col, out) - blanks


_TAIL8 = np.arange(-8, 0)


def _seconds_fast(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Seconds of "HH:MM:SS" / "H:MM:SS" values read straight from the Arrow buffers, and where that worked.

    Each value's last 8 bytes form a row of an (n, 8) byte matrix - a mere view of the data buffer when every
    value is 8 bytes long, the usual case - checked and summed column by column. Values of another shape
    (blanks around, 3-digit hours) or missing come back as not done, for the slower path.
    """
    n = len(arr)
    _, offsets_buf, data_buf = arr.buffers()
    if n == 0 or data_buf is None or data_buf.size == 0:
        return np.zeros(n, np.int64), np.zeros(n, bool)
    offset_type = np.dtype(np.int64 if pa.types.is_large_string(arr.type) else np.int32)
    offsets = np.frombuffer(offsets_buf, dtype=offset_type, count=n + 1, offset=arr.offset * offset_type.itemsize)
    data = np.frombuffer(data_buf, dtype=np.uint8)
    lengths = np.diff(offsets)
    long = lengths == 8
    if arr.null_count == 0 and long.all():
        rows = data[offsets[0]:offsets[0] + 8 * n].reshape(n, 8)
        short = None
    else:
        index = offsets[1:, None].astype(np.int64) + _TAIL8
        np.clip(index, 0, len(data) - 1, out=index)
        rows = data[index]
        short = lengths == 7
    digits = rows - np.uint8(48)  # b"0" is 48: digits become 0-9, ":" 10, anything else > 10 (wrapping)
    is_digit = digits <= 9
    done = (digits[:, 2] == 10) & (digits[:, 5] == 10) & is_digit[:, 1] & is_digit[:, 3] & is_digit[:, 4]
    done &= is_digit[:, 6] & is_digit[:, 7] & (digits[:, 3] <= 5) & (digits[:, 6] <= 5)
    hours = digits[:, 1].astype(np.int64)
    if short is None:
        done &= is_digit[:, 0]
        hours += digits[:, 0] * np.int64(10)
    else:
        done &= (long & is_digit[:, 0]) | short
        hours += np.where(long, digits[:, 0] * np.int64(10), 0)
        if arr.null_count:
            done &= arr.is_valid().to_numpy(zero_copy_only=False)
    seconds = hours * 3600 + (digits[:, 3] * np.int64(600) + digits[:, 4] * np.int64(60))
    seconds += digits[:, 6] * np.int64(10) + digits[:, 7]
    return seconds, done


def _to_seconds(col: pa.ChunkedArray) -> tuple[pa.Array, int]:
    """Seconds since midnight of GTFS times ("25:10:00" -> 90600, " 7:05:00" -> 25500); null when unreadable."""
    values, done = [], []
    for chunk in col.chunks:
        v, d = _seconds_fast(chunk)
        rest = np.flatnonzero(~d)
        if rest.size:  # the odd shapes: a regular expression on just those values
            others = pc.take(chunk, pa.array(rest))
            parts = pc.extract_regex(others, _TIME_RE)
            h, m, s = (pc.cast(pc.struct_field(parts, k), pa.int64()) for k in "hms")
            secs = pc.add(pc.add(pc.multiply(h, 3600), pc.multiply(m, 60)), s)
            ok = secs.is_valid().to_numpy(zero_copy_only=False)
            v[rest[ok]] = secs.to_numpy(zero_copy_only=False)[ok]
            d[rest[ok]] = True
        values.append(v)
        done.append(d)
    v = np.concatenate(values) if values else np.zeros(0, np.int64)
    d = np.concatenate(done) if done else np.zeros(0, bool)
    out = pa.array(v, type=pa.int64(), mask=~d)
    return out, int((~d).sum()) - col.null_count


_CASTS = {"int": _to_int, "float": _to_float, "date": _to_date}


def _typed(table: pa.Table, stem: str, where: str, notes: list[str]) -> pa.Table:
    for name, kind in COLUMN_KINDS.get(stem, {}).items():
        if name not in table.column_names:
            continue
        col = table.column(name)
        if kind == "time":
            seconds, lost = _to_seconds(col)
            new = name.removesuffix("_time") + "_s"
            if new in table.column_names:
                table = table.drop_columns([new])
            table = table.append_column(new, seconds)
        else:
            typed, lost = _CASTS[kind](col)
            table = table.set_column(table.column_names.index(name), name, typed)
        if lost:
            notes.append(f"{where} : {lost} valeur(s) illisible(s) dans la colonne {name}, laissée(s) vide(s)")
    return table


# Text columns of the big tables repeat a few thousand values millions of times: they are kept as categories
# (a 4-byte code per row instead of the string), which halves the memory of stop_times and speeds up grouping.
CATEGORY_COLUMNS = {
    "stop_times": ("trip_id", "stop_id", "arrival_time", "departure_time", "stop_headsign"),
    "shapes": ("shape_id",),
}


def _to_pandas(table: pa.Table, stem: str) -> pd.DataFrame:
    for name in CATEGORY_COLUMNS.get(stem, ()):
        if name in table.column_names:
            index = table.column_names.index(name)
            table = table.set_column(index, name, pc.dictionary_encode(table.column(name)))
    # int64 with gaps would become float64 by default: nullable Int64 instead. Text becomes pandas "str".
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get, split_blocks=True, self_destruct=True)


def _load(source: _Source, fname: str, notes: list[str]) -> pd.DataFrame | None:
    """One file as a typed DataFrame; None for an unknown file that is not CSV (skipped, with a note).

    Notes name the file as "<feed>/<file>" (gtfs_astuce.zip/stop_times.txt)."""
    stem = fname[:-4]
    where = f"{source.path.name}/{fname}"
    try:
        table = _parse(source, fname, where, notes)
    except ReadError:
        if stem in KNOWN_FILES:
            raise
        notes.append(f"{where} : fichier inconnu illisible en CSV, ignoré")
        return None
    if table is None:
        if fname in REQUIRED_FILES:
            raise ReadError(f"{source.label} : {fname}, fichier vide")
        return pd.DataFrame()
    for column in REQUIRED_COLUMNS.get(stem, ()):
        if column not in table.column_names:
            raise ReadError(f"{source.label} : {fname}, colonne obligatoire {column} absente")
    frame = _to_pandas(_typed(table, stem, where, notes), stem)
    if stem == "stop_times":  # always there, so that timetables need not test for them
        for name in ("arrival_s", "departure_s"):
            if name not in frame.columns:
                frame[name] = pd.array([pd.NA] * len(frame), dtype="Int64")
    return frame


# ---------------------------------------------------------------- public readers


def probe_gtfs(path: Path) -> str | None:
    """None when the feed looks usable, else a short French reason; reads the file list and header lines only."""
    try:
        source = _Source(Path(path))
    except ReadError as exc:
        return getattr(exc, "reason", str(exc))
    with source:
        missing = _missing_files(source.members)
        if missing:
            return f"fichier GTFS incomplet : {missing} manquant"
        for fname in REQUIRED_FILES + CALENDAR_FILES:
            if fname not in source.members:
                continue
            try:
                head = source.head(fname)
            except ReadError as exc:
                return exc.reason
            if not head.strip(_BOM + b" \r\n\t"):
                if fname in REQUIRED_FILES:
                    return f"fichier GTFS incomplet : {fname} vide"
                continue
            names = _header(head)
            for column in REQUIRED_COLUMNS.get(fname[:-4], ()):
                if column not in names:
                    return f"{fname} : colonne obligatoire {column} absente"
    return None


def read_gtfs(path: Path) -> GtfsFeed:
    """Every .txt file of a GTFS zip or folder, typed (ids stay text). Raises ReadError naming the file at fault."""
    with _Source(Path(path)) as source:
        missing = _missing_files(source.members)
        if missing:
            raise ReadError(f"{source.label} : fichier obligatoire {missing} absent")
        notes: list[str] = []
        tables: dict[str, pd.DataFrame] = {}
        for fname in source.members:
            frame = _load(source, fname, notes)
            if frame is not None:
                tables[fname[:-4]] = frame
    order = [f[:-4] for f in REQUIRED_FILES + CALENDAR_FILES]
    tables = {k: tables[k] for k in sorted(tables, key=lambda k: (order.index(k) if k in order else len(order), k))}
    return GtfsFeed(tables=tables, notes=notes)


def read_gtfs_file(path: Path, name: str) -> pd.DataFrame:
    """One table of a feed ("stops" or "stops.txt"), typed as read_gtfs does, even when the feed is incomplete."""
    fname = _stem(name) + ".txt"
    with _Source(Path(path)) as source:
        if fname not in source.members:
            raise ReadError(f"{source.label} : fichier {fname} absent")
        notes: list[str] = []
        frame = _load(source, fname, notes)
    return frame if frame is not None else pd.DataFrame()


# ---------------------------------------------------------------- the stops as the catalogue's table

STOP_LABELS = {
    "stop_id": "Identifiant de l'arrêt",
    "stop_code": "Code de l'arrêt",
    "stop_name": "Nom de l'arrêt",
    "tts_stop_name": "Nom de l'arrêt (synthèse vocale)",
    "stop_desc": "Description de l'arrêt",
    "stop_lat": "Latitude",
    "stop_lon": "Longitude",
    "zone_id": "Zone tarifaire",
    "stop_url": "Page web de l'arrêt",
    "location_type": "Type d'emplacement",
    "parent_station": "Station parente",
    "stop_timezone": "Fuseau horaire",
    "wheelchair_boarding": "Accès en fauteuil roulant",
    "level_id": "Niveau",
    "platform_code": "Quai",
}
GEO_COLUMN = "geo_point_2d"


def _points(lon: pd.Series, lat: pd.Series) -> tuple[np.ndarray, int]:
    """Shapely points (None where a coordinate is missing or out of range), and how many were out of range."""
    import shapely

    x = lon.to_numpy(dtype="float64", na_value=np.nan)
    y = lat.to_numpy(dtype="float64", na_value=np.nan)
    present = ~(np.isnan(x) | np.isnan(y))
    valid = present & (np.abs(x) <= 180) & (np.abs(y) <= 90) & ~((x == 0) & (y == 0))
    geoms = np.full(len(x), None, dtype=object)
    geoms[valid] = shapely.points(x[valid], y[valid])
    return geoms, int((present & ~valid).sum())


def read_gtfs_table(path: Path, dataset: "Dataset") -> Table:
    """The catalogue's view of a GTFS dataset: its stops, with a point per stop; the whole feed in extra["gtfs"].

    Field types follow the columns' dtypes; the dataset's declared fields override label, facet, role… and
    type, with the same rules as the other readers (a declared type the values do not follow keeps the text).
    """
    import geopandas as gpd

    from .schema import type_typed_frame

    feed = read_gtfs(path)
    source = f"{Path(path).name}/stops.txt"
    frame = feed.tables["stops"].copy()
    geoms, out_of_range = _points(frame["stop_lon"], frame["stop_lat"])
    frame[GEO_COLUMN] = gpd.GeoSeries(geoms, index=frame.index, crs="EPSG:4326")
    specs = tuple(dataset.fields) if dataset is not None else ()
    declared = {spec.name: spec for spec in specs}
    # GTFS text is text (ids like "2024-01-15" are no dates): only a declared type changes a column's type.
    known = {name: "text" for name in frame.columns
             if frame[name].dtype == "str" and not getattr(declared.get(name), "type", None)}
    table = type_typed_frame(frame, specs, source, known_types={**known, GEO_COLUMN: "geo_point_2d"})
    table.fields = tuple(
        replace(f, label=STOP_LABELS[f.name]) if f.name in STOP_LABELS and not getattr(declared.get(f.name), "label",
                                                                                         None) else f
        for f in table.fields
    )
    notes = list(feed.notes) + list(table.notes)
    if out_of_range:
        notes.append(f"{source} : {out_of_range} arrêt(s) aux coordonnées hors limites ou (0, 0), sans position")
    notes += [f"{source} : champ déclaré « {name} » absent" for name in declared if name not in frame.columns]
    table.notes = tuple(notes)
    table.extra["gtfs"] = feed
    return table
