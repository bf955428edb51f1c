"""The key figures of every commune of the Métropole, side by side: one row per commune of the outlines, one column
per figure, each from the datasets that hold the roles it needs (a figure whose data is missing is not a column,
and `missing` says what it would need). Built once per version of the files and day, then read by the commune
pages and their comparison.

Roles read here, besides « près de chez moi »'s: `population` and `surface` (km²) on the communes' outlines (the
area is measured on the outline when no field gives it)."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data_access.derived import derived
from data_access.geometry.geo import commune_outlines, commune_rows
from data_access.geometry.territoires import commune_key
from data_access.readers.base import Table
from data_access.repository import DatasetUnavailable, Repository
from features.proximite.blocs import active_rows, datasets_with
from features.proximite.data import METRES_PER_DEGREE, located

log = logging.getLogger(__name__)
TOTAL, MEAN, OVERALL = "total", "moyenne", "ensemble"  # what the Métropole's figure is


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str = ""
    metropole: str = TOTAL  # the Métropole's value: the communes' total, their mean, or a value of the whole
    decimals: int = 0
    part: str = ""  # the commune page's part that tells more
    note: str = ""


@dataclass
class Figures:
    """Every commune's figures (frame: index = code; name, then one column per figure), the figures in order,
    the Métropole's value of each, and the parts that could not be computed, with what they would need."""

    frame: pd.DataFrame
    figures: list[Figure] = field(default_factory=list)
    metropole: dict[str, float] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # part key -> the data it would need
    notes: dict[str, str] = field(default_factory=dict)  # part key -> what the reader must know (the day counted)
    sources: dict[str, object] = field(default_factory=dict)  # part key -> the dataset its figures come from

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)

    def of(self, code: str) -> dict:
        return {} if code not in self.frame.index else self.frame.loc[code].to_dict()


def commune_figures(repository: Repository, today: dt.date) -> Figures | None:
    """The figures of every commune as of `today`, or None without the communes' outlines."""
    outlines = commune_outlines(repository)
    if outlines is None:
        return None
    versions = tuple((d.id, repository.version(d.id)) for d in repository.catalogue.datasets)
    return derived(("communes-chiffres", versions, today), lambda: _build(repository, outlines, today))


def _build(repository: Repository, outlines, today: dt.date) -> Figures:
    dataset, table = outlines
    lines = commune_rows(table).drop_duplicates("row")
    frame = pd.DataFrame({"name": lines["name"].to_numpy(), "row": lines["row"].to_numpy()},
                         index=pd.Index(lines["code"].astype("str").to_numpy(), name="code"))
    figures = Figures(frame=frame)
    figures.sources["territoire"] = dataset
    parts = (("territoire", _territory), ("travaux", _works), ("transports", _transport), ("soins", _care),
             ("bureaux", _polling), ("associations", _associations), ("archives", _archives))
    for key, build in parts:
        try:
            build(repository, table, figures, today)
        except Exception:  # noqa: BLE001 — one part's data must not take the others down
            log.exception("chiffres des communes : la partie « %s » a échoué", key)
            figures.missing[key] = "des données lisibles (cette partie n'a pas pu être calculée ; réessayez plus tard)"
    figures.frame = figures.frame.drop(columns="row")
    return figures


def _add(figures: Figures, figure: Figure, values, overall: float | None = None) -> None:
    """A figure's column (values by commune code) and the Métropole's value: the total, the mean, or `overall`."""
    column = pd.Series(values, dtype="float64").reindex(figures.frame.index) if isinstance(values, dict) \
        else pd.Series(np.asarray(values, dtype="float64"), index=figures.frame.index)
    figures.frame[figure.key] = column
    figures.figures.append(figure)
    known = column.dropna()
    if figure.metropole == TOTAL:
        figures.metropole[figure.key] = float(known.sum()) if len(known) else np.nan
    elif figure.metropole == MEAN:
        figures.metropole[figure.key] = float(known.mean()) if len(known) else np.nan
    else:
        figures.metropole[figure.key] = np.nan if overall is None else float(overall)


def counts_by_commune(table: Table, figures: Figures, keep: np.ndarray | None = None) -> dict[str, int] | None:
    """How many rows (of `keep`) each commune has, by the table's commune code, else its commune's name; None
    when the table says neither."""
    code, name = table.role_field("commune"), table.role_field("commune_name")
    if code is not None:
        values = table.frame[code.name].astype("str")
    elif name is not None:
        by_name = {commune_key(n): c for c, n in figures.frame["name"].items()}
        values = table.frame[name.name].astype("str").map(lambda n: by_name.get(commune_key(n)))
    else:
        return None
    if keep is not None:
        values = values[keep]
    counted = values.value_counts()
    return {c: int(counted.get(c, 0)) for c in figures.frame.index}


# ---- the parts ---------------------------------------------------------------------------------------------------


