"""The tabs of a dataset page: information, table, export and API (each a pure layout builder)."""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import dash_ag_grid as dag
import dash_leaflet as dl  # imported with the app: Dash refuses a component library loaded in a callback
import numpy as np
import pandas as pd
from dash import dcc, html

from components.a_la_vue import carte_a_la_vue
from components.choropleth import ROUEN, base_layers
from components.controls import dropdown_field, shown_values
from components.download import FORMAT_LABELS, download_menu, export_href
from components.grid_locale import grid_options
from components.tables import scroll_table
from data_access.dataset_view import field_profiles, grid_columns
from data_access.extracts.writers import formats_for
from data_access.french import format_date, format_int, plural
from data_access.geometry.geo import BROWSER_FILTER_MAX, is_point_layer, position_bitmap
from data_access.readers.derived import safe_link

TABS = {"information": "Informations", "table": "Tableau", "map": "Carte", "chart": "Graphique", "export": "Export",
        "api": "API"}
CHART_CONTROL = "graphique-reglage"
CHART_SHOWN_ID = "graphique-reglages-affiches"  # the chart controls' values as drawn (components/controls.py)
CHART_PARAMS = ("chart", "x", "gran", "agg", "y", "series")
GRAPH_ID = "jeu-graphique"
GRID_ID = "jeu-tableau"
DATASET_STORE_ID = "jeu-id"  # the dataset a page shows, for the grid's and the map's callbacks
QUERY_STORE_ID = "jeu-requete"  # the page's query string, for the grid's callback
MAP_ID = "jeu-carte"
MAP_LAYER_ID = "jeu-carte-couche"
RECORD_ID = "jeu-carte-fiche"
RECORD_CARD_ID = "jeu-carte-fiche-type"  # which card a click on the map opens (a page's own, or the record's)
OVERLAY_PANE = "couches-sous-les-objets"
# Points merged into a cluster within this distance (supercluster's units: half a screen pixel at Leaflet's
# 256-pixel tiles), so that two 40-pixel cluster marks never cover each other: each stays a 24-pixel target
# at least (WCAG 2.5.8), on a phone too.
CLUSTER_RADIUS = 120
MAX_MAP_LABELS = 3_000  # shapes labelled on the map beyond this many would only hide each other
MAP_CONTROL_ID = "jeu-carte-couches"  # the control of the extra layers (its `overlays`: the names switched on)
TYPE_LABELS = {"text": "texte", "int": "entier", "double": "décimal", "date": "date", "datetime": "date et heure",
               "boolean": "oui/non", "geo_point_2d": "point", "geo_shape": "forme"}


def tab_links(base_path: str, active: str, pairs: list[tuple[str, str]], tabs: dict[str, str]) -> html.Nav:
    """The tabs as links: each keeps the filters, so every tab shows the same rows."""
    links = []
    for key, label in tabs.items():
        href = base_path + "?" + urlencode([("tab", key)] + pairs)
        # the current tab is not a link: it is marked, for screen readers too, as where the user is
        links.append(html.Li(html.Span(label, className="tab-link active", **{"aria-current": "page"})
                             if key == active else dcc.Link(label, href=href, className="tab-link")))
    return html.Nav(html.Ul(links, className="tab-links"), **{"aria-label": "Vues du jeu de données"})


