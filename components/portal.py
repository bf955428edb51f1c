"""The running app's glue to its portal: the shared cache (flask-caching, built from the settings) and the Portal
attached to the Flask server, found again by the layouts, callbacks and routes of the app serving a request."""
from __future__ import annotations

from flask import Flask, current_app
from flask_caching import Cache

from config import Settings
from data_access.portal import Portal, open_portal

EXTENSION = "portail"


def install(server: Flask, settings: Settings) -> Portal:
    """Build the server's cache backend, open the portal on it and attach it. Raises ConfigError/CatalogueError."""
    cache = Cache(server, config=settings.cache_config())
    with server.app_context():
        backend = cache.cache  # the backend itself (cachelib's): usable outside any request
    portal = open_portal(settings, backend)
    server.extensions[EXTENSION] = portal
    return portal


def current_portal() -> Portal:
    """The portal of the app serving the current request (layouts, callbacks and routes all have one)."""
    return current_app.extensions[EXTENSION]
