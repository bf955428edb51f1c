"""Geometry for the maps: the whole dataset's features once per file version, and a view's rows as a bitmap."""
from __future__ import annotations

import base64
from dataclasses import replace

import numpy as np
import pandas as pd

from data_access.derived import derived
from data_access.readers.base import Table
from data_access.repository import DatasetUnavailable

PRECISION = 1e-5  # about a metre: enough for a city map, and much lighter to send


BROWSER_FILTER_MAX = 5_000  # up to this many kept points, the browser filters the cached layer (no clusters)


MAP_FILE = "carte.json"  # the whole dataset's features, beside its served version


def map_features(backend, query=None) -> bytes:
    """A FeatureCollection of the rows' geometry (a shape, else its point), with the row's position as its only
    property `i`, in the source's order. For the whole dataset (query None) it is built once per file version
    and kept beside the served file, which every worker reads through the system's page cache; the browser
    caches it, and views filter it with a bitmap. A query's rows are built on demand (large filtered point
    views), from the engine, a chunk at a time."""
    import os
    import tempfile
    from pathlib import Path

    kept = Path(backend.path).parent / MAP_FILE
    if query is None:
        try:
            return kept.read_bytes()
        except OSError:
            pass
    geo = sorted((f for f in backend.fields if f.is_geo), key=lambda f: f.type != "geo_shape")
    parts = [_features(chunk, geo) for chunk in _geometry_chunks(backend, query, geo)]
    body = ('{"type":"FeatureCollection","features":[' + ",".join(p for p in parts if p) + "]}").encode()
    if query is None:
        try:  # written aside and renamed: a reader sees the whole file or none
            handle, aside = tempfile.mkstemp(prefix=".carte-", dir=kept.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(body)
            os.replace(aside, kept)
        except OSError:
            pass  # a read-only or full disk: built again next time
    return body


def _geometry_chunks(backend, query, geo):
    from data_access.engine.selection import EngineSelection
    from data_access.query import Query

    if query is None:
        query = Query()
    elif query.sort and query.limit is None:
        query = replace(query, sort=())  # the rows kept do not depend on the order: the source's
    selection = EngineSelection(backend=backend, query=query, fields=tuple(geo))
    return selection.chunks(fields=tuple(geo), with_positions=True)


def _features(rows: pd.DataFrame, geo) -> str:
    import shapely

    geoms = np.array(rows[geo[0].name].array, dtype=object, copy=True) if geo else np.full(len(rows), None)
    for fallback in geo[1:]:
        missing = pd.isna(geoms)
        geoms[missing] = np.asarray(rows[fallback.name].array, dtype=object)[missing]
    present = ~pd.isna(geoms)
    positions = rows.index.to_numpy()[present]
    order = np.argsort(positions, kind="stable")  # the source's order, whatever the query's
    texts = shapely.to_geojson(shapely.set_precision(geoms[present][order].astype(object), PRECISION)) \
        if present.any() else []
    return ",".join(f'{{"type":"Feature","geometry":{g},"properties":{{"i":{i}}}}}'
                    for i, g in zip(positions[order], texts))


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
    return derived(("communes-lignes", outlines.key), lambda: _commune_rows(outlines))


def _commune_rows(outlines: Table) -> pd.DataFrame:
    code, name = outlines.role_field("commune"), outlines.role_field("commune_name")
    lines = []
    for row, (raw_code, raw_name) in enumerate(zip(outlines.frame[code.name], outlines.frame[(name or code).name])):
        codes = code.values_of(str(raw_code)) if raw_code is not None and raw_code == raw_code else []
        names = (name or code).values_of(str(raw_name)) if raw_name is not None and raw_name == raw_name else []
        for value in codes:
            lines.append((row, value, names[0] if names else value))
    return pd.DataFrame(lines, columns=["row", "code", "name"])
