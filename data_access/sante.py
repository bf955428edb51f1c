"""The Santé dashboard's logic: the CNAM file of patients per pathology, read so that nothing double-counts.

The file mixes aggregate rows with detail rows: both sexes (sex 9) beside men and women, all ages (« tsage »)
beside each age class, a whole region (dept 999) beside its départements, and France (region 99). Summing rows
would count people two or three times. So no figure here ever sums rows: every figure reads exactly one row,
the cell of (pathology, year, territory, sex, age class), looked up in an index built once per file version.
A cell the file holds twice is ambiguous and is not used. A cell the file lacks is shown as missing, never as 0.

The access-to-care part (one value per commune and year for each indicator) is at the end of the module.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .query import FilterError
from .readers.base import FieldInfo, Table
from .readers.base import Roles as BaseRoles
from .territoires import DEPARTEMENTS, REGIONS, dept_of_commune

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


def age_order(age: str) -> tuple[int, str]:
    found = re.match(r"^(\d+)", age)
    return (int(found.group(1)) if found else 999, age)


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
    """The file's cells, indexed: (node, year, region, dept, sex, age) -> one row."""

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

    @property
    def departements(self) -> list[tuple[str, str]]:
        """(region, dept) of every département the file has, by code (found once)."""
        if "_departements" not in self.__dict__:
            rows = self.frame.loc[self.frame["dept"] != TOTAL_DEPT, ["region", "dept"]]
            counts = rows.value_counts()
            self.__dict__["_departements"] = sorted(counts.index, key=lambda p: (len(p[1]) > 2, p[1].zfill(3)))
            self.__dict__["_best_covered"] = counts.index[0] if len(counts) else None
        return self.__dict__["_departements"]

    @property
    def best_covered(self) -> tuple[str, str] | None:
        """The département with the most rows in the file: the default when the portal's own is not in it."""
        self.departements
        return self.__dict__["_best_covered"]


_BUILD_LOCK = threading.Lock()


def cube(table: Table) -> Cube:
    """The table's cube, built once per loaded table (a table never changes) and kept with it."""
    with _BUILD_LOCK:
        built = table.extra.get("sante_cube")
        if built is None:
            built = table.extra["sante_cube"] = _build_cube(table, find_roles(table))
    return built


