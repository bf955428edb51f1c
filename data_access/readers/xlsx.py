"""XLSX workbooks as public bodies publish them (the DREES APL file): one sheet per year (« APL 2023 »,
« APL_2019 »), title rows above the table, and columns renamed from one edition to the next. Read with
python-calamine; the cells become text, then go through the same typing as a CSV file."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyarrow as pa

from ..catalogue import Dataset, FieldSpec
from .base import ReadError, Table, unreadable
from .schema import canonical_headers, slugify, table_from_text_columns

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


def chosen_sheets(names: list[str], dataset: Dataset, file_name: str) -> list[tuple[str, int | None]]:
    """(sheet, its year or None) to read, as the catalogue's `xlsx` options say."""
    options = dataset.xlsx
    years = sheet_years(names)
    if options.sheet is not None:
        if options.sheet not in names:
            raise ReadError(f"{file_name} : pas de feuille « {options.sheet} » (feuilles : {', '.join(names)})")
        return [(options.sheet, years.get(options.sheet))]
    if not years:
        return [(names[0], None)] if names else []
    ordered = sorted(years.items(), key=lambda item: item[1])
    if options.sheets == "all":
        return ordered
    return [ordered[-1]]


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


def _sheet_table(rows: list[list[str | None]], dataset: Dataset, file_name: str, sheet: str
                 ) -> tuple[list[str], list[list[str | None]], int]:
    """The sheet's headers and its data rows (empty rows, and notes under the table that fill a single cell of a
    wide table, left out), and how many notes were left out."""
    start = header_index(rows, dataset.fields, dataset.xlsx.header_row)
    if start >= len(rows):
        raise ReadError(f"{file_name} : la feuille « {sheet} » n'a pas de ligne {start + 1}")
    header = rows[start]
    width = max((i + 1 for i, cell in enumerate(header) if cell), default=0)
    if width == 0:
        raise ReadError(f"{file_name} : la feuille « {sheet} » n'a pas d'en-tête de colonnes en ligne {start + 1}")
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
    return headers, data, notes


def read_xlsx_table(path: Path, dataset: Dataset) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except OSError as exc:
        raise unreadable(path, exc) from None
    except (CalamineError, ValueError) as exc:
        raise ReadError(f"classeur XLSX illisible : {path.name} ({str(exc).splitlines()[0][:150]})") from None
    try:
        names = [meta.name for meta in workbook.sheets_metadata if str(meta.typ).endswith("WorkSheet")]
        sheets = chosen_sheets(names, dataset, path.name)
        if not sheets:
            raise ReadError(f"{path.name} : le classeur n'a aucune feuille")
        # the sheets' columns, stacked by field name (« Code commune » and « code_commune » are one column);
        # each keeps the header it had where it was first met
        columns: dict[str, list[str | None]] = {}
        headers_of: dict[str, str] = {}
        total, notes = 0, []
        year_field = dataset.xlsx.year_field
        for sheet, year in sheets:
            headers, rows, dropped = _sheet_table(_sheet_rows(workbook, sheet), dataset, path.name, sheet)
            if year is not None and slugify(year_field) not in map(slugify, headers):
                headers, rows = headers + [year_field], [row + [str(year)] for row in rows]
            for k, (header, name) in enumerate(zip(headers, canonical_headers(headers, dataset.fields))):
                key = slugify(name) or name
                if key not in columns:
                    columns[key], headers_of[key] = [None] * total, header
                elif len(columns[key]) > total:  # the same name twice in one sheet: keep it apart
                    key = f"{key}#{k}"
                    columns[key], headers_of[key] = [None] * total, header
                columns[key].extend(row[k] for row in rows)
            total += len(rows)
            for key in columns:  # a column this sheet lacks is empty for its rows
                columns[key].extend([None] * (total - len(columns[key])))
            if dropped:
                notes.append(f"{path.name} : {dropped} ligne(s) de notes sous le tableau de « {sheet} » ignorée(s)")
    except (CalamineError, ValueError) as exc:
        raise ReadError(f"classeur XLSX illisible : {path.name} ({str(exc).splitlines()[0][:150]})") from None
    finally:
        workbook.close()
    if len(sheets) > 1:
        notes.append(f"{path.name} : {len(sheets)} feuilles empilées ({', '.join(s for s, _ in sheets)})")
    arrow = pa.table({f"c{k}": pa.array(values, type=pa.string()) for k, values in enumerate(columns.values())})
    table = table_from_text_columns(arrow, list(headers_of.values()), dataset.fields, path.name)
    table.notes = tuple(notes) + table.notes
    return table
