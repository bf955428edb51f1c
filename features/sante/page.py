"""/tableaux-de-bord/sante: health indicators of the territory, compared with the region and France, and access
to care per commune. The choices live in the URL, in the filter grammar."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import Input, Output, State, callback, dcc, html

from components import dataset_tabs
from components.chart import chart_card
from features.contributions.draw import dashboard_layout
from components.controls import (LOCATION, clicked_item, dataset_picker, dataset_search, dropdown_field, shown_values,
                                 user_changes)
from components.download import TABLE_FORMATS, download_menu
from components.filter_panel import new_search, replace_params
from data_access.french import format_date
from components.impression import print_button, print_header, source_words
from components.kpi import kpi_list
from components.notices import notices, unavailable
from features.sante.draw import (access_map, commune_ranking, figure_items, methodology, picker_options, pyramid_card,
                              ranking_card)
from components.shell import section
from features.sante import data as sante
from features.sante import access as sante_access
from features.sante import choices as sante_choices
from features.sante import words as sante_words
from data_access.analysis import ChartSpec
from data_access.extracts.writers import formats_for
from data_access.geometry.geo import commune_outlines
from data_access.portal import current_portal
from data_access.query import FilterError, last, parse_query, query_pairs
from data_access.repository import pick_dataset

PATH = "/tableaux-de-bord/sante"
dash.register_page(__name__, path=PATH, name="Santé", title="Tableau de bord — Santé", nav_order=30,
                   description="Pathologies et accès aux soins, comparés à la Normandie et à la France")


class Ids:
    """This page's ids, in one place."""

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


# The sections other sites can embed (/integrer/tableaux-de-bord/sante/<key>): heading id, kind of view, and the
# store naming the section's dataset when it is not the page's.
EMBEDS = {"chiffres": (Ids.FIGURES, "figures"), "evolution": (f"{Ids.TREND}-titre", "chart"),
          "pyramide": (f"{Ids.PYRAMID}-titre", "chart"), "classement": (f"{Ids.RANKING}-titre", "chart"),
          "offre": (f"{Ids.ACCESS}-titre", "map", f"{Ids.ACCESS}-jeu")}

# The page's own parameters (outside the filter grammar).
PAGE_PARAMS = ("jeu", "indicateur", "commune")


def _unavailable(message: str, picker=None) -> html.Div:
    return unavailable("Tableau de bord Santé", message, picker)


def layout(**params):
    """The dashboard, each section that other sites can embed with its « Intégrer » disclosure."""
    return dashboard_layout(draw, "sante", PATH, EMBEDS, params)


