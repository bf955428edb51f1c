"""Filtered extracts, streamed in chunks: one writer per format, each carrying the provenance it can hold."""
from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from data_access.extracts.plain_columns import (plain_arrow, records,  # noqa: F401 (records, safe_text: re-exported)
                                                safe_text)
from data_access.readers.base import FieldInfo, Table

FORMATS = ("csv", "xlsx", "geojson", "json", "parquet", "zip")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "zip": "application/zip",
}
CHUNK_ROWS = 50_000
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
XLSX_MAX_CELL = 32_767  # characters in one Excel cell
CSV_DELIMITERS = {";": ";", ",": ","}


class ExtractError(Exception):
    """The extract cannot be made as asked; `status` is the HTTP status, the message is French."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Provenance:
    """Where an extract comes from: written into every format that can carry it."""

    dataset_id: str
    title: str
    publisher: str | None
    license: str | None
    source_url: str | None
    refreshed: str | None  # ISO date the data was last refreshed
    filters: tuple[str, ...]  # in plain French
    generated_at: str  # ISO date-time
    permalink: str
    rows: int
    demo: bool
    version: str | None = None  # the history's version, for an extract of the data as it was (« ?version= »)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["filters"] = list(self.filters)
        if data["version"] is None:  # today's data: the provenance as it always was
            del data["version"]
        return data

    def lines(self) -> list[tuple[str, str]]:
        """The provenance as (French label, value) pairs, for the XLSX sheet and LISEZMOI.txt."""
        return [
            ("Jeu de données", f"{self.title} ({self.dataset_id})"),
            ("Producteur", self.publisher or "non précisé"),
            ("Licence", self.license or "non précisée"),
            ("Source", self.source_url or "fichier fourni avec le portail"),
            ("Données mises à jour le", self.refreshed or "date inconnue"),
            ("Filtres appliqués", " ; ".join(self.filters) or "aucun (jeu complet)"),
            ("Nombre de lignes", str(self.rows)),
            ("Extrait généré le", self.generated_at),
            ("Vue d'origine (permalien)", self.permalink),
            ("Nature des données", "données de démonstration, fictives" if self.demo else "données publiées"),
        ] + ([("Version des données", f"{self.version}, telles qu'elles étaient à cette date (historique du "
                                       "portail)")] if self.version else [])


def formats_for(table) -> tuple[str, ...]:
    """The formats a table (or a served dataset) can be extracted to: GeoJSON only when it has a geometry."""
    return tuple(f for f in FORMATS if f != "geojson" or table.geometry_field is not None)


def extract_filename(dataset_id: str, day: dt.date, filtered: bool, fmt: str) -> str:
    """`<id>_<YYYYMMDD>[_filtre].<ext>`; the id is a catalogue id ([a-z0-9-]), so the name is always safe."""
    return f"{dataset_id}_{day:%Y%m%d}{'_filtre' if filtered else ''}.{fmt}"


@dataclass(frozen=True)
class Selection:
    """The rows and columns an extract holds, as positions in the table: nothing is copied until written."""

    table: Table
    positions: np.ndarray
    fields: tuple[FieldInfo, ...]

    def __len__(self) -> int:
        return len(self.positions)

    def chunks(self, size: int = CHUNK_ROWS, fields: tuple[FieldInfo, ...] | None = None) -> Iterator[pd.DataFrame]:
        """The rows by `size`, with the selected columns (or `fields`)."""
        frame = self.table.frame[[f.name for f in fields or self.fields]]  # a view of the columns: nothing copied
        for start in range(0, len(self.positions), size):
            yield frame.iloc[self.positions[start:start + size]]

    def empty(self) -> pd.DataFrame:
        return self.table.frame[[f.name for f in self.fields]].iloc[:0]

    def plain(self, neutralise: bool) -> Iterator[pa.Table]:
        """The chunks made plain (plain_arrow), as every writer but GeoJSON writes them."""
        for chunk in self.chunks():
            yield plain_arrow(chunk, self.fields, neutralise=neutralise)


# ---------------------------------------------------------------- writers: each yields the file's bytes


def write_csv(selection: Selection, delimiter: str = ";") -> Iterator[bytes]:
    """UTF-8 with a BOM (French Excel reads the accents right), `;` by default, CRLF, formulas neutralised."""
    yield "\ufeff".encode()
    options = pacsv.WriteOptions(delimiter=delimiter, eol="\r\n", include_header=False)
    header = delimiter.join(_csv_quote(safe_text(f.name)) for f in selection.fields) + "\r\n"
    yield header.encode()

    def written(plain: pa.Table) -> bytes:
        buffer = io.BytesIO()
        pacsv.write_csv(plain, buffer, options)  # formatting numbers is the costly part; Arrow lets go of the GIL
        return buffer.getvalue()

    yield from in_order(written, selection.plain(neutralise=True))


def in_order(work, items: Iterator, ahead: int = 2) -> Iterator:
    """work(item) for each item, the next `ahead` ones already under way in other threads, the results in the
    items' order: a CSV uses a second core while its bytes go out, and holds at most `ahead` chunks more."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="extrait") as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(work, item))
            if len(pending) > ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _csv_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def write_json(selection: Selection, provenance: Provenance) -> Iterator[bytes]:
    """{"metadata": {...}, "records": [...]}, one record per row."""
    yield b'{"metadata": ' + json.dumps(provenance.as_dict(), ensure_ascii=False).encode() + b', "records": ['
    first = True
    for plain in selection.plain(neutralise=False):
        lines = [json.dumps(r, ensure_ascii=False) for r in records(plain)]
        if lines:
            yield (("" if first else ",\n") + ",\n".join(lines)).encode()
            first = False
    yield b"]}\n"


