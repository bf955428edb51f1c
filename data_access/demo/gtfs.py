"""Demo dataset `reseau-astuce-gtfs`: a GTFS feed (zip) with timetables generated line by line, vectorised."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from data_access.demo.common import ZipCsvMember, zip_info
from data_access.demo.communes import Territory, to_lonlat
from data_access.demo.network import (QUAY_OFFSET_M, Line, LogicalStop, Pattern, ascii_code, build_network, stop_lonlat,
                                      text_color)

SEED = 2026_11_06
FEED_START = date(2026, 8, 31)
FEED_END = date(2027, 7, 4)
# kind -> service -> [(from minute, to minute, headway minutes)]; the last departures run past midnight.
PROFILES = {
    "metro": {"SEM": [(300, 390, 10), (390, 540, 5), (540, 960, 7), (960, 1140, 5), (1140, 1290, 10), (1290, 1470, 15)],
              "SAM": [(300, 480, 12), (480, 1200, 7), (1200, 1470, 15)],
              "DIM": [(360, 720, 15), (720, 1200, 10), (1200, 1410, 20)]},
    "tram": {"SEM": [(315, 390, 10), (390, 540, 5), (540, 960, 7), (960, 1140, 5), (1140, 1290, 10), (1290, 1445, 20)],
             "SAM": [(330, 480, 12), (480, 1200, 7), (1200, 1445, 20)],
             "DIM": [(390, 1200, 12), (1200, 1420, 30)]},
    "fast": {"SEM": [(330, 420, 12), (420, 540, 8), (540, 960, 10), (960, 1140, 8), (1140, 1260, 12), (1260, 1380, 20)],
             "SAM": [(360, 540, 15), (540, 1140, 10), (1140, 1320, 20)],
             "DIM": [(450, 1260, 15)]},
    "bus": {"SEM": [(360, 420, 30), (420, 540, 20), (540, 960, 30), (960, 1140, 20), (1140, 1260, 30)],
            "SAM": [(420, 1200, 30)],
            "DIM": [(540, 1200, 45)]},
    "tad": {"SEM": [(420, 1140, 60)], "SAM": [(540, 1080, 90)]},
}
PEAKS = ((420, 540), (960, 1140))
SPEED_MS = {"metro": 9.0, "tram": 5.6, "fast": 5.2, "bus": 4.8, "tad": 6.5}
DWELL_S = {"metro": 20, "tram": 25, "fast": 25, "bus": 25, "tad": 30}
SERVICES = {"SEM": (1, 1, 1, 1, 1, 0, 0), "SAM": (0, 0, 0, 0, 0, 1, 0), "DIM": (0, 0, 0, 0, 0, 0, 1)}

ENTRY = {
    "id": "reseau-astuce-gtfs",
    "title": "Réseau Astuce : horaires théoriques (GTFS)",
    "description": (
        "Lignes, arrêts et horaires théoriques du réseau de transports en commun Astuce (métro, TEOR, lignes "
        "Fast, bus et transport à la demande Filo'r) au format GTFS, pour la saison du 31 août 2026 au "
        "4 juillet 2027.\n\n"
        "Les noms, couleurs et terminus des lignes principales sont réels ; les tracés, arrêts et horaires "
        "sont fictifs. Services : `SEM` (lundi-vendredi), `SAM` (samedi), `DIM` (dimanche et jours fériés)."
    ),
    "theme": "Transports",
    "keywords": ["transports", "bus", "métro", "tramway", "horaires", "GTFS", "Astuce"],
    "modified": date(2026, 8, 25),
    "format": "gtfs",
    "path": "reseau-astuce-gtfs.zip",
    "dashboard": "transports",
    "fields": [],
    # the live stand-in the app serves in demo mode (features/transports/routes.py)
    "realtime": {"kind": "gtfs-rt", "trip_updates": "/demo/temps-reel/trip-updates.pb",
                 "vehicle_positions": "/demo/temps-reel/vehicles.pb", "alerts": "/demo/temps-reel/alerts.pb",
                 "ttl": 30},
}


def easter(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def public_holidays(start: date, end: date) -> list[date]:
    days = []
    for year in range(start.year, end.year + 1):
        e = easter(year)
        days += [date(year, 1, 1), e + timedelta(days=1), date(year, 5, 1), date(year, 5, 8), e + timedelta(days=39),
                 e + timedelta(days=50), date(year, 7, 14), date(year, 8, 15), date(year, 11, 1),
                 date(year, 11, 11), date(year, 12, 25)]
    return sorted(d for d in days if start <= d <= end)


def calendar_dates() -> list[tuple[str, str, int]]:
    """On a public holiday the Sunday service runs instead of the usual one."""
    rows = []
    for day in public_holidays(FEED_START, FEED_END):
        if day.weekday() == 6:
            continue
        usual = "SAM" if day.weekday() == 5 else "SEM"
        rows += [(usual, day.strftime("%Y%m%d"), 2), ("DIM", day.strftime("%Y%m%d"), 1)]
    return rows


def departures(profile: list[tuple[int, int, int]], phase: float, scale: int) -> np.ndarray:
    """Departure times (seconds after midnight) following a headway profile; `scale` multiplies the trips."""
    times = []
    t = profile[0][0] + phase
    end = profile[-1][1]
    while t < end:
        times.append(t)
        hw = next((h for a, b, h in profile if a <= t < b), profile[-1][2])
        t += hw / scale
    return np.rint(np.array(times) * 60).astype(np.int64)


def quay_sides(pattern: Pattern, stops: list[LogicalStop]) -> np.ndarray:
    """For each stop of a pattern (direction 0): 0 when it travels along the stop's heading, else 1."""
    idx = pattern.stops
    xy = np.array([[stops[j].x, stops[j].y] for j in idx])
    nxt = np.vstack([xy[1:], xy[-1:]])
    prv = np.vstack([xy[:1], xy[:-1]])
    heading = np.arctan2(nxt[:, 1] - prv[:, 1], nxt[:, 0] - prv[:, 0])
    own = np.array([stops[j].heading for j in idx])
    return (np.cos(heading - own) < 0).astype(int)


