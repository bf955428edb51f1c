"""French formatting of numbers and dates for display (narrow no-break space between thousands)."""
from __future__ import annotations

import datetime as dt

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


def at_place(name: str) -> str:
    """« à » and a commune's name, as French says it: « à Rouen », « au Petit-Quevilly », « aux Authieux-sur-le-
    Port-Saint-Ouen », « à La Bouille »."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name
