"""The Travaux dashboard by commune: « Dans ma commune » and its cards, the communes layers of the sites' map, and
the communes map of a feed whose sites have no position (each commune shaded by its count of sites)."""
from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

from components.chart import rows_table
from components.choropleth import commune_map, shade_hideout, shade_legend, shaded_layer
from components.controls import dropdown_field
from components.dataset_tabs import OVERLAY_PANE
from data_access.french import at_place, format_int, plural
from data_access.readers.derived import safe_link
from features.travaux.communes import in_my_commune
from features.travaux.data import money
from features.travaux.draw import day_text


def my_commune(picker_id: str, list_id: str, table, roles, chosen, reference, data_date, choices: list[str]
               ) -> html.Div:
    """The citizen's view: pick a commune (among `choices`; `chosen` is one of them or None), see what is being dug
    up there now and in the next 30 days."""
    # without a commune, the area (a postcode, a district) stands in for it
    commune = bool(roles["commune"] or table.role_field("commune_name"))
    place, a_place = ("Ma commune", "une commune") if commune else ("Mon secteur", "un secteur (code postal, quartier)")
    picker = dropdown_field(place, "chart-control my-commune-picker", id=picker_id, options=choices, value=chosen,
                            placeholder=f"Choisir {a_place}…", clearable=True)
    if chosen is None:
        return html.Div([picker, html.P(f"Choisissez {a_place} pour voir ses chantiers en cours et à venir.",
                                        className="print-hide")])
    sites = in_my_commune(table, roles, chosen, reference, data_date)
    if sites.empty:
        return html.Div([picker, html.P(f"Aucun chantier en cours ni prévu dans les 30 jours {at_place(chosen)}.",
                                        id=list_id)])
    first = ", ceux qui gênent la circulation d'abord :" if roles["traffic_impact"] else " :"
    return html.Div([picker, html.P(f"{plural(len(sites), 'chantier')} en cours ou à venir {at_place(chosen)}{first}"),
                     html.Ul([html.Li(site_item(site)) for site in sites.itertuples()], id=list_id,
                             className="site-cards")])


def _period(start, end) -> str:
    """A site's dates in words, whichever the feed gives."""
    if _known(start) and _known(end):
        return f"du {day_text(start)} au {day_text(end)} (fin prévue)"
    if _known(start):
        return f"à partir du {day_text(start)}"
    if _known(end):
        return f"jusqu'au {day_text(end)} (fin prévue)"
    return "dates non précisées"


def _known(value) -> bool:
    return value is not None and value == value and str(value).strip() != ""


def site_item(site) -> html.Article:
    """One site of « Dans ma commune »: its title, status and dates, the area it affects, its summary and
    description as plain text, and the link to its notice when it has a safe one."""
    impact = html.P([html.Strong("Circulation : "), site.impact],
                    className="site-impact" + (" disrupts" if site.disrupts else "")) if _known(site.impact) else None
    link = safe_link(site.link) if _known(site.link) else None
    return html.Article([
        html.H3(site.title),
        html.P(f"{site.status}{' (en retard)' if site.late else ''} — {_period(site.start, site.planned_end)}"),
        html.P([html.Strong("Zone concernée : "), site.area]) if _known(site.area) else None,
        impact,
        html.P(site.summary, className="site-summary") if _known(site.summary) and site.summary != site.title
        else None,
        html.Details([html.Summary("Description"), html.P(site.description, className="site-description")])
        if _known(site.description) else None,
        html.A(["Avis de travaux", html.Span(" (site externe)", className="visually-hidden")], href=link,
               rel="noopener noreferrer", className="site-link") if link else None,
    ], className="site-card")


# The communes layers: their key in the URL (?couches=nombre,budget) and their name in the map's control.
COMMUNE_LAYERS = {"nombre": "Nombre de chantiers par commune", "budget": "Budget prévu par commune"}


def _commune_texts(data, size: int, has_budget: bool) -> list[str]:
    """Each commune's tooltip, in words: « Rouen : 3 chantiers, 1,2 M€ prévus »."""
    texts = [""] * size
    for row in data.itertuples():
        budget = f", {money(row.budget)} prévus" if has_budget and row.budget == row.budget else ""
        texts[row.row] = f"{row.name} : {plural(row.sites, 'chantier')}{budget}"
    return texts


