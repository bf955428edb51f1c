"""/tableaux-de-bord/travaux: where the public works stand on a reference date, with filters in the URL."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import Input, Output, State, callback, dcc, html

from components import dataset_tabs
from components.chart import chart_card
from features.contributions.draw import dashboard_layout
from components.controls import LOCATION, clicked_item, dataset_picker, dataset_search, shown_values, user_changes
from components.download import download_menu
from components.filter_panel import bound_value, chips, filter_panel, new_search, replace_params
from data_access.french import format_date, format_int, plural
from components.impression import print_button, print_header, source_words
from components.kpi import kpi_list
from components.notices import notices, unavailable
from components.shell import section
from data_access.analysis import ChartSpec
from data_access.clock import today_paris
from data_access.extracts.writers import formats_for
from data_access.portal import current_portal
from data_access.query import describe_query, last, query_pairs
from data_access.repository import DatasetUnavailable, UnknownDataset
from features.travaux.draw import gantt_card, progress_card, size_legend_items, status_legend
from features.travaux.draw_communes import COMMUNE_LAYERS, commune_layers, commune_works_map, my_commune
from features.travaux.data import DEFINITIONS, find_roles, money, period_params
from features.travaux.charts import budget_summary, gantt_sites, monthly_summary
from features.travaux.view import PATH, travaux_view

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
    COMMUNE_LAYER = "travaux-carte-communes"  # the communes map of sites without a position: a click chooses one
    COMMUNE_NAMES = "travaux-carte-noms"  # each outline row's commune name, for that click


# The sections other sites can embed (/integrer/tableaux-de-bord/travaux/<key>): heading id, kind of view.
EMBEDS = {"chiffres": (Ids.FIGURES, "figures"), "carte": (f"{Ids.MAP}-titre", "map"),
          "calendrier": (f"{Ids.GANTT}-titre", "chart"), "avancement": (f"{Ids.PROGRESS}-titre", "chart"),
          "budget": (f"{Ids.BUDGET}-titre", "chart"), "mois": (f"{Ids.MONTHLY}-titre", "chart")}


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


def _unavailable(message: str, picker=None) -> html.Div:
    return unavailable("Tableau de bord des travaux", message, picker)


def _figure_items(view) -> list:
    figures, reference = view.figures, view.reference
    items = [
        (format_int(figures.in_progress), "chantiers en cours", DEFINITIONS["in_progress"]),
        (format_int(figures.upcoming), "commencent dans 30 jours", DEFINITIONS["upcoming"]),
        (format_int(figures.finished_this_year), f"terminés en {reference.year}", DEFINITIONS["finished_this_year"]),
    ]
    if view.late_known:
        items.append((format_int(figures.late), "en retard", DEFINITIONS["late"]))
    if figures.budget_planned is not None:
        committed = f", {money(figures.budget_committed)} engagés" if figures.budget_committed is not None else ""
        items.append((money(figures.budget_planned), "budget prévu", DEFINITIONS["budget"] + committed))
    if figures.weighted_progress is not None:
        items.append((f"{figures.weighted_progress:.0f}\u202f%", "avancement moyen pondéré",
                      DEFINITIONS["weighted_progress"]))
    return items


def _charts(view) -> list:
    dataset, roles, reference = view.dataset, view.roles, view.reference
    charts = [section("Calendrier des chantiers", f"{Ids.GANTT}-titre",
                      gantt_card(Ids.GANTT, gantt_sites(view.sites), len(view.positions), reference, view.late_known))]
    if roles["progress"] and dataset.modified and reference < dataset.modified:
        # progress is only known as of the data's date: drawn against an earlier date, it would mislead
        charts.append(section("Avancement et temps écoulé", f"{Ids.PROGRESS}-titre", html.P(
            f"L'avancement n'est connu qu'à la date des données ({format_date(dataset.modified)}) : ce graphique "
            "n'est pas rejoué à une date de situation antérieure.", className="notice-params")))
    elif roles["progress"]:
        charts.append(section("Avancement et temps écoulé", f"{Ids.PROGRESS}-titre",
                              progress_card(Ids.PROGRESS, view.sites)))
    if not view.budget.empty:
        charts.append(section("Budget par type de travaux", f"{Ids.BUDGET}-titre", chart_card(
            Ids.BUDGET, view.budget, ChartSpec(chart="bar", x=roles["type"]), budget_summary(view.budget),
            "Budget (€)", "Type de travaux", "Budget")))
    charts.append(section("Chantiers commencés et terminés par mois", f"{Ids.MONTHLY}-titre", chart_card(
        Ids.MONTHLY, view.monthly, ChartSpec(chart="bar", x=roles["start_date"]), monthly_summary(view.monthly),
        "Nombre de chantiers", "Mois", "Évènement")))
    return charts


def _map(view, repository, tile_url: str, shown: set) -> tuple[object, list]:
    """The map's section and the communes layers switched on: the sites where they are, with the communes as
    layers; or, for sites without a position, the communes shaded by their count of sites as the map itself."""
    dataset, table = view.dataset, view.table
    outlines = view.outlines[0] if view.outlines else None
    if not view.has_positions:
        if view.communes is None:
            return html.P("Pas de carte : les chantiers n'ont ni position, ni commune reconnue dans les contours des "
                          "communes.", className="notice-params"), []
        kept = [(k, v) for k, v in query_pairs(urlencode(list(view.query.params) + view.kept)) if k != "ma_commune"]
        return commune_works_map(Ids.MAP, Ids.COMMUNE_LAYER, outlines, repository.version(outlines.id), view.communes,
                                 view.chosen_commune, tile_url,
                                 lambda name: PATH + "?" + urlencode(kept + [("ma_commune", name)]), view.unplaced), []
    overlays, communes_text = ([], None) if view.communes is None else commune_layers(
        outlines, repository.version(outlines.id), view.communes, shown)
    query, reference = view.query, view.reference
    the_map = dataset_tabs.map_view(
        dataset, table, view.positions, urlencode(list(query.params)), repository.version(dataset.id), tile_url,
        classes=view.codes, legend=status_legend(view.codes, view.positions, view.late_known), sizes=view.sizes,
        overlays=overlays, control_id=Ids.LAYERS,
        card={"kind": "travaux", "date": reference.isoformat(),
              "donnees": dataset.modified.isoformat() if dataset.modified else None},
        after=html.Div([size_legend_items(view.thresholds), communes_text]),
        help_text=["au clavier, les mêmes chantiers et tous leurs champs sont dans le ",
                   dcc.Link("tableau du jeu de données", href=f"/jeux-de-donnees/{dataset.id}?"
                            + urlencode([("tab", "table")] + list(query.params))), "."])
    return the_map, [name for key, name in COMMUNE_LAYERS.items() if key in shown and overlays]


def _filter_panel(dataset_id: str, query):
    """The dataset's facets and bounds, asked of the engine; nothing when it cannot answer now (the page says
    the rest)."""
    try:
        return filter_panel(current_portal().repository.backend(dataset_id), query)
    except DatasetUnavailable:
        return html.Aside(html.P("Les filtres sont indisponibles pour le moment, réessayez plus tard."),
                          className="filter-panel", **{"aria-label": "Filtres"})


def layout(**params):
    """The dashboard, each section that other sites can embed with its « Intégrer » disclosure."""
    return dashboard_layout(draw, "travaux", PATH, EMBEDS, params)


def draw(**params):
    """The dashboard for these parameters (its sections are also drawn alone by /integrer/…)."""
    portal = current_portal()
    repository = portal.repository
    view = travaux_view(repository, params, today_paris())
    picker = dataset_picker(view.choices, view.dataset, Ids.DATASET) if view.dataset else None
    if view.unavailable:
        return _unavailable(view.unavailable, picker)
    dataset, table, roles, query, reference = view.dataset, view.table, view.roles, view.query, view.reference
    settings = portal.settings
    shown = set((last(params.get("couches")) or "").split(","))
    the_map, layers_on = _map(view, repository, settings.tile_url, shown)
    place = "Dans ma commune" if roles["commune"] or table.role_field("commune_name") else "Dans mon secteur"
    mine = section(place, f"{Ids.MY_COMMUNE}-titre", my_commune(
        Ids.MY_COMMUNE, Ids.MY_COMMUNE_LIST, table, roles, view.chosen_commune, reference, dataset.modified,
        view.offered), className=None if view.chosen_commune else "print-hide")  # on paper, nothing chosen: nothing
    map_section = section("Carte des chantiers", f"{Ids.MAP}-titre", the_map)
    return html.Div([
        html.H1("Tableau de bord des travaux"),
        html.P(f"Où en sont les chantiers ({dataset.title}) à la date de situation. "
               + (f"Données au {format_date(dataset.modified)}" if dataset.modified else "Date des données inconnue")
               + (" — données de démonstration." if dataset.demo else "."), className="lead"),
        # on paper, the controls are gone: this line says what the printed figures are
        print_header("Tableau de bord des travaux", f"situation au {format_date(reference)}" + (
            f", données au {format_date(dataset.modified)}" if dataset.modified else ""),
            "filtres : " + ("; ".join(describe_query(query, table.fields)) or "aucun (tous les chantiers)")
            + (f" ; commune : {view.chosen_commune}" if view.chosen_commune else ""), source_words([dataset])),
        html.Div(print_button("le tableau de bord"), className="page-tools"),
        picker,
        html.Label(["Date de situation (AAAA-MM-JJ) ",
                    dcc.Input(id=Ids.DATE, type="text", value=reference.isoformat(), debounce=True,
                              className="form-control form-control-sm date-input")], className="reference-date"),
        _period_controls(roles, query),
        notices(view.errors),
        dcc.Store(id=dataset_tabs.DATASET_STORE_ID, data=dataset.id),
        shown_values(Ids.SHOWN, {
            "date": reference.isoformat(), "jeu": dataset.id, "ma_commune": view.chosen_commune,
            "periode_du": bound_value(query, roles["planned_end_date"], "from"),
            "periode_au": bound_value(query, roles["start_date"], "to"), "couches": layers_on}),
        dcc.Store(id=Ids.COMMUNE_NAMES, data=view.communes.sort_values("row")["name"].tolist()
                  if view.communes is not None and not view.has_positions else []),
        html.Div([
            _filter_panel(dataset.id, query),
            html.Div([
                chips(query, table.fields, PATH, view.kept),
                html.P(f"{plural(len(view.positions), 'chantier')} sélectionné(s) sur {format_int(len(table))}, "
                       f"situation au {format_date(reference)}", className="result-count", role="status"),
                section("Chiffres clés", Ids.FIGURES, kpi_list(_figure_items(view))),
                # without positions, the map is the way to choose a commune: its works come right under it
                *([mine] if view.has_positions else []),
                html.P("Parties masquées faute de données : " + " ; ".join(view.missing) + ".",
                       className="notice-params") if view.missing else None,
                map_section,
                *([] if view.has_positions else [mine]),
                *_charts(view),
                section("Télécharger", f"{Ids.EXPORT}-titre", download_menu(
                    dataset.id, formats_for(table), urlencode(list(query.params) + [("vue", view.view_path)]),
                    len(view.positions), menu_id=Ids.EXPORT, max_rows=settings.max_export_rows),
                    className="print-hide"),  # on paper, no links to follow: no section without content
            ], className="dataset-main"),
        ], className="dataset-layout"),
    ])


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    Input(Ids.DATE, "value"),
    Input(Ids.MY_COMMUNE, "value"),
    State(Ids.SHOWN, "data"),
    State(LOCATION, "search"),
    prevent_initial_call=True,
)
def change_page_parameter(date, commune, shown, current):
    changed = user_changes({"date": date, "ma_commune": commune}, shown)
    if not changed:  # the page was drawn: nothing chosen
        return dash.no_update
    return new_search(current, replace_params(current, changed, tuple(changed)))


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    Input(Ids.COMMUNE_LAYER, "clickData"),
    State(Ids.COMMUNE_NAMES, "data"),
    State(LOCATION, "search"),
    prevent_initial_call=True,
)
def choose_commune(feature, names, current):
    """A click on a commune of the communes map chooses it: its works are listed under the map."""
    name = clicked_item(feature, names)
    return dash.no_update if name is None else new_search(current, replace_params(current, {"ma_commune": str(name)},
                                                                                  ("ma_commune",)))


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    Input(Ids.LAYERS, "overlays"),
    State(Ids.SHOWN, "data"),
    State(LOCATION, "search"),
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
    Output(LOCATION, "search", allow_duplicate=True),
    Input(Ids.PERIOD_FROM, "value"),
    Input(Ids.PERIOD_TO, "value"),
    State(dataset_tabs.DATASET_STORE_ID, "data"),
    State(Ids.SHOWN, "data"),
    State(LOCATION, "search"),
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
    Output(LOCATION, "search", allow_duplicate=True),
    Input(Ids.DATASET, "value"),
    State(Ids.SHOWN, "data"),
    State(LOCATION, "search"),
    prevent_initial_call=True,
)
def change_dataset(dataset_id, shown, current):
    """Another dataset: its own filters and communes, so only the reference date is kept."""
    return dataset_search(dataset_id, shown, current, keep=("date",))
