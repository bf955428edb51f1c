"""Parquet, including GeoParquet: arrow types become field types; text columns are checked for geometry."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from data_access.catalogue.model import Dataset
from data_access.readers.base import ReadError, Table
from data_access.readers.schema import type_typed_frame


def read_parquet_table(path: Path, dataset: Dataset) -> Table:
    try:
        schema = pq.read_schema(path)
        if schema.metadata and b"geo" in schema.metadata:
            import geopandas as gpd

            frame = gpd.read_parquet(path)
            geo_column = frame.geometry.name
            types = frame.geometry.dropna().geom_type.unique()
            known = {geo_column: "geo_point_2d" if set(types) <= {"Point"} and len(types) else "geo_shape"}
            frame = frame.to_crs("EPSG:4326") if frame.crs and frame.crs.to_epsg() != 4326 else frame
            frame = pd.DataFrame(frame)
        else:
            table = pq.read_table(path)
            known = {f.name: "date" for f in table.schema if pa.types.is_date(f.type)}
            frame = table.to_pandas(date_as_object=False, types_mapper={
                pa.int8(): pd.Int64Dtype(), pa.int16(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype(),
                pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(),
            }.get)
    except (pa.ArrowInvalid, OSError, ValueError) as exc:
        raise ReadError(f"Parquet illisible : {path.name} ({str(exc).splitlines()[0][:150]})") from None
    return type_typed_frame(frame, dataset.fields, path.name, known_types=known)
