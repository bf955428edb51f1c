"""/communes/<code INSEE>: one commune's page, to read on a phone or print for a council meeting (two A4 pages at
most); /communes/comparer?commune=…: up to four communes side by side (« comparer » is no INSEE code)."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import dcc, html

from components.controls import writes_url
from components.impression import print_button, print_header, source_words
from components.notices import notices
from components.portal import current_portal
from data_access.clock import now_paris
from data_access.french import format_date
from data_access.geometry.territoires import at_place
from data_access.query import FilterError
from features.communes import draw_comparaison as comparaison
from features.communes.draw import sections
from features.communes.profil import PATH, is_commune, profile
from features.proximite.data import PlaceError, commune_place

COMPARE = "comparer"


def _title(code: str | None = None, **_params) -> str:
    if code == COMPARE:
        return "Comparer des communes"
    try:
        return commune_place(current_portal().repository, str(code)).commune_name
    except (RuntimeError, PlaceError):  # outside a request (the registry is built at import), or no such commune
        return "Commune"


dash.register_page(__name__, path_template=f"{PATH}/<code>", name="Commune", title=_title,
                   cache_layout="jour",  # a commune's page as of today: kept per URL, data version and day
                   description="Le portrait d'une commune de la Métropole d'après ses données ouvertes")


def exists(code: str = "", **_variables) -> bool:
    """Whether the code is one of the communes (an unknown one is a 404)."""
    return code == COMPARE or is_commune(current_portal().repository, str(code)[:20])


def layout(code: str | None = None, **params):
    if code == COMPARE:
        return comparaison.page(params)
    portal = current_portal()
    repository = portal.repository
    errors = [FilterError(k, "ce paramètre n'a pas de sens sur cette page ; il est ignoré") for k in params]
    try:
        found = profile(repository, str(code)[:20], now_paris())
    except PlaceError:
        return html.Div([html.H1("Commune introuvable"), html.P([
            f"« {str(code)[:20]} » n'est pas le code INSEE d'une commune de la Métropole. ",
            dcc.Link("Voir les communes", href=PATH), "."])], className="not-found")
    place, figures = found.place, found.figures
    sources = [figures.sources.get(b.key) for b in found.shown] + [figures.sources.get("territoire")]
    dates = [d.modified for d in sources if d is not None and d.modified]
    return html.Article([
        html.P([dcc.Link("Communes", href=PATH), f" › {place.commune_name}"], className="breadcrumb-line"),
        html.H1(place.commune_name),
        html.P(f"Le portrait de la commune d'après les données ouvertes du portail, comparé à la Métropole, au "
               f"{format_date(found.today)}.", className="lead"),
        print_header(f"{place.commune_name} — portrait de la commune", f"situation au {format_date(found.today)}"
                     + (f", données du {format_date(min(dates))} au {format_date(max(dates))}" if dates else ""),
                     f"commune : {place.commune_name} ({place.commune})", source_words(sources)),
        html.Div([
            print_button("la page de la commune"),
            dcc.Link("Comparer avec d'autres communes", href=f"{PATH}/{COMPARE}?" + urlencode(
                [("commune", place.commune)]), className="btn btn-outline-primary btn-sm"),
            dcc.Link(f"Près de chez moi {at_place(place.commune_name)}", href="/pres-de-chez-moi?" + urlencode(
                [("commune", place.commune)]), className="btn btn-outline-primary btn-sm"),
        ], className="page-tools print-hide"),
        notices(errors),
        html.Div([*sections(found, portal.settings.tile_url), _sources(sources)], className="commune-parts"),
    ], className="commune-page")


def _sources(datasets) -> html.Section:
    seen, items = set(), []
    for dataset in datasets:
        if dataset is None or dataset.id in seen:
            continue
        seen.add(dataset.id)
        items.append(html.Li([dcc.Link(dataset.title, href=f"/jeux-de-donnees/{dataset.id}"),
                              f" — {dataset.publisher}" if dataset.publisher else "",
                              f", {dataset.license}" if dataset.license else "",
                              f", données au {format_date(dataset.modified)}" if dataset.modified else ""]))
    return html.Section([html.H2("Sources", id="commune-sources"), html.Ul(items)],
                        **{"aria-labelledby": "commune-sources"}, className="commune-part commune-sources")


@writes_url((comparaison.PICKER, "value"))
def compare(codes, current):
    """The communes chosen live in the URL (?commune=…&commune=…), so the comparison is a permalink."""
    codes = [str(c)[:20] for c in codes if isinstance(c, str)][:comparaison.MAX_COMPARED] \
        if isinstance(codes, list) else []
    return "?" + urlencode([("commune", c) for c in codes]) if codes else ""
