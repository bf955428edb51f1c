"""The Travaux dashboard's own figures: the timeline (Gantt) and progress against elapsed time (pure builders)."""
from __future__ import annotations

import plotly.graph_objects as go

from components.chart import AXIS, LIGHT, PALETTE, figure_card, rows_table
from data_access.travaux import LATE_PROGRESS_MARGIN, gantt_summary, progress_summary


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
