"""The running portal's shared objects (settings, repository), attached to the Flask server, not to modules."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from config import Settings

from .cache import cache, init_cache
from .repository import Repository

EXTENSION = "portail"


@dataclass(frozen=True)
class Portal:
    settings: Settings
    repository: Repository


class _CacheFailureStore:
    """Load failures go to the shared cache, so every worker's /healthz reports them."""

    def get(self, key: str) -> str | None:
        return cache.get(key)

    def set(self, key: str, value: str) -> None:
        cache.set(key, value)


def install(server: Flask, settings: Settings) -> Portal:
    """Bind the cache to the server, read the catalogue, probe each dataset. Raises CatalogueError."""
    init_cache(server, settings.cache_config())
    repository = Repository.from_data_dir(settings.data_dir, failure_store=_CacheFailureStore())
    portal = Portal(settings=settings, repository=repository)
    server.extensions[EXTENSION] = portal
    return portal


def current_portal() -> Portal:
    """The portal of the app serving the current request (layouts, callbacks and routes all have one)."""
    return current_app.extensions[EXTENSION]
