"""Field names, type inference and casting shared by every reader: text in, typed columns and fields out."""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data_access.catalogue.model import FieldSpec
from data_access.names import slugify
from data_access.readers.base import FieldInfo, Table
from data_access.readers.units import units_note, units_row

# Integer-looking columns with these words in their name are codes (INSEE, postcode, ids, phone numbers): kept
# as text. Whole words of the field name, with INSEE's and the usual open-data spellings (CODGEO, DEPCOM, COG).
CODE_NAME = re.compile(
    r"(^|_)(code|codes|insee|id|ids|identifiant|siren|siret|cp|postal|dep|dept|departement|reg|region|"
    r"num|numero|ref|reference|cote|uai|finess|rna|rpps|adeli|"
    r"codgeo|cog|com|depcom|codcom|coddep|codreg|codiris|dcomiris|iris|epci|"
    r"codecommune|codeinsee|codepostal|tel|telephone|fax)(_|$)"
)
# ...unless the name starts with a measure: « nb_com », « population_region », « taux_dep » are numbers.
MEASURE_NAME = re.compile(
    r"^(nb|nbr|nbre|nombre|total|taux|part|pct|pourcentage|population|pop|effectif|effectifs|montant|somme|"
    r"moyenne|densite|superficie|surface|capacite)(_|$)"
)
_INT = r"^\s*[-+]?\d{1,18}\s*$"
# More than 15 digits before the decimal point: a float keeps 15 significant digits (and the browser's numbers
# too), so the number would lose digits. It is an id (a long reference, a number and its key), not a measure.
_LONG_NUMBER = r"^\s*[-+]?\d{16}"
# Whole numbers that are codes by their look: a leading zero (« 01001 »), a leading « + » (phone numbers,
# « +33235000000 »: a measure does not write it on a whole number), or too long for a number.
_CODE_LOOK = rf"^\s*(\+|[-+]?0\d)|{_LONG_NUMBER}"
_DOUBLE = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$"
_DECIMAL_COMMA = r"^\s*[-+]?\d+,\d+\s*$"
_DATE = r"^\s*\d{4}-\d{2}-\d{2}\s*$"
_DATE_FR = r"^\s*\d{2}/\d{2}/\d{4}\s*$"
_DATETIME = r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\s*$"
_POINT = r"^\s*[-+]?\d{1,3}(\.\d+)?\s*,\s*[-+]?\d{1,3}(\.\d+)?\s*$"
# Inference wants decimals on both sides, so a decimal comma ("1,5") is not taken for a point.
_POINT_STRICT = r"^\s*[-+]?\d{1,3}\.\d+\s*,\s*[-+]?\d{1,3}\.\d+\s*$"
_SHAPE = r"^\s*\{.*\"type\".*\"coordinates\""
_TRUE = ("true", "vrai", "oui", "yes")
_FALSE = ("false", "faux", "non", "no")


def field_names(headers: list[str]) -> list[str]:
    """Unique field names for column headers, in order."""
    names: list[str] = []
    for i, header in enumerate(headers):
        base = slugify(header) or f"champ_{i + 1}"
        name, n = base, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def _all_match(values: pa.Array, pattern: str) -> bool:
    return bool(pc.all(pc.match_substring_regex(values, pattern)).as_py())


def _any_match(values: pa.Array, pattern: str) -> bool:
    return bool(pc.any(pc.match_substring_regex(values, pattern)).as_py())


def _is_code_name(name: str) -> bool:
    """Whether a field's name says its whole numbers are codes: « codgeo », « code_postal », not « nb_com »."""
    return bool(CODE_NAME.search(name)) and not MEASURE_NAME.match(name)


