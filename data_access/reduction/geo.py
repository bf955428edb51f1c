"""GeoJSON and TopoJSON cut down to the Métropole's communes while streaming, written as GeoJSON.

A GeoJSON goes through GDAL (pyogrio) feature batch by feature batch. A TopoJSON is one JSON object whose shapes
share arcs, which GDAL can only read whole: ijson streams it twice (the territory's geometries, then only the
arcs they use) into a small TopoJSON, which GDAL then decodes. Memory stays bounded by a batch and the rows kept.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data_access.catalogue.model import Dataset
from data_access.names import absent, find_header
from data_access.reduction.common import Reduced, ReduceError, arrow_codes, code_text, compression

BATCH = 2_000  # features per GDAL batch
OUTLINE_MARGIN = 0.002  # degrees (about 150 m): a part of a shape this close to its commune still belongs to it


def gdal_path(raw: Path) -> str:
    """The path GDAL reads the download through: decompressed on the fly when it is gzipped or zipped."""
    kind = compression(raw)
    if kind == "gzip":
        return f"/vsigzip/{raw}"
    if kind == "zip":
        import zipfile

        with zipfile.ZipFile(raw) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith((".json", ".geojson", ".topojson"))]
        if not members:
            raise ReduceError("l'archive reçue ne contient aucun fichier GeoJSON ou TopoJSON")
        return f"/vsizip/{raw}/{members[0]}"
    return str(raw)


def reduce_geo(raw: Path, dataset: Dataset, field_name: str | None, territory, out: Path) -> Reduced:
    """The features whose `field_name` is one of the territory's codes, written into `out` as a GeoJSON
    FeatureCollection; with the territory's outlines (code -> shape), each shape loses the parts that lie away from
    its commune; with its names, each feature gets its commune's name (`keep.names`)."""
    codes = territory.codes if territory is not None else None
    outlines = territory.outlines if territory is not None else None
    if dataset.source.format == "topojson":
        table, result, field_name = _topojson_features(raw, field_name, codes)
    else:
        table, result, field_name = _geojson_features(gdal_path(raw), field_name, codes)
    geometries = _geometries(table)
    if outlines is not None and field_name:
        geometries, result.clipped = _clip(geometries, table.column(field_name).to_pylist(), outlines)
    keep = np.array([g is not None for g in geometries], dtype=bool) if outlines is not None else None
    if keep is not None and not keep.all():  # nothing of the shape near its commune: a wrong code, left out
        table, geometries = table.filter(pa.array(keep)), [g for g in geometries if g is not None]
        result.rows_kept = table.num_rows
    names_field = dataset.source.keep.names if dataset.source.keep else None
    if names_field and territory.names and names_field not in table.column_names:
        table = table.append_column(names_field, pa.array(
            [territory.names.get(code) for code in table.column(field_name).to_pylist()], type=pa.string()))
    _write_geojson(table, geometries, out)
    if field_name:
        result.codes = set(pc.unique(table.column(field_name)).to_pylist()) - {None}
    return result


def _geometry_column(table: pa.Table) -> str:
    """GDAL's geometry column: by its name, else the first binary one."""
    for name in ("wkb_geometry", "geometry"):
        if name in table.column_names:
            return name
    for name in table.column_names:
        if pa.types.is_binary(table.schema.field(name).type) or pa.types.is_large_binary(table.schema.field(name).type):
            return name
    raise ReduceError("le fichier reçu n'a pas de géométrie")


def _with_codes(table: pa.Table, field_name: str | None) -> pa.Table:
    """The keep field as the codes are compared (`code_text`), so the file written holds them that way."""
    if field_name and field_name in table.column_names:
        table = table.set_column(table.column_names.index(field_name), field_name,
                                 arrow_codes(table.column(field_name)))
    return table


def _geometries(table: pa.Table) -> list:
    import shapely

    column = table.column(_geometry_column(table)).to_pylist()
    return list(shapely.from_wkb(np.array(column, dtype=object), on_invalid="ignore")) if column else []


