"""A commune's page: its parts (territory, works, transport, access to care, polling stations, associations,
archives), each from the datasets that hold the roles it needs, with the Métropole beside it and a link to the
dashboard or dataset filtered on the commune. A part whose data is missing is hidden; `missing` says what data it
would need."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np

from data_access.chiffres import commune_marque
from data_access.geometry.territoires import at_place
from data_access.repository import Repository
from features.communes.chiffres import Figures, commune_figures, commune_stops, transport_network
from features.proximite import blocs as B
from features.proximite.data import Place, PlaceError, commune_place
from features.proximite.reponses import TRANSPORTS_PATH, care, works

log = logging.getLogger(__name__)
PATH = "/communes"
STOPS_LISTED = 40
THEMES_LISTED = 12


@dataclass
class Profile(B.Blocks):
    place: Place = None
    figures: Figures = None
    blocks: list[B.Block] = field(default_factory=list)
    today: dt.date | None = None

    def value(self, key: str):
        return self.figures.of(self.place.commune).get(key)


def profile(repository: Repository, code: str, now: dt.datetime) -> Profile:
    """The commune's page as of `now` (Paris time); PlaceError when the code is not one of the communes."""
    place = commune_place(repository, code)
    figures = commune_figures(repository, now.date())
    found = Profile(place=place, figures=figures, today=now.date())
    parts = (("territoire", "La commune", lambda: territory(repository, found)),
             ("travaux", "Travaux", lambda: works_part(repository, found)),
             ("transports", "Transports en commun", lambda: transport(repository, found)),
             ("soins", "Accès aux soins", lambda: care_part(repository, found)),
             ("bureaux", "Bureaux de vote", lambda: polling(repository, found)),
             ("associations", "Associations", lambda: associations(repository, found)),
             ("archives", "Services d'archives", lambda: B.archive_services(repository, place)))
    if "population" in figures.missing:  # the territory part still shows the area
        found.blocks.append(B.missing("population", "Population", figures.missing["population"]))
    for key, title, build in parts:
        if key in figures.missing and key != "territoire":
            found.blocks.append(B.missing(key, title, figures.missing[key]))
            continue
        try:
            found.blocks.append(build())
        except Exception:  # noqa: BLE001 — one part's data must not take the page down
            log.exception("page de commune : la partie « %s » a échoué", key)
            found.blocks.append(B.Block(key, title, text="Cette partie n'a pas pu être calculée ; réessayez plus "
                                                         "tard."))
    return found


def is_commune(repository: Repository, code: str) -> bool:
    try:
        commune_place(repository, code)
    except PlaceError:
        return False
    return True


def number(value, decimals: int = 0) -> str:
    """A figure in French: thin spaces between thousands, a decimal comma; « — » when unknown."""
    if value is None or value != value:
        return "—"
    return f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


def amount(value, unit: str, decimals: int = 0) -> str:
    """A figure and its unit, the unit in the singular for one (« 1 chantier », « 1 bureau »)."""
    if unit and value == 1 and unit[-1] in "sx" and unit[0].isalpha() and " " not in unit:
        unit = unit[:-1]
    return f"{number(value, decimals)} {unit}".rstrip()


def territory(repository: Repository, found: Profile) -> B.Block:
    place, figures = found.place, found.figures
    lines = [{"label": "Code INSEE", "value": place.commune}]
    for key in ("population", "surface", "densite"):
        figure = figures.figure(key)
        if figure is not None:
            lines.append({"label": figure.label, "value": f"{number(found.value(key), figure.decimals)} {figure.unit}"
                          + (f" ({figure.note})" if figure.note else "")})
    dataset = figures.sources["territoire"]
    code_field = dataset.role_field("commune")
    share = ""
    if figures.figure("population") is not None and figures.metropole.get("population"):
        share = f" Elle compte {number(100 * found.value('population') / figures.metropole['population'], 1)} % " \
                "des habitants de la Métropole."
    return B.Block("territoire", "La commune", lines=lines,
                   text=f"{place.commune_name}, l'une des {len(figures.frame)} communes de la Métropole.{share}",
                   link=(B.dataset_link(dataset, [(f"refine.{code_field}", place.commune)]),
                         f"{place.commune_name} dans les données des communes"))


def works_part(repository: Repository, found: Profile) -> B.Block:
    block = works(repository, found.place, found.today)
    if block.missing is None and found.figures.figure("travaux") is not None:
        mine, total = found.value("travaux"), found.figures.metropole["travaux"]
        block.title = f"Travaux {at_place(found.place.commune_name)}"
        block.marque = commune_marque("travaux", found.place.commune)
        block.text = (f"{number(mine)} chantier{'s' if mine and mine > 1 else ''} en cours ou commençant dans les "
                      f"30 jours, sur {number(total)} dans la Métropole."
                      + (f" Les {len(block.lines)} premiers :" if mine and mine > len(block.lines) else ""))
    return block


