"""The Transports dashboard's sections other sites can embed, each drawn from the view model
(features/transports/view.py) and registered under its stable key in TABLEAU: chiffres, carte, couverture."""
from __future__ import annotations

import numpy as np
from dash import dcc, html

from components import dataset_tabs
from components.controls import dropdown_field, shown_values
from components.kpi import kpi_list
from data_access.clock import now_paris
from data_access.french import format_date
from features.integration.draw_sections import Partie, Tableau
from features.transports import data as T
from features.transports.draw import coverage_view, lines_overlay, point_overlay
from features.transports.view import PATH, build, chiffres, figures_title

CHOICE = "transports-choix"


class Ids:
    """The page's ids, in one place."""

    DATASET = "transports-jeu"
    FIGURES = "transports-chiffres"
    MAP = "transports-carte"
    LINE = "transports-ligne"
    TIMETABLE = "transports-horaires"
    PER_HOUR = "transports-par-heure"
    STOP = "transports-arret"
    DEPARTURES = "transports-departs"
    COVERAGE = "transports-couverture"
    COVERAGE_MAP = "transports-couverture-carte"
    METHOD = "transports-methode"
    EXPORT_STOPS = "transports-export-arrets"
    SHOWN = "transports-valeurs-affichees"


def choice_id(param: str) -> dict:
    return {"type": CHOICE, "param": param}


def _figures(vue, _tile_url: str) -> list:
    return [kpi_list([figure.item for figure in chiffres(vue)])]


def _map(vue, tile_url: str) -> list:
    """The network's stops (of the mode), its lines, and the places with a capacity as layers."""
    dataset, net, mode = vue.dataset, vue.net, vue.mode
    served = T.stops_of_mode(net, mode) if mode else np.arange(len(vue.table))
    overlays = [lines_overlay(dataset.id, vue.version, mode)]
    overlays += [point_overlay(other, version, other.title) for other, version in vue.points]
    return [dataset_tabs.map_view(
        dataset, vue.table, served, "", vue.version, tile_url, overlays=overlays,
        card={"kind": "transports", "lien": vue.href()},
        help_text=["au clavier, cherchez l'arrêt dans la partie « Un arrêt » plus bas."])]


def _coverage(vue, tile_url: str) -> list:
    coverage, day = vue.coverage, vue.day
    if coverage is None:
        return [html.P("Pas de couverture : le catalogue n'a pas les contours des communes (rôle commune et formes).",
                       className="notice-params")]
    data, radius = coverage.data, coverage.radius
    total = data["population"].sum()
    share = data["covered"].sum() / total * 100 if total > 0 else None
    words = f"Au total, environ {share:.0f} % des habitants des communes vivent à moins de {radius} m d'un arrêt " \
            f"desservi le {format_date(day)}." if share is not None else ""
    return [
        dropdown_field("Distance à l'arrêt", id=choice_id("rayon"), value=str(radius), clearable=False,
                       searchable=False, options=[{"label": f"{r} m", "value": str(r)} for r in T.COVERAGE_RADII]),
        html.P(words, className="chart-summary"),
        coverage_view(Ids.COVERAGE_MAP, coverage.outlines, coverage.version, data, radius, tile_url),
        html.P("Méthode : autour de chaque arrêt desservi ce jour-là, un cercle du rayon choisi ; la part de la "
               "surface de chaque commune couverte par ces cercles est prise pour la part de sa population, comme si "
               "les habitants étaient répartis uniformément dans la commune. C'est une approximation : elle sous-"
               "estime la couverture des communes dont les habitants vivent près des arrêts, et la distance est à "
               "vol d'oiseau, pas à pied.", className="method-note"),
    ]


def stores(vue) -> list:
    """The stores the page's callbacks read: the network's dataset, what the controls show."""
    return [dcc.Store(id=dataset_tabs.DATASET_STORE_ID, data=vue.dataset.id), shown_values(Ids.SHOWN, vue.shown)]


TABLEAU = Tableau(
    name="transports", label="Transports", path=PATH,
    vue=lambda repository, params: build(repository, params, now_paris()),
    sections={
        "chiffres": Partie(figures_title, Ids.FIGURES, "figures", _figures),
        "carte": Partie("Carte du réseau", f"{Ids.MAP}-titre", "map", _map),
        "couverture": Partie("Couverture des communes", f"{Ids.COVERAGE}-titre", "map", _coverage),
    },
    chiffres=chiffres, stores=stores)
