"""/communes/comparer: up to four communes' key figures side by side, with the Métropole's; printable, with its
extract."""
from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from components.controls import dropdown_field
from components.download import TABLE_FORMATS, download_menu
from components.impression import print_button, print_header, source_words
from components.notices import notices
from components.portal import current_portal
from components.tables import scroll_table
from data_access.chiffres import commune_marque
from data_access.clock import today_paris
from data_access.french import format_date
from data_access.geometry.geo import commune_outlines
from data_access.query import FilterError
from features.communes.chiffres import commune_figures
from features.communes.comparaison import MAX_COMPARED, VIEW, chosen, rows
from features.communes.profil import PATH, amount, commune_path
from features.proximite.data import commune_choices

PICKER = "comparer-communes"
__all__ = ["MAX_COMPARED", "PICKER", "page"]


def page(params: dict) -> html.Div:
    repository = current_portal().repository
    today = today_paris()
    figures = commune_figures(repository, today)
    title = html.H1("Comparer des communes")
    if figures is None:
        return html.Div([title, html.P("Le portail n'a pas les contours des communes : il ne peut pas les comparer.",
                                       className="notice-params")])
    errors = [FilterError(k, "ce paramètre n'a pas de sens sur cette page ; il est ignoré")
              for k in params if k != "commune"]
    asked = params.get("commune") or []
    codes = chosen(figures, [asked] if isinstance(asked, str) else list(asked), errors)
    names = [str(figures.frame.at[c, "name"]) for c in codes]
    outlines = commune_outlines(repository)[0]
    return html.Div([
        html.P([dcc.Link("Communes", href=PATH), " › Comparer"], className="breadcrumb-line"),
        title,
        html.P(f"Les chiffres clés de {MAX_COMPARED} communes au plus, côte à côte, avec ceux de la Métropole, au "
               f"{format_date(today)}.", className="lead"),
        print_header("Comparaison de communes", f"situation au {format_date(today)}",
                     "communes : " + (", ".join(names) or "aucune"), source_words(figures.sources.values())),
        dropdown_field(f"Communes à comparer ({MAX_COMPARED} au plus)", "chart-control compare-picker", id=PICKER,
                       options=[{"label": n, "value": c} for c, n in commune_choices(repository)], value=codes,
                       multi=True, placeholder="Choisissez des communes…"),
        notices(errors),
        html.Div(print_button("la comparaison"), className="page-tools print-hide") if codes else None,
        _table(figures, codes, names) if codes else html.P(
            "Choisissez une commune ou plus pour voir leurs chiffres côte à côte.", className="nearby-answer"),
        html.Section([html.H2("Télécharger", id="comparer-export-titre"), download_menu(
            f"{outlines.id}/{VIEW}", TABLE_FORMATS, urlencode([("commune", c) for c in codes]),
            len(figures.figures))], **{"aria-labelledby": "comparer-export-titre"}, className="print-hide")
        if codes else None,
    ], className="compare-page")


def _table(figures, codes: list[str], names: list[str]) -> html.Section:
    caption = "Chiffres clés de " + ", ".join(names) + " et de la Métropole"
    body = []
    for row in rows(figures, codes):
        body.append(html.Tr([
            html.Th([row["label"], html.Br(), html.Small(row["note"])] if row["note"] else row["label"], scope="row"),
            *[html.Td(amount(v, row["unit"], row["decimals"]), **commune_marque(row["key"], c))
              for v, c in zip(row["values"], codes)],
            html.Td([html.Span(amount(row["metropole"], row["unit"], row["decimals"] or (
                1 if row["how"].startswith("moyenne") else 0)), **commune_marque(row["key"], "metropole")),
                html.Br(), html.Small(row["how"])]),
        ]))
    head = html.Tr([html.Th("Indicateur", scope="col"),
                    *[html.Th(dcc.Link(n, href=commune_path(c)), scope="col") for c, n in zip(codes, names)],
                    html.Th("Métropole", scope="col")])
    missing = [f"{key} : il faudrait {what}" for key, what in figures.missing.items()]
    return html.Section([
        html.H2("Chiffres clés", id="comparer-titre"),
        scroll_table(html.Table([html.Caption(caption), html.Thead(head), html.Tbody(body)],
                                className="table table-sm compare-table"), caption),
        html.P("Métropole : pour un compte (population, chantiers, arrêts…), le total de la Métropole (un chantier "
               "ou une ligne sur plusieurs communes y compte une fois) ; pour un taux (densité, couverture, offre de "
               "soins), la valeur de l'ensemble de la Métropole.",
               className="commune-note"),
        html.P("Chiffres absents faute de données : " + " ; ".join(missing) + ".", className="notice-params")
        if missing else None,
    ], **{"aria-labelledby": "comparer-titre"}, className="compare-figures")
