"""Figures about the whole portal for the home page: counts from the catalogue and from the data."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from data_access.cache import SharedCache, remembered
from data_access.catalogue.model import Catalogue, Dataset
from data_access.repository import DatasetUnavailable, Repository


@dataclass(frozen=True)
class KeyFigures:
    datasets: int
    available: int
    themes: int
    records: int
    geo_datasets: int
    communes: int | None  # None when no dataset declares the roles `commune` and `population`
    population: int | None


def _territory_dataset(catalogue: Catalogue) -> Dataset | None:
    """The dataset that lists the communes with their population, found by roles, never by name."""
    return next((d for d in catalogue.datasets if d.role_field("commune") and d.role_field("population")
                 and not d.role_field("year")), None)


def _territory_figures(repository: Repository) -> tuple[int | None, int | None]:
    """Communes and population from the territory dataset, asked of the engine through the roles its fields
    carry. A role that matches no column, or a population that is not a number, hides the figure: never an
    error."""
    from data_access.query import Query

    territory = _territory_dataset(repository.catalogue)
    if territory is None or repository.unavailable_reason(territory.id):
        return None, None
    try:
        backend = repository.backend(territory.id)
    except DatasetUnavailable:
        return None, None
    commune, population = (next((f for f in backend.fields if f.role == r), None) for r in ("commune", "population"))
    if commune is None or population is None or not population.is_numeric:
        return None, None
    figures = backend.aggregate(Query(), [], [("communes", "count_distinct", commune.name),
                                              ("population", "sum", population.name)]).to_pylist()[0]
    return int(figures["communes"]), int(figures["population"] or 0)


def compute_key_figures(repository: Repository, cache: SharedCache | None = None) -> KeyFigures:
    """The figures, from the datasets' summaries (shared through `cache`) and the territory dataset."""
    from features.explorer.explorer import dataset_summaries

    catalogue = repository.catalogue
    available = [s for s in dataset_summaries(repository, cache).values() if s.reason is None]
    communes, population = _territory_figures(repository)
    return KeyFigures(datasets=len(catalogue.datasets), available=len(available), themes=len(catalogue.themes),
                      records=sum(s.rows or 0 for s in available), geo_datasets=sum(s.has_map for s in available),
                      communes=communes, population=population)


def key_figures(repository: Repository, cache: SharedCache | None = None) -> KeyFigures:
    """compute_key_figures, shared through `cache` (the portal's) until a dataset's file changes."""
    versions = tuple(repository.version(d.id) for d in repository.catalogue.datasets)
    return KeyFigures(**remembered(cache, "_cached_key_figures", (str(repository.catalogue.data_dir), versions),
                                   lambda: asdict(compute_key_figures(repository, cache))))


def latest_datasets(catalogue: Catalogue, count: int = 5) -> list[Dataset]:
    dated = [d for d in catalogue.datasets if d.modified]
    return sorted(dated, key=lambda d: (d.modified, d.title), reverse=True)[:count]


def theme_counts(catalogue: Catalogue) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for dataset in catalogue.datasets:
        counts[dataset.theme] = counts.get(dataset.theme, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
