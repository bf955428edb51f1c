"""The Transports dashboard's own pieces: line badges, the timetable grid, next departures, a stop's card,
the network's lines on the map and the coverage of the communes (pure builders)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import dash_leaflet as dl
from dash import dcc, html

from components.chart import rows_table
from components.choropleth import commune_map, shade_hideout, shade_legend, shaded_layer
from components.dataset_tabs import CLUSTER_RADIUS, OVERLAY_PANE, RECORD_CARDS, record_card
from components.tables import scroll_table
from data_access.french import format_int
from features.transports import data as T
from features.transports.live import age_words
from features.transports.live import expected_words as live_words

TIMETABLE_TRIPS = 20  # trips shown at once in the grid; « plus tôt » / « plus tard » move the window


def badge(net, route: int) -> html.Span:
    """A line's name in its colours: the name says it, the colour only helps."""
    row = net.routes.iloc[route]
    background, text = T.badge_colours(row["color"], row["text_color"])
    return html.Span(row["name"], className="line-badge", style={"backgroundColor": background, "color": text})


def timetable_grid(net, grid: T.Timetable, first: int, href_of) -> html.Div:
    """Stops down, trips across, from trip `first` on (TIMETABLE_TRIPS of them), as printed at a stop."""
    columns = list(range(first, min(first + TIMETABLE_TRIPS, len(grid.trips))))
    head = html.Tr([html.Th("Arrêt", scope="col")] + [
        html.Th(T.clock(grid.starts[k]), scope="col", className="trip-head") for k in columns])
    cells = grid.cells(columns)
    body = [html.Tr([html.Th(name, scope="row")] + [html.Td(cell or "—") for cell in cells[i]])
            for i, name in enumerate(grid.stops["name"])]
    moves = []
    if first > 0:
        moves.append(dcc.Link("← départs plus tôt", href=href_of(max(0, first - TIMETABLE_TRIPS))))
    if first + TIMETABLE_TRIPS < len(grid.trips):
        moves.append(dcc.Link("départs plus tard →", href=href_of(first + TIMETABLE_TRIPS)))
    shown = f"départs {first + 1} à {columns[-1] + 1} sur {format_int(len(grid.trips))}" if columns else "aucun départ"
    return html.Div([
        html.P([shown, *[html.Span([" · ", m]) for m in moves]], className="timetable-moves"),
        scroll_table(html.Table([html.Caption(f"Horaires ({shown}) ; « — » : le voyage ne dessert pas cet arrêt"),
                                 html.Thead(head), html.Tbody(body)], className="table table-sm timetable"),
                     "Grille horaire", "timetable-scroll"),
    ])


def _source(row) -> str:
    """Where a departure's time comes from, in words (never colour alone)."""
    if row.realtime:
        return "temps réel"
    return "théorique (temps réel non fiable sur cette ligne)" if row.untrusted else "théorique"


def departures_table(net, data, age: int | None = None) -> html.Div:
    """The next departures; with real time (live.with_live's columns), each one's expected time and delay or
    « supprimé », and where its time comes from; `age`: how old the real time is, in seconds."""
    if data.empty:
        return html.P("Aucun départ après cette heure ce jour-là.", className="notice-params")
    # real time shown when it says something today: its age is known, or a departure is cancelled
    live = "expected" in data and (age is not None or bool((data["status"] != "").any()))
    head = ["Heure", "Ligne", "Direction"] + (["Source"] if live else [])
    rows = [html.Tr([html.Td(live_words(r) if live and (r.realtime or r.status) else T.clock(r.time),
                             className="departure-cancelled"
                             if live and r.status else None),
                     html.Td(badge(net, r.route)), html.Td(r.headsign or "—")]
                    + ([html.Td(_source(r))] if live else []))
            for r in data.itertuples()]
    caption = "Prochains départs" + (f" (temps réel reçu {age_words(age)})" if live and age is not None else "")
    return scroll_table(html.Table([html.Caption(caption),
                                    html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
                                    html.Tbody(rows)], className="table table-sm departures"), "Prochains départs")


def alerts_block(alerts, heading: str = "Perturbations") -> html.Section | None:
    """The active alerts in French: each one's title and text."""
    if not alerts:
        return None
    return html.Section([html.H4(heading), html.Ul([html.Li([html.Strong(a.header or "Perturbation"),
                                                            html.Span(f" : {a.description}") if a.description
                                                            else None]) for a in alerts])],
                        className="notice-alerts", role="status", **{"aria-label": heading})


