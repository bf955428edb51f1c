"""The front door: security headers on every answer of the portal (a Content-Security-Policy without inline scripts,
nosniff, a referrer policy, a permissions policy, COOP, no framing except where a route asks for it, HSTS over
HTTPS), the Host header checked against TRUSTED_HOSTS, and Dash's dev-only routes closed outside dev mode."""
from __future__ import annotations

import logging
import re
import unicodedata
from urllib.parse import urlsplit

import dash
from flask import Response, abort, request

from api import ERROR_PAGE
from config import ConfigError, Settings, host_name

EXTENSION = "portail.securite"
log = logging.getLogger(__name__)

# strict-origin-when-cross-origin rather than no-referrer: OpenStreetMap's tile usage policy asks pages for a
# valid Referer and may refuse tiles without one. Other sites get only the origin, never the path or the query
# string, which can hold what a visitor typed (an address, `ma_commune`, a search).
REFERRER_POLICY = "strict-origin-when-cross-origin"
NO_FRAMING = "'none'"
# « près de chez moi » asks for the reader's position; nothing asks for a camera or a microphone
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=()"
# no other site's window keeps a handle on a portal page it opened (and the reverse)
OPENER_POLICY = "same-origin"
HSTS = "max-age=31536000"  # a year; without includeSubDomains: the portal's domain may have other sites under it
DEV_ONLY_PATHS = ("/_reload-hash",)  # Dash's hot reload, polled by its dev tools
UNTRUSTED_HOST_PAGE = ERROR_PAGE.format(title="Adresse inconnue", text="Ce portail ne répond pas sous ce nom d'hôte.")

# A host a CSP source may name: letters, digits, dots and hyphens (a `*.` wildcard is added by tile_origin).
_HOST = re.compile(r"[a-z0-9.\-]+|\[[0-9a-f:.]+\]")


def tile_origin(tile_url: str) -> str | None:
    """The scheme and host the map's tiles come from, as a CSP source (`https://tile.openstreetmap.org`), or
    None when there is no background or it is served by the portal itself (a path such as `/tuiles/{z}/…`).
    A placeholder in the host (`https://{s}.tile.example.org`) becomes a wildcard for its labels
    (`https://*.tile.example.org`). Raises ConfigError for a host that cannot be written in a CSP."""
    if not tile_url or tile_url.startswith("/"):
        return None
    parts = urlsplit(tile_url)
    host = parts.netloc.rpartition("@")[2].lower()
    port = ""
    if re.search(r":\d+$", host):
        host, _, port = host.rpartition(":")
        port = f":{port}"
    labels = host.split(".")
    templated = [i for i, label in enumerate(labels) if "{" in label or "}" in label]
    if templated:
        labels = ["*"] + labels[templated[-1] + 1:]
    host = ".".join(labels)
    if not _HOST.fullmatch(host.removeprefix("*.")) or (templated and len(labels) < 2):
        raise ConfigError(f"TILE_URL={tile_url!r} : hôte du fond de carte illisible pour la politique de sécurité")
    return f"{parts.scheme}://{host}{port}"


LONGEST_PATH = 2000


def local_path(target) -> str | None:
    """`target` if it is a path of this portal, else None: one leading « / » not followed by another « / » or a
    « \\ » (browsers read both as the start of another site's address), no « \\ » at all, no control character and
    no white space (browsers strip a tab or a newline, and what was `/<TAB>/ailleurs` becomes `//ailleurs`), at
    most LONGEST_PATH characters."""
    if not isinstance(target, str) or not 1 <= len(target) <= LONGEST_PATH or not target.startswith("/"):
        return None
    if target[1:2] in ("/", "\\") or "\\" in target:
        return None
    if any(c.isspace() or unicodedata.category(c)[0] == "C" for c in target):
        return None
    return target


