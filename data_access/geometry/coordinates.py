"""Coordinate systems: the name a catalogue or a GeoJSON gives one, and geometries brought to degrees (WGS 84)
once, when a file is read. The Métropole publishes some files in EPSG:3949 (RGF93 / Lambert CC49): served as
they are, they would be drawn nowhere. pyproj (which geopandas brings) is imported only when a system is named."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

WGS84 = "EPSG:4326"
DEGREES = ("EPSG:4326", "OGC:CRS84", "EPSG:4171", "EPSG:4258")  # lon/lat on the WGS 84 / RGF93 / ETRS89 ellipsoid
_URN = re.compile(r"^urn:ogc:def:crs:(?P<authority>[A-Za-z]+):[^:]*:(?P<code>[A-Za-z0-9.]+)$")
AREA_MARGIN = 2.0  # degrees around a system's area of use where its coordinates may still fall
MOST = 0.5  # more than this share of the geometries wrong: the whole file is refused, not a few rows emptied
EXAMPLE = "crs = \"EPSG:3949\" pour le Lambert CC49, \"EPSG:2154\" pour le Lambert 93"


class UnknownCrs(ValueError):
    """A coordinate system that cannot be used; the message is French and says why."""


@dataclass(frozen=True)
class Crs:
    """A known horizontal coordinate system, by its authority's code (« EPSG:3949 »)."""

    code: str
    title: str  # « RGF93 v1 / CC49 »

    @property
    def is_degrees(self) -> bool:
        return self.code in DEGREES


def crs_code(text: str) -> str:
    """The authority's code a system is named by: « urn:ogc:def:crs:EPSG::3949 », « epsg:3949 » -> « EPSG:3949 »;
    « urn:ogc:def:crs:OGC:1.3:CRS84 » -> « OGC:CRS84 »."""
    value = text.strip()
    if found := _URN.match(value):
        return f"{found['authority'].upper()}:{found['code'].upper()}"
    if value.isdigit():
        return f"EPSG:{value}"
    authority, _, code = value.partition(":")
    return f"{authority.upper()}:{code.upper()}" if code else value


def known_crs(text: str) -> Crs:
    """The system named by `text`, known to PROJ and horizontal; UnknownCrs otherwise."""
    code = crs_code(text)
    if code in ("EPSG:4326", "OGC:CRS84"):  # the usual case, without loading PROJ
        return Crs(code, "WGS 84")
    if not re.fullmatch(r"[A-Z]+:[A-Z0-9.]+", code):
        raise UnknownCrs(f"« {text} » n'est pas un nom de système de coordonnées (attendu : « EPSG:<code> »)")
    import pyproj

    try:
        crs = pyproj.CRS.from_user_input(code)
    except pyproj.exceptions.CRSError:
        raise UnknownCrs(f"système de coordonnées « {text} » inconnu") from None
    if not (crs.is_geographic or crs.is_projected):
        raise UnknownCrs(f"« {text} » ({crs.name}) n'est pas un système de coordonnées horizontales")
    return Crs(code, crs.name)


def geojson_crs(member) -> Crs | None:
    """The system a GeoJSON's `crs` member declares (GeoJSON 2008: `{"type": "name", "properties": {"name": …}}`,
    or `{"type": "EPSG", "properties": {"code": 3949}}`); None when there is none."""
    if member is None:
        return None
    properties = member.get("properties") if isinstance(member, dict) else None
    if not isinstance(properties, dict):
        raise UnknownCrs("le membre « crs » du fichier est illisible")
    name = properties.get("name") or properties.get("code")
    if name is None or isinstance(name, bool):
        raise UnknownCrs("le membre « crs » du fichier ne nomme aucun système")
    return known_crs(str(name))


def area_of_use(crs: Crs) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) in degrees where the system is meant to be used; None when PROJ does not say."""
    import pyproj

    area = pyproj.CRS.from_user_input(crs.code).area_of_use
    return (area.west, area.south, area.east, area.north) if area else None


def transform_to_wgs84(geometries: np.ndarray, crs: Crs) -> np.ndarray:
    """Shapely geometries (None kept) from `crs` to WGS 84 longitude, latitude."""
    import pyproj
    import shapely

    transformer = pyproj.Transformer.from_crs(crs.code, WGS84, always_xy=True)
    return shapely.transform(geometries, lambda x, y: transformer.transform(x, y), interleaved=False)


def extents(geometries: np.ndarray) -> np.ndarray:
    """Each geometry's (xmin, ymin, xmax, ymax); NaN for a missing or empty one."""
    import shapely

    return shapely.bounds(geometries)


def outside_degrees(bounds: np.ndarray) -> np.ndarray:
    """Which geometries have a coordinate that cannot be degrees (|x| > 180 or |y| > 90, or not finite)."""
    with np.errstate(invalid="ignore"):
        present = ~np.isnan(bounds).any(axis=1)
        bad = (np.abs(bounds[:, [0, 2]]) > 180).any(axis=1) | (np.abs(bounds[:, [1, 3]]) > 90).any(axis=1)
        bad |= ~np.isfinite(np.where(np.isnan(bounds), 0, bounds)).all(axis=1)
    return present & bad


def outside_area(bounds: np.ndarray, area: tuple[float, float, float, float]) -> np.ndarray:
    """Which geometries (in degrees) fall beyond a system's area of use, with a margin."""
    west, south, east, north = area
    with np.errstate(invalid="ignore"):
        present = ~np.isnan(bounds).any(axis=1)
        far = (bounds[:, 0] < west - AREA_MARGIN) | (bounds[:, 2] > east + AREA_MARGIN) | \
            (bounds[:, 1] < south - AREA_MARGIN) | (bounds[:, 3] > north + AREA_MARGIN)
    return present & far


def first_coordinates(geometry) -> str:
    """A geometry's first coordinates as a file writes them: « [1554455.8, 8234007.7] »."""
    import shapely

    points = shapely.get_coordinates(geometry)
    if not len(points):
        return "[]"
    return "[" + ", ".join(f"{v:.7g}" if abs(v) < 1e4 else f"{v:.1f}" for v in points[0]) + "]"
