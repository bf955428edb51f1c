"""The running portal's shared objects (settings, repository), attached to the Flask server, not to modules."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from config import ConfigError, Settings

from data_access.cache import cache, init_cache
from data_access.repository import Repository

EXTENSION = "portail"


@dataclass(frozen=True)
class Portal:
    settings: Settings
    repository: Repository

    @property
    def demo(self) -> bool:
        """Whether the data served is demo data: the embedded snapshot, or a catalogue that says so."""
        return self.settings.is_demo or self.repository.catalogue.portal.demo


class _CacheFailureStore:
    """Load failures go to the shared cache, so every worker's /healthz reports them."""

    def get(self, key: str) -> str | None:
        return cache.get(key)

    def set(self, key: str, value: str, timeout: int) -> None:
        cache.set(key, value, timeout=timeout)


def _check_cache(server: Flask, settings: Settings) -> None:
    """Reach the cache once at start-up: an unreachable Redis or unwritable folder is a configuration error."""
    variable = {"RedisCache": "CACHE_REDIS_URL", "FileSystemCache": "CACHE_DIR"}.get(settings.cache_type)
    if variable is None:
        return
    with server.app_context():
        try:
            ok = cache.set("portail/start-up-check", 1) and cache.get("portail/start-up-check") == 1
        except Exception as exc:  # the backend's own errors (redis.ConnectionError, OSError…)
            raise ConfigError(f"{variable} : cache {settings.cache_type} inutilisable ({type(exc).__name__} : "
                              f"{str(exc)[:120]})") from None
    if not ok:
        raise ConfigError(f"{variable} : cache {settings.cache_type} inutilisable (écriture refusée)")


def install(server: Flask, settings: Settings) -> Portal:
    """Bind the cache to the server, read the catalogue, probe each dataset. Raises CatalogueError."""
    init_cache(server, settings.cache_config())
    _check_cache(server, settings)
    from data_access.derived import DERIVED
    from data_access.engine.backend import CONNECTIONS, EngineLimits

    CONNECTIONS.configure(EngineLimits(memory_mb=settings.engine_memory_mb, threads=settings.engine_threads))
    DERIVED.configure(settings.derived_memory_mb << 20)
    repository = Repository.from_data_dir(settings.data_dir, failure_store=_CacheFailureStore(),
                                          failure_seconds=settings.load_failure_seconds,
                                          served_dir=settings.served_dir)
    portal = Portal(settings=settings, repository=repository)
    server.extensions[EXTENSION] = portal
    return portal


def current_portal() -> Portal:
    """The portal of the app serving the current request (layouts, callbacks and routes all have one)."""
    return current_app.extensions[EXTENSION]
