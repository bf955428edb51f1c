"""Opendatasoft-style CSV: BOM or none, `;` or `,` sniffed, CRLF, labels as headers, newlines in quotes."""
from __future__ import annotations

import csv as _csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from data_access.catalogue.model import Dataset
from data_access.readers.base import ReadError, Table, unreadable
from data_access.readers.schema import table_from_text_columns

SNIFF_BYTES = 64 * 1024
DELIMITERS = (";", ",", "\t", "|")


def sniff_encoding(head: bytes) -> str:
    """UTF-8 (a BOM or none) when the start decodes as UTF-8, else Windows-1252, as French spreadsheets write."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sample's end is still UTF-8.
        if exc.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the sample's rows into the same number of fields (more than one), most often.

    Several rows are read, not just the header: a label such as "Types (vélo, trottinette)" has commas in a
    `;` file. Blank lines before the header are skipped."""
    lines = text.lstrip("\r\n").splitlines(keepends=True)
    sample = "".join(lines[:-1] if len(lines) > 2 else lines)  # the last line may be cut by the sample's end
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in _csv.reader(io.StringIO(sample), delimiter=delimiter) if row][:50]
        except _csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0])
        score = (consistent, widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv_table(path: Path, dataset: Dataset) -> Table:
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise unreadable(path, exc) from None
    if not head.strip(b"\xef\xbb\xbf \r\n\t"):
        raise ReadError(f"fichier vide : {path.name}")
    encoding = dataset.csv.encoding or sniff_encoding(head)
    if encoding.lower().replace("-", "").replace("_", "") in ("utf8sig", "utf8"):
        encoding = "utf-8"  # pyarrow skips a UTF-8 BOM by itself
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    delimiter = dataset.csv.delimiter or sniff_delimiter(text)
    try:
        table = _read(path, encoding, delimiter, text)
    except pa.ArrowInvalid as exc:
        if "UTF8" not in str(exc) or dataset.csv.encoding:
            raise ReadError(f"CSV illisible : {path.name} ({_first_line(exc)})") from None
        # Windows-1252 past the sniffed sample: read again rather than refuse the file.
        encoding = "cp1252"
        try:
            table = _read(path, encoding, delimiter, text)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as again:
            raise ReadError(f"CSV illisible : {path.name} ({_first_line(again)})") from None
    except (pa.ArrowNotImplementedError, UnicodeDecodeError, OSError) as exc:
        raise ReadError(f"CSV illisible : {path.name} ({_first_line(exc)})") from None
    headers = [h.strip() for h in table.column_names]
    result = table_from_text_columns(table, headers, dataset.fields, path.name, look_for_units=True)
    if encoding != "utf-8" and not dataset.csv.encoding:
        result.notes = result.notes + (f"{path.name} : encodage {encoding} détecté (le fichier n'est pas en UTF-8)",)
    return result


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _read(path: Path, encoding: str, delimiter: str, text: str) -> pa.Table:
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=encoding, block_size=8 << 20),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=_all_strings(text, delimiter), strings_can_be_null=True, null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )


def _all_strings(text: str, delimiter: str) -> dict[str, pa.DataType]:
    """Read every column as text: types are inferred afterwards, so "01" and "2B" survive."""
    header = next((row for row in _csv.reader(io.StringIO(text), delimiter=delimiter) if row), [])
    return {name: pa.string() for name in header}
