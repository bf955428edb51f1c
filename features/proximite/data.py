"""« Près de chez moi »: a place (an address, a position, a commune) and the geometry to answer about it — which
outline holds it, what lies within some metres, what is nearest. Each dataset's geometries are projected once
per file version to metres around their own latitude, with a spatial index; a question reads a few of them."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.addresses import is_address_table
from data_access.derived import derived
from data_access.geometry.geo import commune_outlines, commune_rows
from data_access.readers.base import Table
from data_access.repository import DatasetUnavailable, Repository

METRES_PER_DEGREE = 111_195.0  # of latitude (and of longitude at the equator), on the mean Earth sphere
SHARE_DECIMALS = 4  # a shared place is rounded to 1e-4 degree: about 11 m north-south, 7 m east-west here
NEAREST_RADII = (1_000, 4_000, 16_000, 64_000)  # a nearest-k search widens through these before reading all
MAX_ADDRESS_ID = 100


@dataclass
class Located:
    """A table's geometries in metres (an equirectangular projection about their mean latitude), the table's row
    of each, and a spatial index over them."""

    rows: np.ndarray
    geometries: np.ndarray
    tree: object  # shapely.STRtree
    scale: float  # metres per degree of longitude

    def point(self, lon: float, lat: float):
        import shapely

        return shapely.points(lon * self.scale, lat * METRES_PER_DEGREE)

    def within(self, lon: float, lat: float, metres: float) -> tuple[np.ndarray, np.ndarray]:
        """The rows whose geometry comes within `metres` of the place, the nearest first, with their distance."""
        import shapely

        here = self.point(lon, lat)
        hits = self.tree.query(here, predicate="dwithin", distance=metres)
        distances = shapely.distance(self.geometries[hits], here)
        order = np.argsort(distances, kind="stable")
        return self.rows[hits[order]], distances[order]

    def nearest(self, lon: float, lat: float, count: int, keep: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
        """The `count` rows nearest the place (among `keep`, a mask over the table's rows), with their distance."""
        for radius in NEAREST_RADII + (math.inf,):
            if radius == math.inf:
                import shapely

                distances = shapely.distance(self.geometries, self.point(lon, lat))
                order = np.argsort(distances, kind="stable")
                rows, distances = self.rows[order], distances[order]
            else:
                rows, distances = self.within(lon, lat, radius)
            if keep is not None:
                kept = keep[rows]
                rows, distances = rows[kept], distances[kept]
            if len(rows) >= count or radius == math.inf:
                return rows[:count], distances[:count]
        raise AssertionError("unreachable")

    def containing(self, lon: float, lat: float) -> np.ndarray:
        """The rows whose shape holds the place."""
        return self.rows[self.tree.query(self.point(lon, lat), predicate="intersects")]  # a border holds too


def located(table: Table) -> Located | None:
    """The table's geometries in metres, built once per loaded table; None when it has none."""
    if not any(f.is_geo for f in table.fields):
        return None
    return derived(("proximite-geometries", table.key), lambda: _locate(table))


def _locate(table: Table) -> Located:
    import shapely

    geo = sorted((f for f in table.fields if f.is_geo), key=lambda f: f.type != "geo_shape")
    geometries = np.array(table.frame[geo[0].name].array, dtype=object, copy=True)  # never the table's own
    for fallback in geo[1:]:  # a row without a shape is placed by its point
        missing = pd.isna(geometries)
        geometries[missing] = np.asarray(table.frame[fallback.name].array, dtype=object)[missing]
    present = ~pd.isna(geometries)
    rows = np.flatnonzero(present)
    kept = geometries[present]
    latitudes = shapely.get_coordinates(shapely.centroid(kept))[:, 1] if len(kept) else np.array([0.0])
    # about the median latitude: a stray point at (0, 0) does not skew the others
    scale = METRES_PER_DEGREE * math.cos(math.radians(float(np.nanmedian(latitudes)) if len(latitudes) else 0.0))
    projected = shapely.transform(kept, lambda xy: xy * np.array([scale, METRES_PER_DEGREE]))
    projected = shapely.make_valid(projected)  # a self-crossing outline still answers « which one holds me »
    return Located(rows=rows, geometries=projected, tree=shapely.STRtree(projected), scale=scale)


# ---- the place ---------------------------------------------------------------------------------------------------


@dataclass
class Place:
    """Where the answers are about: a position (lat, lon) and its commune, or a commune alone."""

    label: str
    lat: float | None = None
    lon: float | None = None
    commune: str | None = None  # the commune's code, as the outlines have it
    commune_name: str | None = None
    how: str = "position"  # adresse | position | carte | commune

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None

    def shared(self) -> list[tuple[str, str]]:
        """The permalink's parameters: the position rounded to about 10 m, or the commune."""
        if self.has_position:
            return [("lat", f"{self.lat:.{SHARE_DECIMALS}f}"), ("lon", f"{self.lon:.{SHARE_DECIMALS}f}")]
        return [("commune", self.commune)] if self.commune else []


class PlaceError(ValueError):
    """A place that cannot be answered about, with a message for the reader."""


def position(lat, lon) -> tuple[float, float]:
    """A position from the browser or a URL, checked: two finite numbers of degrees."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError, OverflowError):
        raise PlaceError("la position n'est pas faite de deux nombres (latitude et longitude en degrés)") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise PlaceError("la position n'est pas une latitude et une longitude valables")
    return lat, lon


def communes(repository: Repository) -> tuple[Table, pd.DataFrame] | None:
    """The communes' outlines and their lines (row, code, name), or None without such a dataset."""
    outlines = commune_outlines(repository)
    if outlines is None:
        return None
    return outlines[1], commune_rows(outlines[1])


def place_at(repository: Repository, lat, lon, label: str, how: str, commune: str | None = None) -> Place:
    """The place at a position, with its commune (`commune`, an address's own, when the outlines know it; else
    the outline that holds the position); PlaceError when the position is outside every commune."""
    lat, lon = position(lat, lon)
    place = Place(label=label, lat=lat, lon=lon, how=how)
    found = communes(repository)
    if found is None:
        return place  # no outlines: the blocks that need a commune say so
    table, lines = found
    named = lines[lines["code"] == commune] if commune else lines.iloc[:0]
    if not len(named):
        holding = located(table).containing(lon, lat)
        if not len(holding):
            raise PlaceError("ce point n'est dans aucune commune de la Métropole")
        named = lines[lines["row"] == int(holding[0])]
    place.commune, place.commune_name = str(named.iloc[0]["code"]), str(named.iloc[0]["name"])
    return place


def commune_place(repository: Repository, code: str) -> Place:
    found = communes(repository)
    if found is not None:
        lines = found[1]
        match = lines[lines["code"] == str(code)]
        if len(match):
            name = str(match.iloc[0]["name"])
            return Place(label=name, commune=str(code), commune_name=name, how="commune")
    raise PlaceError(f"« {str(code)[:20]} » n'est pas le code d'une commune de la Métropole")


def commune_choices(repository: Repository) -> list[tuple[str, str]]:
    """(code, name) of every commune, in French order."""
    from data_access.query import fold

    found = communes(repository)
    if found is None:
        return []
    lines = found[1].drop_duplicates("code")
    return sorted(zip(lines["code"], lines["name"]), key=lambda pair: fold(pair[1]))


def address_table(repository: Repository) -> tuple[object, Table] | None:
    """The addresses dataset (a `street` role) and its table, or None."""
    for dataset in repository.catalogue.datasets:
        if dataset.role_field("street"):
            try:
                table = repository.table(dataset.id)
            except DatasetUnavailable:
                continue
            if is_address_table(table) and table.geometry_field is not None:
                return dataset, table
    return None


def address_place(repository: Repository, address_id: str) -> Place:
    """The place of an address given by its identifier (the `id` role of the addresses dataset)."""
    found = address_table(repository)
    text = str(address_id)[:MAX_ADDRESS_ID]
    if found is None:
        raise PlaceError("le portail n'a pas de jeu de données d'adresses")
    _, table = found
    row = _address_rows(table).get(text)
    if row is None:
        raise PlaceError(f"l'adresse « {text} » n'est pas dans la base d'adresses")
    return address_row_place(repository, table, row)


def address_row_place(repository: Repository, table: Table, row, label: str | None = None) -> Place:
    """The place of the addresses' row (a suggestion chosen: `label` is what it said, a street for a street), in
    the address's own commune."""
    from data_access.addresses import address_index

    if type(row) is not int or not 0 <= row < len(table):
        raise PlaceError("cette adresse n'est pas dans la base d'adresses")
    point = table.frame[table.geometry_field.name].iloc[row]
    if point is None:
        raise PlaceError("cette adresse n'a pas de position")
    code = table.role_field("commune")
    commune = table.frame[code.name].iloc[row] if code is not None else None
    return place_at(repository, point.y, point.x, label or str(address_index(table).labels[row]), "adresse",
                    str(commune) if commune is not None and not pd.isna(commune) else None)


def _address_rows(table: Table) -> dict:
    field = table.role_field("id")

    def build() -> dict:
        if field is None:
            return {}
        values = table.frame[field.name].astype("str")
        return dict(zip(values.tolist()[::-1], range(len(values) - 1, -1, -1)))  # the first row of an id
    return derived(("adresses-ids", table.key), build)


def address_id(table: Table, row: int) -> str | None:
    field = table.role_field("id")
    return None if field is None else str(table.frame[field.name].iloc[row])
