"""The search as the pages ask it: the index of the current data (built on first need, once for every worker, on
disk beside the served files) and the answer to a query, with the addresses when the catalogue has some."""
from __future__ import annotations

import fcntl
import logging
import threading
import time
from pathlib import Path

from data_access.repository import DatasetUnavailable, Repository
from features.recherche.documents import Document, catalogue_documents, commune_documents, story_documents
from features.recherche.index import Answer, Hit, build, index_path, search

log = logging.getLogger(__name__)
MAX_ADDRESSES = 5
_building = threading.Lock()


def index_parts(repository: Repository, dashboards: list[Document], stories) -> tuple:
    """What the index is built from: each dataset's file version, the stories' files, the dashboards' sections."""
    catalogue = repository.catalogue
    return (str(catalogue.data_dir), repository.data_version(),
            stories.stamp, tuple(dashboards))


def current_index(repository: Repository, dashboards: list[Document]) -> Path:
    """The index for the data as it is now: built when missing, under a lock every process of the host shares
    (a second worker waits, then reads the file the first wrote)."""
    from features.recits.data import load_stories

    stories = load_stories(repository.catalogue.data_dir)
    folder = repository.served_store.folder / "recherche"
    path = index_path(folder, index_parts(repository, dashboards, stories))
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    with _building, open(folder / ".construction.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            started = time.perf_counter()
            documents = dashboards + catalogue_documents(repository) + story_documents(stories.stories) \
                + commune_documents(repository)
            build(path, documents)
            log.info("index de recherche construit : %d documents en %.0f ms", len(documents),
                     (time.perf_counter() - started) * 1000)
    return path


def find(repository: Repository, dashboards: list[Document], query: str) -> Answer:
    """The answer to `query`, the addresses that match it added last (when an addresses dataset exists)."""
    answer = search(current_index(repository, dashboards), query)
    places = addresses(repository, query)
    if not places:
        return answer
    return Answer(answer.query, answer.hits + places, answer.corrected, answer.neighbours if not answer.hits else ())


def found_values(repository: Repository, dashboards: list[Document], query: str) -> dict[str, tuple[str, ...]]:
    """The datasets whose facet values hold every word of `query`, each with what was found (« « Diabète » dans
    « Pathologie » »): the catalogue's own search reaches values this way."""
    if not query.strip():
        return {}
    found: dict[str, list[str]] = {}
    for hit in search(current_index(repository, dashboards), query).hits:
        if hit.kind == "valeur":
            found.setdefault(hit.url.split("?")[0].rsplit("/", 1)[-1], []).append(hit.detail)
    return {k: tuple(v) for k, v in found.items()}


def addresses(repository: Repository, query: str) -> tuple[Hit, ...]:
    """The addresses that match, each opening « près de chez moi » there."""
    from urllib.parse import urlencode

    from data_access import addresses as address_search

    for dataset in repository.catalogue.datasets:
        if not dataset.role_field("street"):
            continue
        try:
            table = repository.table(dataset.id)
        except DatasetUnavailable:
            continue
        found = address_search.search(table, query, limit=MAX_ADDRESSES)
        return tuple(Hit("adresse", f["label"], "/pres-de-chez-moi?" + urlencode(
            {"lat": f["lat"], "lon": f["lon"], "adresse": f["label"]}), "", "", "")
            for f in found if f["lat"] is not None)
    return ()
