"""Which lines' « real time » only replays the timetable: lines without vehicle tracking still appear in the trip
updates, every delay 0 (a public transit project filters them out of the Astuce feed for that reason). A line is
found replaying when, over a window of WINDOW_SECONDS, none of its trips had a delay other than 0 and no vehicle
of its trips was positioned; the catalogue's `unreliable_routes` are flagged whatever the feed says.

The state is a plain dict kept in the shared cache beside the feeds, updated by the refresher after each good
fetch of the trip updates (`observe`): route key -> [first seen, last seen moving]."""
from __future__ import annotations

from data_access.realtime.gtfs_rt import TripUpdates, Vehicle

WINDOW_SECONDS = 20 * 60


def moving_routes(updates: TripUpdates, vehicles: tuple[Vehicle, ...] = ()) -> set[str]:
    """The lines with a sign of real tracking in this answer: a delay other than 0, or a positioned vehicle."""
    moving = {trip.route for trip in updates.trips.values() if trip.route and not trip.cancelled and (
        (trip.delay or 0) != 0 or any((s.delay or 0) != 0 for s in trip.stops))}
    trip_routes = {key: trip.route for key, trip in updates.trips.items()}
    moving |= {v.route or trip_routes.get(v.trip) for v in vehicles} - {None}
    return moving


def observe(state: dict | None, updates: TripUpdates, vehicles: tuple[Vehicle, ...], now: float) -> dict:
    """The state after one more answer of the feed (a new dict: the cache's is never changed in place)."""
    state = {route: list(seen) for route, seen in (state or {}).items()}
    moving = moving_routes(updates, vehicles)
    for route in {t.route for t in updates.trips.values() if t.route} | moving:
        seen = state.setdefault(route, [now, None])
        if route in moving:
            seen[1] = now
    return state


def replaying(state: dict | None, now: float) -> set[str]:
    """The lines seen for a whole window without a sign of tracking in it."""
    return {route for route, (first, moving) in (state or {}).items()
            if now - first >= WINDOW_SECONDS and (moving is None or now - moving >= WINDOW_SECONDS)}
