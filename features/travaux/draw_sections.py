"""The Travaux dashboard's sections other sites can embed, each drawn from the view model (features/travaux/view.py)
and registered under its stable key in TABLEAU: chiffres, carte, calendrier, avancement, budget, mois."""
from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from components import dataset_tabs
from components.chart import chart_card
from components.controls import shown_values
from components.filter_panel import bound_value
from components.kpi import kpi_list
from data_access.analysis import ChartSpec
from data_access.clock import today_paris
from data_access.french import format_date
from data_access.query import query_pairs
from features.integration.draw_sections import Partie, Tableau
from features.travaux.charts import budget_summary, gantt_sites, monthly_summary
from features.travaux.draw import gantt_card, progress_card, size_legend_items, status_legend
from features.travaux.draw_communes import COMMUNE_LAYERS, commune_layers, commune_works_map
from features.travaux.view import PATH, build, chiffres


class Ids:
    """The page's ids, in one place."""

    DATE = "travaux-date"
    FIGURES = "travaux-chiffres"
    MAP = "travaux-carte"
    BUDGET = "travaux-budget"
    GANTT = "travaux-calendrier"
    PROGRESS = "travaux-avancement"
    MONTHLY = "travaux-mois"
    EXPORT = "travaux-export"
    MY_COMMUNE = "travaux-ma-commune"
    MY_COMMUNE_LIST = "travaux-ma-commune-liste"
    DATASET = "travaux-jeu"
    PERIOD_FROM = "travaux-periode-du"
    PERIOD_TO = "travaux-periode-au"
    SHOWN = "travaux-valeurs-affichees"
    LAYERS = "travaux-carte-couches"  # the map's layers control (its own id: its callback writes ?couches=)
    COMMUNE_LAYER = "travaux-carte-communes"  # the communes map of sites without a position: a click chooses one
    COMMUNE_NAMES = "travaux-carte-noms"  # each outline row's commune name, for that click


def _figures(vue, _tile_url: str) -> list:
    return [kpi_list([figure.item for figure in chiffres(vue)])]


def _gantt(vue, _tile_url: str) -> list:
    return [gantt_card(Ids.GANTT, gantt_sites(vue.sites), len(vue.positions), vue.reference, vue.late_known)]


def _progress(vue, _tile_url: str) -> list | None:
    dataset = vue.dataset
    if not vue.roles["progress"]:
        return None
    if dataset.modified and vue.reference < dataset.modified:
        # progress is only known as of the data's date: drawn against an earlier date, it would mislead
        return [html.P(f"L'avancement n'est connu qu'à la date des données ({format_date(dataset.modified)}) : ce "
                       "graphique n'est pas rejoué à une date de situation antérieure.", className="notice-params")]
    return [progress_card(Ids.PROGRESS, vue.sites)]


def _budget(vue, _tile_url: str) -> list | None:
    if vue.budget.empty:
        return None
    return [chart_card(Ids.BUDGET, vue.budget, ChartSpec(chart="bar", x=vue.roles["type"]), budget_summary(vue.budget),
                       "Budget (€)", "Type de travaux", "Budget")]


def _monthly(vue, _tile_url: str) -> list:
    return [chart_card(Ids.MONTHLY, vue.monthly, ChartSpec(chart="bar", x=vue.roles["start_date"]),
                       monthly_summary(vue.monthly), "Nombre de chantiers", "Mois", "Évènement")]


def _map(vue, tile_url: str) -> list:
    """The sites where they are, with the communes as layers; or, for sites without a position, the communes
    shaded by their count of sites as the map itself."""
    dataset, table, query = vue.dataset, vue.table, vue.query
    outlines = vue.outlines[0] if vue.outlines else None
    if not vue.has_positions:
        if vue.communes is None:
            return [html.P("Pas de carte : les chantiers n'ont ni position, ni commune reconnue dans les contours des "
                           "communes.", className="notice-params")]
        kept = [(k, v) for k, v in query_pairs(urlencode(list(query.params) + vue.kept)) if k != "ma_commune"]
        return [commune_works_map(Ids.MAP, Ids.COMMUNE_LAYER, outlines, vue.versions[outlines.id], vue.communes,
                                  vue.chosen_commune, tile_url,
                                  lambda name: PATH + "?" + urlencode(kept + [("ma_commune", name)]), vue.unplaced)]
    overlays, communes_text = ([], None) if vue.communes is None else commune_layers(
        outlines, vue.versions[outlines.id], vue.communes, vue.layers)
    return [dataset_tabs.map_view(
        dataset, table, vue.positions, urlencode(list(query.params)), vue.versions[dataset.id], tile_url,
        classes=vue.codes, legend=status_legend(vue.codes, vue.positions, vue.late_known), sizes=vue.sizes,
        overlays=overlays, control_id=Ids.LAYERS,
        card={"kind": "travaux", "date": vue.reference.isoformat(), "jeu": dataset.id,
              "donnees": dataset.modified.isoformat() if dataset.modified else None},
        after=html.Div([size_legend_items(vue.thresholds), communes_text]),
        help_text=["au clavier, les mêmes chantiers et tous leurs champs sont dans le ",
                   dcc.Link("tableau du jeu de données", href=f"/jeux-de-donnees/{dataset.id}?"
                            + urlencode([("tab", "table")] + list(query.params))), "."])]


def layers_on(vue) -> list[str]:
    """The communes layers switched on (their names), as the map's control shows them."""
    drawn = vue.has_positions and vue.communes is not None
    return [name for key, name in COMMUNE_LAYERS.items() if key in vue.layers and drawn]


def stores(vue) -> list:
    """The stores the page's callbacks read: the dataset, what the controls show, the communes map's names."""
    query, roles = vue.query, vue.roles
    return [
        dcc.Store(id=dataset_tabs.DATASET_STORE_ID, data=vue.dataset.id),
        shown_values(Ids.SHOWN, {
            "date": vue.reference.isoformat(), "jeu": vue.dataset.id, "ma_commune": vue.chosen_commune,
            "periode_du": bound_value(query, roles["planned_end_date"], "from"),
            "periode_au": bound_value(query, roles["start_date"], "to"), "couches": layers_on(vue)}),
        dcc.Store(id=Ids.COMMUNE_NAMES, data=vue.communes.sort_values("row")["name"].tolist()
                  if vue.communes is not None and not vue.has_positions else []),
    ]


TABLEAU = Tableau(
    name="travaux", label="Travaux", path=PATH,
    vue=lambda repository, params: build(repository, params, today_paris()),
    sections={
        "chiffres": Partie("Chiffres clés", Ids.FIGURES, "figures", _figures),
        "carte": Partie("Carte des chantiers", f"{Ids.MAP}-titre", "map", _map),
        "calendrier": Partie("Calendrier des chantiers", f"{Ids.GANTT}-titre", "chart", _gantt),
        "avancement": Partie("Avancement et temps écoulé", f"{Ids.PROGRESS}-titre", "chart", _progress),
        "budget": Partie("Budget par type de travaux", f"{Ids.BUDGET}-titre", "chart", _budget),
        "mois": Partie("Chantiers commencés et terminés par mois", f"{Ids.MONTHLY}-titre", "chart", _monthly),
    },
    chiffres=chiffres, stores=stores)
