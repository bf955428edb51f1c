"""XLSX workbooks as public bodies publish them (the DREES APL file): one sheet per year (« APL 2023 »,
« APL_2019 »), title rows above the table, and columns renamed from one edition to the next. Read with
python-calamine; the cells become text, then go through the same typing as a CSV file."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyarrow as pa

from data_access.catalogue.model import Dataset, FieldSpec
from data_access.readers.base import ReadError, Table, unreadable
from data_access.readers.schema import (canonical_headers, declared_names, numeric_column, slugify,
                                        table_from_text_columns)
from data_access.readers.units import units_note, units_row

SHEET_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")  # « APL 2023 », « APL_2019 », « 2021 »
HEADER_SEARCH_ROWS = 40  # the header is looked for among the first rows of a sheet


def sheet_years(names: list[str]) -> dict[str, int]:
    """The sheets named with a year, and that year (the last year in the name when it has several)."""
    years = {}
    for name in names:
        found = SHEET_YEAR.findall(name)
        if found:
            years[name] = int(found[-1])
    return years


def candidate_sheets(names: list[str], dataset: Dataset, file_name: str) -> tuple[list[tuple[str, int | None]], list[str]]:
    """(sheet, its year or None) that may be read, as the catalogue's `xlsx` options say: the named sheet; every
    sheet named with a year, oldest first (`all`), or newest first (`latest`: the first with a table is read);
    else the first sheet. Two sheets of the same year (« APL 2023 », « APL 2023 (révisé) »): the later one in the
    workbook is kept, and the notes say so."""
    options = dataset.xlsx
    years = sheet_years(names)
    if options.sheet is not None:
        if options.sheet not in names:
            raise ReadError(f"{file_name} : pas de feuille « {options.sheet} » (feuilles : {', '.join(names)})")
        return [(options.sheet, years.get(options.sheet))], []
    if not years:
        return ([(names[0], None)] if names else []), []
    kept: dict[int, str] = {}
    notes = []
    for name, year in years.items():  # in the workbook's order
        if year in kept:
            notes.append(f"{file_name} : les feuilles « {kept[year]} » et « {name} » sont de la même année {year} : "
                         f"seule « {name} », la dernière du classeur, est lue")
        kept[year] = name
    ordered = sorted(((name, year) for year, name in kept.items()), key=lambda item: item[1])
    return (ordered if options.sheets == "all" else ordered[::-1]), notes


def cell_text(value) -> str | None:
    """A cell as the text a CSV export would hold: whole numbers without « .0 », dates in ISO form."""
    kind = type(value)
    if kind is str:  # the most frequent kinds first: a workbook has hundreds of thousands of cells
        return value.strip() or None
    if kind is float:
        if value != value:
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if value is None:
        return None
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip() or None


def _header_score(row: list[str | None], specs: tuple[FieldSpec, ...]) -> int:
    return sum(1 for cell in row if cell and any(spec.matches(cell) for spec in specs))


def header_index(rows: list[list[str | None]], specs: tuple[FieldSpec, ...], header_row: int | None) -> int:
    """The row that holds the column names: the one given, else the one naming the most declared fields, else the
    first row as full as the fullest of the first rows (title rows fill one cell)."""
    if header_row is not None:
        return header_row - 1
    head = rows[:HEADER_SEARCH_ROWS]
    scores = [_header_score(row, specs) for row in head]
    if scores and max(scores) > 0:
        return scores.index(max(scores))
    widths = [sum(1 for cell in row if cell) for row in head]
    widest = max(widths, default=0)
    return next((i for i, w in enumerate(widths) if w >= max(2, widest * 0.6)), 0)


def _sheet_rows(workbook, name: str) -> list[list[str | None]]:
    return [list(map(cell_text, row)) for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)]


class NoTable(ReadError):
    """A sheet without a table: empty, or only title rows."""


def _units(headers: list[str], data: list[list[str | None]], dataset: Dataset) -> dict[str, str] | None:
    """The units row right under a sheet's header (see readers.units), or None."""
    if len(data) < 3:
        return None
    names = declared_names(headers, dataset.fields)

    def numeric(i: int) -> bool:
        values = pa.array([row[i] for row in data[1:]], type=pa.string())
        return numeric_column(values, names[i], headers[i], dataset.fields)
    return units_row(data[0], numeric, lambda i: all(row[i] is not None for row in data[1:]), headers)


