"""Form controls shared by the pages."""
from __future__ import annotations

from dash import dcc, html


def dropdown_field(label: str, class_name: str = "chart-control", **dropdown) -> html.Label:
    """A dropdown inside its label, so it is announced with it (a pattern id cannot be the target of `for`).
    Dash 4 names the dropdown's button by its value alone: assets/accessibilite.js adds the label's text, which
    it finds by the class chart-control-label."""
    return html.Label([html.Span(label, className="chart-control-label"), dcc.Dropdown(**dropdown)],
                      className=class_name)
