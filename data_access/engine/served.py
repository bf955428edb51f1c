"""The served form of a dataset: its table written once per file version as Parquet, with a manifest beside it.

Every tabular source is read once by its reader (the same types, repairs and notes as before) and written to
`<served>/<id>/<version>/`: `data.parquet` (the fields in the catalogue's order, shapes and points as WKB, plus
the columns the engine needs: `__row`, the row's place in the source; `__texte`, its text fields folded for
the search; `__valeurs__<field>`, the distinct values of each multivalued cell) and `manifest.json` (rows,
fields, each field's distinct and missing values with min and max, the counts of the facet fields' values,
the file version, the provenance). The folder is
written aside and renamed into place: a reader sees a whole version or none. The rows keep the source's order
(the order of an extract), in row groups of ROW_GROUP_ROWS whose min/max let the engine skip what a filter
excludes; 100,000 rows scanned fastest on 10,000,000 rows (10,000 and 30,000 were slower to scan). Snappy, not
zstd: the file is 18 % larger and the engine's scans 1.6 times faster (bench --parts moteur).

A large dataset also gets `groupes.parquet`: the same rows clustered on its facet fields of fewest values (its
`cluster_keys` in the manifest), then in the source's order. A filter on those fields then reads the few row groups that
hold its values instead of every one (a filtered grid block of 10,000,000 rows: 44 ms instead of 570), while
the extracts stream `data.parquet` in the source's order.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from data_access.clock import stamp
from data_access.engine.columns import ROW, TEXT, values_column
from data_access.readers.base import FieldInfo, Table

FORMAT = 2  # the layout of a served folder; a folder of another format is converted again
ROW_GROUP_ROWS = 100_000
DATA, MANIFEST, CLUSTERED = "data.parquet", "manifest.json", "groupes.parquet"
CLUSTER_FROM_GROUPS = 4  # a dataset of fewer row groups is not clustered: a scan of it is already short
MAX_CLUSTER_KEYS = 3
KEEP_VERSIONS = 2  # the current version and the one before, which a request under way may still read


def fold_array(values: pa.Array) -> pa.Array:
    """Lower case without accents, as query.fold: NFD, combining marks dropped, lower; missing -> ""."""
    text = pc.fill_null(values.cast(pa.string()), "")
    return pc.utf8_lower(pc.replace_substring_regex(pc.utf8_normalize(text, "NFD"), pattern=r"\p{Mn}",
                                                    replacement=""))


def _column(table: Table, field: FieldInfo) -> pa.Array:
    import shapely

    column = table.frame[field.name]
    if field.is_geo:
        geoms = column.array
        wkb = shapely.to_wkb(geoms.to_numpy() if hasattr(geoms, "to_numpy") else geoms)
        return pa.array(wkb, type=pa.binary())
    if field.type == "int":
        return pa.array(column, type=pa.int64(), from_pandas=True)
    if field.type == "double":
        return pa.array(column, type=pa.float64(), from_pandas=True)
    if field.type == "boolean":
        return pa.array(column, type=pa.bool_(), from_pandas=True)
    if field.is_temporal:
        return pa.array(column, from_pandas=True)
    return pa.array(column.astype(object).where(column.notna(), None), type=pa.string())


def _multivalued(array: pa.Array, field: FieldInfo) -> pa.Array:
    """Each cell's distinct values (FieldInfo.values_of), computed once per distinct cell."""
    cells = array.to_pylist()
    known: dict[str, list[str]] = {}
    out = []
    for cell in cells:
        if cell is None:
            out.append(None)
            continue
        values = known.get(cell)
        if values is None:
            values = known[cell] = list(dict.fromkeys(field.values_of(cell)))
        out.append(values)
    return pa.array(out, type=pa.list_(pa.string()))


def folded_text(texts: list[pa.Array], rows: int) -> pa.Array:
    """Every row's text fields folded and joined (the oracle's search_text): the column the search reads."""
    folded = [fold_array(t) for t in texts]
    if not folded:
        return pa.array([""] * rows, type=pa.string())
    return pc.binary_join_element_wise(*folded, "\x1f") if len(folded) > 1 else folded[0]


