"""The Atom feeds, /flux/…: the catalogue's (`/flux/catalogue.atom`: new datasets and new versions), a dataset's
(`/flux/jeux-de-donnees/<id>.atom`: each version, with what it changed) and a filtered view's (the same path with
the view's filters: an entry per version where the view's own rows changed). Valid Atom (RFC 4287), in French."""
from __future__ import annotations

import datetime as dt
import logging

from flask import Response, jsonify, request

from components.portal import current_portal
from data_access.clock import PARIS
from data_access.errors import DatasetUnavailable
from data_access.history.atom import MEDIA_TYPE, Feed, atom
from data_access.history.feeds import (PREFIX, VIEW_ONLY, catalogue_entries, dataset_entries, feed_path,
                                      view_entries)
from data_access.query import describe_query, parse_query
from data_access.query.grammar import is_grammar_key
from features.historique.draw import followed
from features.integration.draw import portal_origin

log = logging.getLogger(__name__)
CACHE_SECONDS = 300


def _refusal(status: int, message: str):
    log.info("flux refusé (%d) %s : %s", status, request.full_path, message)
    return jsonify({"erreur": message}), status


def _since(catalogue) -> dt.datetime:
    """An empty feed's date: the catalogue's newest date (a fixed day when it has none), never today's."""
    days = [d.modified for d in catalogue.datasets if d.modified is not None]
    return dt.datetime.combine(max(days, default=dt.date(2020, 1, 1)), dt.time(), PARIS)


def feed(name: str):
    portal = current_portal()
    repository = portal.repository
    catalogue = repository.catalogue
    served = repository.served_store.folder
    path = name.removesuffix(".atom")
    publisher = catalogue.portal.publisher
    if name == path:
        return _refusal(404, "flux inconnu : l'adresse d'un flux finit par « .atom »")
    if path == "catalogue":
        entries = catalogue_entries(served, catalogue)
        described = Feed(f"{catalogue.portal.title} : nouveautés du catalogue",
                         "Nouveaux jeux de données et nouvelles versions de leurs données", feed_path("/catalogue"),
                         "/catalogue", publisher, _since(catalogue))
    elif path.startswith("jeux-de-donnees/") and catalogue.get(path.partition("/")[2]) is not None:
        dataset = catalogue.get(path.partition("/")[2])
        filters = [(k, v) for k, v in request.args.items(multi=True) if is_grammar_key(k) and k not in VIEW_ONLY]
        page = f"/jeux-de-donnees/{dataset.id}"
        updated = dt.datetime.combine(dataset.modified, dt.time(), PARIS) if dataset.modified else _since(catalogue)
        if filters:
            from data_access.engine.backend import CONNECTIONS

            try:
                fields = repository.backend(dataset.id).fields
            except DatasetUnavailable as exc:
                return _refusal(503, f"jeu de données indisponible : {exc}")
            query, errors = parse_query(filters, fields, aliases=repository.aliases(dataset.id))
            if errors:
                return _refusal(400, str(errors[0]))
            filters = list(query.params)  # a renamed field under its name today
            words = " ; ".join(describe_query(query, fields))
            entries = view_entries(CONNECTIONS.cursor(), served, dataset, filters, words)
            described = Feed(f"{dataset.title} ({words}) : ce qui change",
                             f"Les versions où les lignes de cette vue ont changé ({words})",
                             feed_path(page, filters), page + "?" + query.query_string(), dataset.publisher or
                             publisher, updated)
        else:
            entries = dataset_entries(served, dataset)
            described = Feed(f"{dataset.title} : ce qui change", "Chaque nouvelle version des données, et ce "
                             "qu'elle a ajouté, supprimé et modifié", feed_path(page), page,
                             dataset.publisher or publisher, updated)
    else:
        return _refusal(404, f"flux inconnu : « {name} » ; les flux sont celui du catalogue "
                             "(/flux/catalogue.atom) et celui de chaque jeu de données "
                             "(/flux/jeux-de-donnees/<identifiant>.atom, avec les filtres de la vue suivie)")
    body = atom(described, entries, portal_origin())
    return Response(body, content_type=MEDIA_TYPE, headers={"Cache-Control": f"public, max-age={CACHE_SECONDS}"})


def alternate_link() -> str:
    """The <link rel="alternate"> of the page being served to its Atom feed (the catalogue, a dataset or its
    history, a dashboard's dataset, with the view's filters), or ''."""
    import html as html_text

    path = request.path.rstrip("/")
    catalogue = current_portal().repository.catalogue
    words = path.strip("/").split("/")
    dashboard = followed(current_portal().repository, path, request.args.get("jeu"))
    if path in ("", "/catalogue"):
        href, title = feed_path("/catalogue"), "Nouveautés du catalogue (flux Atom)"
    elif words[0] == "jeux-de-donnees" and len(words) in (2, 3) and catalogue.get(words[1]) is not None:
        href = feed_path(f"/jeux-de-donnees/{words[1]}", list(request.args.items(multi=True)))
        title = f"{catalogue.get(words[1]).title} : ce qui change (flux Atom)"
    elif dashboard is not None:  # the feed of what it shows: its dataset, with its filters when it has the grammar's
        href = feed_path(f"/jeux-de-donnees/{dashboard.id}", list(request.args.items(multi=True)))
        title = f"{dashboard.title} : ce qui change (flux Atom)"
    else:
        return ""
    return (f'<link rel="alternate" type="application/atom+xml" href="{html_text.escape(portal_origin() + href)}" '
            f'title="{html_text.escape(title)}">')


def register(server) -> None:
    server.add_url_rule(f"{PREFIX}/<path:name>", "flux", feed)