def _geojson_features(path: str, field_name: str | None, codes: frozenset[str] | None
                      ) -> tuple[pa.Table, Reduced, str | None]:
    """The features kept, what was read and kept, and the keep field's name as the file writes it (the catalogue
    may give its header or its field name: « codeCommune » or « codecommune »)."""
    from pyogrio.errors import DataSourceError
    from pyogrio.raw import open_arrow

    result, kept = Reduced(), []
    value_set = pa.array(sorted(codes), type=pa.string()) if codes is not None else None
    try:
        # dates and times as the file writes them: GDAL would otherwise turn « 09:00 » into a time of day
        with open_arrow(path, batch_size=BATCH, use_pyarrow=True, DATE_AS_STRING="YES") as (_meta, reader):
            schema = reader.schema
            if value_set is not None:
                header = find_header(schema.names, field_name)
                if header is None:
                    raise ReduceError(f"source.keep.field : {absent(field_name, schema.names)}")
                field_name = header
            for batch in reader:
                result.rows_in += batch.num_rows
                if value_set is not None:
                    batch = batch.filter(pc.is_in(arrow_codes(batch.column(field_name)), value_set=value_set))
                if batch.num_rows:
                    kept.append(batch)
    except DataSourceError as exc:
        raise ReduceError(f"GeoJSON reçu illisible ({str(exc).splitlines()[0][:150]})") from None
    table = _with_codes(pa.Table.from_batches(kept, schema=schema), field_name)
    result.rows_kept = table.num_rows
    return table, result, field_name


# ---- TopoJSON: two streaming passes with ijson, then GDAL on the territory's part ----------------------------------


def _open(raw: Path):
    return gzip.open(raw, "rb") if compression(raw) == "gzip" else open(raw, "rb")


def _arc_indexes(arcs, used: set) -> None:
    for item in arcs:
        if isinstance(item, list):
            _arc_indexes(item, used)
        else:
            used.add(item if item >= 0 else ~item)


def _renumber(arcs, new: dict):
    return [_renumber(item, new) if isinstance(item, list) else (new[item] if item >= 0 else ~new[~item])
            for item in arcs]


def _kept_geometries(raw: Path, field_name: str | None, codes, result: Reduced):
    """First pass: the transform, each object's geometries that are in the territory (arcs as indexes), and the
    keep field's name as the file writes it (found in the first geometry's properties)."""
    import ijson

    transform, objects, key = None, {}, None
    with _open(raw) as stream:
        events = ijson.parse(stream, use_float=True)
        for prefix, event, value in events:
            if prefix == "transform" and event == "start_map":
                transform = _build(events, event, value)
            elif prefix.startswith("objects.") and prefix.endswith(".geometries.item") and event == "start_map":
                geometry = _build(events, event, value)
                result.rows_in += 1
                props = geometry.get("properties") or {}
                if key is None and codes is not None:
                    key = find_header(list(props), field_name)
                    if key is None:
                        raise ReduceError(f"source.keep.field : {absent(field_name, list(props))}")
                if codes is None or code_text(props.get(key)) in codes:
                    name = prefix[len("objects."):-len(".geometries.item")]
                    objects.setdefault(name, []).append(geometry)
    return transform, objects, key or field_name


def _build(events, event, value):
    """The JSON value that starts with this event, from the events that follow it."""
    from ijson.common import ObjectBuilder

    builder, depth = ObjectBuilder(), 0
    while True:
        builder.event(event, value)
        depth += event in ("start_map", "start_array")
        depth -= event in ("end_map", "end_array")
        if depth == 0:
            return builder.value
        _prefix, event, value = next(events)


def _topojson_features(raw: Path, field_name, codes) -> tuple[pa.Table, Reduced, str | None]:
    import ijson

    result = Reduced()
    try:
        transform, objects, field_name = _kept_geometries(raw, field_name, codes, result)
        used: set[int] = set()
        for geometries in objects.values():
            for geometry in geometries:
                _arc_indexes(geometry.get("arcs", []), used)
        new = {old: k for k, old in enumerate(sorted(used))}
        arcs = [None] * len(new)
        with _open(raw) as stream:
            for k, arc in enumerate(ijson.items(stream, "arcs.item", use_float=True)):
                if k in new:
                    arcs[new[k]] = arc
    except (ijson.JSONError, ValueError, EOFError, OSError) as exc:
        raise ReduceError(f"TopoJSON reçu illisible ({str(exc).splitlines()[0][:150]})") from None
    if not objects:
        if result.rows_in == 0:
            raise ReduceError("TopoJSON reçu sans géométrie (objects.<nom>.geometries)")
        empty = {field_name: pa.array([], pa.string())} if field_name else {}
        return pa.table({**empty, "geometry": pa.array([], pa.binary())}), result, field_name
    for geometries in objects.values():
        for geometry in geometries:
            if "arcs" in geometry:
                geometry["arcs"] = _renumber(geometry["arcs"], new)
    small = {"type": "Topology", "objects": {name: {"type": "GeometryCollection", "geometries": geometries}
                                             for name, geometries in objects.items()}, "arcs": arcs}
    if transform:
        small["transform"] = transform
    table = _with_codes(_decode(small, raw.parent), field_name)
    result.rows_kept = table.num_rows
    return table, result, field_name


