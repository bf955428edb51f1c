"""A chart card: the plotly figure, its text summary and a "voir les données" table (the figure's alternative)."""
from __future__ import annotations

from dash import dcc, html

from components.a_la_vue import ALaVue
from components.tables import scroll_table

# A light look set by hand: plotly's named templates cost tens of milliseconds per figure on every callback.
LIGHT = {"plot_bgcolor": "#fff", "paper_bgcolor": "#fff"}
AXIS = {"gridcolor": "#e5e7eb", "zerolinecolor": "#d0d7de", "linecolor": "#d0d7de"}
PALETTE = ["#00558c", "#e66100", "#2a9d5c", "#8a3ffc", "#b8860b", "#d62728", "#17becf", "#7f7f7f", "#4b0082"]
# Bars and lines also differ by pattern and marker, so colour is never the only signal.
PATTERNS = ["", "/", ".", "x", "\\", "+", "-", "|", ""]
# No logo, French, and no button that would send the chart to a third-party cloud.
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "locale": "fr",
                "modeBarButtonsToRemove": ["sendChartToCloud", "sendDataToCloud", "editInChartStudio"]}
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down", "hexagon"]


def figure(data, spec, value_label: str, x_label: str) -> dict:
    """The plotly figure for aggregated data (columns x, series?, value); a pure function."""
    traces = []
    groups = [(None, data)] if "series" not in data.columns else list(data.groupby("series", sort=False))
    for i, (name, part) in enumerate(groups):
        colour = PALETTE[i % len(PALETTE)]
        label = str(name) if name is not None else value_label
        if spec.chart == "pie":
            traces.append({"type": "pie", "labels": listed(part["x"]), "values": listed(part["value"]), "sort": False,
                           "marker": {"colors": PALETTE, "pattern": {"shape": PATTERNS}}, "name": label})
            break
        if spec.chart == "line":
            traces.append({"type": "scatter", "x": listed(part["x"]), "y": listed(part["value"]),
                           "mode": "lines+markers", "name": label, "line": {"color": colour},
                           "marker": {"symbol": MARKERS[i % len(MARKERS)], "size": 7}})
        else:
            traces.append({"type": "bar", "x": listed(part["x"]), "y": listed(part["value"]), "name": label,
                           "marker": {"color": colour, "pattern": {"shape": PATTERNS[i % len(PATTERNS)]}}})
    cartesian = spec.chart != "pie"
    return plain_figure(traces, margin={"l": 50, "r": 10, "t": 10, "b": 80}, height=420,
                        showlegend=len(groups) > 1 or not cartesian, legend={"orientation": "h", "y": -0.25},
                        separators=", ", font={"family": "system-ui, sans-serif"}, barmode="group",
                        xaxis={**AXIS, **_whole_ticks(data["x"]), **_title(x_label)} if cartesian else AXIS,
                        yaxis={**AXIS, **_title(value_label)} if cartesian else AXIS)


def plain_figure(traces: list[dict], **layout) -> dict:
    """A figure as plotly.js reads it, built as plain dicts: no plotly validation, no template (each figure sets
    its own look: LIGHT, AXIS, its colours), numbers written as numbers (`autotypenumbers`: a commune's code or
    a postcode on an axis stays a category)."""
    return {"data": traces, "layout": {**LIGHT, "autotypenumbers": "strict", **layout}}


def listed(values) -> list:
    """A column as a figure takes it: numbers and text as they are, dates as ISO text, missing values as None."""
    import pandas as pd

    values = pd.Series(values)
    if values.dtype.kind == "M":
        return [None if pd.isna(v) else v.isoformat() for v in values]
    return [None if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) else v
            for v in values.tolist()]


def _title(text: str | None) -> dict:
    return {"title": {"text": text}} if text else {}


def _whole_ticks(values) -> dict:
    """Years and other whole numbers on the x axis: ticks on whole values only (never « 2 022,5 »)."""
    import pandas as pd

    numbers = pd.Series(values)
    if not len(numbers) or not pd.api.types.is_numeric_dtype(numbers) or pd.api.types.is_bool_dtype(numbers) \
            or numbers.isna().any() or not (numbers == numbers.round()).all():
        return {}
    span = numbers.max() - numbers.min()
    return {"tickformat": "d", **({"dtick": 1} if span <= 12 else {})}


def data_table(data, value_label: str, x_label: str, series_label: str | None) -> html.Details:
    from data_access.analysis import format_value

    columns = [x_label] + ([series_label] if series_label else []) + [value_label]
    keys = ["x"] + (["series"] if series_label else []) + ["value"]
    rows = [[format_value(row[k]) if k == "value" else str(row[k]) for k in keys] for _, row in data.iterrows()]
    return rows_table(columns, rows, "Données représentées par le graphique")


def graph_height(fig) -> int:
    """The figure's height in pixels (plotly's own 450 when it sets none)."""
    return int((fig.get("layout") or {}).get("height") or 450)


def figure_card(graph_id: str, fig: dict, text: str, table: html.Details) -> html.Figure:
    """A figure with its summary as caption and its data table. The graph itself is hidden from screen readers,
    which get the summary and the table instead (plotly's SVG has no text alternative)."""
    return html.Figure([
        # French dates from assets/plotly-fr.js; the drawing is hidden from screen readers by
        # assets/accessibilite.js (its tool bar is not)
        # drawn when it comes into view (plotly.js is fetched then), its height kept until then
        ALaVue(dcc.Graph(id=graph_id, figure=fig, config=GRAPH_CONFIG), hauteur=f"{graph_height(fig)}px"),
        html.Figcaption(text, className="chart-summary"),
        table,
    ], className="chart-card")


def rows_table(columns: list[str], rows: list[list[str]], caption: str,
               summary: str = "Voir les données du graphique") -> html.Details:
    """A "voir les données" table from rows already formatted as text."""
    return html.Details([
        html.Summary(summary),
        scroll_table(html.Table([html.Caption(caption), html.Thead(html.Tr([html.Th(c, scope="col") for c in columns])),
                                 html.Tbody([html.Tr([html.Td(v) for v in row]) for row in rows])],
                                className="table table-sm"), caption),
    ], className="chart-data")


def chart_card(graph_id: str, data, spec, text: str, value_label: str, x_label: str,
               series_label: str | None) -> html.Figure:
    """An aggregated chart (columns x, series?, value) as a figure card."""
    return figure_card(graph_id, figure(data, spec, value_label, x_label), text,
                       data_table(data, value_label, x_label, series_label))
