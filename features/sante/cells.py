"""The Santé dashboard's cells, found by the engine: SQL over the pathologies file's served Parquet, never pandas
over the whole table.

Every figure reads single cells (features/sante/data.py), and the file writes a cell's codes several ways: 76,
"076" and "76.0" are one département, and "Diabète › Diabète" is the node "Diabète". So the values are read as
data.py reads them, by its own functions, but on each distinct raw value only, once per served file: small tables
of raw value (as SQL writes it as text) -> what data.py reads it as, which the SQL joins every row to (the `cases`
step). What the engine selects and counts is then what data.py would have: tests/features/sante/test_sante_sql.py
proves it on the demo, the real CNAM export's shapes and hand-written edge cases, against the reading of the whole
table (tests/helpers/sante_oracle.py).

Once per served file (`forme`): the pathology tree in the file's order, the years, the age classes and their
labels, the départements and their rows, the rows that describe a cell twice, whether counts are rounded.
For a view (`cube`): only the cells it reads, a few thousand rows at most. They are its pathology, sex and age in
its département, its region and France, every year (key figures, trend, ranking, the years offered); the pyramid's
men and women by age; every pathology's total in the département (the picker).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from data_access.derived import derived
from data_access.engine.columns import ROW
from data_access.engine.frames import to_frame
from data_access.engine.sql import Bound, quoted
from data_access.query import Query
from features.sante.data import (FRANCE_REGION, KEY_COLUMNS, ROLES, SEX_LABELS, TOTAL_AGE, TOTAL_DEPT, TOTAL_SEX, Cube,
                                 Roles, age_codes, age_facts, cells, code, departements_of, indexed, is_rounded,
                                 node_keys, numbers, texts, tree, years_of)

LEVELS = ("pathology_l1", "pathology_l2", "pathology_l3")
CODES = {"region": "region", "dept": "dept", "sex": "sex"}  # a code of the cells -> the role of its column
SEXES = [s for s in SEX_LABELS if s != TOTAL_SEX]  # the pyramid's


@dataclass(frozen=True)
class Lookup:
    """A column's distinct raw values, as SQL writes them as text, and what data.py reads each one as."""

    texts: list
    values: list


@dataclass(frozen=True)
class Forme:
    """What is found once per served file: the file's facts (a cube without cells) and the lookups."""

    facts: Cube
    lookups: dict[str, Lookup]  # node, year, region, dept, sex, age


def _lookup(raw_texts: pd.Series, values: pd.Series) -> Lookup:
    pairs = pd.DataFrame({"t": raw_texts.to_numpy(), "v": values.to_numpy()}).dropna(subset=["t"])
    pairs = pairs.drop_duplicates("t")
    return Lookup(pairs["t"].tolist(), pairs["v"].tolist())


def _text(roles: Roles, role: str, table: str = "") -> str:
    """The role's column as text, as the lookups hold it."""
    if not roles[role]:
        return "NULL"
    return f"CAST({table + '.' if table else ''}{quoted(roles[role])} AS VARCHAR)"


def _combo(roles: Roles, table: str = "") -> str:
    """The pathology levels of a row as one text."""
    return " || chr(31) || ".join(f"coalesce({_text(roles, r, table)}, '')" for r in LEVELS)


def _steps(sql: Bound, roles: Roles, lookups: dict[str, Lookup]) -> str:
    """The lookup tables, then `cases`: every row that is a cell (a pathology and a year), with its node, year and
    codes as data.py reads them, in __node, __year, __region, __dept, __sex and __age."""
    joins = {"node": ("JOIN", _combo(roles, "kept")), "year": ("JOIN", _text(roles, "year", "kept")),
             **{name: ("LEFT JOIN", _text(roles, role, "kept")) for name, role in CODES.items()},
             "age": ("LEFT JOIN", _text(roles, "age_class", "kept"))}
    steps, columns, on = [], [], []
    for name, (kind, text) in joins.items():
        if name not in lookups:
            continue
        table, lookup = f"__l_{name}", lookups[name]
        if lookup.texts:
            steps.append(f"{table} AS (SELECT unnest({sql.bind(lookup.texts)}) AS t, "
                         f"unnest({sql.bind(lookup.values)}) AS v)")
        else:
            steps.append(f"{table} AS (SELECT NULL::VARCHAR AS t, NULL AS v WHERE FALSE)")
        columns.append(f"{table}.v AS __{name}")
        on.append(f" {kind} {table} ON {table}.t = {text}")
    steps.append(f"cases AS (SELECT kept.*, {', '.join(columns)} FROM kept{''.join(on)})")
    return ", ".join(steps)


def _ask(backend, statement: str, sql: Bound, steps: str = "") -> pd.DataFrame:
    """The statement's answer, its fields in the reader's types (as data.py reads them from the whole table)."""
    return to_frame(backend.summarise(Query(), statement, sql.params, steps), backend.fields,
                    backend.manifest.get("dtypes"))


def forme(backend, roles: Roles) -> Forme:
    """The file's facts and lookups, found once per served file."""
    return derived(("sante-forme", backend.path, tuple(sorted(roles.columns.items()))),
                   lambda: _forme(backend, roles))


