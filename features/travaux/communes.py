"""The Travaux dashboard by commune: which communes each site is in (by code or by name, however the feed
spells it), a commune's running and upcoming sites, and the count of sites per commune of the outlines."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from data_access.derived import derived
from data_access.geometry.geo import commune_rows
from data_access.geometry.territoires import commune_key
from data_access.query import fold
from data_access.readers.base import FieldInfo, Table
from features.travaux.data import (IN_PROGRESS, PROGRAMMED, SUSPENDED, UPCOMING_DAYS, Roles, _day, is_late, site_titles,
                                   status_on)


def _keys(field: FieldInfo, raw) -> list[str]:
    """The keys of one cell: each of its values as it is (a code) and as a commune's name (commune_key)."""
    keys = []
    for value in field.values_of(str(raw)):
        keys += [value, commune_key(value)]
    return list(dict.fromkeys(k for k in keys if k))


def place_fields(table: Table, roles: Roles) -> list[FieldInfo]:
    """The fields that say where a site is: its commune (a code) or area, and its commune's name."""
    names = [roles["commune"] or roles["area"], getattr(table.role_field("commune_name"), "name", None)]
    return [table.field(n) for n in dict.fromkeys(n for n in names if n)]


def place_pairs(table: Table, roles: Roles) -> pd.DataFrame:
    """(row, key) for every place of every site: a site on two communes has both. Built once per table."""
    fields = place_fields(table, roles)
    return derived(("travaux-lieux", table.key, tuple(f.name for f in fields)), lambda: _place_pairs(table, fields))


def _place_pairs(table: Table, fields: list) -> pd.DataFrame:
    rows, keys = [], []
    for field in fields:
        column = table.frame[field.name]
        of = {raw: _keys(field, raw) for raw in column.dropna().unique()}
        for position, raw in enumerate(column.tolist()):
            for key in of.get(raw, ()) if raw is not None and raw == raw else ():
                rows.append(position)
                keys.append(key)
    pairs = pd.DataFrame({"row": np.asarray(rows, dtype=np.int64), "key": pd.Series(keys, dtype="str")})
    return pairs.drop_duplicates().reset_index(drop=True)


# How much a site's traffic impact disrupts, from its words (folded): « ceux qui gênent la circulation d'abord »
# lists the strongest first. A wording not known here still disrupts, of unknown severity: after faible.
SEVERITY_WORDS = ((3, ("fort", "forte", "forts", "fortes", "important", "importante", "majeur", "majeure", "eleve",
                       "elevee")),
                  (2, ("modere", "moderee", "moyen", "moyenne")),
                  (1, ("faible", "faibles", "leger", "legere", "limite", "limitee")))
NO_IMPACT = ("aucun", "aucune", "nan", "none", "")


def impact_severity(impact) -> int:
    """3 fort, 2 modéré, 1 faible, 0 a disruption of unknown severity, -1 none (« aucun ») or no value."""
    if impact is None or impact != impact or str(impact).strip().lower() in NO_IMPACT:
        return -1
    words = set(re.findall(r"[a-z]+", fold(str(impact))))
    return next((level for level, known in SEVERITY_WORDS if words & set(known)), 0)


def in_my_commune(table: Table, roles: Roles, commune: str, reference: dt.date,
                  data_date: dt.date | None = None) -> pd.DataFrame:
    """A citizen's view: the sites of one commune (or area) running now or starting within UPCOMING_DAYS,
    those with a traffic impact first (the strongest first), then by start date. The commune is matched by code or
    by name, however the feed spells it. Columns: title, start, planned_end, status, late, impact, area, summary, description,
    link (None when the role is missing), disrupts."""
    pairs = place_pairs(table, roles)
    wanted = {str(commune), commune_key(commune)}
    here = np.zeros(len(table), dtype=bool)
    here[pairs.loc[pairs["key"].isin(wanted), "row"].to_numpy()] = True
    return citizen_sites(table, roles, here, reference, data_date)


def citizen_sites(table: Table, roles: Roles, here: np.ndarray, reference: dt.date,
                  data_date: dt.date | None = None) -> pd.DataFrame:
    """The sites of `here` (a mask over the rows) running on the reference date or starting within
    UPCOMING_DAYS, those with a traffic impact first, by severity (fort, modéré, faible, then an impact of unknown
    severity), then by start date (columns: see in_my_commune)."""
    frame = table.frame
    status = status_on(table, roles, reference, data_date)
    start = frame[roles["start_date"]]
    soon = status.eq(PROGRAMMED) & (start <= _day(reference) + pd.Timedelta(days=UPCOMING_DAYS))
    keep = here & (status.isin([IN_PROGRESS, SUSPENDED]) | soon).to_numpy()

    def column(role: str):
        return frame[roles[role]].astype("str").where(frame[roles[role]].notna()) if roles[role] else None

    data = pd.DataFrame({
        "title": site_titles(table, roles), "start": start, "planned_end": frame[roles["planned_end_date"]],
        "status": status, "late": is_late(table, roles, reference, data_date),
        **{name: column(role) for name, role in (("impact", "traffic_impact"), ("area", "impact_area"),
                                                  ("summary", "summary"), ("description", "description"),
                                                  ("link", "link"))},
    })[keep]
    if roles["traffic_impact"]:
        severity = data["impact"].map(impact_severity).astype("int64")
    else:
        severity = pd.Series(-1, index=data.index, dtype="int64")
    return data.assign(disrupts=severity >= 0, severity=severity).sort_values(
        ["severity", "start"], ascending=[False, True], kind="stable").drop(columns="severity")


