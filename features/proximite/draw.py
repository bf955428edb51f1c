"""« Près de chez moi »'s pieces: the answers as sections, the marks on the map, the address suggestions and the
permalink (pure builders: data in, components out)."""
from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

from components.tables import scroll_table
from data_access.french import format_date
from features.communes.profil import number
from features.contributions.draw import report_link
from features.transports.live import age_words

SUGGESTION = "proximite-suggestion"  # pattern-matching id of each suggested address
MARK_STYLE = {  # the map's marks: a shape and a colour, and always a tooltip that says what it is
    "lieu": {"radius": 11, "color": "#1f2328", "fillColor": "#ffd33d", "fillOpacity": 1, "weight": 3},
    "arret": {"radius": 8, "color": "#00558c", "fillColor": "#ffffff", "fillOpacity": 1, "weight": 4},
    "velo": {"radius": 8, "color": "#1a7f37", "fillColor": "#1a7f37", "fillOpacity": .8, "weight": 2},
    "parking": {"radius": 8, "color": "#6639ba", "fillColor": "#6639ba", "fillOpacity": .8, "weight": 2},
}
MARK_WORDS = {"lieu": "le lieu choisi", "arret": "arrêt", "velo": "station Lovélo", "parking": "parking",
              "bureau": "bureau de vote"}


def suggestions(entries: list[dict], typed: str) -> list:
    """The addresses that match what was typed, as buttons (a tap or Entrée chooses one), with a status line."""
    if not typed.strip():
        return []
    if not entries:
        return [html.P(f"Aucune adresse ne correspond à « {typed[:80]} ».", className="nearby-status")]
    return [
        html.P(f"{len(entries)} adresse{'s' if len(entries) > 1 else ''} proposée{'s' if len(entries) > 1 else ''}",
               className="visually-hidden"),
        html.Ul([html.Li(html.Button(e["label"], id={"type": SUGGESTION, "index": k}, type="button",
                                     className="nearby-suggestion")) for k, e in enumerate(entries)],
                className="nearby-suggestions", **{"aria-label": "Adresses proposées"}),
    ]


def marks(items: list[dict]) -> list:
    """The place, its polling station's outline, and the nearest stops, station and car park."""
    layers = []
    for item in items:
        words = f"{MARK_WORDS.get(item['kind'], item['kind']).capitalize()} : {item['label']}"
        if item["kind"] == "bureau":
            layers.insert(0, dl.Polygon(positions=item["positions"], color="#cf222e", weight=3, dashArray="6 4",
                                        fillOpacity=.08, className="bureau-contour", interactive=False,
                                        children=dl.Tooltip(words)))
        elif item.get("lat") is not None:
            layers.append(dl.CircleMarker(center=[item["lat"], item["lon"]], className=f"marque-{item['kind']}",
                                          children=dl.Tooltip(words), **MARK_STYLE.get(item["kind"], {})))
    return layers


def legend(items: list[dict]) -> html.Ul | None:
    kinds = list(dict.fromkeys(i["kind"] for i in items))
    if not kinds:
        return None
    return html.Ul([html.Li([html.Span(className=f"nearby-key nearby-key-{k}", **{"aria-hidden": "true"}),
                             MARK_WORDS.get(k, k)]) for k in kinds], className="map-legend nearby-legend",
                   **{"aria-label": "Légende de la carte"})


def answers_view(answers) -> list:
    """Each answer as a section, then what the page cannot answer here and why."""
    return [_section(block) for block in answers.shown] + missing_section(answers.missing, "proximite-manque",
                                                                          "nearby-block nearby-missing")


def missing_section(blocks, heading_id: str, class_name: str) -> list:
    """What the page cannot say here, and the data each part would need (nothing when it says everything)."""
    if not blocks:
        return []
    return [html.Section([
        html.H2("Ce que cette page ne peut pas dire ici", id=heading_id),
        html.Ul([html.Li([html.Strong(b.title), f" : il faudrait {b.missing}."]) for b in blocks]),
    ], **{"aria-labelledby": heading_id}, className=class_name)]


def _section(block) -> html.Section:
    heading = f"proximite-titre-{block.key}"  # never a control's id (« proximite-commune » is the picker)
    body = {"bureau": facts_list, "commune": facts_list, "travaux": works_list, "arrets": _stops, "velo": _nothing,
            "parking": _nothing, "associations": _named, "archives": archives_list, "soins": _care}[block.key](block)
    return html.Section([
        html.H2(block.title, id=heading),
        html.P(block.text, className="nearby-answer", **block.marque) if block.text else None,
        body,
        html.P(block.note, className="notice-params") if block.note else None,
        html.P(dcc.Link(block.link[1], href=block.link[0]), className="nearby-link") if block.link else None,
    ], **{"aria-labelledby": heading}, className=f"nearby-block nearby-{block.key}")


def _nothing(block):
    return None


