"""Departures with what real time says, on the small hand-written feed (tests/fixtures/gtfs_horaires) and a
GTFS-RT answer written for it: a delay (given as a delay, or as a time alone) propagated downstream, a cancelled
trip, a stop skipped on a trip and one closed by an alert, a line whose real time is not trusted, a stale feed;
and the departures extract's real-time columns."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from data_access.catalogue.realtime import Realtime
from data_access.clock import PARIS
from data_access.readers.gtfs import read_gtfs
from data_access.realtime import live
from features.transports import data as T
from features.transports.extracts import departures_extract
from features.transports.live import expected_words, live_network, with_live
from tests.helpers.paths import FIXTURES
from tests.helpers.realtime_feeds import Clock, ClockCache, message

TUESDAY = dt.date(2026, 11, 10)
EIGHT = dt.datetime(2026, 11, 10, 8, 0, tzinfo=PARIS).timestamp()


@pytest.fixture(scope="module")
def net() -> T.Network:
    return T.build_network(read_gtfs(FIXTURES / "gtfs_horaires"))


def answers() -> tuple[bytes, bytes]:
    """T3 leaves Gare 2 minutes late and skips École; T1 is expected at Mairie at 08:12 (a time alone); T2 is
    cancelled; an alert closes École to line 2."""
    from google.transit import gtfs_realtime_pb2 as rt

    feed = message()
    t3 = feed.entity.add(id="a").trip_update
    t3.trip.trip_id = "T3"
    t3.stop_time_update.add(stop_sequence=1, stop_id="GARE1").departure.delay = 120
    t3.stop_time_update.add(stop_sequence=3, stop_id="ECOLE").schedule_relationship = \
        rt.TripUpdate.StopTimeUpdate.SKIPPED
    t1 = feed.entity.add(id="b").trip_update
    t1.trip.trip_id = "T1"
    t1.stop_time_update.add(stop_sequence=2, stop_id="MAIRIE").departure.time = int(EIGHT + 12 * 60)
    t2 = feed.entity.add(id="c").trip_update
    t2.trip.trip_id = "T2"
    t2.trip.schedule_relationship = rt.TripDescriptor.CANCELED
    alerts = message()
    closed = alerts.entity.add(id="x").alert
    closed.effect = rt.Alert.NO_SERVICE
    closed.informed_entity.add(route_id="L2", stop_id="ECOLE")
    closed.header_text.translation.add(text="École non desservie par la ligne 2", language="fr")
    return feed.SerializeToString(), alerts.SerializeToString()


def network_now(net, untrusted=(), at: float = EIGHT + 10):
    trips, alerts = answers()
    clock = Clock(EIGHT)
    cache = ClockCache(clock)
    live.refresh(cache, "https://rt.example/tu", 30, lambda body: None, clock, lambda url: trips)
    live.refresh(cache, "https://rt.example/al", 30, lambda body: None, clock, lambda url: alerts)
    dataset = SimpleNamespace(id="reseau", realtime=Realtime(
        "gtfs-rt", (("trip_updates", "https://rt.example/tu"), ("alerts", "https://rt.example/al")), 30, False, "",
        tuple(untrusted)))
    clock.now = at
    return live_network(cache, dataset, net, at)


def said(net, stop_id: str, now) -> list[tuple[str, str]]:
    data = with_live(net, T.next_departures(net, T.stop_group(net, stop_id), TUESDAY, 7 * 3600), now, TUESDAY)
    return [(net.trips.at[r.trip, "trip_id"], expected_words(r)) for r in data.itertuples()]


def test_departures_say_their_expected_time_and_delay(net):
    now = network_now(net)
    assert now.age(EIGHT + 10) == 10 and [a.header for a in now.alerts] == ["École non desservie par la ligne 2"]
    assert said(net, "MAIRIE", now) == [("T3", "07:52 (+2 min)"), ("T1", "08:12 (+7 min)"), ("T2", "08:35 (supprimé)"),
                                        ("T4", "09:10 (théorique)"), ("T9", "00:05 (théorique)")]
    # downstream of Mairie, T1's 7 minutes hold; line 2 does not stop at École today
    assert said(net, "ECOLE", now)[:2] == [("T6", "08:02 (supprimé)"), ("T1", "08:17 (+7 min)")]


def test_a_line_whose_real_time_is_not_trusted_shows_the_timetable(net):
    now = network_now(net, untrusted=("1",))
    assert said(net, "MAIRIE", now)[:3] == [("T3", "07:50 (théorique)"), ("T1", "08:05 (théorique)"),
                                            ("T2", "08:35 (supprimé)")]  # a cancellation is said all the same


def test_a_stale_feed_gives_the_timetable_only(net):
    stale = network_now(net, at=EIGHT + 3 * 30 + 1)  # older than 3 ttls
    assert stale.updates is None and stale.fetched is None
    assert [w for _, w in said(net, "MAIRIE", stale)][:2] == ["07:50 (théorique)", "08:05 (théorique)"]


def test_the_departures_extract_carries_the_real_time_columns(net, monkeypatch):
    from features.transports import extracts

    monkeypatch.setattr(extracts, "network", lambda _table: net)  # the extract reads the network only
    derived, filters = departures_extract(None, {"arret": "MAIRIE", "date": "2026-11-10", "heure": "07:00"},
                                          lambda _net: network_now(net))
    rows = derived.frame.head(3).to_dict("records")
    assert [(r["heure_theorique"], r["heure_prevue"], r["retard_minutes"], r["temps_reel"], r["statut"])
            for r in rows] == [("07:50", "07:52", 2, True, ""), ("08:05", "08:12", 7, True, ""),
                               ("08:35", "08:35", None, False, "supprimé")]
    assert [f.name for f in derived.fields][-5:] == ["heure_theorique", "heure_prevue", "retard_minutes",
                                                     "temps_reel", "statut"]
    assert "Arrêt Mairie" in filters


def test_alerts_that_say_the_same_for_an_hour_are_still_shown(net):
    now = network_now(net, at=EIGHT + 10)
    trips, alerts = answers()
    clock = Clock(EIGHT)
    cache = ClockCache(clock)
    for minute in range(0, 61):  # both feeds fetched each minute for an hour, the same bytes
        clock.now = EIGHT + 60 * minute
        live.refresh(cache, "https://rt.example/tu", 30, lambda body: None, clock, lambda url: trips)
        live.refresh(cache, "https://rt.example/al", 30, lambda body: None, clock, lambda url: alerts)
    dataset = SimpleNamespace(id="reseau", realtime=Realtime(
        "gtfs-rt", (("trip_updates", "https://rt.example/tu"), ("alerts", "https://rt.example/al")), 30, False, "",
        ()))
    later = live_network(cache, dataset, net, clock.now)
    assert later.updates is None  # trip updates the same for an hour of service: stuck upstream
    assert [a.id for a in later.alerts] == [a.id for a in now.alerts] == ["x"]  # an alert may rightly stay
