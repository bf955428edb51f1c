"""Files the portal writes for its other processes to read: put in place whole, never half-written."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o644  # the served files and records: readable by the app, whatever user runs it


def write_atomically(path: Path, data: bytes) -> None:
    """`data` into `path`, written aside, flushed to disk, then renamed into place: a reader sees the old file or
    the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False)
    temporary = Path(handle.name)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
