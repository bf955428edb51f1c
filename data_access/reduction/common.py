"""What every reduction shares: its error, what it did, and how a commune code is read whatever the file writes."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

BLOCK = 4 << 20  # bytes of CSV parsed at a time
MAX_SKIPPED = 1_000  # malformed rows left out before the file is refused


class ReduceError(Exception):
    """The national file cannot be cut down; the message is French and says why."""


@dataclass
class Reduced:
    """What a reduction did: rows read, rows kept, and the communes found among the kept rows."""

    rows_in: int = 0
    rows_kept: int = 0
    codes: set[str] = field(default_factory=set)
    clipped: int = 0  # shapes cut to their commune's outline
    skipped: int = 0  # malformed CSV rows left out (a national file of millions of rows may have a few)

    def skip_row(self, row) -> str:
        if self.skipped >= MAX_SKIPPED:
            return "error"
        self.skipped += 1
        return "skip"


def code_text(value) -> str | None:
    """A commune code as the files write it, one way for every reader: trimmed text, a whole number without its
    « .0 » (a TopoJSON or GeoJSON may give the code as a number); None when there is none."""
    if value is None:
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else None
    text = str(value).strip()
    return text or None


def arrow_codes(column) -> pa.Array:
    """`code_text` over an Arrow column: text, trimmed, whole numbers without « .0 »."""
    if pa.types.is_floating(column.type):
        column = pc.cast(column, pa.int64(), safe=False)
    return pc.utf8_trim_whitespace(pc.cast(column, pa.string()))


def compression(path: Path) -> str | None:
    """« zip » or « gzip » when the file is compressed (by its first bytes), else None."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    return "zip" if head.startswith(b"PK\x03\x04") else "gzip" if head.startswith(b"\x1f\x8b") else None
