"""The Travaux dashboard's own pieces: timeline, progress chart, map legend and « Dans ma commune » (pure builders)."""
from __future__ import annotations

import datetime as dt

from dash import dcc, html

from components.chart import AXIS, PALETTE, figure_card, listed, plain_figure, rows_table
from components.dataset_tabs import RECORD_CARDS, record_card
from data_access.clock import today_paris
from data_access.french import format_date, format_int
from features.travaux import life
from features.travaux.charts import gantt_summary, progress_summary
from features.travaux.data import LATE_PROGRESS_MARGIN, find_roles, money
from features.travaux.map import LATE_CODE, MAP_LEGEND, class_counts, site_details, size_legend


def _fmt(value) -> str:
    return "—" if value != value or value is None else f"{value:.0f}\u202f%"


def _short_labels(titles, width: int = 32) -> list[str]:
    """The timeline's row labels: short enough to leave room for the bars on a phone (the full title is in the
    tooltip and the table), and one per site even when two sites share a title."""
    labels, seen = [], {}
    for title in titles:
        short = title if len(title) <= width else title[:width - 1].rstrip() + "…"
        seen[short] = seen.get(short, 0) + 1
        labels.append(short if seen[short] == 1 else f"{short} ({seen[short]})")
    return labels


def gantt_card(graph_id: str, sites, total: int, reference, late_known: bool = True) -> object:
    sites = sites.assign(label=_short_labels(sites["title"]))
    # without the data to tell lateness, one kind of bar: not « dans les temps »
    kinds = ((False, "dans les temps", "", PALETTE[0]), (True, "en retard", "/", PALETTE[1])) if late_known else \
        ((False, "chantiers", "", PALETTE[0]),)
    traces = []
    for late, name, pattern, colour in kinds:
        part = sites[sites["late"] == late]
        traces.append({"type": "bar", "y": listed(part["label"]), "base": listed(part["start"]),
                       "x": listed((part["planned_end"] - part["start"]).dt.total_seconds() * 1000),
                       "orientation": "h", "name": name, "marker": {"color": colour, "pattern": {"shape": pattern}},
                       "customdata": listed(part["title"]), "hovertemplate": "%{customdata}<extra></extra>"})
    day = reference.isoformat()
    fig = plain_figure(
        traces, barmode="overlay", height=max(300, 22 * len(sites) + 120),
        xaxis={"type": "date", **AXIS}, yaxis={"autorange": "reversed", "automargin": True, "categoryorder": "array",
                                               "categoryarray": listed(sites["label"])},
        margin={"l": 10, "r": 10, "t": 30, "b": 40}, legend={"orientation": "h", "y": -0.1},
        shapes=[{"type": "line", "x0": day, "x1": day, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                 "line": {"dash": "dash", "color": "#000"}}],
        annotations=[{"x": day, "y": 1, "yref": "paper", "yanchor": "bottom", "text": "date de situation",
                      "showarrow": False}])
    rows = [[r.title, f"{r.start:%d/%m/%Y}", f"{r.planned_end:%d/%m/%Y}", r.status]
            + (["oui" if r.late else "non"] if late_known else []) for r in sites.itertuples()]
    table = rows_table(["Chantier", "Début", "Fin prévue", "Statut"] + (["En retard"] if late_known else []), rows,
                       "Chantiers du calendrier")
    return figure_card(graph_id, fig, gantt_summary(sites, total, reference, late_known), table)


def progress_card(graph_id: str, data) -> object:
    running = data[data["progress"].notna() & data["elapsed"].notna() & data["status"].isin(["en cours", "suspendu"])]
    traces = []
    for late, name, symbol, colour in ((False, "dans les temps", "circle", PALETTE[0]),
                                       (True, "en retard", "x", PALETTE[1])):
        part = running[running["late"] == late]
        # rounded, and no title per point: the late sites are named in the table, and the callback stays small
        traces.append({"type": "scatter", "x": listed(part["elapsed"].round(1)), "y": listed(part["progress"].round(1)),
                       "mode": "markers", "name": name, "marker": {"symbol": symbol, "color": colour, "size": 8}})
    traces.append({"type": "scatter", "x": [LATE_PROGRESS_MARGIN, 100], "y": [0, 100 - LATE_PROGRESS_MARGIN],
                   "mode": "lines", "name": f"{LATE_PROGRESS_MARGIN} points de retard",
                   "line": {"dash": "dot", "color": "#000"}})
    fig = plain_figure(traces, height=420, margin={"l": 50, "r": 10, "t": 10, "b": 50},
                       xaxis={"title": {"text": "part de la durée prévue écoulée (%)"}, "range": [0, 102], **AXIS},
                       yaxis={"title": {"text": "avancement (%)"}, "range": [0, 102], **AXIS},
                       legend={"orientation": "h", "y": -0.2})
    late = running[running["late"]].sort_values("elapsed", ascending=False)
    rows = [[r.title, _fmt(r.elapsed), _fmt(r.progress)] for r in late.itertuples()]
    table = rows_table(["Chantier en retard", "Durée écoulée", "Avancement"], rows,
                       f"Les {format_int(len(rows))} chantiers en retard (les autres points sont dans les temps)")
    return figure_card(graph_id, fig, progress_summary(data), table)


