"""Key-figure cards: a value, its label and a one-line definition, readable as text by screen readers."""
from __future__ import annotations

from dash import html


def kpi_list(items: list[tuple[str, str, str]]) -> html.Dl:
    """Cards from (value, label, definition) triples, as a description list so each value keeps its label."""
    return html.Dl(
        [
            html.Div(
                [html.Dt(name, className="kpi-label"), html.Dd(value, className="kpi-value"),
                 html.Dd(definition, className="kpi-definition")],
                className="kpi-card",
            )
            for value, name, definition in items
        ],
        className="kpi-list",
    )