def information(dataset, backend, refreshed) -> html.Div:
    profile_rows = []
    for p in field_profiles(backend):
        bounds = f"{p.minimum} → {p.maximum}" if p.minimum is not None else "—"
        profile_rows.append(html.Tr([
            html.Th([p.field.label, html.Br(), html.Code(p.field.name)], scope="row"),
            html.Td(TYPE_LABELS.get(p.field.type, p.field.type) + (f" ({p.field.unit})" if p.field.unit else "")
                    + (f", plusieurs valeurs séparées par « {p.field.separator} »" if p.field.separator else "")),
            html.Td(format_int(p.distinct)), html.Td(f"{p.missing_share:.0%}".replace("%", "\u202f%")),
            html.Td(bounds),
        ]))
    source = dataset.source.url or dataset.source.base_url if dataset.source else "fichier fourni avec le portail"
    return html.Div([
        dcc.Markdown(dataset.description or "_Pas de description._", className="dataset-description"),
        html.Dl([
            html.Dt("Producteur"), html.Dd(dataset.publisher or "non précisé"),
            html.Dt("Licence"), html.Dd(dataset.license or "non précisée"),
            html.Dt("Source"), html.Dd(source),
            html.Dt("Dernière mise à jour"), html.Dd(format_date(refreshed)),
            html.Dt("Nombre de lignes"), html.Dd(format_int(backend.total)),
            html.Dt("Mots-clés"), html.Dd(", ".join(dataset.keywords) or "—"),
        ], className="dataset-facts"),
        html.H2("Champs"),
        scroll_table(html.Table([
            html.Caption("Champs du jeu de données et leur profil (sur toutes les lignes)"),
            html.Thead(html.Tr([html.Th(c, scope="col") for c in
                                ("Champ", "Type", "Valeurs distinctes", "Manquantes", "Min → max")])),
            html.Tbody(profile_rows),
        ], className="table table-sm"), "Champs du jeu de données"),
        *([html.H2("Lecture du fichier"),
           html.P("Ce que le portail a corrigé ou converti en lisant le fichier publié :"),
           html.Ul([html.Li(note) for note in backend.notes], className="reading-notes")] if backend.notes else []),
    ])


def table_view(table, rows: int) -> html.Div:
    """An AG Grid on the infinite row model: blocks of rows are asked from the server as the user scrolls."""
    columns = [{"field": f.name, "headerName": f.label, "sortable": not f.is_geo,
                **({"type": "numericColumn"} if f.is_numeric else {})} for f in grid_columns(table)]
    return html.Div([
        html.P(f"{plural(rows, 'ligne')} ; cliquez sur un en-tête de colonne pour trier.", className="grid-help"),
        dag.AgGrid(id=GRID_ID, columnDefs=columns, rowModelType="infinite",
                   defaultColDef={"resizable": True, "minWidth": 110, "filter": False},
                   dashGridOptions=grid_options(cacheBlockSize=100, maxBlocksInCache=20, infiniteInitialRowCount=100,
                                                rowBuffer=0),
                   className="ag-theme-alpine", style={"height": "60vh", "width": "100%"}),
    ])


