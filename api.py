"""Flask routes beside the Dash pages: /healthz, /api/catalogue.json, and true 404s for unknown pages."""
from __future__ import annotations

import fnmatch
import hashlib
import logging
import re

import dash
from dash.exceptions import DependencyException
from flask import Response, jsonify, redirect, request

from components.portal import current_portal
from data_access.catalogue.model import Dataset
from data_access.geometry.geo import map_features
from data_access.history import archive
from data_access.query import parse_query
from data_access.repository import DatasetUnavailable

MAX_REQUEST_BYTES = 1 << 20  # a request's body: a Dash callback sends a few kilobytes
log = logging.getLogger(__name__)

ERROR_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>{text}</p><p><a href="/">Revenir à l'accueil</a></p></main></body></html>"""
NOT_FOUND_PAGE = ERROR_PAGE.format(title="Page introuvable",
                                   text="L'adresse demandée ne correspond à aucune page ni à aucun fichier de ce portail.")
INTERNAL_ERROR_PAGE = ERROR_PAGE.format(
    title="Une erreur est survenue",
    text="Le serveur n'a pas pu traiter la demande. L'incident est consigné dans le journal ; réessayez plus tard.")


def dataset_metadata(dataset: Dataset, reason: str | None) -> dict:
    return {
        "id": dataset.id,
        "title": dataset.title,
        "description": dataset.description,
        "theme": dataset.theme,
        "keywords": list(dataset.keywords),
        "publisher": dataset.publisher,
        "license": dataset.license,
        "modified": dataset.modified.isoformat() if dataset.modified else None,
        "format": dataset.format,
        "dashboard": dataset.dashboard,
        "demo": dataset.demo,
        "available": reason is None,
        "unavailable_reason": reason,
        "fields": [
            {k: list(v) if isinstance(v, tuple) else v for k, v in vars(f).items() if v not in (None, False, ())}
            for f in dataset.fields
        ],
    }


def healthz():
    """The portal's state: its datasets, those it cannot serve, and the stories whose blocks are broken (a broken
    story is the data team's to mend: it leaves the status as it is, and the story renders around its notice; the
    stories are checked in the background, `recits.verification` says whether this answer is the latest)."""
    from flask import current_app

    from features.recits.draw_blocs import REPORTS

    portal = current_portal()
    repository = portal.repository
    unavailable = repository.unavailable()
    return jsonify({
        "status": "degraded" if unavailable else "ok",
        "datasets": len(repository.catalogue.datasets),
        "unavailable": [{"id": k, "reason": v} for k, v in unavailable.items()],
        "demo": portal.demo,
        "recits": REPORTS.report(current_app._get_current_object(), repository, portal.settings.data_dir),
    })


def catalogue_json():
    from data_access.clock import today_paris
    from data_access.history.freshness import freshness

    repository = current_portal().repository
    catalogue = repository.catalogue
    today = today_paris()

    def described(dataset: Dataset) -> dict:
        fresh = freshness(repository.served_store.folder, dataset, today)
        return {**dataset_metadata(dataset, repository.unavailable_reason(dataset.id)),
                "frequency": dataset.frequency, "freshness": fresh.as_dict() if fresh else None}

    return jsonify({"portal": vars(catalogue.portal), "datasets": [described(d) for d in catalogue.datasets]})


VERSION_KEYS = ("version", "date", "rows", "added", "removed", "changed", "changed_fields", "schema_changes", "keyed",
                "note", "renamed")


def versions_json(dataset_id: str):
    """The versions of a dataset's content the history keeps, newest first, with what each changed."""
    from data_access.history.versions import history_dir, read_versions

    repository = current_portal().repository
    if repository.catalogue.get(dataset_id) is None:
        return jsonify({"erreur": f"jeu de données inconnu : « {dataset_id} »"}), 404
    versions = read_versions(history_dir(repository.served_store.folder, dataset_id))
    return jsonify({"id": dataset_id, "versions": [{k: v.get(k) for k in VERSION_KEYS} for v in reversed(versions)]})


