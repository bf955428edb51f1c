"""/communes: the Métropole's communes, to search by name or pick on a map, each a link to its page."""
from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

from components.choropleth import commune_map, shade_hideout, shade_legend, shaded_layer
from components.controls import LOCATION, clicked_item
from components.portal import current_portal
from data_access.clock import today_paris
from data_access.french import format_int
from data_access.geometry.geo import commune_outlines, commune_rows
from data_access.query import fold
from features.communes.chiffres import commune_figures
from features.communes.profil import PATH, commune_path

dash.register_page(__name__, path=PATH, name="Communes", title="Les communes de la Métropole", nav_order=17,
                   description="Une page par commune : travaux, transports, santé, bureaux de vote, associations")


class Ids:
    SEARCH = "communes-recherche"
    LIST = "communes-liste"
    COUNT = "communes-nombre"
    MAP = "communes-carte"
    LAYER = "communes-carte-aplat"
    CODES = "communes-codes"


def layout(**_params):
    repository = current_portal().repository
    figures = commune_figures(repository, today_paris())
    if figures is None:
        return html.Div([html.H1("Les communes de la Métropole"), html.P(
            "Le portail n'a pas les contours des communes (un jeu de données avec le rôle commune et leurs "
            "contours) : les pages des communes ne peuvent pas être construites.", className="notice-params")])
    outlines, table = commune_outlines(repository)
    lines = commune_rows(table).drop_duplicates("row").sort_values("name", key=lambda n: n.map(fold))
    population = figures.frame["population"] if "population" in figures.frame else None
    items = [html.Li(dcc.Link([line.name, html.Span(f" — {format_int(population[line.code])} hab."
                                                    if population is not None and population[line.code] ==
                                                    population[line.code] else "", className="card-facts")],
                              href=commune_path(line.code)), **{"data-nom": fold(line.name)})
             for line in lines.itertuples()]
    return html.Div([
        html.H1(f"Les {len(lines)} communes de la Métropole"),
        html.P("Chaque commune a sa page : ses travaux, ses transports en commun, l'accès aux soins, ses bureaux de "
               "vote, ses associations et ses archives, comparés à la Métropole, à imprimer pour un conseil "
               "municipal.", className="lead"),
        html.P(dcc.Link("Comparer jusqu'à 4 communes", href=f"{PATH}/comparer"), className="nearby-link"),
        html.Div([
            html.Label(["Chercher une commune",
                        dcc.Input(id=Ids.SEARCH, type="search", debounce=0.2, autoComplete="off", maxLength=80,
                                  placeholder="ex. : Darnétal", className="form-control")],
                       className="chart-control"),
        ], role="search", className="communes-search", **{"aria-label": "Chercher une commune"}),
        html.P(f"{len(lines)} communes", id=Ids.COUNT, role="status", className="result-count"),
        html.Ul(items, id=Ids.LIST, className="communes-list"),
        html.Section([
            html.H2("Carte des communes", id="communes-carte-titre"),
            html.P("Touchez une commune pour ouvrir sa page ; au clavier, la liste ci-dessus donne les mêmes "
                   "communes.", className="map-help"),
            *_map(figures, outlines, table, repository.version(outlines.id)),
        ], **{"aria-labelledby": "communes-carte-titre"}),
        dcc.Store(id=Ids.CODES, data=[str(c) for c in _codes_by_row(table)]),
    ], className="communes-page")


def _codes_by_row(table) -> list:
    lines = commune_rows(table).drop_duplicates("row")
    codes = [""] * len(table)
    for line in lines.itertuples():
        codes[line.row] = line.code
    return codes


def _map(figures, outlines, table, version: str) -> list:
    """The communes shaded by density (or population), each named in a tooltip."""
    from features.communes.profil import number

    key = "densite" if "densite" in figures.frame else ("population" if "population" in figures.frame else None)
    lines = commune_rows(table).drop_duplicates("row")
    values = figures.frame[key].reindex(lines["code"]).to_numpy() if key else [float("nan")] * len(lines)
    figure = figures.figure(key) if key else None
    texts = [""] * len(table)
    for line, value in zip(lines.itertuples(), values):
        texts[line.row] = line.name + (f" : {number(value)} {figure.unit}" if figure is not None else "")
    hideout, bounds = shade_hideout(lines["row"].tolist(), values, texts, len(table))
    layer = shaded_layer(f"/api/geo/{outlines.id}.geojson?v={version}", hideout, id=Ids.LAYER, zoomToBounds=True)
    legend = shade_legend(figure.label + f" ({figure.unit})", bounds, lambda v: number(v), whole=True) \
        if figure is not None else []
    return [commune_map(Ids.MAP, [layer], current_portal().settings.tile_url, height="50vh"),
            html.P(legend, className="map-legend-communes") if legend else None]


@callback(Output(Ids.LIST, "children"), Output(Ids.COUNT, "children"), Input(Ids.SEARCH, "value"),
          State(Ids.LIST, "children"), prevent_initial_call=True)
def search(text, items):
    """Hides the communes whose name does not hold what is typed (accents and case aside)."""
    wanted = fold(str(text or "")[:80]).strip()
    shown = 0
    for item in items or []:
        props = item.get("props", {}) if isinstance(item, dict) else {}
        match = not wanted or wanted in str(props.get("data-nom", ""))
        props["hidden"] = not match
        shown += match
    words = f"{shown} commune{'s' if shown > 1 else ''}" + (f" pour « {str(text)[:80]} »" if wanted else "")
    return items, words if shown else f"Aucune commune ne correspond à « {str(text)[:80]} »."


@callback(Output(LOCATION, "pathname", allow_duplicate=True), Input(Ids.LAYER, "clickData"),
          State(Ids.CODES, "data"), prevent_initial_call=True)
def open_commune(feature, codes):
    code = clicked_item(feature, codes)
    return commune_path(code) if code else dash.no_update
