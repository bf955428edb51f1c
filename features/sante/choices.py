"""The Santé dashboard's choices: the reader's pathology, year, sex, age and département, read from the URL (the
filter grammar's refine.<field> of each role), checked against the file, and written back as the page's
parameters and its extract's filters."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_access.geometry.territoires import dept_of_commune
from data_access.query import FilterError, last
from features.sante.data import (FRANCE_REGION, SEPARATOR, SEX_LABELS, TOTAL_AGE, TOTAL_DEPT, TOTAL_SEX, Cube, Roles,
                                 code, dept_label, node_parts)


@dataclass(frozen=True)
class Selection:
    """What the reader looks at: a pathology node, a year, a sex, an age class and a département."""

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




# ---- the page's controls, in the filter grammar ----------------------------------------------------------------

CHOICE_ROLES = {"year": "year", "sex": "sex", "age": "age_class", "dept": "dept"}
LEVEL_ROLES = ("pathology_l1", "pathology_l2", "pathology_l3")


def asked_choices(params: dict, roles: Roles) -> dict[str, str | None]:
    """The reader's choices as the URL gives them (refine.<field> of each role; a repeated one counts once)."""
    def asked(role: str):
        return last(params.get(f"refine.{roles[role]}")) if roles[role] else None

    given = [asked(r) for r in LEVEL_ROLES]
    parts = node_parts(*given)
    # levels without the first one name no node of the tree: kept as asked, so the page says so
    node = SEPARATOR.join(parts) or SEPARATOR.join(str(g) for g in given if g) or None
    return {"node": node, **{k: asked(r) for k, r in CHOICE_ROLES.items()}}


def choice_params(roles: dict[str, str], choice: str, value) -> dict[str, str | None]:
    """The grammar parameters a control writes: a pathology writes its levels (and clears the deeper ones)."""
    roles = roles if isinstance(roles, dict) else {}
    if choice == "node":
        parts = str(value).split(SEPARATOR) if value else []
        return {f"refine.{roles[r]}": (parts[i] if i < len(parts) else None) for i, r in enumerate(LEVEL_ROLES)
                if roles.get(r)}
    role = roles.get(CHOICE_ROLES.get(choice, ""))
    return {f"refine.{role}": None if value in (None, "") else str(value)} if role else {}
