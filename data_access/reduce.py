"""Keeping only the Métropole's rows of a national file, while streaming it (ARCHITECTURE §8): a CSV (plain,
gzipped, or the CSV files of a zip), a GeoJSON or a TopoJSON. Memory stays bounded by a block of the file plus
the rows kept, whatever the national file's size. The sync calls `reduce_download` on what it downloaded,
before the checks and the rename into place."""
from __future__ import annotations

import csv as _csv
import gzip
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .catalogue import Catalogue, Dataset
from .catalogue_source import Keep
from .names import absent, find_header

BLOCK = 4 << 20  # bytes of CSV parsed at a time
MAX_SKIPPED = 1_000  # malformed rows left out before the file is refused


class ReduceError(Exception):
    """The national file cannot be cut down; the message is French and says why."""


@dataclass
class Reduced:
    """What a reduction did: rows read, rows kept, and the communes found among the kept rows."""

    rows_in: int = 0
    rows_kept: int = 0
    codes: set[str] = field(default_factory=set)
    clipped: int = 0  # shapes cut to their commune's outline
    skipped: int = 0  # malformed CSV rows left out (a national file of millions of rows may have a few)

    def skip_row(self, row) -> str:
        if self.skipped >= MAX_SKIPPED:
            return "error"
        self.skipped += 1
        return "skip"


def code_text(value) -> str | None:
    """A commune code as the files write it, one way for every reader: trimmed text, a whole number without its
    « .0 » (a TopoJSON or GeoJSON may give the code as a number); None when there is none."""
    if value is None:
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else None
    text = str(value).strip()
    return text or None


def arrow_codes(column) -> pa.Array:
    """`code_text` over an Arrow column: text, trimmed, whole numbers without « .0 »."""
    if pa.types.is_floating(column.type):
        column = pc.cast(column, pa.int64(), safe=False)
    return pc.utf8_trim_whitespace(pc.cast(column, pa.string()))


def communes_table(catalogue: Catalogue, keep: Keep):
    from .readers import ReadError, read_table

    communes = catalogue.get(keep.communes)
    try:
        return read_table(communes, catalogue.file_path(communes))
    except ReadError as exc:
        raise ReduceError(f"la liste des communes à garder (jeu « {keep.communes} ») est illisible : {exc}") from None


def compression(path: Path) -> str | None:
    """« zip » or « gzip » when the file is compressed (by its first bytes), else None."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    return "zip" if head.startswith(b"PK\x03\x04") else "gzip" if head.startswith(b"\x1f\x8b") else None


def reduce_download(raw: Path, dataset: Dataset, territory: Kept | None, out: Path) -> Reduced:
    """Write into `out`, in the dataset's format, the rows of the downloaded file `raw` whose keep field holds one
    of the territory's codes (every row without a territory: the file is only decompressed or converted)."""
    keep = dataset.source.keep
    codes = territory.codes if territory is not None else None
    if dataset.format == "csv":
        return reduce_csv(raw, keep.field if keep else None, codes, out)
    from .reduce_geo import reduce_geo

    return reduce_geo(raw, dataset, keep.field if keep else None, territory, out)


def needs_reduction(dataset: Dataset, raw: Path) -> bool:
    """Whether the download must go through `reduce_download`: rows to keep, a compressed CSV or GeoJSON, or a
    TopoJSON to serve as GeoJSON."""
    source = dataset.source
    if dataset.format not in ("csv", "geojson"):
        return False
    return bool(source.keep) or source.format == "topojson" or compression(raw) is not None


# ---- CSV: plain, gzipped, or every CSV file of a zip -------------------------------------------------------------


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
    from .readers.csv import sniff_delimiter, sniff_encoding

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


@dataclass
class Kept:
    """What a national file is cut down to: the codes to keep, and from the communes dataset, each commune's
    outline (to cut shapes to it) and name (for files that lack it)."""

    codes: frozenset[str]
    outlines: dict | None = None
    names: dict | None = None


def keep_context(catalogue: Catalogue, keep: Keep) -> Kept:
    """The communes a source is cut down to: the list given, or the `commune` role of the catalogue dataset named
    (its file as it is in place, read once), with what the options need of it (outlines, names)."""
    if keep.codes:
        return Kept(frozenset(keep.codes))
    table = communes_table(catalogue, keep)
    code = table.role_field("commune")
    if code is None:
        raise ReduceError(f"le jeu de données « {keep.communes} » n'a pas de champ de rôle « commune » : "
                          "impossible de savoir quelles communes garder")
    values = table.frame[code.name].dropna().astype("str")
    territory = Kept(frozenset(c for raw in values for v in code.values_of(raw) if (c := code_text(v))))
    if not territory.codes:
        raise ReduceError(f"le jeu de données « {keep.communes} » ne donne aucun code de commune")
    if not (keep.clip or keep.names):
        return territory
    from .geo import commune_rows

    lines = commune_rows(table)
    if keep.names:
        territory.names = dict(zip(lines["code"], lines["name"]))
    if not keep.clip:
        return territory
    geometry = table.geometry_field
    if geometry is None or geometry.type != "geo_shape":
        raise ReduceError(f"le jeu de données « {keep.communes} » n'a pas de contours pour découper les formes")
    shapes = table.frame[geometry.name].to_numpy()
    territory.outlines = {line.code: shapes[line.row] for line in lines.itertuples() if shapes[line.row] is not None}
    return territory


def fingerprint(keep: Keep, territory: Kept) -> str:
    """What a reduction depends on besides the national file: the codes, the options and what they take from the
    communes dataset. When it changes, the file is fetched and cut again even if the server says « unchanged »."""
    import hashlib
    import json

    import shapely

    digest = hashlib.sha256(json.dumps({
        "field": keep.field, "codes": sorted(territory.codes), "clip": keep.clip, "names": keep.names,
        "commune_names": sorted((territory.names or {}).items()),
    }, ensure_ascii=False).encode())
    for code in sorted(territory.outlines or {}):
        digest.update(code.encode() + shapely.to_wkb(territory.outlines[code]))
    return digest.hexdigest()[:16]


def ods_where(field_name: str, codes) -> str:
    """The export's server-side filter on the codes (ODSQL: a comparison per code, joined with OR)."""
    return "(" + " OR ".join(f'{field_name} = "{code}"' for code in sorted(codes)) + ")"
