"""The demo's live stand-in: GTFS-RT and GBFS answers made from the demo's own network and bike stations at a given
moment, by rules with no randomness (the same moment always gives the same bytes), so that everything real time
works offline. The app serves them at /demo/temps-reel/… in demo mode only (routes.py), and the demo's catalogue
points its `[dataset.realtime]` there.

At a moment, within the service day: each trip running (started, not arrived) is late by -1 to +9 minutes, the
same for ten minutes (a hash of its id and the ten minutes), from its next stop on; the first trip of the
busiest line to leave in the next hour is cancelled; its line does not serve its third stop all day (an alert,
in French, NO_SERVICE); each running vehicle is placed between its last and next stops. Each station has a hash
of its id and the five minutes' worth of bikes, the rest of its capacity in free docks, but for every tenth
station whose free docks are one short (as some of Lovélo's are) and every seventeenth out of service."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np

from data_access.clock import PARIS
from features.transports.calendrier import active_services
from features.transports.network import Network

MAX_TRIPS = 600  # running trips described at most (the demo's network runs fewer at its busiest)


def _hash(*parts) -> int:
    return int.from_bytes(hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest(), "big")


def _running(net: Network, day: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The trips of the day's services, with each trip's first and last times (-1 for a trip without stops)."""
    starts, ends = net.trip_rows[:-1], net.trip_rows[1:] - 1
    has_rows = ends >= starts
    first = np.where(has_rows, net.st_dep[np.minimum(starts, len(net.st_dep) - 1)], -1)
    last = np.where(has_rows, np.maximum(net.st_arr[np.maximum(ends, 0)], net.st_dep[np.maximum(ends, 0)]), -1)
    service = net.trips["service"].to_numpy()
    on = active_services(net, day)[service] & (service >= 0) & has_rows
    return np.flatnonzero(on), first, last


