"""The Transports dashboard's logic on any GTFS feed: services of a date, next departures at a stop, a line's
timetable, the day's key figures, and the share of each commune's population near a served stop.

Everything reads indexes built once per feed version (`network(table)`): stop_times as arrays sorted by trip,
with the position of each trip's rows, and the rows of each stop. A query never scans the whole of stop_times:
a stop's departures read that stop's rows, a timetable reads its trips' rows.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .gtfs_modes import MODE_LABELS, route_mode
from .query import fold
from .readers.base import Table

DAY = 86_400
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Hours of the average interval: peak 7-9 h and 16 h 30-18 h 30; off-peak 9 h-16 h 30.
PEAK = ((7 * 3600, 9 * 3600), (16 * 3600 + 1800, 18 * 3600 + 1800))
OFF_PEAK = ((9 * 3600, 16 * 3600 + 1800),)
COVERAGE_RADII = (300, 500)


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

    @property
    def last_row(self) -> np.ndarray:
        """True for the last row of each trip (an arrival, not a departure)."""
        last = np.zeros(len(self.st_trip), dtype=bool)
        last[self.trip_rows[1:][np.diff(self.trip_rows) > 0] - 1] = True
        return last


_BUILD_LOCK = threading.Lock()


def network(table: Table) -> Network:
    """The feed's indexes, built once per loaded table (a table never changes) and kept with it."""
    with _BUILD_LOCK:
        built = table.extra.get("transports")
        if built is None:
            built = table.extra["transports"] = build_network(table.extra["gtfs"])
    return built


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
        notes.append(f"stop_times.txt : {int((~keep).sum())} ligne(s) d'un voyage ou d'un arrêt inconnu, ignorée(s)")
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


# ---- the service of a date -------------------------------------------------------------------------------------


def active_services(net: Network, day: dt.date) -> np.ndarray:
    """True for each service running on the day: calendar.txt's weekdays within its dates, then
    calendar_dates.txt's additions (1) and removals (2)."""
    moment = np.datetime64(day, "D")
    active = net.calendar_days[:, day.weekday()] & (net.calendar_start <= moment) & (net.calendar_end >= moment)
    added, removed = net.exceptions.get(day, (np.array([], int), np.array([], int)))
    active[added] = True
    active[removed] = False
    return active


def active_trips(net: Network, day: dt.date) -> np.ndarray:
    return _memo(net, ("trips", day), lambda: active_services(net, day)[net.trips["service"].to_numpy()]
                 & (net.trips["service"].to_numpy() >= 0))


def service_day(net: Network, wanted: dt.date) -> tuple[dt.date, str | None]:
    """The day to show: the wanted one when the feed runs then, else the nearest day the feed covers, with a
    note saying so. A feed with no service at all keeps the wanted day, with a note."""
    if active_trips(net, wanted).any():
        return wanted, None
    if net.first_date is None or net.last_date is None:
        return wanted, "les calendriers du réseau ne donnent aucune date de service"
    outside = wanted < net.first_date or wanted > net.last_date
    # searched from the feed's nearest date of the same weekday: a day years away is no longer to walk
    anchor = min(max(wanted, net.first_date), net.last_date)
    anchor += dt.timedelta(days=(wanted.weekday() - anchor.weekday()) % 7)
    if anchor > net.last_date:
        anchor -= dt.timedelta(days=7)
    span = (net.last_date - net.first_date).days + 8
    if active_trips(net, anchor).any() and anchor != wanted:
        return anchor, _nearest_note(net, wanted, anchor, outside, "le même jour de la semaine le plus proche")
    # the same day of the week first (a Thursday stands for a Thursday), else the nearest day with a service
    for step, which in ((7, "le même jour de la semaine le plus proche"), (1, "le jour de service le plus proche")):
        for offset in range(step, span + step, step):
            for day in (anchor + dt.timedelta(days=offset), anchor - dt.timedelta(days=offset)):
                if net.first_date <= day <= net.last_date and active_trips(net, day).any():
                    return day, _nearest_note(net, wanted, day, outside, which)
    return wanted, "aucun service dans la période couverte par le réseau"