def _territory(repository, outlines: Table, figures: Figures, today) -> None:
    rows = figures.frame["row"].to_numpy()
    population = outlines.role_field("population")
    if population is not None:
        values = pd.to_numeric(outlines.frame[population.name], errors="coerce").to_numpy(dtype="float64")[rows]
        _add(figures, Figure("population", population.label or "Population", "hab.", part="territoire"), values)
    else:
        figures.missing["population"] = ("la population des communes (un champ de rôle population dans le jeu des "
                                         "contours des communes)")
    surface = outlines.role_field("surface")
    if surface is not None:
        area = pd.to_numeric(outlines.frame[surface.name], errors="coerce").to_numpy(dtype="float64")[rows]
        note = ""
    else:  # measured on the (simplified) outline
        found = located(outlines)
        measured = np.full(len(outlines), np.nan)
        measured[found.rows] = [g.area / 1e6 for g in found.geometries]
        area, note = measured[rows], "mesurée sur le contour simplifié de la commune"
    _add(figures, Figure("surface", "Superficie", "km²", decimals=1, part="territoire", note=note), area)
    if population is not None:
        density = figures.frame["population"] / figures.frame["surface"].where(figures.frame["surface"] > 0)
        overall = figures.metropole["population"] / figures.metropole["surface"]
        _add(figures, Figure("densite", "Densité", "hab./km²", OVERALL, part="territoire"), density.to_numpy(),
             overall)


def works_table(repository: Repository):
    """The first Travaux dataset whose roles the dashboard can read: (dataset, table, roles), or None."""
    from features.travaux.data import find_roles

    for dataset in repository.catalogue.datasets:
        if dataset.dashboard != "travaux":
            continue
        try:
            table = repository.table(dataset.id)
        except DatasetUnavailable:
            continue
        roles = find_roles(table)
        if not roles.missing_required:
            return dataset, table, roles
    return None


def _works(repository, outlines: Table, figures: Figures, today: dt.date) -> None:
    from features.travaux.communes import by_commune, citizen_sites

    found = works_table(repository)
    if found is None:
        figures.missing["travaux"] = ("les chantiers du tableau de bord Travaux (dates de début et de fin, et une "
                                      "commune)")
        return
    dataset, table, roles = found
    sites = citizen_sites(table, roles, np.ones(len(table), dtype=bool), today, dataset.modified)
    counted = by_commune(table, roles, sites.index.to_numpy(), outlines)
    if counted is None:
        figures.missing["travaux"] = "la commune de chaque chantier (un champ de rôle commune ou commune_name)"
        return
    per_row = dict(zip(counted["row"], counted["sites"]))
    values = [per_row.get(r, 0) for r in figures.frame["row"]]
    figures.sources["travaux"] = dataset
    _add(figures, Figure("travaux", "Chantiers en cours ou commençant dans les 30 jours", "chantiers", part="travaux",
                         note="un chantier sur plusieurs communes compte dans chacune"), values)
    figures.metropole["travaux"] = float(len(sites))  # each site once, wherever it is


def transport_network(repository: Repository):
    """The first GTFS feed of the Transports dashboard: (dataset, table), or None."""
    for dataset in repository.catalogue.datasets:
        if dataset.dashboard == "transports" and dataset.format == "gtfs":
            try:
                return dataset, repository.table(dataset.id)
            except DatasetUnavailable:
                continue
    return None


@dataclass
class CommuneStops:
    """The stops served on a day, each with the outline row that holds it (-1: none), its departures that day,
    and the (stop, route) pairs of the day."""

    day: dt.date
    note: str | None
    stops: np.ndarray  # stop codes
    rows: np.ndarray  # the outline row of each
    departures: np.ndarray  # per stop code
    pairs: pd.DataFrame  # stop, route


def commune_stops(net, outlines: Table, today: dt.date) -> CommuneStops:
    """Which commune each stop served on the service day nearest `today` is in, and its departures (the calls
    where one may board); built once per network, outlines and day."""
    from features.transports import data as T

    day, note = T.service_day(net, today)

    def build() -> CommuneStops:
        import shapely

        served = T.served_stops(net, day)
        lat, lon = net.stops["lat"].to_numpy()[served], net.stops["lon"].to_numpy()[served]
        ok = ~(np.isnan(lat) | np.isnan(lon))
        served, lat, lon = served[ok], lat[ok], lon[ok]
        found = located(outlines)
        rows = np.full(len(served), -1)
        if len(served):
            points = shapely.points(lon * found.scale, lat * METRES_PER_DEGREE)
            hit_point, hit_shape = found.tree.query(points, predicate="intersects")
            rows[hit_point[::-1]] = found.rows[hit_shape[::-1]]  # a stop on a border: its first commune
        calls = T.active_trips(net, day)[net.st_trip] & net.st_pickup
        departures = T.departures_per_stop(net, day)  # one definition with the Transports dashboard's
        pairs = pd.DataFrame({"stop": net.st_stop[calls], "route": net.trips["route"].to_numpy()[net.st_trip[calls]]}
                             ).drop_duplicates()
        return CommuneStops(day, note, served, rows, departures, pairs)
    return derived(("communes-arrets", net.key, outlines.key, day), build)


