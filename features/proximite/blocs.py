"""« Près de chez moi »: the answers for a place, one block per question, each from the datasets that hold the
roles it needs. A block whose data is missing is not shown; `missing` says what data it would need.

Roles read here, besides the dashboards': `polling_station` (a polling station's code, on its outline),
`polling_station_number`, `address`; `docks` (a bike station's docks), `spaces` (a car park's spaces);
`association` (an association's identifier) and `archive_service` (an archive service's identifier)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from data_access.readers.base import Table
from data_access.repository import DatasetUnavailable, Repository
from features.proximite.data import Place, located

NEAR_METRES = 500  # works and associations « near »: within this distance
WALK_METRES_PER_MINUTE = 75  # 4.5 km/h
WALK_AT_MOST = 2_000  # beyond this, no walking time (nobody walks 2 hours to a bus stop)
STOP_METRES = 1_500  # the stops « near »: within this distance
STOPS = 3
DEPARTURES_PER_STOP = 4
ASSOCIATIONS_LISTED = 5
WORKS_LISTED = 8
PRECISION = 1e-5  # of the outline drawn on the map


@dataclass
class Block:
    """One answer: its lines (plain values for the page), a note, the link to the full view, or what is missing."""

    key: str
    title: str
    lines: list[dict] = field(default_factory=list)
    text: str = ""  # the answer in one sentence
    note: str | None = None
    link: tuple[str, str] | None = None  # (address, words)
    missing: str | None = None  # set: the block is hidden and the page names this data
    marks: list[dict] = field(default_factory=list)  # what the map shows: {kind, lat, lon, label} or an outline
    marque: dict = field(default_factory=dict)  # the registered figure its text gives first (data_access.chiffres)


class Blocks:
    """A page of answers (its `blocks`): those shown, and those whose data is missing."""

    blocks: list[Block]

    @property
    def shown(self) -> list[Block]:
        return [b for b in self.blocks if b.missing is None]

    @property
    def missing(self) -> list[Block]:
        return [b for b in self.blocks if b.missing is not None]


def missing(key: str, title: str, what: str) -> Block:
    return Block(key=key, title=title, missing=what)


def datasets_with(repository: Repository, role: str, geometry: bool = False) -> list[tuple[object, Table]]:
    """The available datasets with a field of this role (and a geometry, when asked), with their tables."""
    found = []
    for dataset in repository.catalogue.datasets:
        if not dataset.role_field(role):
            continue
        try:
            table = repository.table(dataset.id)
        except DatasetUnavailable:
            continue
        if table.role_field(role) is not None and (not geometry or table.geometry_field is not None):
            found.append((dataset, table))
    return found


def distance_words(metres: float) -> str:
    if metres < 995:  # 995 m would read « 1000 m »
        return f"{max(10, round(metres / 10) * 10):.0f} m"
    return f"{metres / 1000:.1f} km".replace(".", ",")


def walk_words(metres: float) -> str:
    """A distance as the crow flies, with the walk's minutes when it is a walk."""
    if metres > WALK_AT_MOST:
        return f"{distance_words(metres)} à vol d'oiseau"
    minutes = max(1, round(metres / WALK_METRES_PER_MINUTE))
    return f"{distance_words(metres)} à vol d'oiseau, environ {minutes} min à pied"


def dataset_link(dataset, pairs: list[tuple[str, str]], tab: str = "table") -> str:
    return f"/jeux-de-donnees/{dataset.id}?" + urlencode([("tab", tab), *pairs])


def _text(table: Table, role: str, row: int) -> str | None:
    info = table.role_field(role)
    if info is None:
        return None
    value = table.frame[info.name].iloc[row]
    return None if pd.isna(value) or str(value).strip() == "" else str(value).strip()


def _point(table: Table, row: int) -> tuple[float, float] | None:
    geometry = table.frame[table.geometry_field.name].iloc[row]
    if geometry is None:
        return None
    point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
    return round(point.y, 6), round(point.x, 6)


def _in_commune(table: Table, place: Place) -> np.ndarray:
    """A mask of the rows of the place's commune (by its code, else its name)."""
    from data_access.geometry.territoires import commune_key

    code, name = table.role_field("commune"), table.role_field("commune_name")
    if code is not None and place.commune:
        return (table.frame[code.name].astype("str") == place.commune).to_numpy()
    if name is not None and place.commune_name:
        return (table.frame[name.name].astype("str").map(commune_key) == commune_key(place.commune_name)).to_numpy()
    return np.zeros(len(table), dtype=bool)


NO_COMMUNE = "les contours des communes (un jeu de données avec le rôle commune et leurs contours)"


def _commune_refine(dataset, table: Table, place: Place) -> list[tuple[str, str]]:
    code, name = table.role_field("commune"), table.role_field("commune_name")
    if code is not None and place.commune:
        return [(f"refine.{code.name}", place.commune)]
    return [(f"refine.{name.name}", place.commune_name)] if name is not None and place.commune_name else []