def content_security_policy(script_hashes: list[str] | tuple[str, ...], tile_source: str | None,
                            frame_ancestors: str = NO_FRAMING) -> str:
    """The Content-Security-Policy header's value.

    Scripts: the portal's own files (Dash's bundles, its lazily loaded chunks, assets/*.js) and, by hash,
    the few inline scripts Dash writes into the page (the renderer's start, clientside callbacks). Neither
    'unsafe-inline' nor 'unsafe-eval': no library the portal uses needs them (plotly.js compiles code only for
    its WebGL traces, which no chart here uses; the bundles' `new Function("return this")` is a fallback
    behind `globalThis`).
    Styles: 'unsafe-inline' is needed, and only there: React, plotly, Leaflet and AG Grid set `style`
    attributes and insert <style> elements. Images: data: URIs (Bootstrap's icons), blob: URLs (the charts'
    « Télécharger le graphique (PNG) » button: plotly draws the chart's SVG into an <img> through a blob: URL,
    which only the page's own scripts can create) and the map tiles' host."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *([tile_source] if tile_source else [])],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": [frame_ancestors],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class SecurityHeaders:
    """Puts the security headers on every response of one Dash app: pages, callbacks, assets, API and export
    routes, 404s and errors (a Flask `after_request` runs for the answers of error handlers too).

    Embeddable views: the only routes other sites may frame (`/integrer/…`) open themselves up with
    `security.headers_of(server).allow_framing("/integrer/", "*")` (or a list of sites instead of `*`) when
    they are registered. For the paths under that prefix, and only those, frame-ancestors becomes the given
    sources and X-Frame-Options is left out (it has no way to name other sites, and an old browser that reads
    it would refuse the frame); every other route keeps frame-ancestors 'none' and X-Frame-Options: DENY."""

    def __init__(self, app: dash.Dash, settings: Settings) -> None:
        self.app = app
        self.trusted_hosts = frozenset(settings.trusted_hosts)
        self.dev = settings.dev
        self.tile_source = tile_origin(settings.tile_url)
        self.framing: dict[str, str] = {}  # path prefix -> frame-ancestors sources
        self._policies: dict[tuple, str] = {}

    def allow_framing(self, path_prefix: str, ancestors: str = "*") -> None:
        """Let other sites frame the routes under `path_prefix` (`ancestors`: CSP sources, e.g. `*` or
        `https://www.exemple.fr`)."""
        if not path_prefix.startswith("/") or not ancestors.strip() or ";" in ancestors or "," in ancestors:
            raise ValueError(f"préfixe ou sources invalides : {path_prefix!r}, {ancestors!r}")
        self.framing[path_prefix] = ancestors.strip()

    def frame_ancestors(self, path: str) -> str:
        """The frame-ancestors sources for a path: the longest prefix allowed to be framed, else 'none'."""
        prefixes = [p for p in self.framing if path.startswith(p)]
        return self.framing[max(prefixes, key=len)] if prefixes else NO_FRAMING

    def headers_for(self, path: str) -> dict[str, str]:
        """The security headers of an answer to `path`."""
        ancestors = self.frame_ancestors(path)
        # Hashed at each answer: Dash adds inline scripts when it sets itself up on the first request (the
        # pages' title callback) and whenever a clientside callback is registered; hashing them is microseconds.
        hashes = tuple(self.app.csp_hashes())
        key = (hashes, ancestors)
        if key not in self._policies:
            self._policies[key] = content_security_policy(hashes, self.tile_source, ancestors)
        headers = {
            "Content-Security-Policy": self._policies[key],
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": REFERRER_POLICY,
            "Permissions-Policy": PERMISSIONS_POLICY,
            "Cross-Origin-Opener-Policy": OPENER_POLICY,
        }
        if ancestors == NO_FRAMING:
            headers["X-Frame-Options"] = "DENY"  # for browsers that do not read frame-ancestors
        return headers

    def apply(self, response: Response) -> Response:
        response.headers.update(self.headers_for(request.path))
        if request.scheme == "https":  # over TLS, or through a trusted proxy's X-Forwarded-Proto (PROXY_COUNT)
            response.headers["Strict-Transport-Security"] = HSTS
        return response

    def screen(self):
        """Before any route: a Host that is not trusted gets a 400 (absolute addresses are built from the Host
        when PUBLIC_URL is not set), and Dash's dev-only routes a 404 outside dev mode."""
        if host_name(request.host) not in self.trusted_hosts:
            log.warning("hôte refusé (400) : %s", request.host[:200])
            return UNTRUSTED_HOST_PAGE, 400, {"Content-Type": "text/html; charset=utf-8"}
        if not self.dev and request.path in DEV_ONLY_PATHS:
            abort(404)  # the portal's own « page introuvable »
        return None


def install(app: dash.Dash, settings: Settings) -> SecurityHeaders:
    """Put the security headers on every answer of `app`. Raises ConfigError for an unusable TILE_URL."""
    headers = SecurityHeaders(app, settings)
    app.server.extensions[EXTENSION] = headers
    app.server.after_request(headers.apply)
    # first of the before_request functions: nothing else reads a request whose Host is not trusted
    app.server.before_request_funcs.setdefault(None, []).insert(0, headers.screen)
    return headers


def headers_of(server) -> SecurityHeaders:
    """The app's SecurityHeaders (for a feature that registers routes, such as the embeddable views)."""
    return server.extensions[EXTENSION]
