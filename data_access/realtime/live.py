"""Live feeds fetched once per `ttl` for every worker and host, never by a page: the last good answer is kept in the
shared cache with its fetch time (a `Snapshot`), and a page reads it as it is, saying how old it is.

`refresh` is the refresher's step for one feed: when the snapshot is older than the feed's ttl, the worker that
claims the feed (`claim`: Redis's SET NX; with a FileSystemCache, a lock file in the host's temporary folder)
fetches it, checks it decodes, and stores it; the others read. A failed, slow or undecodable fetch keeps the last
answer, says why (logged once a minute per feed), and the answer grows old: older than 3 × ttl, or unchanged for
10 minutes while the service runs, it is stale, and the pages fall back to the timetable.

With SimpleCache each process fetches for itself; with NullCache nothing is kept and no page shows live data."""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass, replace
from typing import Callable

from data_access.cache import SharedCache, cache_key
from data_access.realtime.gtfs_rt import FeedError

log = logging.getLogger(__name__)
STALE_TTLS = 3  # older than this many ttls: stale
UNCHANGED_SECONDS = 600  # the same content this long while the service runs: stale (a feed stuck upstream)
FETCH_SECONDS = 10  # connect and read, each
MAX_BYTES = 50 << 20
KEPT_SECONDS = 24 * 3600  # how long the shared cache keeps a snapshot nobody refreshes
LOG_EVERY = 60  # seconds between two log lines about one feed's failures
_logged: dict[str, float] = {}


@dataclass(frozen=True)
class Snapshot:
    """A feed's last good answer and how it was got (times in POSIX seconds)."""

    body: bytes | None  # None: never fetched well
    fetched: float | None  # the last good fetch
    changed: float | None  # when the content last changed
    tried: float  # the last attempt, good or not
    error: str | None = None  # why the last attempt failed, in French
    digest: str | None = None

    def age(self, now: float) -> float | None:
        return None if self.fetched is None else max(0.0, now - self.fetched)

    def stale(self, ttl: int, now: float, in_service: bool = True) -> bool:
        """Too old to be shown as now: never fetched, older than 3 × ttl, or unchanged for 10 minutes while the
        service runs (a feed that stopped upstream still answers, the same bytes)."""
        if self.fetched is None or now - self.fetched > STALE_TTLS * ttl:
            return True
        return in_service and self.changed is not None and now - self.changed > UNCHANGED_SECONDS


def feed_key(url: str) -> str:
    return cache_key("temps-reel", (url,))


def _read(cache: SharedCache | None, key: str):
    if cache is None:
        return None
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - a cache never makes a page fail
        log.exception("cache illisible pour un flux temps réel")
        return None


def meta(cache: SharedCache | None, url: str) -> Snapshot | None:
    """The feed's snapshot without its bytes (a few hundred bytes, whatever the feed's size: what is read at each
    page and each refresher round), or None before a first attempt or when the cache fails. Its bytes are kept
    apart, under one key overwritten at each new content (`body`)."""
    found = _read(cache, feed_key(url))
    return found if isinstance(found, Snapshot) else None


def body(cache: SharedCache | None, url: str, digest: str) -> bytes | None:
    """The feed's bytes of the content `digest` names; None when the cache holds another (a newer) one."""
    found = _read(cache, feed_key(url) + "/corps")
    return found[1] if isinstance(found, tuple) and len(found) == 2 and found[0] == digest else None


def _decoded_here(url: str, digest: str, value) -> None:
    """The answer this worker just checked, kept decoded as `content` would decode it: never decoded twice here."""
    from data_access.derived import derived

    if value is not None:
        derived(("temps-reel", url, digest), lambda: value)


def content(cache: SharedCache | None, url: str, decode: Callable[[bytes], object], found: Snapshot | None = None):
    """The feed's last good answer decoded (`decode`), once per process and answer (the derived structures), and
    its snapshot without bytes: the bytes are read from the shared cache only when this process has not decoded
    that answer yet. (None, snapshot) when there is none, or it cannot be had now."""
    from data_access.derived import derived

    found = found or meta(cache, url)
    if found is None or found.digest is None:
        return None, found

    def load():
        kept = body(cache, url, found.digest)
        if kept is None:  # a newer answer replaced it between the two reads: the next page reads that one
            raise FeedError("réponse remplacée entre deux lectures")
        return decode(kept)

    try:
        return derived(("temps-reel", url, found.digest), load), found
    except FeedError:
        return None, found


