"""An extract's rows asked of the engine: counted before the first byte, then streamed by chunks of the writers'
size, each chunk a small frame of the reader's dtypes, so that every writer (CSV, JSON, GeoJSON, Parquet, XLSX,
ZIP) writes the same bytes as from a table in memory, and no worker ever holds the whole result."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import pandas as pd
import pyarrow as pa

from data_access.engine.frames import to_frame
from data_access.engine.served import ROW
from data_access.query import Query
from data_access.readers.base import FieldInfo

CHUNK_ROWS = 50_000  # the extracts' chunk (extracts.CHUNK_ROWS): a Parquet extract has a row group per chunk


@dataclass(frozen=True)
class EngineSelection:
    backend: object  # a DatasetBackend
    query: Query
    fields: tuple[FieldInfo, ...]
    rows: int = field(default=0)

    def __len__(self) -> int:
        return self.rows

    def _frame(self, arrow: pa.Table, with_positions: bool = False) -> pd.DataFrame:
        index = arrow.column(ROW).to_pandas() if with_positions else None
        if with_positions:
            arrow = arrow.drop_columns([ROW])
        return to_frame(arrow, self.backend.fields, self.backend.manifest.get("dtypes"), index=index)

    def _arrow(self, size: int, names: list[str], source_order: bool = False) -> Iterator[pa.Table]:
        """The engine's rows by `size` (the last chunk shorter), as Arrow tables."""
        held: list[pa.RecordBatch] = []
        count = 0
        for batch in self.backend.stream(self.query, names, source_order=source_order):
            while batch.num_rows:
                taken = batch.slice(0, size - count)
                held.append(taken)
                count += taken.num_rows
                batch = batch.slice(taken.num_rows)
                if count == size:
                    yield pa.Table.from_batches(held)
                    held, count = [], 0
        if count:
            yield pa.Table.from_batches(held)

    def chunks(self, size: int = CHUNK_ROWS, fields: tuple[FieldInfo, ...] | None = None,
               with_positions: bool = False) -> Iterator[pd.DataFrame]:
        """The rows by `size` (the last chunk shorter), with the selected columns (or `fields`); indexed by
        their place in the source when `with_positions`, then in the source's order whatever the sort."""
        names = [f.name for f in fields or self.fields] + ([ROW] if with_positions else [])
        for arrow in self._arrow(size, names, source_order=with_positions):
            yield self._frame(arrow, with_positions)

    def plain(self, neutralise: bool) -> Iterator[pa.Table]:
        """The chunks made plain straight from the engine's Arrow rows: no frame between."""
        from data_access.extracts.plain_columns import plain_from_arrow

        for arrow in self._arrow(CHUNK_ROWS, [f.name for f in self.fields]):
            yield plain_from_arrow(arrow, self.fields, neutralise=neutralise)

    def empty(self) -> pd.DataFrame:
        query = Query(limit=0)
        return self._frame(self.backend.rows(query, [f.name for f in self.fields]))


def select_rows(backend, query: Query) -> EngineSelection:
    """The query's rows (filtered, sorted, limited) and columns (select=), counted, nothing read yet."""
    by_name = {f.name: f for f in backend.fields}
    names = query.select or tuple(by_name)
    return EngineSelection(backend=backend, query=query, fields=tuple(by_name[n] for n in names),
                           rows=backend.count(query))
