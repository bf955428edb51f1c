"""GeoJSON: a FeatureCollection or a bare Feature; features without geometry stay as rows. A FeatureCollection's
features are streamed one at a time (ijson): the coordinates of a 50 MB file never sit in memory as Python lists,
only each feature's geometry and properties as they are read. The `crs` member of the former GeoJSON
(« urn:ogc:def:crs:EPSG::3949 ») is kept for `places`, which brings the shapes to degrees."""
from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from data_access.catalogue.model import Dataset
from data_access.geometry.coordinates import UnknownCrs, geojson_crs
from data_access.readers.base import ReadError, Table, unreadable
from data_access.readers.nested import cell, open_json, separators
from data_access.readers.schema import match_spec, type_typed_frame

GEOMETRY_COLUMN = "geometry"
TAIL = 64 * 1024  # a `crs` member after the features is looked for in its last bytes


def _features(doc: object, name: str) -> list[dict]:
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise ReadError(f"GeoJSON invalide : {name} (« features » n'est pas une liste)")
        return features
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        return [doc]
    if isinstance(doc, dict) and "coordinates" in doc or isinstance(doc, dict) and doc.get("type") == "GeometryCollection":
        return [{"type": "Feature", "geometry": doc, "properties": {}}]
    raise ReadError(f"GeoJSON invalide : {name} (ni FeatureCollection ni Feature)")


def _members_before_features(handle) -> tuple[dict, bool]:
    """The top-level members written before « features », and whether « features » follows them as an array (then
    the features can be streamed). Only the members before it are parsed."""
    import ijson

    members: dict = {}
    key, builder = None, None
    events = ijson.parse(handle)
    try:
        for prefix, event, value in events:
            if prefix == "" and event in ("map_key", "end_map"):
                if key is not None and builder is not None:
                    members[key] = builder.value
                if event == "end_map":
                    return members, False
                key, builder = value, ijson.ObjectBuilder()
                if key == "features":
                    return members, next(events)[1] == "start_array"
            elif prefix == "" and event != "start_map":
                return members, False  # not an object: read whole, refused with its reason
            elif builder is not None:
                builder.event(event, value)
    except (ijson.JSONError, StopIteration):
        pass
    return members, False


def _streamed(path: Path) -> tuple[Iterator[dict], object] | None:
    """The features one by one and the `crs` member, for a FeatureCollection; None for any other document."""
    import ijson

    with open_json(path) as handle:
        members, streamable = _members_before_features(handle)
        if not streamable:
            return None
        size = handle.seek(0, io.SEEK_END)
        handle.seek(max(0, size - TAIL))
        crs_after = "crs" not in members and b'"crs"' in handle.read()
    crs = members.get("crs")
    if crs_after:  # written after the features: one more pass, which builds only that member
        with open_json(path) as handle:
            crs = next(ijson.items(handle, "crs"), None)

    def features() -> Iterator[dict]:
        with open_json(path) as handle:
            yield from ijson.items(handle, "features.item", use_float=True)
    return features(), crs


def _geometry(value) -> object:
    import shapely.geometry

    if not isinstance(value, dict):
        return None
    try:
        return shapely.geometry.shape(value)
    except Exception:  # noqa: BLE001 - shapely raises several kinds for a malformed geometry: it is left empty
        return False


def _collect(features: Iterator, name: str, separator_of) -> tuple[dict[str, list], list, int, int]:
    """Each property's values (a list per property, in the features' order), the geometries, how many were
    malformed, and the features' count."""
    columns: dict[str, list] = {}
    geometries, bad, count = [], 0, 0
    for feature in features:
        if not isinstance(feature, dict):
            raise ReadError(f"GeoJSON invalide : {name} (l'objet n° {count + 1} n'est pas un Feature)")
        props = feature.get("properties")
        for key, value in (props.items() if isinstance(props, dict) else ()):
            column = columns.setdefault(key, [])
            column.extend([None] * (count - len(column)))
            # nested values have no column type: kept as text (JSON, a point's « lat, lon », a geometry)
            column.append(cell(value, separator_of(key)))
        geometry = _geometry(feature.get("geometry"))
        bad += geometry is False
        geometries.append(geometry or None)
        count += 1
    for column in columns.values():
        column.extend([None] * (count - len(column)))
    return columns, geometries, bad, count


def _read(path: Path, dataset: Dataset) -> tuple[tuple[dict[str, list], list, int, int], object]:
    """What _collect gives, and the file's `crs` member: streamed for a FeatureCollection, else read whole."""
    import ijson

    separator_of = separators(dataset.fields)
    streamed = _streamed(path)
    if streamed is not None:
        try:
            return _collect(streamed[0], path.name, separator_of), streamed[1]
        except ijson.JSONError:
            pass  # NaN, Infinity or a number past 2**63, which ijson refuses and the standard library reads
    with open(path, "rb") as handle:
        doc = json.load(handle)
    crs = doc.get("crs") if isinstance(doc, dict) else None
    return _collect(iter(_features(doc, path.name)), path.name, separator_of), crs


def _file_crs(member, dataset: Dataset, name: str, notes: list[str]):
    """The system the file declares (`places` reads the catalogue's first, and says when they differ); a member
    that cannot be read is left aside, and noted when the catalogue gives no system (coordinates that are not
    degrees are then refused, with the key to write)."""
    if member is None:
        return None
    try:
        return geojson_crs(member)
    except UnknownCrs as exc:
        if dataset.crs is None:
            notes.append(f"{name} : {exc} ; il est ignoré")
        return None


def read_geojson_table(path: Path, dataset: Dataset) -> Table:
    import geopandas as gpd
    import ijson
    import shapely

    try:
        (columns, geometries, bad, count), crs_member = _read(path, dataset)
    except OSError as exc:
        raise unreadable(path, exc) from None
    except (ValueError, UnicodeDecodeError, ijson.JSONError) as exc:  # ijson's errors include the incomplete file
        raise ReadError(f"GeoJSON invalide : {path.name} ({str(exc)[:150]})") from None
    notes: list[str] = []
    crs = _file_crs(crs_member, dataset, path.name, notes)
    frame = pd.DataFrame(columns, index=range(count))
    geo_name = GEOMETRY_COLUMN if GEOMETRY_COLUMN not in frame.columns else "geometrie"
    geoms = np.array(geometries, dtype=object)
    frame[geo_name] = gpd.GeoSeries(geoms, crs="EPSG:4326", index=frame.index)  # degrees once `places` has run
    types = shapely.get_type_id(geoms[~pd.isna(geoms)])
    spec = match_spec(geo_name, geo_name, dataset.fields)
    geo_type = spec.type if spec and spec.type else (
        "geo_point_2d" if len(types) and np.all(types == 0) else "geo_shape")
    table = type_typed_frame(frame, dataset.fields, path.name, known_types={geo_name: geo_type})
    if bad:
        notes.append(f"{path.name} : {bad} géométrie(s) invalide(s), laissées vides")
    table.notes = table.notes + tuple(notes)
    table.fields = tuple(replace(f, label="Géométrie") if f.name == geo_name and f.label == geo_name else f
                         for f in table.fields)
    table.extra["crs"] = crs
    return table
