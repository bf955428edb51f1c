"""French formatting of numbers and dates for display (narrow no-break space between thousands)."""
from __future__ import annotations

import datetime as dt
import re

from data_access.geometry.territoires import at_place

__all__ = ["at_place", "format_date", "format_int", "lower_bound", "natural_key", "plural", "points_gap"]  # « à » is said by the data too

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
THIN_SPACE = "\u202f"


def format_int(value: int | float | None) -> str:
    if value is None:
        return "—"
    return f"{round(value):,}".replace(",", THIN_SPACE)


def points_gap(value: float | None, reference: float | None, digits: int = 1) -> float | None:
    """`value` minus `reference` in points (of percentage), computed from the two values as they are shown, rounded
    to `digits` decimals: 5,8 % against 5,2 % is a gap of 0,6 point, whatever decimals lie behind them, so the
    subtraction a reader does reads true. The one way the portal computes a gap in points; None when either
    value is unknown."""
    if value is None or reference is None or value != value or reference != reference:
        return None
    return round(round(float(value), digits) - round(float(reference), digits), digits)


def lower_bound(text: str) -> int | None:
    """A class's lower bound, the first whole number in its name (« 05-09 », « de 5 à 9 ans » → 5, « 95et+ » → 95);
    « moins de 5 ans » starts at 0. None when the name has no number."""
    found = re.search(r"\d+", str(text))
    if found is None:
        return None
    before = str(text)[:found.start()].strip().lower()
    return 0 if before.endswith(("moins de", "<", "under", "less than")) else int(found.group())


def natural_key(text) -> tuple:
    """Text in the order a reader expects: numbers by their value (« 5 à 9 » before « 10 à 14 »), letters without
    case or accents."""
    import unicodedata

    folded = "".join(c for c in unicodedata.normalize("NFD", str(text)) if unicodedata.category(c) != "Mn").lower()
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", folded) if part)


def format_date(value: dt.date | None) -> str:
    if value is None:
        return "date inconnue"
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{format_int(count)} {word}"