def write_geojson(table: Table, selection: Selection, provenance: Provenance) -> Iterator[bytes]:
    """A FeatureCollection with the provenance as a foreign member; properties are the other selected fields.
    The geometry is the selected shape, else the selected point; a row without a shape falls back on its point."""
    import shapely

    geo = [f for f in selection.fields if f.is_geo] or [table.geometry_field]
    geo.sort(key=lambda f: f.type != "geo_shape")
    properties = tuple(f for f in selection.fields if not f.is_geo)
    yield (b'{"type": "FeatureCollection", "metadata": '
           + json.dumps(provenance.as_dict(), ensure_ascii=False).encode() + b', "features": [')
    first = True
    for rows in selection.chunks(CHUNK_ROWS, tuple(geo) + properties):
        geoms = np.asarray(rows[geo[0].name].array, dtype=object)
        for fallback in geo[1:]:
            missing = pd.isna(geoms)
            geoms[missing] = np.asarray(rows[fallback.name].array, dtype=object)[missing]
        texts = np.full(len(geoms), "null", dtype=object)
        present = ~pd.isna(geoms)
        if present.any():
            texts[present] = shapely.to_geojson(geoms[present])
        props = (records(plain_arrow(rows[[f.name for f in properties]], properties, neutralise=False))
                 if properties else ({} for _ in range(len(rows))))
        features = [f'{{"type": "Feature", "geometry": {g}, "properties": {json.dumps(p, ensure_ascii=False)}}}'
                    for g, p in zip(texts, props)]
        if features:
            yield (("" if first else ",\n") + ",\n".join(features)).encode()
            first = False
    yield b"]}\n"


class _Drain(io.RawIOBase):
    """A write-only stream whose bytes are taken out as they come: lets Parquet and ZIP writers stream."""

    def __init__(self):
        self._parts: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self._parts.append(data)
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def write_parquet(selection: Selection, provenance: Provenance) -> Iterator[bytes]:
    """Parquet (zstd), one row group per chunk; the provenance goes in the file's key-value metadata."""
    sink = _Drain()
    # the columns' types come from the fields, whatever the rows: the empty selection's are every chunk's
    schema = plain_arrow(selection.empty(), selection.fields, neutralise=False).schema
    schema = schema.with_metadata({"provenance": json.dumps(provenance.as_dict(), ensure_ascii=False)})
    with pq.ParquetWriter(pa.PythonFile(sink, mode="w"), schema, compression="zstd") as writer:
        for plain in selection.plain(neutralise=False):
            writer.write_table(plain.cast(schema))
            yield sink.take()
    yield sink.take()


