"""/tableaux-de-bord/travaux: where the public works stand on a reference date, with filters in the URL."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import dcc, html

from components import dataset_tabs
from components.controls import clicked_item, dataset_search, replace_params, user_changes, writes_url
from components.download import download_menu
from components.filter_panel import bound_value, chips, filter_panel, filter_sheet_button
from components.impression import print_button, print_header, source_words
from components.notices import address_notices, notices
from components.portal import current_portal
from components.shell import section
from data_access.dataset_view import value_labels
from data_access.extracts.writers import formats_for
from data_access.french import format_date, format_int, plural
from data_access.query import describe_query
from data_access.repository import DatasetUnavailable, UnknownDataset
from features.contributions.draw import dashboard_layout
from features.historique.draw import DASHBOARD_FEEDS, dashboard_follow
from features.integration.draw_sections import dashboard_start, draw_section
from features.travaux.data import find_roles, period_params
from features.travaux.draw_communes import COMMUNE_LAYERS, my_commune
from features.travaux.draw_sections import TABLEAU, Ids
from features.travaux.view import PATH, choices

DASHBOARD_FEEDS[PATH] = choices

dash.register_page(__name__, path=PATH, name="Travaux", title="Tableau de bord — Travaux", nav_order=20,
                   cache_layout="jour",  # kept per URL, data version and day (layout_cache.py)
                   description="Où en sont les chantiers de la Métropole")


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


def _filter_panel(dataset_id: str, query, results: int):
    """The dataset's facets and bounds, asked of the engine; nothing when it cannot answer now (the page says
    the rest)."""
    try:
        return filter_panel(current_portal().repository.backend(dataset_id), query, results)
    except DatasetUnavailable:
        return html.Aside(html.P("Les filtres sont indisponibles pour le moment, réessayez plus tard."),
                          className="filter-panel", **{"aria-label": "Filtres"})


def layout(**params):
    """The dashboard, each section that other sites can embed with its « Intégrer » disclosure."""
    return dashboard_layout(draw, "travaux", PATH, params)


def draw(**params):
    """The dashboard for these parameters, from its view model (its sections are also drawn alone by /integrer/…
    and the stories, from the same view model)."""
    start = dashboard_start(TABLEAU, "Tableau de bord des travaux", Ids.DATASET, params)
    if start.page is not None:
        return start.page
    portal, vue, picker = start.portal, start.vue, start.picker
    dataset, table, roles, query, reference = vue.dataset, vue.table, vue.roles, vue.query, vue.reference
    settings = portal.settings

    def part(key: str):
        return draw_section(TABLEAU, key, vue, settings.tile_url, params)

    place = "Dans ma commune" if roles["commune"] or table.role_field("commune_name") else "Dans mon secteur"
    mine = section(place, f"{Ids.MY_COMMUNE}-titre", my_commune(
        Ids.MY_COMMUNE, Ids.MY_COMMUNE_LIST, table, roles, vue.chosen_commune, reference, dataset.modified,
        vue.offered), className=None if vue.chosen_commune else "print-hide")  # on paper, nothing chosen: nothing
    return html.Div([
        html.H1("Tableau de bord des travaux"),
        html.P(f"Où en sont les chantiers ({dataset.title}) à la date de situation. "
               + (f"Données au {format_date(dataset.modified)}" if dataset.modified else "Date des données inconnue")
               + (" — données de démonstration." if dataset.demo else "."), className="lead"),
        # the history of these sites, and the feed of the view: what changes in the sites the filters keep
        dashboard_follow(portal.repository, dataset, list(query.params)),
        # on paper, the controls are gone: this line says what the printed figures are
        print_header("Tableau de bord des travaux", f"situation au {format_date(reference)}" + (
            f", données au {format_date(dataset.modified)}" if dataset.modified else ""),
            "filtres : " + ("; ".join(describe_query(query, table.fields)) or "aucun (tous les chantiers)")
            + (f" ; commune : {vue.chosen_commune}" if vue.chosen_commune else ""), source_words([dataset])),
        html.Div([print_button("le tableau de bord"), filter_sheet_button(query)], className="page-tools"),
        picker,
        html.Label(["Date de situation (AAAA-MM-JJ) ",
                    dcc.Input(id=Ids.DATE, type="text", value=reference.isoformat(), debounce=True,
                              className="form-control form-control-sm date-input")], className="reference-date"),
        _period_controls(roles, query),
        notices(vue.errors),
        address_notices(vue.query.notices),
        *TABLEAU.stores(vue),
        html.Div([
            _filter_panel(dataset.id, query, len(vue.positions)),
            html.Div([
                chips(query, table.fields, PATH, vue.kept,
                      value_labels(portal.repository, dataset, table.fields) if query.params else None),
                html.P(f"{plural(len(vue.positions), 'chantier')} sélectionné(s) sur {format_int(len(table))}, "
                       f"situation au {format_date(reference)}", className="result-count", role="status"),
                part("chiffres"),
                # without positions, the map is the way to choose a commune: its works come right under it
                *([mine] if vue.has_positions else []),
                html.P("Parties masquées faute de données : " + " ; ".join(vue.missing) + ".",
                       className="notice-params") if vue.missing else None,
                part("carte"),
                *([] if vue.has_positions else [mine]),
                *[drawn for drawn in map(part, ("calendrier", "avancement", "budget", "mois")) if drawn is not None],
                section("Télécharger", f"{Ids.EXPORT}-titre", download_menu(
                    dataset.id, formats_for(table), urlencode(list(query.params) + [("vue", vue.view_path)]),
                    len(vue.positions), menu_id=Ids.EXPORT, max_rows=settings.max_export_rows),
                    className="print-hide"),  # on paper, no links to follow: no section without content
            ], className="dataset-main"),
        ], className="dataset-layout"),
    ])


@writes_url((Ids.DATE, "value"), (Ids.MY_COMMUNE, "value"), states=((Ids.SHOWN, "data"),))
def change_page_parameter(date, commune, shown, current):
    changed = user_changes({"date": date, "ma_commune": commune}, shown)
    if not changed:  # the page was drawn: nothing chosen
        return None
    return replace_params(current, changed, tuple(changed))


@writes_url((Ids.COMMUNE_LAYER, "clickData"), states=((Ids.COMMUNE_NAMES, "data"),))
def choose_commune(feature, names, current):
    """A click on a commune of the communes map chooses it: its works are listed under the map."""
    name = clicked_item(feature, names)
    return None if name is None else replace_params(current, {"ma_commune": str(name)}, ("ma_commune",))


@writes_url((Ids.LAYERS, "overlays"), states=((Ids.SHOWN, "data"),))
def change_commune_layers(names, shown, current):
    """The communes layers switched on live in the URL, so a filter change (a new render) keeps them."""
    names = [n for n in names if n in COMMUNE_LAYERS.values()] if isinstance(names, list) else []
    if not user_changes({"couches": names}, shown):
        return None
    keys = ",".join(key for key, name in COMMUNE_LAYERS.items() if name in names)
    return replace_params(current, {"couches": keys}, ("couches",))


@writes_url((Ids.PERIOD_FROM, "value"), (Ids.PERIOD_TO, "value"),
            states=((dataset_tabs.DATASET_STORE_ID, "data"), (Ids.SHOWN, "data")))
def change_period(since, until, dataset_id, shown, current):
    if not user_changes({"periode_du": since, "periode_au": until}, shown):
        return None
    try:
        owned = period_params(find_roles(current_portal().repository.table(str(dataset_id))))
    except (UnknownDataset, DatasetUnavailable):
        return None
    return replace_params(current, dict(zip(owned, (since, until))), owned) if owned else None


@writes_url((Ids.DATASET, "value"), states=((Ids.SHOWN, "data"),))
def change_dataset(dataset_id, shown, current):
    """Another dataset: its own filters and communes, so only the reference date is kept."""
    return dataset_search(dataset_id, shown, current, keep=("date",))
