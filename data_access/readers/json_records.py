"""JSON files of records (`format = "json"`): Opendatasoft's json export, an array of objects, or a feed whose
records sit deeper (GBFS's `{"data": {"stations": [...]}}`, named by `json = { records = "data.stations" }`).

The records are streamed (ijson), a batch at a time, into Arrow text columns: memory holds one batch of objects.
Each value becomes the text a CSV export would hold, and the columns are typed as a CSV file's are (a code stays
text, « 20 » is a number). Nested values become text (nested.cell): a point object a point, a geometry a shape,
anything else JSON text, which a field declaration may read otherwise (a `geo_shape`, a `separator`)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa

from data_access.catalogue.model import Dataset
from data_access.readers.base import ReadError, Table, unreadable
from data_access.readers.nested import batched, cell, open_json, separators, text
from data_access.readers.schema import table_from_text_columns

SHOWN_KEYS = 8
KINDS = {"start_map": "un objet", "start_array": "une liste", "string": "un texte", "number": "un nombre",
         "integer": "un nombre", "double": "un nombre", "boolean": "un booléen", "null": "null"}


def _kind(value) -> str:
    if isinstance(value, dict):
        return "un objet"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, str):
        return "un texte"
    if isinstance(value, bool):
        return "un booléen"
    return "null" if value is None else "un nombre"


def _streamed(path: Path, records: str | None) -> Iterator:
    import ijson

    with open_json(path) as handle:
        yield from ijson.items(handle, f"{records}.item" if records else "item", use_float=True)


def _loaded(path: Path, records: str | None) -> list:
    """The records read by the standard library (NaN, Infinity, a number past 2**63: ijson refuses them)."""
    with open(path, "rb") as handle:
        found = json.load(handle)
    for part in records.split(".") if records else ():
        found = found.get(part) if isinstance(found, dict) else None
    if not isinstance(found, list):
        raise ReadError(f"{path.name} : {'json.records « ' + records + ' »' if records else 'le fichier'} ne mène "
                        "pas à une liste d'enregistrements")
    return found


def _columns(records: Iterable, dataset: Dataset, name: str, where: str) -> tuple[dict[str, list[pa.Array]], int]:
    """The records' keys in the order first met, each with its text arrays (one per batch), and the record count."""
    separator_of = separators(dataset.fields)
    columns: dict[str, list[pa.Array]] = {}
    count = 0
    for batch in batched(records):
        values: dict[str, list] = {}
        for k, record in enumerate(batch):
            if not isinstance(record, dict):
                raise ReadError(f"{name} : {where} ne contient pas des enregistrements : l'élément n° "
                                f"{count + k + 1} est {_kind(record)}, pas un objet")
            for key, value in record.items():
                column = values.setdefault(key, [None] * k)
                column.extend([None] * (k - len(column)))
                column.append(text(cell(value, separator_of(key))))
        for key in list(values):
            values[key].extend([None] * (len(batch) - len(values[key])))
            if key not in columns:
                columns[key] = [pa.nulls(count, pa.string())] if count else []
            columns[key].append(pa.array(values[key], type=pa.string()))
        for key in columns.keys() - values.keys():  # a key this batch's records lack: empty for them
            columns[key].append(pa.nulls(len(batch), pa.string()))
        count += len(batch)
    return columns, count


def _what_is_there(path: Path, records: str | None) -> str:
    """Why no record was found where the catalogue says: what the path leads to, and where arrays of objects are
    (read once more, on this error path only)."""
    import ijson

    parts = records.split(".") if records else []
    wanted = {".".join(parts[:k]) for k in range(len(parts) + 1)}
    kinds: dict[str, str] = {}
    keys: dict[str, list[str]] = {}
    arrays: list[str] = []
    with open_json(path) as handle:
        for prefix, event, value in ijson.parse(handle):
            if prefix in wanted and prefix not in kinds and event in KINDS:
                kinds[prefix] = KINDS[event]
            if event == "map_key" and prefix in wanted:
                keys.setdefault(prefix, []).append(value)
            if event == "start_map" and prefix.endswith(".item") and prefix.count(".") <= 3:
                found = prefix[:-len(".item")]
                if found not in arrays and ".item." not in found:
                    arrays.append(found)
    found_arrays = ", ".join(f"« {a} »" for a in arrays[:4])
    hint = f" ; listes d'objets du fichier : {found_arrays}" if found_arrays else ""
    if not records:
        if kinds.get("") == "une liste":
            return ""  # an empty array: no records, which is not an error here (the sync refuses an empty export)
        top = kinds.get("", "vide")
        shown = ", ".join(keys.get("", [])[:SHOWN_KEYS])
        return (f"le fichier n'est pas une liste d'enregistrements mais {top}" + (f" (clés : {shown})" if shown else "")
                + f" ; indiquez où sont les enregistrements avec json = {{ records = \"…\" }}{hint}")
    for k in range(1, len(parts) + 1):
        path_k, parent = ".".join(parts[:k]), ".".join(parts[:k - 1])
        if path_k not in kinds:
            shown = ", ".join(keys.get(parent, [])[:SHOWN_KEYS])
            where = f"« {parent} »" if parent else "le fichier"
            has = f"{where} n'a pas de clé « {parts[k - 1]} »" + (f" (clés : {shown})" if shown else "") \
                if kinds.get(parent, "un objet") == "un objet" else f"{where} est {kinds[parent]}"
            return f"json.records « {records} » ne mène à rien : {has}{hint}"
    if kinds[records] != "une liste":
        return f"json.records « {records} » mène à {kinds[records]}, pas à une liste d'enregistrements{hint}"
    return ""


def read_json_table(path: Path, dataset: Dataset) -> Table:
    import ijson

    records = dataset.json.records
    where = f"« {records} »" if records else "le fichier"
    try:
        try:
            columns, count = _columns(_streamed(path, records), dataset, path.name, where)
        except ijson.JSONError:
            columns, count = _columns(_loaded(path, records), dataset, path.name, where)
        reason = _what_is_there(path, records) if count == 0 else ""
    except OSError as exc:
        raise unreadable(path, exc) from None
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:  # ijson's errors include the incomplete file
        raise ReadError(f"JSON invalide : {path.name} ({str(exc).splitlines()[0][:150]})") from None
    if reason:
        raise ReadError(f"{path.name} : {reason}")
    headers = [str(key) for key in columns]
    arrow = pa.table({f"c{k}": pa.chunked_array(chunks, type=pa.string()) for k, chunks in enumerate(columns.values())}) \
        if columns else pa.table({})
    table = table_from_text_columns(arrow, headers, dataset.fields, path.name)
    if not columns:
        table.frame = table.frame.reindex(range(count))
    return table