def commune_choices(table: Table, roles: Roles, names: dict[str, str] | None = None) -> list[str]:
    """The communes (or areas) a citizen can pick, by name when the data has names, each once however the feed
    spells it, in French order. `names` (commune_key -> name, from the communes' outlines the sites are in) adds
    every commune of the territory, with its proper spelling: one without works is said to have none."""
    name_role = table.role_field("commune_name")
    field = name_role if name_role is not None else table.field(roles["commune"] or roles["area"] or "")
    if field is None:
        return []
    names = names or {}
    chosen: dict[str, str] = dict(names)
    for raw in table.frame[field.name].dropna().unique():
        for value in field.values_of(str(raw)):
            key = commune_key(value)
            chosen.setdefault(key, names.get(key, value))
    return sorted(chosen.values(), key=fold)


def outline_keys(outlines: Table) -> tuple[dict[str, int], list[str]]:
    """The communes of the outlines table: each of their keys (codes, names) -> row, and each row's name."""
    lines = commune_rows(outlines)
    of: dict[str, int] = {}
    for line in lines.itertuples():
        for key in (line.code, commune_key(line.name)):
            of.setdefault(key, line.row)
    shown = [""] * len(outlines)
    for line in lines.drop_duplicates("row").itertuples():
        shown[line.row] = line.name
    return of, shown


def commune_names(outlines: Table | None) -> dict[str, str]:
    """commune_key -> the commune's name as the outlines spell it."""
    if outlines is None:
        return {}
    _, shown = outline_keys(outlines)
    return {commune_key(name): name for name in shown if name}


def by_commune(table: Table, roles: Roles, positions: np.ndarray, outlines: Table) -> pd.DataFrame | None:
    """The selected sites per commune of the outlines table: columns row (the commune's row in `outlines`), name,
    sites and budget (planned; NaN without the role), every commune listed, those with the most sites first. A
    site is matched to a commune by code or by name (a site on two communes counts in both). None when no site of
    the table is in any of these communes (its places are not these communes)."""
    keys, shown = outline_keys(outlines)
    pairs = place_pairs(table, roles)
    pairs = pairs.assign(commune=pairs["key"].map(keys)).dropna(subset=["commune"])
    if pairs.empty:
        return None
    pairs = pairs[pairs["row"].isin(positions)].drop_duplicates(["row", "commune"])
    communes = pairs["commune"].astype(int)
    sites = pairs.groupby(communes)["row"].nunique().reindex(range(len(outlines)), fill_value=0)
    if roles["budget_planned"]:
        amounts = table.frame[roles["budget_planned"]].astype("float").to_numpy()[pairs["row"].to_numpy()]
        # a commune whose sites have no known budget: NaN, not 0 €; no site: nothing spent (0)
        budget = pd.Series(amounts, index=pairs.index).groupby(communes).sum(min_count=1)
        budget = budget.reindex(range(len(outlines))).where(sites > 0, 0.0)
    else:
        budget = np.nan
    data = pd.DataFrame({"row": np.arange(len(outlines)), "name": shown, "sites": sites.to_numpy(),
                         "budget": budget.to_numpy() if roles["budget_planned"] else np.nan})
    data = data.sort_values("name", key=lambda names: names.map(fold), kind="stable")
    return data.sort_values("sites", ascending=False, kind="stable").reset_index(drop=True)


def unplaced_sites(table: Table, roles: Roles, positions: np.ndarray, outlines: Table) -> tuple[int, list[str]]:
    """How many of the selected sites match no commune of the outlines, and their places (« Rouen rive gauche »),
    each once, in French order: those sites are not on a map by commune, and the page says so."""
    keys, _ = outline_keys(outlines)
    pairs = place_pairs(table, roles)
    matched = set(pairs.loc[pairs["key"].isin(keys), "row"])
    fields = place_fields(table, roles)
    names, count = set(), 0
    for position in positions:
        if position in matched:
            continue
        count += 1
        values = [table.frame[f.name].iloc[position] for f in fields]
        shown = next((str(v) for v in values if v is not None and v == v and str(v).strip()), "sans commune")
        names.add(shown)
    return count, sorted(names, key=fold)


def commune_filter(table: Table, roles, name: str | None, code: str | None) -> list[tuple[str, str]]:
    """The filter that keeps one commune's sites, in the dashboard's own grammar (`refine.<field>=<value>`, the
    value as the file spells it), so that a link « Tous les travaux de Rouen » opens the dashboard on Rouen's sites
    with Rouen ticked; empty when the file names no such commune."""
    for role, wanted in (("commune_name", name), ("commune", code), ("area", name)):
        field = next((f for f in table.fields if f.name == roles[role]), None) if roles[role] else None
        if field is None or not wanted:
            continue
        spelled = {v for cell in table.frame[field.name].dropna().astype(str).unique() for v in field.values_of(cell)}
        found = next((v for v in sorted(spelled) if v == str(wanted) or commune_key(v) == commune_key(str(wanted))),
                     None)
        if found is not None:
            return [(f"refine.{field.name}", found)]
    return []
