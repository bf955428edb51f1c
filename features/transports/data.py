"""The Transports dashboard's logic on any GTFS feed, and its one entry point (`from data_access import
transports as T`): the day's key figures, line badges, the network's map shapes and modes, and the share of each
commune's population near a served stop. The rest lives beside it and is re-exported here: the feed's indexes
(transports_network), the service of a date and GTFS times as clock times (transports_calendar), stops, lines,
departures and timetables (transports_timetables), and the derived extracts (transports_extracts).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.derived import derived
from data_access.readers.base import Table
from features.transports.calendrier import (DAY, NO_TIME, active_services, active_trips, clock, parse_clock, parse_day,
                                            service_day, service_moment, service_start, wall_seconds)
from features.transports.extracts import EXTRACT_VIEWS, ExtractArgumentError, departures_extract, timetable_extract
from features.transports.modes import MODE_LABELS
from features.transports.network import Network, _memo, _rows_of, build_network, network
from features.transports.timetables import (SAME_STOP_METRES, Timetable, departures_per_hour, directions, intervals,
                                            next_departures, ordered_routes, per_hour_summary, route_code, route_label,
                                            routes_at, search_stops, stop_group, timetable)

# what the pages, components, downloads and tests read here, wherever it is defined
__all__ = [
    "DAY", "NO_TIME", "active_services", "active_trips", "clock", "parse_clock", "parse_day", "service_day",
    "service_moment", "service_start", "wall_seconds",
    "EXTRACT_VIEWS", "ExtractArgumentError", "departures_extract", "timetable_extract",
    "Network", "build_network", "network",
    "SAME_STOP_METRES", "Timetable", "departures_per_hour", "directions", "intervals", "next_departures",
    "ordered_routes", "per_hour_summary", "route_code", "route_label", "routes_at", "search_stops", "stop_group",
    "timetable",
    "COVERAGE_RADII", "contrast", "badge_colours", "DayFigures", "day_figures", "departures_per_stop", "served_stops",
    "coverage",
    "mode_label", "lines_geojson", "stop_modes", "stops_of_mode", "modes", "commune_coverage",
]

COVERAGE_RADII = (300, 500)


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #RRGGBB colours (1 to 21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def badge_colours(background: str, text: str) -> tuple[str, str]:
    """A line's badge that anyone can read (contrast at least 4.5): its own colours when they contrast enough,
    else black or white text on its colour (one of the two always reaches 4.58)."""
    if contrast(background, text) >= 4.5:
        return background, text
    return background, max(("#000000", "#FFFFFF"), key=lambda c: contrast(background, c))


# ---- the day's figures --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayFigures:
    lines: int
    stops: int
    trips: int
    departures: int
    service_hours: float
    vehicle_km: float
    km_from_shapes: bool


def day_figures(net: Network, day: dt.date, mode: str | None = None) -> DayFigures:
    return _memo(net, ("figures", day, mode), lambda: _day_figures(net, day, mode))


def _day_figures(net: Network, day: dt.date, mode: str | None) -> DayFigures:
    running = active_trips(net, day) & (np.diff(net.trip_rows) > 0)  # a new array: the memo's stays as it is
    if mode:
        running = running & (net.routes["mode"].to_numpy()[net.trips["route"].to_numpy()] == mode)
    chosen = np.flatnonzero(running)
    rows = _rows_of(net, chosen)
    departures = _boardings(net, rows)
    begin = net.st_dep[net.trip_rows[chosen]] if len(chosen) else np.array([])
    end = net.st_arr[np.maximum(net.trip_rows[chosen + 1] - 1, 0)] if len(chosen) else np.array([])
    known = (begin >= 0) & (end >= begin)
    return DayFigures(lines=int(len(np.unique(net.trips["route"].to_numpy()[chosen]))),
                      stops=int(len(np.unique(net.st_stop[rows]))), trips=int(len(chosen)),
                      departures=int(len(departures)), service_hours=float((end - begin)[known].sum()) / 3600,
                      vehicle_km=float(net.trip_km[chosen].sum()), km_from_shapes=net.has_shapes)


def _boardings(net: Network, rows: np.ndarray) -> np.ndarray:
    """The calls among `rows` that count as departures (data_access/chiffres.py, « départs »): one may board, the
    departure time is known, and it is not the trip's last call (its arrival)."""
    if not len(rows):
        return rows
    return rows[(net.st_dep[rows] >= 0) & net.st_pickup[rows] & (net.trip_rows[net.st_trip[rows] + 1] - 1 != rows)]


