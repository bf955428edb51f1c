"""/tableaux-de-bord/sante: health indicators of the territory, compared with the region and France, and access
to care per commune. The choices live in the URL, in the filter grammar."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import html

from components.controls import clicked_item, dataset_search, dropdown_field, replace_params, user_changes, writes_url
from components.download import download_menu
from components.impression import print_button, print_header, source_words
from components.notices import notices
from components.shell import section
from data_access.extracts.writers import formats_for
from data_access.french import format_date
from features.contributions.draw import dashboard_layout
from features.historique.draw import DASHBOARD_FEEDS, dashboard_follow
from features.integration.draw_sections import dashboard_start, draw_section
from features.sante import choices as sante_choices
from features.sante import data as sante
from features.sante.draw import methodology, picker_options
from features.sante.draw_sections import TABLEAU, Ids
from features.sante.view import PATH, choices

DASHBOARD_FEEDS[PATH] = choices

dash.register_page(__name__, path=PATH, name="Santé", title="Tableau de bord — Santé", nav_order=30,
                   cache_layout="jour",  # kept per URL, data version and day (layout_cache.py)
                   description="Pathologies et accès aux soins, comparés à la Normandie et à la France")


def layout(**params):
    """The dashboard, each section that other sites can embed with its « Intégrer » disclosure."""
    return dashboard_layout(draw, "sante", PATH, params)


def draw(**params):
    """The dashboard for these parameters, from its view model (its sections are also drawn alone by /integrer/…
    and the stories, from the same view model)."""
    start = dashboard_start(TABLEAU, "Tableau de bord Santé", Ids.DATASET, params)
    if start.page is not None:
        return start.page
    portal, vue, picker = start.portal, start.vue, start.picker
    dataset, table, selection, settings = vue.dataset, vue.table, vue.selection, portal.settings
    node, access_dataset = vue.node, vue.access_dataset

    def part(key: str):
        return draw_section(TABLEAU, key, vue, settings.tile_url, params)

    return html.Div([
        html.H1("Tableau de bord Santé"),
        html.P(f"Combien de personnes sont soignées pour une pathologie, ici comparé à la région et à la France, et "
               f"comment l'offre de soins se répartit entre les communes. Source : {dataset.title}"
               + (f", données au {format_date(dataset.modified)}" if dataset.modified else "")
               + (" — données de démonstration." if dataset.demo else "."), className="lead"),
        dashboard_follow(portal.repository, dataset),
        print_header("Tableau de bord Santé", f"année {selection.year}" + (
            f", données au {format_date(dataset.modified)}" if dataset.modified else ""),
            f"{node.label} — {vue.place} — {vue.who}", source_words([dataset, access_dataset])),
        html.Div(print_button("le tableau de bord"), className="page-tools"),
        picker,
        _controls(vue),
        notices(vue.errors),
        *TABLEAU.stores(vue),
        *[part(key) for key in ("chiffres", "evolution", "pyramide", "classement", "offre")],
        section("Méthode et sources", f"{Ids.METHOD}-titre",
                methodology(vue.cube, dataset, access_dataset, list(table.notes))),
        section("Télécharger", f"{Ids.EXPORT}-titre", download_menu(
            dataset.id, formats_for(table), urlencode(vue.extract + [("vue", PATH)]), vue.rows, menu_id=Ids.EXPORT,
            max_rows=settings.max_export_rows),
            html.P("Pour une pathologie de niveau 1, l'extrait contient aussi les lignes de ses sous-niveaux, et le "
                   "fichier mêle totaux et détails : n'additionnez pas ses lignes (voir « Méthode et sources »).",
                   className="download-note") if node.level == 1 else None, className="print-hide"),
    ], className="sante-page")


def _controls(vue) -> html.Div:
    """The selection's controls: pathology, year, sex, age class, département."""
    cube, selection = vue.cube, vue.selection
    return html.Div([
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


@writes_url((Ids.PATHOLOGY, "value"), (Ids.YEAR, "value"), (Ids.SEX, "value"), (Ids.AGE, "value"),
            (Ids.DEPT, "value"), states=((Ids.ROLES, "data"), (Ids.SHOWN, "data")))
def change_choice(node, year, sex, age, dept, roles, shown, current):
    changed = user_changes({"node": node, "year": year, "sex": sex, "age": age, "dept": dept}, shown)
    if len(changed) != 1:  # the page was drawn (nothing changed), or a forged request
        return None
    (choice, value), = changed.items()
    return sante_search(current, sante_choices.choice_params(roles, choice, value))


def sante_search(current: str, values: dict) -> str | None:
    """The new query string: the control's parameters replaced, the others kept."""
    return replace_params(current, values, tuple(values)) if values else None


@writes_url((Ids.INDICATOR, "value"), states=((Ids.SHOWN, "data"),))
def change_indicator(indicator, shown, current):
    if not isinstance(indicator, str) or not user_changes({"indicateur": indicator}, shown):
        return None
    return sante_search(current, {"indicateur": indicator})


@writes_url((Ids.MAP_LAYER, "clickData"), states=((Ids.MAP_CODES, "data"),))
def choose_commune(feature, codes, current):
    """A click on a commune of the map chooses it (its row in the outlines gives its code)."""
    code = clicked_item(feature, codes)
    return None if code is None else sante_search(current, {"commune": str(code)})


@writes_url((Ids.DATASET, "value"), states=((Ids.SHOWN, "data"),))
def change_dataset(dataset_id, shown, _current):
    """Another pathologies file: its own choices."""
    return dataset_search(dataset_id, shown, "")
