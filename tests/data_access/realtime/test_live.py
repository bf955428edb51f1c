"""Live feeds fetched once per ttl for every worker, never by a page: the last good answer kept in the shared cache
with its age; a broken answer keeps the last good one; a feed too old, or unchanged for 10 minutes, is stale; and
two worker processes sharing the cache make a single fetch per ttl."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest
from cachelib import FileSystemCache

from data_access.realtime import gtfs_rt, live
from data_access.realtime.gtfs_rt import FeedError, Ids
from tests.helpers import realtime_feeds as feeds
from tests.helpers.realtime_feeds import Clock, ClockCache
from tests.helpers.fake_ods import FakeServer

URL = "https://temps-reel.example/trip-updates"


def check(body: bytes):
    return gtfs_rt.trip_updates(body, Ids(strip_prefix=True))


def test_one_fetch_per_ttl_and_the_content_s_age(tmp_path):
    clock, answers = Clock(), []
    cache = ClockCache(clock)

    def get(url):
        answers.append(url)
        return feeds.trip_updates()

    assert live.snapshot(cache, URL) is None  # before a first fetch: nothing live to show
    assert live.refresh(cache, URL, 30, check, clock, get)
    first = live.snapshot(cache, URL)
    assert first.body == feeds.trip_updates() and first.fetched == clock.now and first.error is None
    clock.now += 10
    assert not live.refresh(cache, URL, 30, check, clock, get) and len(answers) == 1  # within the ttl
    assert first.age(clock.now) == 10 and not first.stale(30, clock.now)
    clock.now += 25
    assert live.refresh(cache, URL, 30, check, clock, get) and len(answers) == 2
    again = live.snapshot(cache, URL)
    assert again.fetched == clock.now and again.changed == first.changed  # the same bytes: not a change
    # fetched every ttl, the same content for 10 minutes while the service runs: a feed stuck upstream, stale
    while clock.now < first.changed + live.UNCHANGED_SECONDS + 1:
        clock.now += 31
        live.refresh(cache, URL, 30, check, clock, get)
    stuck = live.snapshot(cache, URL)
    assert stuck.age(clock.now) == 0 and stuck.changed == first.changed
    assert stuck.stale(30, clock.now) and not stuck.stale(30, clock.now, in_service=False)  # at night: nothing runs


def test_a_broken_answer_keeps_the_last_good_one_and_grows_old(tmp_path, caplog):
    clock = Clock()
    cache = ClockCache(clock)
    live.refresh(cache, URL, 30, check, clock, lambda url: feeds.trip_updates())
    good = live.snapshot(cache, URL)
    for k in range(3):  # three broken answers in a row, one a ttl
        clock.now += 31
        assert live.refresh(cache, URL, 30, check, clock, lambda url: b"<html>Maintenance</html>")
    kept = live.snapshot(cache, URL)
    assert kept.body == good.body and kept.fetched == good.fetched and "GTFS-RT" in kept.error
    assert kept.age(clock.now) == 93 and kept.stale(30, clock.now)  # older than 3 ttls
    # logged once a minute, not at every attempt
    assert sum("dernière réponse lisible est gardée" in r.message for r in caplog.records) <= 2

    def down(url):
        raise FeedError("flux injoignable (ConnectTimeout)")

    clock.now += 31
    live.refresh(cache, URL, 30, check, clock, down)
    assert live.snapshot(cache, URL).error == "flux injoignable (ConnectTimeout)"


def test_a_feed_never_fetched_well_is_stale_and_has_no_age():
    clock = Clock()
    cache = ClockCache(clock)
    live.refresh(cache, URL, 30, check, clock, lambda url: b"")
    never = live.snapshot(cache, URL)
    assert never.body is None and never.age(clock.now) is None and never.stale(30, clock.now)


WORKER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from cachelib import FileSystemCache
from data_access.realtime import gtfs_rt, live
cache = FileSystemCache(sys.argv[2])
end = time.time() + 3
tried = 0
while time.time() < end:
    tried += live.refresh(cache, sys.argv[3], 30, lambda b: gtfs_rt.trip_updates(b, gtfs_rt.Ids()))
    time.sleep(0.01)
print(tried)
"""


def test_two_workers_make_a_single_fetch_per_ttl(tmp_path):
    from tests.helpers.paths import ROOT

    with FakeServer() as server:
        server.files["/trip-updates.pb"] = feeds.trip_updates()
        url = server.base_url + "/trip-updates.pb"
        workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(ROOT), str(tmp_path / "cache"), url],
                                    stdout=subprocess.PIPE, text=True) for _ in range(2)]
        tried = [int(w.communicate(timeout=60)[0].strip()) for w in workers]
        fetched = [r for r in server.requests if r[0] == "/trip-updates.pb"]
    assert len(fetched) == 1 and sorted(tried) == [0, 1]  # one worker fetched, the other read
    shared = live.snapshot(FileSystemCache(str(tmp_path / "cache")), url)
    assert shared.body == feeds.trip_updates() and shared.error is None


def test_a_page_never_fetches():
    """The functions a page calls read the cache only: `snapshot` has no network path at all."""
    import inspect

    assert "fetch" not in inspect.getsource(live.snapshot) and "refresh" not in inspect.getsource(live.snapshot)


@pytest.fixture(autouse=True)
def _fresh_log_memory():
    live._logged.clear()
    yield
    live._logged.clear()
    time.sleep(0)


def test_a_page_reads_the_small_snapshot_and_the_bytes_once_per_answer():
    """With Redis a 5 MB feed read at every page would be 5 MB a page: the bytes are read once per process and
    answer (never in the worker that fetched them), the few hundred bytes of the snapshot every time."""
    from data_access.derived import DERIVED

    clock = Clock()

    class Counting(ClockCache):
        reads: list = []

        def get(self, key):
            self.reads.append(key)
            return super().get(key)

    cache = Counting(clock)
    live.refresh(cache, URL, 30, check, clock, lambda url: feeds.trip_updates())
    Counting.reads.clear()
    for _ in range(3):
        updates, found = live.content(cache, URL, check)
        assert updates.trip(Ids(strip_prefix=True), "TCAR:90-A") is not None and found.body is None
    assert not [k for k in Counting.reads if k.endswith("/corps")]  # decoded when fetched, here
    DERIVED.drop(lambda key: isinstance(key, tuple) and key[:2] == ("temps-reel", URL))  # another process
    for _ in range(3):
        assert live.content(cache, URL, check)[0] is not None
    assert len([k for k in Counting.reads if k.endswith("/corps")]) == 1
    assert live.snapshot(cache, URL).body == feeds.trip_updates()  # the whole snapshot, when asked