def infer_text_type(name: str, values: pa.Array, *, only_dates_and_geo: bool = False) -> str:
    """Guess a field type from a column of strings. Codes (code-like names, leading zeros or « + », more than 15
    digits) stay text: a guess never loses a value, and a declared type is the way to have a number."""
    present = pc.drop_null(values)
    present = present.filter(pc.not_equal(pc.utf8_trim_whitespace(present), ""))
    if len(present) == 0:
        return "geo_point_2d" if name == "geo_point_2d" else "geo_shape" if name == "geo_shape" else "text"
    if name == "geo_shape" or _all_match(present, _SHAPE):
        return "geo_shape"
    if name == "geo_point_2d" or _all_match(present, _POINT_STRICT) and _points_in_range(present):
        return "geo_point_2d"
    if _all_match(present, _DATE) or _all_match(present, _DATE_FR):
        return "date"
    if _all_match(present, _DATETIME):
        return "datetime"
    if only_dates_and_geo:
        return "text"
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(present))
    if bool(pc.all(pc.is_in(lowered, pa.array(_TRUE + _FALSE))).as_py()):
        return "boolean"
    code_name = _is_code_name(name)
    if _all_match(present, _INT):
        return "text" if code_name or _any_match(present, _CODE_LOOK) else "int"
    if code_name:
        return "text"
    if _all_match(present, _DOUBLE) or _all_match(present, _DECIMAL_COMMA) or (
        _all_match(present, f"({_DOUBLE})|({_DECIMAL_COMMA})")
    ):
        return "text" if _any_match(present, _LONG_NUMBER) else "double"
    return "text"


def _points_in_range(values: pa.Array) -> bool:
    lat, lon = _split_points(values)
    return bool(np.all(np.abs(lat[~np.isnan(lat)]) <= 90) and np.all(np.abs(lon[~np.isnan(lon)]) <= 180))


