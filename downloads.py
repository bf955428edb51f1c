"""The Flask route /export/<id>.<fmt>: a filtered extract, streamed, with its provenance."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
from flask import Flask, Response, current_app, jsonify, request, stream_with_context

from components.portal import current_portal
from data_access.engine.selection import select_rows
from data_access.extracts.cache import (HEAVY_FORMATS, KEPT_FORMATS, RETRY_SECONDS, SMALL_BUILD_ROWS, BuildSlots,
                                        ExtractCache, default_folder, stream_file)
from data_access.extracts.writers import (CSV_DELIMITERS, FORMATS, MEDIA_TYPES, ExtractError, Provenance, Selection,
                                          extract_filename, formats_for, now_paris, write_extract)
from data_access.history import archive
from data_access.query import describe_query, parse_query
from data_access.repository import DatasetUnavailable
from features.integration.draw import portal_origin

log = logging.getLogger(__name__)
LIMITS = "extraits"  # the server's extension: build slots and the kept extracts
KEPT_LAYOUT = 2  # what a kept extract holds besides its rows; a new number when that changes: older files unused


def _refusal(status: int, message: str, **extra):
    log.info("extrait refusé (%d) %s : %s", status, request.full_path, message)
    return jsonify({"erreur": message, **extra}), status


# a plain path of this portal, with the view's own parameters (not the filters: those are the extract's)
_VIEW_PATH = re.compile(r"/(?!/)[A-Za-z0-9._~\-/%]*(\?[A-Za-z0-9._~\-%=&+]*)?")


def _permalink(dataset_id: str, query_string: str, kept: bool) -> str:
    """The on-screen view the extract comes from: `vue=` when a page passes its own path (a plain path of
    this portal, nothing else), else the dataset page. A full extract kept on disk is the same file whatever page
    or host asked for it: it names the dataset page, under PUBLIC_URL (by its path alone without it: the first
    request's Host would be written for every later reader)."""
    view = request.args.get("vue", "")
    if kept or not _VIEW_PATH.fullmatch(view):
        view = f"/jeux-de-donnees/{dataset_id}"
    path, _, own = view.partition("?")
    query = "&".join(part for part in (own, query_string) if part)
    origin = (current_portal().settings.public_url or "") if kept else portal_origin()
    return origin + path + (f"?{query}" if query else "")


def export(name: str):
    portal = current_portal()
    dataset_id, _, fmt = name.rpartition(".")
    dataset_id, _, view = dataset_id.partition("/")  # <id>/<view>.<fmt>: what a dashboard shows of a dataset
    dataset = portal.repository.catalogue.get(dataset_id)  # the id is looked up, never used as a path
    if dataset is None:
        return _refusal(404, f"jeu de données inconnu : « {dataset_id or name} »")
    if view:
        return _export_view(portal, dataset, view, fmt)
    if fmt not in FORMATS:
        return _refusal(400, f"format « {fmt} » inconnu ; formats possibles : {', '.join(FORMATS)}",
                        formats=list(FORMATS))
    try:
        pinned = _pinned(portal, dataset.id)
        backend = archive.backend_of(portal.repository, dataset.id, pinned)
    except DatasetUnavailable as exc:
        return _refusal(503, f"jeu de données indisponible : {exc}")
    except archive.VersionRefused as exc:
        return _refusal(exc.status, str(exc))
    allowed = formats_for(backend)
    if fmt not in allowed:
        return _refusal(400, f"ce jeu de données n'a pas de géométrie ; formats possibles : {', '.join(allowed)}",
                        formats=list(allowed))
    delimiter = request.args.get("delimiter", ";")
    if delimiter not in CSV_DELIMITERS:
        return _refusal(400, "delimiter : « ; » ou « , » attendu")
    query, errors = parse_query(request.args, backend.fields,
                                aliases=None if pinned else portal.repository.aliases(dataset.id))
    if errors:
        return _refusal(400, str(errors[0]), parametres=[{"parametre": e.param, "message": e.message} for e in errors])
    try:
        selection = select_rows(backend, query)
    except DatasetUnavailable as exc:
        return _refusal(503, f"jeu de données indisponible : {exc}")
    limit = portal.settings.max_export_rows
    if len(selection) > limit:
        return _refusal(413, f"extrait trop volumineux : {len(selection)} lignes pour un maximum de {limit} ; "
                             "ajoutez des filtres ou le paramètre limit")
    own = query.query_string()
    if pinned is not None:  # the data as it was: its permalink names the version, and its file is never kept
        own = urlencode([(archive.PARAMETER, pinned.version)]) + (f"&{own}" if own else "")
    return _send(portal, dataset, backend, selection, fmt, delimiter, tuple(describe_query(query, backend.fields)),
                 own, query.is_filtered, dataset.id, pinned)


def _pinned(portal, dataset_id: str):
    """The version `?version=` asks for (archive.Pinned), or None for today's data; VersionRefused."""
    return archive.pinned(portal.repository, dataset_id, (request.args.getlist(archive.PARAMETER) or [None])[-1])


def _export_view(portal, dataset, view: str, fmt: str):
    """An extract of what a dashboard shows (a timetable, a stop's departures, the communes of an access-to-care
    map), built from the dataset by the view's builder, written by the same writers with the same provenance."""
    from data_access.extracts.views import view_builder
    from features.transports.data import ExtractArgumentError

    if archive.PARAMETER in request.args:
        return _refusal(400, "version : les versions passées se téléchargent depuis le jeu de données lui-même "
                             f"(/export/{dataset.id}.<format>?version=…), pas depuis une vue d'un tableau de bord")
    builder = view_builder(dataset, view)
    if builder is None:
        return _refusal(404, f"vue inconnue pour « {dataset.id} » : « {view} »")
    if fmt not in FORMATS or fmt == "geojson":
        formats = [f for f in FORMATS if f != "geojson"]
        return _refusal(400, f"format « {fmt} » impossible ici ; formats possibles : {', '.join(formats)}",
                        formats=formats)
    delimiter = request.args.get("delimiter", ";")
    if delimiter not in CSV_DELIMITERS:
        return _refusal(400, "delimiter : « ; » ou « , » attendu")
    try:
        table = portal.repository.table(dataset.id)
        derived, filters = builder(portal.repository, dataset, table, request.args)
    except DatasetUnavailable as exc:
        return _refusal(503, f"jeu de données indisponible : {exc}")
    except ExtractArgumentError as exc:
        return _refusal(400, str(exc))
    selection = Selection(table=derived, positions=np.arange(len(derived)), fields=derived.fields)
    own = urlencode([(k, v) for k, v in request.args.items(multi=True) if k not in ("vue", "delimiter")])
    return _send(portal, dataset, derived, selection, fmt, delimiter, filters, own, True, f"{dataset.id}-{view}")


def _send(portal, dataset, table, selection, fmt: str, delimiter: str, filters: tuple[str, ...], query_string: str,
          filtered: bool, name: str, pinned=None):
    """The extract, streamed, with its provenance; errors found before the first byte get a proper status. A HEAD
    gets the headers without a build; a full extract already kept is streamed from disk; a heavy build waits for
    no one: without a free slot, 429 and a few seconds to wait."""
    if fmt == "xlsx" and len(selection) > portal.settings.max_xlsx_rows:
        return _refusal(413, f"un extrait Excel tient au plus {portal.settings.max_xlsx_rows} lignes ici ; cet "
                             f"extrait en a {len(selection)} : choisissez le format CSV ou Parquet, ou filtrez "
                             "davantage", formats=["csv", "parquet"])
    generated = now_paris()
    kept = not filtered and pinned is None and fmt in KEPT_FORMATS  # a past version's file is made when asked
    provenance = Provenance(
        dataset_id=dataset.id, title=dataset.title, publisher=dataset.publisher, license=dataset.license,
        source_url=_source_url(dataset), refreshed=_refreshed(dataset, pinned),
        filters=filters, generated_at=generated.isoformat(),
        permalink=_permalink(dataset.id, query_string, kept), rows=len(selection),
        demo=dataset.demo, version=pinned.version if pinned else None,
    )
    filename = extract_filename(name if pinned is None else f"{name}-version-{pinned.version}", generated.date(),
                                filtered, fmt)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "X-Nombre-De-Lignes": str(len(selection)),
               "Cache-Control": "no-store"}
    answer = dict(mimetype=MEDIA_TYPES[fmt].split(";")[0], content_type=MEDIA_TYPES[fmt], headers=headers)
    if request.method == "HEAD":  # what the file will be, without making it
        return Response(b"", **answer)
    limits = current_app.extensions[LIMITS]
    # what the kept file holds besides the rows; never the request's Host: a host of its own would be a file of its
    # own, and alternating hosts would replace the file at every request
    details = f"{KEPT_LAYOUT}\n{fmt}\n{delimiter}\n{portal.settings.public_url}\n{provenance.refreshed}\n" \
              f"{provenance.demo}"
    version = portal.repository.version(dataset.id)
    found = limits.cache.find(name, fmt, version, details) if kept else None
    if found is not None:
        log.info("extrait %s : %d lignes, déjà préparé", filename, len(selection))
        _bound_sending(portal.settings.extract_send_timeout)
        return Response(stream_file(found), **answer)
    # a small extract (under MAX_EXPORT_ROWS / 100, and at least SMALL_BUILD_ROWS) never waits for a build slot:
    # the 429 belongs to the big builds only
    heavy = fmt in HEAVY_FORMATS and len(selection) > max(SMALL_BUILD_ROWS, portal.settings.max_export_rows // 100)
    if heavy and not limits.slots.take():
        log.info("extrait %s refusé (429) : préparations en cours", filename)
        response = jsonify({"erreur": "le portail prépare déjà d'autres fichiers : réessayez dans quelques "
                                      "secondes, ou choisissez le format CSV, toujours disponible"})
        return response, 429, {"Retry-After": str(RETRY_SECONDS)}
    released = []

    def release():
        if heavy and not released:
            released.append(True)
            limits.slots.give_back()

    try:
        chunks = write_extract(fmt, table, selection, provenance, delimiter)
        if kept:
            chunks = limits.cache.keep(name, fmt, version, details, chunks)
        first = next(chunks, b"")  # errors found before the first byte still get a proper status
    except ExtractError as exc:
        release()
        return _refusal(exc.status, str(exc))
    except BaseException:
        release()
        raise

    def body():
        try:
            yield first
            yield from chunks
        except Exception:
            # Too late for a status: the connection is cut, so the client sees a failed download rather than a
            # short file that looks complete (the chunked transfer never gets its last chunk).
            log.exception("extrait %s interrompu", filename)
            raise
        finally:
            release()  # sent whole, or cut while sending

    log.info("extrait %s : %d lignes (%s)", filename, len(selection), request.query_string.decode()[:200])
    _bound_sending(portal.settings.extract_send_timeout)
    response = Response(stream_with_context(body()), **answer)
    response.call_on_close(release)  # and when the answer is closed before its first byte was asked for
    return response


def _bound_sending(seconds: int) -> None:
    """Under gunicorn: the extract's connection gives up when the client has read nothing for `seconds` (a write
    that cannot finish raises, gunicorn closes the connection, and the thread serves others again). gunicorn sets
    the socket back to its own mode once the answer is done."""
    connection = request.environ.get("gunicorn.socket")
    if connection is not None:
        connection.settimeout(seconds)


def _refreshed(dataset, pinned) -> str | None:
    """The date of the data: a past version's own, else the catalogue's."""
    if pinned is not None:
        return pinned.moment.date().isoformat()
    return dataset.modified.isoformat() if dataset.modified else None


def _source_url(dataset) -> str | None:
    source = dataset.source
    if source is None:
        return None
    if source.kind == "ods":
        return f"{source.base_url.rstrip('/')}/explore/dataset/{source.dataset_id}/"
    return source.url


@dataclass(frozen=True)
class Limits:
    slots: BuildSlots
    cache: ExtractCache


def register(server: Flask) -> None:
    settings = server.extensions["portail"].settings
    folder = settings.extract_cache_dir or default_folder(settings.data_dir)
    server.extensions[LIMITS] = Limits(BuildSlots(settings.max_extract_builds), ExtractCache(folder))
    server.add_url_rule("/export/<path:name>", "export", export)

