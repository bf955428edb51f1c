"""« Près de chez moi »: the answers that come from the dashboards' logic — works (Travaux), stops and their next
departures (Transports), access to care (Santé) — and every answer for a place, in the page's order."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np

from data_access.chiffres import commune_marque
from data_access.repository import Repository
from features.proximite import blocs as B
from features.proximite.data import Place, located
from features.sante.access import care_values
from features.transports.live import expected_words, live_network, stop_alerts, with_live

TRAVAUX_PATH = "/tableaux-de-bord/travaux"
TRANSPORTS_PATH = "/tableaux-de-bord/transports"
SANTE_PATH = "/tableaux-de-bord/sante"
log = logging.getLogger(__name__)


@dataclass
class Answers(B.Blocks):
    place: Place = None
    blocks: list[B.Block] = field(default_factory=list)

    @property
    def marks(self) -> list[dict]:
        return [m for b in self.shown for m in b.marks]


def answers(repository: Repository, place: Place, now: dt.datetime) -> Answers:
    """Every answer for the place, as of `now` (Paris time). A block that fails (a file the reader did not
    expect) says so, and the others still answer."""
    parts = (
        ("commune", "Votre commune", lambda: commune(repository, place)),
        ("bureau", "Votre bureau de vote", lambda: B.polling_station(repository, place)),
        ("travaux", "Travaux", lambda: works(repository, place, now.date())),
        ("arrets", "Arrêts et prochains départs", lambda: stops(repository, place, now)),
        ("velo", "Station Lovélo la plus proche", lambda: B.nearest_with(
            repository, place, "docks", "velo", "Station Lovélo la plus proche",
            "les stations de vélos en libre service (un champ de rôle docks, et leur position)", "velo")),
        ("parking", "Parking le plus proche", lambda: B.nearest_with(
            repository, place, "spaces", "parking", "Parking le plus proche",
            "les parkings (un champ de rôle spaces, et leur position)", "parking")),
        ("associations", "Associations", lambda: B.associations(repository, place)),
        ("archives", "Services d'archives", lambda: B.archive_services(repository, place)),
        ("soins", "Accès aux soins", lambda: care(repository, place)),
    )
    blocks = []
    for key, title, build in parts:
        try:
            blocks.append(build())
        except Exception:  # noqa: BLE001 — one block's data must not take the page down
            log.exception("près de chez moi : la partie « %s » a échoué", key)  # the place is not logged
            blocks.append(B.Block(key, title, text="Cette partie n'a pas pu être calculée ; réessayez plus tard."))
    return Answers(place=place, blocks=blocks)


def commune(repository: Repository, place: Place) -> B.Block:
    if not place.commune:
        return B.missing("commune", "Votre commune", "les contours des communes (un jeu de données avec le rôle "
                                                   "commune et leurs contours)")
    marks = [{"kind": "lieu", "label": place.label, "lat": place.lat, "lon": place.lon}] if place.has_position \
        else []
    link = (f"/communes/{place.commune}", f"La page de la commune : {place.commune_name}")
    return B.Block("commune", "Votre commune", text=f"{place.label} : {place.commune_name}." if place.has_position
                   else f"{place.commune_name}.", lines=[{"label": "Code INSEE", "value": place.commune}], marks=marks,
                   link=link)


# ---- Travaux --------------------------------------------------------------------------------------------------


def works(repository: Repository, place: Place, today: dt.date) -> B.Block:
    from features.communes.chiffres import works_table
    from features.travaux.communes import citizen_sites, commune_filter, in_my_commune

    key, title = "travaux", f"Travaux à moins de {B.NEAR_METRES} m"
    found = works_table(repository)
    if found is None:
        return B.missing(key, "Travaux", "les chantiers du tableau de bord Travaux (dates de début et de fin, et une "
                                         "position ou une commune)")
    dataset, table, roles = found
    # the dashboard on the commune's sites (its filter ticked), the commune's own section open
    link = (TRAVAUX_PATH + "?" + urlencode([("ma_commune", place.commune_name)] + (
        [("jeu", dataset.id)] if dataset.id != _first(repository, "travaux") else [])
        + commune_filter(table, roles, place.commune_name, place.commune)),
        f"Tous les travaux de {place.commune_name} dans le tableau de bord") if place.commune_name else None
    note, distances = None, None
    if roles["geometry"] and place.has_position:
        rows, metres = located(table).within(place.lon, place.lat, B.NEAR_METRES)
        here = np.zeros(len(table), dtype=bool)
        here[rows] = True
        distances = dict(zip(rows.tolist(), metres.tolist()))
        data = citizen_sites(table, roles, here, today, dataset.modified)
    elif place.commune_name:
        title = f"Travaux à {place.commune_name}"
        if place.has_position:
            note = "Les chantiers n'ont pas de position dans ce fichier : ceux de la commune sont listés."
        data = in_my_commune(table, roles, place.commune_name, today, dataset.modified)
    else:
        return B.missing(key, "Travaux", "la commune du lieu (contours des communes)")
    if distances is not None:  # those that disrupt traffic first, then the nearest
        data = data.assign(metres=data.index.map(distances)).sort_values(["disrupts", "metres"],
                                                                         ascending=[False, True])
    lines = [{"label": r.title, "status": r.status + (" (en retard)" if r.late else ""),
              "start": r.start, "end": r.planned_end, "impact": r.impact,
              "distance": B.distance_words(distances[r.Index]) if distances is not None else None,
              "dataset": dataset.id}  # the « Signaler » link's dataset page
             for r in data.head(B.WORKS_LISTED).itertuples()]
    count = len(data)
    text = (f"{count} chantier{'s' if count > 1 else ''} en cours ou commençant dans les 30 jours"
            if count else "Aucun chantier en cours ou commençant dans les 30 jours") + \
        (f" ; les {len(lines)} premiers :" if count > len(lines) else (" :" if count else "."))
    # in a commune (no position, or works without one), the count is the commune's: the registered figure
    marque = commune_marque("travaux", place.commune) if distances is None and place.commune else {}
    return B.Block(key, title, text=text, lines=lines, note=note, link=link, marque=marque)


STOP_PART = "#transports-arret-titre"  # the Transports dashboard's « Un arrêt » section (its heading's id)


def _first(repository: Repository, dashboard: str) -> str | None:
    return next((d.id for d in repository.catalogue.datasets if d.dashboard == dashboard), None)


# ---- Transports -----------------------------------------------------------------------------------------------


def stops(repository: Repository, place: Place, now: dt.datetime) -> B.Block:
    from features.communes.chiffres import transport_network
    from features.transports import data as T
    from features.transports.network import _haversine_km

    key, title = "arrets", f"Les {B.STOPS} arrêts les plus proches"
    found = transport_network(repository)
    if found is None:
        return B.missing(key, "Arrêts et prochains départs", "le réseau de transport en commun (un fichier GTFS du "
                                                              "tableau de bord Transports)")
    dataset, table = found
    if not place.has_position:
        return B.Block(key, "Arrêts et prochains départs",
                       text="Choisissez une adresse ou un point sur la carte pour trouver les arrêts proches.",
                       link=(TRANSPORTS_PATH, "Ouvrir le tableau de bord Transports"))
    net = T.network(table)
    lat, lon = net.stops["lat"].to_numpy(), net.stops["lon"].to_numpy()
    served = (np.diff(net.stop_rows) > 0) & ~np.isnan(lat)
    candidates = np.flatnonzero(served)
    metres = _haversine_km(place.lat, place.lon, lat[candidates], lon[candidates]) * 1000
    day, day_note = T.service_day(net, now.date())
    after = now.hour * 3600 + now.minute * 60 if day == now.date() else 0
    if not len(metres) or metres.min() > B.STOP_METRES:
        nearest = f" ; le plus proche est à {B.distance_words(float(metres.min()))}" if len(metres) else ""
        return B.Block(key, "Arrêts et prochains départs", text=f"Aucun arrêt desservi à moins de "
                                                                 f"{B.distance_words(B.STOP_METRES)}{nearest}.",
                       link=(TRANSPORTS_PATH, "Ouvrir le tableau de bord Transports"))
    lines, names, marks = [], set(), []
    network_now = live_network(repository.shared_cache, dataset, net, now.timestamp())
    age = network_now.age(now.timestamp()) if network_now and network_now.updates and network_now.day == day \
        else None
    for code in candidates[np.argsort(metres, kind="stable")]:
        if metres[np.searchsorted(candidates, code)] > B.STOP_METRES:
            break
        folded = net.stops.at[int(code), "folded"]
        if folded in names:  # a stop's other platforms: the same stop for a reader
            continue
        names.add(folded)
        stop_id = str(net.stops.at[int(code), "stop_id"])
        group = T.stop_group(net, stop_id)
        distance = float(_haversine_km(place.lat, place.lon, lat[code], lon[code]) * 1000)
        departures = with_live(net, T.next_departures(net, group, day, after, limit=B.DEPARTURES_PER_STOP),
                               network_now, day)
        routes = net.routes
        lines.append({
            "label": str(net.stops.at[int(code), "name"]), "stop_id": stop_id, "distance": B.walk_words(distance),
            # with real time: « 08:18 (+7 min) » or « 08:31 (supprimé) », and how old it is
            "departures": [{"time": T.clock(d.time), "line": str(routes.iloc[d.route]["name"]),
                            "route": int(d.route), "headsign": d.headsign or "",
                            "expected": expected_words(d) if d.realtime or d.status else None,
                            "source": "temps réel" if d.realtime else "théorique"}
                           for d in departures.itertuples()],
            "age": age,
            "alerts": [a.header for a in stop_alerts(net, network_now, group, T.routes_at(net, group).index)],
            # the dashboard at the stop's departures, not at its top
            "href": TRANSPORTS_PATH + "?" + urlencode([("arret", stop_id)] + (
                [("jeu", dataset.id)] if dataset.id != _first(repository, "transports") else [])) + STOP_PART,
        })
        marks.append({"kind": "arret", "label": str(net.stops.at[int(code), "name"]),
                      "lat": round(float(lat[code]), 6), "lon": round(float(lon[code]), 6)})
        if len(lines) == B.STOPS:
            break
    when = "à partir de maintenant" if day == now.date() else f"le {day.strftime('%d/%m/%Y')}"
    return B.Block(key, title, text=f"Prochains départs {when}, toutes lignes confondues.", lines=lines, marks=marks,
                   note=(day_note[0].upper() + day_note[1:].rstrip(".") + ".") if day_note else None,
                   link=(TRANSPORTS_PATH, "Ouvrir le tableau de bord Transports"))


# ---- Santé ----------------------------------------------------------------------------------------------------


def care(repository: Repository, place: Place) -> B.Block:
    key, title = "soins", "Accès aux soins dans la commune"
    if not place.commune:
        return B.missing(key, "Accès aux soins", B.NO_COMMUNE)
    indicators = care_values(repository)
    if not indicators:
        return B.missing(key, "Accès aux soins", "l'offre de soins par commune (un jeu de données du tableau de bord "
                                                 "Santé avec les rôles commune et indicator)")
    lines = []
    for item in indicators:
        mine = item["values"].get(place.commune)
        lines.append({**{k: v for k, v in item.items() if k not in ("values", "first_values")}, "value": mine,
                      "first_value": item["first_values"].get(place.commune),
                      "comparison": _compare(mine, item["overall"]),
                      "href": SANTE_PATH + "?" + urlencode([("indicateur", item["option"]),
                                                            ("commune", place.commune)])})
    return B.Block(key, title, lines=lines, text=f"{place.commune_name} comparée à l'ensemble de la Métropole.",
                   link=(SANTE_PATH + "?" + urlencode([("commune", place.commune)]),
                         "Voir l'accès aux soins dans le tableau de bord Santé"))


def _compare(mine: float | None, overall: float | None) -> str:
    if mine is None or overall is None or overall == 0:
        return "non comparable"
    gap = (mine - overall) / abs(overall) * 100
    if abs(gap) < 5:
        return "proche de la Métropole"
    return f"{abs(gap):.0f} % de {'plus' if gap > 0 else 'moins'} que la Métropole"
