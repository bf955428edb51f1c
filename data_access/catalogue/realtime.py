"""A catalogue entry's `[dataset.realtime]`: the live feeds beside a dataset's static data, fetched once per `ttl`
for every worker and host (data_access/realtime), never by a page.

- `kind = "gtfs-rt"` on a GTFS dataset: `trip_updates`, `vehicle_positions` and `alerts` (any of them, protobuf
  URLs); how the feed's ids meet the static ones: `strip_prefix = true` (the static ids are prefixed by their
  operator, « TCAR:90 », the feed's are not) or `id_prefix = "TCAR:"` (the feed's ids get it); and
  `unreliable_routes`, the lines whose « real time » is known to replay the timetable (their short names).
- `kind = "gbfs"` on a stations dataset: `url`, the GBFS discovery file (`gbfs.json`) or `station_status` itself.

`ttl` (seconds, default 30) is how often a feed is fetched."""
from __future__ import annotations

from dataclasses import dataclass

from data_access.catalogue.checks import check_keys, choice, fail, required

REALTIME_KINDS = ("gtfs-rt", "gbfs")
GTFS_RT_FEEDS = ("trip_updates", "vehicle_positions", "alerts")
DEFAULT_TTL = 30
MIN_TTL, MAX_TTL = 5, 3600
_KEYS = {"kind": str, "trip_updates": str, "vehicle_positions": str, "alerts": str, "url": str, "ttl": int,
         "strip_prefix": bool, "id_prefix": str, "unreliable_routes": list}


@dataclass(frozen=True)
class Realtime:
    kind: str
    feeds: tuple[tuple[str, str], ...]  # (name, URL): GTFS_RT_FEEDS' names, or « gbfs »
    ttl: int = DEFAULT_TTL
    strip_prefix: bool = False
    id_prefix: str = ""
    unreliable_routes: tuple[str, ...] = ()

    def url(self, name: str) -> str | None:
        return dict(self.feeds).get(name)


def parse_realtime(raw: dict, dataset_id: str, dataset_format: str, demo: bool = False) -> Realtime:
    """The entry's live feeds; a demo's may be the app's own paths (« /demo/temps-reel/… », its stand-in)."""
    check_keys(raw, _KEYS, dataset_id, prefix="realtime.")
    kind = choice(required(raw, "kind", dataset_id, "realtime."), REALTIME_KINDS, dataset_id, "realtime.kind")
    if kind == "gtfs-rt":
        if dataset_format != "gtfs":
            raise fail(dataset_id, "realtime.kind", "« gtfs-rt » complète un jeu de données au format gtfs")
        feeds = tuple((name, raw[name]) for name in GTFS_RT_FEEDS if raw.get(name))
        if not feeds:
            raise fail(dataset_id, "realtime", "au moins un flux est attendu : " + ", ".join(GTFS_RT_FEEDS))
        wrong = [k for k in ("url",) if k in raw]
    else:
        feeds = (("gbfs", required(raw, "url", dataset_id, "realtime.")),)
        wrong = [k for k in (*GTFS_RT_FEEDS, "strip_prefix", "id_prefix", "unreliable_routes") if k in raw]
    if wrong:
        raise fail(dataset_id, f"realtime.{wrong[0]}", f"sans objet pour kind = \"{kind}\"")
    for name, url in feeds:
        if not url.startswith(("https://", "http://")) and not (demo and url.startswith("/")):
            raise fail(dataset_id, f"realtime.{'url' if name == 'gbfs' else name}", "une adresse http(s):// est "
                                                                                    "attendue")
    ttl = raw.get("ttl", DEFAULT_TTL)
    if not MIN_TTL <= ttl <= MAX_TTL:
        raise fail(dataset_id, "realtime.ttl", f"un nombre de secondes de {MIN_TTL} à {MAX_TTL} est attendu")
    if raw.get("strip_prefix") and raw.get("id_prefix"):
        raise fail(dataset_id, "realtime.id_prefix", "l'un ou l'autre : strip_prefix ou id_prefix")
    routes = raw.get("unreliable_routes", [])
    if not all(isinstance(r, str) and r.strip() for r in routes):
        raise fail(dataset_id, "realtime.unreliable_routes", "une liste de noms courts de lignes (« F6 », « 13 ») "
                                                             "est attendue")
    return Realtime(kind, feeds, ttl, bool(raw.get("strip_prefix")), raw.get("id_prefix", ""),
                    tuple(r.strip() for r in routes))
