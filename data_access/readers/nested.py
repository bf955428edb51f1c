"""Nested JSON values (a GeoJSON's properties, a JSON file's records) as the cells of a table: a list of a field
declared multivalued joined with its separator, a point object ({"lat", "lon"}, Opendatasoft's geo_point_2d) as
"lat, lon" text, a geometry (or a Feature) as GeoJSON text, anything else nested as JSON text. The file's records
come in batches: memory holds one batch of objects at a time, the rest as Arrow text."""
from __future__ import annotations

import itertools
import json
from typing import Iterable, Iterator

from data_access.catalogue.model import FieldSpec

BATCH = 5_000  # records turned into columns at a time
BOM = b"\xef\xbb\xbf"


def open_json(path):
    """A JSON file opened for ijson, past its UTF-8 byte order mark when it has one."""
    handle = open(path, "rb")
    if handle.read(3) != BOM:
        handle.seek(0)
    return handle
GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


def batched(items: Iterable, size: int = BATCH) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def point_text(value: dict) -> str | None:
    """« lat, lon » for an object that is only a point (Opendatasoft's {"lon": 1.09, "lat": 49.44})."""
    if set(value) == {"lat", "lon"} and _number(value["lat"]) and _number(value["lon"]):
        return f"{float(value['lat'])!r}, {float(value['lon'])!r}"
    return None


def geometry_text(value: dict) -> str | None:
    """GeoJSON text, "type" first, for a geometry or a Feature's geometry; None for any other object."""
    if value.get("type") == "Feature" and isinstance(value.get("geometry"), dict):
        value = value["geometry"]
    kind = value.get("type")
    if kind in GEOMETRY_TYPES and "coordinates" in value:
        return json.dumps({"type": kind, "coordinates": value["coordinates"]})
    if kind == "GeometryCollection" and isinstance(value.get("geometries"), list):
        return json.dumps({"type": kind, "geometries": value["geometries"]})
    return None


def cell(value, separator: str | None = None):
    """A value of a record as a table's cell: scalars as they are, nested values as text (see the module)."""
    if isinstance(value, list):
        if separator is not None:
            parts = [str(v) for v in value if v is not None and not isinstance(v, (dict, list))]
            return separator.join(parts) if parts else None
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return point_text(value) or geometry_text(value) or json.dumps(value, ensure_ascii=False)
    return value


def separators(specs: tuple[FieldSpec, ...]):
    """A function giving the separator of the field a key of the records is (None when it is not multivalued)."""
    known: dict[str, str | None] = {}

    def of(key: str) -> str | None:
        if key not in known:
            known[key] = next((s.separator for s in specs if s.separator and s.matches(key)), None)
        return known[key]
    return of


def text(value) -> str | None:
    """A cell as the text a CSV export would hold: JSON's true and false as such, numbers as Python writes them
    (76717.0 keeps its « .0 »: a code stored as a float is repaired, and said, under its role)."""
    if value is None:
        return None
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if value == value else None
    return str(value)
