"""A table in memory served as the engine serves a dataset: its Parquet file and manifest in a folder of the
test, and the backend over them."""
from __future__ import annotations

from pathlib import Path

from data_access.engine.backend import DuckDBBackend
from data_access.engine.served import DATA, version_folder, write_served
from data_access.readers.base import Table


def backend_of(table: Table, folder: Path, dataset_id: str = "t") -> DuckDBBackend:
    manifest = write_served(table, folder, dataset_id, "v1", {"source": "test"})
    return DuckDBBackend(version_folder(folder, dataset_id, "v1") / DATA, table.fields, manifest["rows"], manifest)
