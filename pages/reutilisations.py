"""/reutilisations: the gallery of what people made with the portal's data (approved by a moderator), and the form
« Présenter une réutilisation »."""
from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from components.contribuer import outcome_notice, reuse_form, reuses_list, take_outcome, unreadable
from components.controls import dropdown_field
from data_access.portal import current_portal

PATH = "/reutilisations"
dash.register_page(__name__, path=PATH, name="Réutilisations", title="Réutilisations des données", nav_order=60,
                   description="Ce que les habitants, les associations et les journalistes font des données ouvertes "
                               "de la Métropole")


class Ids:
    """This page's ids, in one place."""

    FORM = "presenter-reutilisation"
    DATASETS = "presenter-reutilisation-jeux"  # the dropdown the reader picks with
    DATASETS_SENT = "presenter-reutilisation-jeux-envoyes"  # the form's field, its value the ids « , »-joined


def layout(**params):
    from contributions_web import published

    portal = current_portal()
    catalogue = portal.repository.catalogue
    outcome, _params = take_outcome(params)
    reuses = published("reutilisation")
    chosen = [d for d in ([_params.get("jeu")] if isinstance(_params.get("jeu"), str) else []) if catalogue.get(d)]
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
            html.H2("Galerie", id="galerie-titre"),
            *(reuses_list(reuses, catalogue) if reuses is not None else [unreadable("Les réutilisations")]),
        ], **{"aria-labelledby": "galerie-titre"}),
        html.Section([
            html.H2("Présenter une réutilisation", id="presenter-titre"),
            reuse_form(Ids.FORM, PATH, portal.settings.contribution_email_days, datasets),
        ], className="contributions print-hide", **{"aria-labelledby": "presenter-titre"}),
    ])


@callback(Output(Ids.DATASETS_SENT, "value"), Input(Ids.DATASETS, "value"), prevent_initial_call=True)
def datasets_sent(chosen):
    """The datasets picked, into the form's field (ids only: the write path checks them against the catalogue)."""
    return ",".join(str(c) for c in chosen or [] if isinstance(c, str))
