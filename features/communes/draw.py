"""A commune's page as sections (pure builders: the profile in, components out): its key figures, works,
transport, access to care, polling stations on a small map, associations by theme and archives, then what the
page cannot say and why."""
from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

from components.a_la_vue import carte_a_la_vue
from components.choropleth import base_layers
from components.kpi import kpi_list
from components.tables import scroll_table
from data_access.chiffres import commune_marque
from data_access.french import points_gap
from features.communes.profil import amount, number
from features.proximite.draw import archives_list, missing_section, works_list

MAP_ID = "commune-carte-bureaux"


def sections(found, tile_url: str) -> list:
    return [_section(block, found, tile_url) for block in found.shown] + missing_section(
        found.missing, "commune-manque", "commune-part commune-missing")


def _section(block, found, tile_url: str) -> html.Section:
    heading = f"commune-titre-{block.key}"
    body = {"territoire": _territory, "travaux": lambda b, f, t: works_list(b), "transports": _transport,
            "soins": _care, "bureaux": _polling, "associations": _themes,
            "archives": lambda b, f, t: archives_list(b)}[block.key](block, found, tile_url)
    return html.Section([
        html.H2(block.title, id=heading),
        html.P(block.text, className="nearby-answer", **block.marque)
        if block.text and block.key != "territoire" else None,
        body,
        html.P(block.note, className="commune-note") if block.note else None,
        html.P(dcc.Link(block.link[1], href=block.link[0]), className="nearby-link print-hide") if block.link
        else None,
    ], **{"aria-labelledby": heading}, className=f"commune-part commune-{block.key}")


def _territory(block, found, tile_url):
    figures = found.figures
    items = []
    for key in ("population", "surface", "densite"):
        figure = figures.figure(key)
        if figure is None:
            continue
        mine, whole = found.value(key), figures.metropole.get(key)
        words = "Métropole" if figure.metropole != "total" else "toute la Métropole"
        items.append((f"{number(mine, figure.decimals)} {figure.unit}", figure.label,
                      f"{words} : {number(whole, figure.decimals)} {figure.unit}"
                      + (f" ; {figure.note}" if figure.note else ""), commune_marque(key, found.place.commune)))
    return html.Div([html.P(block.text, className="nearby-answer"), kpi_list(items) if items else None])


def comparison_table(rows: list[tuple], caption: str) -> html.Div:
    """Figure | the commune | the Métropole | a word on the gap, as a table (a phone scrolls it sideways); a row's
    optional 5th and 6th items mark its two values as registered figures (data_access.chiffres)."""
    return scroll_table(html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th("Indicateur", scope="col"), html.Th("Commune", scope="col"),
                            html.Th("Métropole", scope="col"), html.Th("Écart ou évolution", scope="col")])),
        html.Tbody([html.Tr([html.Th(r[0], scope="row"), html.Td(r[1], **(r[4] if len(r) > 4 else {})),
                             html.Td(r[2], **(r[5] if len(r) > 5 else {})), html.Td(r[3])]) for r in rows]),
    ], className="table table-sm commune-table"), caption)


def _transport(block, found, tile_url):
    figures = [m for m in block.marks if m["kind"] == "figure"]
    stops = next((m for m in block.marks if m["kind"] == "stops"), {"names": [], "more": 0})
    rows = [(f["label"], amount(f["value"], f["unit"], f["decimals"]),
             amount(f["metropole"], f["unit"], f["decimals"]) + ("" if f["unit"] == "%" else " en tout"),
             _gap(f["value"], f["metropole"], f["decimals"]) if f["unit"] == "%" else "",
             commune_marque(f.get("key", ""), found.place.commune), commune_marque(f.get("key", ""), "metropole"))
            for f in figures]
    return html.Div([
        html.Ul([html.Li(dcc.Link(line["label"], href=line["href"], className="line-badge",
                                  style={"background": line["color"], "color": line["text_color"]},
                                  title=f"La ligne {line['label']} dans le tableau de bord Transports"))
                 for line in block.lines], className="commune-lines", **{"aria-label": "Lignes"}) if block.lines
        else None,
        comparison_table(rows, "La desserte de la commune et celle de la Métropole") if rows else None,
        html.Details([html.Summary(f"Les arrêts desservis ({len(stops['names']) + stops['more']})"),
                      html.P(", ".join(stops["names"]) + (f", et {stops['more']} autres." if stops["more"] else "."))],
                     className="commune-stops") if stops["names"] else None,
    ])


