"""The refresher: every live feed the catalogue declares, kept fresh in the shared cache by a background thread per
process (`start`), each feed fetched once per ttl for all of them (live.refresh's claim). Pages only read.

A GBFS `url` that is the discovery file (`gbfs.json`) is read once an hour for the address of `station_status`,
which is then fetched at the feed's ttl. After each good answer of a network's trip updates, the lines' tracking
is observed (reliability.py) and kept beside the feeds."""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Callable

from data_access.cache import cache_key
from data_access.realtime import gbfs, gtfs_rt, live, reliability
from data_access.realtime.gtfs_rt import FeedError, Ids

log = logging.getLogger(__name__)
DISCOVERY_TTL = 3600
TICK_SECONDS = 1.0
# (process id, cache) -> the refresher's stop signal (a thread does not survive a fork: each worker starts its own)
_running: dict[tuple[int, int], threading.Event | None] = {}
_starting = threading.Lock()


@dataclass(frozen=True)
class Feed:
    dataset_id: str
    name: str  # trip_updates, vehicle_positions, alerts, or gbfs
    url: str
    ttl: int
    ids: Ids

    def decode(self, body: bytes):
        """The feed's content as the pages read it; FeedError when the bytes are not that."""
        if self.name == "trip_updates":
            return gtfs_rt.trip_updates(body, self.ids)
        if self.name == "vehicle_positions":
            return gtfs_rt.vehicles(body, self.ids)
        if self.name == "alerts":
            return gtfs_rt.alerts(body, self.ids)
        return gbfs.station_status(body)


def feeds_of(catalogue) -> list[Feed]:
    """Every live feed the catalogue declares (a GBFS discovery file stands for its station_status)."""
    found = []
    for dataset in catalogue.datasets:
        realtime = dataset.realtime
        if realtime is None:
            continue
        ids = Ids(realtime.strip_prefix, realtime.id_prefix)
        found += [Feed(dataset.id, name, url, realtime.ttl, ids) for name, url in realtime.feeds]
    return found


def reliability_key(dataset_id: str) -> str:
    return cache_key("temps-reel-fiabilite", (dataset_id,))


def status_url(cache, feed: Feed, now: Callable[[], float], get: Callable[[str], bytes]) -> str | None:
    """The station_status address of a GBFS feed: its `url` itself, or the one its discovery file lists."""
    if not feed.url.rstrip("/").endswith("gbfs.json"):
        return feed.url
    live.refresh(cache, feed.url, DISCOVERY_TTL, gbfs.discovery, now, get)
    found = live.snapshot(cache, feed.url)
    if found is None or found.body is None:
        return None
    return gbfs.discovery(found.body).get("station_status")


def step(cache, feeds: list[Feed], now: Callable[[], float] = live.clock_now,
         get: Callable[[str], bytes] = live.fetch) -> int:
    """One round: each feed due and claimed is fetched; the number fetched (tried) by this worker."""
    tried = 0
    for feed in feeds:
        url = status_url(cache, feed, now, get) if feed.name == "gbfs" else feed.url
        if url is None:
            continue
        if live.refresh(cache, url, feed.ttl, feed.decode, now, get):
            tried += 1
            if feed.name == "trip_updates":
                _observe(cache, feed, feeds, now())
    return tried


def _observe(cache, feed: Feed, feeds: list[Feed], moment: float) -> None:
    """The lines' tracking after a good answer of the trip updates (with the vehicles, when they are fresh)."""
    found = live.meta(cache, feed.url)
    if found is None or found.error is not None or found.fetched != found.tried:  # this answer was not good
        return
    try:
        updates, _ = live.content(cache, feed.url, feed.decode, found)  # decoded when it was checked
        vehicles_feed = next((f for f in feeds if f.dataset_id == feed.dataset_id and f.name == "vehicle_positions"),
                             None)
        seen = live.meta(cache, vehicles_feed.url) if vehicles_feed else None
        vehicles = live.content(cache, vehicles_feed.url, vehicles_feed.decode, seen)[0] \
            if seen is not None and not seen.stale(vehicles_feed.ttl, moment) else None
        if updates is None:
            return
        key = reliability_key(feed.dataset_id)
        cache.set(key, reliability.observe(cache.get(key), updates, vehicles or (), moment),
                  timeout=live.KEPT_SECONDS)
    except (FeedError, TypeError, ValueError):
        log.exception("suivi des lignes de %s", feed.dataset_id)
    except Exception:  # noqa: BLE001 - the cache's own errors: the next answer tries again
        log.exception("cache : suivi des lignes de %s non gardé", feed.dataset_id)


def start(cache, catalogue, get: Callable[[str], bytes] = live.fetch) -> threading.Event | None:
    """The process's refresher thread (a daemon), when the catalogue declares live feeds: its stop signal; None
    when there is nothing to refresh."""
    feeds = feeds_of(catalogue)
    if not feeds:
        return None
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                step(cache, feeds, get=get)
            except Exception:  # noqa: BLE001 - a round that fails never stops the next ones
                log.exception("rafraîchissement des flux temps réel")
            stop.wait(TICK_SECONDS)

    threading.Thread(target=run, name="temps-reel", daemon=True).start()
    return stop


def ensure(cache, catalogue, get: Callable[[str], bytes] = live.fetch) -> None:
    """This process's refresher, started at its first request: after gunicorn's fork each worker starts its own
    (the claim keeps them to one fetch per feed and ttl)."""
    key = (os.getpid(), id(cache))
    if key in _running:
        return
    with _starting:
        if key not in _running:
            _running[key] = start(cache, catalogue, get)


def stop_all() -> None:
    """Stop this process's refreshers (the tests' apps)."""
    with _starting:
        for key, stop in list(_running.items()):
            if stop is not None:
                stop.set()
            del _running[key]
