"""What the Travaux dashboard shows for a URL, as one frozen view model built by `build`: the dataset, its rows
under the filters, the key figures, the series of each chart, the sites per commune and the parts hidden for lack
of data; or `Indisponible` and why. The page, the embeds and the stories only lay it out."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from data_access.catalogue.model import Dataset
from data_access.french import MONTHS, format_int, plural
from data_access.geometry.geo import commune_outlines
from data_access.geometry.territoires import commune_key
from data_access.query import FilterError, Query, last, parse_date_value, parse_query
from data_access.readers.base import Table
from data_access.repository import Repository
from data_access.tableaux import ChiffreCle, Indisponible, preambule
from features.travaux import aggregates, life
from features.travaux.charts import schedule
from features.travaux.communes import by_commune, commune_choices, commune_names, unplaced_sites
from features.travaux.data import DEFINITIONS, KeyFigures, Roles, find_roles, late_is_known, money
from features.travaux.map import budget_sizes, status_codes

PATH = "/tableaux-de-bord/travaux"
PAGE_PARAMS = ("date", "ma_commune", "jeu", "couches")  # the page's own parameters, outside the filter grammar
NONE = ("Aucun jeu de données n'alimente ce tableau de bord : il faut une entrée du catalogue avec dashboard = "
        "\"travaux\".")
# The key figures' labels, by their stable key (embeds and stories name a figure by its key, never its label).
# « en cours à la date » (computed from the dates), never just « en cours »: the data's own status field says « en
# cours » too (the status facet), and the map's legend parts those in time from those late
LABELS = {"chantiers-en-cours": "chantiers en cours à la date", "commencent-dans-30-jours": "commencent dans 30 jours",
          "termines-en": "terminés en {year}", "en-retard": "en retard", "budget-prevu": "budget prévu",
          "avancement-moyen-pondere": "avancement moyen pondéré", "fin-prevue-deplacee": "fin prévue déplacée en {month}"}


@dataclass(frozen=True)
class VueTravaux:
    """The dashboard for one URL: every part's data, computed once."""

    choices: tuple[Dataset, ...]
    dataset: Dataset
    table: Table
    roles: Roles
    reference: dt.date
    query: Query
    positions: np.ndarray
    figures: KeyFigures
    errors: list = field(default_factory=list)
    versions: dict = field(default_factory=dict)  # dataset id -> its version, for the map's addresses
    outlines: tuple[Dataset, Table] | None = None
    communes: pd.DataFrame | None = None  # the selected sites per commune of the outlines (by_commune)
    names: dict = field(default_factory=dict)  # commune_key -> the commune's name in the outlines
    chosen_commune: str | None = None
    offered: list = field(default_factory=list)  # the communes « Dans ma commune » offers
    unplaced: tuple[int, list[str]] = (0, [])  # the selected sites in no commune of the outlines, and their places
    sites: pd.DataFrame | None = None  # schedule(): one row per selected site
    codes: str = ""  # the map's class per row
    sizes: str = ""  # the map's size per row
    thresholds: list = field(default_factory=list)
    budget: pd.DataFrame | None = None
    monthly: pd.DataFrame | None = None
    view_path: str = PATH  # the extract's permalink: this dataset and reference date
    kept: list = field(default_factory=list)  # the page's parameters the filter chips keep
    layers: frozenset = frozenset()  # the communes layers asked on (`couches`)
    missing: list = field(default_factory=list)  # the parts hidden for lack of data, in words
    moved: EndsMoved | None = None  # the planned ends moved in the reference month, from the history

    @property
    def has_positions(self) -> bool:
        return bool(self.roles["geometry"])

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


def choices(repository: Repository) -> list[Dataset]:
    """The datasets the dashboard can show (its picker's)."""
    return [d for d in repository.catalogue.datasets if d.dashboard == "travaux"]


def build(repository: Repository, params: dict, today: dt.date) -> VueTravaux | Indisponible:
    """The dashboard's view model for a URL's parameters, on `today` when the URL gives no date."""
    ready = preambule(repository, choices(repository), last(params.get("jeu")), none=NONE, find_roles=find_roles)
    if isinstance(ready, Indisponible):
        return ready
    dataset, table, roles = ready.dataset, ready.table, ready.roles
    errors = list(ready.errors)
    reference = reference_date(params, errors, today)
    query, query_errors = parse_query({k: v for k, v in params.items() if k not in PAGE_PARAMS}, table.fields,
                                      aliases=repository.aliases(dataset.id))
    errors += query_errors
    backend = repository.backend(dataset.id)
    positions = backend.positions(query).to_numpy()
    data_date = dataset.modified
    extra = [("date", reference.isoformat())] if params.get("date") else []
    extra += [("jeu", dataset.id)] if dataset.id != ready.choices[0].id else []
    sizes, thresholds = budget_sizes(table, roles)
    outlines = commune_outlines(repository, exclude=dataset.id)
    communes, names, unplaced = _communes(table, roles, positions, outlines)
    offered = commune_choices(table, roles, names)
    chosen = chosen_commune(last(params.get("ma_commune")), offered, errors)
    versions = {d.id: repository.version(d.id) for d in (dataset, outlines[0] if outlines else None) if d}
    found = aggregates.counted(backend, roles, query, reference, data_date=data_date)
    vue = VueTravaux(
        choices=ready.choices, dataset=dataset, table=table, roles=roles, reference=reference, query=query,
        positions=positions, figures=found.figures,
        errors=errors, versions=versions, outlines=outlines, communes=communes, names=names,
        chosen_commune=chosen, offered=offered, unplaced=unplaced,
        sites=schedule(table, roles, positions, reference, data_date=data_date),
        codes=status_codes(table, roles, reference, data_date=data_date), sizes=sizes, thresholds=thresholds,
        budget=found.budget, monthly=found.monthly,
        view_path=PATH + ("?" + urlencode(extra) if extra else ""),
        kept=(extra + [(key, last(params[key])) for key in ("ma_commune", "couches") if params.get(key)]),
        layers=frozenset((last(params.get("couches")) or "").split(",")),
        moved=ends_moved(repository, dataset, table, roles, positions, reference))
    return replace(vue, missing=_missing(vue))


