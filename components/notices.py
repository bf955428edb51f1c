"""Notices for URL parameters that could not be used: visible, in French, and the rest of the view still works."""
from __future__ import annotations

from dash import html


def notices(errors) -> html.Div | None:
    """One line per ignored parameter (FilterError: param and message)."""
    if not errors:
        return None
    return html.Div([
        html.P("Certains paramètres de l'adresse ont été ignorés :", className="mb-1"),
        html.Ul([html.Li([html.Code(e.param), f" : {e.message}"]) for e in errors]),
    ], className="notice-params", role="alert")


def unavailable(title: str, message: str, picker=None) -> html.Div:
    """A dashboard that cannot be drawn: its title, the dataset picker when there is one, and why (French)."""
    return html.Div([html.H1(title), picker, html.P(message, className="notice-unavailable", role="alert")])


def address_notices(lines) -> html.Div | None:
    """What the reader should know of the address that was still read (a field's former name, query.Alias)."""
    if not lines:
        return None
    return html.Div([html.P("Adresse à mettre à jour :", className="mb-1"), html.Ul([html.Li(line) for line in lines])],
                    className="notice-params", role="status")
