"""Geometry for the maps: the whole dataset's features once per file version, and a view's rows as a bitmap."""
from __future__ import annotations

import base64

import numpy as np
import pandas as pd

from .readers.base import Table
from .repository import DatasetUnavailable

PRECISION = 1e-5  # about a metre: enough for a city map, and much lighter to send


BROWSER_FILTER_MAX = 5_000  # up to this many kept points, the browser filters the cached layer (no clusters)


def map_features(table: Table, positions: np.ndarray | None = None) -> bytes:
    """A FeatureCollection of the rows' geometry (a shape, else its point), with the row's position as its only
    property `i`. For the whole table (positions None) it is built once per loaded table and cached by the
    browser; views then filter it with a bitmap. A subset is built on demand (large filtered point views)."""
    if positions is None and table.extra.get("map_features") is not None:
        return table.extra["map_features"]
    import shapely

    geo = sorted((f for f in table.fields if f.is_geo), key=lambda f: f.type != "geo_shape")
    geoms = np.asarray(table.frame[geo[0].name].array, dtype=object) if geo else np.full(len(table), None)
    for fallback in geo[1:]:
        missing = pd.isna(geoms)
        geoms[missing] = np.asarray(table.frame[fallback.name].array, dtype=object)[missing]
    present = np.flatnonzero(~pd.isna(geoms))
    if positions is not None:
        present = np.intersect1d(present, positions)
    texts = shapely.to_geojson(shapely.set_precision(geoms[present].astype(object), PRECISION)) if len(present) else []
    features = ",".join(f'{{"type":"Feature","geometry":{g},"properties":{{"i":{i}}}}}' for i, g in zip(present, texts))
    body = f'{{"type":"FeatureCollection","features":[{features}]}}'.encode()
    if positions is None:
        table.extra["map_features"] = body
    return body


def is_point_layer(table: Table) -> bool:
    """Whether the map shows points (clustered) rather than shapes."""
    geo = [f for f in table.fields if f.is_geo]
    return bool(geo) and all(f.type == "geo_point_2d" for f in geo)


def position_bitmap(positions: np.ndarray, rows: int) -> str:
    """The rows a view keeps, one bit per row (base64): 60,000 rows fit in 10 KB instead of a list of numbers."""
    bits = np.zeros(rows, dtype=bool)
    bits[positions] = True
    return base64.b64encode(np.packbits(bits, bitorder="little").tobytes()).decode("ascii")


def choropleth_classes(values: pd.Series, steps: int = 5) -> tuple[list[int], list[float]]:
    """Classes 0 (nothing) to `steps` for a choropleth, by equal-count breaks of the non-zero values, with the
    upper bound of each class."""
    positive = values[values > 0]
    if positive.empty:
        return [0] * len(values), []
    breaks = positive.quantile(np.linspace(0, 1, steps + 1)[1:])
    if (positive == positive.round()).all():
        breaks = np.floor(breaks)  # counts: whole bounds, each class "up to n"
    bounds = sorted({float(b) for b in breaks})
    classes = np.searchsorted(np.asarray(bounds), values.to_numpy(dtype=float), side="left") + 1
    return np.where(values.to_numpy(dtype=float) > 0, classes, 0).tolist(), bounds


def commune_outlines(repository, exclude: str | None = None):
    """The dataset that draws the communes, found by its roles, never by its name: a `commune` role with one row
    per commune, and shapes. Returns (dataset, table), or None when the catalogue has no such dataset available."""
    for dataset in repository.catalogue.datasets:
        if dataset.id == exclude or not dataset.role_field("commune") or dataset.role_field("year"):
            continue
        try:
            table = repository.table(dataset.id)
        except DatasetUnavailable:
            continue
        code, geometry = table.role_field("commune"), table.geometry_field
        if code is not None and geometry is not None and geometry.type == "geo_shape" \
                and table.frame[code.name].is_unique:
            return dataset, table
    return None


def commune_rows(outlines: Table) -> pd.DataFrame:
    """The communes of an outlines table (found by commune_outlines): one line per commune code, with the
    commune's row in the table and its name (the first value of a multivalued name; the code when there is no
    name). A cell holding several codes gives a line for each. Built once per loaded table."""
    if "commune_rows" not in outlines.extra:
        code, name = outlines.role_field("commune"), outlines.role_field("commune_name")
        lines = []
        for row, (raw_code, raw_name) in enumerate(zip(outlines.frame[code.name],
                                                        outlines.frame[(name or code).name])):
            codes = code.values_of(str(raw_code)) if raw_code is not None and raw_code == raw_code else []
            names = (name or code).values_of(str(raw_name)) if raw_name is not None and raw_name == raw_name else []
            for value in codes:
                lines.append((row, value, names[0] if names else value))
        outlines.extra["commune_rows"] = pd.DataFrame(lines, columns=["row", "code", "name"])
    return outlines.extra["commune_rows"]
