"""The indexes of a GTFS feed for the Transports dashboard, built once per feed version (`network(table)`):
stop_times as arrays sorted by trip, with the position of each trip's rows, and the rows of each stop. A query
never scans the whole of stop_times: a stop's departures read that stop's rows, a timetable reads its trips' rows.
"""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data_access.derived import derived
from data_access.french import format_int
from data_access.query import fold
from data_access.readers.base import Table
from features.transports.modes import route_mode

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass
class Network:
    """A feed's tables with integer codes, and its indexes."""

    routes: pd.DataFrame  # one row per route code: route_id, short, long, color, text_color, mode, sort
    trips: pd.DataFrame  # one row per trip code: trip_id, route, service, direction, headsign, shape_id
    stops: pd.DataFrame  # one row per stop code: stop_id, name, lat, lon, parent, wheelchair, folded
    services: list[str]
    # stop_times sorted by trip then sequence; trip t's rows are trip_rows[t]:trip_rows[t + 1]
    st_trip: np.ndarray
    st_stop: np.ndarray
    st_dep: np.ndarray  # seconds after the service day's midnight (may pass 24 h), -1 when unknown
    st_arr: np.ndarray
    st_pickup: np.ndarray  # True when passengers may board (pickup_type is not 1)
    trip_rows: np.ndarray
    stop_order: np.ndarray  # row numbers grouped by stop; stop s's are stop_order[stop_rows[s]:stop_rows[s + 1]]
    stop_rows: np.ndarray
    calendar_days: np.ndarray  # services x 7 booleans
    calendar_start: np.ndarray  # datetime64[D] per service (NaT when not in calendar.txt)
    calendar_end: np.ndarray
    exceptions: dict[dt.date, tuple[np.ndarray, np.ndarray]]  # date -> (added, removed) service codes
    first_date: dt.date | None
    last_date: dt.date | None
    has_shapes: bool
    trip_km: np.ndarray  # per trip: from shapes.txt when present, else straight lines between its stops
    notes: list[str] = field(default_factory=list)
    # what its memos are kept under (data_access.derived): the feed's table key; a network built otherwise (a
    # test's) gets a name of its own
    key: str = field(default_factory=lambda: f"reseau-{next(_KEYS)}")

    @property
    def last_row(self) -> np.ndarray:
        """True for the last row of each trip (an arrival, not a departure)."""
        last = np.zeros(len(self.st_trip), dtype=bool)
        last[self.trip_rows[1:][np.diff(self.trip_rows) > 0] - 1] = True
        return last


_KEYS = itertools.count()


def network(table: Table) -> Network:
    """The feed's indexes, built once per feed version (data_access.derived)."""
    def build() -> Network:
        built = build_network(table.extra["gtfs"])
        built.key = table.key
        return built
    return derived(("transports-reseau", table.key), build)


def _codes(values: pd.Series, index: pd.Index) -> np.ndarray:
    return index.get_indexer(values.astype("str")).astype(np.int32)


def _haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype="float64")) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


