"""/jeux-de-donnees/<id>: one dataset, with its filters and its tabs, every state in the URL."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import ALL, Input, Output, State, callback, dcc, html

from components import dataset_tabs
from components.controls import address_path, replace_params, user_changes, writes_url
from components.filter_panel import (BOUND_TYPE, FACET_TYPE, SEARCH_BUTTON_ID, SEARCH_ID, chips, filter_panel,
                                     filter_sheet_button, rebuild_search)
from components.notices import address_notices, notices
from components.portal import current_portal
from data_access.dataset_view import grid_block, value_labels
from data_access.french import format_int, plural
from data_access.clock import today_paris
from data_access.history import archive
from data_access.history.freshness import freshness
from data_access.query import FilterError, last, parse_query, query_pairs
from data_access.repository import DatasetUnavailable, UnknownDataset
from features.contributions.draw import (EVERY_REPORT, REPORT_ROW, dataset_contributions, outcome_notice,
                                         take_outcome)
from features.contributions.web import published
from features.historique.draw import cite_block, follow_line, refused_notice, version_banner
from features.integration.draw import embed_button, portal_origin

dash.register_page(__name__, path_template="/jeux-de-donnees/<dataset_id>", name="Jeu de données",
                   title=lambda dataset_id=None, **_: _title(dataset_id))


class Ids:
    """This page's ids, in one place (the filter panel's are in components.filter_panel)."""

    QUERY = dataset_tabs.QUERY_STORE_ID
    DATASET = dataset_tabs.DATASET_STORE_ID


def _title(dataset_id: str | None) -> str:
    dataset = current_portal().repository.catalogue.get(dataset_id or "")
    return f"{dataset.title} — jeu de données" if dataset else "Jeu de données introuvable"


EMBEDDABLE_TABS = ("chart", "map", "table")  # the tabs other sites can embed (/integrer/jeux-de-donnees/<id>)


def exists(dataset_id: str = "", **_variables) -> bool:
    """Whether the dataset is in the catalogue (an unknown one is a 404)."""
    return current_portal().repository.catalogue.get(dataset_id) is not None


def _missing(dataset_id: str) -> html.Div:
    return html.Div([
        html.H1("Jeu de données introuvable"),
        html.P(f"Aucun jeu de données ne porte l'identifiant « {dataset_id} »."),
        html.P(dcc.Link("Parcourir le catalogue", href="/catalogue")),
    ], className="not-found")


def _path_dataset_id(default: str) -> str:
    """The id from the address itself: Dash lets a `dataset_id=` query parameter override the path variable."""
    pathname = address_path()
    prefix = "/jeux-de-donnees/"
    if isinstance(pathname, str) and pathname.startswith(prefix):
        return pathname[len(prefix):].strip("/")
    return default


def _single_values(params: dict) -> dict:
    """One value per page parameter (the last one, as for the grammar's single-valued parameters): a repeated
    `tab=` or `chart=` arrives as a list."""
    singles = ("tab",) + dataset_tabs.CHART_PARAMS
    return {k: (v[-1] if isinstance(v, list) and k in singles else v) for k, v in params.items()}


def _unavailable(header: list, exc: Exception) -> html.Div:
    return html.Div(header + [html.Div([html.H2("Jeu de données indisponible"), html.P(str(exc)),
                                        html.P("Les autres jeux de données du catalogue restent consultables.")],
                                       className="notice-unavailable", role="alert")])


def invalid(**params):
    """A version that cannot be shown: 400 for a malformed id, 404 for an unknown one, 410 past retention."""
    try:
        _pinned(_path_dataset_id(""), last(params.get(archive.PARAMETER)))
    except archive.VersionRefused as exc:
        return exc.status, str(exc)
    return None


def _pinned(dataset_id: str, asked):
    """The version `?version=` asks for, or None for today's; VersionRefused."""
    return archive.pinned(current_portal().repository, dataset_id, asked)


def _asked(query_string) -> str | None:
    """The version a page's query string (its store, in a callback) names, or None."""
    return dict(query_pairs(query_string if isinstance(query_string, str) else "")).get(archive.PARAMETER)


def layout(dataset_id: str = "", **params):
    repository = current_portal().repository
    dataset_id = _path_dataset_id(dataset_id if isinstance(dataset_id, str) else "")
    outcome, params = take_outcome(params)
    asked = last(params.pop(archive.PARAMETER, None))
    every_report = last(params.pop(EVERY_REPORT, None)) == "tous"
    row_ref = last(params.pop(REPORT_ROW, None))  # a « Signaler » link: the error form open, about that row
    row_ref = row_ref.strip()[:200] if isinstance(row_ref, str) and row_ref.strip() else None
    params = _single_values({k: v for k, v in params.items() if k != "dataset_id"})
    dataset = repository.catalogue.get(dataset_id)
    if dataset is None:
        return _missing(dataset_id)
    base = f"/jeux-de-donnees/{dataset.id}"
    header = [
        html.P([dcc.Link("Catalogue", href="/catalogue"), " › ", dataset.theme], className="breadcrumb-line"),
        html.H1(dataset.title),
        html.P("Données de démonstration", className="badge-demo") if dataset.demo else None,
        outcome_notice(outcome),
    ]
    served_dir = repository.served_store.folder
    try:
        pinned = _pinned(dataset.id, asked)
        backend = archive.backend_of(repository, dataset.id, pinned)
    except archive.VersionRefused as exc:
        return html.Div(header + [refused_notice(base, exc)])
    except DatasetUnavailable as exc:
        return _unavailable(header, exc)
    query, errors = parse_query(params, backend.fields, aliases=None if pinned else repository.aliases(dataset.id))
    tabs = {k: v for k, v in dataset_tabs.TABS.items() if k != "map" or backend.geometry_field is not None}
    tab = params.get("tab") if params.get("tab") in tabs else "information"
    if params.get("tab") not in (None, *tabs):
        errors.append(FilterError("tab", f"onglet « {params.get('tab')} » inconnu"))
    filters = [(k, v) for k, v in query.params]
    kept = [(archive.PARAMETER, pinned.version)] if pinned is not None else []  # every link stays in the version
    chart_pairs = kept + [(k, params[k]) for k in dataset_tabs.CHART_PARAMS if isinstance(params.get(k), str)]
    query_string = urlencode(kept + filters)
    try:  # the engine may fail to read the served file now: the page says so, never a trace
        rows = backend.count(query)
        content = _tab_content(tab, dataset, backend, query, query_string, rows, params, errors, pinned)
        panel = filter_panel(backend, query, rows)
    except DatasetUnavailable as exc:
        return _unavailable(header, exc)
    today = today_paris()
    fresh = freshness(served_dir, dataset, today)
    citing = pinned or archive.newest(served_dir, dataset.id)
    return html.Div(header + [
        version_banner(base, pinned, filters + [(k, v) for k, v in chart_pairs if k != archive.PARAMETER])
        if pinned is not None else None,
        notices(errors),
        address_notices(query.notices),
        dcc.Store(id=Ids.QUERY, data=query_string),
        # the dataset, and the version shown when it is a past one (« <id>?version=<v> »): the map card's callback
        dcc.Store(id=Ids.DATASET, data=dataset.id + (f"?{urlencode(kept)}" if kept else "")),
        filter_sheet_button(query),
        html.Div([
            panel,
            html.Div([
                chips(query, backend.fields, base, [("tab", tab)] + chart_pairs,
                      value_labels(repository, dataset, backend.fields) if query.params else None),
                html.P(f"{plural(rows, 'ligne')} sur {format_int(backend.total)}", className="result-count",
                       role="status"),
                dataset_tabs.tab_links(base, tab, filters + chart_pairs, tabs),
                html.Section(content, className="tab-content", **{"aria-label": tabs[tab]}),
                embed_button(base, [("tab", tab)] + kept + filters + (chart_pairs[len(kept):] if tab == "chart" else
                                                                     []),
                             f"{dataset.title} — {tabs[tab].lower()}" + (f" — version {pinned.words}" if pinned
                                                                          else ""),
                             tab) if tab in EMBEDDABLE_TABS else None,
                cite_block(dataset, repository.catalogue.portal.publisher, base,
                           [("tab", tab)] + filters + chart_pairs[len(kept):], citing, portal_origin(), today),
                follow_line(base, filters, fresh, dataset.frequency),
            ], className="dataset-main"),
        ], className="dataset-layout"),
        dataset_contributions(dataset, base, [("tab", tab)] + filters + chart_pairs,
                              current_portal().settings.contribution_email_days, published,
                              current_portal().repository.catalogue, every_report, row_ref),
    ])


def _tab_content(tab: str, dataset, backend, query, query_string: str, rows: int, params: dict, errors: list,
                 pinned=None):
    """The chosen tab's content (of a past version when `pinned`); the chart's notices join `errors`."""
    portal = current_portal()
    if tab == "information":
        return dataset_tabs.information(dataset, backend, dataset.modified)
    if tab == "table":
        return dataset_tabs.table_view(backend, rows)
    if tab == "export":
        return dataset_tabs.export_view(dataset, backend, query_string, rows, portal.settings)
    if tab == "api":
        return dataset_tabs.api_view(dataset, backend, query_string, portal_origin())
    # the map and the chart: the rows the engine keeps, drawn from the table the repository holds
    table = archive.table_of(portal.repository, dataset.id, pinned)
    positions = backend.positions(query).to_numpy()
    if tab == "map":
        return dataset_tabs.map_view(dataset, table, positions, query_string,
                                     portal.repository.version(dataset.id) if pinned is None else pinned.version,
                                     portal.settings.tile_url, past=pinned is not None)
    content, chart_errors = dataset_tabs.chart_view(table, positions, params)
    errors.extend(chart_errors)
    return content


@writes_url(({"type": FACET_TYPE, "field": ALL}, "value"), ({"type": BOUND_TYPE, "field": ALL, "side": ALL}, "value"),
            (SEARCH_BUTTON_ID, "n_clicks"), (SEARCH_ID, "n_submit"),
            states=(({"type": FACET_TYPE, "field": ALL}, "id"), ({"type": BOUND_TYPE, "field": ALL, "side": ALL}, "id"),
                    (SEARCH_ID, "value")))
def apply_filters(facet_values, bound_values, _clicks, _submits, facet_ids, bound_ids, text, current):
    facets = {i["field"]: v or [] for i, v in zip(facet_ids, facet_values)}
    bounds = {(i["field"], i["side"]): v for i, v in zip(bound_ids, bound_values)}
    return rebuild_search(current, facets, bounds, text)


@callback(
    Output(dataset_tabs.GRID_ID, "getRowsResponse"),
    Input(dataset_tabs.GRID_ID, "getRowsRequest"),
    State(Ids.DATASET, "data"),
    State(Ids.QUERY, "data"),
    prevent_initial_call=True,
)
def grid_rows(request_, dataset_id, query_string):
    request_ = request_ if isinstance(request_, dict) else {}
    dataset_id = dataset_id.partition("?")[0] if isinstance(dataset_id, str) else ""
    try:
        pinned = _pinned(dataset_id, _asked(query_string))
        backend = archive.backend_of(current_portal().repository, dataset_id, pinned)
        return grid_block(backend, query_string, request_.get("startRow"), request_.get("endRow"),
                          request_.get("sortModel"))
    except (UnknownDataset, DatasetUnavailable, archive.VersionRefused):
        return {"rowData": [], "rowCount": 0}


@callback(
    Output(dataset_tabs.RECORD_ID, "children"),
    Input(dataset_tabs.MAP_LAYER_ID, "clickData"),
    State(Ids.DATASET, "data"),
    State(dataset_tabs.RECORD_CARD_ID, "data"),
    prevent_initial_call=True,
)
def show_record(feature, dataset_id, card):
    position = ((feature or {}).get("properties") or {}).get("i") if isinstance(feature, dict) else None
    if type(position) is not int:  # a cluster was clicked (it zooms in), or a forged request
        return dash.no_update
    dataset_id, _, shown = dataset_id.partition("?") if isinstance(dataset_id, str) else ("", "", "")
    try:
        pinned = _pinned(dataset_id, _asked(shown))
        table = archive.table_of(current_portal().repository, dataset_id, pinned)
    except (UnknownDataset, DatasetUnavailable, archive.VersionRefused):
        return dash.no_update
    return dataset_tabs.map_card(table, position, card) if 0 <= position < len(table) else dash.no_update


@writes_url(({"type": dataset_tabs.CHART_CONTROL, "param": ALL}, "value"),
            states=(({"type": dataset_tabs.CHART_CONTROL, "param": ALL}, "id"), (dataset_tabs.CHART_SHOWN_ID, "data")))
def change_chart(values, ids, shown, current):
    chosen = {i["param"]: v for i, v in zip(ids, values) if isinstance(i, dict)}
    changed = user_changes(chosen, shown)
    if not changed:  # the page was drawn: nothing chosen
        return None
    if "chart" in changed:
        chosen = {"chart": chosen.get("chart")}  # another kind of chart: its own defaults, not the old fields
    return replace_params(current, chosen, dataset_tabs.CHART_PARAMS)