def facts_list(block) -> html.Dl | None:
    if not block.lines:
        return None
    return html.Dl([part for line in block.lines for part in (html.Dt(line["label"]), html.Dd(line["value"]))],
                   className="nearby-facts")


def _named(block) -> html.Ul | None:
    if not block.lines:
        return None
    return html.Ul([html.Li([html.Strong(line["label"]), f" — {line['value']}" if line["value"] else "",
                             html.Span(f" · à {line['distance']}", className="nearby-distance")])
                    for line in block.lines], className="nearby-list")


def works_list(block) -> html.Ul | None:
    if not block.lines:
        return None
    items = []
    for line in block.lines:
        dates = f"du {format_date(_date(line['start']))} au {format_date(_date(line['end']))}"
        impact = f" · circulation : {line['impact']}" if line.get("impact") else ""
        where = f" · à {line['distance']}" if line.get("distance") else ""
        about = html.Span(f" une erreur sur « {line['label']} »", className="visually-hidden")
        report = dcc.Link(["Signaler", about], href=report_link(line["dataset"], line["label"]),
                          className="nearby-report") if line.get("dataset") else None
        items.append(html.Li([html.Strong(line["label"]), html.Br(), f"{line['status'].capitalize()}, {dates}{impact}"
                              f"{where}", html.Span(report, className="nearby-report-line") if report else None]))
    return html.Ul(items, className="nearby-list")


def _date(value):
    return None if value is None or value != value else value.date()


def _stops(block) -> html.Div | None:
    if not block.lines:
        return None
    parts = []
    for line in block.lines:
        live = line.get("age") is not None or any(d.get("expected") for d in line["departures"])
        rows = [html.Tr([html.Td(d.get("expected") or d["time"]),
                         html.Td(html.Span(d["line"], className="line-badge nearby-line")),
                         html.Td(d["headsign"] or "—")] + ([html.Td(d.get("source", "théorique"))] if live else []))
                for d in line["departures"]]
        received = f" (temps réel reçu {age_words(line['age'])})" if line.get("age") is not None else ""
        table = scroll_table(html.Table([
            html.Caption(f"Prochains départs à {line['label']}{received}"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in ["Heure", "Ligne", "Direction"]
                                + (["Source"] if live else [])])),
            html.Tbody(rows)], className="table table-sm departures"), f"Prochains départs à {line['label']}") \
            if rows else html.P("Aucun départ plus tard ce jour-là.")
        alerts = html.Ul([html.Li(header) for header in line.get("alerts", ())], className="notice-alerts",
                         role="status", **{"aria-label": f"Perturbations à {line['label']}"}) \
            if line.get("alerts") else None
        parts.append(html.Article([
            html.H3(line["label"]), html.P(line["distance"], className="nearby-distance"), alerts, table,
            dcc.Link(f"Tous les départs de {line['label']}", href=line["href"]),
        ], className="nearby-stop"))
    return html.Div(parts)


def archives_list(block) -> html.Ul | None:
    if not block.lines:
        return None
    return html.Ul([html.Li([html.Strong(line["label"]),
                             html.Br() if line["address"] else None, line["address"] or "",
                             html.Br() if line["hours"] else None, line["hours"] or "",
                             html.Br() if line["site"] else None,
                             html.A("Site internet", href=line["site"]) if line["site"] and
                             str(line["site"]).startswith(("https://", "http://")) else None])
                    for line in block.lines], className="nearby-list")


def _care(block) -> html.Div:
    """Each indicator on its own lines (a phone has no room for four columns): the commune, the Métropole, the
    gap in words, then the definitions."""
    items = [html.Li([
        html.Strong(line["label"]), f" ({line['unit']})" if line["unit"] else "", html.Br(),
        f"Commune : {number(line['value'], 1)} · Métropole : {number(line['overall'], 1)}",
        f" — {line['comparison']}" if line["comparison"] != "non comparable" else "",
        f" ({line['year']})" if line["year"] else "",
    ]) for line in block.lines]
    words = block.lines[0]["overall_words"] if block.lines else ""
    return html.Div([
        html.Ul(items, className="nearby-list"),
        html.P(f"Métropole : {words}." if words else None, className="nearby-distance"),
        html.Details([html.Summary("Définitions"), html.Dl([
            part for line in block.lines for part in (
                html.Dt(line["label"]), html.Dd([line["definition"], " · ",
                                                 dcc.Link("voir dans Santé", href=line["href"])]))])]),
    ])


def permalink(url: str, position: bool) -> html.Div:
    words = "Lien vers ce lieu (position arrondie à une dizaine de mètres)" if position else "Lien vers cette commune"
    return html.Div([
        html.Label([words,
                    dcc.Input(value=url, readOnly=True, type="text", className="form-control",
                              id="proximite-lien-texte")], className="chart-control"),
        html.P(html.A("Ouvrir ce lien", href=url, id="proximite-lien")),
    ], className="nearby-share-result")