def _commune_table(data, has_budget: bool, href_of=None, chosen: str | None = None) -> html.Details:
    """The communes and their sites as a table; with `href_of`, each commune is a link that chooses it (the map's
    keyboard way)."""
    rows = []
    for row in data.itertuples():
        name = dcc.Link(row.name, href=href_of(row.name)) if href_of else row.name
        rows.append([html.Strong([name, " (choisie)"]) if row.name == chosen else name, format_int(row.sites)]
                    + ([money(row.budget) if row.budget == row.budget else "—"] if has_budget else []))
    return rows_table(["Commune", "Chantiers"] + (["Budget prévu"] if has_budget else []), rows,
                      "Chantiers sélectionnés par commune", summary="Voir les chantiers par commune")


def commune_layers(outlines, version: str, data, shown=()) -> tuple[list, html.Div]:
    """The communes layers the reader can switch on (sites, and budget when there is one, per commune; those
    whose key is in `shown` are on), and their legend and table in words under the map."""
    url = f"/api/geo/{outlines.id}.geojson?v={version}"
    size = int(data["row"].max()) + 1
    has_budget = data.loc[data["sites"] > 0, "budget"].notna().any()
    texts = _commune_texts(data, size, has_budget)
    layers, legends = [], []
    kinds = [("sites", "nombre", format_int)] + ([("budget", "budget", money)] if has_budget else [])
    for column, key, show in kinds:
        name = COMMUNE_LAYERS[key]
        hideout, bounds = shade_hideout(data["row"], data[column], texts, size)
        layers.append(dl.Overlay(shaded_layer(url, hideout, pane=OVERLAY_PANE), name=name, checked=key in shown))
        unknown = "budget inconnu" if column == "budget" and data[column].isna().any() else None
        legends.append(html.Li(shade_legend(name, bounds, show, whole=column == "sites", missing=unknown)))
    return layers, html.Div([html.P("Couches des communes, à cocher en haut à droite de la carte :"),
                             html.Ul(legends, className="map-legend-communes"), _commune_table(data, has_budget)],
                            className="commune-layers")


def _unplaced_note(count: int, places: list[str]) -> html.P | None:
    """The sites left off the communes map, and the places the feed gives them."""
    if not count:
        return None
    shown = ", ".join(f"« {name} »" for name in places[:5]) + (", …" if len(places) > 5 else "")
    verb, counts = ("n'apparaît", "il compte") if count == 1 else ("n'apparaissent", "ils comptent")
    return html.P(f"{plural(count, 'chantier')} dont la commune n'est pas reconnue ({shown}) {verb} pas sur la "
                  f"carte ; {counts} dans les chiffres et le calendrier.", className="notice-params")


def commune_works_map(map_id: str, layer_id: str, outlines, version: str, data, chosen: str | None, tile_url: str,
                      href_of, unplaced: tuple[int, list[str]] = (0, [])) -> html.Div:
    """Sites that have no position, placed by their commune: each commune shaded by its count of selected sites,
    with its count in a tooltip; a click on a commune (or its link in the table under the map) chooses it and
    lists its works."""
    size = int(data["row"].max()) + 1
    has_budget = data.loc[data["sites"] > 0, "budget"].notna().any()
    chosen_row = next((r.row for r in data.itertuples() if r.name == chosen), None)
    hideout, bounds = shade_hideout(data["row"], data["sites"], _commune_texts(data, size, has_budget), size,
                                    chosen_row)
    layer = shaded_layer(f"/api/geo/{outlines.id}.geojson?v={version}", hideout, id=layer_id, zoomToBounds=True)
    located = int((data["sites"] > 0).sum())
    return html.Div([
        html.P("Les chantiers n'ont pas de position : chacun est compté dans sa commune "
               f"({plural(located, 'commune')} en ont). Cliquez sur une commune pour lister ses chantiers en cours "
               "et à venir ; le tableau sous la carte donne les mêmes communes, utilisable au clavier.",
               className="map-help"),
        _unplaced_note(*unplaced),
        commune_map(map_id, [layer], tile_url, height="60vh"),
        html.P(shade_legend("Nombre de chantiers par commune", bounds, format_int, whole=True),
               className="map-legend-communes"),
        _commune_table(data, has_budget, href_of, chosen),
    ], className="commune-works-map")
