"""/tableaux-de-bord/travaux: where the public works stand on a reference date, with filters in the URL."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, State, callback, dcc, html

from components import dataset_tabs
from components.chart import chart_card
from components.controls import dataset_picker, dataset_search, last, shown_values, user_changes
from components.download import download_menu
from components.filter_panel import bound_value, chips, filter_panel, new_search, replace_params
from components.format import format_date, format_int, plural
from components.kpi import kpi_list
from components.notices import notices, unavailable
from components.shell import section
from data_access.analysis import ChartSpec
from data_access.extracts import formats_for
from data_access.portal import current_portal
from data_access.query import FilterError, describe_query, parse_date_value, parse_query, row_positions
from data_access.repository import DatasetUnavailable, UnknownDataset, pick_dataset
from components.travaux import (COMMUNE_LAYERS, commune_layers, gantt_card, my_commune, progress_card,
                                size_legend_items, status_legend)
from data_access.geo import commune_outlines
from data_access.travaux import (DEFINITIONS, budget_by_type, budget_sizes, budget_summary, by_commune,
                                 commune_choices, find_roles, gantt_sites, key_figures, late_is_known, money,
                                 monthly_starts_and_ends, monthly_summary, period_params, schedule, status_codes)

PATH = "/tableaux-de-bord/travaux"
dash.register_page(__name__, path=PATH, name="Travaux", title="Tableau de bord — Travaux", nav_order=20,
                   description="Où en sont les chantiers de la Métropole")


class Ids:
    """This page's ids, in one place."""

    DATE = "travaux-date"
    FIGURES = "travaux-chiffres"
    MAP = "travaux-carte"
    BUDGET = "travaux-budget"
    GANTT = "travaux-calendrier"
    PROGRESS = "travaux-avancement"
    MONTHLY = "travaux-mois"
    EXPORT = "travaux-export"
    MY_COMMUNE = "travaux-ma-commune"
    MY_COMMUNE_LIST = "travaux-ma-commune-liste"
    DATASET = "travaux-jeu"
    PERIOD_FROM = "travaux-periode-du"
    PERIOD_TO = "travaux-periode-au"
    SHOWN = "travaux-valeurs-affichees"
    LAYERS = "travaux-carte-couches"  # the map's layers control (its own id: its callback writes ?couches=)


def _period_controls(roles, query) -> html.Fieldset:
    since, until = bound_value(query, roles["planned_end_date"], "from"), bound_value(query, roles["start_date"], "to")
    return html.Fieldset([
        html.Legend("Période des travaux", className="period-legend"),
        *[html.Label([word, dcc.Input(id=control_id, type="text", value=value, debounce=True,
                                      placeholder="AAAA, AAAA-MM ou AAAA-MM-JJ",
                                      className="form-control form-control-sm date-input")])
          for word, control_id, value in (("du ", Ids.PERIOD_FROM, since), ("au ", Ids.PERIOD_TO, until))],
        html.Small("les chantiers commencés avant la fin de la période et dont la fin prévue n'est pas avant son "
                   "début (un chantier en retard sur sa fin prévue n'y est pas)", className="period-help"),
    ], className="period-controls")


def _reference_date(params: dict, errors: list) -> dt.date:
    today = dt.datetime.now(ZoneInfo("Europe/Paris")).date()
    raw = last(params.get("date"))
    if not raw:
        return today
    period = parse_date_value(raw)
    if period is None or len(raw.strip()) != 10:
        errors.append(FilterError("date", f"« {raw} » n'est pas une date AAAA-MM-JJ ; la date du jour est utilisée"))
        return today
    return period.start.date()


def _unavailable(message: str, picker=None) -> html.Div:
    return unavailable("Tableau de bord des travaux", message, picker)


def _commune_layers(repository, dataset, table, roles, positions, missing: list, shown) -> tuple[list, object]:
    """The communes layers of the map (count and budget of the selected sites per commune), when the catalogue
    has the communes' outlines and the sites' places are those communes."""
    outlines = commune_outlines(repository, exclude=dataset.id)
    data = by_commune(table, roles, positions, outlines[1]) if outlines is not None else None
    if data is None:
        missing.append("la couche des communes (contours des communes avec le rôle commune, dont les codes sont "
                       "ceux des chantiers)")
        return [], None
    return commune_layers(outlines[0], repository.version(outlines[0].id), data, shown)


