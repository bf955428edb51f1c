"""What the Transports dashboard shows for a URL, as one frozen view model built by `build`: the GTFS network, the
service day, the mode, the key figures, the line and its timetable, the stop and its next departures, the
communes' coverage, the map's other layers and the notices; or `Indisponible` and why. The page, the embeds and
the stories only lay it out."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from data_access.catalogue.model import Dataset
from data_access.chiffres import definition, marque
from data_access.french import format_date, format_int
from data_access.geometry.geo import commune_outlines
from data_access.query import FilterError, last, query_pairs
from data_access.readers.base import Table
from data_access.repository import DatasetUnavailable, Repository
from data_access.tableaux import ChiffreCle, Indisponible, preambule
from features.transports import data as T
from features.transports.live import LiveNetwork, live_network, with_live

PATH = "/tableaux-de-bord/transports"
PARAMS = ("jeu", "date", "mode", "ligne", "sens", "depart", "recherche", "arret", "heure", "rayon")
CAPACITY_ROLES = ("docks", "spaces", "capacity")  # bike stations, car parks, other places with a capacity
NONE = ("Aucun réseau GTFS n'alimente ce tableau de bord : il faut une entrée du catalogue avec format = \"gtfs\" et "
        "dashboard = \"transports\".")
UNAVAILABLE = "Le réseau « {titre} » ne peut pas être affiché : {raison}."
# The key figures' labels, by their stable key (embeds and stories name a figure by its key, never its label).
LABELS = {"lignes-en-service": "lignes en service", "arrets-desservis": "points d'arrêt desservis", "voyages": "voyages",
          "departs": "départs", "heures-de-service": "heures de service",
          "kilometres-parcourus": "kilomètres parcourus"}


@dataclass(frozen=True)
class Ligne:
    """The line shown: its direction, timetable (from its `first` departure on) and departures per hour."""

    routes: pd.DataFrame  # the lines of the mode, in order
    route: int
    ways: list  # (direction, its name)
    direction: int
    grid: T.Timetable
    first: int
    gaps: dict
    per_hour: pd.DataFrame


@dataclass(frozen=True)
class Arret:
    """The stop search and the stop chosen: the stops found, and the chosen one's next departures."""

    text: str = ""
    found: pd.DataFrame | None = None
    stop_id: str | None = None
    codes: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    departures: pd.DataFrame | None = None
    routes: pd.DataFrame | None = None


@dataclass(frozen=True)
class Couverture:
    """The communes' coverage: the share of their people within `radius` metres of a stop served that day."""

    outlines: tuple
    version: str
    radius: int
    data: pd.DataFrame


@dataclass(frozen=True)
class VueTransports:
    """The dashboard for one URL: every part's data, computed once."""

    choices: tuple[Dataset, ...]
    dataset: Dataset
    table: Table
    net: object  # features.transports.network.Network
    day: dt.date
    day_note: str | None
    modes: list
    mode: str | None
    heure: int  # seconds after the service day's start
    figures: T.DayFigures
    line: Ligne | None
    stop: Arret
    coverage: Couverture | None
    current: list = field(default_factory=list)  # the URL's pairs the page keeps in its links
    points: list = field(default_factory=list)  # (dataset, version) of the places with a capacity, on the map
    version: str = ""  # the network's version, for the map's addresses
    errors: list = field(default_factory=list)
    live: LiveNetwork | None = None  # what real time says now (live.py), None without a GTFS-RT feed
    now: float = 0.0  # the moment the page describes, POSIX seconds (the age of its real time)

    def href(self, **changes) -> str:
        """The page's address with these parameters changed (None drops one)."""
        pairs = [(k, v) for k, v in self.current if k not in changes] + [(k, str(v)) for k, v in changes.items()
                                                                          if v is not None]
        return PATH + ("?" + urlencode(pairs) if pairs else "")

    @property
    def shown(self) -> dict:
        """What each control shows, so that its callback tells a reader's change from the page's drawing."""
        values = {"date": self.day.isoformat(), "mode": self.mode, "jeu": self.dataset.id}
        if self.line is not None:
            values.update(ligne=self.net.routes.at[self.line.route, "route_id"], sens=self.line.direction)
        values.update(recherche=self.stop.text, heure=T.clock(self.heure))
        if self.coverage is not None:
            values["rayon"] = self.coverage.radius
        return values

    @property
    def km_source(self) -> str:
        return "d'après les tracés des lignes (shapes.txt)" if self.figures.km_from_shapes else \
            "en ligne droite d'un arrêt au suivant (le réseau ne publie pas de tracés)"

    @property
    def mode_words(self) -> str:
        return f" — {T.mode_label(self.mode)}" if self.mode else ""


def choices(repository: Repository) -> list:
    """The datasets the dashboard can show (its picker's): GTFS feeds."""
    return [d for d in repository.catalogue.datasets if d.dashboard == "transports" and d.format == "gtfs"]


