"""Key-figure cards: a value, its label and a one-line definition, readable as text by screen readers."""
from __future__ import annotations

from dash import html


def kpi_list(items: list[tuple]) -> html.Dl:
    """Cards from (value, label, definition[, attributes]) items, as a description list so each value keeps its
    label; the attributes (data_access.chiffres.marque) say which registered figure the value is."""
    return html.Dl(
        [
            html.Div(
                [html.Dt(item[1], className="kpi-label"),
                 html.Dd(item[0], className="kpi-value", **(item[3] if len(item) > 3 else {})),
                 html.Dd(item[2], className="kpi-definition")],
                className="kpi-card",
            )
            for item in items
        ],
        className="kpi-list",
    )
