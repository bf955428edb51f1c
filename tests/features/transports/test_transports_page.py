"""The Transports dashboard on the demo feed, on the real Péribus feed, with the real Rouen feed that lacks its
timetables, and in the browser."""
from __future__ import annotations

import datetime as dt
import json
import urllib.parse

import pytest

from features.transports import data as T
from tests.helpers.apps import find_all, free_port, make_app, render_page, text_of
from tests.helpers.browser import NO_VIOLATION, assert_clean_console, axe_at_both_widths, open_page

PATH = "/tableaux-de-bord/transports"
TUESDAY = dt.date(2026, 11, 17)


@pytest.fixture(scope="module")
def demo_app():
    return make_app(TILE_URL="")


def cards(layout) -> dict[str, str]:
    return {text_of(c["props"]["children"][0]): text_of(c["props"]["children"][1])
            for c in find_all(layout, lambda n: n["props"].get("className") == "kpi-card")}


def section_of(layout, heading_id: str):
    return find_all(layout, lambda n: n["props"].get("aria-labelledby") == heading_id)[0]


def network_of(app, dataset_id="reseau-astuce-gtfs"):
    return T.network(app.server.extensions["portail"].repository.table(dataset_id))


def test_the_day_figures_timetable_and_departures_on_the_page(demo_app):
    layout = render_page(demo_app, PATH, "?date=2026-11-17&ligne=T1&sens=1&arret=THEAT&heure=08:00")["layout"]
    net = network_of(demo_app)
    figures = T.day_figures(net, TUESDAY)
    shown = cards(layout)
    assert shown["voyages"] == f"{figures.trips:,}".replace(",", "\u202f")
    assert shown["départs"] == f"{figures.departures:,}".replace(",", "\u202f")
    assert shown["lignes en service"] == str(figures.lines)
    # the line's grid: the stops and the first trips of the day, as data_access computes them
    line = section_of(layout, "transports-ligne-titre")
    grid = T.timetable(net, T.route_code(net, "T1"), 1, TUESDAY)
    table = find_all(line, lambda n: n.get("type") == "Table" and "timetable" in n["props"].get("className", ""))[0]
    rows = find_all(table, lambda n: n.get("type") == "Tr")
    assert text_of(rows[0]).split()[1:4] == [T.clock(s) for s in grid.starts[:3]]
    assert text_of(rows[1]).startswith(grid.stops["name"].iloc[0])
    # the stop's next departures, all lines, from 08:00
    stop = section_of(layout, "transports-arret-titre")
    expected = T.next_departures(net, T.stop_group(net, "THEAT"), TUESDAY, 8 * 3600)
    departures = find_all(stop, lambda n: n.get("type") == "Table")[0]
    first = find_all(departures, lambda n: n.get("type") == "Tr")[1]
    assert text_of(first) == f"{T.clock(expected['time'].iloc[0])} {net.routes.at[expected['route'].iloc[0], 'name']} " \
                             f"{expected['headsign'].iloc[0]}"
    hrefs = [n["props"]["href"] for n in find_all(stop, lambda n: str(n["props"].get("href", "")).startswith(
        "/export/reseau-astuce-gtfs/departs."))]
    assert hrefs and "arret=THEAT" in hrefs[0] and "heure=08%3A00" in hrefs[0]
    assert "Couverture des communes" in text_of(layout) and "à moins de 300 m" in text_of(layout)


def test_a_day_outside_the_feed_shows_the_nearest_one(demo_app):
    text = text_of(render_page(demo_app, PATH, "?date=2030-01-03")["layout"])
    assert "le 03/01/2030 est hors de la période couverte par le réseau" in text
    assert "Chiffres clés du 1er juillet 2027" in text  # the last Thursday of the feed


def test_wrong_parameters_are_notices(demo_app):
    text = text_of(render_page(demo_app, PATH, "?date=hier&mode=fusee&heure=99:00&rayon=42&arret=NULLE&q=x")
                   ["layout"])
    for part in ("« hier » n'est pas une date AAAA-MM-JJ", "« fusee » n'est pas un mode de ce réseau",
                 "« 99:00 » n'est pas une heure HH:MM", "300 ou 500 (mètres) attendu",
                 "L'arrêt « NULLE » n'est pas dans ce réseau", "q : ce paramètre n'a pas de sens"):
        assert part in text, part