def _nearest_note(net: Network, wanted: dt.date, day: dt.date, outside: bool, which: str) -> str:
    why = (f"le {wanted:%d/%m/%Y} est hors de la période couverte par le réseau (du "
           f"{net.first_date:%d/%m/%Y} au {net.last_date:%d/%m/%Y})") if outside else \
        f"aucun service le {wanted:%d/%m/%Y}"
    return f"{why} : les horaires du {day:%d/%m/%Y}, {which}, sont affichés"


# ---- a stop's next departures ------------------------------------------------------------------------------------


def clock(seconds: int) -> str:
    """A GTFS time as printed at the stop: 24:10:00 is « 00:10 »."""
    seconds = int(seconds) % DAY
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


SAME_STOP_METRES = 300  # platforms of one name closer than this are one stop for a reader


def stop_group(net: Network, stop_id: str) -> np.ndarray:
    """The stop codes a reader means by a stop: itself, a station's platforms (parent_station), and the
    platforms with the same name within SAME_STOP_METRES (a reader picks « Théâtre des Arts », not one of its
    quays; two « Le Cluzeau » kilometres apart stay two stops)."""
    stops = net.stops
    codes = stops.index[stops["stop_id"] == stop_id]
    if not len(codes):
        return np.array([], dtype=int)
    here = int(codes[0])
    group = {here}
    if stops["parent"] is not None:
        group |= set(stops.index[stops["parent"] == stop_id].tolist())
    same = stops.index[stops["folded"] == stops.at[here, "folded"]].to_numpy()
    lat, lon = stops["lat"].to_numpy(), stops["lon"].to_numpy()
    anchors = [g for g in group if not np.isnan(lat[g])] or [here]
    for other in same:
        near = [_haversine_km(lat[a], lon[a], lat[other], lon[other]) * 1000 for a in anchors]
        if any(d <= SAME_STOP_METRES for d in near if d == d):
            group.add(int(other))
    return np.array(sorted(group), dtype=int)


def next_departures(net: Network, stops: np.ndarray, day: dt.date, after: int, limit: int = 12) -> pd.DataFrame:
    """The next departures from the stops on the day at or after `after` (seconds since midnight), across all
    lines, with yesterday's trips still running after midnight: columns time (seconds of the day), route,
    headsign, trip. Reads only the stops' rows."""
    rows = np.concatenate([net.stop_order[net.stop_rows[s]:net.stop_rows[s + 1]] for s in stops]) if len(stops) \
        else np.array([], dtype=np.int64)
    rows = rows[net.st_pickup[rows] & (net.st_dep[rows] >= 0)]
    trip = net.st_trip[rows]
    last = net.trip_rows[trip + 1] - 1 == rows  # a trip's last stop: an arrival
    rows, trip = rows[~last], trip[~last]
    service = net.trips["service"].to_numpy()[trip]
    frames = []
    for offset, running in ((0, active_services(net, day)), (DAY, active_services(net, day - dt.timedelta(days=1)))):
        time = net.st_dep[rows].astype(np.int64) - offset
        keep = running[service] & (service >= 0) & (time >= after)
        frames.append(pd.DataFrame({"time": time[keep], "trip": trip[keep]}))
    data = pd.concat(frames).sort_values(["time", "trip"], kind="stable").head(limit)
    trips = net.trips.iloc[data["trip"].to_numpy()]
    return pd.DataFrame({"time": data["time"].to_numpy(), "route": trips["route"].to_numpy(),
                         "headsign": trips["headsign"].to_numpy(), "trip": data["trip"].to_numpy()})


