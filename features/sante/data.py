"""The Santé dashboard's logic: the CNAM file of patients per pathology, read so that nothing double-counts.

The file mixes aggregate rows with detail rows: both sexes (sex 9) beside men and women, all ages (« tsage »)
beside each age class, a whole region (dept 999) beside its départements, and France (region 99). Summing rows
would count people two or three times. So no figure here ever sums rows: every figure reads exactly one row,
the cell of (pathology, year, territory, sex, age class), looked up in an index of the cells the view reads,
which the engine finds in the served file (features/sante/cells.py). A cell the file holds twice is ambiguous and
is not used. A cell the file lacks is shown as missing, never as 0.

The access-to-care part (one value per commune and year for each indicator) is in features/sante/access.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from data_access.french import lower_bound, natural_key, points_gap
from data_access.geometry.territoires import DEPARTEMENTS, REGIONS
from data_access.readers.base import Roles as BaseRoles
from data_access.readers.base import Table

if TYPE_CHECKING:  # the reader's choices (sante_choices.py) build on this module
    from features.sante.choices import Selection

# The aggregate codes of the CNAM file, in one place.
TOTAL_SEX = "9"
TOTAL_AGE = "tsage"
TOTAL_DEPT = "999"  # the whole region (or, with FRANCE_REGION, the whole country)
FRANCE_REGION = "99"
SEX_LABELS = {"1": "hommes", "2": "femmes", TOTAL_SEX: "tous sexes"}
SEPARATOR = " › "  # between the levels of a pathology's name

ROLES = ("year", "pathology_l1", "pathology_l2", "pathology_l3", "region", "dept", "sex", "age_class", "age_label",
         "patients", "population", "prevalence")


class Roles(BaseRoles):
    @property
    def missing_required(self) -> list[str]:
        missing = [r for r in ("year", "pathology_l1", "region", "dept", "sex", "age_class") if not self[r]]
        if not (self["prevalence"] or (self["patients"] and self["population"])):
            missing.append("prevalence (ou patients et population)")
        return missing


def find_roles(table: Table) -> Roles:
    return Roles.of(table, ROLES)


def is_pathology_table(table: Table) -> bool:
    return table.role_field("pathology_l1") is not None


def code(values: pd.Series) -> pd.Series:
    """Territory, sex and age codes as text, the same whatever the file's types: 76, "76" and "076" -> "76"."""
    text = values.astype("str").str.strip().str.replace(r"\.0$", "", regex=True)
    digits = text.str.fullmatch(r"\d+", na=False)
    text = text.mask(digits, text.str.lstrip("0").replace("", "0"))
    return text.where(values.notna())


def node_parts(l1, l2, l3) -> tuple[str, ...]:
    """A row's place in the pathology tree: its levels down to the last one given, a level that repeats the one
    above dropped ("Diabète de type 1 › Diabète de type 1" is the level-2 node "Diabète de type 1")."""
    parts: list[str] = []
    for part in (l1, l2, l3):
        if part is None or part != part or not str(part).strip():
            break
        part = str(part).strip()
        if not parts or part != parts[-1]:
            parts.append(part)
    return tuple(parts)


def age_order(age: str, label: str | None = None) -> tuple:
    """An age class's place in lists: by its lower bound (from its code, else its label: « 05-09 », « de 5 à 9
    ans » → 5; « moins de 5 ans » → 0), so 5 à 9 comes before 10 à 14; the classes without a number last."""
    bound = lower_bound(age)
    if bound is None and label:
        bound = lower_bound(label)
    return (bound if bound is not None else 10**6, natural_key(label or age), age)


@dataclass(frozen=True)
class Node:
    key: str  # its levels joined by SEPARATOR
    parts: tuple[str, ...]
    has_data: bool  # False for a level the file only has details of (no total row)

    @property
    def level(self) -> int:
        return len(self.parts)

    @property
    def label(self) -> str:
        return self.parts[-1]

    @property
    def parent(self) -> str | None:
        return SEPARATOR.join(self.parts[:-1]) or None


