"""The live feeds read as the pages need them, from real-shaped fixtures: a trip's delay (propagated downstream)
and its cancellation, a stop skipped (in the trip updates, and in the alerts feed as the Astuce network publishes
it), the alerts in French, the vehicles, prefixed and unprefixed ids, GBFS statuses whose counts are not the
capacity, and feeds that cannot be read; then `[dataset.realtime]` in the catalogue."""
from __future__ import annotations

import pytest

from data_access.realtime import gbfs, gtfs_rt
from data_access.realtime.gtfs_rt import FeedError, Ids
from tests.helpers import realtime_feeds as feeds

NINE = 1796198400  # 2026-12-02 09:00 in Rouen
STRIPPED = Ids(strip_prefix=True)  # the static ids are « TCAR:… », the feed's are not
PREFIXED = Ids(id_prefix="TCAR:")  # the same, said the other way


@pytest.mark.parametrize("ids", [STRIPPED, PREFIXED])
def test_a_delay_propagates_and_a_cancelled_trip_is_said(ids):
    updates = gtfs_rt.trip_updates(feeds.trip_updates(), ids)
    assert updates.timestamp == NINE
    late = updates.trip(ids, "TCAR:90-A")
    assert late is not None and not late.cancelled and late.route == ids.static("TCAR:90")
    at_third = late.at(ids.static("TCAR:1001"), 3)
    assert (at_third.delay, at_third.time) == (420, NINE + 420 + 180)
    assert late.at(ids.static("TCAR:1002"), 4).delay == 420  # downstream of the 3rd stop, until the next update
    assert late.at(ids.static("TCAR:1004"), 6).delay == 300
    assert late.at(ids.static("TCAR:1000"), 1) is None  # upstream of any update: the timetable's
    assert updates.trip(ids, "TCAR:90-B").cancelled
    assert updates.trip(ids, "TCAR:99-Z") is None


def test_unprefixed_ids_on_both_sides_match_as_they_are():
    updates = gtfs_rt.trip_updates(feeds.trip_updates(), Ids())
    assert updates.trip(Ids(), "90-A").at("1001", 3).delay == 420
    assert updates.trip(Ids(), "TCAR:90-A") is None  # a prefix the catalogue did not declare: no match


def test_a_skipped_stop_in_the_trip_updates_and_in_the_alerts():
    ids = STRIPPED
    trip = gtfs_rt.trip_updates(feeds.trip_updates(), ids).trip(ids, "TCAR:27-C")
    assert trip.at(ids.static("TCAR:1052"), 2).skipped and not trip.at(ids.static("TCAR:1053"), 3).skipped
    found = {a.id: a for a in gtfs_rt.alerts(feeds.alerts(), ids)}
    closed = found["ALERTE-1"]
    assert closed.header == "Arrêt Mairie non desservi" and closed.description.startswith("Travaux rue")
    assert closed.skips(ids.static("TCAR:1052"), ids.static("TCAR:27"))
    assert not closed.skips(ids.static("TCAR:1052"), ids.static("TCAR:90"))  # another line still stops there
    assert closed.active(NINE) and not closed.active(NINE + 10 * 3600)  # until 18:00
    assert found["ALERTE-2"].header == "Retards sur la ligne F1" and found["ALERTE-2"].active(NINE)  # the French
    assert not found["ALERTE-2"].skips(ids.static("TCAR:1052"), None)


def test_vehicles_carry_their_trip_and_line():
    (bus,) = gtfs_rt.vehicles(feeds.vehicle_positions(), PREFIXED)
    assert (bus.id, bus.trip, bus.route) == ("TCAR-812", "TCAR:90-A", "TCAR:90")
    assert (round(bus.lat, 4), round(bus.lon, 4)) == (49.4431, 1.0993)


@pytest.mark.parametrize("body", [b"", b"\xff\xfe not a protobuf", b"<html>Maintenance</html>",
                                  feeds.trip_updates()[:37]])
def test_a_broken_protobuf_is_a_feed_error_in_french(body):
    with pytest.raises(FeedError, match="GTFS-RT"):
        gtfs_rt.trip_updates(body, STRIPPED)


def test_a_gbfs_status_gives_the_feed_s_own_counts():
    found = gbfs.station_status(feeds.station_status())
    calende = found["5288"]
    assert (calende.bikes, calende.docks) == (5, 5) and calende.in_service  # 10 of a capacity of 12: as given
    assert not found["5290"].in_service
    assert found["5291"].bikes is None and found["5291"].docks == 8  # a count that is not one: unknown
    urls = gbfs.discovery(feeds.gbfs_discovery("https://gbfs.example/lovelo"))
    assert urls["station_status"] == "https://gbfs.example/lovelo/station_status.json"  # the French list