def served_arrow(table: Table) -> pa.Table:
    """The table as the engine reads it."""
    columns = {f.name: _column(table, f) for f in table.fields}
    folded = folded_text([columns[f.name] for f in table.fields if f.type == "text"], len(table.frame))
    extra = {ROW: pa.array(range(len(table.frame)), type=pa.int64()), TEXT: folded}
    for f in table.fields:
        if f.separator:
            extra[values_column(f.name)] = _multivalued(columns[f.name], f)
    return pa.table({**columns, **extra})


def _plain(value):
    """A min or max as JSON: numbers stay numbers, dates and times as ISO text."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # a numpy number
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value if isinstance(value, (int, float)) else str(value)


MAX_COUNTED_VALUES = 1000  # a facet field with more distinct values is counted by the engine when asked


def _value_counts(arrow: pa.Table, field: FieldInfo) -> list | None:
    """The field's values and their rows over the whole table, as the engine's facets give them (a day for a
    date, each value of a multivalued cell once); None beyond MAX_COUNTED_VALUES values."""
    if field.separator:
        column = pc.list_flatten(arrow.column(values_column(field.name)).combine_chunks())
    else:
        column = arrow.column(field.name).combine_chunks()
        if field.is_temporal:
            column = pc.strftime(column, format="%Y-%m-%d")
    counts = pc.value_counts(column.drop_null())
    if len(counts) > MAX_COUNTED_VALUES:
        return None
    return [[v, n] for v, n in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist())]


def _profile(table: Table, field: FieldInfo) -> dict:
    """Distinct values, missing values, and min and max of numbers and dates, as the information tab shows them."""
    column = table.frame[field.name]
    missing = int(column.isna().sum())
    if field.is_geo:
        return {"distinct": len(column) - missing, "missing": missing, "min": None, "max": None}
    low = high = None
    if (field.is_numeric or field.is_temporal) and missing < len(column):
        low, high = _plain(column.min()), _plain(column.max())
    return {"distinct": int(column.nunique(dropna=True)), "missing": missing, "min": low, "max": high}


def manifest_of(arrow: pa.Table, table: Table, dataset_id: str, version: str, provenance: dict) -> dict:
    counted = {}
    for f in table.fields:
        if f.facet or f.type in ("text", "boolean"):
            values = _value_counts(arrow, f)
            if values is not None:
                counted[f.name] = values
    return {
        "format": FORMAT, "dataset": dataset_id, "version": version, "rows": arrow.num_rows,
        "fields": [asdict(f) for f in table.fields],
        "types": {name: str(arrow.schema.field(name).type) for name in arrow.column_names},
        "dtypes": {f.name: str(table.frame[f.name].dtype) for f in table.fields},  # as the reader gave them
        "profiles": {f.name: _profile(table, f) for f in table.fields}, "values": counted,
        "notes": list(table.notes), "provenance": provenance, "converted_at": stamp(),
    }


def write_parquet(source, path: Path) -> None:
    """Write an Arrow table or record batch reader as the engine reads it best: DuckDB's own writer picks each
    column's encoding (a dictionary for repeated values, plain for unique ones: pyarrow's dictionary-then-plain
    fallback made the engine's scans of unique columns 1.6 times slower), in the rows' order."""
    import duckdb

    with duckdb.connect(config={"preserve_insertion_order": True, "threads": 2}) as connection:
        connection.register("servi", source)
        connection.execute(f"COPY servi TO '{_literal(path)}' (FORMAT parquet, COMPRESSION snappy, "
                           f"ROW_GROUP_SIZE {ROW_GROUP_ROWS})")


def cluster_keys(manifest: dict, fields: tuple[FieldInfo, ...]) -> list[str]:
    """The fields the clustered copy is sorted on: facet fields with a single value per cell, the most selective
    first (a filter on a field of 16 values then reads a 16th of the file), each kept while every combination of
    the keys still spans a row group or more (beyond, a key splits the groups without letting a filter skip
    any); ties in the catalogue's order; none for a dataset of few row groups."""
    rows = int(manifest["rows"])
    groups = rows // ROW_GROUP_ROWS
    if groups < CLUSTER_FROM_GROUPS:
        return []
    profiles = manifest["profiles"]
    candidates = sorted(((profiles[f.name]["distinct"], -k, f.name) for k, f in enumerate(fields)
                         if f.facet and not f.separator and not f.is_geo
                         and 1 < profiles.get(f.name, {}).get("distinct", 0) <= groups), reverse=True)
    keys, combinations = [], 1
    for distinct, _, name in candidates:
        if combinations * distinct <= groups and len(keys) < MAX_CLUSTER_KEYS:
            keys.append(name)
            combinations *= distinct
    return keys


