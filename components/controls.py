"""Form controls shared by the pages."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import Input, Output, State, callback, dcc, html

from data_access.query import query_pairs

# The page's address, as every control that writes the URL writes it: the location component of Dash's pages
# (dash 4.4.1 names it so, and tests/web/test_browser.py's permalinks fail if it is renamed).
LOCATION = "_pages_location"
OUTCOME = "contribution"  # the query parameter the contributions' write path adds to the page it sends back to

# Dash 4's dropdown speaks English unless told: its own words, in French, for every dropdown of the portal
DROPDOWN_LABELS = {"select_all": "Tout choisir", "deselect_all": "Tout retirer",
                   "selected_count": "{num_selected} choisi(e)s", "search": "Rechercher",
                   "clear_search": "Effacer la recherche", "clear_selection": "Effacer le choix",
                   "no_options_found": "Aucun choix ne correspond"}


def address_path() -> str | None:
    """The path of the address being drawn: the router's input in a callback, the request's path when the server
    writes the page's first answer (server_render); None elsewhere."""
    import flask

    try:
        return (dash.ctx.inputs or {}).get(f"{LOCATION}.pathname")
    except (LookupError, dash.exceptions.MissingCallbackContextException):  # not in a callback (its thread, or not)
        pass
    return flask.request.path if flask.has_request_context() else None


def dropdown_field(label: str, class_name: str = "chart-control", **dropdown) -> html.Label:
    """A dropdown inside its label, so it is announced with it (a pattern id cannot be the target of `for`).
    Dash 4 names the dropdown's button by its value alone: assets/accessibilite.js adds the label's text, which
    it finds by the class chart-control-label."""
    dropdown.setdefault("labels", DROPDOWN_LABELS)
    return html.Label([html.Span(label, className="chart-control-label"), dcc.Dropdown(**dropdown)],
                      className=class_name)


def clicked_item(feature, items):
    """What a click on a map's feature chooses: the item at the feature's row (its property `i`) in `items`, or
    None for a forged or stale click."""
    properties = feature.get("properties") if isinstance(feature, dict) else None
    position = properties.get("i") if isinstance(properties, dict) else None
    if type(position) is not int or not isinstance(items, list) or not 0 <= position < len(items):
        return None
    return items[position]


def dataset_picker(choices, dataset, picker_id: str) -> html.Label | None:
    """When several datasets feed a dashboard, the reader picks one (its filters are its own)."""
    if len(choices) < 2:
        return None
    return dropdown_field("Jeu de données", "chart-control dataset-picker", id=picker_id, value=dataset.id,
                          options=[{"label": d.title, "value": d.id} for d in choices], clearable=False,
                          searchable=False)


def shown_values(store_id: str, values: dict) -> dcc.Store:
    """What a page's controls show when it is drawn, so that their callbacks can tell a reader's change from
    Dash's own call when the page is drawn (it calls them then too, with these very values)."""
    return dcc.Store(id=store_id, data={k: _plain(v) for k, v in values.items()})


def _plain(value):
    if value in (None, "", []):
        return None
    if isinstance(value, (list, tuple)):
        return sorted(str(v) for v in value)
    return str(value)


def user_changes(values: dict, shown) -> dict:
    """The controls' values the reader changed (those that differ from what the page showed)."""
    shown = shown if isinstance(shown, dict) else {}
    return {k: v for k, v in values.items() if _plain(v) != shown.get(k)}


def dataset_search(dataset_id, shown, current, keep: tuple[str, ...] = ()):
    """The URL when the reader picks another dataset: its own filters start afresh, the `keep` parameters stay.
    None when nothing was picked (the page being drawn) or for a forged value (see writes_url)."""
    if not isinstance(dataset_id, str) or not user_changes({"jeu": dataset_id}, shown):
        return None
    kept = {k: v for k, v in query_pairs(current if isinstance(current, str) else "") if k in keep}  # the last
    return "?" + urlencode([("jeu", dataset_id), *kept.items()])


def replace_params(current: str, values: dict[str, str | None], owned: tuple[str, ...]) -> str:
    """The query string with the `owned` parameters replaced by `values` (None or "" drops one)."""
    kept = [(k, v) for k, v in query_pairs(current if isinstance(current, str) else "") if k not in owned]
    new = [(k, str(values[k])) for k in owned if values.get(k) not in (None, "")]
    pairs = kept + new
    return "?" + urlencode(pairs) if pairs else ""


def new_search(current, search: str):
    """The URL's new query string, or no update when it holds the same parameters (in any order): Dash calls
    the controls' callbacks when a page is drawn, and a rewritten URL would draw the page again for nothing.
    The thanks after a contribution (OUTCOME) is said once, not at each change."""
    current = current if isinstance(current, str) else ""
    if sorted(query_pairs(search)) == sorted(query_pairs(current)):
        return dash.no_update
    pairs = query_pairs(search)
    return "?" + urlencode([p for p in pairs if p[0] != OUTCOME]) if any(k == OUTCOME for k, _ in pairs) else search


def writes_url(*controls, states: tuple = ()):
    """The one way a control writes its URL parameters: register the decorated function as the callback of
    `controls` (Input arguments: (component id, property) pairs) that rewrites the page's query string.

    The function gets the controls' values, then the `states`' ((id, property) pairs), then the current query
    string (always a str), and returns the new query string, or None to leave the address as it is (the call
    Dash makes when a page is drawn, a forged value). The address changes only when its parameters do. The
    function itself is returned unchanged, so that tests call it directly."""
    def register(function):
        @callback(Output(LOCATION, "search", allow_duplicate=True), *[Input(*c) for c in controls],
                  *[State(*s) for s in states], State(LOCATION, "search"), prevent_initial_call=True)
        def write(*values):
            *arguments, current = values
            current = current if isinstance(current, str) else ""
            wanted = function(*arguments, current)
            return dash.no_update if wanted is None else new_search(current, wanted)

        write.__name__ = f"{function.__name__}_writes_url"
        return function
    return register
