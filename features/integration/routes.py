"""Embeds beside the Dash pages: /integrer/… may be framed by other sites (and only it), oEmbed discovery on the
pages that have an embeddable view, and /oembed?url=…&maxwidth=…&maxheight=… answering `type: rich` JSON as the
oEmbed specification (https://oembed.com/, section 2) asks: version, type, html, width and height, with the title,
the provider and a cache age. A URL that is not this portal's, or has no embeddable view, is a 404."""
from __future__ import annotations

import html as html_text
import logging
from urllib.parse import parse_qsl, quote, urlsplit

from flask import jsonify, request

import security
from features.integration.draw import HEIGHTS, PREFIX, embed_path, iframe_code, portal_origin, resize_snippet

log = logging.getLogger(__name__)
OEMBED_PATH = "/oembed"
DEFAULT_WIDTH = 800
MIN_SIZE, MAX_SIZE = 200, 4000
CACHE_AGE = 3600  # seconds: the view itself follows the data; only the iframe code is cached
TAB_KINDS = {"chart": "chart", "map": "map", "table": "table"}


def embed_target(path: str, pairs: list[tuple[str, str]]) -> tuple[str, str, str] | None:
    """(embed path with its query, title, kind) of a page of this portal, or None when it has no embeddable view.
    A dataset's page gives its tab (its chart when the tab is not a chart, map or table), a dashboard its key
    figures, an embed's own address itself."""
    from components.portal import current_portal
    from features.integration import page as integrer
    from features.integration.vues import dashboard_sections

    catalogue = current_portal().repository.catalogue
    words = [w for w in path.strip("/").split("/") if w]
    if words[:1] == [PREFIX.strip("/")]:
        vue = "/".join(words[1:])
        if not integrer.exists(vue):
            return None
        return embed_path("/" + vue, pairs), integrer.view_title(words[1:], pairs), integrer.view_kind(words[1:], pairs)
    if len(words) == 2 and words[0] == "jeux-de-donnees" and catalogue.get(words[1]) is not None:
        tab = dict(pairs).get("tab")
        pairs = [(k, v) for k, v in pairs if k != "tab"] + ([("tab", tab)] if tab in TAB_KINDS else [])
        return embed_path(path, pairs), integrer.view_title(words, pairs), TAB_KINDS.get(tab, "chart")
    if len(words) == 2 and words[0] == "tableaux-de-bord" and "chiffres" in dashboard_sections(words[1]):
        return embed_path(f"{path.rstrip('/')}/chiffres", pairs), integrer.view_title(words + ["chiffres"], pairs), \
            "figures"
    return None


def _portal_path(url: str) -> str | None:
    """The path of a URL of this portal (PUBLIC_URL's own path taken off), or None for any other URL."""
    try:
        parts, own = urlsplit(url), urlsplit(portal_origin())
    except ValueError:  # « http://[x »
        return None
    if parts.scheme not in ("http", "https") or (parts.scheme, parts.netloc.lower()) != (own.scheme,
                                                                                          own.netloc.lower()):
        return None
    base = own.path.rstrip("/")
    if base and not (parts.path == base or parts.path.startswith(base + "/")):
        return None
    return parts.path[len(base):] or "/"


def _refused(embed: str) -> tuple[int, str] | None:
    """The status and reason the embed's address (path and query) would be refused with, or None."""
    from features.integration import page as integrer

    parts = urlsplit(embed)
    return integrer.refused(integrer.parts(parts.path.removeprefix(PREFIX)),
                            parse_qsl(parts.query, keep_blank_values=True))


def _size(name: str) -> int | None | str:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 5) or not MIN_SIZE <= int(raw) <= MAX_SIZE:
        return f"{name} : un nombre entier de pixels de {MIN_SIZE} à {MAX_SIZE} est attendu"
    return int(raw)


def oembed():
    """The oEmbed answer for a view of this portal."""
    from components.portal import current_portal

    url = request.args.get("url", "")
    if request.args.get("format", "json") != "json":
        return jsonify({"erreur": "format : seul json est servi"}), 501  # the specification's answer
    if not url:
        return jsonify({"erreur": "url : l'adresse d'une vue du portail est attendue"}), 400
    sizes = {name: _size(name) for name in ("maxwidth", "maxheight")}
    refused = [v for v in sizes.values() if isinstance(v, str)]
    if refused:
        return jsonify({"erreur": refused[0]}), 400
    path = _portal_path(url) if len(url) <= 4000 else None
    if path is None:
        log.info("oEmbed : adresse étrangère au portail refusée (%s)", url[:200])
        return jsonify({"erreur": "cette adresse n'est pas une vue de ce portail"}), 404
    target = embed_target(path, parse_qsl(urlsplit(url).query, keep_blank_values=True))
    if target is None:
        return jsonify({"erreur": "cette page du portail n'a pas de vue à intégrer"}), 404
    path, title, kind = target
    refusal = _refused(path)
    if refusal is not None:  # a version that cannot be shown, or one asked of a dashboard: the embed's own answer
        return jsonify({"erreur": refusal[1]}), refusal[0]
    width = min(sizes["maxwidth"] or DEFAULT_WIDTH, DEFAULT_WIDTH)
    height = min(sizes["maxheight"] or HEIGHTS[kind], HEIGHTS[kind])
    origin = portal_origin()
    portal = current_portal()
    body = {
        "version": "1.0", "type": "rich", "title": title,
        "provider_name": portal.repository.catalogue.portal.title, "provider_url": origin + "/",
        "cache_age": CACHE_AGE, "width": width, "height": height,
        "html": iframe_code(origin + path, title, height, str(width)) + "\n" + resize_snippet(origin),
    }
    response = jsonify(body)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_AGE}"
    response.headers["Vary"] = "Host"  # without PUBLIC_URL, the addresses in the answer come from the Host header
    return response


def discovery_link() -> str:
    """The oEmbed discovery <link> of the page being served, when it has an embeddable view."""
    try:
        target = embed_target(request.path, parse_qsl(request.query_string.decode("utf-8", "replace"),
                                                      keep_blank_values=True))
    except Exception:  # noqa: BLE001 - a page's head never fails for its discovery link; the log says why
        log.exception("lien de découverte oEmbed")
        return ""
    if target is None:
        return ""
    origin = portal_origin()
    page = origin + request.full_path.rstrip("?")
    href = f"{origin}{OEMBED_PATH}?url={quote(page, safe='')}&format=json"
    return (f'<link rel="alternate" type="application/json+oembed" href="{html_text.escape(href)}" '
            f'title="{html_text.escape(target[1])}">')


def register(app) -> None:
    app.server.add_url_rule(OEMBED_PATH, "oembed", oembed)
    security.headers_of(app.server).allow_framing(PREFIX + "/", "*")