@pytest.mark.parametrize("body", [b"{", b"[]", b'{"data": []}', b'{"data": {"stations": {}}}'])
def test_a_broken_gbfs_file_is_a_feed_error(body):
    with pytest.raises(FeedError, match="GBFS|station_status"):
        gbfs.station_status(body)


REALTIME = """
[[dataset]]
id = "reseau"
title = "Réseau"
theme = "Transports"
format = "{fmt}"
path = "{path}"

[dataset.realtime]
{realtime}
"""


def parsed(tmp_path, realtime: str, fmt: str = "gtfs", path: str = "reseau.zip"):
    from data_access.catalogue.model import load_catalogue

    (tmp_path / "catalogue.toml").write_text(REALTIME.format(fmt=fmt, path=path, realtime=realtime),
                                             encoding="utf-8")
    return load_catalogue(tmp_path).get("reseau").realtime


def test_the_catalogue_declares_the_live_feeds(tmp_path):
    live = parsed(tmp_path, 'kind = "gtfs-rt"\ntrip_updates = "https://rt.example/tu"\nalerts = "https://rt.example/a"'
                            '\nstrip_prefix = true\nunreliable_routes = ["F6", "13"]')
    assert live.url("trip_updates") == "https://rt.example/tu" and live.url("vehicle_positions") is None
    assert (live.ttl, live.strip_prefix, live.unreliable_routes) == (30, True, ("F6", "13"))
    bikes = parsed(tmp_path, 'kind = "gbfs"\nurl = "https://gbfs.example/gbfs.json"\nttl = 15', "json", "s.json")
    assert (bikes.url("gbfs"), bikes.ttl) == ("https://gbfs.example/gbfs.json", 15)


@pytest.mark.parametrize("realtime, fmt, said", [
    ('kind = "gtfs-rt"', "gtfs", "au moins un flux est attendu"),
    ('kind = "gtfs-rt"\ntrip_updates = "ftp://x"', "gtfs", "realtime.trip_updates » : une adresse http(s)"),
    ('kind = "gtfs-rt"\ntrip_updates = "https://x"\nttl = 1', "gtfs", "realtime.ttl » : un nombre de secondes"),
    ('kind = "gtfs-rt"\ntrip_updates = "https://x"\nstrip_prefix = true\nid_prefix = "T:"', "gtfs",
     "l'un ou l'autre"),
    ('kind = "gtfs-rt"\ntrip_updates = "https://x"', "csv", "complète un jeu de données au format gtfs"),
    ('kind = "gbfs"', "json", "realtime.url » : obligatoire"),
    ('kind = "gbfs"\nurl = "https://x"\nalerts = "https://y"', "json", "realtime.alerts » : sans objet"),
    ('kind = "siri"', "gtfs", "valeur « siri » inconnue"),
    ('kind = "gbfs"\nurl = "https://x"\nttll = 15', "json", "vouliez-vous écrire « realtime.ttl »"),
])
def test_a_wrong_realtime_entry_is_said_in_french(tmp_path, realtime, fmt, said):
    from data_access.catalogue.checks import CatalogueError

    with pytest.raises(CatalogueError, match="jeu de données « reseau »") as caught:
        parsed(tmp_path, realtime, fmt, "reseau.zip" if fmt == "gtfs" else f"reseau.{fmt}")
    assert said in str(caught.value)


def test_a_line_that_only_replays_the_timetable_is_found_over_a_window():
    from data_access.realtime import reliability

    def answer(delay_on_90: int) -> bytes:
        feed = feeds.message()
        for route, delay in (("90", delay_on_90), ("13", 0)):
            update = feed.entity.add(id=route).trip_update
            update.trip.trip_id, update.trip.route_id = f"{route}-A", route
            update.stop_time_update.add(stop_sequence=1, stop_id="1001").departure.delay = delay
        return feed.SerializeToString()

    ids, state, now = STRIPPED, None, NINE
    for minute in range(0, 21):  # 90 runs late at 09:00 and 09:05 only; 13 always « on time », no vehicle
        updates = gtfs_rt.trip_updates(answer(240 if minute in (0, 5) else 0), ids)
        state = reliability.observe(state, updates, (), now + 60 * minute)
    assert reliability.replaying(state, NINE + 20 * 60) == {"13"}  # 90 moved 15 minutes ago: still trusted
    assert reliability.replaying(state, NINE + 25 * 60) == {"13", "90"}  # nothing from 90 for a whole window
    assert reliability.replaying(state, NINE + 10 * 60) == set()  # not seen long enough to say
    # a positioned vehicle is a sign of tracking, whatever the delays
    bus = gtfs_rt.vehicles(feeds.vehicle_positions(), ids)
    fresh = reliability.observe(state, gtfs_rt.trip_updates(answer(0), ids), bus, NINE + 25 * 60)
    assert "90" not in reliability.replaying(fresh, NINE + 26 * 60)
