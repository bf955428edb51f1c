"""/tableaux-de-bord/transports: a GTFS network on a chosen day — key figures, map, a line's timetable, a stop's
next departures and the coverage of the communes. Every choice lives in the URL."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import ALL, dcc, html

from components.chart import chart_card
from components.controls import dataset_search, dropdown_field, replace_params, user_changes, writes_url
from components.download import TABLE_FORMATS, download_menu
from components.impression import print_button, print_header, source_words
from components.kpi import kpi_list
from components.notices import notices
from components.shell import section
from data_access.analysis import ChartSpec
from data_access.extracts.writers import formats_for
from data_access.french import format_date, plural
from features.contributions.draw import dashboard_layout
from features.historique.draw import DASHBOARD_FEEDS, dashboard_follow
from features.integration.draw_sections import dashboard_start, draw_section
from features.transports import data as T
from features.transports.draw import alerts_block, badge, departures_table, timetable_grid
from features.transports.live import stop_alerts
from features.transports.draw_sections import CHOICE, TABLEAU, Ids, choice_id
from features.transports.view import PARAMS, PATH, choices

DASHBOARD_FEEDS[PATH] = choices

dash.register_page(__name__, path=PATH, name="Transports", title="Tableau de bord — Transports", nav_order=40,
                   cache_layout="minute",  # the next departures: kept per URL, data version and minute
                   description="Le réseau, ses horaires et sa couverture, d'après le GTFS")


def layout(**params):
    """The dashboard, each section that other sites can embed with its « Intégrer » disclosure."""
    return dashboard_layout(draw, "transports", PATH, params)


def draw(**params):
    """The dashboard for these parameters, from its view model (its sections are also drawn alone by /integrer/…
    and the stories, from the same view model)."""
    start = dashboard_start(TABLEAU, "Tableau de bord Transports", Ids.DATASET, params)
    if start.page is not None:
        return start.page
    portal, vue, picker = start.portal, start.vue, start.picker
    dataset, net, day = vue.dataset, vue.net, vue.day

    def part(key: str):
        return draw_section(TABLEAU, key, vue, portal.settings.tile_url, params)

    validity = f"du {format_date(net.first_date)} au {format_date(net.last_date)}" if net.first_date else \
        "période non précisée"
    return html.Div([
        html.H1("Tableau de bord Transports"),
        # the dataset's title names the network already (« Réseau Astuce : … »): it is quoted, never prefixed
        html.P(f"Le réseau, ses horaires et sa couverture, d'après le fichier GTFS « {dataset.title} » (valable "
               f"{validity})" + (f", données au {format_date(dataset.modified)}" if dataset.modified else "")
               + (" — données de démonstration." if dataset.demo else "."), className="lead"),
        dashboard_follow(portal.repository, dataset),
        print_header("Tableau de bord Transports", f"jour de service : {format_date(day)}" + (
            f", données au {format_date(dataset.modified)}" if dataset.modified else ""),
            f"fichier GTFS « {dataset.title} »{vue.mode_words}", source_words([dataset])),
        html.Div(print_button("le tableau de bord"), className="page-tools"),
        picker,
        html.Div([
            html.Label(["Jour (AAAA-MM-JJ)", dcc.Input(id=choice_id("date"), type="text", value=day.isoformat(),
                                                       debounce=True, className="form-control form-control-sm")],
                       className="chart-control"),
            dropdown_field("Mode", id=choice_id("mode"), value=vue.mode or "", clearable=False, searchable=False,
                           options=[{"label": "tous les modes", "value": ""}] +
                           [{"label": T.mode_label(m), "value": m} for m in vue.modes]),
        ], className="chart-controls transports-controls"),
        html.P(vue.day_note, className="notice-params", role="status") if vue.day_note else None,
        notices(vue.errors),
        alerts_block(vue.live.alerts if vue.live else (), "Perturbations en cours sur le réseau"),
        *TABLEAU.stores(vue),
        part("chiffres"),
        part("carte"),
        section("Une ligne", f"{Ids.LINE}-titre", *_line_view(vue)),
        section("Un arrêt", f"{Ids.STOP}-titre", *_stop_view(vue, formats_for(vue.table))),
        part("couverture"),
        section("Méthode", f"{Ids.METHOD}-titre", _method(vue)),
    ])


def _line_view(vue) -> list:
    net, line, href = vue.net, vue.line, vue.href
    if line is None:
        return [html.P("Aucune ligne pour ce mode.")]
    route, ways, direction, grid, gaps = line.route, line.ways, line.direction, line.grid, line.gaps
    minutes = lambda v: "—" if v is None else f"{v:.0f} min" if v >= 1 else "moins d'une minute"  # noqa: E731
    items = [
        (T.clock(grid.starts.min()) if len(grid.starts) else "—", "premier départ", "du premier arrêt de la ligne"),
        (T.clock(grid.starts.max()) + (" (après minuit)" if len(grid.starts) and grid.starts.max() >= T.DAY else "")
         if len(grid.starts) else "—", "dernier départ", "du premier arrêt de la ligne"),
        (minutes(gaps["peak"]), "intervalle moyen en pointe", "entre deux départs, 7 h–9 h et 16 h 30–18 h 30"),
        (minutes(gaps["off_peak"]), "intervalle moyen en heures creuses", "entre deux départs, 9 h–16 h 30"),
    ]
    per_hour = line.per_hour
    summary = T.per_hour_summary(per_hour, len(grid.trips), net.routes.at[route, "name"], dict(ways)[direction])
    controls = html.Div([
        dropdown_field("Ligne", id=choice_id("ligne"), value=str(net.routes.at[route, "route_id"]), clearable=False,
                       searchable=True, options=[{"label": T.route_label(net, r),
                                                  "value": str(net.routes.at[r, "route_id"])}
                                                 for r in line.routes.index]),
        dropdown_field("Direction", id=choice_id("sens"), value=str(direction), clearable=False, searchable=False,
                       options=[{"label": name, "value": str(d)} for d, name in ways]),
    ], className="chart-controls")
    stops = html.Ol([html.Li(name) for name in grid.stops["name"]], className="line-stops")
    extract = urlencode([("ligne", net.routes.at[route, "route_id"]), ("sens", direction),
                         ("date", vue.day.isoformat()), ("vue", href())])
    return [
        controls,
        html.P([badge(net, route), f" {T.route_label(net, route)} — {dict(ways)[direction]}"], className="line-title"),
        kpi_list(items),
        html.Details([html.Summary(f"Les {plural(len(grid.stops), 'arrêt')} de la ligne, dans l'ordre"), stops],
                     className="chart-data") if len(grid.stops) else None,
        html.H3("Grille horaire"),
        timetable_grid(net, grid, line.first, lambda k: href(depart=k)) if len(grid.trips) else
        html.P("Aucun départ dans cette direction ce jour-là.", className="notice-params"),
        download_menu(f"{vue.dataset.id}/horaires", TABLE_FORMATS, extract, len(grid.stops), menu_id=Ids.TIMETABLE)
        if len(grid.trips) else None,
        html.Div([  # on paper, the heading stays with its chart
            html.H3("Départs par heure"),
            chart_card(Ids.PER_HOUR, per_hour, ChartSpec(chart="bar", x="heure"), summary, "Départs", "Heure", None)
            if len(per_hour) else html.P("Aucun départ.", className="notice-params"),
        ], className="print-keep"),
    ]


def _stop_view(vue, formats) -> list:
    net, stop, href, day, heure = vue.net, vue.stop, vue.href, vue.day, vue.heure
    text, found, stop_id, codes = stop.text, stop.found, stop.stop_id, stop.codes
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
            parts.append(download_menu(vue.dataset.id, formats, urlencode(
                [("q", text), ("vue", href())]), len(found), menu_id=Ids.EXPORT_STOPS))
    if stop_id and not len(codes):
        parts.append(html.P(f"L'arrêt « {stop_id} » n'est pas dans ce réseau.", className="notice-params"))
    if len(codes):
        name = net.stops.at[int(codes[0]), "name"]
        data, routes = stop.departures, stop.routes
        parts += [
            html.H3(f"Prochains départs à {name}", id=Ids.DEPARTURES),
            html.P(["Lignes : ", *[badge(net, r) for r in routes.index]]) if len(routes) else None,
            html.P(f"{format_date(day)}, à partir de {T.clock(heure)}, toutes lignes confondues.", role="status"),
            alerts_block(stop_alerts(net, vue.live, codes, routes.index), "Perturbations à cet arrêt"),
            html.P("Temps réel indisponible pour le moment : horaires théoriques.", className="notice-params",
                   role="status") if vue.live and vue.live.updates is None and vue.live.day == day else None,
            departures_table(net, data, vue.live.age(vue.now) if vue.live and vue.live.updates
                             and vue.live.day == day else None),
            download_menu(f"{vue.dataset.id}/departs", TABLE_FORMATS, urlencode(
                [("arret", stop_id), ("date", day.isoformat()), ("heure", T.clock(heure)), ("vue", href())]),
                len(data)),
        ]
    return parts


def _method(vue) -> html.Div:
    net = vue.net
    return html.Div([
        html.P("Jour de service : les voyages des calendriers du fichier (calendar.txt) ce jour de la semaine, entre "
               "leurs dates de début et de fin, plus les ajouts et moins les suppressions de calendar_dates.txt. Un "
               "voyage qui passe minuit (horaires comme 24:10) appartient au jour où il a commencé ; il apparaît "
               "dans les prochains départs du lendemain à 00:10. Les horaires GTFS comptent à partir de midi moins "
               "12 h : les jours de changement d'heure aussi, les heures affichées sont celles de l'horloge."),
        html.P(f"Kilomètres parcourus : {vue.km_source}."),
        html.P("Grille horaire : les arrêts dans l'ordre du parcours le plus fréquent de la ligne dans cette "
               "direction, les autres arrêts insérés après l'arrêt qui les précède."),
        html.Ul([html.Li(note) for note in net.notes]) if net.notes else None,
    ])


@writes_url(({"type": CHOICE, "param": ALL}, "value"),
            states=(({"type": CHOICE, "param": ALL}, "id"), (Ids.SHOWN, "data")))
def change_choice(values, ids, shown, current):
    chosen = {i.get("param"): v for i, v in zip(ids, values) if isinstance(i, dict) and i.get("param") in PARAMS}
    changed = user_changes(chosen, shown)
    if len(changed) != 1:  # the page was drawn (nothing changed), or a forged request
        return None
    (param, value), = changed.items()
    value = value if isinstance(value, (str, int)) else None
    # a new line starts at its first direction and departure; a new search forgets the chosen stop
    dropped = {"ligne": ("sens", "depart"), "sens": ("depart",), "date": ("depart",), "mode": ("ligne", "sens",
                                                                                               "depart")}
    owned = (param,) + dropped.get(param, ())
    return replace_params(current, {param: value}, owned)


@writes_url((Ids.DATASET, "value"), states=((Ids.SHOWN, "data"),))
def change_dataset(dataset_id, shown, _current):
    """Another feed: its own lines and stops."""
    return dataset_search(dataset_id, shown, "")
