"""A story's live blocks: what view each names, drawn by the portal's own pieces (features/integration/vues.py), and why one
cannot be drawn (the checker's and the page's notice).

    graphique   /jeux-de-donnees/<id>?<filters>&x=…        a dataset's chart
                /tableaux-de-bord/<name>?<parameters>#<section>   a dashboard's chart (evolution, mois…)
    carte       /jeux-de-donnees/<id>?<filters>             a dataset's map
                /tableaux-de-bord/<name>?<parameters>[#<section>]  a dashboard's map (#carte by default)
    tableau     /jeux-de-donnees/<id>?<filters>[&select=…]  the first rows
    chiffre     /tableaux-de-bord/<name>?<parameters>#<figure>     one key figure (its position, or its stable key)
    {{ nombre: /jeux-de-donnees/<id>?<filters> }}            a live count, inside a sentence"""
from __future__ import annotations

import logging
import re
import threading
from urllib.parse import parse_qsl, urlsplit

from features.integration.vues import (DASHBOARD_PREFIX, View, ViewError, dashboard_sections, dashboard_view,
                                       dataset_view, key_figure)
from features.recits.data import DATASET_PATH, Block

log = logging.getLogger(__name__)
DASHBOARD_PATH = re.compile(r"^/tableaux-de-bord/([a-z0-9-]+)$")
DATASET_TABS = {"graphique": "chart", "carte": "map", "tableau": "table"}
SECTION_KINDS = {"graphique": "chart", "carte": "map"}


def block_view(repository, block: Block, ids: str, tile_url: str, drawn: dict | None = None) -> View:
    """The view a block names, drawn; ViewError says why it cannot be. `drawn`: the dashboards already drawn for
    this page: their view models (features/integration/vues.py)."""
    url = block.url
    if not url.startswith("/") or url.startswith("//"):
        raise ViewError(f"« {url[:80]} » n'est pas une adresse du portail (elle commence par un seul /)")
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    dataset = DATASET_PATH.match(parts.path)
    dashboard = DASHBOARD_PATH.match(parts.path)
    if dataset and block.kind in DATASET_TABS:
        pairs = [(k, v) for k, v in pairs if k != "tab"]
        return dataset_view(repository, dataset.group(1), pairs, DATASET_TABS[block.kind], ids, tile_url)
    if dashboard and block.kind == "chiffre":
        if not parts.fragment:
            raise ViewError("nommez le chiffre clé après un # (sa position, 1, 2…, ou sa clé, comme en-retard)")
        return key_figure(repository, dashboard.group(1), parts.fragment, pairs, drawn)
    if dashboard and block.kind in SECTION_KINDS:
        name, section = dashboard.group(1), parts.fragment or ("carte" if block.kind == "carte" else "")
        sections = dashboard_sections(name)
        fitting = [key for key, part in sections.items() if part.kind == SECTION_KINDS[block.kind]]
        if section not in fitting:
            what = "graphiques" if block.kind == "graphique" else "cartes"
            raise ViewError(f"nommez après un # une partie du tableau de bord « {name} » : ses {what} sont "
                            + (", ".join(f"#{k}" for k in fitting) or "absents"))
        return dashboard_view(repository, name, section, pairs, tile_url, drawn)
    if block.kind == "chiffre":
        raise ViewError(f"un chiffre clé vient d'un tableau de bord ({DASHBOARD_PREFIX}<nom>#<chiffre>) ; pour "
                        "compter des lignes, écrivez {{ nombre: /jeux-de-donnees/… }}")
    if block.kind == "tableau" and dashboard:
        raise ViewError("un tableau vient d'un jeu de données (/jeux-de-donnees/<id>)")
    raise ViewError(f"« {parts.path[:80]} » n'est ni un jeu de données (/jeux-de-donnees/<id>) ni un tableau de "
                    f"bord ({DASHBOARD_PREFIX}<nom>)")


def count_of(repository, block: Block) -> int:
    """The count an inline `nombre` writes: the rows of a dataset's view."""
    from data_access.query import parse_query
    from data_access.repository import DatasetUnavailable

    match = DATASET_PATH.match(urlsplit(block.url).path) if block.url.startswith("/") else None
    if match is None:
        raise ViewError(f"« {block.url[:80]} » n'est pas la page d'un jeu de données (/jeux-de-donnees/<id>)")
    dataset_id = match.group(1)
    if repository.catalogue.get(dataset_id) is None:
        raise ViewError(f"jeu de données « {dataset_id} » inconnu du catalogue")
    try:
        backend = repository.backend(dataset_id)
    except DatasetUnavailable as exc:
        raise ViewError(f"jeu de données « {dataset_id} » indisponible : {exc}") from None
    query, errors = parse_query([(k, v) for k, v in block.params if k != "tab"], backend.fields,
                                aliases=repository.aliases(dataset_id))
    if errors:
        raise ViewError("filtre refusé : " + " ; ".join(f"{e.param} : {e.message}" for e in errors))
    return backend.count(query)


def check_block(repository, block: Block, tile_url: str = "", drawn: dict | None = None) -> str | None:
    """Why the block cannot be drawn, in French, or None (the block is drawn to know it)."""
    try:
        if block.inline:
            count_of(repository, block)
        else:
            block_view(repository, block, "verification", tile_url, drawn)
    except ViewError as exc:
        return str(exc)
    return None


def broken_blocks(repository, stories) -> list[str]:
    """« file:line : reason » for every block that cannot be drawn, and every file that cannot be read."""
    lines = list(stories.errors)
    for story in stories.stories:
        drawn: dict = {}
        for block in story.blocks:
            reason = check_block(repository, block, drawn=drawn)
            if reason:
                lines.append(f"{story.path.name}:{block.line} : bloc {block.kind} : {reason}")
    return lines


class BrokenReports:
    """The stories' broken blocks for /healthz, checked in the background: checking draws every block (a few
    seconds, dashboards included), which a health probe must never wait for. Checked again when a story, a
    dataset's file or the day changes (a dashboard's figures depend on the day); until then, the last report."""

    def __init__(self):
        self._lock = threading.Lock()
        self._done: dict = {}  # data_dir -> (key, report)
        self._running: set = set()

    def report(self, server, repository, data_dir) -> dict:
        from data_access.clock import today_paris
        from features.recits.data import load_stories

        stories = load_stories(data_dir)
        versions = tuple(repository.version(d.id) for d in repository.catalogue.datasets)
        key = (stories.stamp, versions, today_paris().isoformat())
        with self._lock:
            held = self._done.get(str(data_dir))
            if held is not None and held[0] == key:
                return {**held[1], "verification": "faite"}
            if (str(data_dir), key) not in self._running:
                self._running.add((str(data_dir), key))
                threading.Thread(target=self._check, args=(server, repository, stories, str(data_dir), key),
                                 daemon=True, name="verification-recits").start()
        last = held[1] if held is not None else {"publies": len(stories.stories), "casses": []}
        return {**last, "verification": "en cours"}

    def _check(self, server, repository, stories, data_dir: str, key) -> None:
        try:
            with server.test_request_context("/recits"):  # the blocks are drawn as for a page
                report = {"publies": len(stories.stories), "casses": broken_blocks(repository, stories)}
        except Exception:  # noqa: BLE001 - a failing check is logged; the probe keeps answering
            log.exception("vérification des récits")
            report = {"publies": len(stories.stories), "casses": ["la vérification a échoué (voir le journal)"]}
        with self._lock:
            self._done[data_dir] = (key, report)
            self._running.discard((data_dir, key))


REPORTS = BrokenReports()
