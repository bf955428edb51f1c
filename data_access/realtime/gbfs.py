"""GBFS (https://gbfs.org, version 2.3 as Lovélo publishes it) read as the pages need it: the discovery file's
feeds, and each station's bikes and free docks now. The counts are given as the feed gives them: Lovélo's bikes
plus docks differ from a station's capacity on some stations, and the pages say the feed's numbers, never a
capacity minus bikes. A file that is not GBFS raises FeedError."""
from __future__ import annotations

import json
from dataclasses import dataclass

from data_access.realtime.gtfs_rt import FeedError


@dataclass(frozen=True)
class StationStatus:
    bikes: int | None  # num_bikes_available
    docks: int | None  # num_docks_available
    installed: bool
    renting: bool
    returning: bool
    reported: int | None  # last_reported, POSIX seconds

    @property
    def in_service(self) -> bool:
        return self.installed and (self.renting or self.returning)


def _data(body: bytes, what: str) -> dict:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError(f"fichier GBFS illisible ({what} : {type(exc).__name__})") from None
    if not isinstance(document, dict) or not isinstance(document.get("data"), dict):
        raise FeedError(f"fichier GBFS sans « data » ({what})")
    return document["data"]


def discovery(body: bytes) -> dict[str, str]:
    """The feeds a `gbfs.json` lists (name -> URL), in French when it has French, else its first language."""
    data = _data(body, "gbfs.json")
    languages = [k for k, v in data.items() if isinstance(v, dict) and isinstance(v.get("feeds"), list)]
    if not languages:
        raise FeedError("gbfs.json ne liste aucun flux")
    chosen = next((k for k in languages if k.lower().startswith("fr")), languages[0])
    return {f["name"]: f["url"] for f in data[chosen]["feeds"] if isinstance(f, dict) and isinstance(
        f.get("name"), str) and isinstance(f.get("url"), str) and f["url"].startswith(("https://", "http://"))}


def _count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def station_status(body: bytes) -> dict[str, StationStatus]:
    """Each station's status, by its id (a string, as `station_information` writes it)."""
    stations = _data(body, "station_status").get("stations")
    if not isinstance(stations, list):
        raise FeedError("station_status sans liste de stations")
    found = {}
    for station in stations:
        if not isinstance(station, dict) or station.get("station_id") is None:
            continue
        found[str(station["station_id"])] = StationStatus(
            bikes=_count(station.get("num_bikes_available")), docks=_count(station.get("num_docks_available")),
            installed=station.get("is_installed", True) in (True, 1),
            renting=station.get("is_renting", True) in (True, 1),
            returning=station.get("is_returning", True) in (True, 1),
            reported=_count(station.get("last_reported")))
    return found