def _decode(topology: dict, folder: Path) -> pa.Table:
    """The small TopoJSON's shapes decoded by GDAL (every object, one layer each), with their properties as the
    file writes them, taken from the JSON itself (GDAL would turn « 09:00 » into a time and drop a property
    « id »); a geometry's own « id » member too, when its properties have none."""
    import pyogrio

    handle = tempfile.NamedTemporaryFile("w", prefix=".reduction.", suffix=".topojson", dir=folder, delete=False)
    try:
        with handle:
            json.dump(topology, handle)
        shapes = []
        for name, collection in topology["objects"].items():
            table = pyogrio.read_arrow(handle.name, layer=name, columns=[])[1]
            column = table.column(_geometry_column(table)).to_pylist()
            if len(column) != len(collection["geometries"]):
                raise ReduceError(f"TopoJSON reçu : l'objet « {name} » n'a pas pu être décodé entièrement")
            shapes += column
    finally:
        Path(handle.name).unlink(missing_ok=True)
    rows = [{**({"id": g["id"]} if "id" in g else {}), **(g.get("properties") or {})}
            for collection in topology["objects"].values() for g in collection["geometries"]]
    return pa.table({**_properties(rows), "geometry": pa.array(shapes, type=pa.binary())})


def _properties(rows: list[dict]) -> dict[str, pa.Array]:
    """Rows of JSON properties as columns; a column whose values mix kinds (a number here, a text there) as text."""
    columns = {}
    for name in dict.fromkeys(name for row in rows for name in row):
        values = [row.get(name) for row in rows]
        try:
            columns[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            columns[name] = pa.array([None if v is None else v if isinstance(v, str) else json.dumps(v)
                                      for v in values], type=pa.string())
    return columns


# ---- the parts of a shape away from its commune, and the GeoJSON written --------------------------------------------


def _clip(geometries: list, codes: list, outlines: dict) -> tuple[list, int]:
    """Each shape cut to its commune's outline widened by OUTLINE_MARGIN, when it goes beyond it (the 2022
    polling-station outlines attach Dieppe to a station of Déville-lès-Rouen); None when nothing of it is near.
    A shape within the margin is left as drawn. How many shapes were cut."""
    import shapely

    near = {code: shapely.buffer(outline, OUTLINE_MARGIN) for code, outline in outlines.items()}
    out, clipped = [], 0
    for geometry, code in zip(geometries, codes):
        zone = near.get(code)
        if geometry is None or zone is None or shapely.within(geometry, zone):
            out.append(geometry)
            continue
        clipped += 1
        out.append(_cut(geometry, zone))
    return out, clipped


def _cut(geometry, zone):
    """What of `geometry` lies in `zone`, of its own dimension (a polygon loses its parts and slivers beyond;
    the lines or points where it only touches are dropped); None when nothing is left."""
    import shapely

    try:
        inside = shapely.intersection(geometry, zone)
    except shapely.errors.GEOSException:  # a self-crossing ring: repaired, then cut
        inside = shapely.intersection(shapely.make_valid(geometry), zone)
    dimension = shapely.get_dimensions(geometry)
    parts = [part for part in shapely.get_parts(inside) if shapely.get_dimensions(part) == dimension
             and not part.is_empty]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def _json_value(value):
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):  # a binary property: its bytes as hexadecimal text
        return value.hex()
    return value


def _write_geojson(table: pa.Table, geometries: list, out: Path) -> None:
    import shapely

    geometry_name = _geometry_column(table) if table.num_rows else None
    names = [n for n in table.column_names if n != geometry_name]
    texts = shapely.to_geojson(np.array(geometries, dtype=object)) if geometries else []
    with open(out, "w", encoding="utf-8") as handle:
        handle.write('{"type":"FeatureCollection","features":[\n')
        rows = table.select(names).to_pylist() if names else [{}] * table.num_rows
        for k, (props, geometry) in enumerate(zip(rows, texts)):
            properties = json.dumps({n: _json_value(v) for n, v in props.items()}, ensure_ascii=False)
            handle.write(("," if k else "") + f'{{"type":"Feature","properties":{properties},'
                         f'"geometry":{geometry if geometry is not None else "null"}}}\n')
        handle.write("]}\n")