def layout(**params):
    portal = current_portal()
    repository = portal.repository
    choices = [d for d in repository.catalogue.datasets if d.dashboard == "travaux"]
    if not choices:
        return _unavailable("Aucun jeu de données n'alimente ce tableau de bord : il faut une entrée du catalogue "
                            "avec dashboard = \"travaux\".")
    dataset, table, reason, errors = pick_dataset(repository, choices, last(params.get("jeu")))
    picker = dataset_picker(choices, dataset, Ids.DATASET)
    if table is None:
        return _unavailable(f"Le jeu de données « {dataset.title} » est indisponible : {reason}", picker)
    roles = find_roles(table)
    if roles.missing_required:
        return _unavailable(f"Le jeu de données « {dataset.title} » ne déclare pas les rôles nécessaires : "
                            f"{', '.join(roles.missing_required)} (voir catalogue.toml).", picker)
    reference = _reference_date(params, errors)
    query, query_errors = parse_query({k: v for k, v in params.items() if k not in PAGE_PARAMS.values()},
                                      table.fields)
    errors += query_errors
    positions = row_positions(table, query)
    figures = key_figures(table, roles, positions, reference, data_date=dataset.modified)
    query_string = urlencode(list(query.params))
    extra = [("date", reference.isoformat())] if params.get("date") else []
    extra += [("jeu", dataset.id)] if dataset.id != choices[0].id else []
    # the extract's permalink opens this view: the same dataset and reference date
    view = PATH + ("?" + urlencode(extra) if extra else "")
    extra += [(key, last(params[key])) for key in ("ma_commune", "couches") if params.get(key)]  # kept by the chips

    items = [
        (format_int(figures.in_progress), "chantiers en cours", DEFINITIONS["in_progress"]),
        (format_int(figures.upcoming), "commencent dans 30 jours", DEFINITIONS["upcoming"]),
        (format_int(figures.finished_this_year), f"terminés en {reference.year}", DEFINITIONS["finished_this_year"]),
    ]
    missing = []
    if late_is_known(roles):
        items.append((format_int(figures.late), "en retard", DEFINITIONS["late"]))
    else:
        missing.append("les chantiers en retard (rôle actual_end_date, status ou progress)")
    if figures.budget_planned is not None:
        committed = f", {money(figures.budget_committed)} engagés" if figures.budget_committed is not None else ""
        items.append((money(figures.budget_planned), "budget prévu", DEFINITIONS["budget"] + committed))
    else:
        missing.append("le budget (rôle budget_planned absent ou sans valeur)")
    if figures.weighted_progress is not None:
        items.append((f"{figures.weighted_progress:.0f}\u202f%", "avancement moyen pondéré",
                      DEFINITIONS["weighted_progress"]))
    else:
        missing.append("l'avancement (rôles progress et budget_planned)")

    sizes, thresholds = budget_sizes(table, roles)
    if not thresholds:
        missing.append("la taille des chantiers sur la carte selon leur budget (rôle budget_planned absent ou sans "
                       "valeur)")
    shown = set((last(params.get("couches")) or "").split(","))
    chosen = last(params.get("ma_commune"))
    overlays, communes_text = _commune_layers(repository, dataset, table, roles, positions, missing, shown)
    sites = schedule(table, roles, positions, reference, data_date=dataset.modified)
    codes = status_codes(table, roles, reference, data_date=dataset.modified)
    budget = budget_by_type(table, roles, positions)
    monthly = monthly_starts_and_ends(table, roles, positions)
    charts = [section("Calendrier des chantiers", f"{Ids.GANTT}-titre",
                      gantt_card(Ids.GANTT, gantt_sites(sites), len(positions), reference, late_is_known(roles)))]
    if roles["progress"] and dataset.modified and reference < dataset.modified:
        # progress is only known as of the data's date: drawn against an earlier date, it would mislead
        charts.append(section("Avancement et temps écoulé", f"{Ids.PROGRESS}-titre", html.P(
            f"L'avancement n'est connu qu'à la date des données ({format_date(dataset.modified)}) : ce graphique "
            "n'est pas rejoué à une date de situation antérieure.", className="notice-params")))
    elif roles["progress"]:
        charts.append(section("Avancement et temps écoulé", f"{Ids.PROGRESS}-titre", progress_card(Ids.PROGRESS, sites)))
    else:
        missing.append("l'avancement face au temps écoulé (rôle progress)")
    if not budget.empty:
        charts.append(section("Budget par type de travaux", f"{Ids.BUDGET}-titre", chart_card(
            Ids.BUDGET, budget, ChartSpec(chart="bar", x=roles["type"]), budget_summary(budget), "Budget (€)",
            "Type de travaux", "Budget")))
    else:
        missing.append("le budget par type (rôles type et budget_planned)")
    charts.append(section("Chantiers commencés et terminés par mois", f"{Ids.MONTHLY}-titre", chart_card(
        Ids.MONTHLY, monthly, ChartSpec(chart="bar", x=roles["start_date"]), monthly_summary(monthly),
        "Nombre de chantiers", "Mois", "Évènement")))

    settings = portal.settings
    return html.Div([
        html.H1("Tableau de bord des travaux"),
        html.P(f"Où en sont les chantiers ({dataset.title}) à la date de situation. "
               + (f"Données au {format_date(dataset.modified)}" if dataset.modified else "Date des données inconnue")
               + (" — données de démonstration." if dataset.demo else "."), className="lead"),
        # on paper, the controls are gone: this line says what the printed figures are
        html.P([html.Strong("Situation au " + format_date(reference)), " — filtres : ",
                "; ".join(describe_query(query, table.fields)) or "aucun (tous les chantiers)",
                f" — source : {dataset.title}" + (f", {dataset.publisher}" if dataset.publisher else "")
                + (f", {dataset.license}" if dataset.license else "")], className="print-only print-header"),
        picker,
        html.Label(["Date de situation (AAAA-MM-JJ) ",
                    dcc.Input(id=Ids.DATE, type="text", value=reference.isoformat(), debounce=True,
                              className="form-control form-control-sm date-input")], className="reference-date"),
        _period_controls(roles, query),
        notices(errors),
        dcc.Store(id=dataset_tabs.DATASET_STORE_ID, data=dataset.id),
        shown_values(Ids.SHOWN, {
            "date": reference.isoformat(), "jeu": dataset.id,
            "ma_commune": chosen if chosen in commune_choices(table, roles) else None,
            "periode_du": bound_value(query, roles["planned_end_date"], "from"),
            "periode_au": bound_value(query, roles["start_date"], "to"),
            "couches": [name for key, name in COMMUNE_LAYERS.items() if key in shown and overlays]}),
        html.Div([
            filter_panel(table, query),
            html.Div([
                chips(query, table.fields, PATH, extra),
                html.P(f"{plural(len(positions), 'chantier')} sélectionné(s) sur {format_int(len(table))}, "
                       f"situation au {format_date(reference)}", className="result-count", role="status"),
                section("Chiffres clés", Ids.FIGURES, kpi_list(items)),
                section("Dans ma commune" if roles["commune"] or table.role_field("commune_name") else
                        "Dans mon secteur", f"{Ids.MY_COMMUNE}-titre",
                        my_commune(Ids.MY_COMMUNE, Ids.MY_COMMUNE_LIST, table, roles, params.get("ma_commune"),
                                   reference, dataset.modified)),
                html.P("Parties masquées faute de données : " + " ; ".join(missing) + ".", className="notice-params")
                if missing else None,
                section("Carte des chantiers", f"{Ids.MAP}-titre", dataset_tabs.map_view(
                    dataset, table, positions, query_string, repository.version(dataset.id), settings.tile_url,
                    classes=codes, legend=status_legend(codes, positions, late_is_known(roles)), sizes=sizes,
                    overlays=overlays, control_id=Ids.LAYERS,
                    card={"kind": "travaux", "date": reference.isoformat(),
                          "donnees": dataset.modified.isoformat() if dataset.modified else None},
                    after=html.Div([size_legend_items(thresholds), communes_text]),
                    help_text=["au clavier, les mêmes chantiers et tous leurs champs sont dans le ",
                               dcc.Link("tableau du jeu de données", href=f"/jeux-de-donnees/{dataset.id}?"
                                        + urlencode([("tab", "table")] + list(query.params))), "."]),
                    className="print-hide"),
                *charts,
                section("Télécharger", f"{Ids.EXPORT}-titre", download_menu(
                    dataset.id, formats_for(table), urlencode(list(query.params) + [("vue", view)]), len(positions),
                    menu_id=Ids.EXPORT, max_rows=settings.max_export_rows)),
            ], className="dataset-main"),
        ], className="dataset-layout"),
    ])