def search_stops(net: Network, text: str, limit: int = 20) -> pd.DataFrame:
    """Stops whose name holds the text, ignoring case and accents; one entry per name (a station's platforms
    count once), the names starting with the text first."""
    wanted = fold(text or "").strip()
    if not wanted:
        return net.stops.iloc[:0][["stop_id", "name"]]
    folded = net.stops["folded"]
    found = net.stops[folded.str.contains(wanted, regex=False)]
    found = found.assign(starts=~found["folded"].str.startswith(wanted)).sort_values(["starts", "folded"])
    return found.drop_duplicates("folded").head(limit)[["stop_id", "name"]]


def routes_at(net: Network, stops: np.ndarray) -> pd.DataFrame:
    """The routes serving the stops (on any day), in the network's order."""
    rows = np.concatenate([net.stop_order[net.stop_rows[s]:net.stop_rows[s + 1]] for s in stops]) if len(stops) \
        else np.array([], dtype=np.int64)
    codes = np.unique(net.trips["route"].to_numpy()[np.unique(net.st_trip[rows])])
    return ordered_routes(net).loc[lambda r: r.index.isin(codes)]


def ordered_routes(net: Network) -> pd.DataFrame:
    return net.routes.sort_values(["sort", "name"], na_position="last", kind="stable")


# ---- a line's timetable ------------------------------------------------------------------------------------------


@dataclass
class Timetable:
    stops: pd.DataFrame  # rows in order: code, name
    trips: np.ndarray  # trip codes in order of departure
    times: np.ndarray  # stops x trips, seconds (the departure, the arrival at a trip's last stop), -1: no call
    starts: np.ndarray  # each trip's first departure (seconds)
    per_hour: pd.Series  # departures from the first stop per hour of the day (0-27)

    def cells(self, columns=None) -> list[list[str]]:
        """The grid as printed, « HH:MM » or "" when the trip does not call there (only `columns` if given)."""
        times = self.times if columns is None else self.times[:, list(columns)]
        return [[clock(t) if t >= 0 else "" for t in row] for row in times.tolist()]

    @property
    def grid(self) -> list[list[str]]:
        return self.cells()


def timetable(net: Network, route: int, direction: int, day: dt.date) -> Timetable:
    """The line's trips in one direction on the day, as printed at stops: stops x trips, in order of
    departure; the stop order is the most frequent pattern's, other stops inserted after their predecessor."""
    return _memo(net, ("timetable", route, direction, day), lambda: _timetable(net, route, direction, day))


