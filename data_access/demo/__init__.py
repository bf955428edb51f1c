"""The embedded demo snapshot: a deterministic generator of realistic, clearly labelled demo datasets.

The snapshot is built on real facts (the 71 communes of Métropole Rouen Normandie, the Astuce network's main
lines, see `facts`), on the communes' real outlines (`contours/`) and on seeded random draws for everything
else, so the same scale always gives the same bytes. `ensure_snapshot` generates it once, on first start,
safely when several workers start together:

    from data_access.demo import ensure_snapshot
    ensure_snapshot(config.DEMO_DATA_DIR)

or from the command line: `python -m data_access.demo [--out DIR] [--scale N] [--force]`.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from data_access.demo.outlines import (OUTLINES_FILE, OUTLINES_LICENSE, OUTLINES_LICENSE_URL, OUTLINES_SOURCE,
                                       OUTLINES_SOURCE_URL)

# the outlines and their credit, as the about page and the tests read them from the package
__all__ = ["OUTLINES_FILE", "OUTLINES_LICENSE", "OUTLINES_LICENSE_URL", "OUTLINES_SOURCE", "OUTLINES_SOURCE_URL",
           "ensure_snapshot", "generator_stamp", "rebuild_snapshot", "snapshot_is_current"]

STAMP_FILE = ".generator-stamp"
CATALOGUE_FILE = "catalogue.toml"


def generator_stamp(scale: int = 1) -> str:
    """What the snapshot depends on: the generator's source code, the outlines it reads and the scale."""
    digest = hashlib.sha256()
    sources = sorted(Path(__file__).parent.glob("*.py"), key=lambda p: p.name) + [OUTLINES_FILE]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    digest.update(f"scale={scale}".encode())
    return digest.hexdigest()


def snapshot_is_current(target: Path, scale: int = 1) -> bool:
    """True when `target` holds a complete snapshot made by this generator at this scale."""
    target = Path(target)
    try:
        stamp = (target / STAMP_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return (target / CATALOGUE_FILE).is_file() and stamp == generator_stamp(scale)


@contextmanager
def _exclusive_lock(target: Path) -> Iterator[None]:
    """Serialise generation between processes (gunicorn workers) with a lock file beside the target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


KEPT = ("contributions.sqlite*",)  # what people wrote into the demo's folder: it outlives a new snapshot


def _generate_and_swap(target: Path, scale: int) -> dict[str, int]:
    """Generate into a sibling folder, then swap it in: `target` never holds a half-written snapshot. The files of
    KEPT (the contributions' database under the default DATABASE_URL) move into the new snapshot; on a failure
    they go back where they were."""
    from data_access.demo.generate import generate_snapshot  # numpy, shapely, pyarrow: only loaded when generating

    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    for leftover in (tmp, old):
        shutil.rmtree(leftover, ignore_errors=True)
    moved: list[str] = []
    try:
        counts = generate_snapshot(tmp, scale)
        (tmp / STAMP_FILE).write_text(generator_stamp(scale) + "\n", encoding="ascii")
        for pattern in KEPT if target.exists() else ():
            for kept in sorted(target.glob(pattern)):
                os.replace(kept, tmp / kept.name)
                moved.append(kept.name)
        if target.exists():
            target.rename(old)
        tmp.rename(target)
    except BaseException:
        home = target if target.exists() else old
        for name in moved:
            if (tmp / name).exists():
                os.replace(tmp / name, home / name)
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not target.exists():
            old.rename(target)  # put the previous snapshot back
        raise
    shutil.rmtree(old, ignore_errors=True)
    return counts


def rebuild_snapshot(target: Path, scale: int = 1) -> dict[str, int]:
    """Regenerate the snapshot in `target` unconditionally; return dataset id -> rows written."""
    target = Path(target)
    with _exclusive_lock(target):
        return _generate_and_swap(target, scale)


def ensure_snapshot(target: Path, scale: int = 1) -> bool:
    """Generate the snapshot into `target` unless it is already current. Return True when it was generated."""
    target = Path(target)
    if snapshot_is_current(target, scale):
        return False
    with _exclusive_lock(target):
        if snapshot_is_current(target, scale):  # another worker generated it while we waited
            return False
        _generate_and_swap(target, scale)
        return True
