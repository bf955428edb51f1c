"""What the Travaux dashboard shows for a URL, as one plain view model: the dataset, its rows under the filters,
the key figures, the series of each chart, the sites per commune and the parts hidden for lack of data. The page
only lays it out."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from data_access.catalogue.model import Dataset
from data_access.geometry.geo import commune_outlines
from data_access.query import FilterError, Query, last, parse_date_value, parse_query
from data_access.readers.base import Table
from data_access.repository import Repository, pick_dataset
from features.travaux.data import KeyFigures, Roles, find_roles, key_figures, late_is_known
from features.travaux.charts import budget_by_type, monthly_starts_and_ends, schedule
from data_access.geometry.territoires import commune_key
from features.travaux.communes import by_commune, commune_choices, commune_names, unplaced_sites
from features.travaux.map import budget_sizes, status_codes

PATH = "/tableaux-de-bord/travaux"
PAGE_PARAMS = ("date", "ma_commune", "jeu", "couches")  # the page's own parameters, outside the filter grammar


@dataclass
class TravauxView:
    choices: list[Dataset]
    dataset: Dataset | None = None
    unavailable: str | None = None  # why the page cannot be drawn (then only the picker is shown)
    errors: list[FilterError] = field(default_factory=list)
    table: Table | None = None
    roles: Roles | None = None
    reference: dt.date | None = None
    query: Query | None = None
    positions: np.ndarray | None = None
    figures: KeyFigures | None = None
    missing: list[str] = field(default_factory=list)  # the parts hidden for lack of data, in words
    outlines: tuple[Dataset, Table] | None = None
    communes: pd.DataFrame | None = None  # the selected sites per commune of the outlines (by_commune)
    names: dict[str, str] = field(default_factory=dict)  # commune_key -> the commune's name in the outlines
    chosen_commune: str | None = None
    offered: list[str] = field(default_factory=list)  # the communes « Dans ma commune » offers
    unplaced: tuple[int, list[str]] = (0, [])  # the selected sites in no commune of the outlines, and their places
    sites: pd.DataFrame | None = None  # schedule(): one row per selected site
    codes: str = ""  # the map's class per row
    sizes: str = ""  # the map's size per row
    thresholds: list[float] = field(default_factory=list)
    budget: pd.DataFrame | None = None
    monthly: pd.DataFrame | None = None
    view_path: str = PATH  # the extract's permalink: this dataset and reference date
    kept: list[tuple[str, str]] = field(default_factory=list)  # the page's parameters the filter chips keep

    @property
    def has_positions(self) -> bool:
        return bool(self.roles and self.roles["geometry"])

    @property
    def late_known(self) -> bool:
        return late_is_known(self.roles)


def reference_date(params: dict, errors: list, today: dt.date) -> dt.date:
    """The reference date of the URL (`date`, YYYY-MM-DD), else today, with a notice when it does not parse."""
    raw = last(params.get("date"))
    if not raw:
        return today
    period = parse_date_value(raw)
    if period is None or len(raw.strip()) != 10:
        errors.append(FilterError("date", f"« {raw} » n'est pas une date AAAA-MM-JJ ; la date du jour est utilisée"))
        return today
    return period.start.date()


def chosen_commune(asked: str | None, choices: list[str], errors: list) -> str | None:
    """The commune asked in the URL (`ma_commune`), as the choices spell it (« rouen », « ROUEN » and « Rouen » are
    one commune); a notice when it is none of them."""
    if not asked:
        return None
    found = next((c for c in choices if c == asked), None) or \
        next((c for c in choices if commune_key(c) == commune_key(asked)), None)
    if found is None:
        errors.append(FilterError("ma_commune", f"« {asked} » n'est pas une commune de ces données ; aucune commune "
                                                "n'est choisie"))
    return found


def travaux_view(repository: Repository, params: dict, today: dt.date) -> TravauxView:
    """The dashboard's view model for a URL's parameters, on `today` when the URL gives no date."""
    choices = [d for d in repository.catalogue.datasets if d.dashboard == "travaux"]
    view = TravauxView(choices=choices)
    if not choices:
        view.unavailable = ("Aucun jeu de données n'alimente ce tableau de bord : il faut une entrée du catalogue "
                            "avec dashboard = \"travaux\".")
        return view
    dataset, table, reason, view.errors = pick_dataset(repository, choices, last(params.get("jeu")))
    view.dataset = dataset
    if table is None:
        view.unavailable = f"Le jeu de données « {dataset.title} » est indisponible : {reason}"
        return view
    roles = find_roles(table)
    if roles.missing_required:
        view.unavailable = (f"Le jeu de données « {dataset.title} » ne déclare pas les rôles nécessaires : "
                            f"{', '.join(roles.missing_required)} (voir catalogue.toml).")
        return view
    view.table, view.roles = table, roles
    view.reference = reference = reference_date(params, view.errors, today)
    view.query, query_errors = parse_query({k: v for k, v in params.items() if k not in PAGE_PARAMS}, table.fields)
    view.errors += query_errors
    view.positions = positions = repository.backend(dataset.id).positions(view.query).to_numpy()
    data_date = dataset.modified
    view.figures = key_figures(table, roles, positions, reference, data_date=data_date)
    extra = [("date", reference.isoformat())] if params.get("date") else []
    extra += [("jeu", dataset.id)] if dataset.id != choices[0].id else []
    view.view_path = PATH + ("?" + urlencode(extra) if extra else "")
    view.kept = extra + [(key, last(params[key])) for key in ("ma_commune", "couches") if params.get(key)]

    missing = view.missing
    if not late_is_known(roles):
        missing.append("les chantiers en retard (rôle actual_end_date, status ou progress)")
    if view.figures.budget_planned is None:
        missing.append("le budget (rôle budget_planned absent ou sans valeur)")
    if view.figures.weighted_progress is None:
        missing.append("l'avancement (rôles progress et budget_planned)")
    view.sizes, view.thresholds = budget_sizes(table, roles)
    if not view.thresholds and view.has_positions:
        missing.append("la taille des chantiers sur la carte selon leur budget (rôle budget_planned absent ou sans "
                       "valeur)")
    view.outlines = commune_outlines(repository, exclude=dataset.id)
    if view.outlines is not None:
        view.communes = by_commune(table, roles, positions, view.outlines[1])
        if view.communes is not None:  # the sites are in these communes: their names are the territory's
            view.names = commune_names(view.outlines[1])
            view.unplaced = unplaced_sites(table, roles, positions, view.outlines[1])
    if view.communes is None:
        what = "la couche des communes" if view.has_positions else "la carte par commune"
        missing.append(f"{what} (contours des communes avec le rôle commune, dont les codes ou les noms sont ceux "
                       "des chantiers)")
    view.offered = commune_choices(table, roles, view.names)
    view.chosen_commune = chosen_commune(last(params.get("ma_commune")), view.offered, view.errors)
    view.sites = schedule(table, roles, positions, reference, data_date=data_date)
    view.codes = status_codes(table, roles, reference, data_date=data_date)
    view.budget = budget_by_type(table, roles, positions)
    view.monthly = monthly_starts_and_ends(table, roles, positions)
    if not roles["progress"]:
        missing.append("l'avancement face au temps écoulé (rôle progress)")
    if view.budget.empty:
        missing.append("le budget par type (rôles type et budget_planned)")
    return view
