"""The service of a date on a GTFS feed: which services and trips run, the day a page shows, and GTFS times as
the clock at the stop shows them."""
from __future__ import annotations

import datetime as dt

import numpy as np

from data_access.clock import PARIS
from features.transports.network import Network, _memo

DAY = 86_400
NO_TIME = np.iinfo(np.int64).min  # a clock time that is not known (a wall-clock time may be negative: see wall_seconds)


def active_services(net: Network, day: dt.date) -> np.ndarray:
    """True for each service running on the day: calendar.txt's weekdays within its dates, then
    calendar_dates.txt's additions (1) and removals (2)."""
    moment = np.datetime64(day, "D")
    active = net.calendar_days[:, day.weekday()] & (net.calendar_start <= moment) & (net.calendar_end >= moment)
    added, removed = net.exceptions.get(day, (np.array([], int), np.array([], int)))
    active[added] = True
    active[removed] = False
    return active


def active_trips(net: Network, day: dt.date) -> np.ndarray:
    return _memo(net, ("trips", day), lambda: active_services(net, day)[net.trips["service"].to_numpy()]
                 & (net.trips["service"].to_numpy() >= 0))


def service_day(net: Network, wanted: dt.date) -> tuple[dt.date, str | None]:
    """The day to show: the wanted one when the feed runs then, else the nearest day the feed covers, with a
    note saying so. A feed with no service at all keeps the wanted day, with a note."""
    if active_trips(net, wanted).any():
        return wanted, None
    if net.first_date is None or net.last_date is None:
        return wanted, "les calendriers du réseau ne donnent aucune date de service"
    outside = wanted < net.first_date or wanted > net.last_date
    # searched from the feed's nearest date of the same weekday: a day years away is no longer to walk
    anchor = min(max(wanted, net.first_date), net.last_date)
    anchor += dt.timedelta(days=(wanted.weekday() - anchor.weekday()) % 7)
    if anchor > net.last_date:
        anchor -= dt.timedelta(days=7)
    span = (net.last_date - net.first_date).days + 8
    if active_trips(net, anchor).any() and anchor != wanted:
        return anchor, _nearest_note(net, wanted, anchor, outside, "le même jour de la semaine le plus proche")
    # the same day of the week first (a Thursday stands for a Thursday), else the nearest day with a service
    for step, which in ((7, "le même jour de la semaine le plus proche"), (1, "le jour de service le plus proche")):
        for offset in range(step, span + step, step):
            for day in (anchor + dt.timedelta(days=offset), anchor - dt.timedelta(days=offset)):
                if net.first_date <= day <= net.last_date and active_trips(net, day).any():
                    return day, _nearest_note(net, wanted, day, outside, which)
    return wanted, "aucun service dans la période couverte par le réseau"


def _nearest_note(net: Network, wanted: dt.date, day: dt.date, outside: bool, which: str) -> str:
    why = (f"le {wanted:%d/%m/%Y} est hors de la période couverte par le réseau (du "
           f"{net.first_date:%d/%m/%Y} au {net.last_date:%d/%m/%Y})") if outside else \
        f"aucun service le {wanted:%d/%m/%Y}"
    return f"{why} : les horaires du {day:%d/%m/%Y}, {which}, sont affichés"


def clock(seconds: int) -> str:
    """A time of day as printed at the stop, from seconds after a date's midnight on the wall clock (wall_seconds;
    on all days but two a year, the GTFS time itself): 24:10:00 is « 00:10 », -00:30:00 (the evening before)
    « 23:30 »."""
    seconds = int(seconds) % DAY
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


# ---- GTFS times as clock times -------------------------------------------------------------------------------------
# A GTFS time counts from « noon minus 12 h » of its service day, not from midnight: on the day the clocks go forward
# (last Sunday of March in Europe/Paris) that is 23:00 the evening before, on the day they go back (last Sunday of
# October) 01:00, so that 08:00:00 is 08:00 on the clock either way, where midnight + 8 h would be 09:00 or 07:00.


def service_start(day: dt.date) -> dt.datetime:
    """The instant a service day's GTFS times count from: noon minus 12 h, in UTC."""
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=PARIS)
    return noon.astimezone(dt.timezone.utc) - dt.timedelta(hours=12)


def service_moment(day: dt.date, seconds: int) -> dt.datetime:
    """The moment a GTFS time of the service day stands for, in Europe/Paris (timezone-aware)."""
    return (service_start(day) + dt.timedelta(seconds=int(seconds))).astimezone(PARIS)


def wall_seconds(day: dt.date, seconds) -> np.ndarray:
    """GTFS times of the service day (-1: unknown) as the clock shows them: seconds after the day's midnight on the
    wall clock (past 24 h the next morning, below 0 the evening before); NO_TIME where unknown. The same numbers
    but on the days the clocks change, when the times on the other side of the change move by the hour."""
    seconds = np.asarray(seconds, dtype=np.int64)
    known = seconds >= 0
    result = np.where(known, seconds, NO_TIME)
    if not known.any():
        return result
    base = service_moment(day, 12 * 3600).utcoffset()  # noon's: the clock reads GTFS times as they are then
    times = seconds[known]
    # the offset changes twice a year: a look at each hour the times span tells whether it changes within them
    hours = range(int(times.min()) // 3600, int(times.max()) // 3600 + 2)
    if all(service_moment(day, h * 3600).utcoffset() == base for h in hours):
        return result
    minutes = np.unique(times // 60)
    shifts = np.array([(service_moment(day, m * 60).utcoffset() - base).total_seconds() for m in minutes.tolist()],
                      dtype=np.int64)  # the changes fall on whole minutes
    result[known] += shifts[np.searchsorted(minutes, times // 60)]
    return result


def parse_day(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text).strip()) if text not in (None, "") else None
    except ValueError:
        return None


def parse_clock(text) -> int | None:
    """« 8:05 », « 08:05 » or « 25:10 » (a time after midnight of the service day) -> seconds; None if invalid."""
    import re

    found = re.fullmatch(r"\s*(\d{1,2})[:h](\d{2})\s*", str(text or ""))
    if not found or int(found.group(2)) > 59 or int(found.group(1)) > 47:
        return None
    return int(found.group(1)) * 3600 + int(found.group(2)) * 60