def map_view(dataset, table, positions, query_string: str, version: str, tile_url: str,
             classes: str | None = None, legend: html.Ul | None = None, sizes: str = "",
             overlays: list | None = None, card: dict | None = None, after=None, help_text=None,
             control_id: str = MAP_CONTROL_ID, map_id: str = MAP_ID, past: bool = False) -> html.Div:
    """The whole geometry, fetched once (and cached) from /api/geo; this view's rows are a bitmap in `hideout`,
    and the filtering happens in the browser (assets/carte.js). Points are clustered, unless the rows are styled by
    class: `classes` has one letter per row of the table (assets/carte.js gives each letter a colour and a dash
    pattern or a mark), `sizes` one digit per row (the mark's size) and `legend` explains them in words.
    `overlays` are extra layers the reader can switch on (dl.Overlay), `card` tells the click's callback which
    card to draw (the dataset page's record card by default), `after` comes under the legend, and `help_text`
    (a list of children) says where the keyboard finds the same rows. A map drawn outside the dataset page (an
    embed, a story) has its own `map_id` and no record card (the page's click callback is the dataset page's).
    `past`: `version` is one the history keeps, and the layer is that version's (/api/geo/<id>.geojson?version=)."""
    points = is_point_layer(table)
    url = f"/api/geo/{dataset.id}.geojson?{'version' if past else 'v'}={version}"
    filtered = len(positions) < len(table)
    if filtered and points and len(positions) > BROWSER_FILTER_MAX:
        # dash-leaflet clusters before it filters: a large filtered view gets its own (cached) subset, clustered
        layer = {"url": f"{url}&{query_string}", "cluster": True}
    elif filtered:
        # the whole layer is already in the browser's cache: only which rows to keep is sent
        layer = {"url": url, "cluster": False, "hideout": {"garder": position_bitmap(positions, len(table))},
                 "filter": {"variable": "portail.carte.garde"}}
    else:
        layer = {"url": url, "cluster": points}
    if points:
        layer["pointToLayer"] = {"variable": "portail.carte.point"}
    label = table.role_field("label") or table.role_field("polling_station")
    if label is not None and not points and len(table) <= MAX_MAP_LABELS:
        # a label on each shape (a polling station's code), sent once with the page, shown as text
        texts = table.frame[label.name].astype("str").where(table.frame[label.name].notna(), "").tolist()
        layer.update(hideout={**layer.get("hideout", {}), "etiquettes": texts},
                     onEachFeature={"variable": "portail.carte.etiquette"})
        help_text = [f"les étiquettes ({label.label}) apparaissent en zoomant ; ",
                     *(help_text or ["l'onglet Tableau donne les mêmes lignes, utilisable au clavier."])]
    if classes is not None:
        layer.update(cluster=False, url=url, hideout={**layer.get("hideout", {}), "classe": classes, "taille": sizes},
                     style={"variable": "portail.carte.style"}, pointToLayer={"variable": "portail.carte.pointClasse"})
        if filtered and "filter" not in layer:  # the subset URL is not used when styling: filter in the browser
            layer.update(hideout={**layer["hideout"], "garder": position_bitmap(positions, len(table))},
                         filter={"variable": "portail.carte.garde"})
    layers = base_layers(tile_url)
    alone = map_id != MAP_ID
    layers.append(dl.GeoJSON(id=f"{map_id}-couche" if alone else MAP_LAYER_ID, zoomToBounds=True,
                             zoomToBoundsOnClick=True,
                             superClusterOptions={"radius": CLUSTER_RADIUS}, **layer))
    if overlays:
        # under the sites (Leaflet's overlay pane is at 400), so a click on a site is never taken by its commune
        layers += [dl.Pane(name=OVERLAY_PANE, style={"zIndex": 350}),
                   dl.LayersControl(overlays, id=control_id, collapsed=False, position="topright",
                                    # dash-leaflet adds to this list on each toggle: it must start right
                                    overlays=[o.name for o in overlays if getattr(o, "checked", False)])]
    return html.Div([
        html.P([f"{plural(len(positions), 'objet')} sur la carte. "
                + ("" if alone else "Cliquez sur un objet pour afficher sa fiche sous la carte ; "),
                *(help_text or ["L'onglet Tableau du jeu de données donne les mêmes lignes, utilisable au clavier."
                                if alone else "l'onglet Tableau donne les mêmes lignes, utilisable au clavier."])],
               className="map-help"),
        carte_a_la_vue(dl.Map(
            layers, id=map_id, center=ROUEN, zoom=11, style={"height": "60vh", "width": "100%"},
            className="dataset-map",
            # no animations: a page re-drawn by a filter change would otherwise remove the map mid-animation
            # (Leaflet's "_leaflet_pos" error), and motion helps nobody read a map
            zoomAnimation=False, fadeAnimation=False, markerZoomAnimation=False, inertia=False)),
        legend,
        after,
        None if alone else dcc.Store(id=RECORD_CARD_ID, data=card or {}),
        None if alone else html.Div(id=RECORD_ID, className="map-record", role="status"),
    ])


# Cards a page can give its map instead of the record card: kind -> builder(table, position, context dict).
RECORD_CARDS: dict = {}


def map_card(table, position: int, card: dict | None) -> html.Div:
    """The card a click on the map opens: the page's own kind (see RECORD_CARDS), else the record card."""
    card = card if isinstance(card, dict) else {}
    kind = card.get("kind")
    builder = RECORD_CARDS.get(kind) if isinstance(kind, str) else None
    return builder(table, position, card) if builder is not None else record_card(table, position)


def record_card(table, position: int) -> html.Div:
    """A row's fields, as the map's pop-up: label and value, geometry left out."""
    row = table.frame.iloc[position]
    items = []
    for field in table.fields:
        if field.is_geo:
            continue
        value = row[field.name]
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            shown = "—"
        elif isinstance(value, (bool, np.bool_)):
            shown = "oui" if value else "non"
        elif isinstance(value, pd.Timestamp):
            shown = value.strftime("%d/%m/%Y" if field.type == "date" else "%d/%m/%Y %H:%M")
        else:
            shown = str(value)
        link = safe_link(shown) if isinstance(value, str) else None
        # a web address is a link to follow; text keeps its line breaks (opening hours, a description)
        items += [html.Dt(field.label),
                  html.Dd(html.A(shown, href=link, rel="noopener noreferrer") if link else
                          shown + (f" {field.unit}" if field.unit and shown != "—" else ""), className="record-value")]
    return html.Div([html.H2("Fiche de l'objet choisi"), html.Dl(items, className="dataset-facts")])


