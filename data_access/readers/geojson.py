"""GeoJSON: a FeatureCollection or a bare Feature; features without geometry stay as rows. A FeatureCollection is
read a batch of features at a time (ijson): a 50 MB file never sits in memory as Python objects. The `crs` member
of the former GeoJSON (« urn:ogc:def:crs:EPSG::3949 ») is kept for `places`, which brings the shapes to degrees."""
from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from ..catalogue import Dataset
from ..coordinates import UnknownCrs, geojson_crs
from .base import ReadError, Table, unreadable
from .nested import batched, cell, separators
from .schema import match_spec, type_typed_frame

GEOMETRY_COLUMN = "geometry"
HEAD = 64 * 1024  # the members before « features » are looked for in the file's first bytes
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


def _head_members(head: bytes) -> tuple[dict, bool]:
    """The top-level members written before « features » in the file's first bytes, and whether « features »
    follows them as an array (then the features can be streamed)."""
    import ijson

    members: dict = {}
    key, builder = None, None
    events = ijson.parse(io.BytesIO(head))
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
    except (ijson.JSONError, ijson.IncompleteJSONError, StopIteration):
        pass
    return members, False


def _streamed(path: Path) -> tuple[Iterator[dict], object] | None:
    """The features one by one and the `crs` member, for a FeatureCollection; None for any other document."""
    import ijson

    with open(path, "rb") as handle:
        members, streamable = _head_members(handle.read(HEAD))
        if not streamable:
            return None
        size = handle.seek(0, io.SEEK_END)
        handle.seek(max(0, size - TAIL))
        crs_after = "crs" not in members and b'"crs"' in handle.read()
    crs = members.get("crs")
    if crs_after:  # written after the features: one more pass, which builds only that member
        with open(path, "rb") as handle:
            crs = next(ijson.items(handle, "crs"), None)

    def features() -> Iterator[dict]:
        with open(path, "rb") as handle:
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


def read_geojson_table(path: Path, dataset: Dataset) -> Table:
    import geopandas as gpd
    import ijson
    import shapely

    try:
        streamed = _streamed(path)
        if streamed is None:
            with open(path, "rb") as handle:
                doc = json.load(handle)
            features, crs_member = iter(_features(doc, path.name)), doc.get("crs") if isinstance(doc, dict) else None
        else:
            features, crs_member = streamed
        separator_of = separators(dataset.fields)
        frames, geometries, bad, count = [], [], 0, 0
        for batch in batched(features):
            records = []
            for feature in batch:
                count += 1
                if not isinstance(feature, dict):
                    raise ReadError(f"GeoJSON invalide : {path.name} (l'objet n° {count} n'est pas un Feature)")
                props = feature.get("properties") or {}
                # nested values have no column type: kept as text (JSON, a point's « lat, lon », a geometry)
                records.append({k: cell(v, separator_of(k)) for k, v in props.items()} if isinstance(props, dict) else {})
                geometry = _geometry(feature.get("geometry"))
                bad += geometry is False
                geometries.append(geometry or None)
            frames.append(pd.DataFrame.from_records(records).reindex(range(len(records))))
    except OSError as exc:
        raise unreadable(path, exc) from None
    except (ValueError, UnicodeDecodeError, ijson.JSONError) as exc:  # ijson's errors include the incomplete file
        raise ReadError(f"GeoJSON invalide : {path.name} ({str(exc)[:150]})") from None
    try:
        crs = geojson_crs(crs_member)
    except UnknownCrs as exc:
        raise ReadError(f"{path.name} : {exc} ; indiquez le système avec la clé « crs » du jeu de données") from None
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    frame = frame.reindex(range(count))
    geo_name = GEOMETRY_COLUMN if GEOMETRY_COLUMN not in frame.columns else "geometrie"
    geoms = np.array(geometries, dtype=object)
    frame[geo_name] = gpd.GeoSeries(geoms, crs="EPSG:4326", index=frame.index)  # degrees once `places` has run
    types = shapely.get_type_id(geoms[~pd.isna(geoms)])
    spec = match_spec(geo_name, geo_name, dataset.fields)
    geo_type = spec.type if spec and spec.type else (
        "geo_point_2d" if len(types) and np.all(types == 0) else "geo_shape")
    table = type_typed_frame(frame, dataset.fields, path.name, known_types={geo_name: geo_type})
    if bad:
        table.notes = table.notes + (f"{path.name} : {bad} géométrie(s) invalide(s), laissées vides",)
    table.fields = tuple(replace(f, label="Géométrie") if f.name == geo_name and f.label == geo_name else f
                         for f in table.fields)
    table.extra["crs"] = crs
    return table
