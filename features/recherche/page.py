"""/recherche?q=…: the site-wide search (dashboards and their sections, datasets and the values of their facets,
stories, communes, addresses), each result a link to the view already filtered."""
from __future__ import annotations

import dash
from dash import html

from components.portal import current_portal
from components.search_form import search_form
from data_access.query import fold
from features.recherche.draw import dashboard_documents, results
from features.recherche.service import find

dash.register_page(__name__, path="/recherche", name="Recherche", title="Recherche dans le portail",
                   description="Chercher un tableau de bord, un jeu de données, une valeur, un récit, une commune")


def layout(q: str | list | None = None, **_other):
    query = q[-1] if isinstance(q, list) else (q or "")
    query = query if isinstance(query, str) else ""
    repository = current_portal().repository
    answer = find(repository, dashboard_documents(), query)
    themes = sorted({d.theme for d in repository.catalogue.datasets if d.theme}, key=fold)
    return html.Div([
        html.H1("Recherche dans le portail"),
        search_form("recherche-page", value=query, label="Que cherchez-vous ?"),
        results(answer, themes),
    ], className="search-page")
