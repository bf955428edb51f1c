"""Columns the catalogue asks to derive from others, whatever the format: plain text from HTML, a point from two
number columns, and start and end dates from a period written as text."""
from __future__ import annotations

import html as _html
import re
from dataclasses import replace

import numpy as np
import pandas as pd

from data_access.catalogue.model import Dataset
from data_access.readers.base import FieldInfo, ReadError, Table
from data_access.readers.places import POSITION_FIELD

DATE_RANGE_ROLE = "date_range"
POINT_NAMES = ("geo_point_2d", "position")  # the derived point's column: Opendatasoft's name when it is free


def derive(table: Table, dataset: Dataset) -> Table:
    """The table with every derived column the catalogue declares, each change noted."""
    table = _html_as_text(table, dataset)
    table = _labels(table, dataset)
    if dataset.position is not None:
        table = _point_from_columns(table, dataset)
    return _dates_from_ranges(table)


# ---- HTML as plain text ----------------------------------------------------------------------------------------

# Where a block ends, the text goes on a new line: « fin.</p><p>Début » must not read « fin.Début ».
_BLOCK_END = re.compile(r"<\s*(?:br|hr)\b[^>]*>|<\s*/\s*(?:p|div|h[1-6]|tr|table|ul|ol|blockquote)\s*>", re.I)
_ITEM = re.compile(r"<\s*li\b[^>]*>", re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def html_to_text(value: str) -> str:
    """HTML as the plain text a reader sees: tags removed by a maintained sanitiser (nh3, with the content of
    scripts and styles dropped), entities decoded, one line per paragraph or list item."""
    import nh3

    marked = _ITEM.sub("\n• ", _BLOCK_END.sub("\n", value))
    text = _html.unescape(nh3.clean(marked, tags=set()))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _html_as_text(table: Table, dataset: Dataset) -> Table:
    names = {spec.name for spec in dataset.fields if spec.html}
    frame, notes = table.frame, list(table.notes)
    for field in table.fields:
        if field.name not in names or field.type != "text":
            continue
        column = frame[field.name]
        distinct = column.dropna().unique()
        plain = {raw: html_to_text(str(raw)) for raw in distinct}
        changed = sum(1 for raw, text in plain.items() if text != raw)
        frame = frame.assign(**{field.name: column.map(plain).astype("str").where(column.notna())})
        if changed:
            notes.append(f"« {field.label} » : HTML lu comme texte brut ({changed} valeur(s))")
    return replace(table, frame=frame, notes=tuple(notes)) if frame is not table.frame else table


def safe_link(value) -> str | None:
    """A link the portal can offer to follow: an absolute http(s) address, never « javascript: » or a path."""
    text = str(value).strip() if value is not None else ""
    return text if re.fullmatch(r"https?://[^\s<>\"']+", text, re.IGNORECASE) else None


# ---- labels beside codes ----------------------------------------------------------------------------------------


def _labels(table: Table, dataset: Dataset) -> Table:
    """Each field declared with `labels` gets a `<name>_libelle` field beside it: the label of its code (from the
    table given, or from a published nomenclature), empty for an unknown code. The facet moves to the labels."""
    from data_access.catalogue.nomenclatures import NOMENCLATURES

    specs = {spec.name: spec for spec in dataset.fields if spec.labels}
    frame, fields = table.frame, list(table.fields)
    for k, field in enumerate(table.fields):
        spec = specs.get(field.name)
        if spec is None or field.type != "text":
            continue
        lookup = NOMENCLATURES[spec.labels] if isinstance(spec.labels, str) else dict(spec.labels).get
        column = frame[field.name]
        of = {raw: lookup(str(raw).strip()) for raw in column.dropna().unique()}
        name = f"{field.name}_libelle"
        frame = frame.assign(**{name: column.map(of).astype("str").where(column.map(of).notna())})
        fields[k] = replace(field, facet=False)
        fields.append(FieldInfo(name=name, label=f"{field.label} (libellé)", type="text", facet=field.facet,
                                description=f"libellé du code de « {field.label} »"))
    return replace(table, frame=frame, fields=tuple(fields)) if frame is not table.frame else table


# ---- a point from two number columns ---------------------------------------------------------------------------


def _numbers(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(column):
        return pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    text = column.astype("str").where(column.notna()).str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _point_from_columns(table: Table, dataset: Dataset) -> Table:
    """The `position` point, from two number columns named by their headers or field names. Its coordinates stay
    as the file writes them: `places` brings them to degrees (or refuses them) with every other geometry."""
    import geopandas as gpd

    position = dataset.position
    columns = {}
    for key, name in (("lat", position.lat), ("lon", position.lon)):
        found = table.find(name)
        if found is None:
            raise ReadError(f"{dataset.path} : position.{key} : {table.absent(name)}")
        columns[key] = found
    lat, lon = _numbers(table.frame[columns["lat"].name]), _numbers(table.frame[columns["lon"].name])
    zero = (lat == 0) & (lon == 0)  # (0, 0): the position was left blank by the publisher
    valid = np.isfinite(lat) & np.isfinite(lon) & ~zero
    name = next(n for n in POINT_NAMES if table.field(n) is None)
    points = gpd.GeoSeries.from_xy(np.where(valid, lon, np.nan), np.where(valid, lat, np.nan), crs="EPSG:4326",
                                   index=table.frame.index).where(valid, None)
    frame = table.frame.assign(**{name: points})
    notes = list(table.notes)
    if zero.any():
        notes.append(f"{dataset.path} : {int(zero.sum())} position(s) à (0, 0), laissée(s) vide(s)")
    info = FieldInfo(name=name, label="Position", type="geo_point_2d",
                     description=f"d'après les champs « {columns['lat'].label} » et « {columns['lon'].label} »")
    return replace(table, frame=frame, fields=table.fields + (info,), notes=tuple(notes),
                   extra={**table.extra, POSITION_FIELD: name})


# ---- start and end dates from a period written as text ----------------------------------------------------------

MONTHS = {"janvier": 1, "janv": 1, "fevrier": 2, "février": 2, "fevr": 2, "févr": 2, "mars": 3, "avril": 4,
          "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "août": 8, "septembre": 9, "sept": 9,
          "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "décembre": 12, "dec": 12, "déc": 12}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = re.compile(
    r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?:[T ](?P<ih>\d{2}):(?P<imin>\d{2})(?::\d{2}(?:\.\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?)"
    r"|(?P<num>(?P<nd>\d{1,2})/(?P<nm>\d{1,2})/(?P<ny>\d{4}|\d{2})\b)"
    rf"|(?P<long>(?P<ld>\d{{1,2}})(?:er)?\.?\s+(?P<lm>{_MONTH})\.?(?:\s+(?P<ly>\d{{4}}))?)"
    r"|(?P<day>(?<![:\d])\b(?P<dd>\d{1,2})(?:er)?(?=\s+(?:au|-|–|à)\s))",
    re.IGNORECASE)
_ONLY_END = re.compile(r"\bjusqu", re.IGNORECASE)
_ONLY_START = re.compile(r"\b(?:à|a) partir|\bdepuis\b|\bdès\b|\bdes le\b", re.IGNORECASE)


def _mentions(text: str) -> list[tuple[int, list[int | None]]]:
    """Each date written in the text: where it starts, and [year, month, day] (year or month None when the text
    leaves them out)."""
    found: list[list[int | None]] = []
    where: list[int] = []
    for match in _DATE.finditer(text):
        where.append(match.start())
        if match["iso"]:
            try:
                day = pd.Timestamp(match["iso"].replace(" ", "T"))
            except (ValueError, OverflowError):  # « 2024-13-45 », « 25:00 »: this date cannot be read
                found.append([None, None, None])
                continue
            if day.tzinfo is not None:
                day = day.tz_convert("Europe/Paris")
            found.append([day.year, day.month, day.day])
        elif match["num"]:
            year = int(match["ny"])
            found.append([year + 2000 if year < 100 else year, int(match["nm"]), int(match["nd"])])
        elif match["long"]:
            found.append([int(match["ly"]) if match["ly"] else None, MONTHS[match["lm"].lower()], int(match["ld"])])
        else:
            found.append([None, None, int(match["dd"])])
    return list(zip(where, found))


def _day(parts) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(year=parts[0], month=parts[1], day=parts[2]) if None not in parts else None
    except (ValueError, TypeError):  # the 31st of April
        return None


def _previous(parts: list, unit: str) -> list:
    year, month, day = parts
    if unit == "year":
        return [year - 1, month, day]
    return [year - 1, 12, day] if month == 1 else [year, month - 1, day]


def parse_date_range(text: str | None) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The start and end days of a period written as text: « du 12/03/2024 au 15/04/2024 », « du 12 au 15 mars
    2024 », « 2024-03-12T08:00:00+01:00 - 2024-04-15 », « à partir du 2 mai 2025 », « jusqu'au 30 juin 2025 »,
    « le 3 juin 2025 » (one day: start and end). A part the text leaves out (the month and year of « du 12 au 15
    mars ») is taken from the next date, a year or a month earlier when the period would otherwise end before it
    starts (« du 30 novembre au 2 janvier 2027 »). A date that cannot be read (« 2024-13-45 ») is left empty.
    (None, None) when no date can be read."""
    if not isinstance(text, str) or not text.strip():
        return None, None
    mentions = _mentions(text)
    if not mentions:
        return None, None
    dates = [parts for _, parts in mentions]
    copied = [set() for _ in dates]
    for k in range(len(dates) - 2, -1, -1):
        for part in (1, 0):  # the month, then the year, from the date that follows
            if dates[k][part] is None and dates[k][2] is not None and dates[k + 1][part] is not None:
                dates[k][part] = dates[k + 1][part]
                copied[k].add(part)
    start, end = _day(dates[0]), _day(dates[-1])
    if start is not None and end is not None and start > end and copied[0]:
        # « du 30 novembre au 2 janvier 2027 », « du 30 au 2 janvier »: the start is in the year, or the month,
        # before the one it was given
        start = _day(_previous(dates[0], "month" if 1 in copied[0] else "year"))
    if len(dates) == 1:
        before = text[:mentions[0][0]]
        if _ONLY_END.search(before):
            return None, end
        if _ONLY_START.search(before):
            return start, None
    return start, end


def _dates_from_ranges(table: Table) -> Table:
    source = table.role_field(DATE_RANGE_ROLE)
    if source is None or source.type != "text":
        return table
    column = table.frame[source.name]
    parsed = {raw: parse_date_range(raw) for raw in column.dropna().unique()}
    frame, fields, notes = table.frame, list(table.fields), list(table.notes)
    filled = 0
    for k, (role, suffix, label) in enumerate((("start_date", "debut", "Début"),
                                               ("planned_end_date", "fin", "Fin prévue"))):
        days = pd.Series([parsed[v][k] if v in parsed else None for v in column], index=frame.index,
                         dtype="datetime64[ms]")
        target = table.role_field(role)
        if target is None:
            name = f"{source.name}_{suffix}"
            frame = frame.assign(**{name: days})
            fields.append(FieldInfo(name=name, label=f"{label} (d'après « {source.label} »)", type="date",
                                    role=role, description=f"lu dans le texte du champ « {source.name} »"))
            filled += int(days.notna().sum())
        elif target.is_temporal or frame[target.name].isna().all():
            # an empty column was read as text (nothing told it was dates): it becomes the dates of the periods
            missing = frame[target.name].isna() & days.notna()
            current = frame[target.name].astype("datetime64[ms]") if target.is_temporal else \
                pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ms]")
            frame = frame.assign(**{target.name: current.mask(missing, days)})
            if not target.is_temporal:
                fields = [replace(f, type="date") if f.name == target.name else f for f in fields]
            filled += int(missing.sum())
    unread = sum(1 for v in column.dropna() if parsed[v] == (None, None))
    if filled or unread:
        notes.append(f"« {source.label} » : {filled} date(s) de début ou de fin lue(s) dans le texte des périodes"
                     + (f", {unread} période(s) illisible(s)" if unread else ""))
    if frame is table.frame and len(notes) == len(table.notes):
        return table
    return replace(table, frame=frame, fields=tuple(fields), notes=tuple(notes))