def test_a_mode_keeps_its_lines(demo_app):
    layout = render_page(demo_app, PATH, "?date=2026-11-17&mode=tram")["layout"]
    net = network_of(demo_app)
    assert cards(layout)["lignes en service"] == str(T.day_figures(net, TUESDAY, "tram").lines)
    options = [o["value"] for n in find_all(layout, lambda n: n["props"].get("id") == {"type": "transports-choix",
                                                                                         "param": "ligne"})
               for o in n["props"]["options"]]
    assert options and all(net.routes.at[T.route_code(net, o), "mode"] == "tram" for o in options)


def test_the_extracts_of_a_timetable_and_of_departures(demo_app):
    client = demo_app.server.test_client()
    response = client.get("/export/reseau-astuce-gtfs/horaires.json?ligne=T1&sens=0&date=2026-11-17"
                          "&vue=/tableaux-de-bord/transports")
    data = json.loads(response.get_data())
    net = network_of(demo_app)
    grid = T.timetable(net, T.route_code(net, "T1"), 0, TUESDAY)
    assert data["metadata"]["filters"][1] == "Jour de service : 17/11/2026"
    assert data["metadata"]["permalink"].startswith("http://localhost/tableaux-de-bord/transports?ligne=T1")
    assert [r["arret"] for r in data["records"]] == grid.stops["name"].tolist()
    assert data["records"][0]["depart_1"] == T.clock(grid.starts[0])
    bad = client.get("/export/reseau-astuce-gtfs/departs.csv?arret=THEAT&date=2026-02-30")
    assert bad.status_code == 400 and "date" in bad.get_json()["erreur"]


REAL_ENTRIES = """
[[dataset]]
id = "peribus"
title = "Péribus (réseau réel)"
theme = "Transports"
format = "gtfs"
path = "gtfs_perigueux_peribus"
dashboard = "transports"

[[dataset]]
id = "astuce-reel"
title = "Astuce (réseau réel, sans horaires)"
theme = "Transports"
format = "gtfs"
path = "gtfs_rouen_astuce"
dashboard = "transports"
"""


@pytest.fixture
def real_app(realdata, tmp_path):
    for name in ("gtfs_perigueux_peribus", "gtfs_rouen_astuce"):
        (tmp_path / name).symlink_to(realdata / name)
    (tmp_path / "catalogue.toml").write_text(REAL_ENTRIES, encoding="utf-8")
    return make_app(tmp_path, TILE_URL="")


def test_the_real_peribus_feed_drives_every_part(real_app):
    net = network_of(real_app, "peribus")
    day = dt.date(2026, 1, 13)  # a Tuesday of its period
    stop = str(net.stops["stop_id"].iloc[int(T.served_stops(net, day)[0])])  # quoted ids with « : »
    route = str(net.routes.at[int(net.trips.at[int(net.st_trip[net.stop_order[net.stop_rows[
        T.stop_group(net, stop)[0]]]]), "route"]), "route_id"])
    search = "?" + urllib.parse.urlencode({"date": day.isoformat(), "ligne": route, "arret": stop, "heure": "06:00"})
    layout = render_page(real_app, PATH, search)["layout"]
    text = text_of(layout)
    figures = T.day_figures(net, day)
    assert cards(layout)["voyages"] == f"{figures.trips:,}".replace(",", "\u202f") and figures.trips > 0
    assert "en ligne droite d'un arrêt au suivant (le réseau ne publie pas de tracés)" in text  # no shapes.txt
    assert "Prochains départs à" in text and "Grille horaire" in text
    lines = real_app.server.test_client().get("/api/lignes/peribus.geojson")
    assert lines.status_code == 200 and len(json.loads(lines.get_data())["features"]) > 0


