"""The filter panel generated from a dataset's schema, its removable chips, and the URL it writes."""
from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from components.a_la_vue import ALaVue

from data_access.dataset_view import facet_counts, facet_fields
from data_access.french import format_int, plural
from data_access.query import Query, describe_param, query_pairs

SHOWN = {"true": "oui", "false": "non"}
SEARCH_ID = "jeu-recherche"
SEARCH_BUTTON_ID = "jeu-recherche-bouton"
FACET_TYPE = "filtre-facette"
BOUND_TYPE = "filtre-borne"


def facet_id(name: str) -> dict:
    return {"type": FACET_TYPE, "field": name}


def bound_id(name: str, side: str) -> dict:
    return {"type": BOUND_TYPE, "field": name, "side": side}


def rebuild_search(current: str, facets: dict[str, list[str]], bounds: dict[tuple[str, str], str | None],
                   q: str | None) -> str:
    """The new query string once the panel changed. The parameters the panel shows are rewritten from its
    controls (q, refine.<facet>, from./to.<field>); every other one (tab, sort, exclude.*…) is kept."""
    owned = {"q"} | {f"refine.{name}" for name in facets} | {f"{side}.{name}" for name, side in bounds}
    kept = [(k, v) for k, v in query_pairs(current) if k not in owned]
    pairs = [("q", q.strip())] if q and q.strip() else []
    pairs += [(f"refine.{name}", v) for name, values in facets.items() for v in values or []]
    pairs += [(f"{side}.{name}", str(v)) for (name, side), v in bounds.items() if v not in (None, "")]
    return "?" + urlencode(pairs + kept) if pairs or kept else ""


def chips(query: Query, fields, base_path: str, extra_pairs: list[tuple[str, str]],
          value_labels: dict | None = None) -> html.Div | None:
    """Each filter that acts on the view as a link that removes it, in plain French (limit and select too); a
    code is shown by its name (`value_labels`, data_access.dataset_view.value_labels)."""
    effective = _effective_pairs(query)
    if not effective:
        return None
    others = [p for p in query.params if p not in effective and p[0] == "sort"] + extra_pairs
    items = []
    for i, (key, value) in enumerate(effective):
        rest = [p for j, p in enumerate(effective) if j != i] + others
        if key == "limit":
            label = f"au plus {value} lignes"
        elif key == "select":
            labels = {f.name: f.label for f in fields}
            label = "colonnes : " + ", ".join(labels.get(n, n) for n in value.split(","))
        else:
            label = describe_param(key, value, fields, value_labels)
        items.append(html.Li(dcc.Link([label, html.Span(" ✕", **{"aria-hidden": "true"}),
                                       html.Span(" (retirer ce filtre)", className="visually-hidden")],
                                      href=base_path + (f"?{urlencode(rest)}" if rest else ""), className="chip")))
    items.append(html.Li(dcc.Link("Tout effacer", href=base_path + (f"?{urlencode(others)}" if others else ""),
                                  className="chip chip-clear")))
    return html.Div([html.H2("Filtres actifs", className="visually-hidden"), html.Ul(items, className="chips")],
                    className="active-filters")


def _effective_pairs(query: Query) -> list[tuple[str, str]]:
    """The parameters that act on the rows, once each: a repeated refine counts once, and of repeated bounds,
    limits or column lists only the last one acts (as in the query layer)."""
    last_only = ("from.", "to.", "limit", "select")  # repeated q values add up: they stay
    pairs: list[tuple[str, str]] = []
    for key, value in query.params:
        if key == "sort":
            continue
        if key.startswith(last_only) or key in last_only:
            pairs = [p for p in pairs if p[0] != key]
        if (key, value) not in pairs:
            pairs.append((key, value))
    return pairs


def bound_value(query: Query, name: str, side: str) -> str | None:
    value = dict(query.lower if side == "from" else query.upper).get(name)
    if value is None:
        return None
    return getattr(value, "text", None) or (f"{value:g}" if isinstance(value, float) else str(value))