def _split_points(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """"lat, lon" (with or without the space) -> two float arrays, NaN where missing or malformed."""
    ok = pc.fill_null(pc.match_substring_regex(values, _POINT), False)
    cleaned = pc.if_else(ok, values, pa.scalar(None, pa.string()))
    parts = pc.split_pattern(pc.utf8_trim_whitespace(cleaned), ",", max_splits=1)
    lat = pc.list_element(parts, 0)
    lon = pc.list_element(parts, 1)
    to_float = lambda a: pc.cast(pc.utf8_trim_whitespace(a), pa.float64()).to_numpy(zero_copy_only=False)  # noqa: E731
    return to_float(lat).astype(float), to_float(lon).astype(float)


def points_from_text(values: pa.Array):
    """A GeoSeries of points from "lat, lon" text (Opendatasoft's geo_point_2d)."""
    import geopandas as gpd

    lat, lon = _split_points(values)
    return gpd.GeoSeries.from_xy(lon, lat, crs="EPSG:4326").where(~np.isnan(lat), None)


def shapes_from_text(values: pa.Array) -> tuple[object, int]:
    """A GeoSeries from GeoJSON geometry text, and how many non-empty values could not be parsed."""
    import geopandas as gpd
    import shapely

    raw = np.asarray(values.to_pylist(), dtype=object)
    blank = np.array([v is None or not str(v).strip() for v in raw])
    raw[blank] = None
    geoms = shapely.from_geojson(raw, on_invalid="ignore")
    bad = int(np.sum(pd.isna(geoms) & ~blank))
    return gpd.GeoSeries(geoms, crs="EPSG:4326"), bad


def cast_text_column(values: pa.Array, type_: str) -> tuple[object, int]:
    """Cast a string column to `type_`. Returns the pandas column and how many non-empty values failed."""
    trimmed = pc.utf8_trim_whitespace(values)
    blank = pc.fill_null(pc.equal(trimmed, ""), True)
    trimmed = pc.if_else(blank, pa.scalar(None, pa.string()), trimmed)
    n_present = len(values) - pc.sum(blank).as_py() if len(values) else 0
    if type_ == "text":
        return values.to_pandas(types_mapper=pd.ArrowDtype).astype("str"), 0
    fast = _arrow_cast(trimmed, type_)
    if fast is not None:
        return fast, 0
    if type_ == "geo_point_2d":
        series = points_from_text(trimmed)
        return series, n_present - int(series.notna().sum())
    if type_ == "geo_shape":
        return shapes_from_text(trimmed)
    if type_ == "boolean":
        lowered = pc.utf8_lower(trimmed)
        result = pc.if_else(pc.is_in(lowered, pa.array(_TRUE)), True,
                            pc.if_else(pc.is_in(lowered, pa.array(_FALSE)), False, pa.scalar(None, pa.bool_())))
        series = result.to_pandas().astype("boolean")
    elif type_ in ("int", "double"):
        text = pd.Series(trimmed.to_pandas(), dtype="object")
        if type_ == "double":
            text = text.str.replace(",", ".", regex=False)
        numbers = pd.to_numeric(text, errors="coerce")
        if type_ == "int":
            whole = numbers.isna() | (numbers == np.floor(numbers.fillna(0)))
            # Past int64, or past 2**53 once one bad value made them floats, a number is no longer the one
            # written: it fails, and the column is read as text.
            exact = numbers.abs() < (2**53 if numbers.dtype.kind == "f" else 2**63)
            numbers = numbers.where(whole & exact)
            series = numbers.astype("Int64")
        else:
            series = numbers.astype("float64")
    elif type_ in ("date", "datetime"):
        series = _parse_datetimes(pd.Series(trimmed.to_pandas(), dtype="object"))
        if type_ == "date":
            series = series.dt.normalize()
    else:
        raise ValueError(f"unknown field type {type_!r}")
    return series, n_present - int(series.notna().sum())


_FAST_PATTERNS = {
    "int": r"^-?\d{1,18}$",
    "double": r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$",
    "date": r"^\d{4}-\d{2}-\d{2}$",
}


def _arrow_cast(trimmed: pa.Array, type_: str):
    """The common case done by Arrow alone (ten times faster than pandas' parsers): every present value is
    a plain integer, decimal (point or comma) or ISO date. None when the slow, forgiving path is needed."""
    pattern = _FAST_PATTERNS.get(type_)
    if pattern is None:
        return None
    if type_ == "double" and bool(pc.any(pc.match_substring(trimmed, ",")).as_py()):
        trimmed = pc.replace_substring(trimmed, ",", ".", max_replacements=1)
    if not bool(pc.all(pc.match_substring_regex(trimmed, pattern)).as_py() in (True, None)):
        return None
    try:
        if type_ == "int":
            return trimmed.cast(pa.int64()).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        if type_ == "double":
            return trimmed.cast(pa.float64()).to_pandas()
        return pd.Series(pc.strptime(trimmed, format="%Y-%m-%d", unit="ms").to_pandas(), dtype="datetime64[ms]")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # 2023-02-30, an overflow: let pandas sort it out
        return None


_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"


def _parse_datetimes(text: pd.Series) -> pd.Series:
    """ISO dates and times, and French dd/mm/yyyy dates, as local (Europe/Paris) naive timestamps.
    A value with an offset is converted to Paris time; a value without one is already local and kept as is."""
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ms]")
    french = text.str.match(r"^\d{2}/\d{2}/\d{4}$", na=False)
    zoned = text.str.contains(_OFFSET, na=False, regex=True) & ~french
    local = text.notna() & ~french & ~zoned
    if local.any():
        result[local] = pd.to_datetime(text[local], errors="coerce", format="ISO8601").astype("datetime64[ms]")
    if zoned.any():
        parsed = pd.to_datetime(text[zoned], errors="coerce", format="ISO8601", utc=True)
        result[zoned] = parsed.dt.tz_convert("Europe/Paris").dt.tz_localize(None).astype("datetime64[ms]")
    if french.any():
        result[french] = pd.to_datetime(text[french], errors="coerce", format="%d/%m/%Y").astype("datetime64[ms]")
    return result


