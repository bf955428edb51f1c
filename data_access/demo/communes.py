"""The territory every demo dataset stands on: the 71 communes, their real outlines, random points inside them."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from data_access.demo.common import feature, round_coords, write_geojson
from data_access.demo.facts import Commune, communes
from data_access.demo.outlines import OUTLINES_FILE, OUTLINES_LICENSE, OUTLINES_SOURCE

# A local equirectangular projection in metres: distances, areas and Voronoi cells are computed in it.
LAT0, LON0 = 49.40, 1.05
KX = 111_320.0 * math.cos(math.radians(LAT0))
KY = 110_574.0


def to_xy(lon, lat):
    return (np.asarray(lon) - LON0) * KX, (np.asarray(lat) - LAT0) * KY


def to_lonlat(x, y):
    return np.asarray(x) / KX + LON0, np.asarray(y) / KY + LAT0


def geometry_to_xy(geom):
    """A shapely geometry in lon/lat, to metres."""
    return shapely.transform(geom, lambda c: np.column_stack(to_xy(c[:, 0], c[:, 1])))


def geometry_to_lonlat(geom):
    """A shapely geometry in metres, back to lon/lat."""
    return shapely.transform(geom, lambda c: np.column_stack(to_lonlat(c[:, 0], c[:, 1])))


def geojson_geometry(geom_xy, places: int = 6) -> dict:
    """A metre geometry as a GeoJSON dict in lon/lat, coordinates rounded."""
    raw = mapping(geometry_to_lonlat(geom_xy))
    return {"type": raw["type"], "coordinates": round_coords(raw["coordinates"], places)}


@dataclass(frozen=True)
class Territory:
    communes: tuple[Commune, ...]
    x: np.ndarray  # a point inside each commune (its centre), metres
    y: np.ndarray
    cells: tuple[BaseGeometry, ...]  # the real outlines, metres; they tile the Métropole
    metropole: BaseGeometry  # the union of the outlines, metres
    _by_insee: dict[str, int] = field(default_factory=dict, repr=False)
    _insets: dict[tuple[int, float], BaseGeometry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_insee.update({c.insee: i for i, c in enumerate(self.communes)})

    @property
    def populations(self) -> np.ndarray:
        return np.array([c.population for c in self.communes], dtype=np.int64)

    @property
    def areas(self) -> np.ndarray:
        return np.array([c.superficie_km2 for c in self.communes])

    @cached_property
    def _tree(self) -> shapely.STRtree:
        return shapely.STRtree(self.cells)

    def index(self, insee: str) -> int:
        return self._by_insee[insee]

    def nearest_commune(self, x, y) -> np.ndarray:
        """The commune whose outline holds each point; for a point outside them all, the nearest outline's."""
        points = shapely.points(np.atleast_1d(x), np.atleast_1d(y))
        which, cell = self._tree.query_nearest(points, all_matches=False)  # distance 0 to the outline holding it
        out = np.empty(len(points), dtype=np.int64)
        out[which] = cell
        return out

    def pull_inside(self, i: int, x: float, y: float, margin: float) -> tuple[float, float]:
        """(x, y) when it lies at least `margin` metres inside commune i's outline, else the nearest point that does."""
        key = (i, margin)
        if key not in self._insets:
            self._insets[key] = self.cells[i].buffer(-margin)
        inset = self._insets[key]
        if shapely.contains_xy(inset, x, y):
            return x, y
        p = nearest_points(inset, Point(x, y))[0]
        return p.x, p.y

    def random_xy(self, idx: np.ndarray, rng: np.random.Generator, spread: float = 0.35) -> tuple[np.ndarray, np.ndarray]:
        """One random point per entry of `idx` (commune indices), inside that commune's outline.

        Points cluster around the commune point (a town centre), with a spread scaled by the real area.
        """
        idx = np.asarray(idx)
        out_x = np.empty(len(idx))
        out_y = np.empty(len(idx))
        for i in np.unique(idx):
            where = np.flatnonzero(idx == i)
            n = len(where)
            sigma = spread * math.sqrt(self.communes[i].superficie_km2) * 1000.0
            cell = self.cells[i]
            got_x: list[np.ndarray] = []
            got_y: list[np.ndarray] = []
            have = 0
            while have < n:
                k = max(4 * (n - have), 16)
                cx = self.x[i] + rng.normal(0.0, sigma, k)
                cy = self.y[i] + rng.normal(0.0, sigma, k)
                inside = shapely.contains_xy(cell, cx, cy)
                got_x.append(cx[inside])
                got_y.append(cy[inside])
                have += int(inside.sum())
            out_x[where] = np.concatenate(got_x)[:n]
            out_y[where] = np.concatenate(got_y)[:n]
        return out_x, out_y

    def random_lonlat(self, idx: np.ndarray, rng: np.random.Generator, spread: float = 0.35):
        x, y = self.random_xy(idx, rng, spread)
        lon, lat = to_lonlat(x, y)
        return lat, lon


