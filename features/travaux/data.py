"""The Travaux dashboard's logic: fields found by role, status replayed at a reference date, lateness, key figures.

Every definition a citizen reads on the dashboard is written here once, with the constants it uses.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import pandas as pd

from data_access.derived import derived
from data_access.query import fold, fold_text
from data_access.readers.base import Roles as BaseRoles
from data_access.readers.base import Table

ROLES = ("id", "title", "summary", "description", "commune", "commune_name", "area", "impact_area", "type", "owner", "status",
         "start_date", "planned_end_date", "actual_end_date", "progress", "budget_planned", "budget_committed",
         "traffic_impact", "link")
PROGRAMMED, IN_PROGRESS, FINISHED, SUSPENDED = "programmé", "en cours", "terminé", "suspendu"
# A site is late when its progress is behind the share of its planned duration already elapsed by more than this
# many points (progress is only known as of the data's date, so this rule applies from that date on).
LATE_PROGRESS_MARGIN = 20
UPCOMING_DAYS = 30

DEFINITIONS = {
    "in_progress": "chantiers commencés et pas encore terminés à la date de situation",
    "upcoming": f"chantiers qui commencent dans les {UPCOMING_DAYS} jours suivant la date de situation",
    "finished_this_year": "chantiers terminés depuis le 1er janvier de l'année de la date de situation",
    "late": ("chantiers en cours dont la fin prévue est dépassée, ou dont l'avancement a plus de "
             f"{LATE_PROGRESS_MARGIN} points de retard sur la part de la durée prévue déjà écoulée"),
    "budget": "budget prévu et budget engagé des chantiers sélectionnés",
    "weighted_progress": "avancement moyen des chantiers, chacun pesant son budget prévu",
    "end_moved": ("chantiers dont la fin prévue a changé dans les données reçues ce mois-là, jusqu'à la date de "
                  "situation"),
}


DATE_ROLES = ("start_date", "planned_end_date", "actual_end_date")
NUMBER_ROLES = ("progress", "budget_planned", "budget_committed")


@dataclass(frozen=True)
class Roles(BaseRoles):
    """The columns that play each role in a works dataset (None when no field declares it). A date role whose
    field was not read as dates (values like « à définir ») is not used: `not_dates` names it; nor is an amount or
    a progress whose field was not read as numbers (`not_numbers`)."""

    not_dates: tuple[str, ...] = ()
    not_numbers: tuple[str, ...] = ()

    def why_missing(self, role: str) -> str:
        """Why a declared role is not used, in words."""
        return "son champ n'est pas lu comme des nombres" if role in self.not_numbers else \
            "son champ n'est pas lu comme des dates"

    @property
    def missing_required(self) -> list[str]:
        """What the dashboard cannot do without: dates, and a place (a geometry, a commune's code or name, or an
        area)."""
        missing = [r + (f" ({self.why_missing(r)})" if r in self.not_dates else "")
                   for r in ("start_date", "planned_end_date") if not self.columns.get(r)]
        if not any(self.columns.get(r) for r in ("geometry", "commune", "commune_name", "area")):
            missing.append("geometry")
        return missing


def period_params(roles: Roles) -> tuple[str, str] | None:
    """A period keeps the sites started by its end and not planned to end before its start. In the filter
    grammar: a lower bound on the planned end and an upper bound on the start. (A site running late, past its
    planned end, is not kept by a period after that end: the grammar cannot say « or not finished ».)"""
    if roles.missing_required:
        return None
    return f"from.{roles['planned_end_date']}", f"to.{roles['start_date']}"


def late_is_known(roles: Roles) -> bool:
    """Lateness needs more than planned dates: without an actual end, a status or a progress, a site's end is
    taken to be its planned end, so no site could ever be found late (and saying « 0 en retard » would mislead)."""
    return bool(roles["actual_end_date"] or roles["status"] or roles["progress"])


def find_roles(table: Table) -> Roles:
    columns = dict(Roles.of(table, ROLES).columns)
    not_dates = tuple(r for r in DATE_ROLES if r in columns and not table.field(columns[r]).is_temporal)
    not_numbers = tuple(r for r in NUMBER_ROLES if r in columns and not table.field(columns[r]).is_numeric)
    for role in (*not_dates, *not_numbers):
        del columns[role]
    geometry = table.geometry_field
    if geometry is not None:
        columns["geometry"] = geometry.name
    return Roles(columns, not_dates, not_numbers)


def site_titles(table: Table, roles: Roles) -> pd.Series:
    """What a reader calls each site: its title; without one, its type of works and its reference (an id alone
    means nothing to a citizen); else its reference, else its row number."""
    frame = table.frame
    if roles["title"]:
        return frame[roles["title"]].astype("str").where(frame[roles["title"]].notna(), "Chantier sans titre")
    numbers = pd.Series([f"n° {i + 1}" for i in range(len(frame))], index=frame.index)
    reference = frame[roles["id"]].astype("str").where(frame[roles["id"]].notna(), numbers) if roles["id"] else numbers
    if roles["type"]:
        kind = frame[roles["type"]]
        return (kind.astype("str") + " — " + reference).where(kind.notna(), "Chantier " + reference)
    return "Chantier " + reference


def _day(value: dt.date | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _per_reference_date(compute):
    """Kept per table version and reference date (data_access.derived): one page asks several times."""
    @functools.wraps(compute)
    def cached(table: Table, roles: Roles, reference: dt.date, data_date: dt.date | None = None) -> pd.Series:
        key = (f"travaux-{compute.__name__}", table.key, tuple(sorted(roles.columns.items())), _day(reference),
               data_date and _day(data_date))
        return derived(key, lambda: compute(table, roles, reference, data_date))
    return cached


@_per_reference_date
def status_on(table: Table, roles: Roles, reference: dt.date, data_date: dt.date | None = None) -> pd.Series:
    """Each site's status on the reference date, replayed from its dates.

    - not started yet (start after the reference date): programmé;
    - ended on or before the reference date (actual end, else the planned end when the data has no actual end
      and no status): terminé; a site the data declares « terminé » without an actual end date: terminé;
    - otherwise en cours, or suspendu when the data says so and the reference date is the data's own date or
      later (a past suspension is not known: on an earlier date the site shows as en cours).
    """
    frame = table.frame
    ref = _day(reference)
    start = frame[roles["start_date"]]
    end = frame[roles["actual_end_date"]] if roles["actual_end_date"] else None
    if end is None and not roles["status"]:
        end = frame[roles["planned_end_date"]]
    declared = declared_status(table, roles)
    known_now = data_date is None or ref >= _day(data_date)  # a declared status is known as of the data's date
    status = pd.Series(IN_PROGRESS, index=frame.index, dtype="str")
    if declared is not None and known_now:
        status = status.mask(declared.eq(fold(SUSPENDED)), SUSPENDED)
    if end is not None:
        status = status.mask(end.notna() & (end <= ref), FINISHED)
    if declared is not None:
        # where no actual end date is known (no such field, or an empty one), the declared status is all we know
        # of which sites are finished: it wins, row by row, from the data's date on; before it, the site is taken
        # to have ended at its planned end
        no_end = end.isna() if end is not None else pd.Series(True, index=frame.index)
        finished = no_end & declared.eq(fold(FINISHED))
        if not known_now:
            planned = frame[roles["planned_end_date"]]
            finished &= planned.notna() & (planned <= ref)
        status = status.mask(finished, FINISHED)
    status = status.mask(start.notna() & (start > ref), PROGRAMMED)
    return status


def declared_status(table: Table, roles: Roles) -> pd.Series | None:
    """The status the data declares, compared without accents, case or spaces (« Terminé », « TERMINE »)."""
    if not roles["status"]:
        return None
    return fold_text(table.frame[roles["status"]]).str.strip()


def elapsed_share(table: Table, roles: Roles, reference: dt.date) -> pd.Series:
    """The share (0-100) of each site's planned duration elapsed on the reference date."""
    frame = table.frame
    start, end = frame[roles["start_date"]], frame[roles["planned_end_date"]]
    duration = (end - start).dt.days.astype("float")
    elapsed = (_day(reference) - start).dt.days.astype("float")
    share = (100 * elapsed / duration.where(duration > 0)).clip(0, 100)
    return share.where(start.notna() & end.notna())