def _transport(repository, outlines: Table, figures: Figures, today: dt.date) -> None:
    from features.transports import data as T

    found = transport_network(repository)
    if found is None:
        figures.missing["transports"] = "le réseau de transport en commun (un fichier GTFS du tableau de bord " \
                                        "Transports)"
        return
    dataset, table = found
    net = T.network(table)
    placed = commune_stops(net, outlines, today)
    of_row = {r: c for c, r in figures.frame["row"].items()}
    stops = pd.DataFrame({"stop": placed.stops, "code": [of_row.get(r) for r in placed.rows],
                          "folded": net.stops["folded"].to_numpy()[placed.stops],
                          "departures": placed.departures[placed.stops]}).dropna(subset=["code"])
    routes = placed.pairs.merge(stops[["stop", "code"]], on="stop")
    figures.sources["transports"] = dataset
    figures.notes["transports"] = f"le {placed.day.strftime('%d/%m/%Y')}" + (f" ({placed.note})" if placed.note
                                                                              else "")
    _add(figures, Figure("lignes", "Lignes qui desservent la commune", "lignes", part="transports"),
         routes.groupby("code")["route"].nunique().to_dict() | _zeros(figures, routes["code"]))
    figures.metropole["lignes"] = float(routes["route"].nunique())  # each line once, however many communes
    _add(figures, Figure("arrets", "Arrêts desservis", "arrêts", part="transports",
                         note="les quais d'un même arrêt comptent une fois"),
         stops.groupby("code")["folded"].nunique().to_dict() | _zeros(figures, stops["code"]))
    _add(figures, Figure("departs", "Départs par jour (où l'on peut monter)", "départs", part="transports",
                         note="passages où l'on peut monter, aux arrêts de la commune"),
         stops.groupby("code")["departures"].sum().to_dict() | _zeros(figures, stops["code"]))
    population = figures.frame["population"] if "population" in figures.frame else None
    for radius in T.COVERAGE_RADII:
        shares = T.commune_coverage(net, placed.day, outlines, radius).set_index("row")["share"]
        values = shares.reindex(figures.frame["row"]).to_numpy()
        overall = _weighted(values, population.to_numpy() if population is not None else None)
        _add(figures, Figure(f"couverture_{radius}", f"Part de la commune à moins de {radius} m d'un arrêt", "%",
                             OVERALL, decimals=0, part="transports",
                             note="part de la surface, qui tient lieu de part de la population"), values, overall)


def _zeros(figures: Figures, present: pd.Series) -> dict:
    """0 for each commune that has none (a commune without a stop has no lines, not an unknown number)."""
    present = set(present)
    return {c: 0 for c in figures.frame.index if c not in present}


def _weighted(values: np.ndarray, weights: np.ndarray | None) -> float | None:
    known = ~np.isnan(values)
    if weights is not None:
        known &= ~np.isnan(weights)
        if known.any() and weights[known].sum() > 0:
            return float((values[known] * weights[known]).sum() / weights[known].sum())
    return float(np.nanmean(values)) if known.any() else None


def _care(repository, outlines: Table, figures: Figures, today) -> None:
    from features.sante.access import care_values

    indicators = care_values(repository)
    if not indicators:
        figures.missing["soins"] = ("l'offre de soins par commune (un jeu de données du tableau de bord Santé avec "
                                    "les rôles commune et indicator)")
        return
    for item in indicators:
        unit = item["unit"]
        _add(figures, Figure(f"soins:{item['option']}", item["label"], unit, OVERALL, decimals=1, part="soins",
                             note=f"en {item['year']}" if item["year"] else ""), item["values"], item["overall"])


def _polling(repository, outlines: Table, figures: Figures, today) -> None:
    found = [(d, t) for d, t in datasets_with(repository, "polling_station", geometry=True)
             if t.geometry_field.type == "geo_shape"]
    counted = counts_by_commune(found[0][1], figures) if found else None
    if counted is None:
        figures.missing["bureaux"] = ("les contours des bureaux de vote (un champ de rôle polling_station, leur "
                                      "commune et leurs contours)")
        return
    figures.sources["bureaux"] = found[0][0]
    _add(figures, Figure("bureaux", "Bureaux de vote", "bureaux", part="bureaux"), counted)


def _associations(repository, outlines: Table, figures: Figures, today) -> None:
    found = datasets_with(repository, "association")
    if not found:
        figures.missing["associations"] = "le répertoire des associations (un champ de rôle association)"
        return
    dataset, table = found[0]
    active = active_rows(dataset, table)
    counted = counts_by_commune(table, figures, active)
    if counted is None:
        figures.missing["associations"] = "la commune du siège de chaque association (un champ de rôle commune)"
        return
    figures.sources["associations"] = dataset
    label = "Associations" + (" en activité" if active is not None else "")
    _add(figures, Figure("associations", label, "associations", part="associations",
                         note="par commune du siège"), counted)


def _archives(repository, outlines: Table, figures: Figures, today) -> None:
    found = datasets_with(repository, "archive_service")
    counted = counts_by_commune(found[0][1], figures) if found else None
    if counted is None:
        figures.missing["archives"] = "l'annuaire des services d'archives (un champ de rôle archive_service)"
        return
    figures.sources["archives"] = found[0][0]
    _add(figures, Figure("archives", "Services d'archives", "services", part="archives"), counted)