def draw(**params):
    """The dashboard for these parameters (its sections are also drawn alone by /integrer/…)."""
    portal = current_portal()
    repository = portal.repository
    catalogue = repository.catalogue
    choices = [d for d in catalogue.datasets if d.dashboard == "sante" and d.role_field("pathology_l1")]
    if not choices:
        return _unavailable("Aucun jeu de données de pathologies n'alimente ce tableau de bord : il faut une entrée "
                            "du catalogue avec dashboard = \"sante\" et le rôle pathology_l1.")
    dataset, table, reason, errors = pick_dataset(repository, choices, last(params.get("jeu")))
    picker = dataset_picker(choices, dataset, Ids.DATASET)
    if table is None:
        return _unavailable(f"Le jeu de données « {dataset.title} » est indisponible : {reason}", picker)
    roles = sante.find_roles(table)
    if roles.missing_required:
        return _unavailable(f"Le jeu de données « {dataset.title} » ne déclare pas les rôles nécessaires : "
                            f"{', '.join(roles.missing_required)} (voir catalogue.toml).", picker)
    cube = sante.cube(table)
    outlines = commune_outlines(repository)
    home = sante_choices.home_departement(cube, outlines[1].frame[outlines[1].role_field("commune").name].astype("str")
                                  .tolist() if outlines else [])
    selection, choice_errors = sante_choices.resolve(cube, sante_choices.asked_choices(params, roles), home)
    errors += choice_errors
    known = {f"refine.{roles[r]}" for r in (*sante_choices.LEVEL_ROLES, *sante_choices.CHOICE_ROLES.values()) if roles[r]}
    errors += [FilterError(k, "ce paramètre n'a pas de sens sur ce tableau de bord ; il est ignoré")
               for k in params if k not in known and k not in PAGE_PARAMS]

    figures = sante.key_figures(cube, selection)
    place = sante.dept_label(selection.dept)
    trend = sante.trend(cube, selection)
    node = cube.nodes[selection.node]
    extract = sante_choices.selection_refines(cube, selection)
    rows = portal.repository.backend(dataset.id).count(parse_query(extract, table.fields)[0])
    settings = portal.settings

    trend_part = chart_card(Ids.TREND, trend, ChartSpec(chart="line", x="annee"), sante_words.trend_summary(trend, cube),
                            "Prévalence (%)", "Année", "Territoire") if trend["x"].nunique() > 1 else \
        html.P(sante_words.trend_summary(trend, cube), className="notice-params", id=Ids.TREND)
    controls = html.Div([
        dropdown_field("Pathologie (patients : tous sexes, tous âges)", "chart-control pathology-picker",
                       id=Ids.PATHOLOGY, value=selection.node,
                       options=picker_options(sante.picker_entries(cube, selection)), clearable=False,
                       searchable=True),
        dropdown_field("Année", id=Ids.YEAR, value=selection.year, options=cube.years, clearable=False,
                       searchable=False),
        dropdown_field("Sexe", id=Ids.SEX, value=selection.sex, clearable=False, searchable=False,
                       options=[{"label": label, "value": code} for code, label in sante.SEX_LABELS.items()]),
        dropdown_field("Classe d'âge", id=Ids.AGE, value=selection.age, clearable=False, searchable=False,
                       options=[{"label": sante.age_label(cube, a), "value": a}
                                for a in [sante.TOTAL_AGE] + cube.ages]),
        dropdown_field("Département", id=Ids.DEPT, value=selection.dept, clearable=False, searchable=True,
                       options=[{"label": sante.dept_label(d), "value": d} for _, d in cube.departements]),
    ], className="chart-controls sante-controls")
    who = f"{sante.SEX_LABELS[selection.sex]}, {sante.age_label(cube, selection.age)}"
    access, indicator, access_dataset = _access_section(repository, params, selection, settings.tile_url, errors)
    return html.Div([
        html.H1("Tableau de bord Santé"),
        html.P(f"Combien de personnes sont soignées pour une pathologie, ici comparé à la région et à la France, et "
               f"comment l'offre de soins se répartit entre les communes. Source : {dataset.title}"
               + (f", données au {format_date(dataset.modified)}" if dataset.modified else "")
               + (" — données de démonstration." if dataset.demo else "."), className="lead"),
        print_header("Tableau de bord Santé", f"année {selection.year}" + (
            f", données au {format_date(dataset.modified)}" if dataset.modified else ""),
            f"{node.label} — {place} — {who}", source_words([dataset, access_dataset])),
        html.Div(print_button("le tableau de bord"), className="page-tools"),
        picker,
        controls,
        notices(errors),
        dcc.Store(id=Ids.ROLES, data=roles.columns),
        dcc.Store(id=dataset_tabs.DATASET_STORE_ID, data=dataset.id),
        shown_values(Ids.SHOWN, {"node": selection.node, "year": selection.year, "sex": selection.sex,
                                 "age": selection.age, "dept": selection.dept, "indicateur": indicator,
                                 "jeu": dataset.id}),
        section("Chiffres clés", Ids.FIGURES, html.P(f"{' › '.join(node.parts)} — {selection.year}, {place}, {who}",
                                                     className="result-count", role="status"),
                kpi_list(figure_items(figures, selection, cube))),
        section("Évolution de la prévalence", f"{Ids.TREND}-titre", trend_part),
        section("Prévalence par âge et par sexe", f"{Ids.PYRAMID}-titre",
                pyramid_card(Ids.PYRAMID, sante.pyramid(cube, selection))),
        section("Pathologies comparées à la France", f"{Ids.RANKING}-titre",
                ranking_card(Ids.RANKING, sante.ranking(cube, selection), place)),
        access,
        section("Méthode et sources", f"{Ids.METHOD}-titre",
                methodology(cube, dataset, access_dataset, list(table.notes))),
        section("Télécharger", f"{Ids.EXPORT}-titre", download_menu(
            dataset.id, formats_for(table), urlencode(extract + [("vue", PATH)]), rows, menu_id=Ids.EXPORT,
            max_rows=settings.max_export_rows),
            html.P("Pour une pathologie de niveau 1, l'extrait contient aussi les lignes de ses sous-niveaux, et le "
                   "fichier mêle totals et détails : n'additionnez pas ses lignes (voir « Méthode et sources »).",
                   className="download-note") if node.level == 1 else None, className="print-hide"),
    ], className="sante-page")