def build_network(feed) -> Network:
    notes: list[str] = []
    routes_raw = feed.table("routes")
    route_index = pd.Index(routes_raw["route_id"].astype("str"))
    route_type = pd.to_numeric(routes_raw.get("route_type"), errors="coerce")
    routes = pd.DataFrame({
        "route_id": route_index,
        "short": routes_raw.get("route_short_name", pd.Series("", index=routes_raw.index)).fillna("").astype("str"),
        "long": routes_raw.get("route_long_name", pd.Series("", index=routes_raw.index)).fillna("").astype("str"),
        "color": _color(routes_raw, "route_color", "00558C"),
        "text_color": _color(routes_raw, "route_text_color", "FFFFFF"),
        "mode": [route_mode(None if pd.isna(t) else int(t)) for t in route_type],
        "sort": pd.to_numeric(routes_raw.get("route_sort_order"), errors="coerce"),
    }).reset_index(drop=True)
    routes["name"] = routes["short"].where(routes["short"] != "", routes["long"])
    trips_raw = feed.table("trips")
    trip_index = pd.Index(trips_raw["trip_id"].astype("str"))
    services = sorted(set(trips_raw["service_id"].astype("str")) | set(_service_ids(feed)))
    service_index = pd.Index(services)
    trips = pd.DataFrame({
        "trip_id": trip_index,
        "route": _codes(trips_raw["route_id"], route_index),
        "service": _codes(trips_raw["service_id"], service_index),
        "direction": pd.to_numeric(trips_raw.get("direction_id"), errors="coerce").fillna(0).astype(int).to_numpy()
        if "direction_id" in trips_raw else 0,
        "headsign": trips_raw.get("trip_headsign", pd.Series("", index=trips_raw.index)).fillna("").astype("str")
        .to_numpy(),
        "shape_id": trips_raw["shape_id"].astype("str").where(trips_raw["shape_id"].notna()).to_numpy()
        if "shape_id" in trips_raw else None,
    })
    stops_raw = feed.table("stops")
    stop_index = pd.Index(stops_raw["stop_id"].astype("str"))
    stops = pd.DataFrame({
        "stop_id": stop_index,
        "name": stops_raw.get("stop_name", pd.Series("", index=stops_raw.index)).fillna("").astype("str").to_numpy(),
        "lat": pd.to_numeric(stops_raw.get("stop_lat"), errors="coerce").to_numpy(dtype="float64"),
        "lon": pd.to_numeric(stops_raw.get("stop_lon"), errors="coerce").to_numpy(dtype="float64"),
        "parent": stops_raw["parent_station"].astype("str").where(stops_raw["parent_station"].notna()).to_numpy()
        if "parent_station" in stops_raw else None,
        "wheelchair": pd.to_numeric(stops_raw.get("wheelchair_boarding"), errors="coerce").fillna(0).astype(int)
        .to_numpy() if "wheelchair_boarding" in stops_raw else 0,
    })
    stops["folded"] = [fold(n) for n in stops["name"]]

    st = feed.table("stop_times")
    trip_codes = _category_codes(st["trip_id"], trip_index)
    stop_codes = _category_codes(st["stop_id"], stop_index)
    dep = st["departure_s"].to_numpy(dtype="float64", na_value=np.nan)
    arr = st["arrival_s"].to_numpy(dtype="float64", na_value=np.nan)
    dep = np.where(np.isnan(dep), arr, dep)
    arr = np.where(np.isnan(arr), dep, arr)
    sequence = st["stop_sequence"].to_numpy(dtype="float64", na_value=np.nan)
    pickup = st["pickup_type"].to_numpy(dtype="float64", na_value=0) != 1 if "pickup_type" in st else \
        np.ones(len(st), dtype=bool)
    keep = (trip_codes >= 0) & (stop_codes >= 0)
    if not keep.all():
        notes.append(f"stop_times.txt : {format_int((~keep).sum())} ligne(s) d'un voyage ou d'un arrêt inconnu, ignorée(s)")
    order = np.lexsort((sequence[keep], trip_codes[keep]))
    rows = np.flatnonzero(keep)[order]
    st_trip, st_stop = trip_codes[rows], stop_codes[rows]
    st_dep = np.nan_to_num(dep[rows], nan=-1).astype(np.int32)
    st_arr = np.nan_to_num(arr[rows], nan=-1).astype(np.int32)
    trip_rows = np.searchsorted(st_trip, np.arange(len(trips) + 1)).astype(np.int64)
    stop_order = np.argsort(st_stop, kind="stable").astype(np.int64)
    stop_rows = np.searchsorted(st_stop[stop_order], np.arange(len(stops) + 1)).astype(np.int64)

    days, start, end = _calendar(feed, service_index)
    exceptions, first, last = _exceptions(feed, service_index, start, end)
    has_shapes, trip_km = _trip_km(feed, trips, stops, st_trip, st_stop, trip_rows)
    return Network(routes=routes, trips=trips, stops=stops, services=services, st_trip=st_trip, st_stop=st_stop,
                   st_dep=st_dep, st_arr=st_arr, st_pickup=pickup[rows], trip_rows=trip_rows, stop_order=stop_order,
                   stop_rows=stop_rows, calendar_days=days, calendar_start=start, calendar_end=end,
                   exceptions=exceptions, first_date=first, last_date=last, has_shapes=has_shapes, trip_km=trip_km,
                   notes=notes)


def _color(frame: pd.DataFrame, column: str, default: str) -> list[str]:
    """A route's colour as #RRGGBB (the default when missing or not a colour)."""
    if column not in frame:
        return [f"#{default}"] * len(frame)
    text = frame[column].astype("str").str.strip().str.lstrip("#")
    ok = text.str.fullmatch(r"[0-9A-Fa-f]{6}", na=False)
    return ("#" + text.where(ok, default).str.upper()).tolist()


def _category_codes(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Codes in `index` of a (categorical) column, fast: each category is looked up once."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        mapping = index.get_indexer(values.cat.categories.astype("str"))
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, mapping[codes], -1).astype(np.int32)
    return index.get_indexer(values.astype("str")).astype(np.int32)


