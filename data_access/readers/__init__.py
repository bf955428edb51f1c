"""One reader per format; `read_table` picks the right one for a catalogue entry, `probe` checks cheaply."""
from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from data_access.catalogue.model import Dataset
from data_access.readers.base import AccessProblem, FieldInfo, ReadError, Table
from data_access.readers.derived import derive
from data_access.readers.places import in_degrees
from data_access.readers.repairs import repair

log = logging.getLogger(__name__)

__all__ = ["FieldInfo", "ReadError", "Table", "missing_fields", "probe", "read_table"]


def read_table(dataset: Dataset, path: Path) -> Table:
    """Read a dataset's file into a Table; raise ReadError with a French message naming the file."""
    if dataset.format == "csv":
        from data_access.readers.csv import read_csv_table as reader
    elif dataset.format == "xlsx":
        from data_access.readers.xlsx import read_xlsx_table as reader
    elif dataset.format == "geojson":
        from data_access.readers.geojson import read_geojson_table as reader
    elif dataset.format == "json":
        from data_access.readers.json_records import read_json_table as reader
    elif dataset.format == "parquet":
        from data_access.readers.parquet import read_parquet_table as reader
    else:
        from data_access.readers.gtfs import read_gtfs_table as reader
    if dataset.format != "gtfs" and not path.is_file():
        raise ReadError(f"fichier introuvable : {dataset.path}")
    table = repair(in_degrees(derive(reader(path, dataset), dataset), dataset))
    if missing := missing_fields(table, dataset):  # said with the file's closest headers (a typo, a renamed column)
        table = replace(table, notes=table.notes + tuple(f"{path.name} : champ déclaré {reason}" for reason in missing))
    if path.name != dataset.path:  # read under another name (a sync's temporary file): the notes say the real one
        table = replace(table, notes=tuple(note.replace(path.name, dataset.path) for note in table.notes))
    # Arrow's allocator keeps the memory freed after reading (the raw text, the zip): give it back.
    import pyarrow

    pyarrow.default_memory_pool().release_unused()
    for note in table.notes:  # every repair a reader made is logged once per read of the file
        log.warning("jeu de données « %s » : %s", dataset.id, note)
    return table


def missing_fields(table: Table, dataset: Dataset) -> list[str]:
    """Why each field the catalogue declares is not in the table: « « X » est absent du fichier (en-têtes proches :
    …) »."""
    return [table.absent(spec.written or spec.name) for spec in dataset.fields if table.field(spec.name) is None]


def probe(dataset: Dataset, path: Path) -> str | None:
    """Why the dataset cannot be served, found without reading it whole; None when it looks fine."""
    if dataset.format == "gtfs":
        from data_access.readers.gtfs import probe_gtfs

        return probe_gtfs(path)
    if not path.exists():
        return f"fichier introuvable : {dataset.path}"
    if not path.is_file():
        return f"{dataset.path} n'est pas un fichier"
    try:
        with open(path, "rb") as handle:
            head = handle.read(64)
    except OSError as exc:
        return AccessProblem(f"fichier illisible : {dataset.path} ({exc.strerror})")
    if not head:
        return f"fichier vide : {dataset.path}"
    if dataset.format == "parquet" and head[:4] != b"PAR1":
        return f"{dataset.path} n'est pas un fichier Parquet"
    if dataset.format in ("json", "geojson") and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"{", b"[", b""):
        return f"{dataset.path} n'est pas un fichier JSON"
    if dataset.format == "xlsx" and head[:4] != b"PK\x03\x04":
        return f"{dataset.path} n'est pas un classeur XLSX"
    return None