@_per_reference_date
def is_late(table: Table, roles: Roles, reference: dt.date, data_date: dt.date | None = None) -> pd.Series:
    """Late on the reference date: in progress (or suspended) past its planned end, or, from the data's own
    date on, with progress behind the elapsed share of its planned duration by more than the margin."""
    status = status_on(table, roles, reference, data_date)
    running = status.isin([IN_PROGRESS, SUSPENDED])
    planned_end = table.frame[roles["planned_end_date"]]
    late = running & planned_end.notna() & (planned_end < _day(reference))
    if roles["progress"] and (data_date is None or _day(reference) >= _day(data_date)):
        progress = table.frame[roles["progress"]].astype("float")
        behind = elapsed_share(table, roles, reference) - progress > LATE_PROGRESS_MARGIN
        late |= running & behind.fillna(False)
    return late.astype(bool)


@dataclass(frozen=True)
class KeyFigures:
    sites: int
    in_progress: int
    upcoming: int
    finished_this_year: int
    late: int
    budget_planned: float | None  # None when the role is missing
    budget_committed: float | None
    weighted_progress: float | None  # percent


def money(value: float) -> str:
    """An amount in euros the French way: 12,3 M€, 850 k€, 900 €."""
    if value >= 1e6:
        return f"{value / 1e6:,.1f} M€".replace(",", "\u202f").replace(".", ",")
    if value >= 1e4:
        return f"{value / 1e3:,.0f} k€".replace(",", "\u202f")
    return f"{value:,.0f} €".replace(",", "\u202f")
