"""The Santé dashboard's sections other sites can embed, each drawn from the view model (features/sante/view.py) and
registered under its stable key in TABLEAU: chiffres, evolution, pyramide, classement, offre."""
from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from components import dataset_tabs
from components.chart import chart_card
from components.controls import dropdown_field, shown_values
from components.download import TABLE_FORMATS, download_menu
from components.kpi import kpi_list
from data_access.analysis import ChartSpec
from features.integration.draw_sections import Partie, Tableau
from features.sante import access as sante_access
from features.sante import data as sante
from features.sante import words as sante_words
from features.sante.draw import access_map, commune_ranking, pyramid_card, ranking_card
from features.sante.view import PATH, build, chiffres


class Ids:
    """The page's ids, in one place."""

    DATASET = "sante-jeu"
    PATHOLOGY = "sante-pathologie"
    YEAR = "sante-annee"
    SEX = "sante-sexe"
    AGE = "sante-age"
    DEPT = "sante-territoire"
    ROLES = "sante-roles"
    FIGURES = "sante-chiffres"
    TREND = "sante-evolution"
    PYRAMID = "sante-pyramide"
    RANKING = "sante-classement"
    ACCESS = "sante-offre"
    INDICATOR = "sante-indicateur"
    MAP = "sante-carte"
    MAP_LAYER = "sante-carte-communes"
    MAP_CODES = "sante-carte-codes"
    ACCESS_TREND = "sante-offre-evolution"
    EXPORT = "sante-export"
    EXPORT_ACCESS = "sante-export-offre"
    METHOD = "sante-methode"
    SHOWN = "sante-valeurs-affichees"


def _figures(vue, _tile_url: str) -> list:
    s = vue.selection
    return [html.P(f"{' › '.join(vue.node.parts)} — {s.year}, {vue.place}, {vue.who}", className="result-count",
                   role="status"),
            kpi_list([figure.item for figure in chiffres(vue)])]


def _trend(vue, _tile_url: str) -> list:
    trend, cube = vue.trend, vue.cube
    if trend["x"].nunique() > 1:
        return [chart_card(Ids.TREND, trend, ChartSpec(chart="line", x="annee"),
                           sante_words.trend_summary(trend, cube), "Prévalence (%)", "Année", "Territoire")]
    return [html.P(sante_words.trend_summary(trend, cube), className="notice-params", id=Ids.TREND)]


def _pyramid(vue, _tile_url: str) -> list:
    return [pyramid_card(Ids.PYRAMID, sante.pyramid(vue.cube, vue.selection))]


def _ranking(vue, _tile_url: str) -> list:
    return [ranking_card(Ids.RANKING, sante.ranking(vue.cube, vue.selection), vue.place)]


def _access(vue, tile_url: str) -> list:
    """Access to care per commune: the chosen indicator's map, ranking, evolution and extract."""
    view = vue.access
    if view.unavailable:
        return [html.P(view.unavailable, className="notice-params")]
    indicator, data, chosen = view.indicator, view.data, view.commune
    unit = indicator.unit or ""
    parts = [html.P(n, className="notice-params") for n in view.notices] + [
        dropdown_field("Indicateur", "chart-control indicator-picker", id=Ids.INDICATOR, value=view.chosen,
                       options=[{"label": label, "value": value} for value, label in view.options], clearable=False,
                       searchable=False),
        html.P(f"Source : {view.dataset.title}" + (f" ({view.dataset.publisher})" if view.dataset.publisher else "")
               + (f" — {indicator.description}" if indicator.description else "") + ".", className="source-line"),
        html.P(view.year_note, className="notice-params") if view.year_note else None,
        dcc.Store(id=f"{Ids.ACCESS}-jeu", data=view.dataset.id)]
    parts += _access_map(vue, tile_url)
    parts += [html.P(sante_access.access_summary(data, indicator.label, unit, view.overall, view.overall_words),
                     className="chart-summary"),
              commune_ranking(data, indicator.label, unit,
                              lambda code: PATH + "?" + urlencode(vue.access_base + [("commune", code)]), chosen)]
    evolution = vue.access_evolution
    if evolution["x"].nunique() > 1:
        name = data.loc[data["code"] == chosen, "name"].iloc[0] if chosen else None
        parts.append(html.H3(f"Évolution : {name} et l'ensemble des communes" if chosen else
                             "Évolution de l'ensemble des communes"))
        parts.append(chart_card(Ids.ACCESS_TREND, evolution, ChartSpec(chart="line", x="annee"),
                                sante_access.evolution_summary(evolution, indicator.label, unit), indicator.label,
                                "Année", "Territoire"))
    # the extract is what the map and the ranking show: the territory's communes for the year
    parts.append(download_menu(f"{view.dataset.id}/{sante_access.ACCESS_VIEW}", TABLE_FORMATS,
                               urlencode(view.extract + [("vue", PATH)]), len(data), menu_id=Ids.EXPORT_ACCESS))
    return parts


def _access_map(vue, tile_url: str) -> list:
    view = vue.access
    if view.outlines is None:
        return [html.P("Pas de carte : le catalogue n'a pas les contours des communes (rôle commune et formes).",
                       className="notice-params")]
    rows_of, outlines = view.rows_of, view.outlines[0]
    the_map, legend = access_map(Ids.MAP, Ids.MAP_LAYER, outlines, vue.versions[outlines.id], view.data, rows_of,
                                 rows_of.get(view.commune), tile_url, view.indicator.label, view.indicator.unit or "")
    return [html.P(f"Cliquez sur une commune pour voir son évolution ; le classement sous la carte donne les mêmes "
                   f"communes, utilisable au clavier. Année {view.year}.", className="map-help"),
            the_map, dcc.Store(id=Ids.MAP_CODES, data=view.codes), html.P(legend, className="map-legend-communes")]


def stores(vue) -> list:
    """The stores the page's callbacks read: the roles' fields, the dataset, what the controls show."""
    s = vue.selection
    return [
        dcc.Store(id=Ids.ROLES, data=vue.roles.columns),
        dcc.Store(id=dataset_tabs.DATASET_STORE_ID, data=vue.dataset.id),
        shown_values(Ids.SHOWN, {"node": s.node, "year": s.year, "sex": s.sex, "age": s.age, "dept": s.dept,
                                 "indicateur": None if vue.access.unavailable else vue.access.chosen,
                                 "jeu": vue.dataset.id}),
    ]


TABLEAU = Tableau(
    name="sante", label="Santé", path=PATH, vue=build,
    sections={
        "chiffres": Partie("Chiffres clés", Ids.FIGURES, "figures", _figures),
        "evolution": Partie("Évolution de la prévalence", f"{Ids.TREND}-titre", "chart", _trend),
        "pyramide": Partie("Prévalence par âge et par sexe", f"{Ids.PYRAMID}-titre", "chart", _pyramid),
        "classement": Partie("Pathologies comparées à la France", f"{Ids.RANKING}-titre", "chart", _ranking),
        "offre": Partie("Accès aux soins par commune", f"{Ids.ACCESS}-titre", "map", _access,
                        dataset=lambda vue: vue.access_dataset),
    },
    chiffres=chiffres, stores=stores)