@dataclass(frozen=True)
class EndsMoved:
    """The selected sites whose planned end a version of the reference month moved (up to the reference date)."""

    moved: int
    pushed: int  # of which pushed later
    received: bool  # whether a version came that month at all (without one, nothing can be said to have moved)


def ends_moved(repository: Repository, dataset: Dataset, table: Table, roles, positions, reference: dt.date
               ) -> EndsMoved | None:
    """None when the history cannot follow the sites (no key, fewer than two versions)."""
    found = life.of_dataset(repository.served_store.folder, dataset, roles)
    if found is None or found[0] not in table.frame.columns:
        return None
    key, lives = found
    first = reference.replace(day=1)
    moved = lives.ends_moved(first, reference)
    selected = {life.key_text(k) for k in table.frame[key].iloc[positions]}
    shown = [way for k, way in moved.items() if k in selected]
    return EndsMoved(len(shown), shown.count(1), lives.has_version(first, reference))


def _communes(table, roles, positions, outlines) -> tuple[pd.DataFrame | None, dict, tuple]:
    """The selected sites per commune of the outlines, the communes' names, and the sites in none of them."""
    if outlines is None:
        return None, {}, (0, [])
    communes = by_commune(table, roles, positions, outlines[1])
    if communes is None:
        return None, {}, (0, [])
    # the sites are in these communes: their names are the territory's
    return communes, commune_names(outlines[1]), unplaced_sites(table, roles, positions, outlines[1])


def _why(roles: Roles, role: str) -> str:
    return f" : {roles.why_missing(role)}" if role in (*roles.not_numbers, *roles.not_dates) else ""


def _missing(vue: VueTravaux) -> list[str]:
    """The parts hidden for lack of data, in words, in the page's order."""
    missing = []
    if not vue.late_known:
        missing.append("les chantiers en retard (rôle actual_end_date, status ou progress)")
    if vue.figures.budget_planned is None:
        why = _why(vue.roles, "budget_planned") or " absent ou sans valeur"
        missing.append(f"le budget (rôle budget_planned{why})")
    if vue.figures.weighted_progress is None:
        missing.append("l'avancement (rôles progress et budget_planned)")
    if not vue.thresholds and vue.has_positions:
        missing.append("la taille des chantiers sur la carte selon leur budget (rôle budget_planned absent ou sans "
                       "valeur)")
    if vue.communes is None:
        what = "la couche des communes" if vue.has_positions else "la carte par commune"
        missing.append(f"{what} (contours des communes avec le rôle commune, dont les codes ou les noms sont ceux "
                       "des chantiers)")
    if not vue.roles["progress"]:
        missing.append(f"l'avancement face au temps écoulé (rôle progress{_why(vue.roles, 'progress')})")
    if vue.budget.empty:
        missing.append("le budget par type (rôles type et budget_planned)")
    return missing


def chiffres(vue: VueTravaux) -> list[ChiffreCle]:
    """The key figures, each under its stable key (LABELS), in the page's order."""
    figures, year = vue.figures, vue.reference.year
    items = [
        ChiffreCle("chantiers-en-cours", format_int(figures.in_progress), LABELS["chantiers-en-cours"],
                   DEFINITIONS["in_progress"]),
        ChiffreCle("commencent-dans-30-jours", format_int(figures.upcoming), LABELS["commencent-dans-30-jours"],
                   DEFINITIONS["upcoming"]),
        ChiffreCle("termines-en", format_int(figures.finished_this_year), LABELS["termines-en"].format(year=year),
                   DEFINITIONS["finished_this_year"], aliases=(f"termines-en-{year}",)),
    ]
    if vue.late_known:
        items.append(ChiffreCle("en-retard", format_int(figures.late), LABELS["en-retard"], DEFINITIONS["late"]))
    if vue.moved is not None:
        month = f"{MONTHS[vue.reference.month - 1]} {vue.reference.year}"
        said = DEFINITIONS["end_moved"] + (f" ({plural(vue.moved.pushed, 'repoussée')})" if vue.moved.received else
                                           " : aucune version des données n'est arrivée ce mois-là, rien ne peut "
                                           "avoir bougé")
        items.append(ChiffreCle("fin-prevue-deplacee", format_int(vue.moved.moved) if vue.moved.received else "—",
                                LABELS["fin-prevue-deplacee"].format(month=month), said))
    if figures.budget_planned is not None:
        committed = f", {money(figures.budget_committed)} engagés" if figures.budget_committed is not None else ""
        items.append(ChiffreCle("budget-prevu", money(figures.budget_planned), LABELS["budget-prevu"],
                                DEFINITIONS["budget"] + committed))
    if figures.weighted_progress is not None:
        items.append(ChiffreCle("avancement-moyen-pondere", f"{figures.weighted_progress:.0f}\u202f%",
                                LABELS["avancement-moyen-pondere"], DEFINITIONS["weighted_progress"]))
    return items