def _numbers(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if not column:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def _build_cube(table: Table, roles: Roles) -> Cube:
    source = table.frame
    levels = [source[roles[r]] if roles[r] else pd.Series(None, index=source.index, dtype="str")
              for r in ("pathology_l1", "pathology_l2", "pathology_l3")]
    combos = pd.DataFrame({"l1": levels[0], "l2": levels[1], "l3": levels[2]}).astype("str").where(
        pd.concat(levels, axis=1).notna().to_numpy(), "")
    keys = combos["l1"] + "\x1f" + combos["l2"] + "\x1f" + combos["l3"]
    node_of = {k: node_parts(*k.split("\x1f")) for k in pd.unique(keys)}
    node = keys.map({k: SEPARATOR.join(parts) for k, parts in node_of.items()})
    patients, population = _numbers(source, roles["patients"]), _numbers(source, roles["population"])
    prevalence = _numbers(source, roles["prevalence"]) if roles["prevalence"] else \
        100 * patients / population.where(population > 0)  # no population: no prevalence, never « inf »
    frame = pd.DataFrame({
        "node": node.to_numpy(), "year": pd.to_numeric(source[roles["year"]], errors="coerce").to_numpy(),
        "region": code(source[roles["region"]]).to_numpy(), "dept": code(source[roles["dept"]]).to_numpy(),
        "sex": code(source[roles["sex"]]).to_numpy(), "age": source[roles["age_class"]].astype("str").str.strip()
        .where(source[roles["age_class"]].notna()).to_numpy(),
        "patients": patients.to_numpy(), "population": population.to_numpy(), "prevalence": prevalence.to_numpy(),
        "age_label": source[roles["age_label"]].astype("str").where(source[roles["age_label"]].notna()).to_numpy()
        if roles["age_label"] else None,
    })
    frame = frame[frame["node"].ne("") & frame["year"].notna()].reset_index(drop=True)
    frame["year"] = frame["year"].astype(int)
    key_columns = ["node", "year", "region", "dept", "sex", "age"]
    duplicated = frame.duplicated(key_columns, keep=False)
    keys_list = list(zip(*(frame[c].tolist() for c in key_columns)))
    index = {k: i for i, (k, dup) in enumerate(zip(keys_list, duplicated.tolist())) if not dup}
    # the tree: every node of the file, and the levels above them even when the file has no total for them
    present = set(frame["node"])
    nodes: dict[str, Node] = {}
    for key in pd.unique(frame["node"]):
        parts = tuple(key.split(SEPARATOR))
        for depth in range(1, len(parts) + 1):
            sub = SEPARATOR.join(parts[:depth])
            if sub not in nodes:
                nodes[sub] = Node(sub, parts[:depth], sub in present)
    ordered = _tree_order(nodes)
    ages = sorted((a for a in frame["age"].dropna().unique() if a != TOTAL_AGE), key=age_order)
    pairs = frame[["age", "age_label"]].dropna().drop_duplicates("age")
    labels = dict(zip(pairs["age"], pairs["age_label"]))
    frame = frame.drop(columns="age_label")
    counts = frame["patients"].dropna()
    return Cube(frame=frame, index=index, nodes=ordered, years=sorted(frame["year"].unique().tolist()), ages=ages,
                age_labels=labels, ambiguous=int(duplicated.sum()), rounded=bool(len(counts)) and
                bool((counts % 10 == 0).all()), prevalence_computed=not roles["prevalence"], roles=roles)


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


# ---- the reader's choices ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    node: str
    year: int
    sex: str
    age: str
    region: str
    dept: str


def home_departement(cube_: Cube, commune_codes: list[str]) -> tuple[str, str] | None:
    """The département of the portal's communes when the file has it: the default territory."""
    depts = {dept_of_commune(c) for c in commune_codes if c}
    pairs = [p for p in cube_.departements if p[1] in depts]
    return pairs[0] if pairs else None


def resolve(cube_: Cube, asked: dict[str, str | None],
            home: tuple[str, str] | None) -> tuple[Selection, list[FilterError]]:
    """The reader's choices from the URL (pathology node, year, sex, age, dept), each checked against the file;
    a choice the file does not have falls back to its default, with a French notice naming its parameter."""
    roles = cube_.roles or Roles({})
    params = {"node": roles["pathology_l1"], "year": roles["year"], "sex": roles["sex"], "age": roles["age_class"],
              "dept": roles["dept"]}
    notes = _Notes(params)
    depts = cube_.departements
    dept_pair = home or cube_.best_covered or (FRANCE_REGION, TOTAL_DEPT)
    if asked.get("dept"):
        wanted = code(pd.Series([asked["dept"]])).iloc[0]
        found = [p for p in depts if p[1] == wanted]
        if found:
            dept_pair = found[0]
        else:
            notes.add("dept", f"le département « {asked['dept']} » n'est pas dans le fichier ; "
                              f"{dept_label(dept_pair[1])} est affiché")
    selectable = [k for k, n in cube_.nodes.items() if n.has_data]
    node = selectable[0] if selectable else ""
    if asked.get("node"):
        if asked["node"] in cube_.nodes and cube_.nodes[asked["node"]].has_data:
            node = asked["node"]
        else:
            notes.add("node", f"la pathologie « {asked['node']} » n'a pas de total dans le fichier ; "
                              f"« {node} » est affichée")
    sex = TOTAL_SEX
    if asked.get("sex"):
        wanted = code(pd.Series([asked["sex"]])).iloc[0]
        if wanted in SEX_LABELS:
            sex = wanted
        else:
            notes.add("sex", f"sexe « {asked['sex']} » inconnu (1 hommes, 2 femmes, 9 tous) ; tous sexes affichés")
    age = TOTAL_AGE
    if asked.get("age"):
        if asked["age"] in cube_.ages or asked["age"] == TOTAL_AGE:
            age = asked["age"]
        else:
            notes.add("age", f"la classe d'âge « {asked['age']} » n'est pas dans le fichier ; tous âges affichés")
    years = [y for y in cube_.years if cube_.cell(node, y, *dept_pair, sex, age) is not None] or cube_.years
    year = years[-1] if years else 0
    if asked.get("year"):
        try:
            wanted_year = int(str(asked["year"]).strip())
        except ValueError:
            wanted_year = None
        if wanted_year in cube_.years:
            year = wanted_year
        else:
            notes.add("year", f"l'année « {asked['year']} » n'est pas dans le fichier ; {year} est affichée")
    return Selection(node, year, sex, age, *dept_pair), notes.errors


class _Notes:
    def __init__(self, params: dict[str, str | None]):
        self.params, self.errors = params, []

    def add(self, choice: str, message: str) -> None:
        self.errors.append(FilterError(f"refine.{self.params[choice]}" if self.params[choice] else choice, message))


def selection_refines(cube_: Cube, selection: Selection) -> list[tuple[str, str]]:
    """The view in the filter grammar, for its extract: the rows of its pathology, year, sex, age and département.
    A level-1 pathology is refined on its first level only, so the extract also holds its sub-levels' rows."""
    roles = cube_.roles
    parts = cube_.nodes[selection.node].parts if selection.node in cube_.nodes else ()
    pairs = [(f"refine.{roles[r]}", p) for r, p in zip(("pathology_l1", "pathology_l2", "pathology_l3"), parts)
             if roles[r]]
    pairs += [(f"refine.{roles['year']}", str(selection.year)), (f"refine.{roles['dept']}", selection.dept),
              (f"refine.{roles['sex']}", selection.sex), (f"refine.{roles['age_class']}", selection.age)]
    return pairs


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
        if prevalence is not None and before is not None:
            change_points = prevalence - before
        then, now = (cube_.value("patients", s.node, y, s.region, s.dept, s.sex, s.age) for y in (first, s.year))
        if then and now is not None:
            change_patients = 100 * (now - then) / then
    return Figures(
        patients=cube_.value("patients", *here), prevalence=prevalence, prevalence_region=region,
        prevalence_france=france, gap_france=prevalence - france if prevalence is not None and france is not None
        else None, first_year=first, change_points=change_points, change_patients=change_patients, change_note=note)


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
    from .query import fold

    return not fold(node.parts[0]).startswith(NOT_PATHOLOGIES)


def ranking(cube_: Cube, s: Selection) -> pd.DataFrame:
    """The pathologies at the chosen one's level (its siblings when it has a parent), by prevalence in the
    département, with France's and the gap in points: columns node, label, prevalence, france, gap, chosen.
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
                     "gap": here - france if france is not None else np.nan, "chosen": key == s.node})
    data = pd.DataFrame(rows, columns=["node", "label", "prevalence", "france", "gap", "chosen"])
    return data.sort_values("prevalence", ascending=False, kind="stable").reset_index(drop=True)


def picker_entries(cube_: Cube, s: Selection) -> list[dict]:
    """The pathology tree for the picker, in order: key, label, level, has_data, and the patients of the
    département for the chosen year (all sexes, all ages) beside each entry."""
    return [{"key": key, "label": node.label, "level": node.level, "has_data": node.has_data,
             "patients": cube_.value("patients", key, s.year, s.region, s.dept)}
            for key, node in cube_.nodes.items()]


# ---- access to care: one value per commune, year and indicator -----------------------------------------------


def indicator_fields(table: Table) -> list[FieldInfo]:
    return [f for f in table.fields if f.role == "indicator"]


def is_access_table(table: Table) -> bool:
    return bool(indicator_fields(table)) and table.role_field("commune") is not None


def access_year(table: Table, wanted: int | None) -> tuple[int | None, str | None]:
    """The year of the access-to-care data to show: the wanted one when the file has it, else the latest
    before it, else the latest; with a note when it is not the wanted one."""
    year_field = table.role_field("year")
    if year_field is None:
        return None, None
    years = sorted(pd.to_numeric(table.frame[year_field.name], errors="coerce").dropna().astype(int).unique())
    if not years:
        return None, None
    if wanted in years or wanted is None:
        return (wanted if wanted is not None else years[-1]), None
    earlier = [y for y in years if y < wanted]
    chosen = earlier[-1] if earlier else years[-1]
    return chosen, f"l'offre de soins n'est pas connue pour {wanted} : l'année {chosen} est affichée"


def _access_frame(table: Table, indicator: str) -> pd.DataFrame:
    """Every year's values of one indicator: year, code, name, value, population (NaN when missing), one row
    per commune and year (a commune listed twice for a year is an error in the file: its first row is kept).
    Built once per loaded table and indicator."""
    key = f"sante_access:{indicator}"
    if key not in table.extra:
        frame = table.frame
        year_field, code_field, name_field, pop_field = (table.role_field(r) for r in
                                                         ("year", "commune", "commune_name", "population"))
        data = pd.DataFrame({
            "year": pd.to_numeric(frame[year_field.name], errors="coerce").to_numpy() if year_field else np.nan,
            "code": frame[code_field.name].astype("str").to_numpy(),
            "name": frame[(name_field or code_field).name].astype("str").to_numpy(),
            "value": pd.to_numeric(frame[indicator], errors="coerce").to_numpy(dtype="float64"),
            "population": pd.to_numeric(frame[pop_field.name], errors="coerce").to_numpy(dtype="float64")
            if pop_field is not None else np.nan,
        })
        table.extra[key] = data.drop_duplicates(["year", "code"]).reset_index(drop=True)
    return table.extra[key]


def commune_values(table: Table, indicator: str, year: int | None) -> pd.DataFrame:
    """One row per commune for the indicator and year: code, name, value, population, the highest value first."""
    data = _access_frame(table, indicator)
    if year is not None and data["year"].notna().any():
        data = data[data["year"] == year]
    data = data.drop(columns="year").drop_duplicates("code")
    return data.sort_values(["value", "name"], ascending=[False, True], na_position="last").reset_index(drop=True)


def overall_value(data: pd.DataFrame) -> tuple[float | None, str]:
    """The whole territory's value: the mean weighted by population when the file has it, else the median;
    with the words that say which."""
    known = data.dropna(subset=["value"])
    if known.empty:
        return None, ""
    weights = known["population"]
    if weights.notna().all() and weights.sum() > 0:
        return float((known["value"] * weights).sum() / weights.sum()), "moyenne pondérée par la population"
    return float(known["value"].median()), "médiane des communes"


def evolution(table: Table, indicator: str, commune: str | None) -> pd.DataFrame:
    """The indicator per year for the whole territory and, when one is chosen, for a commune: columns x (year),
    series, value."""
    key = f"sante_evolution:{indicator}:{commune}"
    if key in table.extra:
        return table.extra[key]
    data = _access_frame(table, indicator).dropna(subset=["year"])
    rows = []
    for year, part in data.groupby("year", sort=True):
        overall, words = overall_value(part)
        if overall is not None:
            rows.append({"x": int(year), "series": f"ensemble des communes ({words})", "value": overall})
        here = part[part["code"] == commune] if commune else part.iloc[:0]
        if len(here) and pd.notna(here["value"].iloc[0]):
            rows.append({"x": int(year), "series": str(here["name"].iloc[0]), "value": float(here["value"].iloc[0])})
    if len(table.extra) > 200:  # a bounded memo: one entry per indicator and chosen commune
        for stale in [k for k in list(table.extra) if k.startswith("sante_evolution:")][:100]:
            table.extra.pop(stale, None)
    table.extra[key] = pd.DataFrame(rows, columns=["x", "series", "value"])
    return table.extra[key]


# ---- in words: the charts' summaries and the figures' formats ------------------------------------------------


def percent(value: float | None, digits: int = 1) -> str:
    return "non disponible" if value is None or value != value else \
        f"{value:.{digits}f}\u202f%".replace(".", ",")


def points(value: float | None) -> str:
    if value is None or value != value:
        return "non disponible"
    word = "point" if abs(value) < 2 else "points"
    return f"{value:+.1f} {word}".replace(".", ",").replace("-", "−")


def trend_summary(data: pd.DataFrame, cube_: Cube) -> str:
    years = sorted(data.dropna(subset=["value"])["x"].unique()) if not data.empty else []
    if len(cube_.years) < 2:
        return (f"Le fichier n'a qu'une année ({cube_.years[0] if cube_.years else '—'}) : il ne permet pas de "
                "suivre l'évolution de la prévalence.")
    if len(years) < 2:
        return "Moins de deux années ont une valeur pour cette sélection : pas d'évolution à tracer."
    parts = []
    for series, part in data.dropna(subset=["value"]).groupby("series", sort=False):
        part = part.sort_values("x")
        first, last = part.iloc[0], part.iloc[-1]
        parts.append(f"{series} : {percent(first['value'])} en {first['x']}, {percent(last['value'])} en {last['x']}")
    gaps = int(data["value"].isna().sum())
    missing = f" {gaps} valeur(s) manquent dans le fichier : la courbe est interrompue." if gaps else ""
    return f"Prévalence de {years[0]} à {years[-1]}. " + " ; ".join(parts) + "." + missing


def pyramid_summary(data: pd.DataFrame) -> str:
    known = data.dropna(subset=["hommes", "femmes"], how="all")
    if known.empty:
        return "Le fichier n'a pas de valeur par âge et par sexe pour cette sélection."
    missing = len(data) - len(data.dropna(subset=["hommes", "femmes"]))
    peak = {sex: known.loc[known[sex].idxmax()] for sex in ("hommes", "femmes") if known[sex].notna().any()}
    words = [f"chez les {sex}, la prévalence la plus forte est {percent(row[sex])} ({row['label']})"
             for sex, row in peak.items()]
    gaps = f" {missing} classe(s) d'âge sur {len(data)} n'ont pas de valeur pour l'un des sexes dans le fichier." \
        if missing else ""
    return "Par classe d'âge dans le département : " + " ; ".join(words) + "." + gaps


def ranking_summary(data: pd.DataFrame, place: str) -> str:
    if data.empty:
        return "Aucune pathologie de ce niveau n'a de valeur pour cette sélection."
    top = data.iloc[0]
    above = data[data["gap"] > 0]
    known = int(data["gap"].notna().sum())
    count = f"{len(data)} pathologie{'s' if len(data) > 1 else ''} classée{'s' if len(data) > 1 else ''}"
    france = (f"{len(above)} sur {known} sont au-dessus de la France." if known else
              "La France n'est pas dans le fichier pour cette sélection : pas de comparaison possible.")
    return (f"{count} par prévalence en {place} ; la plus fréquente : {top['label']} "
            f"({percent(top['prevalence'])}). {france}")


def access_summary(data: pd.DataFrame, label: str, unit: str, overall: float | None, words: str) -> str:
    known = data.dropna(subset=["value"])
    if known.empty:
        return f"Aucune valeur de « {label} » pour cette année."
    high, low = known.iloc[0], known.iloc[-1]
    unit = f" {unit}" if unit else ""
    value = lambda v: f"{v:.1f}".replace(".", ",") + unit  # noqa: E731
    missing = len(data) - len(known)
    return (f"{label} : de {value(low['value'])} ({low['name']}) à {value(high['value'])} ({high['name']}) ; "
            f"{value(overall)} pour l'ensemble ({words})." + (f" {missing} commune(s) sans valeur." if missing else ""))


# ---- the page's controls, in the filter grammar ----------------------------------------------------------------

CHOICE_ROLES = {"year": "year", "sex": "sex", "age": "age_class", "dept": "dept"}
LEVEL_ROLES = ("pathology_l1", "pathology_l2", "pathology_l3")


def asked_choices(params: dict, roles: Roles) -> dict[str, str | None]:
    """The reader's choices as the URL gives them (refine.<field> of each role; a repeated one counts once)."""
    def last(role: str):
        value = params.get(f"refine.{roles[role]}") if roles[role] else None
        return value[-1] if isinstance(value, list) else value

    given = [last(r) for r in LEVEL_ROLES]
    parts = node_parts(*given)
    # levels without the first one name no node of the tree: kept as asked, so the page says so
    node = SEPARATOR.join(parts) or SEPARATOR.join(str(g) for g in given if g) or None
    return {"node": node, **{k: last(r) for k, r in CHOICE_ROLES.items()}}


def choice_params(roles: dict[str, str], choice: str, value) -> dict[str, str | None]:
    """The grammar parameters a control writes: a pathology writes its levels (and clears the deeper ones)."""
    roles = roles if isinstance(roles, dict) else {}
    if choice == "node":
        parts = str(value).split(SEPARATOR) if value else []
        return {f"refine.{roles[r]}": (parts[i] if i < len(parts) else None) for i, r in enumerate(LEVEL_ROLES)
                if roles.get(r)}
    role = roles.get(CHOICE_ROLES.get(choice, ""))
    return {f"refine.{role}": None if value in (None, "") else str(value)} if role else {}


def evolution_summary(data: pd.DataFrame, label: str, unit: str) -> str:
    """The access-to-care evolution in words: each series' first and last value."""
    def value(v: float) -> str:
        return f"{v:.1f}".replace(".", ",")

    parts = [f"{series} : {value(part['value'].iloc[0])} en {part['x'].iloc[0]}, "
             f"{value(part['value'].iloc[-1])} en {part['x'].iloc[-1]}"
             for series, part in ((s, p.sort_values("x")) for s, p in data.groupby("series", sort=False))]
    return f"{label}{' (' + unit + ')' if unit else ''} par année. " + " ; ".join(parts) + "."
