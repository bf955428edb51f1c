"""The Transports definitions on a small hand-written feed (tests/fixtures/gtfs_horaires), with hand-computed
values: services of a date with calendar_dates exceptions, times past midnight, a line's timetable grid, the
next departures at a stop, the day's figures, and coverage on a toy geometry."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from data_access.readers.gtfs import read_gtfs
from features.transports import data as T
from tests.helpers.paths import FIXTURES

TUESDAY, HOLIDAY, SATURDAY, SUNDAY = (dt.date(2026, 11, 10), dt.date(2026, 11, 11), dt.date(2026, 11, 14),
                                      dt.date(2026, 11, 15))


@pytest.fixture(scope="module")
def net() -> T.Network:
    return T.build_network(read_gtfs(FIXTURES / "gtfs_horaires"))


def running(net, day) -> list[str]:
    return [s for s, on in zip(net.services, T.active_services(net, day)) if on]


def stop(net, stop_id: str) -> np.ndarray:
    return T.stop_group(net, stop_id)


def departures(net, stop_id, day, after) -> list[tuple[str, str, str]]:
    data = T.next_departures(net, stop(net, stop_id), day, after)
    return [(T.clock(r.time), net.routes.at[r.route, "name"], r.headsign) for r in data.itertuples()]


def test_services_of_a_date_with_exceptions(net):
    assert running(net, TUESDAY) == ["SEM"]
    assert running(net, HOLIDAY) == ["SAM"]  # 11 November: the weekday service removed, Saturday's added
    assert running(net, SATURDAY) == ["SAM"]
    assert running(net, SUNDAY) == []
    assert running(net, dt.date(2026, 12, 1)) == []  # after calendar.txt's end date
    assert (net.first_date, net.last_date) == (dt.date(2026, 11, 2), dt.date(2026, 11, 30))


def test_a_day_without_service_shows_the_nearest_one(net):
    assert T.service_day(net, TUESDAY) == (TUESDAY, None)
    # a Sunday: no Sunday runs, so the nearest day with a service
    assert T.service_day(net, SUNDAY) == (dt.date(2026, 11, 16), "aucun service le 15/11/2026 : les horaires du "
                                          "16/11/2026, le jour de service le plus proche, sont affichés")
    # outside the feed: the same day of the week, within the feed
    day, note = T.service_day(net, dt.date(2026, 12, 10))
    assert day == dt.date(2026, 11, 26) and note.startswith("le 10/12/2026 est hors de la période couverte par le "
                                                            "réseau (du 02/11/2026 au 30/11/2026)")


def test_next_departures_across_lines_and_past_midnight(net):
    # Tuesday at Mairie from 08:00: T3 left at 07:50; T6 ends there (an arrival, not a departure)
    assert departures(net, "MAIRIE", TUESDAY, 8 * 3600) == [
        ("08:05", "1", "Parc"), ("08:35", "1", "Parc"), ("09:10", "1", "Gare"), ("00:05", "1", "Parc")]
    # the holiday just after midnight: Tuesday's night trip (24:05) still runs, Wednesday's own service does not
    assert departures(net, "MAIRIE", HOLIDAY, 0) == [("00:05", "1", "Parc")]
    assert T.next_departures(net, stop(net, "MAIRIE"), HOLIDAY, 0)["time"].tolist() == [300]
    # the station stands for its platform
    assert departures(net, "GARE", TUESDAY, 9 * 3600) == [("23:55", "1", "Parc")]
    assert T.clock(24 * 3600 + 10 * 60) == "00:10"


def test_a_line_timetable_as_printed_at_stops(net):
    line = net.routes.index[net.routes["route_id"] == "L1"][0]
    table = T.timetable(net, line, 0, TUESDAY)
    assert table.stops["name"].tolist() == ["Gare", "Mairie", "École", "Parc"]  # T1's and T9's pattern
    assert [net.trips.at[t, "trip_id"] for t in table.trips] == ["T3", "T1", "T2", "T9"]  # by departure
    assert table.grid == [["07:45", "08:00", "08:30", "23:55"],
                          ["07:50", "08:05", "08:35", "00:05"],
                          ["07:55", "08:10", "", "00:10"],  # T2 does not call at École
                          ["", "08:15", "08:45", "00:15"]]  # T3 turns back at École
    assert table.per_hour.to_dict() == {7: 1, 8: 2, 23: 1}
    # peak 7-9 h: 07:45, 08:00, 08:30 -> gaps of 15 and 30 minutes; nothing off-peak
    assert T.intervals(table.starts) == {"peak": 22.5, "off_peak": None}
    assert T.timetable(net, line, 0, SUNDAY).grid == []


def test_the_day_figures(net):
    figures = T.day_figures(net, TUESDAY)
    assert (figures.lines, figures.trips, figures.stops) == (2, 6, 4)  # T1-T4, T9 and T6
    assert figures.departures == 3 + 2 + 2 + 3 + 3 + 1  # every call but each trip's last
    assert figures.service_hours == pytest.approx((15 + 15 + 10 + 15 + 20 + 7) / 60)
    leg = 0.005 * math.pi / 180 * 6371.0088  # 0.005° of latitude between neighbouring stops, in km
    assert figures.vehicle_km == pytest.approx(15 * leg, rel=1e-6) and not figures.km_from_shapes
    assert list(T.served_stops(net, HOLIDAY)) == sorted(stop(net, "ECOLE").tolist() + stop(net, "MAIRIE").tolist())


def test_stop_search_ignores_accents_and_case(net):
    assert T.search_stops(net, "ECOLE")["name"].tolist() == ["École"]
    assert T.search_stops(net, "gare")["name"].tolist() == ["Gare"]  # the station and its platform: once
    assert T.routes_at(net, stop(net, "ECOLE"))["name"].tolist() == ["1", "2", "3"]  # on any day


def test_a_stop_is_its_platforms_not_every_stop_of_its_name(net):
    codes = lambda stop_id: sorted(net.stops.at[c, "stop_id"] for c in T.stop_group(net, stop_id))  # noqa: E731
    assert codes("GARE") == ["GARE", "GARE1"]  # the station and its platform
    assert codes("PARC") == ["PARC"]  # the other « Parc », 5 km away, is another stop


def test_a_loop_keeps_each_of_its_calls(net):
    line = net.routes.index[net.routes["route_id"] == "L3"][0]
    table = T.timetable(net, line, 0, dt.date(2026, 11, 20))  # T7: Gare, Mairie, École, Mairie again, Gare
    assert table.stops["name"].tolist() == ["Gare", "Mairie", "École", "Mairie", "Gare"]
    assert table.grid == [["11:00"], ["11:05"], ["11:10"], ["11:15"], ["11:20"]]


def test_a_mode_never_changes_the_figures_of_the_whole_network(net):
    assert T.day_figures(net, TUESDAY, "metro").trips == 0
    assert T.day_figures(net, TUESDAY).trips == 6 and T.active_trips(net, TUESDAY).sum() == 6


def test_a_day_years_away_is_answered_at_once(net):
    assert T.service_day(net, dt.date(9999, 12, 30))[0] == dt.date(2026, 11, 26)  # the feed's last Thursday
    assert T.service_day(net, dt.date(1, 1, 1))[0] == dt.date(2026, 11, 2)  # its first Monday


def test_coverage_on_a_toy_geometry():
    import shapely

    # a square of about 1 km around a stop at its centre, and a commune far from any stop
    lat, lon = 49.44, 1.09
    half_lat = 0.5 / 111.195  # 500 m in degrees of latitude
    half_lon = half_lat / math.cos(math.radians(lat))
    square = shapely.box(lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)
    far = shapely.box(lon + 1, lat, lon + 1.01, lat + 0.01)
    shares = T.coverage(np.array([lon]), np.array([lat]), [square, far])
    # within 300 m: a disc of pi x 0.3² km² in a 1 km² square; within 500 m: the inscribed disc, pi / 4
    assert shares[0] == pytest.approx([math.pi * 0.09, math.pi / 4], rel=0.01)
    assert shares[1].tolist() == [0, 0]


def test_line_badges_are_readable():
    assert T.contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert T.badge_colours("#123E8B", "#FFFFFF") == ("#123E8B", "#FFFFFF")  # dark blue and white, 10:1: kept
    assert T.badge_colours("#008F5B", "#FFFFFF") == ("#008F5B", "#000000")  # 4.1:1 with white, 5.1:1 with black
    assert T.badge_colours("#E63027", "#FFFFFF") == ("#E63027", "#000000")  # 4.4:1 with white, 4.8:1 with black
