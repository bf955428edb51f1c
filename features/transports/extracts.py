"""The derived extracts of what the Transports page shows: a line's timetable and a stop's next departures."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access.clock import today_paris
from data_access.readers.base import Table
from features.transports.calendrier import clock, parse_clock, parse_day, service_day
from features.transports.network import Network, network
from features.transports.timetables import directions, next_departures, route_code, route_label, stop_group, timetable


class ExtractArgumentError(ValueError):
    """A parameter of a derived extract that cannot be used (the message is French and names it)."""


def _extract_day(net: Network, args) -> dt.date:
    day = parse_day(args.get("date"))
    if args.get("date") and day is None:
        raise ExtractArgumentError(f"date : « {args.get('date')} » n'est pas une date AAAA-MM-JJ")
    return service_day(net, day or today_paris())[0]


def timetable_extract(table: Table, args, live=None) -> tuple[Table, tuple[str, ...]]:
    """The timetable a page shows (ligne=, sens=, date=), as a table: one row per stop, one column per trip."""
    from data_access.readers.base import FieldInfo

    net = network(table)
    route = route_code(net, args.get("ligne"))
    if route is None:
        raise ExtractArgumentError(f"ligne : « {args.get('ligne', '')} » n'est pas une ligne de ce réseau")
    try:
        direction = int(args.get("sens", 0))
    except ValueError:
        raise ExtractArgumentError(f"sens : « {args.get('sens')} » n'est pas 0 ou 1") from None
    if direction not in dict(directions(net, route)):
        raise ExtractArgumentError(f"sens : la ligne n'a pas de sens « {direction} »")
    day = _extract_day(net, args)
    grid = timetable(net, route, direction, day)
    columns = {"arret": grid.stops["name"].tolist()}
    fields = [FieldInfo("arret", "Arrêt", "text")]
    cells = grid.cells()
    for k, start in enumerate(grid.starts):
        name = f"depart_{k + 1}"
        columns[name] = [row[k] for row in cells]
        fields.append(FieldInfo(name, f"Départ {k + 1} ({clock(start)})", "text"))
    heading = dict(directions(net, route)).get(direction, f"sens {direction}")
    filters = (f"Ligne {route_label(net, route)}, {heading}", f"Jour de service : {day:%d/%m/%Y}")
    return Table(frame=pd.DataFrame(columns), fields=tuple(fields)), filters


def departures_extract(table: Table, args, live=None) -> tuple[Table, tuple[str, ...]]:
    """The next departures a page shows (arret=, date=, heure=), as a table, with what real time says of each
    (`live`: a function of the network giving live.LiveNetwork, or None): the expected time, the delay, whether it
    is real time, « supprimé »."""
    from data_access.readers.base import FieldInfo
    from features.transports.live import with_live

    net = network(table)
    stops = stop_group(net, str(args.get("arret", "")))
    if not len(stops):
        raise ExtractArgumentError(f"arret : « {args.get('arret', '')} » n'est pas un arrêt de ce réseau")
    after = parse_clock(args.get("heure", "00:00"))
    if after is None:
        raise ExtractArgumentError(f"heure : « {args.get('heure')} » n'est pas une heure HH:MM")
    day = _extract_day(net, args)
    data = with_live(net, next_departures(net, stops, day, after, limit=200), live(net) if live else None, day)
    frame = pd.DataFrame({"heure": [clock(t) for t in data["time"]],
                          "ligne": net.routes["name"].to_numpy()[data["route"].to_numpy()],
                          "direction": data["headsign"].to_numpy(),
                          "heure_theorique": [clock(t) for t in data["time"]],
                          "heure_prevue": [clock(e) for e in data["expected"]],
                          "retard_minutes": pd.array(data["delay"].tolist(), dtype="Int64"),
                          "temps_reel": data["realtime"].astype(bool).to_numpy(),
                          "statut": data["status"].to_numpy()})
    fields = (FieldInfo("heure", "Heure", "text"), FieldInfo("ligne", "Ligne", "text"),
              FieldInfo("direction", "Direction", "text"),
              FieldInfo("heure_theorique", "Heure théorique", "text"),
              FieldInfo("heure_prevue", "Heure prévue (temps réel compris)", "text"),
              FieldInfo("retard_minutes", "Retard (minutes)", "int"),
              FieldInfo("temps_reel", "Temps réel", "boolean"), FieldInfo("statut", "Statut", "text"))
    name = net.stops.at[int(stops[0]), "name"]
    return Table(frame=frame, fields=fields), (f"Arrêt {name}", f"Jour de service : {day:%d/%m/%Y}",
                                               f"Départs à partir de {clock(after)}")


EXTRACT_VIEWS = {"horaires": timetable_extract, "departs": departures_extract}
