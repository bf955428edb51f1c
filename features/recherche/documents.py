"""What the site-wide search can find, as plain documents: the datasets (title, description, keywords, theme, field
names and labels), the values of their facet fields (« Diabète » in « Pathologie »), the stories and the communes.
The dashboards and their sections come from the web layer (their registry draws): it passes them in, already
plain. Each document links to the view already filtered."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from data_access.catalogue.model import Dataset
from data_access.query import Query
from data_access.repository import DatasetUnavailable, Repository

log = logging.getLogger(__name__)

# the groups of the results page, in its order, with their headings
GROUPS = {"tableau": "Tableaux de bord", "jeu": "Jeux de données", "valeur": "Jeux de données",
          "recit": "Récits", "commune": "Communes"}
MAX_VALUES_PER_FIELD = 5_000  # a facet field of more values (free text, ids) is not worth indexing value by value
MAX_VALUE_LENGTH = 200
# the dashboards whose address takes the dataset's filter grammar, and for which fields
REFINED_DASHBOARDS = {"travaux": None, "sante": ("pathology_l1", "pathology_l2", "pathology_l3")}


@dataclass(frozen=True)
class Document:
    """One thing the search finds: its group (`kind`), its title, the text it is found by, its address, a detail
    line (« Diabète » in « Pathologie »), and a second address (the dashboard on that value) when there is one."""

    kind: str
    title: str
    text: str
    url: str
    detail: str = ""
    also_url: str = ""
    also_label: str = ""
    by_title: bool = True  # found by its title too (a value is found by itself, not by its dataset's title)


def dataset_documents(dataset: Dataset, fields) -> list[Document]:
    """The dataset itself, found by what the catalogue and its fields say of it."""
    words = [dataset.description, " ".join(dataset.keywords), dataset.theme, dataset.publisher or "",
             " ".join(f"{f.label} {f.name}" for f in fields)]
    return [Document("jeu", dataset.title, " ".join(words), f"/jeux-de-donnees/{dataset.id}",
                     detail=dataset.theme)]


def value_documents(dataset: Dataset, backend, fields) -> list[Document]:
    """One document per value of each facet field: the dataset page refined on it, and the dashboard the dataset
    feeds on that value when its address takes the filter."""
    found = backend.facets(Query(), list(fields))  # every row: the values as the file holds them
    documents = []
    for field in fields:
        values = found.get(field.name, [])
        if len(values) > MAX_VALUES_PER_FIELD:
            continue
        for value, rows in values:
            text = str(value).strip()
            if not text or len(text) > MAX_VALUE_LENGTH:
                continue
            refine = [(f"refine.{field.name}", text)]
            also_url, also_label = _dashboard_link(dataset, field, refine)
            documents.append(Document(
                "valeur", dataset.title, text, f"/jeux-de-donnees/{dataset.id}?" + urlencode(refine),
                detail=f"« {text} » dans « {field.label} » ({rows:,} ligne{'s' if rows > 1 else ''})".replace(
                    ",", "\u202f"), also_url=also_url, also_label=also_label, by_title=False))
    return documents


def _dashboard_link(dataset: Dataset, field, refine: list[tuple[str, str]]) -> tuple[str, str]:
    if dataset.dashboard not in REFINED_DASHBOARDS:
        return "", ""
    roles = REFINED_DASHBOARDS[dataset.dashboard]
    if roles is not None and not any(dataset.role_field(role) == field.name for role in roles):
        return "", ""
    label = {"travaux": "Travaux", "sante": "Santé"}[dataset.dashboard]
    # `jeu` names the dataset even when it is the dashboard's first: the link means this file, whatever comes
    return f"/tableaux-de-bord/{dataset.dashboard}?" + urlencode([("jeu", dataset.id)] + refine), \
        f"Tableau de bord {label}"


def catalogue_documents(repository: Repository) -> list[Document]:
    """Every dataset and the values of its facet fields; a dataset that cannot be read is found by its
    description only (the search never fails for one file)."""
    from data_access.dataset_view import facet_fields

    documents: list[Document] = []
    for dataset in repository.catalogue.datasets:
        try:
            backend = repository.backend(dataset.id)
        except DatasetUnavailable:
            documents += dataset_documents(dataset, [])
            continue
        fields = facet_fields(backend)
        documents += dataset_documents(dataset, backend.fields)
        try:
            values = value_documents(dataset, backend, fields)
        except Exception:  # noqa: BLE001 — one dataset's values must not take the search down
            log.exception("recherche : valeurs du jeu « %s » non indexées", dataset.id)
            continue
        documents += values
    return documents


def story_documents(stories) -> list[Document]:
    return [Document("recit", s.title, " ".join([s.summary, s.theme, s.author, s.body[:4000]]),
                     f"/recits/{s.slug}", detail=s.summary) for s in stories]


def commune_documents(repository: Repository) -> list[Document]:
    """The Métropole's communes, by name and INSEE code: each opens its page."""
    from data_access.geometry.geo import commune_outlines, commune_rows

    outlines = commune_outlines(repository)
    if outlines is None:
        return []
    lines = commune_rows(outlines[1]).drop_duplicates("code")
    return [Document("commune", str(name), f"{name} {code}", f"/communes/{code}", detail=f"code INSEE {code}")
            for code, name in zip(lines["code"], lines["name"])]
