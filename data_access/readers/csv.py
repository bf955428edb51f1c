"""Opendatasoft-style CSV: BOM or none, `;` or `,` sniffed, CRLF, labels as headers, newlines in quotes."""
from __future__ import annotations

import csv as _csv
import io
import logging
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from ..catalogue import Dataset
from .base import ReadError, Table
from .schema import table_from_text_columns

log = logging.getLogger(__name__)
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
    """The delimiter that splits the header line into the most fields, counted outside quotes."""
    header = next(iter(_csv.reader(io.StringIO(text), delimiter="\x00")), [""])
    line = header[0] if header else ""
    counts = {d: 0 for d in DELIMITERS}
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_table(path: Path, dataset: Dataset) -> Table:
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise ReadError(f"fichier illisible : {path.name} ({exc.strerror})") from None
    if not head.strip(b"\xef\xbb\xbf \r\n\t"):
        raise ReadError(f"fichier vide : {path.name}")
    encoding = dataset.csv.encoding or sniff_encoding(head)
    if encoding.lower().replace("-", "").replace("_", "") in ("utf8sig", "utf8"):
        encoding = "utf-8"  # pyarrow skips a UTF-8 BOM by itself
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    delimiter = dataset.csv.delimiter or sniff_delimiter(text)
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=encoding, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=_all_strings(text, delimiter), strings_can_be_null=True, null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, OSError) as exc:
        detail = str(exc).splitlines()[0][:200]
        raise ReadError(f"CSV illisible : {path.name} ({detail})") from None
    headers = [h.strip() for h in table.column_names]
    result = table_from_text_columns(table, headers, dataset.fields, path.name)
    if encoding != "utf-8" and not dataset.csv.encoding:
        result.notes = result.notes + (f"{path.name} : encodage {encoding} détecté (le fichier n'est pas en UTF-8)",)
    for note in result.notes:
        log.warning("%s", note)
    return result


def _all_strings(text: str, delimiter: str) -> dict[str, pa.DataType]:
    """Read every column as text: types are inferred afterwards, so "01" and "2B" survive."""
    header = next(iter(_csv.reader(io.StringIO(text), delimiter=delimiter)), [])
    return {name: pa.string() for name in header}
