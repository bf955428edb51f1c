"""One clock: on a server in UTC, late in the evening, every page, extract and record reads Rouen's day
(data_access.clock), and a GTFS time reads as the clock at the stop shows it on the days the clocks change."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import time

import pytest

from data_access import clock
from data_access.readers.gtfs import read_gtfs
from features.transports import data as T
from tests.helpers.apps import as_layout, find_all, make_app, render_page, text_of

# 23:30 UTC on 17 November 2026 is already 00:30 on the 18th in Rouen (UTC+1): the server's date is the day before.
# (The demo feed runs from 31 August 2026 to 4 July 2027, so the Transports page shows that very day.)
FROZEN = dt.datetime(2026, 11, 17, 23, 30, tzinfo=dt.timezone.utc)
PARIS_DAY = dt.date(2026, 11, 18)
SPRING, AUTUMN = dt.date(2026, 3, 29), dt.date(2026, 10, 25)  # the clocks go forward, then back, in Europe/Paris


@pytest.fixture
def utc_server(monkeypatch):
    """A server whose local zone is UTC, with the portal's clock stopped at FROZEN."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    monkeypatch.setattr(clock, "utc_now", lambda: FROZEN)
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture(scope="module")
def demo_app():
    return make_app(TILE_URL="")


def test_the_clock_reads_rouens_day_on_a_utc_server(utc_server):
    assert time.strftime("%z") == "+0000"  # the server's zone
    assert clock.now_paris() == FROZEN and clock.now_paris().isoformat() == "2026-11-18T00:30:00+01:00"
    assert clock.today_paris() == PARIS_DAY
    assert clock.stamp() == "2026-11-18T00:30:00+01:00"


def test_the_travaux_page_and_its_site_card_use_rouens_day(utc_server, demo_app):
    from features.travaux.draw import site_card

    text = text_of(render_page(demo_app, "/tableaux-de-bord/travaux")["layout"])
    assert "situation au 18 novembre 2026" in text
    table = demo_app.server.extensions["portail"].repository.table("chantiers")
    assert "Statut au 18 novembre 2026" in text_of(as_layout(site_card(table, 0, {})))  # a card without a date: today, Rouen's


def test_the_transports_page_uses_rouens_day_and_time(utc_server, demo_app):
    layout = render_page(demo_app, "/tableaux-de-bord/transports")["layout"]
    assert "Chiffres clés du 18 novembre 2026" in text_of(layout)
    hour = find_all(layout, lambda n: n["props"].get("id") == {"type": "transports-choix", "param": "heure"})
    assert hour[0]["props"]["value"] == "00:30"  # next departures from now, on Rouen's clock


def test_the_timetable_extract_defaults_to_rouens_day(utc_server, demo_app):
    response = demo_app.server.test_client().get("/export/reseau-astuce-gtfs/horaires.json?ligne=T1&sens=0")
    metadata = json.loads(response.get_data())["metadata"]
    assert metadata["filters"][1] == "Jour de service : 18/11/2026"
    assert metadata["generated_at"] == "2026-11-18T00:30:00+01:00"  # written with its offset


def test_a_sync_record_is_written_with_rouens_time_and_its_offset(utc_server, tmp_path):
    from data_access.sync import run as sync
    from tests.helpers.fake_ods import FakeServer

    with FakeServer() as server:
        server.files["/files/fichier.csv"] = b"a;b\r\n1;2\r\n"
        (tmp_path / "catalogue.toml").write_text(
            '[[dataset]]\nid = "fichier"\ntitle = "Un fichier"\ntheme = "Transports"\nformat = "csv"\n'
            f'path = "fichier.csv"\n\n[dataset.source]\nkind = "url"\nurl = "{server.base_url}/files/fichier.csv"\n',
            encoding="utf-8")
        assert sync.run(tmp_path, ["fichier"], sleep=lambda s: None, out=io.StringIO()) == 0
    record = json.loads(sync.state_path(tmp_path, "fichier").read_text(encoding="utf-8"))
    assert record["fetched_at"] == record["checked_at"] == "2026-11-18T00:30:00+01:00"


# ---- GTFS times on the days the clocks change ---------------------------------------------------------------------