def _timetable(net: Network, route: int, direction: int, day: dt.date) -> Timetable:
    trips = net.trips
    chosen = np.flatnonzero(active_trips(net, day) & (trips["route"].to_numpy() == route)
                            & (trips["direction"].to_numpy() == direction) & (np.diff(net.trip_rows) > 0))
    firsts = net.st_dep[net.trip_rows[chosen]] if len(chosen) else np.array([], dtype=np.int32)
    starts = np.array([f if f >= 0 else _first_time(net, t) for t, f in zip(chosen, firsts)], dtype=np.int64)
    order = np.argsort(starts, kind="stable")
    chosen, starts = chosen[order], starts[order]
    patterns = [tuple(net.st_stop[net.trip_rows[t]:net.trip_rows[t + 1]].tolist()) for t in chosen]
    stop_list = _stop_order(patterns)
    rows = _rows_of(net, chosen)
    columns = np.repeat(np.arange(len(chosen)), np.diff(net.trip_rows)[chosen]) if len(chosen) else rows
    # a trip that calls twice at a stop (a loop): its k-th call goes to the stop's k-th row in the grid
    places: dict[int, list[int]] = {}
    for index, stop in enumerate(stop_list):
        places.setdefault(stop, []).append(index)
    stops_called = net.st_stop[rows]
    first_place = np.full(len(net.stops), -1, dtype=np.int64)
    for stop, indexes in places.items():
        first_place[stop] = indexes[0]
    position = first_place[stops_called]
    twice = [s for s, indexes in places.items() if len(indexes) > 1]
    if twice and len(rows):
        repeated = np.isin(stops_called, twice)
        calls = pd.DataFrame({"c": columns[repeated], "s": stops_called[repeated]}).groupby(["c", "s"]).cumcount()
        position[repeated] = [places[s][min(k, len(places[s]) - 1)]
                              for s, k in zip(stops_called[repeated].tolist(), calls.tolist())]
    last = np.zeros(len(rows), dtype=bool)
    if len(rows):
        last[np.cumsum(np.diff(net.trip_rows)[chosen]) - 1] = True
    seconds = np.where(last, net.st_arr[rows], net.st_dep[rows])
    times = np.full((len(stop_list), len(chosen)), -1, dtype=np.int64)
    times[position, columns] = seconds
    per_hour = pd.Series(starts // 3600).value_counts().sort_index() if len(starts) else pd.Series(dtype=int)
    return Timetable(stops=pd.DataFrame({"code": stop_list, "name": net.stops["name"].to_numpy()[stop_list]
                                         if stop_list else []}),
                     trips=chosen, times=times, starts=starts, per_hour=per_hour)


def _first_time(net: Network, trip: int) -> int:
    times = net.st_dep[net.trip_rows[trip]:net.trip_rows[trip + 1]]
    known = times[times >= 0]
    return int(known[0]) if len(known) else -1


def _stop_order(patterns: list[tuple]) -> list[int]:
    if not patterns:
        return []
    counts: dict[tuple, int] = {}
    for pattern in patterns:
        counts[pattern] = counts.get(pattern, 0) + 1
    ordered = list(max(counts, key=lambda p: (counts[p], len(p))))
    for pattern in sorted(counts, key=lambda p: -counts[p]):
        for i, stop in enumerate(pattern):
            if stop in ordered:
                continue
            before = next((pattern[j] for j in range(i - 1, -1, -1) if pattern[j] in ordered), None)
            ordered.insert(ordered.index(before) + 1 if before is not None else 0, stop)
    return ordered


def departures_per_hour(grid: Timetable) -> pd.DataFrame:
    """Departures from the first stop per hour (x « 07 h », « 00 h (+1) » after midnight; value)."""
    data = grid.per_hour.rename_axis("x").reset_index(name="value")
    data["x"] = [f"{int(h) % 24:02d} h" + (" (+1)" if h >= 24 else "") for h in data["x"]]
    return data


def per_hour_summary(data: pd.DataFrame, trips: int, line: str, direction: str) -> str:
    busiest = f", le plus de départs entre {data.loc[data['value'].idxmax(), 'x']} et l'heure suivante." \
        if len(data) else "."
    return f"{trips} départs de la ligne {line} ({direction}) ce jour-là{busiest}"


def intervals(starts: np.ndarray) -> dict[str, float | None]:
    """The average minutes between departures in the peak and off-peak hours (None with fewer than two)."""
    result = {}
    for name, windows in (("peak", PEAK), ("off_peak", OFF_PEAK)):
        gaps = []
        for low, high in windows:
            inside = np.sort(starts[(starts >= low) & (starts < high)])
            gaps += list(np.diff(inside))
        result[name] = float(np.mean(gaps)) / 60 if gaps else None
    return result


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


def _memo(net: Network, key: tuple, compute):
    """A network's small memo (the last answers for a day, a line…): readers ask the same again and again."""
    with _BUILD_LOCK:
        memo = net.__dict__.setdefault("_memo", {})
        found = memo.get(key)
    if found is None:
        found = compute()  # outside the lock: two threads may compute the same answer, never a wrong one
        with _BUILD_LOCK:
            if len(memo) >= 64:
                memo.pop(next(iter(memo)), None)
            memo[key] = found
    return found


def _rows_of(net: Network, trips: np.ndarray) -> np.ndarray:
    """The stop_times rows of the trips, without a Python loop."""
    if not len(trips):
        return np.array([], dtype=np.int64)
    counts = np.diff(net.trip_rows)[trips]
    starts = np.repeat(net.trip_rows[trips], counts)
    return starts + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))


