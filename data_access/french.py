"""French formatting of numbers and dates for display (narrow no-break space between thousands)."""
from __future__ import annotations

import datetime as dt

from data_access.geometry.territoires import at_place

__all__ = ["at_place", "format_date", "format_int", "plural"]  # « à » is said by the data too

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
THIN_SPACE = "\u202f"


def format_int(value: int | float | None) -> str:
    if value is None:
        return "—"
    return f"{round(value):,}".replace(",", THIN_SPACE)


def format_date(value: dt.date | None) -> str:
    if value is None:
        return "date inconnue"
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{format_int(count)} {word}"