def _forme(backend, roles: Roles) -> Forme:
    levels = ", ".join(quoted(roles[r]) for r in LEVELS if roles[r])
    groups = _ask(backend, f"SELECT {levels}, {quoted(roles['year'])}, {_combo(roles)} AS __combo, "
                           f"{_text(roles, 'year')} AS __texte, min({ROW}) AS __premier FROM kept GROUP BY ALL",
                  Bound())
    node, years = node_keys(groups, roles), years_of(groups[roles["year"]])
    lookups = {"node": _lookup(groups["__combo"][node.ne("")], node[node.ne("")]),
               "year": _lookup(groups["__texte"][years.notna()], years[years.notna()].astype(int))}
    valid = node.ne("") & years.notna()
    present = pd.unique(node[valid].iloc[groups.loc[valid, "__premier"].argsort(kind="stable")])
    for name, role in CODES.items():
        values = _ask(backend, f"SELECT DISTINCT {quoted(roles[role])}, {_text(roles, role)} AS __texte FROM kept",
                      Bound())
        lookups[name] = _lookup(values["__texte"], code(values[roles[role]]))
    sql = Bound()
    steps = _steps(sql, roles, lookups)
    label = f", {quoted(roles['age_label'])}" if roles["age_label"] else ""
    ages = _ask(backend, f"SELECT {quoted(roles['age_class'])}{label}, {_text(roles, 'age_class')} AS __texte, "
                         f"min({ROW}) AS __premier FROM cases GROUP BY ALL ORDER BY __premier", sql, steps)
    pairs = pd.DataFrame({"age": age_codes(ages[roles["age_class"]]),
                          "age_label": texts(ages[roles["age_label"]]) if roles["age_label"] else None})
    age_list, labels = age_facts(pairs)
    lookups["age"] = _lookup(ages["__texte"], pairs["age"])
    sql = Bound()
    steps = _steps(sql, roles, lookups)
    counts = _ask(backend, "SELECT __region, __dept, CAST(sum(n) AS BIGINT) AS n, min(premier) AS premier, "
                           "CAST(coalesce(sum(n) FILTER (WHERE n > 1), 0) AS BIGINT) AS doubles FROM (SELECT __region, "
                           f"__dept, count(*) AS n, min({ROW}) AS premier FROM cases GROUP BY {_keys()}) GROUP BY ALL "
                           "ORDER BY n DESC, premier", sql, steps)
    here = counts[counts["__dept"].ne(TOTAL_DEPT) & counts["__region"].notna() & counts["__dept"].notna()]
    departements, best = departements_of(pd.Series(here["n"].to_numpy(), index=pd.MultiIndex.from_arrays(
        [here["__region"], here["__dept"]])))
    rounded = False
    if roles["patients"]:
        sql = Bound()
        steps = _steps(sql, roles, lookups)
        patients = _ask(backend, f"SELECT DISTINCT {quoted(roles['patients'])} FROM cases", sql, steps)
        rounded = is_rounded(numbers(patients, roles["patients"]))
    facts = Cube(frame=pd.DataFrame(columns=[*KEY_COLUMNS, "patients", "population", "prevalence"]), index={},
                 nodes=tree(present, set(present)), years=sorted(set(years[valid].astype(int).tolist())),
                 ages=age_list, age_labels=labels, ambiguous=int(counts["doubles"].sum()), rounded=rounded,
                 prevalence_computed=not roles["prevalence"], roles=roles, departements=departements,
                 best_covered=best)
    return Forme(facts, lookups)


def _keys() -> str:
    return ", ".join(f"__{c}" for c in KEY_COLUMNS)


def cube(backend, roles: Roles, shape: Forme, place) -> Cube:
    """The file's facts with the cells a view reads: `place` gives its pathology node, region, département, sex and
    age (a Selection; its year does not matter, every year is read)."""
    key = ("sante-cases", backend.path, tuple(sorted(roles.columns.items())), place.node, place.region, place.dept,
           place.sex, place.age)
    return derived(key, lambda: _cube(backend, roles, shape, place))


def _cube(backend, roles: Roles, shape: Forme, place) -> Cube:
    """The rows whose codes, read as data.py reads them, are those of the cells the view reads (every copy of a
    cell, so that a cell held twice is known as such): compared as raw texts, without the lookups' joins."""
    sql = Bound()

    def raw(name: str, *wanted) -> str:
        lookup = shape.lookups[name]
        texts = [t for t, v in zip(lookup.texts, lookup.values) if v in wanted]
        column = _combo(roles) if name == "node" else _text(roles, "age_class" if name == "age" else CODES[name])
        return f"list_contains({sql.bind(texts)}, {column})" if texts else "FALSE"

    def here() -> str:
        return f"{raw('region', place.region)} AND {raw('dept', place.dept)}"

    territories = (f"({here()} OR {raw('region', place.region)} AND {raw('dept', TOTAL_DEPT)} OR "
                   f"{raw('region', FRANCE_REGION)} AND {raw('dept', TOTAL_DEPT)})")
    read = (f"({raw('sex', place.sex)} AND {raw('age', place.age)} OR {here()} AND ("
            f"{raw('sex', *SEXES)} AND {raw('node', place.node)} OR {raw('sex', TOTAL_SEX)} AND "
            f"{raw('age', TOTAL_AGE)}))")
    columns = ", ".join(quoted(c) for c in dict.fromkeys(roles[r] for r in ROLES if roles[r]))
    rows = _ask(backend, f"SELECT {columns} FROM kept WHERE {territories} AND {read} ORDER BY {ROW}", sql)
    frame = cells(rows, roles)
    index, _doubles = indexed(frame)
    return replace(shape.facts, frame=frame.drop(columns="age_label"), index=index)