def day_figures(net: Network, day: dt.date, mode: str | None = None) -> DayFigures:
    return _memo(net, ("figures", day, mode), lambda: _day_figures(net, day, mode))


def _day_figures(net: Network, day: dt.date, mode: str | None) -> DayFigures:
    running = active_trips(net, day) & (np.diff(net.trip_rows) > 0)  # a new array: the memo's stays as it is
    if mode:
        running = running & (net.routes["mode"].to_numpy()[net.trips["route"].to_numpy()] == mode)
    chosen = np.flatnonzero(running)
    rows = _rows_of(net, chosen)
    departures = rows[(net.st_dep[rows] >= 0) & net.st_pickup[rows] & (net.trip_rows[net.st_trip[rows] + 1] - 1
                                                                         != rows)] if len(rows) else rows
    begin = net.st_dep[net.trip_rows[chosen]] if len(chosen) else np.array([])
    end = net.st_arr[np.maximum(net.trip_rows[chosen + 1] - 1, 0)] if len(chosen) else np.array([])
    known = (begin >= 0) & (end >= begin)
    return DayFigures(lines=int(len(np.unique(net.trips["route"].to_numpy()[chosen]))),
                      stops=int(len(np.unique(net.st_stop[rows]))), trips=int(len(chosen)),
                      departures=int(len(departures)), service_hours=float((end - begin)[known].sum()) / 3600,
                      vehicle_km=float(net.trip_km[chosen].sum()), km_from_shapes=net.has_shapes)


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


# ---- the reader's choices, and the extracts of what a page shows ------------------------------------------------


def parse_day(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text).strip()) if text not in (None, "") else None
    except ValueError:
        return None


def parse_clock(text) -> int | None:
    """« 8:05 », « 08:05 » or « 25:10 » (a time after midnight of the service day) -> seconds; None if invalid."""
    import re

    found = re.fullmatch(r"\s*(\d{1,2})[:h](\d{2})\s*", str(text or ""))
    if not found or int(found.group(2)) > 59 or int(found.group(1)) > 47:
        return None
    return int(found.group(1)) * 3600 + int(found.group(2)) * 60


def route_code(net: Network, route_id) -> int | None:
    found = np.flatnonzero(net.routes["route_id"].to_numpy() == str(route_id)) if route_id else []
    return int(found[0]) if len(found) else None


def directions(net: Network, route: int) -> list[tuple[int, str]]:
    """A line's directions, each named by its most frequent headsign (else its last stop)."""
    part = net.trips[net.trips["route"].to_numpy() == route]
    result = []
    for direction, trips in part.groupby("direction", sort=True):
        heads = trips["headsign"][trips["headsign"] != ""]
        if len(heads):
            name = heads.value_counts().index[0]
        else:
            t = trips.index[0]
            name = net.stops.at[int(net.st_stop[net.trip_rows[t + 1] - 1]), "name"] if net.trip_rows[t + 1] > \
                net.trip_rows[t] else f"sens {direction}"
        result.append((int(direction), f"vers {name}"))
    return result


def route_label(net: Network, route: int) -> str:
    row = net.routes.iloc[route]
    return f"{row['name']} — {row['long']}" if row["long"] and row["long"] != row["name"] else str(row["name"])


class ExtractArgumentError(ValueError):
    """A parameter of a derived extract that cannot be used (the message is French and names it)."""


def _extract_day(net: Network, args) -> dt.date:
    day = parse_day(args.get("date"))
    if args.get("date") and day is None:
        raise ExtractArgumentError(f"date : « {args.get('date')} » n'est pas une date AAAA-MM-JJ")
    return service_day(net, day or dt.date.today())[0]


