"""The portal's one clock: « now » and « today » as they are in Rouen (Europe/Paris), whatever the server's zone.

Every part that needs the present time reads it here, so a page, its extracts and the sync records agree on the
day, also between 22:00 and 24:00 UTC, when the server's date is still yesterday's. Tests freeze the clock by
replacing `utc_now` (`monkeypatch.setattr(clock, "utc_now", lambda: moment)`): the other functions read it at
each call.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utc_now() -> dt.datetime:
    """The present instant, timezone-aware (the only place that reads the system clock)."""
    return dt.datetime.now(dt.timezone.utc)


def now_paris() -> dt.datetime:
    """The present time in Europe/Paris, timezone-aware: its isoformat() carries the offset (+01:00 or +02:00)."""
    return utc_now().astimezone(PARIS)


def today_paris() -> dt.date:
    """Today's date in Europe/Paris."""
    return now_paris().date()


def stamp() -> str:
    """The present time as written into records and files: Europe/Paris, to the second, with its UTC offset."""
    return now_paris().isoformat(timespec="seconds")


def in_paris(moment: dt.datetime) -> dt.datetime:
    """A stored instant in Europe/Paris; a naive one (SQLite gives back what it was given, in UTC) is UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).astimezone(PARIS)
