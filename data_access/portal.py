"""The running portal's shared objects (settings, repository, shared cache), made once per app from its settings.
The web side (components/portal.py) attaches them to the Flask server and finds them again for a request; the
computing code is given them as arguments."""
from __future__ import annotations

from dataclasses import dataclass

from config import ConfigError, Settings
from data_access.cache import SharedCache
from data_access.repository import Repository


@dataclass(frozen=True)
class Portal:
    settings: Settings
    repository: Repository
    cache: SharedCache | None = None  # the results shared by every worker (dataset summaries, key figures)

    @property
    def demo(self) -> bool:
        """Whether the data served is demo data: the embedded snapshot, or a catalogue that says so."""
        return self.settings.is_demo or self.repository.catalogue.portal.demo


def check_cache(cache: SharedCache, settings: Settings) -> None:
    """Reach the cache once at start-up: an unreachable Redis or unwritable folder is a configuration error."""
    variable = {"RedisCache": "CACHE_REDIS_URL", "FileSystemCache": "CACHE_DIR"}.get(settings.cache_type)
    if variable is None:
        return
    try:
        ok = cache.set("portail/start-up-check", 1) and cache.get("portail/start-up-check") == 1
    except Exception as exc:  # the backend's own errors (redis.ConnectionError, OSError…)
        raise ConfigError(f"{variable} : cache {settings.cache_type} inutilisable ({type(exc).__name__} : "
                          f"{str(exc)[:120]})") from None
    if not ok:
        raise ConfigError(f"{variable} : cache {settings.cache_type} inutilisable (écriture refusée)")


def open_portal(settings: Settings, cache: SharedCache) -> Portal:
    """Check the cache, size the engine, read the catalogue, probe each dataset. Load failures go to the shared
    cache, so every worker's /healthz reports them. Raises ConfigError/CatalogueError."""
    check_cache(cache, settings)
    from data_access.derived import DERIVED
    from data_access.engine.backend import CONNECTIONS, EngineLimits

    CONNECTIONS.configure(EngineLimits(memory_mb=settings.engine_memory_mb, threads=settings.engine_threads))
    DERIVED.configure(settings.derived_memory_mb << 20)
    repository = Repository.from_data_dir(settings.data_dir, failure_store=cache,
                                          failure_seconds=settings.load_failure_seconds,
                                          served_dir=settings.served_dir)
    repository.history_days = settings.history_days
    return Portal(settings=settings, repository=repository, cache=cache)