def transport(repository: Repository, found: Profile) -> B.Block:
    from features.transports import data as T

    figures, place = found.figures, found.place
    dataset, table = transport_network(repository)
    net = T.network(table)
    outlines = figures.sources["territoire"]
    placed = commune_stops(net, repository.table(outlines.id), found.today)
    mine = placed.stops[placed.rows == _outline_row(repository, outlines, place.commune)]
    names = list(dict.fromkeys(str(n) for n in net.stops["name"].to_numpy()[mine]))
    running = placed.pairs.loc[placed.pairs["stop"].isin(mine), "route"].unique()  # the lines of that day
    routes = T.ordered_routes(net).loc[lambda r: r.index.isin(running)]
    extra = [] if dataset.id == _first_gtfs(repository) else [("jeu", dataset.id)]
    lines = [{"label": str(r.name), "route_id": str(r.route_id),
              **dict(zip(("color", "text_color"), T.badge_colours(r.color, r.text_color))),
              "href": TRANSPORTS_PATH + "?" + urlencode(extra + [("ligne", str(r.route_id))])}
             for r in routes.itertuples()]
    day = figures.notes.get("transports", "")
    facts = [(key, figures.figure(key)) for key in ("arrets", "departs", "couverture_300", "couverture_500")]
    stops = found.value("arrets")  # a stop's platforms once, as the figures count them
    text = (f"{len(lines)} ligne{'s desservent' if len(lines) > 1 else ' dessert'} {place.commune_name}, à "
            f"{amount(stops, 'arrêts')} ; {number(found.value('departs'))} départs {day}.") if lines \
        else f"Aucun arrêt desservi {day} dans la commune."
    return B.Block("transports", "Transports en commun", text=text, lines=lines, marks=[
        {"kind": "figure", "key": k, "label": f.label, "value": found.value(k), "metropole": figures.metropole.get(k),
         "unit": f.unit, "decimals": f.decimals, "note": f.note} for k, f in facts if f is not None] + [
        {"kind": "stops", "names": names[:STOPS_LISTED], "more": max(0, len(names) - STOPS_LISTED)}],
        link=(TRANSPORTS_PATH + ("?" + urlencode(extra) if extra else ""), "Ouvrir le tableau de bord Transports"),
        note="La couverture compte la part de la surface de la commune à moins de 300 ou 500 m à vol d'oiseau d'un "
             "arrêt desservi ce jour-là ; elle tient lieu de part de la population.")


def _outline_row(repository: Repository, outlines, code: str) -> int:
    from data_access.geometry.geo import commune_rows

    lines = commune_rows(repository.table(outlines.id))
    return int(lines.loc[lines["code"] == code, "row"].iloc[0])


def _first_gtfs(repository: Repository) -> str | None:
    return next((d.id for d in repository.catalogue.datasets if d.dashboard == "transports"), None)


def care_part(repository: Repository, found: Profile) -> B.Block:
    block = care(repository, found.place)
    if block.missing is not None:
        return block
    block.title = "Accès aux soins"
    return block


def polling(repository: Repository, found: Profile) -> B.Block:
    place = found.place
    dataset = found.figures.sources["bureaux"]
    table = repository.table(dataset.id)
    rows = np.flatnonzero(B._in_commune(table, place))
    shapes = table.frame[table.geometry_field.name].to_numpy()[rows]  # read once: a row at a time is slow
    labels = table.frame[table.role_field("polling_station").name].astype("str").to_numpy()[rows]
    marks = [{"kind": "bureau", "label": label, "positions": B.outline_positions(shape)}
             for label, shape in zip(labels, shapes) if shape is not None]
    count = len(rows)
    return B.Block("bureaux", "Bureaux de vote", marks=marks,
                   text=f"{place.commune_name} compte {count} bureau{'x' if count > 1 else ''} de vote, sur "
                        f"{number(found.figures.metropole.get('bureaux'))} dans la Métropole.",
                   note="Les contours des bureaux sont une approximation : le bureau d'un électeur est celui de sa "
                        "carte électorale.",
                   link=(B.dataset_link(dataset, B._commune_refine(dataset, table, place), "map"),
                         "Voir les bureaux de vote de la commune sur la carte"))


def associations(repository: Repository, found: Profile) -> B.Block:
    place = found.place
    dataset = found.figures.sources["associations"]
    table = repository.table(dataset.id)
    active = B.active_rows(dataset, table)
    keep = B._in_commune(table, place) & (active if active is not None else True)
    theme = table.role_field("type")
    lines = []
    if theme is not None:
        spec = dataset.field_spec(theme.name)
        labels = dict(spec.labels) if spec is not None and isinstance(spec.labels, tuple) else {}
        values = table.frame[theme.name][keep].astype("str").map(lambda v: labels.get(v, v))
        counted = values.value_counts()
        lines = [{"label": str(k), "value": int(v)} for k, v in counted.head(THEMES_LISTED).items()]
        if len(counted) > THEMES_LISTED:
            lines.append({"label": "Autres thèmes", "value": int(counted.iloc[THEMES_LISTED:].sum())})
    count = int(keep.sum())
    kind = "associations en activité" if active is not None else "associations"
    return B.Block("associations", "Associations par thème", lines=lines,
                   text=f"{number(count)} {kind} ont leur siège {at_place(place.commune_name)}, sur "
                        f"{number(found.figures.metropole.get('associations'))} dans la Métropole.",
                   note=None if theme is not None else "Le répertoire ne donne pas le thème des associations.",
                   link=(B.dataset_link(dataset, B._commune_refine(dataset, table, place)),
                         f"Le répertoire des associations de {place.commune_name}"))


def commune_path(code: str) -> str:
    return f"{PATH}/{code}"