# ---- the polling station -------------------------------------------------------------------------------------


def polling_station(repository: Repository, place: Place) -> Block:
    title = "Votre bureau de vote"
    found = [(d, t) for d, t in datasets_with(repository, "polling_station", geometry=True)
             if t.geometry_field.type == "geo_shape"]
    if not found:
        return missing("bureau", title, "les contours des bureaux de vote (un champ de rôle polling_station, et leurs "
                                        "contours)")
    dataset, table = found[0]
    if not place.has_position:
        count = int(_in_commune(table, place).sum())
        return Block("bureau", title, text=f"{place.commune_name} compte {count} bureau(x) de vote. Choisissez une "
                                           "adresse ou un point sur la carte pour trouver le vôtre.",
                     link=(dataset_link(dataset, _commune_refine(dataset, table, place), "map"),
                           "Voir les bureaux de vote de la commune"))
    rows = located(table).containing(place.lon, place.lat)
    if not len(rows):
        return Block("bureau", title, text="Aucun contour de bureau de vote ne contient ce point.")
    row = int(rows[0])
    code = _text(table, "polling_station", row) or "?"
    number = _text(table, "polling_station_number", row) or _number_of(code)
    venue = _text(table, "title", row)
    lines = [{"label": "Code du bureau", "value": code}]
    if number:
        lines.append({"label": "Numéro", "value": number})
    for role, label in (("title", "Lieu de vote"), ("address", "Adresse du lieu de vote")):
        value = _text(table, role, row)
        if value:
            lines.append({"label": label, "value": value})
    code_field = table.role_field("polling_station").name
    outline = table.frame[table.geometry_field.name].iloc[row]
    # the outlines are drawn from the register's addresses: an elector votes where the register says
    notes = ["Votre bureau est celui de votre carte électorale : le contour du secteur en est une approximation."]
    if not _text(table, "address", row):
        notes.append("Le fichier ne donne pas l'adresse du lieu de vote.")
    return Block("bureau", title, lines=lines,
                 text=f"Ce lieu est dans le secteur du bureau {number or code}" + (f" ({venue})" if venue else "")
                 + ".", note=" ".join(notes),
                 link=(dataset_link(dataset, [(f"refine.{code_field}", code)], "map"),
                       "Voir ce bureau dans les données"),
                 marks=[{"kind": "bureau", "label": f"Bureau de vote {number or code}", "positions": outline_positions(
                     outline)}])


def _number_of(code: str) -> str | None:
    """The number in a polling station's code (« 76540_0012 » → « 12 »)."""
    match = re.search(r"[_-]0*(\d+)$", code)
    return match.group(1) if match else None


def outline_positions(geometry) -> list:
    """A (multi)polygon as Leaflet's nested [lat, lon] lists, rounded to about a metre."""
    import shapely

    def ring(r) -> list:
        return [[round(y, 5), round(x, 5)] for x, y in np.asarray(r.coords)[:, :2]]

    parts = list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]
    polygons = [[ring(p.exterior), *[ring(h) for h in p.interiors]] for p in parts
                if isinstance(p, shapely.Polygon)]
    return polygons[0] if len(polygons) == 1 else polygons


# ---- what is near: bike stations, car parks, associations -------------------------------------------------------


def nearest_with(repository: Repository, place: Place, role: str, key: str, title: str, what: str, kind: str
                 ) -> Block:
    """The nearest row of the first dataset holding `role` (a capacity) and positions."""
    found = datasets_with(repository, role, geometry=True)
    if not found:
        return missing(key, title, what)
    dataset, table = found[0]
    if not place.has_position:
        count = int(_in_commune(table, place).sum())
        return Block(key, title, text=f"{count} dans la commune. Choisissez une adresse ou un point sur la carte "
                                      "pour trouver le plus proche.",
                     link=(dataset_link(dataset, _commune_refine(dataset, table, place), "map"), "Voir sur la carte"))
    rows, distances = located(table).nearest(place.lon, place.lat, 1)
    if not len(rows):
        return Block(key, title, text="Aucun n'a de position dans le fichier.")
    row, metres = int(rows[0]), float(distances[0])
    capacity = table.role_field(role)
    value = pd.to_numeric(pd.Series([table.frame[capacity.name].iloc[row]], dtype=object), errors="coerce").iloc[0]
    name = _text(table, "title", row) or f"n° {row + 1}"
    amount = f"{value:.0f} {capacity.unit or capacity.label.lower()}" if not pd.isna(value) \
        else "capacité non renseignée"
    point = _point(table, row)
    title_field = table.role_field("title")
    link = dataset_link(dataset, [(f"refine.{title_field.name}", name)] if title_field else [], "map")
    return Block(key, title, text=f"{name}, à {walk_words(metres)} : {amount}.",
                 lines=[{"label": name, "value": amount, "distance": distance_words(metres)}],
                 link=(link, f"Voir {name} dans les données"),
                 marks=[{"kind": kind, "label": name, "lat": point[0], "lon": point[1]}] if point else [])


