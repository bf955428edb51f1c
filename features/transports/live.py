"""The network's real time as the pages and the departures extract show it: each departure's expected time and
delay, « supprimé » for a cancelled trip or a stop not served, and whether its time is real time or the
timetable's. Read from the snapshots the refresher keeps in the shared cache (data_access/realtime), never
fetched here; decoded once per process and answer.

Honest by construction: a stale feed gives no real time at all (the timetable's times, said « théorique »); the
delays of a line whose real time is not trusted (found replaying the timetable, or listed in the catalogue's
`unreliable_routes`) are not shown, its times are the timetable's; cancellations and stops not served are said
whatever the line."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import pandas as pd

from data_access.clock import PARIS
from data_access.realtime import gtfs_rt, live, reliability
from data_access.realtime.gtfs_rt import Alert, Ids, TripUpdates
from features.transports.calendrier import clock
from features.transports.network import Network

log = logging.getLogger(__name__)
SERVICE_HOURS = (5, 1)  # from 05:00 to 01:00 the network runs: a feed that does not change then is stuck
CANCELLED = "supprimé"


@dataclass(frozen=True)
class LiveNetwork:
    """What is known now of the network's real time."""

    ids: Ids
    day: dt.date  # the day in Rouen it describes: real time is about today's trips only
    updates: TripUpdates | None  # None: no fresh trip updates (never fetched, or stale)
    alerts: tuple[Alert, ...]  # active now
    fetched: float | None  # when the trip updates were fetched (POSIX seconds)
    untrusted: frozenset[str]  # route keys whose delays are not shown

    def age(self, now: float) -> int | None:
        return None if self.fetched is None else max(0, int(now - self.fetched))


def in_service(now: float) -> bool:
    hour = dt.datetime.fromtimestamp(now, PARIS).hour
    start, end = SERVICE_HOURS
    return hour >= start or hour < end


def _decoded(cache, url: str | None, ttl: int, decode, now: float, moves: bool = True):
    """(the feed's decoded content, its snapshot) when it is fresh; (None, snapshot) otherwise. `moves`: the feed
    changes all day (trip updates), so that the same answer for 10 minutes of service means it is stuck; an alerts
    feed may rightly say the same thing for hours."""
    found = live.meta(cache, url) if url else None
    if found is None or found.digest is None or found.stale(ttl, now, moves and in_service(now)):
        return None, found
    return live.content(cache, url, decode, found)


def live_network(cache, dataset, net: Network, now: float) -> LiveNetwork | None:
    """The network's real time now, or None when the dataset declares no GTFS-RT feed."""
    from data_access.realtime.refresher import reliability_key

    realtime = dataset.realtime
    if cache is None or realtime is None or realtime.kind != "gtfs-rt":
        return None
    ids = Ids(realtime.strip_prefix, realtime.id_prefix)
    updates, snap = _decoded(cache, realtime.url("trip_updates"), realtime.ttl,
                             lambda body: gtfs_rt.trip_updates(body, ids), now)
    alerts, _ = _decoded(cache, realtime.url("alerts"), realtime.ttl, lambda body: gtfs_rt.alerts(body, ids), now,
                         moves=False)
    listed = set(realtime.unreliable_routes)
    untrusted = {ids.static(r) for r, short in zip(net.routes["route_id"], net.routes["short"]) if short in listed}
    try:
        untrusted |= reliability.replaying(cache.get(reliability_key(dataset.id)), now)
    except Exception:  # noqa: BLE001 - the cache's own errors: the catalogue's list still holds
        log.exception("suivi des lignes de %s illisible", dataset.id)
    return LiveNetwork(ids, dt.datetime.fromtimestamp(now, PARIS).date(), updates,
                       tuple(a for a in alerts or () if a.active(int(now))),
                       snap.fetched if updates is not None else None, frozenset(untrusted))