def write_xlsx(selection: Selection, provenance: Provenance) -> Iterator[bytes]:
    """A data sheet and a "Métadonnées" sheet. Text is always written as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    if len(selection) > XLSX_MAX_ROWS:
        raise ExtractError(413, f"un classeur Excel tient au plus {XLSX_MAX_ROWS} lignes ; cet extrait en a "
                                f"{len(selection)} : choisissez le format CSV ou Parquet, ou filtrez davantage")
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Données")
    repairs = {"cut": 0, "control": 0}

    def text_cell(value: str) -> WriteOnlyCell:
        if ILLEGAL_CHARACTERS_RE.search(value):  # control characters a workbook cannot hold
            value, repairs["control"] = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value), repairs["control"] + 1
        if len(value) > XLSX_MAX_CELL:  # Excel's limit: the CSV and Parquet extracts keep the whole text
            value, repairs["cut"] = value[:XLSX_MAX_CELL - 1] + "…", repairs["cut"] + 1
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would otherwise take "=…" for a formula
        return cell

    sheet.append([text_cell(safe_text(f.name)) for f in selection.fields])

    for arrow in selection.plain(neutralise=True):
        kinds = [pa.types.is_string(t) for t in arrow.schema.types]
        for row in zip(*(c.to_pylist() for c in arrow.columns)):
            sheet.append([text_cell(v) if is_text and v is not None else v for v, is_text in zip(row, kinds)])
    meta = workbook.create_sheet("Métadonnées")
    for label, value in provenance.lines():
        meta.append([label, text_cell(value)])
    if repairs["cut"]:
        meta.append(["Cellules tronquées", text_cell(f"{repairs['cut']} cellule(s) de plus de {XLSX_MAX_CELL} "
                                                     "caractères (limite d'Excel) : le CSV les donne en entier")])
    if repairs["control"]:
        meta.append(["Caractères remplacés", text_cell(f"{repairs['control']} cellule(s) contenaient des caractères "
                                                       "de contrôle, remplacés par « \ufffd »")])
    # openpyxl's write-only sheets spill rows to disk; the finished workbook is streamed from a temporary file.
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while part := spool.read(1 << 20):
            yield part


def readme_text(provenance: Provenance, delimiter: str = ";") -> str:
    lines = ["Extrait de données ouvertes — Métropole Rouen Normandie", ""]
    lines += [f"{label} : {value}" for label, value in provenance.lines()]
    lines += ["", "Contenu de l'archive :",
              f"- {provenance.dataset_id}.csv : les données (UTF-8 avec BOM, séparateur « {delimiter} »)",
              "- metadata.json : la provenance ci-dessus, lisible par un programme", ""]
    return "\r\n".join(lines)


def write_zip(selection: Selection, provenance: Provenance, delimiter: str = ";") -> Iterator[bytes]:
    """The CSV, metadata.json and LISEZMOI.txt, streamed (the CSV member is compressed as it is written)."""
    sink = _Drain()
    stamp = dt.datetime.fromisoformat(provenance.generated_at).timetuple()[:6]

    def member_info(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member_info("LISEZMOI.txt"), readme_text(provenance, delimiter).encode("utf-8"))
        archive.writestr(member_info("metadata.json"), json.dumps(provenance.as_dict(), ensure_ascii=False, indent=2))
        yield sink.take()
        with archive.open(member_info(f"{provenance.dataset_id}.csv"), mode="w", force_zip64=True) as member:
            for part in write_csv(selection, delimiter):
                member.write(part)
                yield sink.take()
    yield sink.take()


def write_extract(fmt: str, table: Table, selection: Selection, provenance: Provenance,
                  delimiter: str = ";") -> Iterator[bytes]:
    if fmt == "csv":
        return write_csv(selection, delimiter)
    if fmt == "json":
        return write_json(selection, provenance)
    if fmt == "geojson":
        return write_geojson(table, selection, provenance)
    if fmt == "parquet":
        return write_parquet(selection, provenance)
    if fmt == "xlsx":
        return write_xlsx(selection, provenance)
    return write_zip(selection, provenance, delimiter)


def now_paris() -> dt.datetime:
    """The extract's generation time (its metadata and file name), to the second: the portal's clock."""
    from data_access.clock import now_paris as clock_now

    return clock_now().replace(microsecond=0)

