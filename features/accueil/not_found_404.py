"""The 404 page: what happened, a search, and a way back."""
from __future__ import annotations

import dash
from dash import dcc, html

from components.search_form import search_form

dash.register_page(__name__, path="/404", name="Page introuvable", title="Page introuvable")


def layout(**_query):
    return html.Div([
        html.H1("Page introuvable"),
        html.P("L'adresse demandée ne correspond à aucune page ni à aucun jeu de données de ce portail. "
               "Elle a peut-être changé, ou contient une faute de frappe."),
        search_form("recherche-404", label="Chercher ce que vous vouliez voir"),
        html.Ul([
            html.Li(dcc.Link("Revenir à l'accueil", href="/")),
            html.Li(dcc.Link("À propos des données", href="/a-propos")),
        ]),
    ], className="not-found")