def associations(repository: Repository, place: Place) -> Block:
    key, title = "associations", f"Associations à moins de {NEAR_METRES} m"
    found = datasets_with(repository, "association")
    if not found:
        return missing(key, "Associations", "le répertoire des associations (un champ de rôle association)")
    dataset, table = found[0]
    if not place.commune and (table.geometry_field is None or not place.has_position):
        return missing(key, "Associations", NO_COMMUNE)
    refine = _commune_refine(dataset, table, place)
    if refine:
        refine = refine + ended_filter(dataset, table)  # the link lists the associations the block counts
    active = active_rows(dataset, table)
    kind = "associations" if active is None else "associations en activité"
    if active is None:
        active = np.ones(len(table), dtype=bool)
    in_commune = int((_in_commune(table, place) & active).sum())
    link = (dataset_link(dataset, refine), f"Le répertoire des associations de {place.commune_name}") \
        if refine else (dataset_link(dataset, []), "Voir le répertoire")
    if table.geometry_field is None or not place.has_position:
        note = None if table.geometry_field is not None else \
            "Le répertoire ne donne pas la position des associations : celles de la commune sont comptées."
        return Block(key, "Associations de la commune", text=f"{in_commune} {kind} ont leur siège à "
                                                              f"{place.commune_name}.", note=note, link=link)
    rows, distances = located(table).within(place.lon, place.lat, NEAR_METRES)
    rows, distances = rows[active[rows]], distances[active[rows]]
    lines = [{"label": _text(table, "title", int(r)) or "Association sans nom",
              "value": _text(table, "type", int(r)) or "", "distance": distance_words(float(d))}
             for r, d in zip(rows[:ASSOCIATIONS_LISTED], distances)]
    count = len(rows)
    text = f"{count} {kind if count > 1 else kind.replace('associations', 'association')} à moins de " \
        f"{NEAR_METRES} m" + \
        (f" ; les {len(lines)} plus proches :" if count > len(lines) else (" :" if count else "."))
    return Block(key, title, text=text, lines=lines, link=link)


ENDED = ("dissou", "supprim")  # the situations of an association that no longer acts (RNA: D, S)


def ended_filter(dataset, table: Table) -> list[tuple[str, str]]:
    """The filter that leaves out the associations that no longer act (`exclude.<situation>=<value>` for each
    situation read as dissolved or removed), so that a link lists those « en activité »; empty when the data does
    not say."""
    from data_access.query import fold

    info = table.role_field("situation")
    if info is None:
        return []
    spec = dataset.field_spec(info.name)
    labels = dict(spec.labels) if spec is not None and isinstance(spec.labels, tuple) else {}
    values = sorted(str(v) for v in table.frame[info.name].dropna().unique())
    return [(f"exclude.{info.name}", v) for v in values if fold(labels.get(v, v)).startswith(ENDED)]


def active_rows(dataset, table: Table) -> np.ndarray | None:
    """Which associations still act, from the field of role `situation` and its labels (« D » = dissoute);
    None when the data does not say."""
    from data_access.derived import derived
    from data_access.query import fold

    info = table.role_field("situation")
    if info is None:
        return None
    spec = dataset.field_spec(info.name)
    labels = dict(spec.labels) if spec is not None and isinstance(spec.labels, tuple) else {}

    def build() -> np.ndarray:
        values = table.frame[info.name].astype("str").where(table.frame[info.name].notna(), "")
        words = values.map(lambda v: fold(labels.get(v, v)))
        return ~words.str.startswith(ENDED).to_numpy(dtype=bool)
    return derived(("associations-actives", table.key, info.name), build)


def archive_services(repository: Repository, place: Place) -> Block:
    key, title = "archives", "Services d'archives"
    found = datasets_with(repository, "archive_service")
    if not found:
        return missing(key, title, "l'annuaire des services d'archives (un champ de rôle archive_service)")
    dataset, table = found[0]
    if not place.commune:
        return missing(key, title, NO_COMMUNE)
    rows = np.flatnonzero(_in_commune(table, place))
    lines = [{"label": _text(table, "title", int(r)) or "Service d'archives",
              "address": _text(table, "address", int(r)), "hours": _text(table, "opening_hours", int(r)),
              "site": _text(table, "link", int(r))} for r in rows]
    text = f"{len(lines)} service{'s' if len(lines) > 1 else ''} d'archives à {place.commune_name}." if lines else \
        f"Aucun service d'archives n'est installé à {place.commune_name}."
    note = None
    if not lines and place.has_position and table.geometry_field is not None:
        near, metres = located(table).nearest(place.lon, place.lat, 1)
        if len(near):
            note = f"Le plus proche : {_text(table, 'title', int(near[0])) or 'un service sans nom'}, à " \
                   f"{distance_words(float(metres[0]))}."
    refine = _commune_refine(dataset, table, place)
    return Block(key, title, text=text, lines=lines, note=note,
                 link=(dataset_link(dataset, refine if lines else []), "Voir l'annuaire des services d'archives"))

