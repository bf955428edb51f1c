"""The demo's live stand-in served by the app itself, in demo mode only (elsewhere these addresses are 404):
/demo/temps-reel/trip-updates.pb, vehicles.pb and alerts.pb (GTFS-RT, from the demo's network), and
station_status.json (GBFS, from the demo's bike stations), each made by demo_live.py for the current minute.
The demo's catalogue points its `[dataset.realtime]` here; the refresher reads them in-process (factory.py)."""
from __future__ import annotations

import logging

from flask import Response, jsonify

from components.portal import current_portal
from data_access.clock import now_paris
from data_access.errors import DatasetUnavailable

log = logging.getLogger(__name__)
PREFIX = "/demo/temps-reel"
GTFS_RT = ("trip-updates.pb", "vehicles.pb", "alerts.pb")
GBFS = "station_status.json"
_MINUTE: dict = {}  # the last minute's answers of this process (one entry: older minutes are never asked again)


def _first(repository, wanted) -> object | None:
    return next((d for d in repository.catalogue.datasets if wanted(d)), None)


def serve(name: str):
    from features.transports import demo_live
    from features.transports.network import network

    repository = current_portal().repository
    moment = now_paris().replace(second=0, microsecond=0)  # one answer a minute, the same in every worker
    try:
        if name in GTFS_RT:
            dataset = _first(repository, lambda d: d.format == "gtfs" and d.realtime is not None)
            if dataset is None:
                return jsonify({"erreur": "aucun réseau GTFS de démonstration"}), 404
            key = (dataset.id, repository.version(dataset.id), moment.isoformat())
            made = _MINUTE.get(key)
            if made is None:  # two threads may both make it: the same bytes
                made = demo_live.answers(network(repository.table(dataset.id)), moment)
                _MINUTE.clear()
                _MINUTE[key] = made
            return Response(made[name], mimetype="application/x-protobuf")
        if name == GBFS:
            dataset = _first(repository, lambda d: d.realtime is not None and d.realtime.kind == "gbfs")
            if dataset is None:
                return jsonify({"erreur": "aucune station de démonstration"}), 404
            table = repository.table(dataset.id)
            ids, capacity = table.role_field("id"), table.role_field("docks")
            stations = list(zip(table.frame[ids.name].astype(str), table.frame[capacity.name].fillna(0).astype(int)))
            return Response(demo_live.station_status(stations, moment), mimetype="application/json")
    except DatasetUnavailable as exc:
        return jsonify({"erreur": f"données de démonstration indisponibles : {exc}"}), 503
    return jsonify({"erreur": f"flux de démonstration inconnu : « {name} »"}), 404


def register(server, settings) -> None:
    if settings.is_demo:
        server.add_url_rule(f"{PREFIX}/<name>", "temps_reel_demo", serve)


def local_get(server):
    """The refresher's fetch: the app's own paths (the demo's stand-in) answered in-process, any other address
    over the network."""
    from data_access.realtime import live
    from data_access.realtime.gtfs_rt import FeedError

    def get(url: str) -> bytes:
        if not url.startswith("/"):
            return live.fetch(url)
        answer = server.test_client().get(url)
        if answer.status_code != 200:
            raise FeedError(f"le flux a répondu {answer.status_code}")
        return answer.get_data()

    return get