def _posix(day: dt.date, wall: int) -> float:
    """The instant of `wall` seconds after the day's midnight on Rouen's clock."""
    return (dt.datetime.combine(day, dt.time(0), tzinfo=PARIS) + dt.timedelta(seconds=int(wall))).timestamp()


def with_live(net: Network, departures: pd.DataFrame, network_now: LiveNetwork | None, day: dt.date
              ) -> pd.DataFrame:
    """The departures (timetables.next_departures) with what real time says of each: expected (seconds after
    the day's midnight on the clock), delay (minutes, None when not known), realtime (its time is real time),
    status (« supprimé » or ''), untrusted (its line's delays are not shown)."""
    out = departures.copy()
    count = len(out)
    expected, delays, real, status = out["time"].tolist(), [None] * count, [False] * count, [""] * count
    untrusted = [False] * count
    if network_now is not None and day != network_now.day:  # another day's trips have the same ids: not these
        network_now = None
    if network_now is not None and count:
        ids = network_now.ids
        trip_ids = net.trips["trip_id"].to_numpy()
        route_ids = net.routes["route_id"].to_numpy()
        stop_ids = net.stops["stop_id"].to_numpy()
        for k, row in enumerate(out.itertuples(index=False)):
            route_key, stop_key = ids.static(str(route_ids[row.route])), ids.static(str(stop_ids[row.stop]))
            untrusted[k] = route_key in network_now.untrusted
            if any(a.skips(stop_key, route_key) for a in network_now.alerts):
                status[k] = CANCELLED
            state = network_now.updates.trip(ids, str(trip_ids[row.trip])) if network_now.updates else None
            if state is None:
                continue
            rows = slice(net.trip_rows[row.trip], net.trip_rows[row.trip + 1])
            keys = [ids.static(str(s)) for s in stop_ids[net.st_stop[rows]]]
            # each stop's scheduled instant, for an update that gives a time alone (the trip's times move together)
            base = _posix(day, row.time) - int(net.st_dep[rows][int(row.position)])
            at = state.along(keys, int(row.position), [base + int(t) for t in net.st_dep[rows]])
            if state.cancelled or (at is not None and at.skipped):
                status[k] = CANCELLED
            if untrusted[k] or at is None or status[k]:
                continue
            delay = at.delay if at.delay is not None else (
                None if at.time is None else int(at.time - _posix(day, row.time)))
            if delay is not None:
                expected[k], delays[k], real[k] = int(row.time) + delay, round(delay / 60), True
    return out.assign(expected=expected, delay=pd.array(delays, dtype="Int64"), realtime=real, status=status,
                      untrusted=untrusted)


def stop_alerts(net: Network, network_now: LiveNetwork | None, stops, routes=None) -> list[Alert]:
    """The active alerts about these stops (static codes), or about the lines serving them (`routes`: codes)."""
    if network_now is None:
        return []
    ids = network_now.ids
    stop_keys = {ids.static(str(net.stops.at[int(s), "stop_id"])) for s in stops}
    route_keys = {ids.static(str(net.routes.at[int(r), "route_id"])) for r in (routes if routes is not None else ())}
    return [a for a in network_now.alerts if stop_keys & set(a.stops) or (route_keys & set(a.routes)
                                                                         and not a.stops)]


def age_words(seconds: int) -> str:
    """How old real time is: « il y a 40 s », « il y a 3 min »."""
    return f"il y a {seconds} s" if seconds < 90 else f"il y a {round(seconds / 60)} min"


def expected_words(row) -> str:
    """« 08:18 (+7 min) », « 08:11 (à l'heure) », « 08:11 (supprimé) », « 08:11 (théorique) »."""
    if row.status:
        return f"{clock(row.time)} ({row.status})"
    if not row.realtime:
        return f"{clock(row.time)} (théorique)"
    said = "à l'heure" if int(row.delay) == 0 else f"{int(row.delay):+d} min"
    return f"{clock(row.expected)} ({said})"
