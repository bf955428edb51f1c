"""Real-shaped live feeds for the tests, written by hand: GTFS-RT as the Astuce network's operator TCAR publishes it
(its own unprefixed ids, « 90 », while the merged static feed writes « TCAR:90 »; skipped stops in the alerts
feed, in French), and GBFS 2.3 as Lovélo publishes it (string ids, names « 131 - CALENDE », virtual stations,
bikes plus docks not always the capacity)."""
from __future__ import annotations

import json


def message():
    from google.transit import gtfs_realtime_pb2 as rt

    feed = rt.FeedMessage()
    feed.header.gtfs_realtime_version = "2.0"
    feed.header.incrementality = rt.FeedHeader.FULL_DATASET
    feed.header.timestamp = 1796198400  # 2026-12-02 09:00 in Rouen
    return feed


def trip_updates() -> bytes:
    """Trip 90-A 7 minutes late from its 3rd stop; trip 90-B cancelled; trip 27-C skips stop 1052."""
    from google.transit import gtfs_realtime_pb2 as rt

    feed = message()
    late = feed.entity.add(id="1").trip_update
    late.trip.trip_id, late.trip.route_id = "90-A", "90"
    late.timestamp = 1796198390
    for sequence, stop, delay in ((3, "1001", 420), (6, "1004", 300)):
        update = late.stop_time_update.add(stop_sequence=sequence, stop_id=stop)
        update.departure.delay = delay
        update.departure.time = 1796198400 + delay + 60 * sequence
    cancelled = feed.entity.add(id="2").trip_update
    cancelled.trip.trip_id, cancelled.trip.route_id = "90-B", "90"
    cancelled.trip.schedule_relationship = rt.TripDescriptor.CANCELED
    skipping = feed.entity.add(id="3").trip_update
    skipping.trip.trip_id, skipping.trip.route_id = "27-C", "27"
    skipped = skipping.stop_time_update.add(stop_sequence=2, stop_id="1052")
    skipped.schedule_relationship = rt.TripUpdate.StopTimeUpdate.SKIPPED
    on_time = skipping.stop_time_update.add(stop_sequence=3, stop_id="1053")
    on_time.arrival.delay = 0
    return feed.SerializeToString()


def alerts() -> bytes:
    """Stop 1052 not served on line 27 until 18:00; works on line F1, in French and English."""
    from google.transit import gtfs_realtime_pb2 as rt

    feed = message()
    closed = feed.entity.add(id="ALERTE-1").alert
    closed.effect = rt.Alert.NO_SERVICE
    closed.informed_entity.add(route_id="27", stop_id="1052")
    closed.active_period.add(start=1796196600, end=1796230800)
    closed.header_text.translation.add(text="Arrêt Mairie non desservi", language="fr")
    closed.description_text.translation.add(text="Travaux rue de la République : reportez-vous à l'arrêt Gare.",
                                            language="fr")
    works = feed.entity.add(id="ALERTE-2").alert
    works.effect = rt.Alert.SIGNIFICANT_DELAYS
    works.informed_entity.add(route_id="F1")
    works.header_text.translation.add(text="Delays on line F1", language="en")
    works.header_text.translation.add(text="Retards sur la ligne F1", language="fr-FR")
    return feed.SerializeToString()


def vehicle_positions() -> bytes:
    feed = message()
    bus = feed.entity.add(id="V1").vehicle
    bus.trip.trip_id, bus.trip.route_id = "90-A", "90"
    bus.vehicle.id = "TCAR-812"
    bus.position.latitude, bus.position.longitude = 49.4431, 1.0993
    bus.timestamp = 1796198395
    return feed.SerializeToString()


def gbfs_discovery(base: str) -> bytes:
    feeds = [{"name": n, "url": f"{base}/{n}.json"} for n in ("system_information", "station_information",
                                                               "station_status")]
    return json.dumps({"last_updated": 1796198400, "ttl": 15, "version": "2.3",
                       "data": {"en": {"feeds": feeds[:1]}, "fr": {"feeds": feeds}}}).encode()


def station_status() -> bytes:
    """Station 5288 has 5 bikes and 5 docks for a capacity of 12 (as some of Lovélo's do); 5290 is closed."""
    stations = [
        {"station_id": "5288", "num_bikes_available": 5, "num_docks_available": 5, "is_installed": True,
         "is_renting": True, "is_returning": True, "last_reported": 1796198360},
        {"station_id": "5290", "num_bikes_available": 0, "num_docks_available": 0, "is_installed": False,
         "is_renting": False, "is_returning": False, "last_reported": 1796190000},
        {"station_id": "5291", "num_bikes_available": "?", "num_docks_available": 8},
    ]
    return json.dumps({"last_updated": 1796198400, "ttl": 15, "version": "2.3",
                       "data": {"stations": stations}}).encode()


class Clock:
    def __init__(self, start: float = 1796198400.0):
        self.now = start

    def __call__(self) -> float:
        return self.now


class ClockCache:
    """A shared cache whose entries expire on the test's clock (as Redis's do on the real one)."""

    def __init__(self, clock: Clock):
        self.clock, self.held = clock, {}

    def get(self, key):
        value, until = self.held.get(key, (None, 0))
        return value if until > self.clock() else None

    def set(self, key, value, timeout=None):
        self.held[key] = (value, self.clock() + (timeout or 300))
        return True

    def add(self, key, value, timeout=None):
        return self.get(key) is None and self.set(key, value, timeout)
