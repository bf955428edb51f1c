"""The Travaux dashboard's charts: budget per type, starts and ends per month, the timeline and progress, with
their summaries in words."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_access.french import format_int
from data_access.readers.base import Table
from features.travaux.data import (IN_PROGRESS, LATE_PROGRESS_MARGIN, PROGRAMMED, SUSPENDED, Roles, elapsed_share,
                                   is_late, money, site_titles, status_on)

BUDGET_SERIES = {"budget_planned": "prévu", "budget_committed": "engagé"}


def budget_summary(data: pd.DataFrame) -> str:
    if data.empty:
        return "Aucun budget à représenter pour ces filtres."
    planned = data[data["series"] == "prévu"].set_index("x")["value"]
    committed = data[data["series"] == "engagé"].set_index("x")["value"]
    top = planned.head(3) if not planned.empty else committed.head(3)
    parts = [f"{kind} {money(value)}" + (f" (engagé {money(committed[kind])})" if kind in committed and not planned.empty
                                          else "") for kind, value in top.items()]
    total = f"Au total, {money(planned.sum())} prévus et {money(committed.sum())} engagés. " if not planned.empty and \
        not committed.empty else ""
    return f"{total}Les types les plus coûteux : {', '.join(parts)}."


def monthly_summary(data: pd.DataFrame) -> str:
    if data.empty:
        return "Aucun chantier commencé ou terminé pour ces filtres."
    starts = data[data["series"] == "commencés"].set_index("x")["value"]
    text = (f"De {data['x'].min()} à {data['x'].max()}, {format_int(starts.sum())} chantiers ont commencé ; "
            f"le mois le plus chargé est {starts.idxmax()} ({format_int(starts.max())} débuts).") if not starts.empty else ""
    ends = data[data["series"] == "terminés"]["value"]
    if not ends.empty:
        text += f" {format_int(ends.sum())} chantiers se sont terminés sur la période."
    return text.strip()


GANTT_SITES = 30  # a timeline stays readable with this many bars: the running sites due soonest come first


def schedule(table: Table, roles: Roles, positions: np.ndarray, reference: dt.date,
             data_date: dt.date | None = None) -> pd.DataFrame:
    """One row per selected site: title, start, planned end, status and lateness on the reference date, the
    elapsed share of its planned duration and its progress (when known)."""
    rows = table.frame.index[positions]
    frame = table.frame.loc[rows]
    data = pd.DataFrame({
        "title": site_titles(table, roles).loc[rows],
        "start": frame[roles["start_date"]],
        "planned_end": frame[roles["planned_end_date"]],
        "status": status_on(table, roles, reference, data_date).loc[rows],
        "late": is_late(table, roles, reference, data_date).loc[rows],
        "elapsed": elapsed_share(table, roles, reference).loc[rows],
        "progress": frame[roles["progress"]].astype("float") if roles["progress"] else np.nan,
    })
    return data.reset_index(drop=True)


def gantt_sites(data: pd.DataFrame) -> pd.DataFrame:
    """The sites of the timeline: running ones (late first), then the next to start, at most GANTT_SITES."""
    running = data[data["status"].isin([IN_PROGRESS, SUSPENDED])].sort_values(["late", "planned_end"],
                                                                              ascending=[False, True])
    upcoming = data[data["status"].eq(PROGRAMMED)].sort_values("start")
    return pd.concat([running, upcoming]).head(GANTT_SITES).dropna(subset=["start", "planned_end"])


def gantt_summary(sites: pd.DataFrame, total: int, reference: dt.date, late_known: bool = True) -> str:
    if sites.empty:
        return "Aucun chantier en cours ou à venir pour ces filtres."
    late = f" : {format_int(sites['late'].sum())} en retard, marqués par des hachures" if late_known else \
        " (le retard n'est pas connu : ni fin réelle, ni statut, ni avancement dans les données)"
    first_end = sites.loc[~sites["status"].eq(PROGRAMMED), "planned_end"].min()
    ending = f" La première fin prévue est le {first_end:%d/%m/%Y}." if pd.notna(first_end) else ""
    count = f"{format_int(len(sites))} chantier{'s' if len(sites) > 1 else ''}"
    return (f"Calendrier de {count} sur {format_int(total)} (en cours puis à venir), situation au "
            f"{reference:%d/%m/%Y}{late}.{ending}")


def progress_summary(data: pd.DataFrame) -> str:
    known = data[data["status"].isin([IN_PROGRESS, SUSPENDED]) & data["progress"].notna() & data["elapsed"].notna()]
    if known.empty:
        return "Aucun chantier en cours avec un avancement connu pour ces filtres."
    behind = known[known["elapsed"] - known["progress"] > LATE_PROGRESS_MARGIN]
    sites = f"{format_int(len(known))} chantier{'s' if len(known) > 1 else ''} en cours"
    has = "ont" if len(behind) > 1 else "a"
    return (f"{sites}, dont {format_int(known['late'].sum())} en retard : {format_int(len(behind))} {has} un "
            f"avancement inférieur de plus de {LATE_PROGRESS_MARGIN} points à la part de la durée écoulée (sous "
            "la ligne pointillée), les autres ont dépassé leur fin prévue ; "
            f"en moyenne, {known['progress'].mean():.0f} % réalisés pour {known['elapsed'].mean():.0f} % du temps "
            "écoulé.").replace(" %", "\u202f%")
