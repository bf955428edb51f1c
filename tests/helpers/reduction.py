"""What the tests of the national reductions share: the Métropole's codes, and a national file's catalogue entry."""
from __future__ import annotations

from data_access.catalogue.model import Dataset, FieldSpec
from data_access.catalogue.source import Keep, Source
from data_access.demo.facts import communes
from data_access.reduction import Kept

CODES = frozenset(c.insee for c in communes())
KEPT = Kept(CODES)


def dataset(fmt: str, field: str, source_format: str | None = None) -> Dataset:
    """A national file's entry; its keep field declared as text, as a catalogue declares codes."""
    options = (("format", source_format),) if source_format else ()
    return Dataset(id="national", title="National", theme="Test", format=fmt, path=f"national.{fmt}",
                   fields=(FieldSpec(name=field, type="text"),),
                   source=Source(kind="url", url="https://example.org/f", options=options,
                                 keep=Keep(field=field, communes="communes")))