FEED = {
    "agency": "agency_id,agency_name,agency_url,agency_timezone\nR,Réseau d'essai,https://example.org/,Europe/Paris\n",
    "calendar": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                "TOUS,1,1,1,1,1,1,1,20260301,20261130\n",
    "routes": "route_id,agency_id,route_short_name,route_long_name,route_type\nL1,R,1,Gare <> Parc,3\n",
    "trips": "route_id,service_id,trip_id,trip_headsign,direction_id\n"
             "L1,TOUS,NUIT,Parc,0\nL1,TOUS,MATIN,Parc,0\nL1,TOUS,TARD,Parc,0\n",
    "stops": "stop_id,stop_name,stop_lat,stop_lon\nGARE,Gare,49.44,1.09\nPARC,Parc,49.45,1.09\n",
    "stop_times": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                  "NUIT,00:30:00,00:30:00,GARE,1\nNUIT,00:40:00,00:40:00,PARC,2\n"
                  "MATIN,08:00:00,08:00:00,GARE,1\nMATIN,08:10:00,08:10:00,PARC,2\n"
                  "TARD,26:30:00,26:30:00,GARE,1\nTARD,26:40:00,26:40:00,PARC,2\n",
}


@pytest.fixture(scope="module")
def net(tmp_path_factory) -> T.Network:
    folder = tmp_path_factory.mktemp("gtfs_heure_d_ete")
    for name, text in FEED.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return T.build_network(read_gtfs(folder))


def grid(net, day) -> list[list[str]]:
    return T.timetable(net, T.route_code(net, "L1"), 0, day).grid


@pytest.mark.parametrize("day", [SPRING, AUTUMN])
def test_a_trip_at_8_leaves_at_8_on_the_days_the_clocks_change(net, day):
    # noon minus 12 h + 8 h: midnight + 8 h would be 09:00 in spring and 07:00 in autumn
    moment = T.service_moment(day, 8 * 3600)
    assert moment == dt.datetime.combine(day, dt.time(8), tzinfo=clock.PARIS) and moment.strftime("%H:%M") == "08:00"
    assert moment.isoformat() == f"{day.isoformat()}T08:00:00{'+02:00' if day == SPRING else '+01:00'}"
    assert grid(net, day)[0][1] == "08:00"


def test_the_times_before_the_change_move_by_the_hour(net):
    # 00:30:00 of the service day: 23:30 the evening before in spring (noon minus 12 h is 23:00), 01:30 in autumn
    assert [row[0] for row in grid(net, SPRING)] == ["23:30", "23:40"]
    assert [row[0] for row in grid(net, AUTUMN)] == ["01:30", "01:40"]
    assert [row[0] for row in grid(net, dt.date(2026, 7, 1))] == ["00:30", "00:40"]  # any other day: as written
    per_hour = T.departures_per_hour(T.timetable(net, T.route_code(net, "L1"), 0, SPRING))
    assert per_hour["x"].tolist()[0] == "23 h (veille)"


def test_next_departures_across_the_change_are_clock_times_in_the_order_they_leave(net):
    def departures(day, after):
        data = T.next_departures(net, T.stop_group(net, "GARE"), day, after)
        return [(T.clock(t), net.trips.at[trip, "trip_id"]) for t, trip in zip(data["time"], data["trip"])]

    # the night the clocks go forward: yesterday's 26:30:00 leaves at 03:30 (02:30 does not exist that night), the
    # day's own 00:30:00 left the evening before, and its 26:30:00 is 02:30 the next night
    assert departures(SPRING, 0) == [("03:30", "TARD"), ("08:00", "MATIN"), ("02:30", "TARD")]
    # the evening before: the next day's 00:30:00 leaves at 23:30, before this day's 26:30:00 (03:30)
    assert departures(dt.date(2026, 3, 28), 23 * 3600) == [("23:30", "NUIT"), ("03:30", "TARD")]
    # the night they go back: 00:30:00 is 01:30, then yesterday's 26:30:00 the first 02:30 (summer time)
    assert departures(AUTUMN, 0) == [("01:30", "NUIT"), ("02:30", "TARD"), ("08:00", "MATIN"), ("02:30", "TARD")]
