"""The Travaux dashboard's figures as pandas computed them over the whole table, before the engine counted them
in SQL (features/travaux/aggregates.py): the reference the SQL is proved equal to (test_travaux_sql.py), and the
definitions the hand-computed tests pin. The portal no longer uses it."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_access.readers.base import Table
from features.travaux.charts import BUDGET_SERIES
from features.travaux.data import (FINISHED, IN_PROGRESS, SUSPENDED, UPCOMING_DAYS, KeyFigures, Roles, _day, is_late,
                                   status_on)


def key_figures(table: Table, roles: Roles, positions: np.ndarray, reference: dt.date,
                data_date: dt.date | None = None) -> KeyFigures:
    """The dashboard's key figures for the selected rows, on the reference date."""
    rows = table.frame.index[positions]
    status = status_on(table, roles, reference, data_date).loc[rows]
    late = is_late(table, roles, reference, data_date).loc[rows]
    start = table.frame.loc[rows, roles["start_date"]]
    ref = _day(reference)
    upcoming = start.notna() & (start > ref) & (start <= ref + pd.Timedelta(days=UPCOMING_DAYS))
    finished_this_year = status.eq(FINISHED) & _end_in_year(table, roles, rows, ref.year)
    planned = table.frame.loc[rows, roles["budget_planned"]].astype("float") if roles["budget_planned"] else None
    committed = table.frame.loc[rows, roles["budget_committed"]].astype("float") if roles["budget_committed"] else None
    weighted = None
    if roles["progress"] and planned is not None:
        progress = table.frame.loc[rows, roles["progress"]].astype("float")
        known = progress.notna() & planned.notna() & (planned > 0)
        if known.any():
            weighted = float((progress[known] * planned[known]).sum() / planned[known].sum())
    return KeyFigures(
        sites=len(rows), in_progress=int(status.isin([IN_PROGRESS, SUSPENDED]).sum()), upcoming=int(upcoming.sum()),
        finished_this_year=int(finished_this_year.sum()), late=int(late.sum()),
        budget_planned=_total(planned), budget_committed=_total(committed),
        weighted_progress=weighted,
    )


def _total(values: pd.Series | None) -> float | None:
    """A sum of amounts, None when none is known (never « 0 € » for unknown budgets)."""
    if values is None or not values.notna().any():
        return None
    return float(values.sum())


def _end_in_year(table: Table, roles: Roles, rows, year: int) -> pd.Series:
    """Whether each site ended in the year: its actual end, else (no actual end known) its planned end."""
    end = table.frame.loc[rows, roles["planned_end_date"]]
    if roles["actual_end_date"]:
        actual = table.frame.loc[rows, roles["actual_end_date"]]
        end = actual.where(actual.notna(), end)
    return (end.dt.year == year).fillna(False).astype(bool)


def budget_by_type(table: Table, roles: Roles, positions: np.ndarray) -> pd.DataFrame:
    """Planned and committed budget per type of works: columns x (type), series (prévu/engagé), value."""
    present = [r for r in BUDGET_SERIES if roles[r]]
    if not roles["type"] or not present:
        return pd.DataFrame(columns=["x", "series", "value"])
    rows = table.frame.iloc[positions]
    sums = rows.groupby(rows[roles["type"]].astype("str"))[[roles[r] for r in present]].sum()
    sums = sums.sort_values(roles[present[0]], ascending=False, kind="stable")  # ties: in the types' order
    long = [{"x": kind, "series": BUDGET_SERIES[r], "value": float(sums.loc[kind, roles[r]])}
            for kind in sums.index for r in present]
    return pd.DataFrame(long, columns=["x", "series", "value"])


def monthly_starts_and_ends(table: Table, roles: Roles, positions: np.ndarray) -> pd.DataFrame:
    """Sites started and finished per month (x = YYYY-MM, series = commencés/terminés, value = count)."""
    rows = table.frame.iloc[positions]
    parts = {"commencés": rows[roles["start_date"]]}
    end_role = roles["actual_end_date"]
    if end_role:
        parts["terminés"] = rows[end_role]
    counts = []
    for name, dates in parts.items():
        months = dates.dropna().dt.strftime("%Y-%m").value_counts()
        counts += [{"x": month, "series": name, "value": int(n)} for month, n in months.items()]
    data = pd.DataFrame(counts, columns=["x", "series", "value"])
    return data.sort_values(["x", "series"], kind="stable").reset_index(drop=True)
