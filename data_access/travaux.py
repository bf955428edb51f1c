"""The Travaux dashboard's logic: fields found by role, status replayed at a reference date, lateness, key figures.

Every definition a citizen reads on the dashboard is written here once, with the constants it uses.
"""
from __future__ import annotations

import datetime as dt
import functools
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .readers.base import Roles as BaseRoles
from .readers.base import Table

ROLES = ("id", "title", "description", "commune", "area", "type", "owner", "status", "start_date",
         "planned_end_date", "actual_end_date", "progress", "budget_planned", "budget_committed", "traffic_impact")
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
}


class Roles(BaseRoles):
    """The columns that play each role in a works dataset (None when no field declares it)."""

    @property
    def missing_required(self) -> list[str]:
        """What the dashboard cannot do without: dates, and a place (a geometry, a commune or an area)."""
        missing = [r for r in ("start_date", "planned_end_date") if not self.columns.get(r)]
        if not (self.columns.get("geometry") or self.columns.get("commune") or self.columns.get("area")):
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
    roles = Roles.of(table, ROLES)
    geometry = table.geometry_field
    return Roles({**roles.columns, "geometry": geometry.name}) if geometry is not None else roles


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


MEMO_DATES = 8  # per table, the status and lateness of this many reference dates are kept
_MEMO_LOCK = threading.Lock()  # the app's threads share the tables


def _per_reference_date(compute):
    """Memoised per table (a loaded table never changes) and per reference date: one page asks several times."""
    @functools.wraps(compute)
    def cached(table: Table, roles: Roles, reference: dt.date, data_date: dt.date | None = None) -> pd.Series:
        key = (tuple(sorted(roles.columns.items())), _day(reference), data_date and _day(data_date))
        with _MEMO_LOCK:
            memo = table.extra.setdefault(f"travaux:{compute.__name__}", {})
            found = memo.get(key)
        if found is None:
            found = compute(table, roles, reference, data_date)
            with _MEMO_LOCK:
                while len(memo) >= MEMO_DATES:
                    memo.pop(next(iter(memo)))
                memo[key] = found
        return found
    return cached


@_per_reference_date
def status_on(table: Table, roles: Roles, reference: dt.date, data_date: dt.date | None = None) -> pd.Series:
    """Each site's status on the reference date, replayed from its dates.

    - not started yet (start after the reference date): programmé;
    - ended on or before the reference date (actual end, else the planned end when the data has no actual end
      and no status): terminé;
    - otherwise en cours, or suspendu when the data says so and the reference date is the data's own date or
      later (a past suspension is not known: on an earlier date the site shows as en cours).
    """
    frame = table.frame
    ref = _day(reference)
    start = frame[roles["start_date"]]
    end = frame[roles["actual_end_date"]] if roles["actual_end_date"] else None
    if end is None and not roles["status"]:
        end = frame[roles["planned_end_date"]]
    status = pd.Series(IN_PROGRESS, index=frame.index, dtype="str")
    if roles["status"] and (data_date is None or ref >= _day(data_date)):
        declared = frame[roles["status"]].astype("str").str.strip().str.lower()
        status = status.mask(declared.eq(SUSPENDED), SUSPENDED)
    if end is not None:
        status = status.mask(end.notna() & (end <= ref), FINISHED)
    elif roles["status"]:
        # no end date at all: the declared status is all we know of which sites are finished
        declared = frame[roles["status"]].astype("str").str.strip().str.lower()
        status = status.mask(declared.eq(FINISHED), FINISHED)
    status = status.mask(start.notna() & (start > ref), PROGRAMMED)
    return status


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
    end_role = roles["actual_end_date"] or roles["planned_end_date"]
    end = table.frame.loc[rows, end_role]
    return (end.dt.year == year).fillna(False).astype(bool)


BUDGET_SERIES = {"budget_planned": "prévu", "budget_committed": "engagé"}


def budget_by_type(table: Table, roles: Roles, positions: np.ndarray) -> pd.DataFrame:
    """Planned and committed budget per type of works: columns x (type), series (prévu/engagé), value."""
    present = [r for r in BUDGET_SERIES if roles[r]]
    if not roles["type"] or not present:
        return pd.DataFrame(columns=["x", "series", "value"])
    rows = table.frame.iloc[positions]
    sums = rows.groupby(rows[roles["type"]].astype("str"))[[roles[r] for r in present]].sum()
    sums = sums.sort_values(roles[present[0]], ascending=False)
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