def write_clustered(source: Path, path: Path, keys: list[str]) -> None:
    """The served rows sorted on `keys` (missing values last), then in the source's order, read from the written
    file: the sort spills to the system's temporary folder rather than hold the whole table in memory."""
    import duckdb

    from data_access.engine.sql import quoted

    order = ", ".join([f"{quoted(k)} NULLS LAST" for k in keys] + [ROW])
    spill = tempfile.mkdtemp(prefix="portail-tri-")
    try:
        with duckdb.connect(config={"threads": 2, "memory_limit": "1GB", "temp_directory": spill,
                                    "preserve_insertion_order": True}) as connection:
            connection.execute(f"COPY (SELECT * FROM read_parquet(?) ORDER BY {order}) TO '{_literal(path)}' "
                               f"(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE {ROW_GROUP_ROWS})",
                               [str(source)])
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


def fields_of(manifest: dict) -> tuple[FieldInfo, ...]:
    return tuple(FieldInfo(**f) for f in manifest["fields"])


def version_folder(served_dir: Path, dataset_id: str, version: str) -> Path:
    """The version's folder; a long version (a GTFS folder's, one stat per file) is named by its hash, since a
    file name holds at most 255 bytes. The manifest keeps the version itself."""
    import hashlib

    name = version if len(version) <= 100 else "h" + hashlib.sha256(version.encode()).hexdigest()[:40]
    return served_dir / dataset_id / name


def read_manifest(folder: Path) -> dict | None:
    """The manifest of a complete served folder of this format, else None."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not (folder / DATA).is_file():
        return None
    if manifest.get("cluster_keys") and not (folder / CLUSTERED).is_file():
        return None
    return manifest


def write_served(table: Table, served_dir: Path, dataset_id: str, version: str, provenance: dict) -> dict:
    """Convert `table` into its served folder (written aside, renamed into place) and return its manifest. Two
    processes converting the same version at once both succeed: the first rename wins, the other is dropped."""
    target = version_folder(served_dir, dataset_id, version)
    target.parent.mkdir(parents=True, exist_ok=True)
    arrow = served_arrow(table)
    manifest = manifest_of(arrow, table, dataset_id, version, provenance)
    aside = Path(tempfile.mkdtemp(prefix=".en-cours-", dir=target.parent))
    try:
        write_parquet(arrow, aside / DATA)
        del arrow  # the Arrow copy is done with; the clustered copy is sorted from the file
        manifest["cluster_keys"] = cluster_keys(manifest, table.fields)
        if manifest["cluster_keys"]:
            write_clustered(aside / DATA, aside / CLUSTERED, manifest["cluster_keys"])
        (aside / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        # on disk before the rename: a power cut leaves no empty manifest
        for name in (DATA, MANIFEST, CLUSTERED) if manifest["cluster_keys"] else (DATA, MANIFEST):
            handle = os.open(aside / name, os.O_RDONLY)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)
        if target.exists() and read_manifest(target) is None:
            # a folder this version cannot use (a conversion cut short, an older format): made again
            shutil.rmtree(target, ignore_errors=True)
        try:
            os.rename(aside, target)
        except OSError:  # another process put this version in place first: its folder is the same
            if read_manifest(target) is None:
                raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    _drop_old_versions(target)
    return read_manifest(target) or manifest


STALE_SECONDS = 600  # a version replaced this long ago is read by no request any more


def _drop_old_versions(current: Path) -> None:
    """Older versions go, but the one before and any replaced less than STALE_SECONDS ago (a request under way
    may still read it); so do folders left aside by a conversion that was killed."""
    import time

    now = time.time()
    folders = [p for p in current.parent.iterdir() if p.is_dir() and p != current]
    for left in (p for p in folders if p.name.startswith(".en-cours-")):
        if now - left.stat().st_mtime > STALE_SECONDS * 6:
            shutil.rmtree(left, ignore_errors=True)
    versions = sorted((p for p in folders if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime,
                      reverse=True)
    for old in versions[KEEP_VERSIONS - 1:]:
        if now - old.stat().st_mtime > STALE_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
