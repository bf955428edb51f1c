"""/catalogue: search the datasets, narrow them with facets, sort them; all the state lives in the URL."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import dcc, html

from components.controls import writes_url
from components.notices import notices
from components.portal import current_portal
from data_access.clock import today_paris
from data_access.french import plural
from features.contributions.draw import outcome_notice, take_outcome, wish_form
from features.explorer.draw_cards import dataset_card, facet_panel
from features.explorer.explorer import SORTS, dataset_summaries, parse_catalogue_query, search_catalogue
from features.recherche.draw import dashboard_documents
from features.recherche.service import found_values

dash.register_page(__name__, path="/catalogue", name="Catalogue", title="Catalogue des données", nav_order=10,
                   description="Rechercher et filtrer les jeux de données ouverts de la Métropole")


class Ids:
    """This page's ids, in one place."""

    SEARCH = "catalogue-recherche"
    SEARCH_BUTTON = "catalogue-recherche-bouton"
    COUNT = "catalogue-nombre"
    RESULTS = "catalogue-resultats"
    FACETS = "catalogue-facettes"


def href(query) -> str:
    pairs = query.pairs()
    return "/catalogue" + (f"?{urlencode(pairs)}" if pairs else "")


def layout(**params):
    portal = current_portal()
    repository = portal.repository
    outcome, params = take_outcome(params)
    query, errors = parse_catalogue_query(params)
    summaries = dataset_summaries(repository, portal.cache, today_paris())
    values = found_values(repository, dashboard_documents(), query.q) if query.q else {}
    result = search_catalogue(repository.catalogue, summaries, query, values)
    count = plural(len(result.datasets), "jeu de données", "jeux de données")
    return html.Div([
        html.H1("Catalogue des données"),
        outcome_notice(outcome),
        html.Div([
            html.Label("Rechercher un jeu de données", htmlFor=Ids.SEARCH),
            html.Div([
                dcc.Input(id=Ids.SEARCH, type="search", value=query.q or "", className="form-control",
                          placeholder="ex. chantiers, santé, bus…", autoComplete="off"),
                html.Button("Rechercher", id=Ids.SEARCH_BUTTON, className="btn btn-primary", n_clicks=0),
            ], className="search-row"),
        ], className="search-box", role="search"),
        notices(errors),
        html.Div([
            facet_panel(result, query, href, Ids.FACETS),
            html.Div([
                html.P([f"{count} sur {result.total}", f" pour « {query.q} »" if query.q else ""], id=Ids.COUNT,
                       className="result-count", role="status"),
                html.Div([html.Span("Trier par : ")] + [
                    html.Span(label, className="sort-current", **{"aria-current": "true"}) if key == query.sort
                    else dcc.Link(label, href=href(query.with_sort(key)), className="sort-link")
                    for key, label in SORTS.items()], className="sort-links"),
                html.Ul([html.Li(dataset_card(d, summaries.get(d.id), values.get(d.id, ())))
                         for d in result.datasets],
                        id=Ids.RESULTS, className="dataset-cards"),
            ], className="catalogue-results"),
        ], className="catalogue-layout"),
        html.Section([
            html.H2("Il vous manque des données ?", id="proposer-titre"),
            html.P(["Dites-nous lesquelles : l'équipe open data relit chaque proposition. Vous utilisez déjà ces "
                    "données ? ", dcc.Link("Présentez votre réutilisation", href="/reutilisations"), "."]),
            wish_form("proposer-jeu", href(query), portal.settings.contribution_email_days),
        ], className="contributions", **{"aria-labelledby": "proposer-titre"}),
    ])


@writes_url((Ids.SEARCH_BUTTON, "n_clicks"), (Ids.SEARCH, "n_submit"), states=((Ids.SEARCH, "value"),))
def search(_clicks, _submits, text, current):
    query, _ = parse_catalogue_query(current)
    wanted = query.with_q(text)
    if wanted.pairs() == query.pairs():  # the same search (Dash also calls this when the page is drawn): the
        return None                      # address stays as it is, with the thanks after a contribution
    return "?" + urlencode(wanted.pairs())
