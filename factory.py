"""The app factory: settings, catalogue, Dash app, routes and shell. Tests build one small app per case."""
from __future__ import annotations

import logging
import re
import sys

import dash
import flask

import api
import dash_internals
import layout_cache
import downloads
import script_loader
import security
import server_render
from components import shell, statique
from components.portal import EXTENSION as PORTAL
from components.portal import install
from components.vendor import RUNTIME_URL
from config import ROOT, ConfigError, Settings, load_settings
from data_access.catalogue.model import CatalogueError
from data_access.realtime import refresher
from features.contributions import web as contributions_web
from features.contributions import web_moderation as moderation_web
from features.historique import routes as feeds
from features.integration import routes as embeds
from features.transports import routes as live_routes
from logs import escape_log_messages

log = logging.getLogger("portail")

INDEX_STRING = """<!DOCTYPE html>
<html lang="fr">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        <link rel="manifest" href="/manifest.webmanifest">
        <link rel="apple-touch-icon" href="/assets/icones/icone-apple-180.png">
        <meta name="theme-color" content="#00558c">
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div>
            {%config%}
            <!--scripts-->
            {%scripts%}
            {%renderer%}
            <!--/scripts-->
        </div>
    </body>
</html>"""


def plotly_bundle():
    """plotly.js's partial bundle of the traces the portal draws (components/vendor: 0.4 MB compressed instead of
    the full plotly.min.js's 1.4 MB), at the address where Dash's renderer fetches plotly.js (dash_internals, 1.)."""
    from components.vendor import PLOTLY_BUNDLE

    return _vendor_script(PLOTLY_BUNDLE)


def regenerator_runtime():
    """What Dash's bundles need of the polyfill Dash lists (dash_internals, 3.)."""
    from components.vendor import RUNTIME_SCRIPT

    return _vendor_script(RUNTIME_SCRIPT)


def scripts_loader():
    """The script that fetches Dash's scripts after the first paint (script_loader)."""
    return _vendor_script(script_loader.LOADER)


def _vendor_script(path):
    """A file of components/vendor as a plain response (not send_file's passthrough), so that it is compressed
    like Dash's own files, and kept a day."""
    response = flask.Response(path.read_bytes(), mimetype="application/javascript")
    response.add_etag()
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response.make_conditional(flask.request)


# what Dash's index shows while the app starts (its `_dash-loading` block inside the app entry), in English
DASH_LOADING = re.compile(r'(<div class="_dash-loading">)\s*Loading\.\.\.\s*(</div>)')
LOADING = "Chargement…"


def portal_index(index: str) -> str:
    """The page's HTML (a `dash.hooks.index` hook): the page itself, written by the server (server_render), and
    « Chargement… » while the app starts, instead of Dash's « Loading... »; an embed's <html> has the `integration` class (the view alone, assets/portail.css), and a page
    with an embeddable view names its oEmbed answer in its head, and one with a feed its Atom feed. Only for an app with a portal attached: Dash's
    hooks apply to every app of the process. Dash's polyfill gives way to the little of it the bundles use
    (dash_internals, 3.)."""
    if not flask.has_request_context() or PORTAL not in flask.current_app.extensions:
        return index
    index = DASH_LOADING.sub(rf"\g<1>{LOADING}\g<2>", index, count=1)
    index = dash_internals.without_polyfill(index, dash.get_app().get_relative_path("/" + RUNTIME_URL))
    index = server_render.with_first_paint(index)
    if flask.request.path.startswith(embeds.PREFIX + "/"):
        index = server_render.add_html_class(index, "integration")
    index = script_loader.after_first_paint(index, dash.get_app().get_relative_path("/" + script_loader.LOADER_URL))
    links = "".join(f"    {link}\n" for link in (embeds.discovery_link(), feeds.alternate_link()) if link)
    return index.replace("</head>", f"{links}    </head>", 1) if links else index


_hooks_registered = False


def register_dash_hooks() -> None:
    """Dash's hooks (`dash.hooks`) are the process's, for every app made after them: registered once, whatever the
    number of apps (tests make many); what differs from app to app is read from the app serving the request."""
    global _hooks_registered
    if _hooks_registered:
        return
    dash_internals.defer_bundles()
    dash.hooks.route(name=dash_internals.PLOTLY_URL)(plotly_bundle)
    dash.hooks.route(name=RUNTIME_URL)(regenerator_runtime)
    dash.hooks.route(name=script_loader.LOADER_URL)(scripts_loader)
    dash.hooks.index()(portal_index)
    _hooks_registered = True


def create_app(settings: Settings | None = None) -> dash.Dash:
    """Build the app for `settings` (read from the environment when None). Raises ConfigError/CatalogueError."""
    settings = settings or load_settings()
    logging.basicConfig(level=logging.DEBUG if settings.dev else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    escape_log_messages()
    if settings.secret_key_is_random:
        log.warning("SECRET_KEY n'est pas définie : clé aléatoire propre à ce processus")
    if settings.is_demo:
        from data_access.demo import ensure_snapshot

        try:
            if ensure_snapshot(settings.data_dir):
                log.info("instantané de démonstration généré dans %s", settings.data_dir)
        except OSError as exc:  # a read-only checkout, a full disk
            raise ConfigError(f"DATA_DIR : impossible d'écrire l'instantané de démonstration dans "
                              f"{settings.data_dir} ({exc.strerror or exc}) ; indiquez un DATA_DIR existant") from None
    register_dash_hooks()
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(ROOT / "features"),
        assets_folder=str(ROOT / "assets"),
        title="Open data — Métropole Rouen Normandie",
        update_title=None,
        suppress_callback_exceptions=True,
        compress=True,
        serve_locally=True,
    )
    app.index_string = INDEX_STRING
    server = app.server
    server.secret_key = settings.secret_key
    server.json.ensure_ascii = False  # French messages read as French in a browser, not as \u00e9 escapes
    if settings.proxy_count:  # behind a reverse proxy: the reader's address (rate limits) is in X-Forwarded-For
        from werkzeug.middleware.proxy_fix import ProxyFix

        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.proxy_count, x_proto=settings.proxy_count)
    portal = install(server, settings)
    if settings.is_demo:  # the demo's short history, recorded once per served folder (data_access/history/demo.py)
        from data_access.history.demo import ensure_demo_history

        if ensure_demo_history(settings.data_dir, portal.repository.served_store.folder):
            log.info("historique de démonstration enregistré")
    if settings.live_refresh and refresher.feeds_of(portal.repository.catalogue):  # each worker's refresher thread
        get = live_routes.local_get(server)  # the demo's stand-in is answered in-process
        server.before_request(lambda: refresher.ensure(portal.cache, portal.repository.catalogue, get))
    live_routes.register(server, settings)
    api.register(app)
    downloads.register(server)
    contributions_web.register(server, settings)
    moderation_web.register(server)
    security.install(app, settings)
    embeds.register(app)
    feeds.register(server)
    app.layout = shell.layout(portal.repository.catalogue.portal.title, portal.demo)
    statique.install()  # static islands first: the layout cache keeps the compacted form
    layout_cache.install()
    return app


def build_or_exit() -> dash.Dash:
    """create_app for `python app.py` and gunicorn: a bad setting or catalogue is one line and exit 2."""
    try:
        return create_app()
    except ConfigError as exc:
        print(f"Erreur de configuration : {exc}", file=sys.stderr)
    except CatalogueError as exc:
        print(f"Erreur dans le catalogue : {exc}", file=sys.stderr)
    raise SystemExit(2)