def _access_section(repository, params, selection, tile_url: str, errors: list):
    """Access to care per commune: the chosen indicator's map, ranking, evolution and extract."""
    view = sante_access.access_view(repository, params, selection.year, errors)
    title = ("Accès aux soins par commune", f"{Ids.ACCESS}-titre")
    if view.unavailable:
        return section(*title, html.P(view.unavailable, className="notice-params")), None, None
    indicator, data, chosen = view.indicator, view.data, view.commune
    unit = indicator.unit or ""
    current = [(k, v) for k, v in query_pairs(params) if k != "commune"]

    def href_of(code: str) -> str:
        return PATH + "?" + urlencode(current + [("commune", code)])

    parts = [html.P(n, className="notice-params") for n in view.notices] + [
        dropdown_field("Indicateur", "chart-control indicator-picker", id=Ids.INDICATOR, value=view.chosen,
                       options=[{"label": label, "value": value} for value, label in view.options], clearable=False,
                       searchable=False),
        html.P(f"Source : {view.dataset.title}" + (f" ({view.dataset.publisher})" if view.dataset.publisher else "")
               + (f" — {indicator.description}" if indicator.description else "") + ".", className="source-line"),
        html.P(view.year_note, className="notice-params") if view.year_note else None,
        dcc.Store(id=f"{Ids.ACCESS}-jeu", data=view.dataset.id)]
    if view.outlines is not None:
        rows_of = view.rows_of
        the_map, legend = access_map(Ids.MAP, Ids.MAP_LAYER, view.outlines[0], repository.version(view.outlines[0].id),
                                     data, rows_of, rows_of.get(chosen), tile_url, indicator.label, unit)
        parts += [html.P(f"Cliquez sur une commune pour voir son évolution ; le classement sous la carte donne les "
                         f"mêmes communes, utilisable au clavier. Année {view.year}.", className="map-help"),
                  the_map, dcc.Store(id=Ids.MAP_CODES, data=view.codes),
                  html.P(legend, className="map-legend-communes")]
    else:
        parts.append(html.P("Pas de carte : le catalogue n'a pas les contours des communes (rôle commune et "
                            "formes).", className="notice-params"))
    parts += [html.P(sante_access.access_summary(data, indicator.label, unit, view.overall, view.overall_words),
                     className="chart-summary"),
              commune_ranking(data, indicator.label, unit, href_of, chosen)]
    evolution = sante_access.evolution(view.table, indicator.name, chosen, view.territory)
    name = data.loc[data["code"] == chosen, "name"].iloc[0] if chosen else None
    heading = f"Évolution : {name} et l'ensemble des communes" if chosen else "Évolution de l'ensemble des communes"
    if evolution["x"].nunique() > 1:
        parts.append(html.H3(heading))
        parts.append(chart_card(Ids.ACCESS_TREND, evolution, ChartSpec(chart="line", x="annee"),
                                sante_access.evolution_summary(evolution, indicator.label, unit), indicator.label,
                                "Année", "Territoire"))
    # the extract is what the map and the ranking show: the territory's communes for the year
    parts.append(download_menu(f"{view.dataset.id}/{sante_access.ACCESS_VIEW}", TABLE_FORMATS,
                               urlencode(view.extract + [("vue", PATH)]), len(data), menu_id=Ids.EXPORT_ACCESS))
    return section(*title, *parts), view.chosen, view.dataset


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    Input(Ids.PATHOLOGY, "value"),
    Input(Ids.YEAR, "value"),
    Input(Ids.SEX, "value"),
    Input(Ids.AGE, "value"),
    Input(Ids.DEPT, "value"),
    State(Ids.ROLES, "data"),
    State(Ids.SHOWN, "data"),
    State(LOCATION, "search"),
    prevent_initial_call=True,
)
def change_choice(node, year, sex, age, dept, roles, shown, current):
    changed = user_changes({"node": node, "year": year, "sex": sex, "age": age, "dept": dept}, shown)
    if len(changed) != 1:  # the page was drawn (nothing changed), or a forged request
        return dash.no_update
    (choice, value), = changed.items()
    return sante_search(current, sante_choices.choice_params(roles, choice, value))


def sante_search(current: str, values: dict):
    """The new query string: the control's parameters replaced, the others kept (no update when the same)."""
    return new_search(current, replace_params(current, values, tuple(values))) if values else dash.no_update


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    Input(Ids.INDICATOR, "value"),
    State(Ids.SHOWN, "data"),
    State(LOCATION, "search"),
    prevent_initial_call=True,
)
def change_indicator(indicator, shown, current):
    if not isinstance(indicator, str) or not user_changes({"indicateur": indicator}, shown):
        return dash.no_update
    return sante_search(current, {"indicateur": indicator})


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    Input(Ids.MAP_LAYER, "clickData"),
    State(Ids.MAP_CODES, "data"),
    State(LOCATION, "search"),
    prevent_initial_call=True,
)
def choose_commune(feature, codes, current):
    """A click on a commune of the map chooses it (its row in the outlines gives its code)."""
    code = clicked_item(feature, codes)
    return dash.no_update if code is None else sante_search(current, {"commune": str(code)})


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    Input(Ids.DATASET, "value"),
    State(Ids.SHOWN, "data"),
    prevent_initial_call=True,
)
def change_dataset(dataset_id, shown):
    """Another pathologies file: its own choices."""
    return dataset_search(dataset_id, shown, "")