WHEELCHAIR = {0: "non renseigné", 1: "oui", 2: "non"}


def stop_card(table, position: int, card: dict) -> html.Div:
    """A stop clicked on the map: its name, the lines serving it, wheelchair boarding, a link to its departures."""
    if "gtfs" not in table.extra or "stop_id" not in table.frame:  # not a feed's stops (a forged request)
        return record_card(table, position)
    net = T.network(table)
    stop_id = str(table.frame.iloc[position]["stop_id"])
    codes = T.stop_group(net, stop_id)
    routes = T.routes_at(net, codes)
    chair = WHEELCHAIR.get(int(net.stops.at[int(codes[0]), "wheelchair"]), "non renseigné") if len(codes) else \
        "non renseigné"
    link = card.get("lien")
    page = link if isinstance(link, str) and link.startswith("/") and not link.startswith("//") else ""
    pairs = [(k, v) for k, v in parse_qsl(page.partition("?")[2]) if k != "arret"] + [("arret", stop_id)]
    return html.Article([
        html.H3(net.stops.at[int(codes[0]), "name"] if len(codes) else stop_id),
        html.P(["Lignes : ", *[badge(net, r) for r in routes.index]] if len(routes) else "Aucune ligne ne dessert "
               "cet arrêt dans le fichier."),
        html.P(f"Accès en fauteuil roulant : {chair}"),
        dcc.Link("Voir les prochains départs de cet arrêt", href=page.partition("?")[0] + "?" + urlencode(pairs)),
    ], className="site-card")


RECORD_CARDS["transports"] = stop_card  # a click on a stop of the Transports map opens this card


def lines_overlay(dataset_id: str, version: str, mode: str | None) -> dl.Overlay:
    """The network's lines in their colours, under the stops; a mode filter keeps only its lines."""
    return dl.Overlay(dl.GeoJSON(url=f"/api/lignes/{dataset_id}.geojson?v={version}", pane=OVERLAY_PANE,
                                 hideout={"mode": mode or ""}, style={"variable": "portail.carte.ligne"},
                                 filter={"variable": "portail.carte.ligneDuMode"},
                                 onEachFeature={"variable": "portail.carte.nomDeLigne"}),
                      name="Lignes du réseau", checked=True)


def point_overlay(dataset, version: str, name: str) -> dl.Overlay:
    """Another dataset's points (bike stations, parkings), clustered, as a layer the reader can switch on."""
    return dl.Overlay(dl.GeoJSON(url=f"/api/geo/{dataset.id}.geojson?v={version}", cluster=True,
                                 pointToLayer={"variable": "portail.carte.point"},
                                 superClusterOptions={"radius": CLUSTER_RADIUS}), name=name, checked=False)


def coverage_view(map_id: str, outlines, version: str, data, radius: int, tile_url: str) -> html.Div:
    """The communes shaded by the share of their population near a served stop, with the ranking in words."""
    size = len(outlines[1])
    texts = [""] * size
    for r in data.itertuples():
        texts[r.row] = f"{r.name} : {r.share:.0f} % à moins de {radius} m d'un arrêt desservi".replace(".", ",")
    hideout, bounds = shade_hideout(data["row"], data["share"], texts, size)
    layer = shaded_layer(f"/api/geo/{outlines[0].id}.geojson?v={version}", hideout, zoomToBounds=True)
    legend = shade_legend(f"Part de la population à moins de {radius} m", bounds,
                          lambda v: f"{v:.0f} %".replace(".", ","), none="0 %")
    ranked = data.sort_values("share", ascending=False)
    rows = [[r.name, f"{r.share:.0f} %", format_int(r.population) if r.population == r.population else "—",
             format_int(r.covered) if r.covered == r.covered else "—"] for r in ranked.itertuples()]
    return html.Div([
        commune_map(map_id, [layer], tile_url, height="50vh"),
        html.P(legend, className="map-legend-communes"),
        rows_table(["Commune", f"Part à moins de {radius} m", "Population", "Habitants concernés (estimation)"],
                   rows, f"Communes classées par part de la population à moins de {radius} m d'un arrêt desservi",
                   summary="Voir le classement des communes"),
    ])
