"""The Travaux map: each site's class (status or late) and size (budget) for the browser's styling, the legend's
words, and the card a click opens."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_access.derived import derived
from data_access.readers.base import Table
from data_access.readers.derived import safe_link
from features.travaux.data import (FINISHED, IN_PROGRESS, PROGRAMMED, SUSPENDED, Roles, _day, elapsed_share, is_late,
                                   money, site_titles, status_on)

STATUS_CODES = {PROGRAMMED: "p", IN_PROGRESS: "c", FINISHED: "t", SUSPENDED: "s"}
LATE_CODE = "r"
# Each class on the map: its letter, its name, how lines and points show it, and the point's mark (the same as
# in assets/carte.js, which also gives each class its colour).
MAP_LEGEND = (("c", "en cours, dans les temps", "trait plein, rond", "\u25CF"), ("r", "en retard", "tiret-point, triangle", "\u25B2"),
              ("p", "programmé", "pointillés, rond vide", "\u25CB"), ("s", "suspendu", "tirets courts, carré", "\u25A0"),
              ("t", "terminé", "tirets longs, losange", "\u25C6"))


def status_codes(table: Table, roles: Roles, reference: dt.date, data_date: dt.date | None = None) -> str:
    """One letter per row of the table for the map's style: its status on the reference date, or r when late."""
    codes = status_on(table, roles, reference, data_date).map(STATUS_CODES).fillna("c")
    codes = codes.mask(is_late(table, roles, reference, data_date), LATE_CODE)
    return "".join(codes.tolist())


def class_counts(codes: str, positions) -> dict[str, int]:
    """How many of the selected rows fall in each map class (for the legend)."""
    counts = {code: 0 for code, *_ in MAP_LEGEND}
    for position in positions:
        counts[codes[position]] = counts.get(codes[position], 0) + 1
    return counts


SIZE_CLASSES = 4  # marks on the map come in this many sizes, by budget planned (0 when it is unknown)


def _nice(value: float) -> float:
    """A round amount near the value (1, 2 or 5 times a power of ten), for a legend a reader can take in."""
    power = 10 ** np.floor(np.log10(value))
    return float(min((1, 2, 5, 10), key=lambda step: abs(step * power - value)) * power)


def budget_sizes(table: Table, roles: Roles) -> tuple[str, list[float]]:
    """The map's mark sizes: one digit per row of the table (0 when the budget is unknown, else 1 to
    SIZE_CLASSES by budget planned) and the thresholds between the classes. The thresholds are round amounts near
    the quartiles of the whole table, so a site keeps its size under every filter. ("", []) without a budget."""
    column = roles["budget_planned"]
    if not column:
        return "", []
    return derived(("travaux-tailles", table.key, column), lambda: _sizes(table, column))


def _sizes(table: Table, column: str) -> tuple[str, list[float]]:
    budget = table.frame[column].astype("float")
    known = budget[budget > 0]
    thresholds = sorted({_nice(q) for q in known.quantile([0.25, 0.5, 0.75])}) if len(known) else []
    classes = np.searchsorted(np.asarray(thresholds, dtype=float), budget.fillna(0).to_numpy(), side="left") + 1
    classes = np.where(budget.gt(0).to_numpy(), classes, 0)
    return "".join(map(str, classes.tolist())), thresholds


def size_legend(thresholds: list[float]) -> list[str]:
    """The size classes in words, smallest first: « jusqu'à 100 k€ », « de 100 k€ à 500 k€ », « plus de 2 M€ »."""
    if not thresholds:
        return []
    words = [f"jusqu'à {money(thresholds[0])}"]
    words += [f"de {money(low)} à {money(high)}" for low, high in zip(thresholds, thresholds[1:])]
    return words + [f"plus de {money(thresholds[-1])}"]


def site_details(table: Table, roles: Roles, position: int, reference: dt.date,
                 data_date: dt.date | None = None) -> dict:
    """One site's card on the reference date: its roles' values (None when the role is missing or the value
    unknown), its status and lateness, and the elapsed share of its planned duration."""
    row = table.frame.iloc[position]

    def value(role: str):
        column = roles[role]
        item = row[column] if column else None
        return None if item is None or (not isinstance(item, str) and pd.isna(item)) else item

    name = table.role_field("commune_name")
    place = row[name.name] if name is not None and pd.notna(row[name.name]) else value("commune") or value("area")
    elapsed = elapsed_share(table, roles, reference).iloc[position]
    return {
        "title": site_titles(table, roles).iloc[position],
        "status": status_on(table, roles, reference, data_date).iloc[position],
        "late": bool(is_late(table, roles, reference, data_date).iloc[position]),
        "place": place, "type": value("type"), "owner": value("owner"), "description": value("description"),
        "start": value("start_date"), "planned_end": value("planned_end_date"), "actual_end": value("actual_end_date"),
        "progress": value("progress"), "elapsed": None if pd.isna(elapsed) else float(elapsed),
        "budget_planned": value("budget_planned"), "budget_committed": value("budget_committed"),
        "impact": value("traffic_impact"), "summary": value("summary"), "area": value("impact_area"),
        "link": safe_link(value("link")),
        # progress is known as of the data's date only: on an earlier reference date it is not shown
        "progress_known": bool(roles["progress"]) and (data_date is None or _day(reference) >= _day(data_date)),
    }