def timetable_extract(table: Table, args) -> tuple[Table, tuple[str, ...]]:
    """The timetable a page shows (ligne=, sens=, date=), as a table: one row per stop, one column per trip."""
    from .readers.base import FieldInfo

    net = network(table)
    route = route_code(net, args.get("ligne"))
    if route is None:
        raise ExtractArgumentError(f"ligne : « {args.get('ligne', '')} » n'est pas une ligne de ce réseau")
    try:
        direction = int(args.get("sens", 0))
    except ValueError:
        raise ExtractArgumentError(f"sens : « {args.get('sens')} » n'est pas 0 ou 1") from None
    if direction not in dict(directions(net, route)):
        raise ExtractArgumentError(f"sens : la ligne n'a pas de sens « {direction} »")
    day = _extract_day(net, args)
    grid = timetable(net, route, direction, day)
    columns = {"arret": grid.stops["name"].tolist()}
    fields = [FieldInfo("arret", "Arrêt", "text")]
    cells = grid.cells()
    for k, start in enumerate(grid.starts):
        name = f"depart_{k + 1}"
        columns[name] = [row[k] for row in cells]
        fields.append(FieldInfo(name, f"Départ {k + 1} ({clock(start)})", "text"))
    heading = dict(directions(net, route)).get(direction, f"sens {direction}")
    filters = (f"Ligne {route_label(net, route)}, {heading}", f"Jour de service : {day:%d/%m/%Y}")
    return Table(frame=pd.DataFrame(columns), fields=tuple(fields)), filters


def departures_extract(table: Table, args) -> tuple[Table, tuple[str, ...]]:
    """The next departures a page shows (arret=, date=, heure=), as a table."""
    from .readers.base import FieldInfo

    net = network(table)
    stops = stop_group(net, str(args.get("arret", "")))
    if not len(stops):
        raise ExtractArgumentError(f"arret : « {args.get('arret', '')} » n'est pas un arrêt de ce réseau")
    after = parse_clock(args.get("heure", "00:00"))
    if after is None:
        raise ExtractArgumentError(f"heure : « {args.get('heure')} » n'est pas une heure HH:MM")
    day = _extract_day(net, args)
    data = next_departures(net, stops, day, after, limit=200)
    frame = pd.DataFrame({"heure": [clock(t) for t in data["time"]],
                          "ligne": net.routes["name"].to_numpy()[data["route"].to_numpy()],
                          "direction": data["headsign"].to_numpy()})
    fields = (FieldInfo("heure", "Heure", "text"), FieldInfo("ligne", "Ligne", "text"),
              FieldInfo("direction", "Direction", "text"))
    name = net.stops.at[int(stops[0]), "name"]
    return Table(frame=frame, fields=fields), (f"Arrêt {name}", f"Jour de service : {day:%d/%m/%Y}",
                                               f"Départs à partir de {clock(after)}")


EXTRACT_VIEWS = {"horaires": timetable_extract, "departs": departures_extract}


def commune_coverage(net: Network, day: dt.date, outlines: Table, radius: int) -> pd.DataFrame:
    """Each commune of the outlines: row, name, share (%) of its area (standing for its population) within
    `radius` metres of a stop served on the day, population, and the inhabitants that share stands for.
    Computed once per day served (both radii at once) and kept with the network."""
    memo = net.__dict__.setdefault("_coverage", {})
    served = served_stops(net, day)
    key = (hash(served.tobytes()), id(outlines))
    if key not in memo:
        if len(memo) > 16:
            memo.pop(next(iter(memo)))
        geometry = outlines.geometry_field
        shapes = list(outlines.frame[geometry.name]) if geometry is not None else []
        memo[key] = coverage(net.stops["lon"].to_numpy()[served], net.stops["lat"].to_numpy()[served], shapes)
    shares = memo[key][:, COVERAGE_RADII.index(radius)]
    name = outlines.role_field("commune_name") or outlines.role_field("commune")
    population = outlines.role_field("population")
    pop = pd.to_numeric(outlines.frame[population.name], errors="coerce").to_numpy(dtype="float64") \
        if population is not None else np.full(len(outlines), np.nan)
    return pd.DataFrame({"row": np.arange(len(outlines)), "name": outlines.frame[name.name].astype("str").to_numpy(),
                         "share": 100 * shares, "population": pop, "covered": pop * shares})
