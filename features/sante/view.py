"""What the Santé dashboard shows for a URL, as one frozen view model built by `build`: the pathologies file, the
selection (pathology, year, sex, age, département), its key figures, trend, pyramid and ranking, the access to care
per commune, and the notices; or `Indisponible` and why. The page, the embeds and the stories only lay it out."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data_access.catalogue.model import Dataset
from data_access.french import format_int
from data_access.geometry.geo import commune_outlines
from data_access.query import FilterError, last, parse_query, query_pairs
from data_access.readers.base import Table
from data_access.repository import Repository
from data_access.tableaux import ChiffreCle, Indisponible, preambule, slug
from features.sante import access as sante_access
from features.sante import cells as sante_cells
from features.sante import choices as sante_choices
from features.sante import data as sante
from features.sante import words as sante_words

PATH = "/tableaux-de-bord/sante"
PAGE_PARAMS = ("jeu", "indicateur", "commune")  # the page's own parameters (outside the filter grammar)
NONE = ("Aucun jeu de données de pathologies n'alimente ce tableau de bord : il faut une entrée du catalogue avec "
        "dashboard = \"sante\" et le rôle pathology_l1.")
# The key figures' labels, by their stable key (embeds and stories name a figure by its key, never its label).
LABELS = {"patients": "patients en {year}", "prevalence": "prévalence, {dept}", "prevalence-region":
          "prévalence, {region}", "prevalence-france": "prévalence, France", "ecart-a-la-france": "écart à la France",
          "evolution": "évolution", "evolution-depuis": "évolution depuis {year}"}


@dataclass(frozen=True)
class VueSante:
    """The dashboard for one URL: every part's data, computed once."""

    choices: tuple[Dataset, ...]
    dataset: Dataset
    table: Table  # its fields and notes, without rows (Repository.described)
    roles: sante.Roles
    cube: sante.Cube
    selection: sante_choices.Selection
    figures: sante.Figures
    trend: pd.DataFrame
    extract: list  # the pathologies extract's parameters
    rows: int  # the extract's rows
    access: sante_access.AccessView
    errors: list = field(default_factory=list)
    access_evolution: pd.DataFrame | None = None  # the chosen commune's (or all communes') indicator by year
    access_base: list = field(default_factory=list)  # the URL's pairs but `commune`, for the ranking's links
    versions: dict = field(default_factory=dict)  # dataset id -> its version, for the map's addresses

    @property
    def node(self) -> sante.Node:
        return self.cube.nodes[self.selection.node]

    @property
    def place(self) -> str:
        return sante.dept_label(self.selection.dept)

    @property
    def who(self) -> str:
        return f"{sante.SEX_LABELS[self.selection.sex]}, {sante.age_label(self.cube, self.selection.age)}"

    @property
    def access_dataset(self) -> Dataset | None:
        return None if self.access.unavailable else self.access.dataset


def choices(repository: Repository) -> list:
    """The datasets the dashboard can show (its picker's): pathologies by territory."""
    return [d for d in repository.catalogue.datasets if d.dashboard == "sante" and d.role_field("pathology_l1")]


def build(repository: Repository, params: dict) -> VueSante | Indisponible:
    """The dashboard's view model for a URL's parameters."""
    ready = preambule(repository, choices(repository), last(params.get("jeu")), none=NONE, find_roles=sante.find_roles,
                      rows=False)  # the figures are the engine's (features/sante/cells.py): no rows held here
    if isinstance(ready, Indisponible):
        return ready
    dataset, table, roles = ready.dataset, ready.table, ready.roles
    errors = list(ready.errors)
    backend = repository.backend(dataset.id)
    shape = sante_cells.forme(backend, roles)
    outlines = commune_outlines(repository)
    home = sante_choices.home_departement(shape.facts, outlines[1].frame[outlines[1].role_field("commune").name]
                                          .astype("str").tolist() if outlines else [])
    asked = sante_choices.asked_choices(params, roles)
    place, _ = sante_choices.resolve(shape.facts, asked, home)  # the year comes from the cells, read next
    cube = sante_cells.cube(backend, roles, shape, place)
    selection, choice_errors = sante_choices.resolve(cube, asked, home)
    errors += choice_errors
    known = {f"refine.{roles[r]}" for r in (*sante_choices.LEVEL_ROLES, *sante_choices.CHOICE_ROLES.values())
             if roles[r]}
    errors += [FilterError(k, "ce paramètre n'a pas de sens sur ce tableau de bord ; il est ignoré")
               for k in params if k not in known and k not in PAGE_PARAMS]
    extract = sante_choices.selection_refines(cube, selection)
    rows = backend.count(parse_query(extract, table.fields)[0])
    access = sante_access.access_view(repository, params, selection.year, errors)
    evolution, versions = None, {}
    if not access.unavailable:
        evolution = sante_access.evolution(access.table, access.indicator.name, access.commune, access.territory)
        if access.outlines is not None:
            versions[access.outlines[0].id] = repository.version(access.outlines[0].id)
    return VueSante(choices=ready.choices, dataset=dataset, table=table, roles=roles, cube=cube, selection=selection,
                    figures=sante.key_figures(cube, selection), trend=sante.trend(cube, selection), extract=extract,
                    rows=rows, access=access, errors=errors, access_evolution=evolution,
                    access_base=[(k, v) for k, v in query_pairs(params) if k != "commune"], versions=versions)


def chiffres(vue: VueSante) -> list[ChiffreCle]:
    """The key figures, each under its stable key (LABELS), in the page's order; each readable by a citizen."""
    figures, s = vue.figures, vue.selection
    dept, region = sante.dept_label(s.dept), sante.region_label(s.region)
    items = [
        ChiffreCle("patients", format_int(figures.patients) if figures.patients is not None else "non disponible",
                   LABELS["patients"].format(year=s.year),
                   f"personnes prises en charge pour cette pathologie, {dept}, {vue.who}",
                   aliases=(f"patients-en-{s.year}",)),
        ChiffreCle("prevalence", sante_words.percent(figures.prevalence), LABELS["prevalence"].format(dept=dept),
                   "part de la population de référence (personnes ayant eu des soins remboursés) prise en charge",
                   aliases=(f"prevalence-{slug(dept)}",)),
        ChiffreCle("prevalence-region", sante_words.percent(figures.prevalence_region),
                   LABELS["prevalence-region"].format(region=region), "la même part dans toute la région",
                   aliases=(f"prevalence-{slug(region)}",)),
        ChiffreCle("prevalence-france", sante_words.percent(figures.prevalence_france), LABELS["prevalence-france"],
                   "la même part en France entière"),
        ChiffreCle("ecart-a-la-france", sante_words.points(figures.gap_france), LABELS["ecart-a-la-france"],
                   "prévalence du département moins celle de la France, en points de pourcentage"),
    ]
    if figures.change_note:
        items.append(ChiffreCle("evolution", "non calculable", LABELS["evolution"], figures.change_note))
        return items
    change = round(figures.change_patients) if figures.change_patients is not None else None
    patients = "" if change is None else " ; patients stables" if change == 0 else \
        f" ; patients {change:+d}\u202f%".replace("-", "−")
    items.append(ChiffreCle("evolution", sante_words.points(figures.change_points),
                            LABELS["evolution-depuis"].format(year=figures.first_year),
                            f"prévalence de {s.year} moins celle de {figures.first_year}, dans le "
                            f"département{patients}", aliases=(f"evolution-depuis-{figures.first_year}",)))
    return items
