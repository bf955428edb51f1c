"""The app factory: settings, catalogue, Dash app, routes and shell. Tests build one small app per case."""
from __future__ import annotations

import logging
import sys

import dash

import api
import downloads
import security
from components import shell
from config import ROOT, ConfigError, Settings, load_settings
from data_access.catalogue import CatalogueError
from data_access.portal import install

log = logging.getLogger("portail")

INDEX_STRING = """<!DOCTYPE html>
<html lang="fr">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div>
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""


def create_app(settings: Settings | None = None) -> dash.Dash:
    """Build the app for `settings` (read from the environment when None). Raises ConfigError/CatalogueError."""
    settings = settings or load_settings()
    logging.basicConfig(level=logging.DEBUG if settings.dev else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
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
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(ROOT / "pages"),
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
    portal = install(server, settings)
    api.register(app)
    downloads.register(server)
    security.install(app, settings)
    app.layout = shell.layout(portal.repository.catalogue.portal.title, portal.demo)
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