def match_spec(name: str, header: str, specs: tuple[FieldSpec, ...]) -> FieldSpec | None:
    """The declared field for a column: the one that names its header as written, else the one of its name (an
    alias has already been replaced by its field's name: canonical_headers)."""
    return next((s for s in specs if s.written == header), None) or \
        next((s for s in specs if s.name in (name, header)), None)


def declared_names(headers: list[str], specs: tuple[FieldSpec, ...]) -> list[str]:
    """The columns' field names: each header's, made unique (field_names), except that a field declared by its
    header as written has its own name (« Nb (%) » and « Nb » both make `nb`: the declared one keeps it)."""
    names = field_names(canonical_headers(headers, specs))
    for spec in specs:
        if spec.written in headers and names[headers.index(spec.written)] != spec.name:
            i = headers.index(spec.written)
            if spec.name in names:
                names[names.index(spec.name)] = names[i]
            names[i] = spec.name
    return names


def canonical_headers(headers: list[str], specs: tuple[FieldSpec, ...]) -> list[str]:
    """The headers with each declared field's alias replaced by the field's name: the names the columns are read
    under, so that the editions of a file whose columns were renamed (« Code commune » then « Code commune
    INSEE ») read as the same fields. A field whose own name is already a header keeps that column."""
    present = set(headers) | {slugify(h) for h in headers}
    out = []
    for header in headers:
        spec = next((s for s in specs if s.aliases and s.name not in present and s.matches(header)), None)
        out.append(spec.name if spec is not None and spec.name not in out else header)
    return out


def numeric_column(values: pa.Array, name: str, header: str, specs: tuple[FieldSpec, ...]) -> bool:
    """Whether a text column is read as numbers: declared so, or inferred."""
    spec = match_spec(name, header, specs)
    return (spec.type if spec and spec.type else infer_text_type(name, values)) in ("int", "double")


def _leading_units(table: pa.Table, names: list[str], headers: list[str], specs) -> dict[str, str] | None:
    if table.num_rows < 3:
        return None
    columns = [c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c for c in table.columns]
    first = [c[0].as_py() if pa.types.is_string(c.type) else None for c in columns]
    return units_row(first, lambda i: numeric_column(columns[i].slice(1), names[i], headers[i], specs),
                     lambda i: columns[i].slice(1).null_count == 0, headers)


def table_from_text_columns(
    table: pa.Table, headers: list[str], specs: tuple[FieldSpec, ...], source: str,
    units: dict[str, str] | None = None, look_for_units: bool = False,
) -> Table:
    """Type every string column of `table` (declared type first, else inferred) and build the Table. The headers
    are the file's: a column found by a field's alias takes the field's name and keeps its header as label. With
    `look_for_units`, a units row under the header is left out, its text the columns' `unit` (or `units`, which
    the caller found)."""
    names = declared_names(headers, specs)
    columns: dict[str, object] = {}
    fields: list[FieldInfo] = []
    notes: list[str] = []
    units = dict(units or {})
    if look_for_units and (found := _leading_units(table, names, headers, specs)):
        table = table.slice(1)
        units.update(found)
        notes.append(units_note(source, found))
    for name, header, values in zip(names, headers, table.columns):
        values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        if not pa.types.is_string(values.type):
            values = pc.cast(values, pa.string())
        spec = match_spec(name, header, specs)
        type_ = spec.type if spec and spec.type else "text" if spec and spec.separator else \
            infer_text_type(name, values)
        series, failed = cast_text_column(values, type_)
        if spec is not None and header != spec.name and header.lower() == spec.name.lower():
            notes.append(f"{source} : la colonne « {header} » est lue comme le champ déclaré « {spec.name} »")
        if type_ == "double" and not failed and bool(pc.any(pc.match_substring(values, ",")).as_py()):
            notes.append(f"{source} : « {header} » a des virgules décimales, lues comme des nombres")
        if failed and type_ not in ("geo_point_2d", "geo_shape"):
            # A declared type the data does not follow: keep the text rather than lose values.
            notes.append(f"{source} : le champ « {header} » est déclaré {type_} mais {failed} valeur(s) ne "
                         "le sont pas ; il est lu comme texte")
            type_ = "text"
            series, _ = cast_text_column(values, "text")
        elif failed:
            notes.append(f"{source} : {failed} géométrie(s) illisible(s) dans « {header} », laissées vides")
        columns[name] = series
        info = _field_info(name, header, type_, spec)
        fields.append(replace(info, unit=units[header]) if not info.unit and header in units else info)
    frame = pd.DataFrame(columns, copy=False) if columns else pd.DataFrame(index=range(table.num_rows))
    return Table(frame=frame, fields=tuple(fields), notes=tuple(notes),
                 headers={name: header for name, header in zip(names, headers) if header != name})