def money(value: float) -> str:
    """An amount in euros the French way: 12,3 M€, 850 k€, 900 €."""
    if value >= 1e6:
        return f"{value / 1e6:,.1f} M€".replace(",", "\u202f").replace(".", ",")
    if value >= 1e4:
        return f"{value / 1e3:,.0f} k€".replace(",", "\u202f")
    return f"{value:,.0f} €".replace(",", "\u202f")


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
    text = (f"De {data['x'].min()} à {data['x'].max()}, {int(starts.sum())} chantiers ont commencé ; "
            f"le mois le plus chargé est {starts.idxmax()} ({int(starts.max())} débuts).") if not starts.empty else ""
    ends = data[data["series"] == "terminés"]["value"]
    if not ends.empty:
        text += f" {int(ends.sum())} chantiers se sont terminés sur la période."
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
    late = f" : {int(sites['late'].sum())} en retard, marqués par des hachures" if late_known else \
        " (le retard n'est pas connu : ni fin réelle, ni statut, ni avancement dans les données)"
    first_end = sites.loc[~sites["status"].eq(PROGRAMMED), "planned_end"].min()
    ending = f" La première fin prévue est le {first_end:%d/%m/%Y}." if pd.notna(first_end) else ""
    return (f"Calendrier de {len(sites)} chantiers sur {total} (en cours puis à venir), situation au "
            f"{reference:%d/%m/%Y}{late}.{ending}")


def progress_summary(data: pd.DataFrame) -> str:
    known = data[data["status"].isin([IN_PROGRESS, SUSPENDED]) & data["progress"].notna() & data["elapsed"].notna()]
    if known.empty:
        return "Aucun chantier en cours avec un avancement connu pour ces filtres."
    behind = known[known["elapsed"] - known["progress"] > LATE_PROGRESS_MARGIN]
    sites = f"{len(known)} chantier{'s' if len(known) > 1 else ''} en cours"
    has = "ont" if len(behind) > 1 else "a"
    return (f"{sites}, dont {int(known['late'].sum())} en retard : {len(behind)} {has} un "
            f"avancement inférieur de plus de {LATE_PROGRESS_MARGIN} points à la part de la durée écoulée (sous "
            "la ligne pointillée), les autres ont dépassé leur fin prévue ; "
            f"en moyenne, {known['progress'].mean():.0f} % réalisés pour {known['elapsed'].mean():.0f} % du temps "
            "écoulé.").replace(" %", "\u202f%")


STATUS_CODES = {PROGRAMMED: "p", IN_PROGRESS: "c", FINISHED: "t", SUSPENDED: "s"}
LATE_CODE = "r"
# Each class on the map: its letter, its name, how lines and points show it, and the point's mark (the same as
# in assets/carte.js, which also gives each class its colour).
MAP_LEGEND = (("c", "en cours", "trait plein, rond", "\u25CF"), ("r", "en retard", "tiret-point, triangle", "\u25B2"),
              ("p", "programmé", "pointillés, rond vide", "\u25CB"), ("s", "suspendu", "tirets courts, carré", "\u25A0"),
              ("t", "terminé", "tirets longs, losange", "\u25C6"))


def status_codes(table: Table, roles: Roles, reference: dt.date, data_date: dt.date | None = None) -> str:
    """One letter per row of the table for the map's style: its status on the reference date, or r when late."""
    codes = status_on(table, roles, reference, data_date).map(STATUS_CODES).fillna("c")
    codes = codes.mask(is_late(table, roles, reference, data_date), LATE_CODE)
    return "".join(codes.tolist())