def _table(repository, dataset_id: str):
    """(the dataset's table, None), or (None, the JSON refusal: 404 for an unknown dataset, 503 when unavailable)."""
    if repository.catalogue.get(dataset_id) is None:
        return None, (jsonify({"erreur": f"jeu de données inconnu : « {dataset_id} »"}), 404)
    try:
        return repository.table(dataset_id), None
    except DatasetUnavailable as exc:
        return None, (jsonify({"erreur": f"jeu de données indisponible : {exc}"}), 503)


def map_geometry(dataset_id: str):
    """Every feature of a geo dataset, once per file version: the browser caches it (ETag), and each view of
    the map only sends which rows it keeps. Compressed like any JSON response."""
    repository = current_portal().repository
    if repository.catalogue.get(dataset_id) is None:
        return jsonify({"erreur": f"jeu de données inconnu : « {dataset_id} »"}), 404
    try:  # `version=`: the layer of a version the history keeps (a dataset page or an embed showing it)
        asked = (request.args.getlist(archive.PARAMETER) or [None])[-1]
        backend = archive.backend_of(repository, dataset_id, archive.pinned(repository, dataset_id, asked))
    except archive.VersionRefused as exc:
        return jsonify({"erreur": str(exc)}), exc.status
    except DatasetUnavailable as exc:
        return jsonify({"erreur": f"jeu de données indisponible : {exc}"}), 503
    if backend.geometry_field is None:
        return jsonify({"erreur": "ce jeu de données n'a pas de géométrie"}), 404
    query, errors = parse_query(request.args, backend.fields, aliases=repository.aliases(dataset_id))
    if errors:
        return jsonify({"erreur": str(errors[0])}), 400
    # a real hash of the canonical query, the same in every worker (Python's hash() is salted per process)
    etag = backend.manifest.get("version", repository.version(dataset_id)) + (
        f"-{hashlib.blake2b(query.query_string().encode(), digest_size=8).hexdigest()}" if query.is_filtered else "")
    if request.if_none_match.contains(etag):
        return "", 304
    try:
        body = map_features(backend, query if query.is_filtered else None)
    except DatasetUnavailable as exc:
        return jsonify({"erreur": f"jeu de données indisponible : {exc}"}), 503
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def network_lines(dataset_id: str):
    """A GTFS feed's lines as map shapes (shapes.txt, else stop to stop), once per file version (ETag)."""
    from features.transports.data import lines_geojson, network

    repository = current_portal().repository
    dataset = repository.catalogue.get(dataset_id)
    if dataset is None or dataset.format != "gtfs":
        return jsonify({"erreur": f"réseau GTFS inconnu : « {dataset_id} »"}), 404
    try:
        table = repository.table(dataset_id)
    except DatasetUnavailable as exc:
        return jsonify({"erreur": f"jeu de données indisponible : {exc}"}), 503
    etag = repository.version(dataset_id) + "-lignes"
    if request.if_none_match.contains(etag):
        return "", 304
    response = Response(lines_geojson(network(table), table.extra["gtfs"]), mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def address_search(dataset_id: str):
    """Addresses that match what is typed (`q`), for a search field's suggestions: `limit` of them (10)."""
    from data_access.addresses import MAX_QUERY, MAX_RESULTS, is_address_table, search

    table, refusal = _table(current_portal().repository, dataset_id)
    if refusal is not None:
        return refusal
    if not is_address_table(table):
        return jsonify({"erreur": "ce jeu de données n'est pas un jeu d'adresses (rôle street)"}), 404
    query = request.args.get("q", "")
    limit = request.args.get("limit", "10")
    if len(query) > MAX_QUERY:
        return jsonify({"erreur": f"q : recherche trop longue (au plus {MAX_QUERY} caractères)"}), 400
    if not (limit.isascii() and limit.isdigit()) or not 1 <= int(limit) <= MAX_RESULTS:  # « ² » is a digit
        return jsonify({"erreur": f"limit : un nombre entier de 1 à {MAX_RESULTS} est attendu"}), 400
    return jsonify({"q": query, "resultats": search(table, query, int(limit))})


def _template_variables(path_id: str, template: str) -> dict | None:
    """The variables a page's path_template (« jeux-de-donnees/<dataset_id> ») takes from a path, or None when the
    path does not fit it: « <name> » matches anything, as the Dash router reads it."""
    if not fnmatch.fnmatchcase(path_id, re.sub("<.*?>", "*", template)):
        return None
    found = re.findall(re.sub("<.*?>", "(.*)", template), path_id)
    if not found:
        return None
    values = found[0] if isinstance(found[0], tuple) else found
    return dict(zip(re.findall("<(.*?)>", template), values))


def page_for(path: str) -> tuple[dict, dict | None]:
    """The page of `dash.page_registry` the Dash router draws for a path, and the variables its template takes from
    it (({}, None) for none): the router's rule (Dash 4.4), so that our statuses agree with what it draws — the
    pages in the registry's order, each page's template before its path, a template that takes no variable
    skipped."""
    path_id = path.strip("/")
    for page in dash.page_registry.values():
        if page.get("path_template"):
            variables = _template_variables(path_id, page["path_template"].strip("/"))
            if variables:
                return page, variables
        if path_id == page["path"].strip("/"):
            return page, None
    return {}, None


def is_known_page(path: str) -> bool:
    """Whether the Dash router has a page for this path (its own 404 page excepted), and whether what the path
    names is there: a page module with variables in its path says so with its `exists(**variables)` (a dataset
    in the catalogue, a story's file, an embeddable view)."""
    import sys

    page, variables = page_for(path)
    if not page or page["module"].endswith("not_found_404"):
        return False
    exists = getattr(sys.modules.get(page["module"]), "exists", None)
    return exists is None or not variables or bool(exists(**variables))


def refused_address(path: str, args) -> tuple[int, str] | None:
    """The status and why a page refuses its address's parameters, or None: a page module says so with its
    `invalid(**parameters)`, given as the Dash router gives them (a value, or a list for a repeated key), which
    returns the French reason (400), or (status, reason) for another status (a past version gone is 410)."""
    import sys

    page, _ = page_for(path)
    invalid = getattr(sys.modules.get(page["module"]), "invalid", None) if page else None
    if invalid is None:
        return None
    refusal = invalid(**{key: values[0] if len(values) == 1 else values for key, values in args.lists()})
    if refusal is None:
        return None
    return refusal if isinstance(refusal, tuple) else (400, refusal)


THEME_COLOUR = "#00558c"  # the portal's accent (assets/portail.css)
ICONS = (("icone-192.png", "192x192", "any"), ("icone-512.png", "512x512", "any"),
         ("icone-masquable-512.png", "512x512", "maskable"))


def web_manifest():
    """The web app manifest: a phone can add the portal to its home screen, « Près de chez moi » first."""
    import json

    portal = current_portal()
    body = {
        "name": portal.repository.catalogue.portal.title, "short_name": "Données Rouen", "lang": "fr",
        "dir": "ltr", "description": "Les données ouvertes de la Métropole : tableaux de bord, catalogue, et tout ce "
                                     "que le portail sait d'un lieu.",
        "start_url": "/pres-de-chez-moi", "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": THEME_COLOUR,
        "icons": [{"src": f"/assets/icones/{name}", "sizes": sizes, "type": "image/png", "purpose": purpose}
                  for name, sizes, purpose in ICONS],
        "shortcuts": [{"name": "Près de chez moi", "url": "/pres-de-chez-moi"},
                      {"name": "Catalogue", "url": "/catalogue"}],
    }
    return Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/manifest+json",
                    headers={"Cache-Control": "public, max-age=86400"})


