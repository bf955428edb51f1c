"""/tableaux-de-bord/transports: a GTFS network on a chosen day — key figures, map, a line's timetable, a stop's
next departures and the coverage of the communes. Every choice lives in the URL."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
import numpy as np
from dash import ALL, Input, Output, State, callback, dcc, html

from components import dataset_tabs
from components.chart import chart_card
from features.contributions.draw import dashboard_layout
from components.controls import (LOCATION, dataset_picker, dataset_search, dropdown_field, shown_values,
                                 user_changes)
from components.download import TABLE_FORMATS, download_menu
from components.filter_panel import new_search, replace_params
from components.impression import print_button, print_header, source_words
from data_access.french import format_date, format_int, plural
from components.kpi import kpi_list
from components.notices import notices, unavailable
from components.shell import section
from features.transports.draw import (badge, coverage_view, departures_table, lines_overlay, point_overlay,
                                   timetable_grid)
from features.transports import data as T
from data_access.analysis import ChartSpec
from data_access.clock import now_paris
from data_access.extracts.writers import formats_for
from data_access.geometry.geo import commune_outlines
from data_access.portal import current_portal
from data_access.query import FilterError, last, query_pairs
from data_access.repository import DatasetUnavailable, pick_dataset

PATH = "/tableaux-de-bord/transports"
dash.register_page(__name__, path=PATH, name="Transports", title="Tableau de bord — Transports", nav_order=40,
                   description="Le réseau, ses horaires et sa couverture, d'après le GTFS")

CHOICE = "transports-choix"
CAPACITY_ROLES = ("docks", "spaces", "capacity")  # bike stations, car parks, other places with a capacity
PARAMS = ("jeu", "date", "mode", "ligne", "sens", "depart", "recherche", "arret", "heure", "rayon")


class Ids:
    """This page's ids, in one place."""

    DATASET = "transports-jeu"
    FIGURES = "transports-chiffres"
    MAP = "transports-carte"
    LINE = "transports-ligne"
    TIMETABLE = "transports-horaires"
    PER_HOUR = "transports-par-heure"
    STOP = "transports-arret"
    DEPARTURES = "transports-departs"
    COVERAGE = "transports-couverture"
    COVERAGE_MAP = "transports-couverture-carte"
    METHOD = "transports-methode"
    EXPORT_STOPS = "transports-export-arrets"
    SHOWN = "transports-valeurs-affichees"


# The sections other sites can embed (/integrer/tableaux-de-bord/transports/<key>): heading id, kind of view.
EMBEDS = {"chiffres": (Ids.FIGURES, "figures"), "carte": (f"{Ids.MAP}-titre", "map"),
          "couverture": (f"{Ids.COVERAGE}-titre", "map")}


def choice_id(param: str) -> dict:
    return {"type": CHOICE, "param": param}


def _unavailable(message: str, picker=None) -> html.Div:
    return unavailable("Tableau de bord Transports", message, picker)


def layout(**params):
    """The dashboard, each section that other sites can embed with its « Intégrer » disclosure."""
    return dashboard_layout(draw, "transports", PATH, EMBEDS, params)


