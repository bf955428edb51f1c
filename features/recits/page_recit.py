"""/recits/<slug>: one story, its prose and its live blocks (drawn from today's data)."""
from __future__ import annotations

import dash
from dash import dcc, html

from components.impression import print_button, print_header
from components.portal import current_portal
from data_access.clock import today_paris
from data_access.french import format_date
from features.recits.data import load_stories
from features.recits.draw import story_body


def _title(slug: str | None = None, **_params) -> str:
    try:
        story = load_stories(current_portal().settings.data_dir).get(str(slug))
    except RuntimeError:  # outside a request (the registry is built at import)
        return "Récit"
    return f"{story.title} — récit" if story is not None else "Récit introuvable"


dash.register_page(__name__, path_template="/recits/<slug>", name="Récit", title=_title)


def exists(slug: str = "", **_variables) -> bool:
    """Whether the story's file is there (an unknown one is a 404)."""
    return load_stories(current_portal().settings.data_dir).get(slug) is not None


def layout(slug: str | None = None, **_params):
    portal = current_portal()
    story = load_stories(portal.settings.data_dir).get(str(slug))
    if story is None:
        return html.Div([html.H1("Récit introuvable"),
                         html.P(["Ce récit n'existe pas ou a été retiré. ", dcc.Link("Voir tous les récits",
                                                                                     href="/recits"), "."])],
                        className="not-found")
    return html.Article([
        html.P([dcc.Link("Récits", href="/recits"), f" › {story.theme}" if story.theme else ""],
               className="breadcrumb-line"),
        html.H1(story.title),
        html.P([format_date(story.date), f" · {story.author}" if story.author else "",
                " ", html.Span("Données de démonstration", className="badge-demo") if story.demo else None],
               className="card-facts"),
        html.P(story.summary, className="lead"),
        print_header(story.title, f"publié le {format_date(story.date)}, chiffres au {format_date(today_paris())}",
                     "récit" + (f" — {story.theme}" if story.theme else ""),
                     f"portail open data, {portal.repository.catalogue.portal.publisher} — la source de chaque "
                     "graphique est indiquée sous lui"),
        html.Div(print_button("le récit"), className="page-tools"),
        *story_body(portal.repository, story, portal.settings.tile_url),
    ], className="recit")