def _gap(mine, whole, decimals: int = 0) -> str:
    """The gap between two shares in points, on the values as the table shows them (`decimals`)."""
    points = points_gap(mine, whole, decimals)
    if points is None:
        return ""
    if abs(points) < 1:
        return "comme la Métropole"
    return f"{number(abs(points), decimals)} point{'s' if abs(points) >= 2 else ''} de {'plus' if points > 0 else 'moins'}"


def _care(block, found, tile_url):
    first = next((line["first_year"] for line in block.lines if line.get("first_year")), None)
    trend = first is not None and any(line["first_year"] != line["year"] for line in block.lines)
    rows = []
    for line in block.lines:
        then = f"{number(line.get('first_value'), 1)} (Métropole {number(line.get('first_overall'), 1)})"
        rows.append([html.Th(line["label"] + (f" ({line['unit']})" if line["unit"] else ""), scope="row"),
                     html.Td(number(line["value"], 1)), html.Td(number(line["overall"], 1)),
                     html.Td(line["comparison"] if line["comparison"] != "non comparable" else "—"),
                     *([html.Td(then)] if trend else [])])
    year = next((line["year"] for line in block.lines if line["year"]), None)
    caption = "L'accès aux soins dans la commune et dans la Métropole"
    words = block.lines[0]["overall_words"] if block.lines else ""
    return html.Div([
        scroll_table(html.Table([
            html.Caption(caption),
            html.Thead(html.Tr([html.Th("Indicateur", scope="col"),
                                html.Th(f"Commune{f' ({year})' if year else ''}", scope="col"),
                                html.Th("Métropole", scope="col"), html.Th("Écart", scope="col"),
                                *([html.Th(f"En {first} : commune (Métropole)", scope="col")] if trend else [])])),
            html.Tbody([html.Tr(cells) for cells in rows]),
        ], className="table table-sm commune-table"), caption),
        html.P(f"Métropole : {words}." if words else None, className="commune-note"),
    ])


def _polling(block, found, tile_url):
    shapes = [dl.Polygon(positions=m["positions"], color="#cf222e", weight=2, fillOpacity=.06,
                         interactive=False, children=dl.Tooltip(f"Bureau {m['label']}")) for m in block.marks]
    points = [p for m in block.marks for p in _corners(m["positions"])]
    if not points:
        return None
    bounds = [[min(p[0] for p in points), min(p[1] for p in points)],
              [max(p[0] for p in points), max(p[1] for p in points)]]
    return html.Div([
        carte_a_la_vue(dl.Map(
            [*base_layers(tile_url), *shapes], id=MAP_ID, bounds=bounds, zoom=12, className="dataset-map commune-map",
            center=[(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
            style={"height": "20rem", "width": "100%", "maxWidth": "32rem"}, zoomAnimation=False, fadeAnimation=False,
            markerZoomAnimation=False, inertia=False, scrollWheelZoom=False, zoomControl=False, keyboard=False,
            attributionControl=bool(tile_url))),
        html.P(f"Carte : les contours des {len(shapes)} bureaux de vote de la commune, en rouge.",
               className="map-help"),
    ])


def _corners(positions) -> list:
    """The [lat, lon] points of nested rings (a polygon, or several)."""
    if positions and isinstance(positions[0], (int, float)):
        return [positions]
    return [p for part in positions for p in _corners(part)]


def _themes(block, found, tile_url):
    if not block.lines:
        return None
    return scroll_table(html.Table([
        html.Caption("Associations par thème"),
        html.Thead(html.Tr([html.Th("Thème", scope="col"), html.Th("Associations", scope="col")])),
        html.Tbody([html.Tr([html.Th(line["label"], scope="row"), html.Td(number(line["value"]))])
                    for line in block.lines]),
    ], className="table table-sm commune-table"), "Associations par thème")