def draw(**params):
    """The dashboard for these parameters (its sections are also drawn alone by /integrer/…)."""
    portal = current_portal()
    repository = portal.repository
    choices = [d for d in repository.catalogue.datasets if d.dashboard == "transports" and d.format == "gtfs"]
    if not choices:
        return _unavailable("Aucun réseau GTFS n'alimente ce tableau de bord : il faut une entrée du catalogue avec "
                            "format = \"gtfs\" et dashboard = \"transports\".")
    dataset, table, reason, errors = pick_dataset(repository, choices, last(params.get("jeu")))
    picker = dataset_picker(choices, dataset, Ids.DATASET)
    if table is None:
        return _unavailable(f"Le réseau « {dataset.title} » ne peut pas être affiché : {reason}.", picker)
    net = T.network(table)
    errors += [FilterError(k, "ce paramètre n'a pas de sens sur ce tableau de bord ; il est ignoré")
               for k in params if k not in PARAMS]
    now = now_paris()
    asked = T.parse_day(last(params.get("date")))
    if last(params.get("date")) and asked is None:
        errors.append(FilterError("date", f"« {last(params.get('date'))} » n'est pas une date AAAA-MM-JJ ; la date "
                                          "du jour est utilisée"))
    day, day_note = T.service_day(net, asked or now.date())
    modes = T.modes(net)
    mode = last(params.get("mode")) or None
    if mode and mode not in modes:
        errors.append(FilterError("mode", f"« {mode} » n'est pas un mode de ce réseau ; tous les modes sont affichés"))
        mode = None
    heure = T.parse_clock(last(params.get("heure")))
    if last(params.get("heure")) and heure is None:
        errors.append(FilterError("heure", f"« {last(params.get('heure'))} » n'est pas une heure HH:MM"))
    if heure is None:
        heure = now.hour * 3600 + now.minute * 60 if day == now.date() else 6 * 3600
    current = [(k, v) for k, v in query_pairs(params) if k in PARAMS]

    def href(**changes) -> str:
        pairs = [(k, v) for k, v in current if k not in changes] + [(k, str(v)) for k, v in changes.items()
                                                                     if v is not None]
        return PATH + ("?" + urlencode(pairs) if pairs else "")

    figures = T.day_figures(net, day, mode)
    km_source = "d'après les tracés des lignes (shapes.txt)" if figures.km_from_shapes else \
        "en ligne droite d'un arrêt au suivant (le réseau ne publie pas de tracés)"
    items = [
        (format_int(figures.lines), "lignes en service", "lignes dont au moins un voyage circule ce jour-là"),
        (format_int(figures.stops), "arrêts desservis", "arrêts où au moins un voyage s'arrête ce jour-là"),
        (format_int(figures.trips), "voyages", "courses d'un terminus à l'autre ce jour-là"),
        (format_int(figures.departures), "départs", "passages où l'on peut monter (terminus d'arrivée exclus)"),
        (f"{figures.service_hours:,.0f}".replace(",", "\u202f"), "heures de service",
         "durée cumulée des voyages, du premier départ à la dernière arrivée"),
        (f"{figures.vehicle_km:,.0f}\u202fkm".replace(",", "\u202f"), "kilomètres parcourus", f"somme des voyages, "
                                                                                              f"{km_source}"),
    ]
    # the parts first: their parameters' notices go in the list shown at the top
    shown = {"date": day.isoformat(), "mode": mode, "jeu": dataset.id}  # what each control shows, filled below
    line_parts = _line_view(net, dataset, params, day, mode, href, shown)
    stop_parts = _stop_view(net, dataset, formats_for(table), params, day, heure, href, shown)
    coverage_parts = _coverage(repository, net, params, day, portal.settings.tile_url, errors, shown)
    mode_words = f" — {T.mode_label(mode)}" if mode else ""
    validity = f"du {format_date(net.first_date)} au {format_date(net.last_date)}" if net.first_date else \
        "période non précisée"
    return html.Div([
        html.H1("Tableau de bord Transports"),
        html.P(f"Le réseau {dataset.title}, ses horaires et sa couverture, d'après son fichier GTFS (valable "
               f"{validity})" + (f", données au {format_date(dataset.modified)}" if dataset.modified else "")
               + (" — données de démonstration." if dataset.demo else "."), className="lead"),
        print_header("Tableau de bord Transports", f"jour de service : {format_date(day)}" + (
            f", données au {format_date(dataset.modified)}" if dataset.modified else ""),
            f"réseau {dataset.title}{mode_words}", source_words([dataset])),
        html.Div(print_button("le tableau de bord"), className="page-tools"),
        picker,
        html.Div([
            html.Label(["Jour (AAAA-MM-JJ)", dcc.Input(id=choice_id("date"), type="text", value=day.isoformat(),
                                                       debounce=True, className="form-control form-control-sm")],
                       className="chart-control"),
            dropdown_field("Mode", id=choice_id("mode"), value=mode or "", clearable=False, searchable=False,
                           options=[{"label": "tous les modes", "value": ""}] +
                           [{"label": T.mode_label(m), "value": m} for m in modes]),
        ], className="chart-controls transports-controls"),
        html.P(day_note, className="notice-params", role="status") if day_note else None,
        notices(errors),
        dcc.Store(id=dataset_tabs.DATASET_STORE_ID, data=dataset.id),
        shown_values(Ids.SHOWN, shown),
        section(f"Chiffres clés du {format_date(day)}{mode_words}", Ids.FIGURES, kpi_list(items)),
        section("Carte du réseau", f"{Ids.MAP}-titre", _map(repository, dataset, table, net, mode, href())),
        section("Une ligne", f"{Ids.LINE}-titre", *line_parts),
        section("Un arrêt", f"{Ids.STOP}-titre", *stop_parts),
        section("Couverture des communes", f"{Ids.COVERAGE}-titre", *coverage_parts),
        section("Méthode", f"{Ids.METHOD}-titre", _method(net, dataset, km_source)),
    ])