PANEL_ID = "panneau-filtres"
SHEET_BUTTON_ID = "filtres-bouton"


def filter_sheet_button(query: Query) -> html.Button:
    """A phone's way to the filters, at the top of the page: « Filtres (n) », n the filters in force; it opens the
    filter panel as a full-height sheet (assets/filtres.js). On a wide screen the panel is beside the content and
    the button is hidden."""
    active = len(_effective_pairs(query))
    return html.Button(f"Filtres ({active})", id=SHEET_BUTTON_ID, type="button", className="filter-sheet-button",
                       **{"aria-expanded": "false", "aria-controls": PANEL_ID,
                          "aria-label": f"Filtres : {plural(active, 'filtre actif', 'filtres actifs')}"})


def results_words(results: int) -> str:
    """What the sheet's closing button says: the live count of what the filters keep."""
    if results == 0:
        return "Aucun résultat : fermer"
    return "Voir le résultat" if results == 1 else f"Voir les {format_int(results)} résultats"


def filter_panel(backend, query: Query, results: int | None = None) -> html.Aside:
    """Full-text search, one checklist per facet field (with counts), and ranges for dates and numbers. On a phone
    it is a sheet that « Voir les N résultats » closes (N: `results`, the rows the filters keep)."""
    parts = [
        html.H2("Filtrer", id=f"{PANEL_ID}-titre", tabIndex="-1"),
        html.Label("Rechercher dans les données", htmlFor=SEARCH_ID),
        html.Div([dcc.Input(id=SEARCH_ID, type="search", value=query.q or "", className="form-control",
                            autoComplete="off"),
                  html.Button("Chercher", id=SEARCH_BUTTON_ID, n_clicks=0, className="btn btn-primary btn-sm")],
                 className="search-row"),
    ]
    fields = facet_fields(backend)
    every_count = facet_counts(backend, query, fields)
    for field in fields:
        counts = every_count[field.name]
        if not counts:
            continue
        heading = f"facette-{field.name}"
        parts.append(html.Div([
            html.H3(field.label, id=heading),
            dcc.Checklist(id=facet_id(field.name), options=[{"label": f" {SHOWN.get(v, v) if field.type == 'boolean' else v} ({format_int(c)})",
                                                             "value": v} for v, c, _ in counts],
                          value=[v for v, _, selected in counts if selected], className="facet-checklist",
                          labelClassName="facet-option", inputClassName="form-check-input"),
        ], className="facet-group", role="group", **{"aria-labelledby": heading}))
    for field in backend.fields:
        if not (field.is_numeric or field.is_temporal):
            continue
        kind = "date" if field.is_temporal else "number"
        controls = []
        for side, word in (("from", "du" if kind == "date" else "de"), ("to", "au" if kind == "date" else "à")):
            # the input sits inside its label: "Date de début, du" is what a screen reader announces
            controls.append(html.Label([
                html.Span(f"{field.label}, ", className="visually-hidden"), word,
                dcc.Input(id=bound_id(field.name, side), type="text" if kind == "date" else kind,
                          value=bound_value(query, field.name, side), debounce=True,
                          placeholder="AAAA, AAAA-MM ou AAAA-MM-JJ" if kind == "date" else None,
                          className="form-control form-control-sm"),
            ], className="bound-label"))
        parts.append(html.Div([html.H3(field.label + (f" ({field.unit})" if field.unit else ""),
                                       id=f"borne-{field.name}"), html.Div(controls, className="bound-row")],
                              className="bound-group", role="group", **{"aria-labelledby": f"borne-{field.name}"}))
    # the controls drawn when the panel comes into view (a phone's sheet, when it opens); its title and its
    # closing button at once
    parts = [parts[0], ALaVue(parts[1:])]
    if results is not None:
        parts.append(html.Button(results_words(results), type="button", className="btn btn-primary sheet-close"))
    return html.Aside(parts, id=PANEL_ID, className="filter-panel", **{"aria-label": "Filtres"})
