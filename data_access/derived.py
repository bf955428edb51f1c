"""What a page needs held in memory, built once per file version and shared by the process's threads: the tables a
dashboard works on (read back from the engine), the GTFS indexes, the Santé cells, the address index, the memos of
the Travaux statuses. One helper for all of them, `derived(key, build)`, with a memory budget: when the entries
held pass it, the least recently used go first; what is evicted is built again on its next use.

The key names the data, never an object's address: a table's `key` is its dataset's id and file version (a new
version is a new key; the old one ages out), and each structure adds its own words to it.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, fields, is_dataclass
from typing import Callable, Hashable, TypeVar

from config_list import int_default

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_BUDGET_MB = int_default("DERIVED_MEMORY_MB")  # every dashboard of the demo at scale 10 holds about 370 MB
THRASH_SECONDS = 60  # a structure built again this soon after it was evicted: the budget is too small


@dataclass
class Held:
    value: object
    size: int


class Derived:
    """The held structures of one process, least recently used first."""

    def __init__(self, budget_bytes: int):
        self.budget = budget_bytes
        self._held: OrderedDict[Hashable, Held] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}
        self.total = 0
        self.builds = 0
        self.evictions = 0
        self._evicted: OrderedDict[Hashable, float] = OrderedDict()  # when each recent eviction happened
        self.rebuilt_soon = 0

    def configure(self, budget_bytes: int) -> None:
        with self._lock:
            self.budget = budget_bytes
            self._evict(keep=None)

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value held under `key`, built by `build()` when it is not (one thread builds it, the others wait
        for it). An exception from `build` is raised to every caller and nothing is held."""
        found = self._lookup(key)
        if found is not None:
            return found.value
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        try:
            with building:
                found = self._lookup(key)
                if found is not None:
                    return found.value
                value = build()
                self._keep(key, value)
                return value
        finally:
            with self._lock:
                self._building.pop(key, None)

    def _lookup(self, key: Hashable) -> Held | None:
        with self._lock:
            found = self._held.get(key)
            if found is not None:
                self._held.move_to_end(key)
            return found

    def _keep(self, key: Hashable, value: object) -> None:
        size = footprint(value) + footprint(key)  # a long filter in a key counts too
        with self._lock:
            self.builds += 1
            evicted = self._evicted.pop(key, None)
            if evicted is not None and time.monotonic() - evicted < THRASH_SECONDS:
                self.rebuilt_soon += 1
                log.warning("structure dérivée %r refaite %.0f s après avoir été oubliée : DERIVED_MEMORY_MB (%d Mio) "
                            "est trop petit pour ce qui est consulté", _short(key), time.monotonic() - evicted,
                            self.budget >> 20)
            old = self._held.pop(key, None)
            self.total -= old.size if old else 0
            self._held[key] = Held(value, size)
            self.total += size
            self._evict(keep=key)
        if size > self.budget:
            log.warning("structure dérivée %r : %d Mio, plus que le budget DERIVED_MEMORY_MB (%d Mio)", _short(key),
                        size >> 20, self.budget >> 20)

    def _evict(self, keep: Hashable | None) -> None:
        """Drop the least recently used entries until the total is within the budget; the newest always stays,
        or a structure larger than the budget would be built again at every use."""
        while self.total > self.budget and self._held:
            oldest = next(iter(self._held))
            if oldest == keep:
                break
            self.total -= self._held.pop(oldest).size
            self.evictions += 1
            self._evicted[oldest] = time.monotonic()
            while len(self._evicted) > 1024:
                self._evicted.popitem(last=False)

    def drop(self, match: Callable[[Hashable], bool] = lambda key: True) -> None:
        """Forget the entries whose key matches (every entry by default): benchmarks measure cold builds with it."""
        with self._lock:
            for key in [k for k in self._held if match(k)]:
                self.total -= self._held.pop(key).size

    def keys(self) -> list:
        with self._lock:
            return list(self._held)


def _short(key: Hashable):
    return key[:2] if isinstance(key, tuple) else key


DERIVED = Derived(DEFAULT_BUDGET_MB << 20)


def derived(key: Hashable, build: Callable[[], T]) -> T:
    """`build()`'s value, kept under `key` in this process within the memory budget (see the module)."""
    return DERIVED.get(key, build)


def footprint(value, depth: int = 0) -> int:
    """About how many bytes `value` holds: the arrays' buffers counted exactly, the containers walked a few
    levels down (a sample of a long list stands for the rest)."""
    if depth > 6 or value is None:
        return 0
    import numpy as np
    import pandas as pd

    if isinstance(value, (pd.DataFrame, pd.Series, pd.Index)):
        usage = value.memory_usage(deep=not _has_object_column(value), index=True)
        return int(usage.sum() if hasattr(usage, "sum") else usage) + _objects(value)
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + (_sampled(list(value.flat), depth) if value.dtype == object else 0)
    if hasattr(value, "nbytes") and hasattr(value, "schema"):  # an Arrow table or batch
        return int(value.nbytes)
    if isinstance(value, (str, bytes, bytearray)):
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + _sampled(list(value.items()), depth)
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + _sampled(list(value), depth)
    if type(value).__module__.startswith("shapely"):  # a shape's coordinates live in GEOS, not in Python
        import shapely

        if isinstance(value, shapely.STRtree):  # an index: its nodes, about a shape's envelope each
            return 100 + 64 * len(value)
        return 100 + 16 * int(shapely.get_num_coordinates(value))
    if hasattr(value, "__dict__"):  # a dataclass, and the memos some keep in their __dict__
        return sys.getsizeof(value) + sum(footprint(v, depth + 1) for v in vars(value).values())
    if is_dataclass(value):
        return sys.getsizeof(value) + sum(footprint(getattr(value, f.name), depth + 1) for f in fields(value))
    return sys.getsizeof(value)


SAMPLE = 64


def _sampled(items: list, depth: int) -> int:
    if not items:
        return 0
    step = max(1, len(items) // SAMPLE)
    sample = items[::step]
    return int(sum(footprint(item, depth + 1) for item in sample) * len(items) / len(sample))


def _has_object_column(value) -> bool:
    import pandas as pd

    dtypes = value.dtypes if isinstance(value, pd.DataFrame) else [value.dtype]
    return any(str(d) in ("object", "geometry") for d in dtypes)


def _objects(value) -> int:
    """The objects of object (and geometry) columns, sampled: `memory_usage(deep=True)` would visit each."""
    import pandas as pd

    columns = [value[c] for c in value.columns] if isinstance(value, pd.DataFrame) else [value]
    total = 0
    for column in columns:
        if str(column.dtype) in ("object", "geometry"):
            objects = column.to_numpy(dtype=object) if len(column) else []
            total += _sampled(list(objects), 1)
    return total
