"""The engine's Arrow answers as the frames the pages already know: each column with the dtype its reader gave it
(recorded in the manifest), shapes and points as a GeoSeries. Only what a page shows is turned into a frame: a
block of the grid, a record, the rows of a chart, never the whole table."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

from data_access.readers.base import FieldInfo, Table


def to_frame(arrow: pa.Table, fields: tuple[FieldInfo, ...], dtypes: dict[str, str] | None = None,
             index=None) -> pd.DataFrame:
    """`arrow`'s columns that are fields, as a frame of the reader's dtypes (`dtypes`, from the manifest)."""
    import geopandas as gpd
    import shapely

    dtypes = dtypes or {}
    columns = {}
    by_name = {f.name: f for f in fields}
    for name in arrow.column_names:
        field = by_name.get(name)
        column = arrow.column(name)
        if field is not None and field.is_geo:
            shapes = shapely.from_wkb(column.to_numpy(zero_copy_only=False))
            columns[name] = gpd.GeoSeries(shapes, crs="EPSG:4326")
            continue
        # integers with missing values stay integers (never through float64, which loses digits beyond 2**53)
        series = column.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get) if \
            dtypes.get(name) == "Int64" else column.to_pandas()
        wanted = dtypes.get(name)
        if wanted and str(series.dtype) != wanted:
            series = series.astype(wanted)
        columns[name] = series
    frame = pd.DataFrame(columns)
    if index is not None:
        frame.index = index
    return frame


def whole_table(served) -> Table:
    """Every row of a served version as the table its reader gave (same dtypes, shapes and notes), in the
    source's order: what a dashboard holds (the repository keeps it within the derived structures' budget)."""
    import pyarrow.parquet as pq

    from data_access.engine.served import ROW

    arrow = pq.read_table(served.data, columns=[*(f.name for f in served.fields), ROW])
    rows = arrow.column(ROW).to_numpy()
    if len(rows) and not (rows[1:] > rows[:-1]).all():
        arrow = arrow.take(pa.array(rows.argsort(kind="stable")))
    frame = to_frame(arrow.drop_columns([ROW]), served.fields, served.manifest.get("dtypes"))
    return Table(frame=frame, fields=served.fields, notes=tuple(served.manifest.get("notes", ())))


def described_table(served) -> Table:
    """A served version's fields and notes, with no rows (an empty frame of the reader's dtypes): what a page whose
    figures the engine computes needs of the table."""
    import pyarrow.parquet as pq

    empty = pq.read_schema(served.data).empty_table().select([f.name for f in served.fields])
    return Table(frame=to_frame(empty, served.fields, served.manifest.get("dtypes")), fields=served.fields,
                 notes=tuple(served.manifest.get("notes", ())))