@dataclass
class Cube:
    """The file's cells, indexed: (node, year, region, dept, sex, age) -> one row. The facts of the whole file
    (its tree, years, ages, départements, doubles) are found once per served file (features/sante/cells.py);
    `frame` and `index` hold the cells a view reads."""

    frame: pd.DataFrame  # node, year, region, dept, sex, age, patients, population, prevalence
    index: dict[tuple, int]
    nodes: dict[str, Node]  # in the file's order, each parent before its children
    years: list[int]
    ages: list[str]  # age classes in order, the total excluded
    age_labels: dict[str, str]
    ambiguous: int  # cells the file holds more than once (not used)
    rounded: bool  # every count is a multiple of 10
    prevalence_computed: bool  # no prevalence column: patients / population
    roles: Roles = field(repr=False, default=None)
    departements: list[tuple[str, str]] = field(default_factory=list)  # (region, dept) of each, by code
    best_covered: tuple[str, str] | None = None  # the one with the most rows: the default when the portal's own is not

    def cell(self, node: str, year: int, region: str, dept: str, sex: str = TOTAL_SEX,
             age: str = TOTAL_AGE) -> pd.Series | None:
        position = self.index.get((node, year, region, dept, sex, age))
        return None if position is None else self.frame.iloc[position]

    def value(self, what: str, node: str, year: int, region: str, dept: str, sex: str = TOTAL_SEX,
              age: str = TOTAL_AGE) -> float | None:
        row = self.cell(node, year, region, dept, sex, age)
        if row is None or pd.isna(row[what]):
            return None
        return float(row[what])


# ---- reading the file's rows as cells: the one reading, for the engine's cells and the tests' whole-table oracle --

KEY_COLUMNS = ["node", "year", "region", "dept", "sex", "age"]