def build(repository: Repository, params: dict, now: dt.datetime) -> VueTransports | Indisponible:
    """The dashboard's view model for a URL's parameters, at `now` when the URL gives no day or hour."""
    ready = preambule(repository, choices(repository), last(params.get("jeu")), none=NONE, unavailable=UNAVAILABLE)
    if isinstance(ready, Indisponible):
        return ready
    dataset, table = ready.dataset, ready.table
    net = T.network(table)
    errors = list(ready.errors) + [FilterError(k, "ce paramètre n'a pas de sens sur ce tableau de bord ; il est "
                                                  "ignoré") for k in params if k not in PARAMS]
    asked = T.parse_day(last(params.get("date")))
    if last(params.get("date")) and asked is None:
        errors.append(FilterError("date", f"« {last(params.get('date'))} » n'est pas une date AAAA-MM-JJ ; la date "
                                          "du jour est utilisée"))
    day, day_note = T.service_day(net, asked or now.date())
    modes = T.modes(net)
    mode = last(params.get("mode")) or None
    if mode and mode not in modes:
        errors.append(FilterError("mode", f"« {mode} » n'est pas un mode de ce réseau ; tous les modes sont affichés"))
        mode = None
    heure = T.parse_clock(last(params.get("heure")))
    if last(params.get("heure")) and heure is None:
        errors.append(FilterError("heure", f"« {last(params.get('heure'))} » n'est pas une heure HH:MM"))
    if heure is None:
        heure = now.hour * 3600 + now.minute * 60 if day == now.date() else 6 * 3600
    network_now = live_network(repository.shared_cache, dataset, net, now.timestamp())
    line, stop = _line(net, params, day, mode), _stop(net, params, day, heure, network_now)
    return VueTransports(
        choices=ready.choices, dataset=dataset, table=table, net=net, day=day, day_note=day_note, modes=modes,
        mode=mode, heure=heure, figures=T.day_figures(net, day, mode), line=line, stop=stop,
        coverage=_coverage(repository, net, params, day, errors),
        current=[(k, v) for k, v in query_pairs(params) if k in PARAMS], points=_points(repository, dataset),
        version=repository.version(dataset.id), errors=errors, live=network_now, now=now.timestamp())


def _line(net, params: dict, day: dt.date, mode: str | None) -> Ligne | None:
    """The line asked (`ligne`, `sens`, `depart`), else the mode's first, in its first direction."""
    routes = T.ordered_routes(net)
    if mode:
        routes = routes[routes["mode"] == mode]
    route = T.route_code(net, last(params.get("ligne")))
    if route is None or route not in routes.index:
        route = int(routes.index[0]) if len(routes) else None
    if route is None:
        return None
    ways = T.directions(net, route)
    try:
        direction = int(last(params.get("sens")) or ways[0][0])
    except ValueError:
        direction = ways[0][0]
    if direction not in dict(ways):
        direction = ways[0][0]
    grid = T.timetable(net, route, direction, day)
    try:
        first = max(0, min(int(last(params.get("depart")) or 0), max(len(grid.trips) - 1, 0)))
    except ValueError:
        first = 0
    return Ligne(routes, route, ways, direction, grid, first, T.intervals(grid.starts), T.departures_per_hour(grid))


def _stop(net, params: dict, day: dt.date, heure: int, network_now: LiveNetwork | None = None) -> Arret:
    """The stops found for `recherche`, and the next departures at the stop asked (`arret`)."""
    text = last(params.get("recherche")) or ""
    stop_id = last(params.get("arret"))
    codes = T.stop_group(net, str(stop_id)) if stop_id else np.array([], dtype=int)
    found = T.search_stops(net, text) if text else None
    if not len(codes):
        return Arret(text, found, stop_id, codes)
    departures = with_live(net, T.next_departures(net, codes, day, heure), network_now, day)
    return Arret(text, found, stop_id, codes, departures, T.routes_at(net, codes))


def _coverage(repository, net, params: dict, day: dt.date, errors: list) -> Couverture | None:
    outlines = commune_outlines(repository)
    if outlines is None:
        return None
    try:
        radius = int(last(params.get("rayon")) or T.COVERAGE_RADII[0])
    except ValueError:
        radius = -1
    if radius not in T.COVERAGE_RADII:
        errors.append(FilterError("rayon", "300 ou 500 (mètres) attendu ; 300 m est utilisé"))
        radius = T.COVERAGE_RADII[0]
    return Couverture(outlines, repository.version(outlines[0].id), radius,
                      T.commune_coverage(net, day, outlines[1], radius))


def _points(repository, dataset) -> list:
    """The other datasets of places with a capacity and a position (bike stations, car parks), for the map."""
    points = []
    for other in repository.catalogue.datasets:
        if other.id != dataset.id and any(other.role_field(r) for r in CAPACITY_ROLES) and \
                not repository.unavailable_reason(other.id):
            try:
                if repository.served(other.id).geometry_field is not None:  # its manifest, not its rows
                    points.append((other, repository.version(other.id)))
            except DatasetUnavailable:
                continue
    return points


def chiffres(vue: VueTransports) -> list[ChiffreCle]:
    """The day's key figures, each under its stable key (LABELS), in the page's order."""
    figures = vue.figures
    return [
        ChiffreCle("lignes-en-service", format_int(figures.lines), LABELS["lignes-en-service"],
                   definition("lignes").definition, marque=marque("lignes", "reseau")),
        ChiffreCle("arrets-desservis", format_int(figures.stops), LABELS["arrets-desservis"],
                   definition("points-d-arret").definition, marque=marque("points-d-arret", "reseau")),
        ChiffreCle("voyages", format_int(figures.trips), LABELS["voyages"], "courses d'un terminus à l'autre ce jour-là"),
        ChiffreCle("departs", format_int(figures.departures), LABELS["departs"], definition("departs").definition,
                   marque=marque("departs", "reseau")),
        ChiffreCle("heures-de-service", f"{figures.service_hours:,.0f}".replace(",", "\u202f"),
                   LABELS["heures-de-service"], "durée cumulée des voyages, du premier départ à la dernière arrivée"),
        ChiffreCle("kilometres-parcourus", f"{figures.vehicle_km:,.0f}\u202fkm".replace(",", "\u202f"),
                   LABELS["kilometres-parcourus"], f"somme des voyages, {vue.km_source}"),
    ]


def figures_title(vue: VueTransports) -> str:
    """The key figures' heading: their day and mode."""
    return f"Chiffres clés du {format_date(vue.day)}{vue.mode_words}"