def status_legend(codes: str, positions, late_known: bool = True) -> html.Ul:
    """The map's legend in words (and a sample line), with the count of each class among the selected sites;
    without « en retard » when the data cannot tell."""
    counts = class_counts(codes, positions)
    legend = [entry for entry in MAP_LEGEND if late_known or entry[0] != LATE_CODE]
    return html.Ul([html.Li([html.Span(className=f"legend-sample legend-{code}", **{"aria-hidden": "true"}),
                             html.Span(mark, className=f"legend-mark legend-mark-{code}", **{"aria-hidden": "true"}),
                             f"{label} ({format_int(counts[code])}) — {shape}"]) for code, label, shape, mark in legend],
                   className="map-legend", **{"aria-label": "Légende de la carte"})


def day_text(value) -> str:
    if value is None or value != value:  # None or NaT: the feed gives no date
        return "—"
    return format_date(value.date() if hasattr(value, "date") else value)


PROGRESS_TEXT_ID = "fiche-avancement-texte"  # names the site card's progress bar


def site_card(table, position: int, card: dict) -> html.Div:
    """The card a click on a site opens: title, status on the reference date, dates, a progress bar, budget,
    owner and traffic impact (a part the data lacks is left out)."""
    try:
        reference = dt.date.fromisoformat(card.get("date", ""))
        data_date = dt.date.fromisoformat(card["donnees"]) if card.get("donnees") else None
    except (TypeError, ValueError):
        reference, data_date = today_paris(), None
    roles = find_roles(table)
    if roles.missing_required:  # not a works dataset (a forged request): the plain record card
        return record_card(table, position)
    site = site_details(table, roles, position, reference, data_date)
    facts = [("Statut au " + format_date(reference), site["status"] + (" — en retard" if site["late"] else "")),
             ("Commune" if table.role_field("commune_name") or table.role_field("commune") else "Secteur",
              site["place"]),
             ("Type de travaux", site["type"]), ("Maître d'ouvrage", site["owner"]),
             ("Début", day_text(site["start"])), ("Fin prévue", day_text(site["planned_end"])),
             ("Fin réelle", day_text(site["actual_end"]) if site["actual_end"] is not None else None),
             ("Budget prévu", money(site["budget_planned"]) if site["budget_planned"] is not None else None),
             ("Budget engagé", money(site["budget_committed"]) if site["budget_committed"] is not None else None),
             ("Zone concernée", site["area"]), ("Impact sur la circulation", site["impact"])]
    items = [part for label, value in facts if value is not None
             for part in (html.Dt(label), html.Dd(str(value)))]
    progress = None
    if site["progress_known"] and site["progress"] is not None:
        done = float(site["progress"])
        elapsed = f" pour {site['elapsed']:.0f}\u202f% de la durée prévue écoulée" if site["elapsed"] is not None else ""
        progress = html.Div([
            html.P(f"Avancement : {done:.0f}\u202f% réalisés{elapsed}", id=PROGRESS_TEXT_ID),
            html.Progress(value=str(done), max="100", className="site-progress",
                          **{"aria-labelledby": PROGRESS_TEXT_ID}),
        ])
    return html.Article([
        html.H3(site["title"]), progress, html.Dl(items, className="dataset-facts"),
        life_section(table, roles, position, card),
        html.P(site["summary"], className="site-summary") if site["summary"] else None,
        html.P(site["description"], className="site-description") if site["description"] else None,
        html.A(["Avis de travaux", html.Span(" (site externe)", className="visually-hidden")], href=site["link"],
               rel="noopener noreferrer", className="site-link") if site["link"] else None,
    ], className="site-card")


def life_section(table, roles, position: int, card: dict) -> html.Section | None:
    """The site's life from the dataset's history (life.py): its status changes and planned ends moved, each
    dated; nothing when the card names no dataset of the catalogue or the history has fewer than two versions."""
    from components.portal import current_portal

    if not isinstance(card.get("jeu"), str):  # a card of no dataset (a forged request, or drawn alone)
        return None
    repository = current_portal().repository
    dataset = repository.catalogue.get(card["jeu"])
    found = None if dataset is None else life.of_dataset(repository.served_store.folder, dataset, roles)
    if found is None or found[0] not in table.frame.columns:
        return None
    key, lives = found
    events = lives.of(table.frame.iloc[position][key])
    kept = f"d'après les {len(lives.versions)} versions des données conservées depuis le {lives.since:%d/%m/%Y}"
    lines = life.summary(events) or [f"ni son statut ni sa fin prévue n'ont changé, {kept}"]
    return html.Section([
        html.H4("Son histoire", id=LIFE_ID),
        html.Ul([html.Li(line) for line in lines]),
        html.Details([html.Summary("Chaque changement, daté"),
                      html.Ol([html.Li(life.event_words(e)) for e in events])]) if events else None,
        html.P([kept[0].upper() + kept[1:] + " (", dcc.Link("historique du jeu de données",
                                                             href=f"/jeux-de-donnees/{dataset.id}/historique"), ")."],
               className="site-life-note") if events else None,
    ], className="site-life", **{"aria-labelledby": LIFE_ID})


LIFE_ID = "fiche-histoire"
RECORD_CARDS["travaux"] = site_card  # a click on the Travaux map opens this card


def size_legend_items(thresholds) -> html.P | None:
    """The marks' sizes in words."""
    words = size_legend(thresholds)
    if not words:
        return None
    return html.P("Taille des points et épaisseur des traits selon le budget prévu, du plus petit au plus grand : "
                  + " ; ".join(words) + " ; budget inconnu : plus petit encore.", className="map-legend-sizes")
