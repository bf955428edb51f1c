"""The territory every demo dataset stands on: the 71 communes, approximate outlines, random points inside them."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Polygon, mapping

from .common import feature, round_coords, write_geojson
from .facts import Commune, communes

# A local equirectangular projection in metres: distances and Voronoi cells are computed in it.
LAT0, LON0 = 49.40, 1.05
KX = 111_320.0 * math.cos(math.radians(LAT0))
KY = 110_574.0
HULL_BUFFER_M = 2_500.0


def to_xy(lon, lat):
    return (np.asarray(lon) - LON0) * KX, (np.asarray(lat) - LAT0) * KY


def to_lonlat(x, y):
    return np.asarray(x) / KX + LON0, np.asarray(y) / KY + LAT0


def geometry_to_lonlat(geom):
    """A shapely geometry in metres, back to lon/lat."""
    return shapely.transform(geom, lambda c: np.column_stack([c[:, 0] / KX + LON0, c[:, 1] / KY + LAT0]))


def geojson_geometry(geom_xy, places: int = 6) -> dict:
    """A metre geometry as a GeoJSON dict in lon/lat, coordinates rounded."""
    raw = mapping(geometry_to_lonlat(geom_xy))
    return {"type": raw["type"], "coordinates": round_coords(raw["coordinates"], places)}


@dataclass(frozen=True)
class Territory:
    communes: tuple[Commune, ...]
    x: np.ndarray  # commune points, metres
    y: np.ndarray
    cells: tuple[Polygon, ...]  # approximate outlines, metres; they tile the hull
    hull: Polygon
    _by_insee: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_insee.update({c.insee: i for i, c in enumerate(self.communes)})

    @property
    def populations(self) -> np.ndarray:
        return np.array([c.population for c in self.communes], dtype=np.int64)

    @property
    def areas(self) -> np.ndarray:
        return np.array([c.superficie_km2 for c in self.communes])

    def index(self, insee: str) -> int:
        return self._by_insee[insee]

    def nearest_commune(self, x, y) -> np.ndarray:
        """The commune whose cell holds each point (cells are Voronoi cells, so: the nearest commune point)."""
        x, y = np.atleast_1d(x), np.atleast_1d(y)
        d2 = (x[:, None] - self.x[None, :]) ** 2 + (y[:, None] - self.y[None, :]) ** 2
        return d2.argmin(axis=1)

    def random_xy(self, idx: np.ndarray, rng: np.random.Generator, spread: float = 0.35) -> tuple[np.ndarray, np.ndarray]:
        """One random point per entry of `idx` (commune indices), inside that commune's cell.

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


def build_territory() -> Territory:
    """The 71 commune points and their Voronoi cells clipped to the buffered convex hull of the points."""
    items = communes()
    x, y = to_xy([c.lon for c in items], [c.lat for c in items])
    points = MultiPoint(np.column_stack([x, y]))
    hull = points.convex_hull.buffer(HULL_BUFFER_M, quad_segs=4)
    cells = shapely.voronoi_polygons(points, extend_to=hull, ordered=True).geoms
    clipped = tuple(shapely.intersection(cell, hull) for cell in cells)
    return Territory(communes=items, x=x, y=y, cells=clipped, hull=hull)


ENTRY = {
    "id": "communes",
    "title": "Communes de la Métropole",
    "description": (
        "Les 71 communes de la Métropole Rouen Normandie (EPCI 200023414).\n\n"
        "Les noms, codes INSEE, populations municipales 2025, superficies et positions sont **réels** ; "
        "les **contours sont approximatifs** (cellules de Voronoï autour d'un point de chaque commune) "
        "et ne doivent pas servir de limites administratives."
    ),
    "theme": "Territoire",
    "keywords": ["communes", "population", "territoire", "INSEE"],
    "modified": date(2026, 1, 15),
    "format": "geojson",
    "path": "communes.geojson",
    "fields": [
        {"name": "insee", "label": "Code INSEE", "type": "text", "role": "commune"},
        {"name": "nom", "label": "Commune", "type": "text", "role": "commune_name"},
        {"name": "population", "label": "Population municipale 2025", "type": "int", "role": "population",
         "unit": "hab."},
        {"name": "superficie_km2", "label": "Superficie", "type": "double", "unit": "km²"},
        {"name": "densite", "label": "Densité", "type": "double", "unit": "hab./km²"},
        {"name": "contour_approximatif", "label": "Contour approximatif", "type": "boolean"},
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
            "contour_approximatif": True,
        }))
    return write_geojson(out / ENTRY["path"], features, "communes")
