"""The Travaux dashboard's figures, counted by the engine: SQL over the dataset's served Parquet file, on the rows
the URL's filters keep, never pandas over the whole table.

Each rule is the one features/travaux/data.py writes in words (DEFINITIONS, status_on, is_late), written once more
as SQL expressions: tests/features/travaux/test_travaux_sql.py proves every figure equal to the pandas reading the
dashboard used before (tests/helpers/travaux_oracle.py) on the demo, the real Opendatasoft exports and
hand-written edge cases, for many reference dates and filters. The map and the timeline, which list rows, still
read each row's status from status_on.

The SQL is the code's own: column names come from the dataset's fields through quoted(), every value (the
reference date, the declared statuses) is a bound parameter.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data_access.derived import derived
from data_access.engine.sql import Bound, quoted
from data_access.query import Query, fold, fold_text
from features.travaux.data import (FINISHED, IN_PROGRESS, LATE_PROGRESS_MARGIN, PROGRAMMED, SUSPENDED, UPCOMING_DAYS,
                                   KeyFigures, Roles, _day)
from features.travaux.charts import BUDGET_SERIES

DAY_SECONDS = 86_400


def _midnight(day: dt.date) -> dt.datetime:
    """The day at midnight, as status_on compares it (data._day), for DuckDB to bind."""
    return _day(day).to_pydatetime()


def _declared(backend, roles: Roles, status: str) -> list:
    """The values of the status field that mean `status`, compared as declared_status does (accents, case and
    spaces ignored): found once per served file."""
    def find() -> list:
        values = backend.summarise(Query(), f"SELECT DISTINCT {quoted(roles['status'])} AS v FROM kept", [])
        values = [v for v in values.column("v").to_pylist() if v is not None]
        folded = fold_text(pd.Series(values, dtype="object")).str.strip() if values else []
        return [v for v, f in zip(values, folded) if f == fold(status)]

    return derived(("travaux-statuts", backend.path, roles["status"], status), find)


def _is_declared(sql: Bound, backend, roles: Roles, status: str) -> str:
    values = _declared(backend, roles, status)
    return f"list_contains({sql.bind(values)}, {quoted(roles['status'])})" if values else "FALSE"


def status_sql(sql: Bound, backend, roles: Roles, reference: dt.date, data_date: dt.date | None) -> str:
    """Each row's status on the reference date, as status_on replays it (the last rule that applies wins there; the
    first that applies here)."""
    ref = _midnight(reference)
    start, planned = quoted(roles["start_date"]), quoted(roles["planned_end_date"])
    end = quoted(roles["actual_end_date"]) if roles["actual_end_date"] else None
    if end is None and not roles["status"]:
        end = planned
    known_now = data_date is None or ref >= _midnight(data_date)
    cases = [f"WHEN {start} IS NOT NULL AND {start} > {sql.bind(ref)} THEN '{PROGRAMMED}'"]
    if roles["status"]:
        no_end = f"{end} IS NULL" if end else "TRUE"
        finished = f"{no_end} AND {_is_declared(sql, backend, roles, FINISHED)}"
        if not known_now:
            finished += f" AND {planned} IS NOT NULL AND {planned} <= {sql.bind(ref)}"
        cases.append(f"WHEN {finished} THEN '{FINISHED}'")
    if end:
        cases.append(f"WHEN {end} IS NOT NULL AND {end} <= {sql.bind(ref)} THEN '{FINISHED}'")
    if roles["status"] and known_now:
        cases.append(f"WHEN {_is_declared(sql, backend, roles, SUSPENDED)} THEN '{SUSPENDED}'")
    return f"CASE {' '.join(cases)} ELSE '{IN_PROGRESS}' END"


def _days(later: str, earlier: str) -> str:
    """Whole days from `earlier` to `later`, as pandas' Timedelta.days counts them (rounded down)."""
    return f"floor(epoch({later} - {earlier}) / {DAY_SECONDS})"


def elapsed_sql(sql: Bound, roles: Roles, reference: dt.date) -> str:
    """The share (0-100) of each row's planned duration elapsed on the reference date (elapsed_share)."""
    start, planned = quoted(roles["start_date"]), quoted(roles["planned_end_date"])
    duration = _days(planned, start)
    elapsed = _days(f"{sql.bind(_midnight(reference))}::TIMESTAMP", start)
    return (f"CASE WHEN {start} IS NOT NULL AND {planned} IS NOT NULL AND {duration} > 0 "
            f"THEN least(greatest(100 * {elapsed} / {duration}, 0), 100) END")


def late_sql(sql: Bound, roles: Roles, reference: dt.date, data_date: dt.date | None, status: str) -> str:
    """Late on the reference date (is_late), given each row's status expression."""
    ref = _midnight(reference)
    planned = quoted(roles["planned_end_date"])
    reasons = [f"({planned} IS NOT NULL AND {planned} < {sql.bind(ref)})"]
    if roles["progress"] and (data_date is None or ref >= _midnight(data_date)):
        behind = f"{elapsed_sql(sql, roles, reference)} - TRY_CAST({quoted(roles['progress'])} AS DOUBLE)"
        reasons.append(f"coalesce({behind} > {LATE_PROGRESS_MARGIN}, FALSE)")
    return f"(({status}) IN ('{IN_PROGRESS}', '{SUSPENDED}') AND ({' OR '.join(reasons)}))"


STATUS = "__statut_du_jour"  # each row's status on the reference date, in the step `marked`