GEO_LABELS = {"geo_point_2d": "Position", "geo_shape": "Forme géographique"}


def _field_info(name: str, header: str, type_: str, spec: FieldSpec | None) -> FieldInfo:
    info = FieldInfo(name=name, label=GEO_LABELS.get(header, header), type=type_)
    if spec:
        info = replace(info, label=spec.label or header, facet=spec.facet, role=spec.role, unit=spec.unit,
                       description=spec.description, separator=spec.separator)
    return info


def field_type_of_dtype(dtype) -> str:
    """The field type of a typed (GeoJSON, Parquet) pandas column."""
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "double"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    return "text"


def type_typed_frame(frame: pd.DataFrame, specs: tuple[FieldSpec, ...], source: str,
                     known_types: dict[str, str] | None = None) -> Table:
    """Fields for a frame whose columns are already typed (GeoJSON, Parquet). Text columns are only checked
    for dates and geometry: the publisher chose text, so "76540" stays a code. Declared types win. The columns
    take field names, as a CSV file's headers do (« Code_insee » -> code_insee); `known_types` names them by header."""
    headers = [str(c) for c in frame.columns]
    names = declared_names(headers, specs)
    known_types = {name: known_types[header] for name, header in zip(names, headers) if header in (known_types or {})}
    frame.columns = names
    fields: list[FieldInfo] = []
    notes: list[str] = []
    for name, header in zip(names, headers):
        spec = match_spec(name, header, specs)
        declared = spec.type if spec and spec.type else None
        column = frame[name]
        type_ = known_types.get(name) or field_type_of_dtype(column.dtype)
        if name in known_types:
            pass
        elif type_ == "text":
            arrow = pa.array(column.astype("str").where(column.notna(), None), type=pa.string())
            type_ = declared or infer_text_type(name, arrow, only_dates_and_geo=True)
            series, failed = cast_text_column(arrow, type_)
            if failed and type_ not in ("geo_point_2d", "geo_shape"):
                notes.append(f"{source} : le champ « {header} » est déclaré {type_} mais {failed} valeur(s) ne le "
                             "sont pas ; il est lu comme texte")
                type_, (series, _) = "text", cast_text_column(arrow, "text")
            frame[name] = series.set_axis(frame.index)
        elif type_ == "datetime":
            if getattr(column.dtype, "tz", None) is not None:
                frame[name] = column.dt.tz_convert("Europe/Paris").dt.tz_localize(None)
            if declared == "date":
                type_ = "date"
        elif declared and declared != type_:
            try:
                frame[name] = column.astype({"text": "str", "int": "Int64", "double": "float64"}[declared])
                type_ = declared
            except (KeyError, TypeError, ValueError):  # e.g. "int" declared on decimals: keep the values
                notes.append(f"{source} : le champ « {header} » est déclaré {declared} mais ses valeurs sont de type "
                             f"{type_} ; le type déclaré est ignoré")
        fields.append(_field_info(name, header, type_, spec))
    return Table(frame=frame, fields=tuple(fields), notes=tuple(notes),
                 headers={name: header for name, header in zip(names, headers) if header != name})