def departures_per_stop(net: Network, day: dt.date) -> np.ndarray:
    """Each stop code's departures on the day, as the dashboard counts them in all: a commune's figure is the sum
    over its stops, so that the Métropole's total and the dashboard's agree."""
    def build() -> np.ndarray:
        running = active_trips(net, day) & (np.diff(net.trip_rows) > 0)
        calls = _boardings(net, _rows_of(net, np.flatnonzero(running)))
        return np.bincount(net.st_stop[calls], minlength=len(net.stops))
    return _memo(net, ("departures", day), build)


def served_stops(net: Network, day: dt.date) -> np.ndarray:
    """The codes of the stops some trip calls at on the day."""
    return _memo(net, ("served", day), lambda: np.unique(net.st_stop[_rows_of(net, np.flatnonzero(
        active_trips(net, day)))]).astype(int))


# ---- coverage ------------------------------------------------------------------------------------------------------


def coverage(stop_lon: np.ndarray, stop_lat: np.ndarray, communes: list, radii=COVERAGE_RADII) -> np.ndarray:
    """For each commune outline (shapely, lon/lat), the share of its area within each radius (metres) of a
    stop: communes x radii, from 0 to 1. The population is taken as spread evenly over a commune's area, so
    this share of its area stands for the share of its population (an approximation the page states).
    Distances are computed in a local metric projection (equirectangular around the area's centre)."""
    import shapely

    shares = np.zeros((len(communes), len(radii)))
    if not len(communes):
        return shares
    valid = [i for i, g in enumerate(communes) if g is not None and not g.is_empty]
    if not valid:
        return shares
    bounds = np.array([communes[i].bounds for i in valid])
    lat0 = np.radians((bounds[:, 1].min() + bounds[:, 3].max()) / 2)
    lon0 = (bounds[:, 0].min() + bounds[:, 2].max()) / 2

    def metric(geometry):
        return shapely.transform(geometry, lambda xy: np.column_stack([
            np.radians(xy[:, 0] - lon0) * 6371008.8 * np.cos(lat0), np.radians(xy[:, 1]) * 6371008.8]))

    areas = [metric(communes[i]) for i in valid]
    ok = ~(np.isnan(stop_lon) | np.isnan(stop_lat))
    points = metric(shapely.points(stop_lon[ok], stop_lat[ok])) if ok.any() else None
    for k, radius in enumerate(radii):
        if points is None or not len(points):
            continue
        reach = shapely.union_all(shapely.buffer(points, radius, quad_segs=16))
        for row, area in zip(valid, areas):
            if area.area > 0:
                shares[row, k] = shapely.intersection(area, reach).area / area.area
    return shares


def mode_label(mode: str) -> str:
    return MODE_LABELS.get(mode, mode)


# ---- the network's lines, as map shapes --------------------------------------------------------------------------