def chart_control_id(param: str) -> dict:
    return {"type": CHART_CONTROL, "param": param}


def chart_view(table, positions, params: dict) -> tuple[html.Div, list]:
    """The analyse builder: its controls (their state is in the URL) and the chart card."""
    from data_access.analysis import AGGREGATES, CHART_TYPES, GRANULARITIES, numeric_fields, parse_chart, x_candidates

    spec, errors = parse_chart(params, table)
    if spec.x is None:
        return html.P("Ce jeu de données n'a pas de champ à représenter en graphique."), errors
    x_fields = [f for f in (numeric_fields(table) if spec.chart == "histogram" else x_candidates(table))]

    shown: dict = {}

    def control(label: str, param: str, options: list[tuple[str, str]], value, clearable: bool = False):
        shown[param] = value
        return dropdown_field(label, id=chart_control_id(param), value=value, clearable=clearable, searchable=False,
                              options=[{"label": t, "value": v} for v, t in options])

    controls = [control("Type", "chart", list(CHART_TYPES.items()), spec.chart),
                control("Axe horizontal", "x", [(f.name, f.label) for f in x_fields], spec.x)]
    if spec.chart != "histogram":
        if table.field(spec.x).is_temporal:
            controls.append(control("Pas de temps", "gran", list(GRANULARITIES.items()), spec.granularity))
        controls.append(control("Calcul", "agg", list(AGGREGATES.items()), spec.aggregate))
        if spec.aggregate != "count":
            controls.append(control("Champ calculé", "y", [(f.name, f.label) for f in numeric_fields(table)], spec.y))
    if spec.chart not in ("histogram", "pie"):
        controls.append(control("Séries (facultatif)", "series",
                                [(f.name, f.label) for f in x_candidates(table) if f.name != spec.x
                                 and not f.is_temporal], spec.series, clearable=True))
    card = chart_of(table, positions, spec, GRAPH_ID)
    return html.Div([html.Div(controls, className="chart-controls"), shown_values(CHART_SHOWN_ID, shown), card]), \
        errors


def chart_of(table, positions, spec, graph_id: str):
    """The chart card of a spec on the rows kept (the dataset's chart tab, a story's block): the figure, its
    summary in words and its data table."""
    from components.chart import chart_card
    from data_access.analysis import aggregate, summary, value_label

    data = aggregate(table, positions, spec)
    # the summary speaks of each x value as a whole: with series, from the same aggregate without them
    overall = aggregate(table, positions, replace(spec, series=None)) if spec.series else data
    label = value_label(spec, table)
    series_label = table.field(spec.series).label if spec.series else None
    return chart_card(graph_id, data, spec, summary(overall, spec, table), label, table.field(spec.x).label,
                      series_label)


def export_view(dataset, table, query_string: str, rows: int, settings) -> html.Div:
    return html.Div([
        download_menu(dataset.id, formats_for(table), query_string, rows, menu_id="jeu-export",
                      max_rows=settings.max_export_rows, max_xlsx_rows=settings.max_xlsx_rows),
    ])


def api_view(dataset, table, query_string: str, host: str) -> html.Div:
    items = []
    for fmt in formats_for(table):
        url = host + export_href(dataset.id, fmt, query_string)
        items.append(html.Li([html.Strong(FORMAT_LABELS[fmt]), html.Pre(html.Code(url)),
                              html.Pre(html.Code(f'curl -OJ "{url}"'))]))
    return html.Div([
        html.P("Ces adresses donnent les données de la vue actuelle, filtres compris. Elles suivent la grammaire "
               "q, refine.<champ>, exclude.<champ>, from.<champ>, to.<champ>, sort, select et limit."),
        html.H2("Extraits"), html.Ul(items, className="api-urls"),
        html.H2("Catalogue"), html.Pre(html.Code(f"curl {host}/api/catalogue.json")),
    ])