def _money(role: str | None) -> str:
    return f"fsum(TRY_CAST({quoted(role)} AS DOUBLE))" if role else "NULL::DOUBLE"


def _marked(sql: Bound, backend, roles: Roles, reference: dt.date, data_date: dt.date | None) -> str:
    """The step naming each kept row's status on the reference date."""
    return f"marked AS (SELECT *, {status_sql(sql, backend, roles, reference, data_date)} AS {STATUS} FROM kept)"


def _count(condition: str) -> str:
    """How many rows meet the condition (0, never NULL, when none is kept)."""
    return f"count(*) FILTER (WHERE {condition})"


@dataclass(frozen=True)
class Counted:
    """What the engine counts for the dashboard, in one question."""

    figures: KeyFigures
    budget: pd.DataFrame  # budget_by_type's columns
    monthly: pd.DataFrame  # starts and ends per month


def counted(backend, roles: Roles, query: Query, reference: dt.date, data_date: dt.date | None = None) -> Counted:
    """The key figures, the budget by type and the starts and ends per month of the rows the query keeps, on the
    reference date: one SQL statement, one reading of the file."""
    sql = Bound()
    marked = _marked(sql, backend, roles, reference, data_date)  # the text's first parameters
    figures = _figures_sql(sql, roles, reference, data_date)
    budget, present = _budget_sql(roles)
    statement = f"SELECT ({figures}) AS figures, ({budget or 'NULL'}) AS budget, ({_monthly_sql(roles)}) AS monthly"
    row = backend.summarise(query, statement, sql.params, steps=marked).to_pylist()[0]
    found = row["figures"]
    long = [{"x": item["x"], "series": BUDGET_SERIES[r], "value": float(item[r])}
            for item in row["budget"] or () for r in present]
    return Counted(
        figures=KeyFigures(sites=found["sites"], in_progress=found["in_progress"], upcoming=found["upcoming"],
                           finished_this_year=found["finished"], late=found["late"],
                           budget_planned=found["planned"], budget_committed=found["committed"],
                           weighted_progress=found["weighted"]),
        budget=pd.DataFrame(long, columns=["x", "series", "value"]),
        monthly=pd.DataFrame(row["monthly"] or [], columns=["x", "series", "value"]).astype({"value": "int64"}))


def _figures_sql(sql: Bound, roles: Roles, reference: dt.date, data_date: dt.date | None) -> str:
    """The key figures (DEFINITIONS) as one row of `marked`."""
    ref = _midnight(reference)
    start = quoted(roles["start_date"])
    upcoming = _count(f"{start} > {sql.bind(ref)} AND {start} <= {sql.bind(ref + dt.timedelta(days=UPCOMING_DAYS))}")
    end = quoted(roles["planned_end_date"])
    if roles["actual_end_date"]:
        end = f"coalesce({quoted(roles['actual_end_date'])}, {end})"
    finished = _count(f"{STATUS} = '{FINISHED}' AND year({end}) = {sql.bind(reference.year)}")
    late = _count(late_sql(sql, roles, reference, data_date, STATUS))
    weighted = "NULL::DOUBLE"
    if roles["progress"] and roles["budget_planned"]:
        progress, budget = (f"TRY_CAST({quoted(roles[r])} AS DOUBLE)" for r in ("progress", "budget_planned"))
        known = f"{progress} IS NOT NULL AND {budget} IS NOT NULL AND {budget} > 0"
        weighted = f"sum({progress} * {budget}) FILTER (WHERE {known}) / sum({budget}) FILTER (WHERE {known})"
    running = _count(f"{STATUS} IN ('{IN_PROGRESS}', '{SUSPENDED}')")
    return (f"SELECT {{'sites': count(*), 'in_progress': {running}, 'upcoming': {upcoming}, 'finished': {finished}, "
            f"'late': {late}, 'planned': {_money(roles['budget_planned'])}, "
            f"'committed': {_money(roles['budget_committed'])}, 'weighted': {weighted}}} FROM marked")


def _budget_sql(roles: Roles) -> tuple[str | None, list[str]]:
    """Planned and committed budget per type of works, the costliest first (ties in the types' order); None
    without types or budgets."""
    present = [r for r in BUDGET_SERIES if roles[r]]
    if not roles["type"] or not present:
        return None, []
    kind = quoted(roles["type"])
    sums = ", ".join(f"coalesce({_money(roles[r])}, 0) AS {quoted(r)}" for r in present)
    items = ", ".join(f"{r!r}: {quoted(r)}" for r in present)
    return (f"SELECT list({{'x': x, {items}}} ORDER BY {quoted(present[0])} DESC, x) FROM "
            f"(SELECT CAST({kind} AS VARCHAR) AS x, {sums} FROM kept WHERE {kind} IS NOT NULL GROUP BY 1)"), present


def _monthly_sql(roles: Roles) -> str:
    """Sites started and finished per month (x = YYYY-MM, series = commencés/terminés, value = count)."""
    parts = {"commencés": roles["start_date"]}
    if roles["actual_end_date"]:
        parts["terminés"] = roles["actual_end_date"]
    counts = " UNION ALL ".join(
        f"SELECT strftime({quoted(field)}, '%Y-%m') AS x, '{name}' AS series, count(*) AS value FROM kept "
        f"WHERE {quoted(field)} IS NOT NULL GROUP BY 1" for name, field in parts.items())
    return f"SELECT list({{'x': x, 'series': series, 'value': value}} ORDER BY x, series) FROM ({counts})"
