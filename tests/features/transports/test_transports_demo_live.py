"""The demo's live stand-in: GTFS-RT and GBFS made from the demo's network and stations at a moment, the same bytes
for the same minute, served at /demo/temps-reel/… in demo mode only; read by the refresher in-process, it gives
the departures extract its real-time columns offline."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from data_access import clock
from data_access.realtime import gbfs, gtfs_rt, live, refresher
from features.transports import routes
from tests.helpers.apps import make_app

MOMENT = dt.datetime(2026, 12, 8, 7, 10, 20, tzinfo=dt.timezone.utc)  # a Tuesday, 08:10 in Rouen


@pytest.fixture(scope="module")
def demo():
    return make_app()


@pytest.fixture
def at_eight(monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: MOMENT)


def test_the_stand_in_tells_delays_a_cancellation_an_alert_and_vehicles(demo, at_eight):
    client = demo.server.test_client()
    bodies = {name: client.get(f"/demo/temps-reel/{name}") for name in routes.GTFS_RT}
    assert all(b.status_code == 200 and b.mimetype == "application/x-protobuf" for b in bodies.values())
    updates = gtfs_rt.trip_updates(bodies["trip-updates.pb"].data, gtfs_rt.Ids())
    cancelled = [k for k, t in updates.trips.items() if t.cancelled]
    delays = {t.stops[0].delay for t in updates.trips.values() if t.stops}
    assert len(cancelled) == 1 and len(updates.trips) > 50 and delays <= set(range(-60, 541, 60))
    assert len(delays) > 5  # late, early and on time: not one delay for all
    (alert,) = gtfs_rt.alerts(bodies["alerts.pb"].data, gtfs_rt.Ids())
    assert alert.effect == "NO_SERVICE" and alert.header.startswith("Arrêt ") and " non desservi par la ligne " in \
        alert.header and alert.active(int(MOMENT.timestamp())) and len(alert.stops) == 1
    vehicles = gtfs_rt.vehicles(bodies["vehicles.pb"].data, gtfs_rt.Ids())
    assert len(vehicles) == len(updates.trips) - 1 and all(49.2 < v.lat < 49.6 and 0.8 < v.lon < 1.3
                                                           for v in vehicles)
    # the same minute, the same bytes: every worker and every test sees one answer
    assert client.get("/demo/temps-reel/trip-updates.pb").data == bodies["trip-updates.pb"].data


def test_the_stand_in_s_bike_stations(demo, at_eight):
    answer = demo.server.test_client().get("/demo/temps-reel/station_status.json")
    found = gbfs.station_status(answer.data)
    with demo.server.test_request_context("/"):
        from components.portal import current_portal

        table = current_portal().repository.table("stations-lovelo")
    capacity = dict(zip(table.frame["id_station"].astype(str), table.frame["capacite"]))
    assert set(found) == set(capacity)
    short = [s for s, st in found.items() if st.in_service and st.bikes + st.docks == capacity[s] - 1]
    closed = [s for s, st in found.items() if not st.in_service]
    assert short and closed and all(st.bikes + st.docks <= capacity[s] for s, st in found.items())


def test_the_stand_in_is_the_demo_s_only(tmp_path):
    (tmp_path / "catalogue.toml").write_text("", encoding="utf-8")
    answer = make_app(tmp_path).server.test_client().get("/demo/temps-reel/trip-updates.pb")
    assert answer.status_code == 404


def test_the_refresher_reads_the_stand_in_and_the_extract_says_it(demo, at_eight):
    from components.portal import current_portal

    with demo.server.test_request_context("/"):
        portal = current_portal()
        feeds = refresher.feeds_of(portal.repository.catalogue)
        assert refresher.step(portal.cache, feeds, get=routes.local_get(demo.server)) == 4
        kept = live.snapshot(portal.cache, "/demo/temps-reel/trip-updates.pb")
        assert kept.body and kept.error is None
    busy = _busiest_stop(demo)
    extract = demo.server.test_client().get(f"/export/reseau-astuce-gtfs/departs.csv?arret={busy}"
                                            "&date=2026-12-08&heure=08:11")
    assert extract.status_code == 200
    import csv

    rows = list(csv.DictReader(io.StringIO(extract.data.decode("utf-8-sig")), delimiter=";"))
    live_rows = [r for r in rows if r["temps_reel"] == "true"]
    assert live_rows and all(r["retard_minutes"] != "" for r in live_rows)
    late = [r for r in live_rows if r["retard_minutes"] not in ("0", "")]
    assert late and all(r["heure_prevue"] != r["heure_theorique"] for r in late)
    assert all(r["heure_prevue"] == r["heure_theorique"] and r["retard_minutes"] == "" for r in rows
               if r["temps_reel"] == "false")  # the trips the feed says nothing of: the timetable's
    assert {r["statut"] for r in rows} <= {"", "supprimé"}


def _busiest_stop(demo) -> str:
    from components.portal import current_portal
    from features.transports.network import network

    with demo.server.test_request_context("/"):
        net = network(current_portal().repository.table("reseau-astuce-gtfs"))
    counts = (net.stop_rows[1:] - net.stop_rows[:-1])
    return str(net.stops.at[int(counts.argmax()), "stop_id"])


def test_the_dashboard_shows_the_expected_times_and_the_alerts(demo, at_eight):
    import re

    from components.portal import current_portal

    with demo.server.test_request_context("/"):
        portal = current_portal()
        refresher.step(portal.cache, refresher.feeds_of(portal.repository.catalogue),
                       get=routes.local_get(demo.server))
    busy = _busiest_stop(demo)
    page = demo.server.test_client().get(f"/tableaux-de-bord/transports?arret={busy}&date=2026-12-08&heure=08:11")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))
    assert page.status_code == 200 and "Perturbations en cours sur le réseau" in text
    assert " non desservi par la ligne" in text
    assert "temps réel reçu il y a" in text and "Source" in text
    assert re.search(r"\d\d:\d\d \((\+\d+ min|-1 min|à l'heure)\) .{0,80}temps réel", text)
    # another day: the timetable's times only, real time is about today's trips
    other = demo.server.test_client().get(f"/tableaux-de-bord/transports?arret={busy}&date=2026-12-09&heure=08:11")
    said = re.sub(r"<[^>]+>", " ", other.get_data(as_text=True))
    assert "temps réel reçu" not in said and not re.search(r"\d\d:\d\d \((\+\d+ min|-1 min|à l'heure)\)", said)
    assert "théorique" in said


def test_pres_de_chez_moi_says_the_expected_times_and_their_age(demo, at_eight):
    from components.portal import current_portal
    from features.proximite import draw as near_draw
    from features.proximite.data import Place
    from features.proximite.reponses import stops
    from features.transports.network import network

    with demo.server.test_request_context("/"):
        portal = current_portal()
        refresher.step(portal.cache, refresher.feeds_of(portal.repository.catalogue),
                       get=routes.local_get(demo.server))
        net = network(portal.repository.table("reseau-astuce-gtfs"))
        busiest = int((net.stop_rows[1:] - net.stop_rows[:-1]).argmax())
        place = Place(label="ici", lat=float(net.stops.at[busiest, "lat"]), lon=float(net.stops.at[busiest, "lon"]))
        block = stops(portal.repository, place, clock.now_paris())
    nearest = block.lines[0]
    assert nearest["age"] is not None and nearest["age"] >= 0
    said = [d["expected"] for line in block.lines for d in line["departures"] if d["expected"]]
    assert said and all(" min)" in s or "(à l'heure)" in s or "(supprimé)" in s for s in said)
    drawn = str(near_draw._stops(block))
    assert "temps réel reçu il y a" in drawn and "Source" in drawn