def snapshot(cache: SharedCache | None, url: str) -> Snapshot | None:
    """The feed's snapshot with its bytes (None before a first attempt, or when the cache fails)."""
    found = meta(cache, url)
    if found is None or found.digest is None:
        return found
    return replace(found, body=body(cache, url, found.digest))


def claim(cache, key: str, seconds: int) -> bool:
    """Whether this worker takes the job named `key` for `seconds`: one worker of all that share the cache."""
    from cachelib import FileSystemCache

    backend = getattr(cache, "cache", cache)  # flask-caching's Cache wraps a cachelib backend
    if isinstance(backend, FileSystemCache):  # its own add() is not atomic between processes
        # a lock file in the host's temporary folder: a FileSystemCache is one host's, as are its workers
        lock_path = os.path.join(tempfile.gettempdir(), "portail-" + hashlib.blake2b(key.encode(), digest_size=16)
                                 .hexdigest() + ".verrou")
        with open(lock_path, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            if backend.get(key) is not None:
                return False
            return bool(backend.set(key, True, timeout=seconds))
    return bool(cache.add(key, True, timeout=seconds))


def fetch(url: str) -> bytes:
    """The feed's bytes; FeedError in French when it cannot be had."""
    import requests

    try:
        with requests.get(url, timeout=(FETCH_SECONDS, FETCH_SECONDS), stream=True,
                          headers={"User-Agent": "portail-open-data-rouen/temps-reel"}) as response:
            if response.status_code != 200:
                raise FeedError(f"le flux a répondu {response.status_code}")
            body = bytearray()
            for chunk in response.iter_content(1 << 16):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise FeedError(f"flux de plus de {MAX_BYTES >> 20} Mo")
            return bytes(body)
    except requests.RequestException as exc:
        raise FeedError(f"flux injoignable ({type(exc).__name__})") from None


def clock_now() -> float:
    """The portal's clock (data_access.clock, which the tests pin), in POSIX seconds."""
    from data_access.clock import utc_now

    return utc_now().timestamp()


def refresh(cache, url: str, ttl: int, check: Callable[[bytes], object], now: Callable[[], float] = clock_now,
            get: Callable[[str], bytes] = fetch) -> bool:
    """Fetch the feed when its snapshot is older than `ttl` and this worker claims it; `check` decodes the bytes
    (FeedError when they cannot be). True when this worker tried."""
    current = meta(cache, url)
    started = now()
    if current is not None and started - current.tried < ttl:
        return False
    if not claim(cache, feed_key(url) + "/verrou", ttl):
        return False
    answer = None
    try:
        answer = get(url)
        decoded = check(answer)
    except FeedError as exc:
        answer = None
        _log_failure(url, str(exc))
        kept = current or Snapshot(None, None, None, started)
        new = replace(kept, tried=started, error=str(exc))
    else:
        digest = hashlib.blake2b(answer, digest_size=16).hexdigest()
        changed = current.changed if current is not None and current.digest == digest else started
        new = Snapshot(None, started, changed, started, None, digest)
        _decoded_here(url, digest, decoded)
    try:
        if answer is not None:  # the bytes first, then what names them: a reader never finds a name without them
            cache.set(feed_key(url) + "/corps", (new.digest, answer), timeout=KEPT_SECONDS)
        cache.set(feed_key(url), new, timeout=KEPT_SECONDS)
    except Exception:  # noqa: BLE001 - the next attempt will try again
        log.exception("cache : flux temps réel non gardé")
    return True


def _log_failure(url: str, message: str) -> None:
    """Once a minute per feed: a feed down for an hour is 60 lines, not one per worker and attempt."""
    moment = time.monotonic()
    if moment - _logged.get(url, -LOG_EVERY) >= LOG_EVERY:
        _logged[url] = moment
        log.warning("flux temps réel %s : %s ; la dernière réponse lisible est gardée", url, message)