def _map(repository, dataset, table, net, mode, page_href):
    served = T.stops_of_mode(net, mode) if mode else np.arange(len(table))
    overlays = [lines_overlay(dataset.id, repository.version(dataset.id), mode)]
    for other in repository.catalogue.datasets:
        if other.id != dataset.id and any(other.role_field(r) for r in CAPACITY_ROLES) and not repository.unavailable_reason(other.id):
            try:
                if repository.served(other.id).geometry_field is not None:  # its manifest, not its rows
                    overlays.append(point_overlay(other, repository.version(other.id), other.title))
            except DatasetUnavailable:
                continue
    return dataset_tabs.map_view(
        dataset, table, served, "", repository.version(dataset.id), current_portal().settings.tile_url,
        overlays=overlays, card={"kind": "transports", "lien": page_href},
        help_text=["au clavier, cherchez l'arrêt dans la partie « Un arrêt » plus bas."])


def _line_view(net, dataset, params, day, mode, href, shown: dict) -> list:
    routes = T.ordered_routes(net)
    if mode:
        routes = routes[routes["mode"] == mode]
    route = T.route_code(net, last(params.get("ligne")))
    if route is None or route not in routes.index:
        route = int(routes.index[0]) if len(routes) else None
    if route is None:
        return [html.P("Aucune ligne pour ce mode.")]
    ways = T.directions(net, route)
    try:
        direction = int(last(params.get("sens")) or ways[0][0])
    except ValueError:
        direction = ways[0][0]
    if direction not in dict(ways):
        direction = ways[0][0]
    grid = T.timetable(net, route, direction, day)
    shown.update(ligne=net.routes.at[route, "route_id"], sens=direction)
    try:
        first = max(0, min(int(last(params.get("depart")) or 0), max(len(grid.trips) - 1, 0)))
    except ValueError:
        first = 0
    gaps = T.intervals(grid.starts)
    minutes = lambda v: "—" if v is None else f"{v:.0f} min" if v >= 1 else "moins d'une minute"  # noqa: E731
    items = [
        (T.clock(grid.starts.min()) if len(grid.starts) else "—", "premier départ", "du premier arrêt de la ligne"),
        (T.clock(grid.starts.max()) + (" (après minuit)" if len(grid.starts) and grid.starts.max() >= T.DAY else "")
         if len(grid.starts) else "—", "dernier départ", "du premier arrêt de la ligne"),
        (minutes(gaps["peak"]), "intervalle moyen en pointe", "entre deux départs, 7 h–9 h et 16 h 30–18 h 30"),
        (minutes(gaps["off_peak"]), "intervalle moyen en heures creuses", "entre deux départs, 9 h–16 h 30"),
    ]
    per_hour = T.departures_per_hour(grid)
    summary = T.per_hour_summary(per_hour, len(grid.trips), net.routes.at[route, "name"], dict(ways)[direction])
    controls = html.Div([
        dropdown_field("Ligne", id=choice_id("ligne"), value=str(net.routes.at[route, "route_id"]), clearable=False,
                       searchable=True, options=[{"label": T.route_label(net, r), "value": str(net.routes.at[r,
                                                                                                          "route_id"])}
                                                 for r in routes.index]),
        dropdown_field("Direction", id=choice_id("sens"), value=str(direction), clearable=False, searchable=False,
                       options=[{"label": name, "value": str(d)} for d, name in ways]),
    ], className="chart-controls")
    stops = html.Ol([html.Li(name) for name in grid.stops["name"]], className="line-stops")
    extract = urlencode([("ligne", net.routes.at[route, "route_id"]), ("sens", direction),
                         ("date", day.isoformat()), ("vue", href())])
    return [
        controls,
        html.P([badge(net, route), f" {T.route_label(net, route)} — {dict(ways)[direction]}"], className="line-title"),
        kpi_list(items),
        html.Details([html.Summary(f"Les {plural(len(grid.stops), 'arrêt')} de la ligne, dans l'ordre"), stops],
                     className="chart-data") if len(grid.stops) else None,
        html.H3("Grille horaire"),
        timetable_grid(net, grid, first, lambda k: href(depart=k)) if len(grid.trips) else
        html.P("Aucun départ dans cette direction ce jour-là.", className="notice-params"),
        download_menu(f"{dataset.id}/horaires", TABLE_FORMATS, extract, len(grid.stops), menu_id=Ids.TIMETABLE)
        if len(grid.trips) else None,
        html.Div([  # on paper, the heading stays with its chart
            html.H3("Départs par heure"),
            chart_card(Ids.PER_HOUR, per_hour, ChartSpec(chart="bar", x="heure"), summary, "Départs", "Heure", None)
            if len(per_hour) else html.P("Aucun départ.", className="notice-params"),
        ], className="print-keep"),
    ]