def read_outlines(path: Path) -> dict[str, BaseGeometry]:
    """INSEE code -> outline (lon/lat) of each feature of a GeoJSON FeatureCollection with a `code` property."""
    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    return {f["properties"]["code"]: shape(f["geometry"]) for f in collection["features"]}


def build_territory(outlines_file: Path = OUTLINES_FILE) -> Territory:
    """The 71 communes with their real outlines (metres) and a point inside each.

    The point is the one facts.py gives when the outline holds it, else a point on the outline's surface: every
    draw is centred on it and a bus line's « Mairie » stop stands on it, so it must be in its own commune.
    """
    items = communes()
    outlines = read_outlines(outlines_file)
    missing = [f"{c.insee} ({c.nom})" for c in items if c.insee not in outlines]
    if missing:
        raise ValueError(f"{Path(outlines_file).name}: no outline for {', '.join(missing)}")
    cells = tuple(geometry_to_xy(outlines[c.insee]) for c in items)
    broken = [c.nom for c, cell in zip(items, cells)
              if not cell.is_valid or cell.geom_type not in ("Polygon", "MultiPolygon")]
    if broken:
        raise ValueError(f"{Path(outlines_file).name}: invalid outline for {', '.join(broken)}")
    x, y = to_xy([c.lon for c in items], [c.lat for c in items])
    for i, cell in enumerate(cells):
        if not shapely.contains_xy(cell, x[i], y[i]):
            inside = cell.point_on_surface()
            x[i], y[i] = inside.x, inside.y
    shapely.prepare(list(cells))  # random_xy tests thousands of draws against them
    return Territory(communes=items, x=x, y=y, cells=cells, metropole=shapely.union_all(cells))


ENTRY = {
    "id": "communes",
    "title": "Communes de la Métropole",
    "description": (
        "Les 71 communes de la Métropole Rouen Normandie (EPCI 200023414) et leurs contours.\n\n"
        "Les noms, codes INSEE, populations municipales 2025 et superficies sont **réels**. Les contours sont les "
        f"**contours réels** des communes : {OUTLINES_SOURCE}, sous {OUTLINES_LICENSE} (Etalab). Ils sont "
        "simplifiés pour l'affichage et ne font pas foi comme limites administratives."
    ),
    "publisher": "IGN (Admin Express) et INSEE",
    "license": OUTLINES_LICENSE,
    "theme": "Territoire",
    "keywords": ["communes", "population", "territoire", "INSEE", "contours"],
    "modified": date(2026, 1, 15),
    "format": "geojson",
    "path": "communes.geojson",
    "fields": [
        {"name": "insee", "label": "Code INSEE", "type": "text", "role": "commune"},
        {"name": "nom", "label": "Commune", "type": "text", "role": "commune_name"},
        {"name": "population", "label": "Population municipale 2025", "type": "int", "role": "population",
         "unit": "hab."},
        {"name": "superficie_km2", "label": "Superficie", "type": "double", "unit": "km²", "role": "surface"},
        {"name": "densite", "label": "Densité", "type": "double", "unit": "hab./km²"},
    ],
}


def write(out: Path, territory: Territory, scale: int) -> int:
    features = []
    for commune, cell in zip(territory.communes, territory.cells):
        features.append(feature(geojson_geometry(cell), {
            "insee": commune.insee,
            "nom": commune.nom,
            "population": commune.population,
            "superficie_km2": commune.superficie_km2,
            "densite": round(commune.population / commune.superficie_km2, 1),
        }))
    return write_geojson(out / ENTRY["path"], features, "communes")
