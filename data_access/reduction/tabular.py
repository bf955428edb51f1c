"""CSV national files: plain, gzipped, or every CSV file of a zip, streamed block by block through Arrow."""
from __future__ import annotations

import csv as _csv
import gzip
import io
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from data_access.names import absent, find_header
from data_access.readers.csv import sniff_delimiter, sniff_encoding
from data_access.reduction.common import BLOCK, MAX_SKIPPED, Reduced, ReduceError, arrow_codes, compression


def _csv_streams(raw: Path):
    """The CSV byte streams of the download, in order: the file, its gunzipped content, or each CSV of the zip."""
    kind = compression(raw)
    if kind == "gzip":
        with gzip.open(raw, "rb") as stream:
            yield stream
    elif kind == "zip":
        try:
            archive = zipfile.ZipFile(raw)
        except zipfile.BadZipFile:
            raise ReduceError("l'archive reçue n'est pas un zip valide") from None
        with archive:
            members = sorted(n for n in archive.namelist() if n.lower().endswith((".csv", ".txt")))
            if not members:
                raise ReduceError("l'archive reçue ne contient aucun fichier CSV")
            for name in members:
                with archive.open(name) as stream:
                    yield stream
    else:
        with open(raw, "rb") as stream:
            yield stream


def reduce_csv(raw: Path, field_name: str | None, codes: frozenset[str] | None, out: Path) -> Reduced:
    """The CSV rows whose `field_name` is one of `codes`, streamed block by block through Arrow, written as UTF-8
    with the source's delimiter. Every CSV of a zip must have the same columns."""
    result = Reduced()
    value_set = pa.array(sorted(codes), type=pa.string()) if codes is not None else None
    writer, header = None, None
    try:
        for stream in _csv_streams(raw):
            buffered = io.BufferedReader(stream, buffer_size=1 << 16)
            head = buffered.peek(1 << 16)[:1 << 16]
            if not head.strip():  # an empty file (or an empty CSV of the zip): nothing to read in it
                continue
            encoding = sniff_encoding(head)
            text = head.decode(encoding, errors="replace").lstrip("\ufeff")
            delimiter = sniff_delimiter(text)
            names = next(iter(_csv.reader(io.StringIO(text), delimiter=delimiter)), [])
            reader = pacsv.open_csv(buffered, read_options=pacsv.ReadOptions(encoding=encoding, block_size=BLOCK),
                                    parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                                                     invalid_row_handler=result.skip_row),
                                    convert_options=pacsv.ConvertOptions(
                                        column_types={n: pa.string() for n in names}, strings_can_be_null=False))
            if header is None:
                header = reader.schema.names
                writer = pacsv.CSVWriter(str(out), reader.schema, write_options=pacsv.WriteOptions(
                    delimiter=delimiter, quoting_style="needed"))
            elif reader.schema.names != header:
                raise ReduceError("les fichiers CSV de l'archive n'ont pas les mêmes colonnes")
            index = None
            if value_set is not None:
                found = find_header(header, field_name)
                if found is None:
                    raise ReduceError(f"source.keep.field : {absent(field_name, [n.strip() for n in header])}")
                index = header.index(found)
            for batch in reader:
                result.rows_in += batch.num_rows
                if index is not None:
                    batch = batch.filter(pc.is_in(arrow_codes(batch.column(index)), value_set=value_set))
                    result.codes.update(pc.unique(arrow_codes(batch.column(index))).to_pylist())
                result.rows_kept += batch.num_rows
                writer.write_batch(batch)
    except (pa.ArrowInvalid, UnicodeDecodeError, EOFError, OSError, zipfile.BadZipFile) as exc:
        if result.skipped >= MAX_SKIPPED:
            raise ReduceError(f"fichier reçu refusé : plus de {MAX_SKIPPED} lignes mal formées") from None
        raise ReduceError(f"fichier reçu illisible ({str(exc).splitlines()[0][:150]})") from None
    finally:
        if writer is not None:
            writer.close()
    if header is None:
        raise ReduceError("le fichier reçu est vide")
    return result