def _stop_view(net, dataset, formats, params, day, heure, href, shown: dict) -> list:
    text = last(params.get("recherche")) or ""
    shown.update(recherche=text, heure=T.clock(heure))
    found = T.search_stops(net, text) if text else None
    stop_id = last(params.get("arret"))
    codes = T.stop_group(net, str(stop_id)) if stop_id else np.array([], dtype=int)
    parts: list = [html.Div([
        html.Label(["Rechercher un arrêt (sans accents ni majuscules)",
                    dcc.Input(id=choice_id("recherche"), type="search", value=text, debounce=True,
                              className="form-control form-control-sm", placeholder="ex. : theatre")],
                   className="chart-control"),
        html.Label(["À partir de (HH:MM)", dcc.Input(id=choice_id("heure"), type="text", value=T.clock(heure),
                                                     debounce=True, className="form-control form-control-sm")],
                   className="chart-control"),
    ], className="chart-controls")]
    if found is not None:
        if found.empty:
            parts.append(html.P(f"Aucun arrêt ne contient « {text} ».", className="notice-params"))
        else:
            parts.append(html.Ul([html.Li(dcc.Link(name, href=href(arret=stop)))
                                  for stop, name in zip(found["stop_id"], found["name"])], className="stop-results"))
            parts.append(download_menu(dataset.id, formats, urlencode(
                [("q", text), ("vue", href())]), len(found), menu_id=Ids.EXPORT_STOPS))
    if stop_id and not len(codes):
        parts.append(html.P(f"L'arrêt « {stop_id} » n'est pas dans ce réseau.", className="notice-params"))
    if len(codes):
        name = net.stops.at[int(codes[0]), "name"]
        data = T.next_departures(net, codes, day, heure)
        routes = T.routes_at(net, codes)
        parts += [
            html.H3(f"Prochains départs à {name}", id=Ids.DEPARTURES),
            html.P(["Lignes : ", *[badge(net, r) for r in routes.index]]) if len(routes) else None,
            html.P(f"{format_date(day)}, à partir de {T.clock(heure)}, toutes lignes confondues.", role="status"),
            departures_table(net, data),
            download_menu(f"{dataset.id}/departs", TABLE_FORMATS, urlencode(
                [("arret", stop_id), ("date", day.isoformat()), ("heure", T.clock(heure)), ("vue", href())]),
                len(data)),
        ]
    return parts


