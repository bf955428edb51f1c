"""GTFS reader: a zip or folder feed read into typed pandas tables, shown in the catalogue as its stops."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from data_access.readers.base import ReadError, Table
from data_access.readers.gtfs_columns import KNOWN_FILES, REQUIRED_COLUMNS, to_pandas, typed
from data_access.readers.gtfs_files import (BOM, CALENDAR_FILES, REQUIRED_FILES, FeedFiles, header_names, missing_files,
                                            parse_file)

if TYPE_CHECKING:
    from data_access.catalogue.model import Dataset

# ---------------------------------------------------------------- the feed


@dataclass
class GtfsFeed:
    """Every table of a feed, keyed by file stem ("stops", "stop_times"…), with the repairs made while reading."""

    tables: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(_stem(name))

    def has(self, name: str) -> bool:
        return _stem(name) in self.tables


def _stem(name: str) -> str:
    name = name.lower()
    return name[:-4] if name.endswith(".txt") else name


def _load(source: FeedFiles, fname: str, notes: list[str]) -> pd.DataFrame | None:
    """One file as a typed DataFrame; None for an unknown file that is not CSV (skipped, with a note).

    Notes name the file as "<feed>/<file>" (gtfs_astuce.zip/stop_times.txt)."""
    stem = fname[:-4]
    where = f"{source.path.name}/{fname}"
    try:
        table = parse_file(source, fname, where, notes)
    except ReadError:
        if stem in KNOWN_FILES:
            raise
        notes.append(f"{where} : fichier inconnu illisible en CSV, ignoré")
        return None
    if table is None:
        if fname in REQUIRED_FILES:
            raise ReadError(f"{source.label} : {fname}, fichier vide")
        return pd.DataFrame()
    for column in REQUIRED_COLUMNS.get(stem, ()):
        if column not in table.column_names:
            raise ReadError(f"{source.label} : {fname}, colonne obligatoire {column} absente")
    frame = to_pandas(typed(table, stem, where, notes), stem)
    if stem == "stop_times":  # always there, so that timetables need not test for them
        for name in ("arrival_s", "departure_s"):
            if name not in frame.columns:
                frame[name] = pd.array([pd.NA] * len(frame), dtype="Int64")
    return frame


# ---------------------------------------------------------------- public readers


def probe_gtfs(path: Path) -> str | None:
    """None when the feed looks usable, else a short French reason; reads the file list and header lines only."""
    try:
        source = FeedFiles(Path(path))
    except ReadError as exc:
        return getattr(exc, "reason", str(exc))
    with source:
        missing = missing_files(source.members)
        if missing:
            return f"fichier GTFS incomplet : {missing} manquant"
        for fname in REQUIRED_FILES + CALENDAR_FILES:
            if fname not in source.members:
                continue
            try:
                head = source.head(fname)
            except ReadError as exc:
                return exc.reason
            if not head.strip(BOM + b" \r\n\t"):
                if fname in REQUIRED_FILES:
                    return f"fichier GTFS incomplet : {fname} vide"
                continue
            names = header_names(head)
            for column in REQUIRED_COLUMNS.get(fname[:-4], ()):
                if column not in names:
                    return f"{fname} : colonne obligatoire {column} absente"
    return None


def read_gtfs(path: Path) -> GtfsFeed:
    """Every .txt file of a GTFS zip or folder, typed (ids stay text). Raises ReadError naming the file at fault."""
    with FeedFiles(Path(path)) as source:
        missing = missing_files(source.members)
        if missing:
            raise ReadError(f"{source.label} : fichier obligatoire {missing} absent")
        notes: list[str] = []
        tables: dict[str, pd.DataFrame] = {}
        for fname in source.members:
            frame = _load(source, fname, notes)
            if frame is not None:
                tables[fname[:-4]] = frame
    order = [f[:-4] for f in REQUIRED_FILES + CALENDAR_FILES]
    tables = {k: tables[k] for k in sorted(tables, key=lambda k: (order.index(k) if k in order else len(order), k))}
    return GtfsFeed(tables=tables, notes=notes)


def read_gtfs_file(path: Path, name: str) -> pd.DataFrame:
    """One table of a feed ("stops" or "stops.txt"), typed as read_gtfs does, even when the feed is incomplete."""
    fname = _stem(name) + ".txt"
    with FeedFiles(Path(path)) as source:
        if fname not in source.members:
            raise ReadError(f"{source.label} : fichier {fname} absent")
        notes: list[str] = []
        frame = _load(source, fname, notes)
    return frame if frame is not None else pd.DataFrame()


# ---------------------------------------------------------------- the stops as the catalogue's table

STOP_LABELS = {
    "stop_id": "Identifiant de l'arrêt",
    "stop_code": "Code de l'arrêt",
    "stop_name": "Nom de l'arrêt",
    "tts_stop_name": "Nom de l'arrêt (synthèse vocale)",
    "stop_desc": "Description de l'arrêt",
    "stop_lat": "Latitude",
    "stop_lon": "Longitude",
    "zone_id": "Zone tarifaire",
    "stop_url": "Page web de l'arrêt",
    "location_type": "Type d'emplacement",
    "parent_station": "Station parente",
    "stop_timezone": "Fuseau horaire",
    "wheelchair_boarding": "Accès en fauteuil roulant",
    "level_id": "Niveau",
    "platform_code": "Quai",
}
GEO_COLUMN = "geo_point_2d"


def _points(lon: pd.Series, lat: pd.Series) -> tuple[np.ndarray, int]:
    """Shapely points (None where a coordinate is missing or out of range), and how many were out of range."""
    import shapely

    x = lon.to_numpy(dtype="float64", na_value=np.nan)
    y = lat.to_numpy(dtype="float64", na_value=np.nan)
    present = ~(np.isnan(x) | np.isnan(y))
    valid = present & (np.abs(x) <= 180) & (np.abs(y) <= 90) & ~((x == 0) & (y == 0))
    geoms = np.full(len(x), None, dtype=object)
    geoms[valid] = shapely.points(x[valid], y[valid])
    return geoms, int((present & ~valid).sum())


def read_gtfs_table(path: Path, dataset: "Dataset") -> Table:
    """The catalogue's view of a GTFS dataset: its stops, with a point per stop; the whole feed in extra["gtfs"].

    Field types follow the columns' dtypes; the dataset's declared fields override label, facet, role… and
    type, with the same rules as the other readers (a declared type the values do not follow keeps the text).
    """
    import geopandas as gpd

    from data_access.readers.schema import type_typed_frame

    feed = read_gtfs(path)
    source = f"{Path(path).name}/stops.txt"
    frame = feed.tables["stops"].copy()
    geoms, out_of_range = _points(frame["stop_lon"], frame["stop_lat"])
    frame[GEO_COLUMN] = gpd.GeoSeries(geoms, index=frame.index, crs="EPSG:4326")
    specs = tuple(dataset.fields) if dataset is not None else ()
    declared = {spec.name: spec for spec in specs}
    # GTFS text is text (ids like "2024-01-15" are no dates): only a declared type changes a column's type.
    known = {name: "text" for name in frame.columns
             if frame[name].dtype == "str" and not getattr(declared.get(name), "type", None)}
    table = type_typed_frame(frame, specs, source, known_types={**known, GEO_COLUMN: "geo_point_2d"})
    table.fields = tuple(
        replace(f, label=STOP_LABELS[f.name]) if f.name in STOP_LABELS and not getattr(declared.get(f.name), "label",
                                                                                         None) else f
        for f in table.fields
    )
    notes = list(feed.notes) + list(table.notes)
    if out_of_range:
        notes.append(f"{source} : {out_of_range} arrêt(s) aux coordonnées hors limites ou (0, 0), sans position")
    notes += [f"{source} : champ déclaré « {name} » absent" for name in declared if name not in frame.columns]
    table.notes = tuple(notes)
    table.extra["gtfs"] = feed
    return table
