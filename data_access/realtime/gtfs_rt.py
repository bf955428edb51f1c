"""GTFS-RT feeds read as the pages need them (https://gtfs.org/realtime/reference/): a trip's expected times and
cancellation, a stop skipped, the alerts in French, the vehicles. Decoded with gtfs-realtime-bindings; a feed that
is not GTFS-RT raises FeedError (the fetcher logs it and keeps the last good answer).

Ids: the feed's trip, route and stop ids are matched to the static GTFS's through `Ids` (the catalogue's
`strip_prefix` or `id_prefix`): the Astuce feed is the operator TCAR's (« 90 »), the merged static feed prefixes
each operator's ids (« TCAR:90 »)."""
from __future__ import annotations

from dataclasses import dataclass, field


class FeedError(ValueError):
    """A feed that cannot be read: the message says why, in French."""


@dataclass(frozen=True)
class Ids:
    """How the feed's ids meet the static ones: both sides turned into one key."""

    strip_prefix: bool = False  # « TCAR:90 » (static) and « 90 » (feed) are one
    id_prefix: str = ""  # the feed's « 90 » is the static « TCAR:90 »

    def static(self, static_id: str) -> str:
        return static_id.split(":", 1)[-1] if self.strip_prefix else static_id

    def feed(self, feed_id: str) -> str:
        return self.id_prefix + feed_id if self.id_prefix and not feed_id.startswith(self.id_prefix) else feed_id


@dataclass(frozen=True)
class StopTime:
    """A stop of a trip as the feed expects it."""

    sequence: int | None
    delay: int | None  # seconds late (negative: early)
    time: int | None  # the expected departure (else arrival), POSIX seconds
    skipped: bool = False


@dataclass(frozen=True)
class TripState:
    route: str | None
    cancelled: bool
    stops: tuple[StopTime, ...]  # in the feed's order
    by_stop: dict = field(default_factory=dict)  # stop key -> index in stops
    delay: int | None = None  # the trip's own delay, when the feed gives one
    timestamp: int | None = None

    def at(self, stop_key: str, sequence: int | None) -> StopTime | None:
        """The stop's expected time: its own update, else the delay of the last update before it (a delay
        propagates downstream until the next one, as the specification says), else the trip's delay."""
        if stop_key in self.by_stop:
            return self.stops[self.by_stop[stop_key]]
        before = [s for s in self.stops if s.sequence is not None and sequence is not None and s.sequence < sequence
                  and s.delay is not None]
        if before:
            return StopTime(sequence, before[-1].delay, None)
        return StopTime(sequence, self.delay, None) if self.delay is not None else None


    def along(self, stop_keys: list[str], position: int, scheduled: list[float] | None = None) -> StopTime | None:
        """The expected time at the `position`-th stop of the trip (its static stops' keys in order): its own
        update, else the delay of the last update on an earlier stop of the trip (a delay propagates downstream; an
        update that gives a time alone has the delay from its stop's `scheduled` instant), else the trip's delay;
        None when the feed says nothing of it (the timetable's time stands)."""
        own = self.by_stop.get(stop_keys[position]) if 0 <= position < len(stop_keys) else None
        if own is not None:
            return self.stops[own]
        for index in range(min(position, len(stop_keys)) - 1, -1, -1):
            found = self.by_stop.get(stop_keys[index])
            if found is None or self.stops[found].skipped:
                continue
            earlier = self.stops[found]
            if earlier.delay is not None:
                return StopTime(None, earlier.delay, None)
            if earlier.time is not None and scheduled is not None:
                return StopTime(None, int(earlier.time - scheduled[index]), None)
        return StopTime(None, self.delay, None) if self.delay is not None else None


@dataclass(frozen=True)
class TripUpdates:
    timestamp: int | None  # the feed's header
    trips: dict  # trip key -> TripState

    def trip(self, ids: Ids, static_trip_id: str) -> TripState | None:
        return self.trips.get(ids.static(static_trip_id))


@dataclass(frozen=True)
class Alert:
    id: str
    header: str
    description: str
    effect: str  # the specification's name: NO_SERVICE, DETOUR, SIGNIFICANT_DELAYS…
    routes: tuple[str, ...]  # keys of the lines it names
    stops: tuple[str, ...]  # keys of the stops it names
    periods: tuple[tuple[int | None, int | None], ...]  # active periods (POSIX seconds); none: always

    def active(self, now: int) -> bool:
        return not self.periods or any((start or 0) <= now and (end is None or now < end) for start, end in
                                       self.periods)

    def skips(self, stop_key: str, route_key: str | None) -> bool:
        """A stop not served: the alerts feed is where the Astuce network publishes them (NO_SERVICE on a stop,
        of every line or of this one)."""
        return self.effect == "NO_SERVICE" and stop_key in self.stops and (not self.routes or route_key in
                                                                          self.routes)