def _coverage(repository, net, params, day, tile_url, errors, shown: dict) -> list:
    outlines = commune_outlines(repository)
    if outlines is None:
        return [html.P("Pas de couverture : le catalogue n'a pas les contours des communes (rôle commune et formes).",
                       className="notice-params")]
    try:
        radius = int(last(params.get("rayon")) or T.COVERAGE_RADII[0])
    except ValueError:
        radius = -1
    if radius not in T.COVERAGE_RADII:
        errors.append(FilterError("rayon", "300 ou 500 (mètres) attendu ; 300 m est utilisé"))
        radius = T.COVERAGE_RADII[0]
    shown["rayon"] = radius
    data = T.commune_coverage(net, day, outlines[1], radius)
    total = data["population"].sum()
    share = data["covered"].sum() / total * 100 if total > 0 else None
    words = f"Au total, environ {share:.0f} % des habitants des communes vivent à moins de {radius} m d'un arrêt " \
            f"desservi le {format_date(day)}." if share is not None else ""
    return [
        dropdown_field("Distance à l'arrêt", id=choice_id("rayon"), value=str(radius), clearable=False,
                       searchable=False, options=[{"label": f"{r} m", "value": str(r)} for r in T.COVERAGE_RADII]),
        html.P(words, className="chart-summary"),
        coverage_view(Ids.COVERAGE_MAP, outlines, repository.version(outlines[0].id), data, radius, tile_url),
        html.P("Méthode : autour de chaque arrêt desservi ce jour-là, un cercle du rayon choisi ; la part de la "
               "surface de chaque commune couverte par ces cercles est prise pour la part de sa population, comme si "
               "les habitants étaient répartis uniformément dans la commune. C'est une approximation : elle sous-"
               "estime la couverture des communes dont les habitants vivent près des arrêts, et la distance est à "
               "vol d'oiseau, pas à pied.", className="method-note"),
    ]


def _method(net, dataset, km_source: str) -> html.Div:
    return html.Div([
        html.P("Jour de service : les voyages des calendriers du fichier (calendar.txt) ce jour de la semaine, entre "
               "leurs dates de début et de fin, plus les ajouts et moins les suppressions de calendar_dates.txt. Un "
               "voyage qui passe minuit (horaires comme 24:10) appartient au jour où il a commencé ; il apparaît "
               "dans les prochains départs du lendemain à 00:10. Les horaires GTFS comptent à partir de midi moins "
               "12 h : les jours de changement d'heure aussi, les heures affichées sont celles de l'horloge."),
        html.P(f"Kilomètres parcourus : {km_source}."),
        html.P("Grille horaire : les arrêts dans l'ordre du parcours le plus fréquent de la ligne dans cette "
               "direction, les autres arrêts insérés après l'arrêt qui les précède."),
        html.Ul([html.Li(note) for note in net.notes]) if net.notes else None,
    ])


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    Input({"type": CHOICE, "param": ALL}, "value"),
    State({"type": CHOICE, "param": ALL}, "id"),
    State(Ids.SHOWN, "data"),
    State(LOCATION, "search"),
    prevent_initial_call=True,
)
def change_choice(values, ids, shown, current):
    chosen = {i.get("param"): v for i, v in zip(ids, values) if isinstance(i, dict) and i.get("param") in PARAMS}
    changed = user_changes(chosen, shown)
    if len(changed) != 1:  # the page was drawn (nothing changed), or a forged request
        return dash.no_update
    (param, value), = changed.items()
    value = value if isinstance(value, (str, int)) else None
    # a new line starts at its first direction and departure; a new search forgets the chosen stop
    dropped = {"ligne": ("sens", "depart"), "sens": ("depart",), "date": ("depart",), "mode": ("ligne", "sens",
                                                                                               "depart")}
    owned = (param,) + dropped.get(param, ())
    return new_search(current, replace_params(current, {param: value}, owned))


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    Input(Ids.DATASET, "value"),
    State(Ids.SHOWN, "data"),
    prevent_initial_call=True,
)
def change_dataset(dataset_id, shown):
    """Another feed: its own lines and stops."""
    return dataset_search(dataset_id, shown, "")
