"""/reutilisations: the gallery of what people made with the portal's data (approved by a moderator), and the form
« Présenter une réutilisation »."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import Input, Output, callback, dcc, html

from components.controls import dropdown_field
from components.notices import notices
from components.portal import current_portal
from data_access.french import format_int
from data_access.query import FilterError, last, whole_number
from features.contributions.draw import outcome_notice, reuse_form, reuses_list, take_outcome, unreadable

PATH = "/reutilisations"
dash.register_page(__name__, path=PATH, name="Réutilisations", title="Réutilisations des données", nav_order=60,
                   description="Ce que les habitants, les associations et les journalistes font des données ouvertes "
                               "de la Métropole")


class Ids:
    """This page's ids, in one place."""

    FORM = "presenter-reutilisation"
    DATASETS = "presenter-reutilisation-jeux"  # the dropdown the reader picks with
    DATASETS_SENT = "presenter-reutilisation-jeux-envoyes"  # the form's field, its value the ids « , »-joined


PER_PAGE = 24
MAX_PAGE = 100_000


def _errors(params) -> list[FilterError]:
    asked = last(params.get("page"))
    if asked is not None and whole_number(asked, 1, MAX_PAGE) is None:
        return [FilterError("page", f"« {str(asked)[:20]} » n'est pas un numéro de page (un nombre entier de 1 à "
                                    f"{format_int(MAX_PAGE)} est attendu) : la première page est affichée")]
    return []


def invalid(**params) -> str | None:
    """Why this page's address is refused (the portal answers 400; the page says it and shows its first page)."""
    return next((f"{e.param} : {e.message}" for e in _errors(params)), None)


def layout(**params):
    from features.contributions.web import published

    portal = current_portal()
    catalogue = portal.repository.catalogue
    outcome, params = take_outcome(params)
    asked = last(params.get("jeu"))
    dataset = catalogue.get(asked) if isinstance(asked, str) else None
    reuses = published("reutilisation", dataset.id if dataset else None)
    chosen = [dataset.id] if dataset else []
    datasets = html.Div([
        dropdown_field("Jeux de données utilisés (facultatif)", "chart-control", id=Ids.DATASETS, multi=True,
                       value=chosen, options=[{"label": d.title, "value": d.id} for d in catalogue.datasets],
                       placeholder="Choisir dans le catalogue"),
        dcc.Input(type="hidden", name="datasets", id=Ids.DATASETS_SENT, value=",".join(chosen)),
    ], className="mb-3")
    return html.Div([
        html.H1("Réutilisations des données"),
        outcome_notice(outcome),
        html.P("Des cartes, des articles, des applications, des études : ce que d'autres ont fait des données du "
               "portail. Chaque réutilisation est relue par l'équipe open data avant d'être publiée.",
               className="lead"),
        html.Section([
            html.H2(f"Galerie : les réutilisations de « {dataset.title} »" if dataset else "Galerie",
                    id="galerie-titre"),
            html.P(dcc.Link("Voir toutes les réutilisations", href=PATH)) if dataset else None,
            notices(_errors(params)),
            *(_gallery(reuses, catalogue, whole_number(last(params.get("page")), 1, MAX_PAGE) or 1, dataset)
              if reuses is not None else [unreadable("Les réutilisations")]),
        ], **{"aria-labelledby": "galerie-titre"}),
        html.Section([
            html.H2("Présenter une réutilisation", id="presenter-titre"),
            reuse_form(Ids.FORM, PATH, portal.settings.contribution_email_days, datasets),
        ], className="contributions print-hide", **{"aria-labelledby": "presenter-titre"}),
    ])


def _gallery(reuses: list, catalogue, asked_page: int, dataset) -> list:
    """One page of the gallery (PER_PAGE reuses, the newest first), with the links to the others."""
    pages = max(1, -(-len(reuses) // PER_PAGE))
    page = min(asked_page, pages)

    def href(number: int) -> str:
        return PATH + "?" + urlencode(([("jeu", dataset.id)] if dataset else []) + [("page", str(number))])

    pager = html.Nav([
        dcc.Link("← Page précédente", href=href(page - 1)) if page > 1 else None,
        html.Span(f" Page {page} sur {pages} ({len(reuses)} réutilisations) ", className="galerie-page"),
        dcc.Link("Page suivante →", href=href(page + 1)) if page < pages else None,
    ], className="galerie-pages", **{"aria-label": "Pages de la galerie"}) if pages > 1 else None
    return reuses_list(reuses[(page - 1) * PER_PAGE:page * PER_PAGE], catalogue) + [pager]


@callback(Output(Ids.DATASETS_SENT, "value"), Input(Ids.DATASETS, "value"), prevent_initial_call=True)
def datasets_sent(chosen):
    """The datasets picked, into the form's field (ids only: the write path checks them against the catalogue)."""
    return ",".join(str(c) for c in chosen or [] if isinstance(c, str))
