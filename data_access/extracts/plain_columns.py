"""Rows made plain for every extract format and for the grid: geometry as text, dates as dates, times as text,
text that a spreadsheet would run as a formula made safe. From a frame (plain_arrow) or from the engine's Arrow
rows (plain_from_arrow), column for column the same."""
from __future__ import annotations

import datetime as dt
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data_access.readers.base import FieldInfo

# A text cell starting with one of these is read as a formula by spreadsheets: it gets a ' in front.
FORMULA_START = r"^[=+\-@\t\r\n]"


def safe_text(text: str) -> str:
    """One text cell made safe for a spreadsheet (the header's names too)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") else text


def _neutralise(values: pa.Array) -> pa.Array:
    """Prefix with ' the text cells a spreadsheet would run as a formula (=, +, -, @, tab, CR)."""
    risky = pc.fill_null(pc.match_substring_regex(values, FORMULA_START), False)
    if not pc.any(risky).as_py():
        return values
    return pc.if_else(risky, pc.binary_join_element_wise("'", values, ""), values)


def _geometry_text(geoms: np.ndarray, type_: str) -> pa.Array:
    """Geometries (shapely objects, None where missing) as Opendatasoft writes them: "lat, lon" for points,
    GeoJSON text for shapes."""
    import shapely

    present = ~pd.isna(geoms)
    if type_ == "geo_point_2d":  # an empty point has no position: written as missing
        present[present] = ~shapely.is_empty(geoms[present])
        points = geoms[present]
        return _points_text(shapely.get_x(points), shapely.get_y(points), present)
    out = np.full(len(geoms), None, dtype=object)
    if present.any():
        out[present] = shapely.to_geojson(geoms[present])
    return pa.array(out, type=pa.string())


def _points_text(x: np.ndarray, y: np.ndarray, present: np.ndarray) -> pa.Array:
    """Points as "lat, lon" (each number as Python writes it), None where `present` is False."""
    out = np.full(len(present), None, dtype=object)
    if present.any():
        out[present] = [f"{lat!r}, {lon!r}" for lon, lat in zip(x.tolist(), y.tolist())]
    return pa.array(out, type=pa.string())


WKB_POINT = 21  # bytes of a 2-D point in WKB: the byte order, the type, x and y
WKB_LITTLE_POINT = (1, 1, 0, 0, 0)  # little-endian, type 1 (Point)


def _wkb_points(array: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(x, y, present) of a column of 2-D WKB points read straight from its bytes, as shapely reads them, with no
    object per row; None when a value is anything else (another shape, big-endian, 3-D, with an SRID): shapely
    then reads the column."""
    if not (pa.types.is_binary(array.type) or pa.types.is_large_binary(array.type)):
        return None
    width = np.dtype(np.int64 if pa.types.is_large_binary(array.type) else np.int32)
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=width, count=len(array) + 1, offset=array.offset * width.itemsize)
    present = array.is_valid().to_numpy(zero_copy_only=False)
    if (np.diff(offsets)[present] != WKB_POINT).any():
        return None
    if not present.any():
        return np.empty(0), np.empty(0), present
    rows = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[:-1][present, None] + np.arange(WKB_POINT)]
    if not (rows[:, :5] == WKB_LITTLE_POINT).all():
        return None
    xy = np.ascontiguousarray(rows[:, 5:]).view("<f8")
    filled = ~np.isnan(xy).all(axis=1)  # POINT EMPTY is written with NaN coordinates: no position
    present[present] = filled
    return xy[filled, 0], xy[filled, 1], present


def _plain(array: pa.Array, field: FieldInfo, neutralise: bool) -> pa.Array:
    """One typed Arrow column made plain: dates as dates, times as text, text made safe if asked."""
    if field.type in ("date", "datetime"):
        # whole seconds whatever the source's precision (a Parquet file may hold nanoseconds)
        seconds = pc.cast(array, pa.timestamp("s", getattr(array.type, "tz", None)), safe=False)
        array = seconds.cast(pa.date32()) if field.type == "date" else pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%S")
    elif field.type in ("int", "double", "boolean"):
        array = array.cast({"int": pa.int64(), "double": pa.float64(), "boolean": pa.bool_()}[field.type])
    else:
        array = array.cast(pa.string())
    if neutralise and pa.types.is_string(array.type):
        array = _neutralise(array)
    return array


def plain_arrow(chunk: pd.DataFrame, fields: tuple[FieldInfo, ...], *, neutralise: bool) -> pa.Table:
    """A chunk as Arrow columns every format can write: geometry as text, dates as dates, text made safe."""
    columns = {}
    for field in fields:
        column = chunk[field.name]
        if field.is_geo:
            columns[field.name] = _geometry_text(np.asarray(column.array, dtype=object), field.type)
            continue
        if field.type == "int":
            array = pa.array(column, type=pa.int64(), from_pandas=True)
        elif field.type == "double":
            array = pa.array(column, type=pa.float64(), from_pandas=True)
        elif field.type == "boolean":
            array = pa.array(column, type=pa.bool_(), from_pandas=True)
        elif field.is_temporal or isinstance(column.dtype, pd.StringDtype):  # Arrow-backed: no copy via Python
            array = pa.array(column, from_pandas=True)
        else:
            array = pa.array(column.astype(object).where(column.notna(), None), type=pa.string())
        columns[field.name] = _plain(array, field, neutralise)
    return pa.table(columns)


def plain_from_arrow(table: pa.Table, fields: tuple[FieldInfo, ...], *, neutralise: bool) -> pa.Table:
    """plain_arrow for the engine's Arrow rows (geometry as WKB): the same columns, without a frame between."""
    import shapely

    columns = {}
    for field in fields:
        array = table.column(field.name).combine_chunks()
        points = _wkb_points(array) if field.type == "geo_point_2d" else None
        if points is not None:
            columns[field.name] = _points_text(*points)
        elif field.is_geo:
            columns[field.name] = _geometry_text(shapely.from_wkb(array.to_numpy(zero_copy_only=False)), field.type)
        else:
            columns[field.name] = _plain(array, field, neutralise)
    return pa.table(columns)


def _json_value(value):
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def records(table: pa.Table) -> Iterator[dict]:
    names = table.column_names
    for row in zip(*(table.column(n).to_pylist() for n in names)):
        yield {n: _json_value(v) for n, v in zip(names, row)}
