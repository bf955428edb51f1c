"""The shared cache as the computing code sees it: an object with `get(key)` and `set(key, value, timeout=None)`
(the app passes its cache backend in: one per process, or Redis shared by every worker). Nothing here knows the
web framework; a result is remembered under its name and the plain values it depends on (ids, version tokens)."""
from __future__ import annotations

import hashlib
import logging
from typing import Any, Callable, Protocol, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class SharedCache(Protocol):
    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...


def cache_key(name: str, parts: tuple) -> str:
    """The key of `name` for these plain values: the same in every worker (no salted hash())."""
    return f"portail/{name}/{hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()}"


def remembered(cache: SharedCache | None, name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """compute(), kept in `cache` under `name` and `parts` for the cache's default lifetime; without a cache, or
    when it fails (Redis gone), computed anew: a cache never makes a page fail."""
    if cache is None:
        return compute()
    key = cache_key(name, parts)
    try:
        found = cache.get(key)
    except Exception:  # the backend's own errors (redis.ConnectionError, OSError…)
        log.exception("cache illisible pour %s", name)
        return compute()
    if found is not None:
        return found
    value = compute()
    try:
        cache.set(key, value)
    except Exception:
        log.exception("cache : écriture refusée pour %s", name)
    return value
