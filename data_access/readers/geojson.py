"""GeoJSON: a FeatureCollection or a bare Feature; features without geometry stay as rows."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..catalogue import Dataset
from .base import ReadError, Table, unreadable
from .schema import canonical_headers, match_spec, type_typed_frame

GEOMETRY_COLUMN = "geometry"


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


def _joined(values: list, separator: str) -> str | None:
    parts = [str(v) for v in values if v is not None and not isinstance(v, (dict, list))]
    return separator.join(parts) if parts else None


def read_geojson_table(path: Path, dataset: Dataset) -> Table:
    import geopandas as gpd
    import shapely

    try:
        with open(path, "rb") as handle:
            doc = json.load(handle)
    except OSError as exc:
        raise unreadable(path, exc) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReadError(f"GeoJSON invalide : {path.name} ({str(exc)[:150]})") from None
    features = _features(doc, path.name)
    # a multivalued property comes as a list (Opendatasoft's GeoJSON and JSON exports): joined with the field's
    # separator, as its CSV export writes it
    separators = {spec.name: spec.separator for spec in dataset.fields if spec.separator}
    records, geometries = [], []
    for i, feature in enumerate(features):
        if not isinstance(feature, dict):
            raise ReadError(f"GeoJSON invalide : {path.name} (l'objet n° {i + 1} n'est pas un Feature)")
        props = feature.get("properties") or {}
        # Nested values have no column type: they are kept as JSON text rather than dropped.
        records.append({k: _joined(v, separators[k]) if k in separators and isinstance(v, list) else
                        json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                        for k, v in props.items()})
        geometries.append(feature.get("geometry"))
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    frame = frame.reindex(range(len(features)))
    frame.columns = canonical_headers([str(c) for c in frame.columns], dataset.fields)
    geo_name = GEOMETRY_COLUMN if GEOMETRY_COLUMN not in frame.columns else "geometrie"
    raw = np.array([json.dumps(g) if isinstance(g, dict) else None for g in geometries], dtype=object)
    geoms = shapely.from_geojson(raw, on_invalid="ignore")
    bad = int(np.sum(pd.isna(geoms)) - sum(1 for g in geometries if not isinstance(g, dict)))
    frame[geo_name] = gpd.GeoSeries(geoms, crs="EPSG:4326", index=frame.index)
    types = shapely.get_type_id(geoms[~pd.isna(geoms)])
    spec = match_spec(geo_name, geo_name, dataset.fields)
    geo_type = spec.type if spec and spec.type else (
        "geo_point_2d" if len(types) and np.all(types == 0) else "geo_shape")
    table = type_typed_frame(frame, dataset.fields, path.name, known_types={geo_name: geo_type})
    if bad:
        table.notes = table.notes + (f"{path.name} : {bad} géométrie(s) invalide(s), laissées vides",)
    table.fields = tuple(replace(f, label="Géométrie") if f.name == geo_name and f.label == geo_name else f
                         for f in table.fields)
    return table