def register(app: dash.Dash) -> None:
    server = app.server
    server.add_url_rule("/manifest.webmanifest", "web_manifest", web_manifest)
    server.add_url_rule("/healthz", "healthz", healthz)
    server.add_url_rule("/api/catalogue.json", "catalogue_json", catalogue_json)
    server.add_url_rule("/api/geo/<dataset_id>.geojson", "map_geometry", map_geometry)
    server.add_url_rule("/api/lignes/<dataset_id>.geojson", "network_lines", network_lines)
    server.add_url_rule("/api/adresses/<dataset_id>.json", "address_search", address_search)
    server.add_url_rule("/api/versions/<dataset_id>.json", "versions_json", versions_json)
    # Browsers ask for /favicon.ico on the JSON routes too; Dash serves its icon at /_favicon.ico.
    server.add_url_rule("/favicon.ico", "favicon", lambda: redirect(app.get_relative_path("/_favicon.ico")))
    # Unknown API paths are API errors, not pages.
    server.add_url_rule("/api/<path:rest>", "api_unknown", lambda rest: (
        jsonify({"error": "adresse inconnue", "path": request.path}), 404))

    prefix = app.config.routes_pathname_prefix
    page_endpoints = {prefix, prefix + "<path:path>"}  # Dash's index and catch-all routes

    @server.before_request
    def answer_404_for_unknown_pages():
        # The Dash router draws the 404 page in the browser; this gives it the right HTTP status as well.
        rule = request.url_rule
        if rule is None or rule.endpoint not in page_endpoints or request.method not in ("GET", "HEAD"):
            return None
        path = "/" + request.path[len(prefix):]
        if not is_known_page(path):
            log.info("404 : %s", request.path[:300])
            return app.index(), 404
        refusal = refused_address(path, request.args)
        if refusal:  # the page says why too, when the router draws it
            log.info("%d : %s (%s)", refusal[0], request.path[:300], refusal[1])
            return app.index(), refusal[0]
        return None

    @server.errorhandler(404)
    def not_found(_exc):  # a missing asset or file: Flask's page would be in English
        return NOT_FOUND_PAGE, 404, {"Content-Type": "text/html; charset=utf-8"}

    @server.errorhandler(405)
    def method_not_allowed(_exc):
        return jsonify({"error": "méthode non autorisée"}), 405

    # a callback's body is a few kilobytes: a larger one is refused before it is read (MAX_CONTENT_LENGTH)
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    @server.errorhandler(413)
    def too_large(_exc):
        log.info("413 : %s (%s octets annoncés)", request.path, request.content_length)
        return jsonify({"error": f"requête trop volumineuse (au plus {MAX_REQUEST_BYTES // 1024} Kio)"}), 413

    @server.errorhandler(DependencyException)
    def unknown_component_file(_exc):  # a file Dash does not serve: its message lists every file it does
        log.info("404 : %s (fichier de composant inconnu)", request.path[:300])
        return NOT_FOUND_PAGE, 404, {"Content-Type": "text/html; charset=utf-8"}

    @server.errorhandler(RecursionError)
    def too_deep(exc):
        if not request.is_json:  # a bug of ours, not a reader's input: the 500 page, the traceback in the log
            log.error("erreur interne sur %s", request.path[:300], exc_info=exc)
            return INTERNAL_ERROR_PAGE, 500, {"Content-Type": "text/html; charset=utf-8"}
        # a JSON body nested thousands deep: Python's parser gives up before anything is read
        log.info("400 : %s (corps JSON trop imbriqué)", request.path[:300])
        return jsonify({"error": "requête illisible : données trop imbriquées"}), 400

    @server.errorhandler(500)
    def internal_error(exc):
        # The log has the traceback (Flask logs it before calling this); the user gets a French sentence.
        original = getattr(exc, "original_exception", exc)
        log.error("erreur interne sur %s : %r", request.path, original)
        return (INTERNAL_ERROR_PAGE, 500, {"Content-Type": "text/html; charset=utf-8"})
