"""Shared constants and the deterministic writers (ODS-style CSV, GeoJSON, Parquet, zip) of the demo snapshot."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence

# Every "today" of the snapshot: statuses, progress and delays are computed against this date.
SNAPSHOT_DATE = date(2026, 11, 15)
ZIP_DATE_TIME = (2026, 11, 15, 0, 0, 0)
DEMO_NOTICE = "**Données de démonstration** générées automatiquement, réalistes mais fictives."
PUBLISHER = "Métropole Rouen Normandie"
LICENSE = "Licence Ouverte v2.0"


# ---------------------------------------------------------------- formatting

def de_commune(nom: str) -> str:
    """French "of <commune>" with elision and contraction: "de Rouen", "d'Elbeuf", "du Trait", "des Authieux…"."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if nom.startswith(article):
            return contracted + nom[len(article):]
    return f"d'{nom}" if nom[0] in "AEIOUYÉÈ" else f"de {nom}"


def fmt_point(lat: float, lon: float) -> str:
    """An Opendatasoft geo_point_2d cell: "lat, lon"."""
    return f"{lat:.6f}, {lon:.6f}"


def fmt_money(value: float) -> str:
    return f"{value:.2f}"


def fmt_decimal(value: float, places: int) -> str:
    """A decimal with at most `places` digits and no trailing zeros ("6.893", "4.72", "12")."""
    text = f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def round_coords(coords: Any, places: int = 6) -> Any:
    """Round nested coordinate lists (GeoJSON order) to `places` decimals."""
    if isinstance(coords, (int, float)):
        return round(float(coords), places)
    return [round_coords(c, places) for c in coords]


def geometry_json(geometry: dict) -> str:
    """GeoJSON geometry text for a geo_shape cell, keys in a stable order."""
    return json.dumps({"type": geometry["type"], "coordinates": geometry["coordinates"]}, ensure_ascii=False)


# ---------------------------------------------------------------- writers

def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ";",
              bom: bool = True, newline: str = "\r\n") -> int:
    """Write a CSV, quoted only when needed; by default as Opendatasoft exports it (BOM, `;`, CRLF)."""
    count = 0
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_ods_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """An Opendatasoft-style export: UTF-8 with BOM, `;`, CRLF."""
    return write_csv(path, header, rows)


def write_plain_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """A plain CSV: UTF-8 without BOM, `,`, LF."""
    return write_csv(path, header, rows, delimiter=",", bom=False, newline="\n")


def feature(geometry: dict, properties: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write_geojson(path: Path, features: list[dict], name: str, crs: str | None = None) -> int:
    """Write a FeatureCollection, one feature per line so the file diffs and streams well; with `crs`
    (« urn:ogc:def:crs:EPSG::3949 »), the `crs` member the Métropole's projected files carry."""
    member = ', "crs": {"type": "name", "properties": {"name": ' + json.dumps(crs) + '}}' if crs else ""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type": "FeatureCollection", "name": ' + json.dumps(name) + member + ', "features": [\n')
        for i, feat in enumerate(features):
            f.write(json.dumps(feat, ensure_ascii=False))
            f.write(",\n" if i < len(features) - 1 else "\n")
        f.write("]}\n")
    return len(features)


def zip_info(name: str) -> zipfile.ZipInfo:
    """A zip member with a fixed timestamp and permissions, so the archive is byte-stable."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


class ZipCsvMember:
    """A CSV member streamed into an open zip (UTF-8 without BOM, `,`, LF), so big tables never sit in memory."""

    def __init__(self, archive: zipfile.ZipFile, name: str, header: Sequence[str]):
        self._raw = archive.open(zip_info(name), "w")
        self._text = io.TextIOWrapper(self._raw, encoding="utf-8", newline="")
        self.writer = csv.writer(self._text, delimiter=",", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        self.writer.writerow(header)

    def __enter__(self) -> "ZipCsvMember":
        return self

    def __exit__(self, *exc: object) -> None:
        self._text.flush()
        self._text.detach()
        self._raw.close()