def time_strings(max_seconds: int) -> np.ndarray:
    """"HH:MM:SS" for every second of the service day (hours past 24 after midnight, as GTFS wants)."""
    s = np.arange(max_seconds + 1)
    return np.array([f"{h:02d}:{m:02d}:{sec:02d}" for h, m, sec in zip(s // 3600, s // 60 % 60, s % 60)], dtype=object)


class Timetable:
    """Trips and stop times of one line, as arrays."""

    def __init__(self, line: Line, quay_ids: np.ndarray, stops: list[LogicalStop], rng: np.random.Generator,
                 scale: int, no_sunday: bool):
        self.trips: list[tuple] = []
        self.blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (trip ids, stop ids, times [trip, stop])
        profiles = PROFILES[line.kind]
        for service in ("SEM", "SAM", "DIM"):
            if service not in profiles or (service == "DIM" and no_sunday):
                continue
            for direction in (0, 1):
                profile = profiles[service]
                deps = departures(profile, float(rng.integers(0, profile[0][2])), scale)
                which = np.arange(len(deps)) % len(line.patterns)  # branches alternate (the Métro)
                for p, pattern in enumerate(line.patterns):
                    self._add(line, pattern, p, direction, service, deps[which == p], quay_ids, stops)
        self.trips.sort(key=lambda t: t[2])

    def _add(self, line: Line, pattern: Pattern, p: int, direction: int, service: str, deps: np.ndarray,
             quay_ids: np.ndarray, stops: list[LogicalStop]) -> None:
        if len(deps) == 0:
            return
        side = quay_sides(pattern, stops)
        idx = np.array(pattern.stops)
        dist = pattern.stop_dist
        if direction == 1:
            idx, side, dist = idx[::-1], 1 - side[::-1], dist[-1] - dist[::-1]
        offsets = dist / SPEED_MS[line.kind] + DWELL_S[line.kind] * np.arange(len(idx))
        minute = deps // 60
        peak = np.zeros(len(deps), dtype=bool)
        for a, b in PEAKS:
            peak |= (minute >= a) & (minute < b) & (service == "SEM")
        factor = np.where(peak, 1.15, 1.0)
        times = deps[:, None] + np.rint(offsets[None, :] * factor[:, None] / 60).astype(np.int64) * 60
        letter = "AB"[p]
        trip_ids = np.array([f"{line.route_id}-{service}-{direction}{letter}-{k + 1:04d}"
                             for k in range(len(deps))], dtype=object)
        headsign = stops[idx[-1]].name
        shape_id = f"{line.route_id}-{letter}{direction}"
        self.trips += [(line.route_id, service, t, headsign, direction, shape_id, 1) for t in trip_ids]
        self.blocks.append((trip_ids, quay_ids[idx, side], times))


def write(out: Path, territory: Territory, scale: int) -> int:
    rng = np.random.default_rng(SEED)
    lines, stops = build_network(territory)
    n = len(stops)
    quay_ids = np.array([f"{10 + 2 * i + s:04d}" for i in range(n) for s in (0, 1)], dtype=object).reshape(n, 2)
    kinds = {line.route_id: line.kind for line in lines}
    timetables = [Timetable(line, quay_ids, stops, rng, scale, line.kind == "bus" and rng.random() < 0.35)
                  for line in lines]
    max_time = max(int(t.max()) for tt in timetables for _, _, t in tt.blocks)
    hms = time_strings(max_time)
    path = out / ENTRY["path"]
    count = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _small(archive, "agency.txt", ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"],
               [("ASTUCE", "Réseau Astuce", "https://reseau-astuce.fr/", "Europe/Paris", "fr")])
        _small(archive, "calendar.txt", ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday",
                                         "saturday", "sunday", "start_date", "end_date"],
               [(s, *days, FEED_START.strftime("%Y%m%d"), FEED_END.strftime("%Y%m%d")) for s, days in SERVICES.items()])
        _small(archive, "calendar_dates.txt", ["service_id", "date", "exception_type"], calendar_dates())
        _small(archive, "feed_info.txt", ["feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_start_date",
                                          "feed_end_date", "feed_version"],
               [("Métropole Rouen Normandie (données de démonstration)", "https://data.metropole-rouen-normandie.fr/",
                 "fr", FEED_START.strftime("%Y%m%d"), FEED_END.strftime("%Y%m%d"), "demo-20261115")])
        _small(archive, "routes.txt", ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type",
                                       "route_color", "route_text_color", "route_sort_order"],
               [(l.route_id, "ASTUCE", l.short_name, l.long_name, l.route_type, l.color, text_color(l.color),
                 l.sort_order) for l in lines])
        _small(archive, "shapes.txt", ["shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"],
               _shape_rows(lines))
        with ZipCsvMember(archive, "stop_times.txt", ["trip_id", "arrival_time", "departure_time", "stop_id",
                                                      "stop_sequence", "pickup_type", "drop_off_type"]) as member:
            for line, tt in zip(lines, timetables):
                booking = "2" if kinds[line.route_id] == "tad" else ""  # on demand: call the agency
                for trip_ids, stop_ids, times in tt.blocks:
                    k, m = times.shape
                    t = hms[times.ravel()].tolist()
                    member.writer.writerows(zip(
                        np.repeat(trip_ids, m).tolist(), t, t, np.tile(stop_ids, k).tolist(),
                        np.tile(np.arange(1, m + 1), k).tolist(), [booking] * (k * m), [booking] * (k * m)))
                    count += k * m
        _small(archive, "stops.txt", ["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type",
                                      "parent_station", "wheelchair_boarding"], _stop_rows(stops, quay_ids, kinds, rng))
        _small(archive, "trips.txt", ["route_id", "service_id", "trip_id", "trip_headsign", "direction_id",
                                      "shape_id", "wheelchair_accessible"],
               [trip for tt in timetables for trip in tt.trips])
    return count


def _small(archive: zipfile.ZipFile, name: str, header: list[str], rows) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=",", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    archive.writestr(zip_info(name), buf.getvalue().encode("utf-8"))


def _shape_rows(lines: list[Line]):
    for line in lines:
        for p, pattern in enumerate(line.patterns):
            lon, lat = to_lonlat(pattern.path[:, 0], pattern.path[:, 1])
            for direction in (0, 1):
                order = range(len(lon)) if direction == 0 else range(len(lon) - 1, -1, -1)
                shape_id = f"{line.route_id}-{'AB'[p]}{direction}"
                for seq, i in enumerate(order, start=1):
                    yield shape_id, f"{lat[i]:.6f}", f"{lon[i]:.6f}", seq


def _stop_rows(stops: list[LogicalStop], quay_ids: np.ndarray, kinds: dict[str, str], rng: np.random.Generator):
    """Parent stations (location_type 1) where several lines or a rail line meet, then the boarding stops."""
    lat0, lon0 = stop_lonlat(stops, 0.0)
    lat_r, lon_r = stop_lonlat(stops, QUAY_OFFSET_M)
    lat_l, lon_l = stop_lonlat(stops, -QUAY_OFFSET_M)
    parents: dict[int, str] = {}
    used: set[str] = set()
    rows = []
    for i, stop in enumerate(stops):
        rail = any(kinds[r] in ("metro", "tram") for r in stop.routes)
        if len(stop.routes) < 2 and not rail:
            continue
        code = ascii_code(stop.name)
        k = 1
        while code in used:
            code = f"{code[:4]}{k}" if k < 10 else f"{code[:3]}{k}"
            k += 1
        used.add(code)
        parents[i] = code
        rows.append((code, stop.name, f"{lat0[i]:.6f}", f"{lon0[i]:.6f}", 1, "", ""))
    for i, stop in enumerate(stops):
        rail = any(kinds[r] in ("metro", "tram") for r in stop.routes)
        access = 1 if rail else int(rng.choice(3, p=[0.15, 0.6, 0.25]))
        for side, (lat, lon) in enumerate(((lat_r, lon_r), (lat_l, lon_l))):
            rows.append((quay_ids[i, side], stop.name, f"{lat[i]:.6f}", f"{lon[i]:.6f}", 0, parents.get(i, ""), access))
    return rows