def _service_ids(feed) -> list[str]:
    ids: list[str] = []
    for name in ("calendar", "calendar_dates"):
        frame = feed.table(name)
        if frame is not None and "service_id" in frame:
            ids += frame["service_id"].dropna().astype("str").tolist()
    return ids


def _calendar(feed, service_index: pd.Index):
    days = np.zeros((len(service_index), 7), dtype=bool)
    start = np.full(len(service_index), np.datetime64("NaT"), dtype="datetime64[D]")
    end = start.copy()
    calendar = feed.table("calendar")
    if calendar is not None and len(calendar):
        codes = _codes(calendar["service_id"], service_index)
        for k, day in enumerate(WEEKDAYS):
            days[codes, k] = pd.to_numeric(calendar[day], errors="coerce").fillna(0).to_numpy() == 1
        start[codes] = calendar["start_date"].to_numpy().astype("datetime64[D]")
        end[codes] = calendar["end_date"].to_numpy().astype("datetime64[D]")
    return days, start, end


def _exceptions(feed, service_index, start, end):
    exceptions: dict[dt.date, tuple[np.ndarray, np.ndarray]] = {}
    dates = feed.table("calendar_dates")
    bounds = [d for d in (np.nanmin(start) if (~np.isnat(start)).any() else None,
                          np.nanmax(end) if (~np.isnat(end)).any() else None)]
    first, last = (None if d is None else pd.Timestamp(d).date() for d in bounds)
    if dates is not None and len(dates):
        frame = pd.DataFrame({"date": pd.to_datetime(dates["date"]).dt.date,
                              "service": _codes(dates["service_id"], service_index),
                              "type": pd.to_numeric(dates["exception_type"], errors="coerce")})
        for day, part in frame.groupby("date"):
            exceptions[day] = (part.loc[part["type"] == 1, "service"].to_numpy(),
                               part.loc[part["type"] == 2, "service"].to_numpy())
        added = frame.loc[frame["type"] == 1, "date"]
        if len(added):
            first = min(added.min(), first) if first else added.min()
            last = max(added.max(), last) if last else added.max()
    return exceptions, first, last


def _trip_km(feed, trips, stops, st_trip, st_stop, trip_rows) -> tuple[bool, np.ndarray]:
    """Each trip's length: its shape's (shapes.txt) when it has one, else the straight lines between its stops."""
    lat, lon = stops["lat"].to_numpy()[st_stop], stops["lon"].to_numpy()[st_stop]
    legs = np.zeros(len(st_stop))
    if len(st_stop) > 1:
        legs[1:] = _haversine_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
        legs[trip_rows[:-1][np.diff(trip_rows) > 0]] = 0  # no leg between two trips
    straight = np.add.reduceat(np.nan_to_num(legs), np.minimum(trip_rows[:-1], max(len(legs) - 1, 0))) \
        if len(legs) else np.zeros(len(trips))
    straight = np.where(np.diff(trip_rows) > 0, straight, 0.0)
    shapes = feed.table("shapes")
    if shapes is None or not len(shapes) or trips["shape_id"] is None:
        return False, straight
    shapes = shapes.sort_values(["shape_id", "shape_pt_sequence"])
    s_lat, s_lon = shapes["shape_pt_lat"].to_numpy(dtype="float64"), shapes["shape_pt_lon"].to_numpy(dtype="float64")
    ids = shapes["shape_id"].astype("str").to_numpy()
    steps = np.zeros(len(shapes))
    steps[1:] = _haversine_km(s_lat[:-1], s_lon[:-1], s_lat[1:], s_lon[1:])
    steps[1:][ids[1:] != ids[:-1]] = 0
    length = pd.Series(steps).groupby(ids).sum()
    by_shape = pd.Series(trips["shape_id"]).map(length).to_numpy(dtype="float64")
    return True, np.where(np.isnan(by_shape), straight, by_shape)


def _memo(net: Network, key: tuple, compute):
    """A network's answers (for a day, a line…), which readers ask again and again, within the derived
    structures' budget."""
    return derived(("transports-memo", net.key, *key), compute)


def _rows_of(net: Network, trips: np.ndarray) -> np.ndarray:
    """The stop_times rows of the trips, without a Python loop."""
    if not len(trips):
        return np.array([], dtype=np.int64)
    counts = np.diff(net.trip_rows)[trips]
    starts = np.repeat(net.trip_rows[trips], counts)
    return starts + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
