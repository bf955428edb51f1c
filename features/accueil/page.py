"""Home page: key figures from the catalogue and the data, the latest stories, themes, recently updated datasets."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import dcc, html

from components.kpi import kpi_list
from components.portal import current_portal
from components.search_form import search_form
from components.shell import section
from data_access.chiffres import marque
from data_access.french import format_date, format_int, plural
from features.explorer.overview import key_figures, latest_datasets, theme_counts

dash.register_page(__name__, path="/", name="Accueil", title="Accueil — Open data Métropole Rouen Normandie",
                   nav_order=0, description="Les données ouvertes de la Métropole Rouen Normandie")


class Ids:
    """This page's ids, in one place."""

    FIGURES = "accueil-chiffres-cles"
    THEMES = "accueil-themes"
    LATEST = "accueil-dernieres-maj"
    STORIES = "accueil-recits"
    UNAVAILABLE = "accueil-indisponibles"


def _figures(repository) -> html.Section:
    figures = key_figures(repository, current_portal().cache)
    items = [
        (format_int(figures.datasets), "jeux de données",
         f"dont {plural(figures.available, 'disponible')} à la consultation"),
        (format_int(figures.records), "enregistrements", "lignes publiées, tous jeux de données disponibles confondus"),
        (format_int(figures.geo_datasets), "jeux cartographiques", "jeux de données avec une géométrie"),
        (format_int(figures.themes), "thèmes", "grands domaines du catalogue"),
    ]
    if figures.communes is not None:
        items[1:1] = [
            (format_int(figures.communes), "communes", "communes membres de la Métropole"),
            (format_int(figures.population), "habitants", "population municipale des communes membres",
             marque("population", "metropole")),
        ]
    return section("Chiffres clés", Ids.FIGURES, kpi_list(items))


def _themes(catalogue) -> html.Section:
    return section("Thèmes", Ids.THEMES, html.Ul(
        [html.Li([dcc.Link(theme, href="/catalogue?" + urlencode([("refine.theme", theme)])),
                  f" : {plural(count, 'jeu de données', 'jeux de données')}"])
         for theme, count in theme_counts(catalogue)], className="theme-list"))


def _latest(repository) -> html.Section:
    items = []
    for dataset in latest_datasets(repository.catalogue):
        reason = repository.unavailable_reason(dataset.id)
        items.append(html.Li([
            dcc.Link(dataset.title, href=f"/jeux-de-donnees/{dataset.id}", className="fw-bold"),
            html.Span(f" — {dataset.theme}, mis à jour le {format_date(dataset.modified)}"),
            html.Span(" (démonstration)", className="text-muted") if dataset.demo else None,
            html.Span(f" Indisponible : {reason}", className="badge-unavailable") if reason else None,
        ]))
    return section("Dernières mises à jour", Ids.LATEST, html.Ul(items, className="latest"))


LATEST_STORIES = 3


def _stories(data_dir) -> html.Section | None:
    """The latest stories, newest first, and the way to all of them."""
    from features.recits.data import load_stories

    stories = load_stories(data_dir).stories[:LATEST_STORIES]
    if not stories:
        return None
    return section("Derniers récits", Ids.STORIES, html.Ul([html.Li(html.Article([
        html.H3(dcc.Link(story.title, href=f"/recits/{story.slug}")),
        html.P([format_date(story.date), f" · {story.theme}" if story.theme else "",
                " ", html.Span("Données de démonstration", className="badge-demo") if story.demo else None],
               className="card-facts"),
        html.P(story.summary),
    ]), className="dataset-card") for story in stories], className="dataset-cards"),
        html.P(dcc.Link("Tous les récits", href="/recits")))


def _unavailable(repository) -> html.Section | None:
    unavailable = repository.unavailable()
    if not unavailable:
        return None
    return section(
        "Jeux de données indisponibles", Ids.UNAVAILABLE,
        html.P("Ces jeux de données figurent au catalogue mais ne peuvent pas être servis pour l'instant :"),
        html.Ul([html.Li([html.Strong(repository.catalogue.get(i).title), f" : {reason}"])
                 for i, reason in unavailable.items()]),
        className="notice-unavailable",
    )


def layout(**_query):
    portal = current_portal()
    repository = portal.repository
    catalogue = repository.catalogue
    demo = portal.demo
    return html.Div([
        html.H1(catalogue.portal.title),
        search_form("recherche-accueil", label="Rechercher une donnée, une commune, un thème",
                    class_name="search-form home-search"),
        html.P(f"Les données publiques de {catalogue.portal.publisher} : travaux, santé, transports, territoire. "
               "Chaque vue est consultable, filtrable et téléchargeable.", className="lead"),
        html.P("Vous consultez un instantané de démonstration : les données sont générées automatiquement, "
               "réalistes mais fictives (seuls les noms, codes INSEE, populations et positions des communes "
               "sont réels).", className="notice-demo", role="note") if demo else None,
        _figures(repository),
        _unavailable(repository),
        _stories(portal.settings.data_dir),
        html.Div([_themes(catalogue), _latest(repository)], className="two-columns"),
    ])
