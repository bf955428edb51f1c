"""/recits: the data team's stories, newest first, filterable by theme (`theme=`)."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import dcc, html

from components.notices import notices
from components.portal import current_portal
from data_access.french import format_date
from data_access.query import FilterError, last
from features.recits.data import load_stories

dash.register_page(__name__, path="/recits", name="Récits", title="Récits de données", nav_order=50,
                   description="Des histoires racontées avec les données du portail, chiffres et graphiques à jour")


def layout(**params):
    portal = current_portal()
    stories = load_stories(portal.settings.data_dir)
    themes = sorted({s.theme for s in stories.stories if s.theme})
    theme = last(params.get("theme"))
    errors = [FilterError(k, "ce paramètre n'a pas de sens sur cette page ; il est ignoré")
              for k in params if k != "theme"]
    if theme and theme not in themes:
        errors.append(FilterError("theme", f"aucun récit du thème « {theme[:60]} » ; tous les récits sont listés"))
        theme = None
    shown = [s for s in stories.stories if not theme or s.theme == theme]
    return html.Div([
        html.H1("Récits de données"),
        html.P("Des histoires racontées avec les données du portail : leurs chiffres, graphiques et tableaux sont "
               "calculés sur les données du jour.", className="lead"),
        notices(errors),
        html.Nav(html.Ul([html.Li(dcc.Link("Tous", href="/recits", className="chip" + (" chip-clear" if theme else
                                                                                       "")))] +
                         [html.Li(dcc.Link(t, href="/recits?" + urlencode({"theme": t}),
                                           className="chip" + ("" if t == theme else " chip-clear"),
                                           **({"aria-current": "page"} if t == theme else {})))
                          for t in themes], className="chips"), **{"aria-label": "Thèmes des récits"})
        if themes else None,
        html.Ul([_card(s) for s in shown], className="dataset-cards") if shown else
        html.P("Aucun récit n'est encore publié." if not stories.stories else "Aucun récit dans ce thème."),
    ])


def _card(story) -> html.Li:
    return html.Li(html.Article([
        html.H2(dcc.Link(story.title, href=f"/recits/{story.slug}")),
        html.P([format_date(story.date), f" · {story.theme}" if story.theme else "",
                f" · {story.author}" if story.author else "",
                " ", html.Span("Données de démonstration", className="badge-demo") if story.demo else None],
               className="card-facts"),
        html.P(story.summary),
    ]), className="dataset-card")