# The page's own parameters (outside the filter grammar), each written by its control.
PAGE_PARAMS = {Ids.DATE: "date", Ids.MY_COMMUNE: "ma_commune", Ids.DATASET: "jeu",
               Ids.LAYERS: "couches"}


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input(Ids.DATE, "value"),
    Input(Ids.MY_COMMUNE, "value"),
    State(Ids.SHOWN, "data"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def change_page_parameter(date, commune, shown, current):
    changed = user_changes({"date": date, "ma_commune": commune}, shown)
    if not changed:  # the page was drawn: nothing chosen
        return dash.no_update
    return new_search(current, replace_params(current, changed, tuple(changed)))


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input(Ids.LAYERS, "overlays"),
    State(Ids.SHOWN, "data"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def change_commune_layers(names, shown, current):
    """The communes layers switched on live in the URL, so a filter change (a new render) keeps them."""
    names = [n for n in names if n in COMMUNE_LAYERS.values()] if isinstance(names, list) else []
    if not user_changes({"couches": names}, shown):
        return dash.no_update
    keys = ",".join(key for key, name in COMMUNE_LAYERS.items() if name in names)
    return new_search(current, replace_params(current, {"couches": keys}, ("couches",)))


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input(Ids.PERIOD_FROM, "value"),
    Input(Ids.PERIOD_TO, "value"),
    State(dataset_tabs.DATASET_STORE_ID, "data"),
    State(Ids.SHOWN, "data"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def change_period(since, until, dataset_id, shown, current):
    if not user_changes({"periode_du": since, "periode_au": until}, shown):
        return dash.no_update
    try:
        owned = period_params(find_roles(current_portal().repository.table(str(dataset_id))))
    except (UnknownDataset, DatasetUnavailable):
        owned = None
    return dash.no_update if owned is None else new_search(
        current, replace_params(current, dict(zip(owned, (since, until))), owned))


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input(Ids.DATASET, "value"),
    State(Ids.SHOWN, "data"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def change_dataset(dataset_id, shown, current):
    """Another dataset: its own filters and communes, so only the reference date is kept."""
    return dataset_search(dataset_id, shown, current, keep=("date",))
