"""The Travaux dashboard's own pieces: timeline, progress chart, map legend and « Dans ma commune » (pure builders)."""
from __future__ import annotations

import plotly.graph_objects as go
from dash import dcc, html

from components.chart import AXIS, LIGHT, PALETTE, figure_card, rows_table
from components.format import plural
from data_access.travaux import (LATE_PROGRESS_MARGIN, MAP_LEGEND, class_counts, commune_choices, gantt_summary,
                                 in_my_commune, progress_summary)


def _fmt(value) -> str:
    return "—" if value != value or value is None else f"{value:.0f}\u202f%"


def gantt_card(graph_id: str, sites, total: int, reference) -> object:
    fig = go.Figure()
    for late, name, pattern, colour in ((False, "dans les temps", "", PALETTE[0]), (True, "en retard", "/", PALETTE[1])):
        part = sites[sites["late"] == late]
        fig.add_trace(go.Bar(
            y=part["title"], base=part["start"], x=(part["planned_end"] - part["start"]).dt.total_seconds() * 1000,
            orientation="h", name=name, marker={"color": colour, "pattern": {"shape": pattern}},
            hovertemplate="%{y}<extra></extra>"))
    fig.add_vline(x=reference.isoformat(), line_dash="dash", line_color="#000")
    fig.add_annotation(x=reference.isoformat(), y=1.02, yref="paper", text="date de situation", showarrow=False)
    fig.update_layout(barmode="overlay", height=max(300, 22 * len(sites) + 120), **LIGHT,
                      xaxis={"type": "date", **AXIS}, yaxis={"autorange": "reversed", "automargin": True},
                      margin={"l": 10, "r": 10, "t": 30, "b": 40}, legend={"orientation": "h", "y": -0.1})
    rows = [[r.title, f"{r.start:%d/%m/%Y}", f"{r.planned_end:%d/%m/%Y}", r.status, "oui" if r.late else "non"]
            for r in sites.itertuples()]
    table = rows_table(["Chantier", "Début", "Fin prévue", "Statut", "En retard"], rows,
                       "Chantiers du calendrier")
    return figure_card(graph_id, fig, gantt_summary(sites, total, reference), table)


def progress_card(graph_id: str, data) -> object:
    running = data[data["progress"].notna() & data["elapsed"].notna() & data["status"].isin(["en cours", "suspendu"])]
    fig = go.Figure()
    for late, name, symbol, colour in ((False, "dans les temps", "circle", PALETTE[0]), (True, "en retard", "x", PALETTE[1])):
        part = running[running["late"] == late]
        # rounded, and no title per point: the late sites are named in the table, and the callback stays small
        fig.add_trace(go.Scatter(x=part["elapsed"].round(1), y=part["progress"].round(1), mode="markers", name=name,
                                 marker={"symbol": symbol, "color": colour, "size": 8}))
    fig.add_trace(go.Scatter(x=[LATE_PROGRESS_MARGIN, 100], y=[0, 100 - LATE_PROGRESS_MARGIN], mode="lines",
                             name=f"{LATE_PROGRESS_MARGIN} points de retard", line={"dash": "dot", "color": "#000"}))
    fig.update_layout(height=420, **LIGHT, margin={"l": 50, "r": 10, "t": 10, "b": 50},
                      xaxis={"title": "part de la durée prévue écoulée (%)", "range": [0, 102], **AXIS},
                      yaxis={"title": "avancement (%)", "range": [0, 102], **AXIS}, legend={"orientation": "h", "y": -0.2})
    late = running[running["late"]].sort_values("elapsed", ascending=False)
    rows = [[r.title, _fmt(r.elapsed), _fmt(r.progress)] for r in late.itertuples()]
    table = rows_table(["Chantier en retard", "Durée écoulée", "Avancement"], rows,
                       f"Les {len(rows)} chantiers en retard (les autres points sont dans les temps)")
    return figure_card(graph_id, fig, progress_summary(data), table)


def status_legend(codes: str, positions) -> html.Ul:
    """The map's legend in words (and a sample line), with the count of each class among the selected sites."""
    counts = class_counts(codes, positions)
    return html.Ul([html.Li([html.Span(className=f"legend-sample legend-{code}", **{"aria-hidden": "true"}),
                             f"{label} ({counts[code]}) — {shape}"]) for code, label, shape in MAP_LEGEND],
                   className="map-legend", **{"aria-label": "Légende de la carte"})


def my_commune(picker_id: str, list_id: str, table, roles, chosen, reference, data_date) -> html.Div:
    """The citizen's view: pick a commune, see what is being dug up there now and in the next 30 days."""
    choices = commune_choices(table, roles)
    chosen = chosen[-1] if isinstance(chosen, list) else chosen
    chosen = chosen if chosen in choices else None
    picker = html.Label(["Ma commune", dcc.Dropdown(id=picker_id, options=choices, value=chosen,
                                                    placeholder="Choisir une commune…", clearable=True)],
                        className="chart-control my-commune-picker")
    if chosen is None:
        return html.Div([picker, html.P("Choisissez une commune pour voir ses chantiers en cours et à venir.")])
    sites = in_my_commune(table, roles, chosen, reference, data_date)
    if sites.empty:
        return html.Div([picker, html.P(f"Aucun chantier en cours ni prévu dans les 30 jours à {chosen}.",
                                        id=list_id)])
    items = []
    for site in sites.itertuples():
        impact = None
        if site.impact is not None and site.impact == site.impact:
            impact = html.P([html.Strong("Circulation : "), site.impact],
                            className="site-impact" + (" disrupts" if site.disrupts else ""))
        items.append(html.Li(html.Article([
            html.H3(site.title),
            html.P(f"{site.status}{' (en retard)' if site.late else ''} — du {site.start:%d/%m/%Y} au "
                   f"{site.planned_end:%d/%m/%Y} (fin prévue)"),
            impact,
        ], className="site-card")))
    return html.Div([picker, html.P(f"{plural(len(sites), 'chantier')} en cours ou à venir à {chosen}, ceux qui "
                                    "gênent la circulation d'abord :"),
                     html.Ul(items, id=list_id, className="site-cards")])