def numbers(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if not column:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def node_keys(frame: pd.DataFrame, roles: Roles) -> pd.Series:
    """Each row's pathology node (its levels joined by SEPARATOR; "" when it has no first level)."""
    levels = [frame[roles[r]] if roles[r] else pd.Series(None, index=frame.index, dtype="str")
              for r in ("pathology_l1", "pathology_l2", "pathology_l3")]
    combos = pd.DataFrame({"l1": levels[0], "l2": levels[1], "l3": levels[2]}).astype("str").where(
        pd.concat(levels, axis=1).notna().to_numpy(), "")
    keys = combos["l1"] + "\x1f" + combos["l2"] + "\x1f" + combos["l3"]
    node_of = {k: node_parts(*k.split("\x1f")) for k in pd.unique(keys)}
    return keys.map({k: SEPARATOR.join(parts) for k, parts in node_of.items()})


def years_of(values: pd.Series) -> pd.Series:
    """Years as numbers; what is not one (« s.o. », an infinite) is missing."""
    years = pd.to_numeric(values, errors="coerce").astype("float64")
    return years.where(np.isfinite(years))


def age_codes(values: pd.Series) -> pd.Series:
    return values.astype("str").str.strip().where(values.notna())


def texts(values: pd.Series) -> pd.Series:
    return values.astype("str").where(values.notna())


def cells(source: pd.DataFrame, roles: Roles) -> pd.DataFrame:
    """The rows as cells (KEY_COLUMNS, patients, population, prevalence, age_label), codes read as codes; the
    rows without a pathology or a year left out."""
    patients, population = numbers(source, roles["patients"]), numbers(source, roles["population"])
    prevalence = numbers(source, roles["prevalence"]) if roles["prevalence"] else \
        100 * patients / population.where(population > 0)  # no population: no prevalence, never « inf »
    frame = pd.DataFrame({
        "node": node_keys(source, roles).to_numpy(), "year": years_of(source[roles["year"]]).to_numpy(),
        "region": code(source[roles["region"]]).to_numpy(), "dept": code(source[roles["dept"]]).to_numpy(),
        "sex": code(source[roles["sex"]]).to_numpy(), "age": age_codes(source[roles["age_class"]]).to_numpy(),
        "patients": patients.to_numpy(), "population": population.to_numpy(), "prevalence": prevalence.to_numpy(),
        "age_label": texts(source[roles["age_label"]]).to_numpy() if roles["age_label"] else None,
    })
    frame = frame[frame["node"].ne("") & frame["year"].notna()].reset_index(drop=True)
    frame["year"] = frame["year"].astype(int)
    return frame


def indexed(frame: pd.DataFrame) -> tuple[dict[tuple, int], int]:
    """Each cell's row in `frame`, the cells it holds twice left out; and how many rows those are."""
    duplicated = frame.duplicated(KEY_COLUMNS, keep=False)
    keys = list(zip(*(frame[c].tolist() for c in KEY_COLUMNS)))
    return {k: i for i, (k, dup) in enumerate(zip(keys, duplicated.tolist())) if not dup}, int(duplicated.sum())


def tree(keys, present: set[str]) -> dict[str, Node]:
    """The tree of the nodes `keys` (in the file's order), with the levels above them even when the file has no
    total for them (`present`: the nodes that have rows)."""
    nodes: dict[str, Node] = {}
    for key in keys:
        parts = tuple(key.split(SEPARATOR))
        for depth in range(1, len(parts) + 1):
            sub = SEPARATOR.join(parts[:depth])
            if sub not in nodes:
                nodes[sub] = Node(sub, parts[:depth], sub in present)
    return _tree_order(nodes)


def age_facts(pairs: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """The age classes in order (the total left out) and their labels, from `pairs` (age, age_label) in the
    file's order: a class's label is its first."""
    known = pairs[["age", "age_label"]].dropna().drop_duplicates("age")
    labels = dict(zip(known["age"], known["age_label"]))
    ages = sorted((a for a in pairs["age"].dropna().unique() if a != TOTAL_AGE),
                  key=lambda a: age_order(a, labels.get(a)))
    return ages, labels


def departements_of(counts: pd.Series) -> tuple[list[tuple[str, str]], tuple[str, str] | None]:
    """The départements by code, and the one of most rows, from each (region, dept)'s rows, the most first."""
    return sorted(counts.index, key=lambda p: (len(p[1]) > 2, p[1].zfill(3))), counts.index[0] if len(counts) else None


def is_rounded(patients: pd.Series) -> bool:
    counts = patients.dropna()
    return bool(len(counts)) and bool((counts % 10 == 0).all())


def _tree_order(nodes: dict[str, Node]) -> dict[str, Node]:
    """Parents before their children, siblings in the file's order."""
    children: dict[str | None, list[str]] = {}
    for key, node in nodes.items():
        children.setdefault(node.parent, []).append(key)
    ordered: dict[str, Node] = {}

    def visit(key: str) -> None:
        ordered[key] = nodes[key]
        for child in children.get(key, []):
            visit(child)

    for root in children.get(None, []):
        visit(root)
    return ordered


def age_label(cube_: Cube, age: str) -> str:
    if age == TOTAL_AGE:
        return "tous âges"
    return cube_.age_labels.get(age) or age


def dept_label(dept: str) -> str:
    name = DEPARTEMENTS.get(dept)
    return f"{name} ({dept})" if name else f"département {dept}"


def region_label(region: str) -> str:
    return "France" if region == FRANCE_REGION else REGIONS.get(region, f"région {region}")


# ---- figures: each one reads single cells, never a sum -------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    patients: float | None
    prevalence: float | None  # in the département
    prevalence_region: float | None
    prevalence_france: float | None
    gap_france: float | None  # points
    first_year: int | None
    change_points: float | None  # prevalence since the first year, in points
    change_patients: float | None  # patients since the first year, in %
    change_note: str | None  # why there is no change figure


def key_figures(cube_: Cube, s: Selection) -> Figures:
    here = (s.node, s.year, s.region, s.dept, s.sex, s.age)
    prevalence = cube_.value("prevalence", *here)
    region = cube_.value("prevalence", s.node, s.year, s.region, TOTAL_DEPT, s.sex, s.age)
    france = cube_.value("prevalence", s.node, s.year, FRANCE_REGION, TOTAL_DEPT, s.sex, s.age)
    years = [y for y in cube_.years if y < s.year and cube_.cell(s.node, y, s.region, s.dept, s.sex, s.age) is not None]
    first = years[0] if years else None
    change_points = change_patients = None
    note = None
    if len(cube_.years) < 2:
        note = f"le fichier n'a qu'une année ({cube_.years[0]}) : pas d'évolution à montrer" if cube_.years else None
    elif first is None:
        note = f"pas d'année antérieure à {s.year} pour cette sélection dans le fichier"
    else:
        before = cube_.value("prevalence", s.node, first, s.region, s.dept, s.sex, s.age)
        change_points = points_gap(prevalence, before)
        then, now = (cube_.value("patients", s.node, y, s.region, s.dept, s.sex, s.age) for y in (first, s.year))
        if then and now is not None:
            change_patients = 100 * (now - then) / then
    return Figures(
        patients=cube_.value("patients", *here), prevalence=prevalence, prevalence_region=region,
        prevalence_france=france, gap_france=points_gap(prevalence, france), first_year=first,
        change_points=change_points, change_patients=change_patients, change_note=note)


def territories(s: Selection) -> list[tuple[str, str, str]]:
    """(label, region, dept) of the three territories compared: the département, its region, France."""
    return [(dept_label(s.dept), s.region, s.dept), (region_label(s.region), s.region, TOTAL_DEPT),
            ("France", FRANCE_REGION, TOTAL_DEPT)]


def trend(cube_: Cube, s: Selection) -> pd.DataFrame:
    """Prevalence per year in each territory: columns x (year), series (territory), value. A year without the
    cell between two known ones is NaN (a gap in the line, « — » in the table), never 0 and never joined over;
    the years before the first and after the last known one are left out."""
    rows = []
    for label, region, dept in territories(s):
        values = {year: cube_.value("prevalence", s.node, year, region, dept, s.sex, s.age) for year in cube_.years}
        known = [year for year, value in values.items() if value is not None]
        rows += [{"x": year, "series": label, "value": np.nan if values[year] is None else values[year]}
                 for year in cube_.years if known and known[0] <= year <= known[-1]]
    data = pd.DataFrame(rows, columns=["x", "series", "value"])
    return data.sort_values(["x"], kind="stable").reset_index(drop=True)


def pyramid(cube_: Cube, s: Selection) -> pd.DataFrame:
    """Prevalence by age class for men and women in the département (the sex and age choices do not apply):
    columns age, label, hommes, femmes (NaN when the file lacks the cell)."""
    rows = [{"age": age, "label": age_label(cube_, age),
             **{SEX_LABELS[sex]: cube_.value("prevalence", s.node, s.year, s.region, s.dept, sex, age) for sex in "12"}}
            for age in cube_.ages]
    return pd.DataFrame(rows, columns=["age", "label", "hommes", "femmes"]).astype(
        {"hommes": "float64", "femmes": "float64"})


# Level-1 entries of the CNAM classification that are populations, not pathologies (the codes POP_TOT_IND and
# POP_TOT_ABS): they can be chosen, but are left out of the ranking of pathologies. Compared without accents.
NOT_PATHOLOGIES = ("total consommants", "pas de pathologie reperee")


def is_pathology(node: Node) -> bool:
    from data_access.query import fold

    return not fold(node.parts[0]).startswith(NOT_PATHOLOGIES)


# The ranking's table shows the prevalences with 2 decimals (the key figures with 1): its gap is computed on them.
TABLE_DIGITS = 2


def ranking(cube_: Cube, s: Selection) -> pd.DataFrame:
    """The pathologies at the chosen one's level (its siblings when it has a parent), by prevalence in the
    département, with France's and the gap in points (on the values as the table shows them, TABLE_DIGITS
    decimals): columns node, label, prevalence, france, gap, chosen.
    The populations of the classification (all consumers, no pathology found) are not pathologies: left out."""
    level = cube_.nodes[s.node].level if s.node in cube_.nodes else 1
    parent = cube_.nodes[s.node].parent if s.node in cube_.nodes else None
    rows = []
    for key, node in cube_.nodes.items():
        if not node.has_data or node.level != level or (level > 1 and node.parent != parent) \
                or not is_pathology(node):
            continue
        here = cube_.value("prevalence", key, s.year, s.region, s.dept, s.sex, s.age)
        france = cube_.value("prevalence", key, s.year, FRANCE_REGION, TOTAL_DEPT, s.sex, s.age)
        if here is None:
            continue
        rows.append({"node": key, "label": node.label, "prevalence": here, "france": np.nan if france is None else france,
                     "gap": np.nan if france is None else points_gap(here, france, TABLE_DIGITS),
                     "chosen": key == s.node})
    data = pd.DataFrame(rows, columns=["node", "label", "prevalence", "france", "gap", "chosen"])
    return data.sort_values("prevalence", ascending=False, kind="stable").reset_index(drop=True)


def picker_entries(cube_: Cube, s: Selection) -> list[dict]:
    """The pathology tree for the picker, in order: key, label, level, has_data, and the patients of the
    département for the chosen year (all sexes, all ages) beside each entry."""
    return [{"key": key, "label": node.label, "level": node.level, "has_data": node.has_data,
             "patients": cube_.value("patients", key, s.year, s.region, s.dept)}
            for key, node in cube_.nodes.items()]