def _sheet_table(rows: list[list[str | None]], dataset: Dataset, file_name: str, sheet: str
                 ) -> tuple[list[str], list[list[str | None]], int, dict[str, str] | None]:
    """The sheet's headers and its data rows (empty rows, a units row under the header, and notes under the table
    that fill a single cell of a wide table, left out), how many notes were left out, and the units row's units."""
    start = header_index(rows, dataset.fields, dataset.xlsx.header_row)
    if start >= len(rows):
        raise NoTable(f"{file_name} : la feuille « {sheet} » n'a pas de ligne {start + 1}")
    header = rows[start]
    width = max((i + 1 for i, cell in enumerate(header) if cell), default=0)
    if width == 0:
        raise NoTable(f"{file_name} : la feuille « {sheet} » n'a pas d'en-tête de colonnes en ligne {start + 1}")
    headers = [cell or f"colonne {i + 1}" for i, cell in enumerate(header[:width])]
    data, notes = [], 0
    for row in rows[start + 1:]:
        row = (row + [None] * width)[:width]
        filled = sum(1 for cell in row if cell is not None)
        if filled == 0:
            continue
        if filled == 1 and width >= 3 and row[0] is not None and " " in row[0]:
            notes += 1  # « Source : … », « Champ : France entière »
            continue
        data.append(row)
    units = _units(headers, data, dataset)
    if units:
        data = data[1:]
    if not data:
        raise NoTable(f"{file_name} : la feuille « {sheet} » n'a pas de ligne sous son en-tête")
    return headers, data, notes, units


class _Stack:
    """The sheets' columns, stacked by field name (« Code commune » and « code_commune » are one column); each keeps
    the header it had where it was first met."""

    def __init__(self, specs: tuple[FieldSpec, ...]):
        self.specs = specs
        self.columns: dict[str, list[str | None]] = {}
        self.headers_of: dict[str, str] = {}
        self.total = 0

    def add(self, headers: list[str], rows: list[list[str | None]]) -> None:
        columns, total = self.columns, self.total
        for k, (header, field) in enumerate(zip(headers, canonical_headers(headers, self.specs))):
            key = slugify(field) or field
            if key in columns and len(columns[key]) > total:  # the same name twice in one sheet: kept apart
                key = f"{key}#{k}"
            if key not in columns:
                columns[key], self.headers_of[key] = [None] * total, header
            columns[key].extend(row[k] for row in rows)
        self.total = total + len(rows)
        for key in columns:  # a column this sheet lacks is empty for its rows
            columns[key].extend([None] * (self.total - len(columns[key])))


def read_xlsx_table(path: Path, dataset: Dataset) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except OSError as exc:
        raise unreadable(path, exc) from None
    except (CalamineError, ValueError) as exc:
        raise ReadError(f"classeur XLSX illisible : {path.name} ({str(exc).splitlines()[0][:150]})") from None
    name = dataset.path  # the catalogue's name for the file (a sync reads it under a temporary name)
    try:
        names = [meta.name for meta in workbook.sheets_metadata if str(meta.typ).endswith("WorkSheet")]
        candidates, notes = candidate_sheets(names, dataset, name)
        if not candidates:
            raise ReadError(f"{name} : le classeur n'a aucune feuille")
        stack = _Stack(dataset.fields)
        read, skipped, units = [], [], {}
        year_field = dataset.xlsx.year_field
        for sheet, year in candidates:
            try:
                headers, rows, dropped, sheet_units = _sheet_table(_sheet_rows(workbook, sheet), dataset, name, sheet)
            except NoTable as exc:
                if dataset.xlsx.sheet is not None:
                    raise
                skipped.append(str(exc))
                continue
            if year is not None and slugify(year_field) not in map(slugify, headers):
                headers, rows = headers + [year_field], [row + [str(year)] for row in rows]
            stack.add(headers, rows)
            read.append(sheet)
            if dropped:
                notes.append(f"{name} : {dropped} ligne(s) de notes sous le tableau de « {sheet} » ignorée(s)")
            if sheet_units:
                notes.append(units_note(f"{name}, feuille « {sheet} »", sheet_units))
                units = {**sheet_units, **units}  # the newest sheet's units first
            if dataset.xlsx.sheets == "latest" and dataset.xlsx.sheet is None:
                break  # the newest sheet that has a table
    except (CalamineError, ValueError) as exc:
        raise ReadError(f"classeur XLSX illisible : {name} ({str(exc).splitlines()[0][:150]})") from None
    finally:
        workbook.close()
    if not read:
        raise ReadError(f"{name} : aucune feuille n'a de tableau ({' ; '.join(skipped)})")
    notes += [f"{text} : ignorée" for text in skipped]
    if len(read) > 1:
        notes.append(f"{name} : {len(read)} feuilles empilées ({', '.join(read)})")
    arrow = pa.table({f"c{k}": pa.array(values, type=pa.string()) for k, values in enumerate(stack.columns.values())})
    table = table_from_text_columns(arrow, list(stack.headers_of.values()), dataset.fields, name, units=units)
    table.notes = tuple(notes) + table.notes
    return table