def lines_geojson(net: Network, feed) -> bytes:
    """One feature per route and direction: its shapes (shapes.txt), else the stops of its most frequent trip
    pattern joined by straight lines; properties: r (route code), m (mode), c (colour), n (name). Built once
    per feed version."""
    if getattr(net, "_lines", None) is not None:
        return net._lines
    import json

    import shapely

    shapes = feed.table("shapes") if net.has_shapes else None
    by_shape = {}
    if shapes is not None and len(shapes):
        shapes = shapes.sort_values(["shape_id", "shape_pt_sequence"])
        for shape_id, part in shapes.groupby(shapes["shape_id"].astype("str"), sort=False):
            by_shape[shape_id] = np.column_stack([part["shape_pt_lon"].to_numpy(dtype="float64"),
                                                  part["shape_pt_lat"].to_numpy(dtype="float64")])
    features = []
    trips = net.trips
    lon, lat = net.stops["lon"].to_numpy(), net.stops["lat"].to_numpy()
    for (route, direction), part in trips.groupby(["route", "direction"], sort=True):
        lines = []
        shape_ids = part["shape_id"].dropna().unique() if trips["shape_id"] is not None else []
        lines = [by_shape[s] for s in shape_ids if s in by_shape]
        if not lines:
            patterns: dict[tuple, int] = {}
            for t in part.index:
                pattern = tuple(net.st_stop[net.trip_rows[t]:net.trip_rows[t + 1]])
                patterns[pattern] = patterns.get(pattern, 0) + 1
            if patterns:
                best = np.array(max(patterns, key=lambda p: (patterns[p], len(p))))
                coords = np.column_stack([lon[best], lat[best]])
                lines = [coords[~np.isnan(coords).any(axis=1)]]
        lines = [line for line in lines if len(line) >= 2]
        if not lines or route < 0:
            continue
        geometry = shapely.set_precision(shapely.multilinestrings([shapely.linestrings(x) for x in lines]), 1e-5)
        row = net.routes.iloc[route]
        features.append({"type": "Feature", "geometry": json.loads(shapely.to_geojson(geometry)),
                         "properties": {"r": int(route), "m": row["mode"], "c": row["color"], "n": row["name"]}})
    net._lines = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                            separators=(",", ":")).encode()
    return net._lines


def stop_modes(net: Network) -> list[set]:
    """The modes serving each stop (any day)."""
    if getattr(net, "_stop_modes", None) is None:
        modes = net.routes["mode"].to_numpy()[net.trips["route"].to_numpy()][net.st_trip]
        frame = pd.DataFrame({"stop": net.st_stop, "mode": modes}).drop_duplicates()
        result = [set() for _ in range(len(net.stops))]
        for stop_code, mode in zip(frame["stop"], frame["mode"]):
            result[stop_code].add(mode)
        net._stop_modes = result
    return net._stop_modes


def stops_of_mode(net: Network, mode: str) -> np.ndarray:
    """The codes of the stops a mode serves (on any day)."""
    return _memo(net, ("stops of mode", mode), lambda: np.array(
        [i for i, found in enumerate(stop_modes(net)) if mode in found], dtype=np.int64))


def modes(net: Network) -> list[str]:
    """The network's modes, in the order of its routes."""
    return list(dict.fromkeys(ordered_routes(net)["mode"]))


def commune_coverage(net: Network, day: dt.date, outlines: Table, radius: int) -> pd.DataFrame:
    """Each commune of the outlines: row, name, share (%) of its area (standing for its population) within
    `radius` metres of a stop served on the day, population, and the inhabitants that share stands for.
    Computed once per day served (both radii at once) and kept with the network."""
    served = served_stops(net, day)

    def compute() -> np.ndarray:
        geometry = outlines.geometry_field
        shapes = list(outlines.frame[geometry.name]) if geometry is not None else []
        return coverage(net.stops["lon"].to_numpy()[served], net.stops["lat"].to_numpy()[served], shapes)
    shares = derived(("transports-couverture", net.key, hashlib.sha1(served.tobytes()).hexdigest(), outlines.key),
                     compute)[:, COVERAGE_RADII.index(radius)]
    name = outlines.role_field("commune_name") or outlines.role_field("commune")
    population = outlines.role_field("population")
    pop = pd.to_numeric(outlines.frame[population.name], errors="coerce").to_numpy(dtype="float64") \
        if population is not None else np.full(len(outlines), np.nan)
    return pd.DataFrame({"row": np.arange(len(outlines)), "name": outlines.frame[name.name].astype("str").to_numpy(),
                         "share": 100 * shares, "population": pop, "covered": pop * shares})
