"""flask-caching, set up lazily with init_app; memoized functions take plain values (ids, version tokens)."""
from __future__ import annotations

from flask_caching import Cache

# Created unbound: nothing is configured at import. `init_cache` binds it to the Flask server.
cache = Cache()


def init_cache(server, config: dict) -> Cache:
    cache.init_app(server, config=config)
    return cache
