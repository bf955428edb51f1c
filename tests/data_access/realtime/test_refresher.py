"""The refresher keeps every live feed the catalogue declares fresh in the shared cache: the three GTFS-RT feeds of
a network, a GBFS feed through its discovery file, the lines' tracking observed after each good answer; and an app
whose catalogue declares live feeds starts it in each process at its first request, never at import."""
from __future__ import annotations

import time

import pytest

from data_access.realtime import live, refresher, reliability
from data_access.realtime.gtfs_rt import Ids
from tests.helpers import realtime_feeds as feeds
from tests.helpers.apps import make_app
from tests.helpers.fake_ods import FakeServer
from tests.helpers.realtime_feeds import Clock, ClockCache

CATALOGUE = """
[[dataset]]
id = "reseau"
title = "Réseau"
theme = "Transports"
format = "gtfs"
path = "reseau.zip"

[dataset.realtime]
kind = "gtfs-rt"
trip_updates = "{base}/trip-updates.pb"
vehicle_positions = "{base}/vehicles.pb"
alerts = "{base}/alerts.pb"
strip_prefix = true
ttl = 30

[[dataset]]
id = "stations"
title = "Stations"
theme = "Transports"
format = "json"
path = "stations.json"

[dataset.realtime]
kind = "gbfs"
url = "{base}/lovelo/gbfs.json"
ttl = 15
"""


@pytest.fixture
def server():
    with FakeServer() as fake:
        fake.files.update({"/trip-updates.pb": feeds.trip_updates(), "/vehicles.pb": feeds.vehicle_positions(),
                           "/alerts.pb": feeds.alerts(), "/lovelo/gbfs.json": b"",
                           "/lovelo/station_status.json": feeds.station_status()})
        fake.files["/lovelo/gbfs.json"] = feeds.gbfs_discovery(fake.base_url + "/lovelo")
        yield fake


def catalogue(tmp_path, base: str):
    from data_access.catalogue.model import load_catalogue

    (tmp_path / "catalogue.toml").write_text(CATALOGUE.format(base=base), encoding="utf-8")
    return load_catalogue(tmp_path)


def fetched(server) -> list[str]:
    return [path for path, _params, _headers in server.requests]


def test_one_round_keeps_every_feed_and_the_lines_tracking(tmp_path, server):
    found = refresher.feeds_of(catalogue(tmp_path, server.base_url))
    assert [(f.dataset_id, f.name, f.ttl) for f in found] == [
        ("reseau", "trip_updates", 30), ("reseau", "vehicle_positions", 30), ("reseau", "alerts", 30),
        ("stations", "gbfs", 15)]
    assert found[0].ids == Ids(strip_prefix=True)
    clock = Clock()
    cache = ClockCache(clock)
    assert refresher.step(cache, found, clock) == 4
    assert sorted(fetched(server)) == ["/alerts.pb", "/lovelo/gbfs.json", "/lovelo/station_status.json",
                                       "/trip-updates.pb", "/vehicles.pb"]
    status = live.snapshot(cache, server.base_url + "/lovelo/station_status.json")
    assert status.body == feeds.station_status() and not status.stale(15, clock.now)
    state = cache.get(refresher.reliability_key("reseau"))
    assert set(state) == {"90", "27"} and state["90"][1] == clock.now  # 90 is late and positioned: tracked
    assert reliability.replaying(state, clock.now) == set()  # not seen for a window yet
    # within the ttls nothing is fetched again; the discovery file waits an hour, the statuses 15 s
    clock.now += 10
    assert refresher.step(cache, found, clock) == 0
    clock.now += 6
    assert refresher.step(cache, found, clock) == 1 and fetched(server).count("/lovelo/gbfs.json") == 1


def test_a_broken_feed_keeps_its_last_answer_and_the_others_go_on(tmp_path, server):
    found = refresher.feeds_of(catalogue(tmp_path, server.base_url))
    clock = Clock()
    cache = ClockCache(clock)
    refresher.step(cache, found, clock)
    server.files["/trip-updates.pb"] = b"<html>503</html>"
    server.files["/alerts.pb"] = feeds.message().SerializeToString()  # no alert any more
    clock.now += 31
    refresher.step(cache, found, clock)
    kept = live.snapshot(cache, server.base_url + "/trip-updates.pb")
    assert kept.body == feeds.trip_updates() and "GTFS-RT" in kept.error
    assert live.snapshot(cache, server.base_url + "/alerts.pb").body == feeds.message().SerializeToString()


def test_an_app_with_live_feeds_starts_its_refresher_at_its_first_request(tmp_path, server):
    catalogue(tmp_path, server.base_url)
    app = make_app(tmp_path, SERVED_DIR=str(tmp_path / ".served"), LIVE_REFRESH="1")
    key = next((k for k in refresher._running if k[1] == id(app.server.extensions["portail"].cache)), None)
    assert key is None  # nothing at import or at build
    try:
        app.server.test_client().get("/healthz")
        cache = app.server.extensions["portail"].cache
        deadline = time.monotonic() + 20
        while live.snapshot(cache, server.base_url + "/trip-updates.pb") is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert live.snapshot(cache, server.base_url + "/trip-updates.pb").body == feeds.trip_updates()
    finally:
        refresher.stop_all()
