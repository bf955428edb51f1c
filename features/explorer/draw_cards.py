"""Catalogue pieces: the facet panel (links that toggle a value) and a dataset's card."""
from __future__ import annotations

from typing import Callable

from dash import dcc, html

from components.a_la_vue import ALaVue

from data_access.french import format_date, format_int, plural
from features.explorer.explorer import FACET_LABELS

EXCERPT_LENGTH = 220


def excerpt(markdown_text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of a description, as plain text: markdown marks dropped, cut at a word."""
    text = " ".join(markdown_text.replace("**", "").replace("__", "").replace("#", "").split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"


def facet_panel(result, query, href: Callable, panel_id: str) -> html.Nav:
    """Each facet's values with their counts; a value is a link that selects it, or unselects it."""
    groups = []
    for facet, values in result.facets:
        if not values:
            continue
        items = []
        for value in values:
            label = f"{value.value} ({format_int(value.count)})"
            link_text = [html.Span("✓ ", **{"aria-hidden": "true"}) if value.selected else None, label,
                         html.Span(" — filtre actif, retirer" if value.selected else "", className="visually-hidden")]
            items.append(html.Li(dcc.Link(link_text, href=href(query.toggled(facet, value.value)),
                                          className="facet-link selected" if value.selected else "facet-link")))
        heading_id = f"{panel_id}-{facet}"
        groups.append(html.Div([html.H3(FACET_LABELS[facet], id=heading_id),
                                html.Ul(items, **{"aria-labelledby": heading_id})], className="facet-group"))
    # the links drawn when the panel comes into view (after the results, on a phone): the first answer holds them
    return html.Nav([html.H2("Affiner la recherche"), ALaVue(groups)], id=panel_id, className="facet-panel",
                    **{"aria-label": "Facettes"})


def dataset_card(dataset, summary, found: tuple[str, ...] = ()) -> html.Article:
    """A dataset's card in the catalogue; `found`: the values the search found in it (« « Diabète » dans
    « Pathologie » »)."""
    unavailable = summary.reason if summary else None
    facts = [dataset.theme, f"mis à jour le {format_date(dataset.modified)}" if dataset.modified else None]
    if summary and summary.rows is not None:
        facts.append(plural(summary.rows, "ligne"))
    if summary and summary.has_map:
        facts.append("carte")
    return html.Article([
        html.H3(dcc.Link(dataset.title, href=f"/jeux-de-donnees/{dataset.id}")),
        html.P(" · ".join(f for f in facts if f), className="card-facts"),
        freshness_line(summary.freshness) if summary and summary.freshness else None,
        html.P(excerpt(dataset.description)) if dataset.description else None,
        html.P(["Trouvé dans les données : ", "; ".join(found[:3])], className="card-found") if found else None,
        html.P(["Formats : ", ", ".join(summary.formats)], className="card-formats")
        if summary and summary.formats else None,
        html.P([html.Strong("Indisponible"), f" : {unavailable}"], className="badge-unavailable")
        if unavailable else None,
        html.P("Données de démonstration", className="badge-demo") if dataset.demo else None,
    ], className="dataset-card")


def freshness_line(fresh) -> html.P:
    """How fresh the content is, in words (HDX's state in French, and the day it last changed)."""
    return html.P(["Fraîcheur : ", html.Span(fresh.label, className=f"freshness freshness-{fresh.state}"),
                   f" (contenu modifié le {format_date(fresh.changed)})"], className="card-freshness")
