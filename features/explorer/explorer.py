"""The catalogue explorer's logic: per-dataset summaries, search, facets with counts and sorting (pure)."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping

from data_access.cache import SharedCache, remembered
from data_access.catalogue.model import Catalogue, Dataset
from data_access.extracts.writers import formats_for
from data_access.history.freshness import LABELS, STATES, Freshness, freshness_from, kept_change
from data_access.history.versions import INDEX, history_dir
from data_access.query import FilterError, fold, query_pairs
from data_access.repository import DatasetUnavailable, Repository, file_version

FACETS = ("theme", "keyword", "publisher", "format", "map", "freshness")
FACET_LABELS = {"theme": "Thème", "keyword": "Mot-clé", "publisher": "Producteur", "format": "Format de la source",
                "map": "Carte", "freshness": "Fraîcheur"}
# the facets whose values are a fixed list, shown in its order (not by count); another value is refused
FIXED_VALUES = {"freshness": tuple(LABELS[state] for state in STATES)}
SORTS = {"title": "titre (A → Z)", "-modified": "mise à jour (récente d'abord)", "-rows": "nombre de lignes"}
DEFAULT_SORT = "title"
WITH_MAP, WITHOUT_MAP = "avec carte", "sans carte"


@dataclass(frozen=True)
class DatasetSummary:
    """What a catalogue card says of a dataset that only its data can tell."""

    id: str
    rows: int | None  # None when unavailable
    has_map: bool
    formats: tuple[str, ...]  # the extract formats it offers
    reason: str | None  # why it is unavailable
    kept: str | None = None  # the day (ISO) the history's newest version was kept: the content's last change
    freshness: Freshness | None = None  # HDX's state on the day asked (dataset_summaries' `today`), if it has one


def compute_summaries(repository: Repository) -> dict[str, DatasetSummary]:
    """From each dataset's manifest and its history's index: no table is read (the first use of a version converts
    it, once)."""
    summaries = {}
    for dataset in repository.catalogue.datasets:
        reason = repository.unavailable_reason(dataset.id)
        served = None
        if reason is None:
            try:
                served = repository.served(dataset.id)
            except DatasetUnavailable as exc:
                reason = str(exc)
        kept = kept_change(repository.served_store.folder, dataset.id)
        summaries[dataset.id] = DatasetSummary(
            id=dataset.id, rows=served.rows if served is not None else None,
            has_map=served is not None and served.geometry_field is not None,
            formats=formats_for(served) if served is not None else (), reason=reason,
            kept=kept.isoformat() if kept else None)
    return summaries


def dataset_summaries(repository: Repository, cache: SharedCache | None = None, today: dt.date | None = None
                      ) -> dict[str, DatasetSummary]:
    """compute_summaries, shared through `cache` (the portal's) until a dataset's file or its history's index
    changes; with `today`, each dataset's freshness on that day, from its summary (no history is read again)."""
    raw = remembered(cache, "_cached_summaries", summaries_key(repository),
                     lambda: {k: asdict(v) for k, v in compute_summaries(repository).items()})
    return {k: _summary(v, repository.catalogue.get(k), today) for k, v in raw.items()}


def summaries_key(repository: Repository) -> tuple:
    """What the summaries depend on: the catalogue's folder, each dataset's file and its history's index."""
    served_dir = repository.served_store.folder
    return (str(repository.catalogue.data_dir), tuple(
        (repository.version(d.id), file_version(history_dir(served_dir, d.id) / INDEX))
        for d in repository.catalogue.datasets))


def _summary(raw: dict, dataset: Dataset | None, today: dt.date | None) -> DatasetSummary:
    kept = dt.date.fromisoformat(raw["kept"]) if raw.get("kept") else None
    fresh = freshness_from(dataset, kept, today) if dataset is not None and today is not None else None
    return DatasetSummary(**{**raw, "formats": tuple(raw["formats"]), "freshness": fresh})


@dataclass(frozen=True)
class CatalogueQuery:
    q: str | None = None
    refine: tuple[tuple[str, tuple[str, ...]], ...] = ()
    sort: str = DEFAULT_SORT

    def selected(self, facet: str) -> tuple[str, ...]:
        return dict(self.refine).get(facet, ())

    def pairs(self) -> list[tuple[str, str]]:
        """The query as URL parameters, in a stable order."""
        pairs = [("q", self.q)] if self.q else []
        pairs += [(f"refine.{facet}", v) for facet, values in self.refine for v in values]
        if self.sort != DEFAULT_SORT:
            pairs.append(("sort", self.sort))
        return pairs

    def toggled(self, facet: str, value: str) -> "CatalogueQuery":
        """The same query with `value` of `facet` selected if it was not, unselected if it was."""
        refine = dict(self.refine)
        values = refine.get(facet, ())
        refine[facet] = tuple(v for v in values if v != value) if value in values else values + (value,)
        ordered = tuple((f, refine[f]) for f in FACETS if refine.get(f))
        return CatalogueQuery(q=self.q, refine=ordered, sort=self.sort)

    def with_sort(self, sort: str) -> "CatalogueQuery":
        return CatalogueQuery(q=self.q, refine=self.refine, sort=sort)

    def with_q(self, text: str | None) -> "CatalogueQuery":
        return CatalogueQuery(q=(text or "").strip()[:200] or None, refine=self.refine, sort=self.sort)


def parse_catalogue_query(source: str | Mapping[str, Any] | Iterable[tuple[str, str]] | None
                          ) -> tuple[CatalogueQuery, list[FilterError]]:
    """q, refine.<facet> (repeatable) and sort; unknown refine facets and sorts are reported and ignored."""
    errors: list[FilterError] = []
    q = None
    refine: dict[str, list[str]] = {}
    sort = DEFAULT_SORT
    for key, value in query_pairs(source):
        if key == "q":
            q = value.strip()[:200] or None
        elif key == "sort":
            if value in SORTS:
                sort = value
            else:
                errors.append(FilterError("sort", f"tri « {value} » inconnu (possibles : {', '.join(SORTS)})"))
        elif key.startswith("refine."):
            facet = key.removeprefix("refine.")
            if facet not in FACETS:
                errors.append(FilterError(key, f"facette inconnue « {facet} »"))
            elif facet in FIXED_VALUES and value and value not in FIXED_VALUES[facet]:
                errors.append(FilterError(key, f"valeur « {value} » inconnue (possibles : "
                                               f"{', '.join(FIXED_VALUES[facet])})"))
            elif value and value not in refine.setdefault(facet, []):
                refine[facet].append(value)
    ordered = tuple((f, tuple(refine[f])) for f in FACETS if refine.get(f))
    return CatalogueQuery(q=q, refine=ordered, sort=sort), errors


def facet_values(dataset: Dataset, summary: DatasetSummary | None, facet: str) -> tuple[str, ...]:
    if facet == "theme":
        return (dataset.theme,)
    if facet == "keyword":
        return dataset.keywords
    if facet == "publisher":
        return (dataset.publisher,) if dataset.publisher else ()
    if facet == "format":
        return (dataset.format,)
    if facet == "freshness":  # only a dataset that declares a frequency has one
        return (summary.freshness.label,) if summary and summary.freshness else ()
    return (WITH_MAP if summary and summary.has_map else WITHOUT_MAP,)


def _matches_text(dataset: Dataset, words: list[str]) -> bool:
    haystack = fold(" ".join([dataset.title, dataset.description, " ".join(dataset.keywords), dataset.theme]))
    return all(word in haystack for word in words)


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class CatalogueResult:
    datasets: tuple[Dataset, ...]
    facets: tuple[tuple[str, tuple[FacetValue, ...]], ...]
    total: int  # datasets in the catalogue


def search_catalogue(catalogue: Catalogue, summaries: Mapping[str, DatasetSummary],
                     query: CatalogueQuery, value_matches: Mapping[str, object] | None = None) -> CatalogueResult:
    """The datasets matching the query (by what the catalogue says of them, or by the values of their facets:
    `value_matches`, the search index's answer), and for each facet its values with the counts they would give
    (counted with every other facet applied: OR within a facet, AND across facets)."""
    words = fold(query.q).split() if query.q else []
    by_value = value_matches or {}
    candidates = [d for d in catalogue.datasets if _matches_text(d, words) or d.id in by_value]

    def keeps(dataset: Dataset, skip: str | None = None) -> bool:
        for facet, values in query.refine:
            if facet != skip and not set(values) & set(facet_values(dataset, summaries.get(dataset.id), facet)):
                return False
        return True

    facets = []
    for facet in FACETS:
        counts: dict[str, int] = {}
        for dataset in candidates:
            if keeps(dataset, skip=facet):
                for value in facet_values(dataset, summaries.get(dataset.id), facet):
                    counts[value] = counts.get(value, 0) + 1
        for value in query.selected(facet):  # a selected value stays visible even at zero
            counts.setdefault(value, 0)
        fixed = FIXED_VALUES.get(facet)
        ordered = sorted(counts.items(), key=lambda item: (fixed.index(item[0]), 0) if fixed else
                         (-item[1], fold(item[0])))
        facets.append((facet, tuple(FacetValue(v, c, v in query.selected(facet)) for v, c in ordered)))
    found = [d for d in candidates if keeps(d)]
    if query.sort == "-modified":
        found.sort(key=lambda d: (d.modified is None, -(d.modified.toordinal() if d.modified else 0), fold(d.title)))
    elif query.sort == "-rows":
        found.sort(key=lambda d: (-(summaries[d.id].rows or -1) if d.id in summaries else 1, fold(d.title)))
    else:
        found.sort(key=lambda d: fold(d.title))
    return CatalogueResult(datasets=tuple(found), facets=tuple(facets), total=len(catalogue.datasets))
