"""A GTFS feed's columns: which the portal needs, and how each text column is typed (integers, decimals, dates,
times past midnight as seconds)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


def typed(table: pa.Table, stem: str, where: str, notes: list[str]) -> pa.Table:
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


def to_pandas(table: pa.Table, stem: str) -> pd.DataFrame:
    for name in CATEGORY_COLUMNS.get(stem, ()):
        if name in table.column_names:
            index = table.column_names.index(name)
            table = table.set_column(index, name, pc.dictionary_encode(table.column(name)))
    # int64 with gaps would become float64 by default: nullable Int64 instead. Text becomes pandas "str".
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get, split_blocks=True, self_destruct=True)