def test_the_real_rouen_feed_without_timetables_says_so(real_app):
    layout = render_page(real_app, PATH, "?jeu=astuce-reel")["layout"]
    text = text_of(layout)
    assert "Le réseau « Astuce (réseau réel, sans horaires) » ne peut pas être affiché" in text
    assert "stop_times.txt" in text
    health = real_app.server.test_client().get("/healthz").get_json()
    assert health["status"] == "degraded" and "stop_times.txt" in json.dumps(health, ensure_ascii=False)


def test_a_line_a_stop_and_a_date_in_the_browser(dash_duo):
    app = make_app(TILE_URL="")
    dash_duo.start_server(app, port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    open_page(dash_duo, f"{PATH}?date=2026-11-17")
    dash_duo.wait_for_text_to_equal("h1", "Tableau de bord Transports")
    net = network_of(app)
    # pick a line: its timetable
    dash_duo.find_element("[id*='\"param\":\"ligne\"']").click()
    search = dash_duo.wait_for_element(".dash-dropdown-search")
    search.send_keys("T2")
    dash_duo.wait_for_element(".dash-dropdown-option").click()
    dash_duo.wait_for_contains_text(".line-title", "T2")
    grid = T.timetable(net, T.route_code(net, "T2"), 0, TUESDAY)
    dash_duo.wait_for_contains_text(".timetable thead", T.clock(grid.starts[0]))
    assert "ligne=T2" in dash_duo.driver.current_url
    # search a stop and open its departures
    box = dash_duo.find_element("[id*='\"param\":\"recherche\"']")
    box.send_keys("theatre\n")
    link = dash_duo.wait_for_element(".stop-results a")
    assert link.text == "Théâtre des Arts"
    link.click()
    dash_duo.wait_for_contains_text("#transports-departs", "Prochains départs à Théâtre des Arts")
    # another day than today: from 06:00, every line at the stop and its platforms
    expected = T.next_departures(net, T.stop_group(net, "THEAT"), TUESDAY, 6 * 3600)
    first = dash_duo.find_elements(".departures tbody tr")[0].text
    assert first == f"{T.clock(expected['time'].iloc[0])} {net.routes.at[expected['route'].iloc[0], 'name']} " \
                    f"{expected['headsign'].iloc[0]}"
    assert len(dash_duo.find_elements(".departures tbody tr")) == len(expected)
    # change the date: the figures follow
    date = dash_duo.find_element("[id*='\"param\":\"date\"']")
    date.clear()
    date.send_keys("2026-11-21\n")
    dash_duo.wait_for_contains_text("section[aria-labelledby='transports-chiffres']", "21 novembre 2026")
    saturday = T.day_figures(net, dt.date(2026, 11, 21))
    assert f"{saturday.trips:,}".replace(",", "\u202f") in dash_duo.find_element(".kpi-list").text
    # the permalink gives the same view
    query = urllib.parse.parse_qs(urllib.parse.urlparse(dash_duo.driver.current_url).query)
    assert query["date"] == ["2026-11-21"] and query["ligne"] == ["T2"] and query["arret"] == ["THEAT"]
    dash_duo.driver.get(dash_duo.driver.current_url)
    dash_duo.wait_for_contains_text("#transports-departs", "Prochains départs à Théâtre des Arts")
    dash_duo.wait_for_contains_text(".line-title", "T2")
    dash_duo.wait_for_element("#transports-par-heure .main-svg[aria-hidden='true']")
    assert axe_at_both_widths(dash_duo) == NO_VIOLATION
    assert_clean_console(dash_duo)


def test_forged_map_cards_fall_back_to_the_record(demo_app):
    from components.dataset_tabs import map_card
    from features.transports.draw import stop_card

    chantiers = demo_app.server.extensions["portail"].repository.table("chantiers")
    assert map_card(chantiers, 0, {"kind": "transports"}).children[0].children == "Fiche de l'objet choisi"
    stops = demo_app.server.extensions["portail"].repository.table("reseau-astuce-gtfs")
    card = stop_card(stops, 0, {"lien": "//ailleurs.example/x?date=2026-11-17"})
    link = next(c for c in card.children if getattr(c, "href", None))
    assert link.href.startswith("?arret=") and "ailleurs" not in link.href  # another site's link is dropped
