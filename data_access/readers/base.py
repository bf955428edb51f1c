"""What every reader returns: a Table (a frame and its typed fields), and the error readers raise."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from data_access.names import absent, find_header

if TYPE_CHECKING:  # pandas is heavy: imported by the readers when a file is actually read
    import pandas as pd

GEO_TYPES = ("geo_point_2d", "geo_shape")
NUMERIC_TYPES = ("int", "double")
TEMPORAL_TYPES = ("date", "datetime")


class ReadError(Exception):
    """A data file cannot be read. The message is French and names the file (and the part at fault).
    `transient`: the system would not let us read it (permissions, a disk): worth trying again, unlike a file
    whose content cannot be parsed."""

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


class AccessProblem(str):
    """A probe's reason that comes from the system, not from the file's content: not kept, tried again."""


def unreadable(path, exc: OSError) -> ReadError:
    """The error for a file the system will not let us read (permissions, a folder, a broken disk)."""
    return ReadError(f"fichier illisible : {path.name} ({exc.strerror})", transient=True)


@dataclass(frozen=True)
class FieldInfo:
    """A column of a loaded table, as the pages and the query layer see it."""

    name: str  # the column name in the frame, and the name used in URLs (refine.<name>=)
    label: str  # what the UI shows
    type: str  # one of catalogue.FIELD_TYPES
    facet: bool = False
    role: str | None = None
    unit: str | None = None
    description: str | None = None
    separator: str | None = None  # a multivalued text field: its values joined with this ("2,3")

    def values_of(self, text: str) -> list[str]:
        """The values a cell holds: several for a multivalued field, else the cell itself."""
        if not self.separator:
            return [text]
        return [part.strip() for part in text.split(self.separator) if part.strip()]

    @property
    def is_geo(self) -> bool:
        return self.type in GEO_TYPES

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def is_temporal(self) -> bool:
        return self.type in TEMPORAL_TYPES


def main_geometry(fields: tuple[FieldInfo, ...]) -> FieldInfo | None:
    """The main geometry: a shape when there is one, else a point."""
    geo = [f for f in fields if f.is_geo]
    return next((f for f in geo if f.type == "geo_shape"), geo[0] if geo else None)


_KEYS = itertools.count()


@dataclass
class Table:
    """A dataset loaded in memory.

    Column dtypes by field type: text -> pandas "str"; int -> "Int64"; double -> "Float64" or float64;
    boolean -> "boolean"; date and datetime -> datetime64; geo_point_2d / geo_shape -> a geopandas
    GeoSeries (EPSG:4326), None where a row has no geometry.
    """

    frame: "pd.DataFrame"
    fields: tuple[FieldInfo, ...]
    notes: tuple[str, ...] = ()  # repairs or oddities met while reading, in French, for the logs and pages
    extra: dict = field(default_factory=dict)  # format-specific parts (the GTFS feed's other tables)
    headers: dict[str, str] = field(default_factory=dict)  # a field's header as the file writes it, where it differs
    # what the structures derived from the table are kept under (data_access.derived): the repository names its
    # tables by dataset and file version; any other table (a copy, a test's) gets a name of its own
    key: str = field(default_factory=lambda: f"table-{next(_KEYS)}", init=False)

    def field(self, name: str) -> FieldInfo | None:
        return next((f for f in self.fields if f.name == name), None)

    def header(self, field: FieldInfo) -> str:
        """The field's header as the file writes it."""
        return self.headers.get(field.name, field.name)

    def find(self, name: str) -> FieldInfo | None:
        """The field a catalogue key names: by its field name, or by its header as the file writes it."""
        if (found := self.field(name)) is not None:
            return found
        by_header = {self.header(f): f for f in self.fields}
        header = find_header(list(by_header), name)
        return by_header[header] if header is not None else None

    def absent(self, name: str) -> str:
        """Why `name` names no field: « « X » est absent du fichier (en-têtes proches : …) »."""
        return absent(name, [self.header(f) for f in self.fields])

    @property
    def geometry_field(self) -> FieldInfo | None:
        return main_geometry(self.fields)

    def role_field(self, role: str) -> FieldInfo | None:
        return next((f for f in self.fields if f.role == role), None)

    def __len__(self) -> int:
        return len(self.frame)


@dataclass(frozen=True)
class Roles:
    """The columns that play a dashboard's roles in a table (a role no field declares is None). Each dashboard
    lists its roles and says which it cannot do without (`missing_required`)."""

    columns: dict[str, str]

    def __getitem__(self, role: str) -> str | None:
        return self.columns.get(role)

    @classmethod
    def of(cls, table: Table, roles: tuple[str, ...]):
        return cls({role: f.name for role in roles if (f := table.role_field(role)) is not None})

    @property
    def missing_required(self) -> list[str]:
        return []
