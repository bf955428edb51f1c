"""A GTFS network's stops and lines for the Transports dashboard: a stop as a reader means it, its next departures,
a line's directions and its timetable as printed at stops."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.query import fold
from features.transports.calendrier import (DAY, NO_TIME, active_services, active_trips, clock, service_start,
                                            wall_seconds)
from features.transports.network import Network, _haversine_km, _memo, _rows_of

# Hours of the average interval: peak 7-9 h and 16 h 30-18 h 30; off-peak 9 h-16 h 30.
PEAK = ((7 * 3600, 9 * 3600), (16 * 3600 + 1800, 18 * 3600 + 1800))
OFF_PEAK = ((9 * 3600, 16 * 3600 + 1800),)


# ---- a stop's next departures ------------------------------------------------------------------------------------


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
    """The next departures from the stops on the day at or after `after` (seconds after midnight on the clock),
    across all lines, with yesterday's trips still running after midnight, in the order they leave: columns time
    (seconds after the day's midnight on the clock, see wall_seconds), route, headsign, trip, stop (which of the
    stops), position (the stop's rank in its trip, from 0) and service_day (the trip's service day, in days from
    `day`: -1 for yesterday's trips past midnight). Reads only the stops' rows."""
    rows = np.concatenate([net.stop_order[net.stop_rows[s]:net.stop_rows[s + 1]] for s in stops]) if len(stops) \
        else np.array([], dtype=np.int64)
    rows = rows[net.st_pickup[rows] & (net.st_dep[rows] >= 0)]
    trip = net.st_trip[rows]
    last = net.trip_rows[trip + 1] - 1 == rows  # a trip's last stop: an arrival
    rows, trip = rows[~last], trip[~last]
    service = net.trips["service"].to_numpy()[trip]
    frames = []
    # the day's services, yesterday's past midnight, and tomorrow's before it: GTFS times count from noon minus
    # 12 h, which is 23:00 the evening before when the clocks go forward that night
    for days in (0, -1, 1):
        service_date = day + dt.timedelta(days=days)
        running = active_services(net, service_date)[service] & (service >= 0)
        gtfs = net.st_dep[rows[running]].astype(np.int64)
        time = wall_seconds(service_date, gtfs) + days * DAY
        keep = (time >= after) & ((time < DAY) if days > 0 else True)
        moment = gtfs + int((service_start(service_date) - service_start(day)).total_seconds())
        frames.append(pd.DataFrame({"time": time[keep], "moment": moment[keep], "trip": trip[running][keep],
                                    "row": rows[running][keep], "days": days}))
    data = pd.concat(frames).sort_values(["moment", "trip"], kind="stable").head(limit)
    trips = net.trips.iloc[data["trip"].to_numpy()]
    row = data["row"].to_numpy()
    return pd.DataFrame({"time": data["time"].to_numpy(), "route": trips["route"].to_numpy(),
                         "headsign": trips["headsign"].to_numpy(), "trip": data["trip"].to_numpy(),
                         "stop": net.st_stop[row], "position": row - net.trip_rows[data["trip"].to_numpy()],
                         "service_day": data["days"].to_numpy()})


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
    # times as the clock shows them (seconds after the day's midnight, see wall_seconds), NO_TIME where unknown
    times: np.ndarray  # stops x trips: the departure, the arrival at a trip's last stop; NO_TIME: no call
    starts: np.ndarray  # each trip's first departure
    per_hour: pd.Series  # departures from the first stop per hour of the day (0-27; -1 the evening before)

    def cells(self, columns=None) -> list[list[str]]:
        """The grid as printed, « HH:MM » or "" when the trip does not call there (only `columns` if given)."""
        times = self.times if columns is None else self.times[:, list(columns)]
        return [[clock(t) if t != NO_TIME else "" for t in row] for row in times.tolist()]

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
    # ordered by the GTFS times (the order the trips leave in), shown as the clock shows them
    times, starts = wall_seconds(day, times), wall_seconds(day, starts)
    known = starts[starts != NO_TIME]
    per_hour = pd.Series(known // 3600).value_counts().sort_index() if len(known) else pd.Series(dtype=int)
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
    """Departures from the first stop per hour (x « 07 h », « 00 h (+1) » after midnight, « 23 h (veille) » before
    it, on the night the clocks go forward; value)."""
    data = grid.per_hour.rename_axis("x").reset_index(name="value")
    data["x"] = [f"{int(h) % 24:02d} h" + (" (+1)" if h >= 24 else " (veille)" if h < 0 else "") for h in data["x"]]
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


# ---- the reader's choices ---------------------------------------------------------------------------------------


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