@dataclass(frozen=True)
class Vehicle:
    id: str
    trip: str | None  # trip key
    route: str | None  # route key
    lat: float
    lon: float
    timestamp: int | None


def _message(body: bytes):
    from google.protobuf.message import DecodeError
    from google.transit import gtfs_realtime_pb2

    message = gtfs_realtime_pb2.FeedMessage()
    try:
        message.ParseFromString(body)
    except (DecodeError, ValueError, TypeError) as exc:
        raise FeedError(f"flux GTFS-RT illisible ({type(exc).__name__})") from None
    if not message.HasField("header") or not message.header.gtfs_realtime_version:
        raise FeedError("flux GTFS-RT sans en-tête : ce n'est pas un flux GTFS-RT")
    return message


def _when(event) -> tuple[int | None, int | None]:
    """(delay, time) of a StopTimeEvent, each None when not given."""
    return (event.delay if event.HasField("delay") else None), (event.time if event.HasField("time") else None)


def trip_updates(body: bytes, ids: Ids) -> TripUpdates:
    """The feed's trips, by their key: cancelled, or their stops' expected times."""
    from google.transit import gtfs_realtime_pb2 as rt

    message = _message(body)
    trips = {}
    for entity in message.entity:
        if not entity.HasField("trip_update") or entity.is_deleted:
            continue
        update = entity.trip_update
        descriptor = update.trip
        if not descriptor.trip_id:
            continue
        stops, by_stop = [], {}
        for stu in update.stop_time_update:
            delay, time = _when(stu.departure) if stu.HasField("departure") else (None, None)
            if delay is None and time is None and stu.HasField("arrival"):
                delay, time = _when(stu.arrival)
            skipped = stu.schedule_relationship == rt.TripUpdate.StopTimeUpdate.SKIPPED
            if stu.stop_id:
                by_stop[ids.feed(stu.stop_id)] = len(stops)
            stops.append(StopTime(stu.stop_sequence if stu.HasField("stop_sequence") else None, delay, time,
                                  skipped))
        trips[ids.feed(descriptor.trip_id)] = TripState(
            route=ids.feed(descriptor.route_id) if descriptor.route_id else None,
            cancelled=descriptor.schedule_relationship == rt.TripDescriptor.CANCELED,
            stops=tuple(stops), by_stop=by_stop, delay=update.delay if update.HasField("delay") else None,
            timestamp=update.timestamp if update.HasField("timestamp") else None)
    return TripUpdates(message.header.timestamp if message.header.HasField("timestamp") else None, trips)


def _french(translated) -> str:
    """The French text of a TranslatedString: `fr` (or `fr-FR`), else the one without a language, else the first."""
    texts = list(translated.translation)
    for wanted in (lambda t: t.language.lower().split("-")[0] == "fr", lambda t: not t.language):
        found = next((t.text for t in texts if wanted(t)), None)
        if found:
            return found.strip()
    return texts[0].text.strip() if texts else ""


def alerts(body: bytes, ids: Ids) -> tuple[Alert, ...]:
    from google.transit import gtfs_realtime_pb2 as rt

    message = _message(body)
    found = []
    for entity in message.entity:
        if not entity.HasField("alert") or entity.is_deleted:
            continue
        alert = entity.alert
        informed = list(alert.informed_entity)
        found.append(Alert(
            id=entity.id, header=_french(alert.header_text), description=_french(alert.description_text),
            effect=rt.Alert.Effect.Name(alert.effect),
            routes=tuple(dict.fromkeys(ids.feed(e.route_id) for e in informed if e.route_id)),
            stops=tuple(dict.fromkeys(ids.feed(e.stop_id) for e in informed if e.stop_id)),
            periods=tuple(((p.start if p.HasField("start") else None), (p.end if p.HasField("end") else None))
                          for p in alert.active_period)))
    return tuple(found)


def vehicles(body: bytes, ids: Ids) -> tuple[Vehicle, ...]:
    message = _message(body)
    found = []
    for entity in message.entity:
        if not entity.HasField("vehicle") or entity.is_deleted or not entity.vehicle.HasField("position"):
            continue
        v = entity.vehicle
        trip = v.trip
        found.append(Vehicle(
            id=v.vehicle.id or entity.id, trip=ids.feed(trip.trip_id) if trip.trip_id else None,
            route=ids.feed(trip.route_id) if trip.route_id else None, lat=v.position.latitude,
            lon=v.position.longitude, timestamp=v.timestamp if v.HasField("timestamp") else None))
    return tuple(found)