def in_my_commune(table: Table, roles: Roles, commune: str, reference: dt.date,
                  data_date: dt.date | None = None) -> pd.DataFrame:
    """A citizen's view: the sites of one commune (or area) running now or starting within UPCOMING_DAYS,
    those with a traffic impact first, then by start date. Columns: title, start, planned_end, status, late,
    impact (None when the role is missing)."""
    place = roles["commune"] or roles["area"]
    frame = table.frame
    here = frame[place].astype("str").eq(commune) if place else pd.Series(False, index=frame.index)
    # a commune name role is shown to people: match it too when the place is a code
    name_role = table.role_field("commune_name")
    if name_role is not None:
        here |= frame[name_role.name].astype("str").eq(commune)
    status = status_on(table, roles, reference, data_date)
    start = frame[roles["start_date"]]
    ref = _day(reference)
    soon = status.eq(PROGRAMMED) & (start <= ref + pd.Timedelta(days=UPCOMING_DAYS))
    keep = here & (status.isin([IN_PROGRESS, SUSPENDED]) | soon)
    impact = frame[roles["traffic_impact"]].astype("str") if roles["traffic_impact"] else None
    data = pd.DataFrame({
        "title": site_titles(table, roles),
        "start": start, "planned_end": frame[roles["planned_end_date"]], "status": status,
        "late": is_late(table, roles, reference, data_date),
        "impact": impact if impact is not None else None,
    })[keep]
    if impact is not None:
        disrupts = data["impact"].notna() & ~data["impact"].str.lower().isin(["aucun", "aucune", "nan", "none", ""])
    else:
        disrupts = pd.Series(False, index=data.index)
    return data.assign(disrupts=disrupts).sort_values(["disrupts", "start"], ascending=[False, True])


def commune_choices(table: Table, roles: Roles) -> list[str]:
    """The communes (or areas) a citizen can pick, by name when the data has names, in French order."""
    name_role = table.role_field("commune_name")
    column = name_role.name if name_role is not None else (roles["commune"] or roles["area"])
    if column is None:
        return []
    from .query import fold

    return sorted(table.frame[column].dropna().astype("str").unique(), key=fold)


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
    key = f"travaux_sizes:{column}"
    if key not in table.extra:
        budget = table.frame[column].astype("float")
        known = budget[budget > 0]
        thresholds = sorted({_nice(q) for q in known.quantile([0.25, 0.5, 0.75])}) if len(known) else []
        classes = np.searchsorted(np.asarray(thresholds, dtype=float), budget.fillna(0).to_numpy(), side="left") + 1
        classes = np.where(budget.gt(0).to_numpy(), classes, 0)
        table.extra[key] = ("".join(map(str, classes.tolist())), thresholds)
    return table.extra[key]


def size_legend(thresholds: list[float]) -> list[str]:
    """The size classes in words, smallest first: « jusqu'à 100 k€ », « de 100 k€ à 500 k€ », « plus de 2 M€ »."""
    if not thresholds:
        return []
    words = [f"jusqu'à {money(thresholds[0])}"]
    words += [f"de {money(low)} à {money(high)}" for low, high in zip(thresholds, thresholds[1:])]
    return words + [f"plus de {money(thresholds[-1])}"]


def by_commune(table: Table, roles: Roles, positions: np.ndarray, outlines: Table) -> pd.DataFrame | None:
    """The selected sites per commune of the outlines table: columns row (the commune's row in `outlines`),
    name, sites and budget (planned; NaN without the role), every commune listed, those with the most sites
    first. The sites' commune (a code or a name) is matched with the outlines' code, else with their name, else
    the sites' commune name with the outlines' name. None when no site matches any commune (the places are not
    communes of these outlines)."""
    code, name = outlines.role_field("commune"), outlines.role_field("commune_name")
    frame = table.frame.iloc[positions]
    place = roles["commune"] or roles["area"]
    site_name = table.role_field("commune_name")
    pairs = [(place, code), (place, name), (site_name.name if site_name is not None else None, name)]
    for site_column, outline_field in pairs:
        if not site_column or outline_field is None:
            continue
        keys = outlines.frame[outline_field.name].astype("str")
        if not table.frame[site_column].astype("str").isin(keys).any():
            continue  # try the names: these codes are not the outlines' codes
        grouped = frame.groupby(frame[site_column].astype("str"))
        counts = grouped.size()
        # a commune whose sites have no known budget: NaN, not 0 €
        budget = grouped[roles["budget_planned"]].sum(min_count=1) if roles["budget_planned"] else None
        sites = keys.map(counts).fillna(0).astype(int)
        data = pd.DataFrame({
            "row": np.arange(len(outlines)),
            "name": outlines.frame[(name or outline_field).name].astype("str").to_numpy(),
            "sites": sites.to_numpy(),
            # no site: nothing spent (0); sites without a known budget: unknown (NaN)
            "budget": keys.map(budget).astype("float").where(sites > 0, 0.0).to_numpy() if budget is not None
            else np.nan,
        })
        return data.sort_values(["sites", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return None



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
        "impact": value("traffic_impact"),
        # progress is known as of the data's date only: on an earlier reference date it is not shown
        "progress_known": bool(roles["progress"]) and (data_date is None or _day(reference) >= _day(data_date)),
    }
