"""Real time's figures (`--parts temps-reel`): a 5 MB trip-updates feed fetched-decoded as the refresher checks it,
the next departures of the demo's busiest stop with the demo's live stand-in and without it, and the Transports
page with a stop, server time, with real time and without (the added cost per page). On the embedded demo, its
clock set to a Tuesday at 08:10 in Rouen (the stand-in describes that moment)."""
from __future__ import annotations

import datetime as dt
import statistics
from urllib.parse import urlencode

from bench.common import timed_ms

MOMENT = dt.datetime(2026, 12, 8, 7, 10, tzinfo=dt.timezone.utc)  # a Tuesday, 08:10 in Rouen
STOPS_PER_TRIP = 40


def big_feed(target_bytes: int = 5 << 20) -> bytes:
    """Trip updates of about `target_bytes`: trips of STOPS_PER_TRIP stop updates, each with a delay and a time."""
    from google.transit import gtfs_realtime_pb2 as rt

    feed = rt.FeedMessage()
    feed.header.gtfs_realtime_version, feed.header.timestamp = "2.0", int(MOMENT.timestamp())
    trip = 0
    while feed.ByteSize() < target_bytes:
        update = feed.entity.add(id=f"e{trip}").trip_update
        update.trip.trip_id, update.trip.route_id = f"TCAR:{trip:06d}", f"TCAR:{trip % 90}"
        for sequence in range(1, STOPS_PER_TRIP + 1):
            stop = update.stop_time_update.add(stop_sequence=sequence, stop_id=f"TCAR:{(trip * 7 + sequence) % 2500}")
            stop.departure.delay = (trip + sequence) % 600
            stop.departure.time = int(MOMENT.timestamp()) + 60 * sequence
        trip += 1
    return feed.SerializeToString()


def realtime_figures(runs: int) -> list[str]:
    from cachelib import SimpleCache

    from config import DEMO_DATA_DIR

    from bench.explorer import bench_app, render
    from data_access import clock
    from data_access.realtime import gtfs_rt, live, refresher
    from features.transports import data as T
    from features.transports import routes
    from features.transports.live import live_network, with_live

    body = big_feed()
    ids = gtfs_rt.Ids(strip_prefix=True)
    trips = len(gtfs_rt.trip_updates(body, ids).trips)
    fetched = timed_ms(lambda: live.refresh(SimpleCache(), "u", 30, lambda b: gtfs_rt.trip_updates(b, ids),
                                              get=lambda u: body), runs)
    lines = [f"temps réel : flux des voyages de {len(body) / (1 << 20):.1f} Mo ({trips} voyages x {STOPS_PER_TRIP} "
             f"arrêts), vérifié (décodé) et gardé comme le fait le rafraîchisseur : {fetched:.0f} ms"]
    real_clock = clock.utc_now
    clock.utc_now = lambda: MOMENT
    try:
        app, client, repository = bench_app(DEMO_DATA_DIR, TILE_URL="", LIVE_REFRESH="0")
        portal = app.server.extensions["portail"]
        dataset = next(d for d in repository.catalogue.datasets if d.format == "gtfs" and d.realtime)
        net = T.network(repository.table(dataset.id))
        day = MOMENT.astimezone(clock.PARIS).date()
        busiest = int((net.stop_rows[1:] - net.stop_rows[:-1]).argmax())
        group = T.stop_group(net, str(net.stops.at[busiest, "stop_id"]))
        stop_id = str(net.stops.at[busiest, "stop_id"])

        def pages(first_minute: int) -> float:
            """The page with the stop at `runs` different times (never one the layout cache kept), median ms."""
            timings = [render(client, app, "/tableaux-de-bord/transports", "?" + urlencode(
                {"date": day.isoformat(), "arret": stop_id, "heure": f"08:{first_minute + k:02d}"}))[0]
                for k in range(runs)]
            return statistics.median(timings) * 1000

        pages(0)  # the network's indexes and the page's parts built once
        without = pages(10)
        refresher.step(portal.cache, refresher.feeds_of(repository.catalogue), get=routes.local_get(app.server))
        pages(20)  # the feeds decoded once
        with_real_time = pages(30)
        now = MOMENT.timestamp()
        departures = T.next_departures(net, group, day, 8 * 3600 + 600)
        plain = timed_ms(lambda: T.next_departures(net, group, day, 8 * 3600 + 600), runs * 4)
        joined = timed_ms(lambda: with_live(net, departures, live_network(portal.cache, dataset, net, now), day),
                            runs * 4)
    finally:
        clock.utc_now = real_clock
    lines += [f"  prochains départs de l'arrêt le plus desservi de la démo ({net.stops.at[busiest, 'name']}) : "
              f"{plain:.1f} ms, plus {joined:.1f} ms pour le temps réel (flux lu, décodé une fois, joint)",
              f"  page Transports avec cet arrêt, temps serveur : {without:.0f} ms sans temps réel, "
              f"{with_real_time:.0f} ms avec (alertes, retards, suppressions)"]
    return lines