def answers(net: Network, moment: dt.datetime) -> dict[str, bytes]:
    """The demo's feeds at `moment`: `trip-updates.pb`, `vehicles.pb` and `alerts.pb`."""
    from google.transit import gtfs_realtime_pb2 as rt

    local = moment.astimezone(PARIS)
    day, seconds = local.date(), local.hour * 3600 + local.minute * 60 + local.second
    stamp = int(moment.timestamp())
    trips, first, last = _running(net, day)
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=PARIS)
    feeds = {name: rt.FeedMessage() for name in ("trip-updates.pb", "vehicles.pb", "alerts.pb")}
    for feed in feeds.values():
        feed.header.gtfs_realtime_version, feed.header.timestamp = "2.0", stamp
    trip_ids, route_ids = net.trips["trip_id"].to_numpy(), net.routes["route_id"].to_numpy()
    trip_routes = net.trips["route"].to_numpy()
    soon = [t for t in trips if seconds < first[t] < seconds + 3600]  # not running yet
    busiest = np.bincount(trip_routes[soon], minlength=len(route_ids)).argmax() if soon else None
    cancelled = min((t for t in soon if trip_routes[t] == busiest), key=lambda t: (first[t], trip_ids[t]),
                    default=None)
    now_running = [t for t in trips if first[t] <= seconds <= last[t]][:MAX_TRIPS]
    for t in now_running:
        rows = np.arange(net.trip_rows[t], net.trip_rows[t + 1])
        ahead = rows[net.st_dep[rows] >= seconds]
        if not len(ahead):
            continue
        delay = 60 * (_hash(trip_ids[t], seconds // 600) % 11 - 1)
        entity = feeds["trip-updates.pb"].entity.add(id=f"tu-{trip_ids[t]}")
        entity.trip_update.trip.trip_id, entity.trip_update.trip.route_id = trip_ids[t], route_ids[trip_routes[t]]
        next_stop = str(net.stops.at[int(net.st_stop[ahead[0]]), "stop_id"])
        update = entity.trip_update.stop_time_update.add(stop_sequence=int(ahead[0] - rows[0] + 1), stop_id=next_stop)
        update.departure.delay = int(delay)
        _vehicle(feeds["vehicles.pb"], net, t, rows, ahead[0], seconds, route_ids[trip_routes[t]], stamp)
    if cancelled is not None:
        entity = feeds["trip-updates.pb"].entity.add(id=f"tu-{trip_ids[cancelled]}")
        entity.trip_update.trip.trip_id = trip_ids[cancelled]
        entity.trip_update.trip.route_id = route_ids[trip_routes[cancelled]]
        entity.trip_update.trip.schedule_relationship = rt.TripDescriptor.CANCELED
        rows = np.arange(net.trip_rows[cancelled], net.trip_rows[cancelled + 1])
        closed = net.stops.iloc[int(net.st_stop[rows[min(2, len(rows) - 1)]])]
        alert = feeds["alerts.pb"].entity.add(id="travaux-demo").alert
        alert.effect, alert.cause = rt.Alert.NO_SERVICE, rt.Alert.CONSTRUCTION
        alert.informed_entity.add(route_id=route_ids[trip_routes[cancelled]], stop_id=str(closed["stop_id"]))
        line = net.routes.at[int(trip_routes[cancelled]), "short"]
        alert.header_text.translation.add(text=f"Arrêt {closed['name']} non desservi par la ligne {line}",
                                          language="fr")
        alert.description_text.translation.add(
            text="Travaux de voirie toute la journée : montez ou descendez à l'arrêt précédent ou suivant "
                 "(données de démonstration).", language="fr")
        alert.active_period.add(start=int(midnight.timestamp()), end=int((midnight + dt.timedelta(days=1)).timestamp()))
    return {name: feed.SerializeToString() for name, feed in feeds.items()}


def _vehicle(feed, net: Network, trip: int, rows: np.ndarray, next_row: int, seconds: int, route_id: str,
             stamp: int) -> None:
    """The trip's vehicle between its last stop and its next one, by the time elapsed."""
    before = next_row - 1 if next_row > rows[0] else next_row
    t0, t1 = int(net.st_dep[before]), int(net.st_dep[next_row])
    share = 0.0 if t1 <= t0 else min(1.0, max(0.0, (seconds - t0) / (t1 - t0)))
    a, b = net.stops.iloc[int(net.st_stop[before])], net.stops.iloc[int(net.st_stop[next_row])]
    entity = feed.entity.add(id=f"v-{net.trips.at[trip, 'trip_id']}")
    vehicle = entity.vehicle
    vehicle.trip.trip_id, vehicle.trip.route_id = net.trips.at[trip, "trip_id"], route_id
    vehicle.vehicle.id = f"demo-{trip}"
    vehicle.position.latitude = float(a["lat"] + share * (b["lat"] - a["lat"]))
    vehicle.position.longitude = float(a["lon"] + share * (b["lon"] - a["lon"]))
    vehicle.timestamp = stamp


def station_status(stations: list[tuple[str, int]], moment: dt.datetime) -> bytes:
    """GBFS 2.3 `station_status` for the demo's stations ((id, capacity) each) at `moment`."""
    stamp, bucket = int(moment.timestamp()), int(moment.timestamp()) // 300
    found = []
    for k, (station, capacity) in enumerate(stations):
        capacity = max(int(capacity or 0), 0)
        bikes = _hash(station, bucket) % (capacity + 1)
        docks = capacity - bikes - (1 if k % 10 == 3 and capacity > bikes else 0)
        working = k % 17 != 5
        found.append({"station_id": str(station), "num_bikes_available": bikes if working else 0,
                      "num_docks_available": docks if working else 0, "is_installed": working,
                      "is_renting": working, "is_returning": working, "last_reported": stamp - _hash(station) % 60})
    return json.dumps({"last_updated": stamp, "ttl": 15, "version": "2.3", "data": {"stations": found}}).encode()
