"""Parse and validate catalogue.toml into frozen dataclasses, with errors that name dataset and key."""
from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from data_access.catalogue.checks import CATALOGUE_FILE, CatalogueError, check_keys, choice, fail, required
from data_access.catalogue.realtime import Realtime, parse_realtime
from data_access.catalogue.source import Source, check_keep_references, parse_source
from data_access.names import slugify

FIELD_TYPES = ("text", "int", "double", "date", "datetime", "boolean", "geo_point_2d", "geo_shape")
FORMATS = ("csv", "xlsx", "geojson", "json", "parquet", "gtfs")
DASHBOARDS = ("travaux", "sante", "transports")
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "yearly", "irregular")  # history/freshness.py reads them
ID_PATTERN = re.compile(r"^[a-z0-9-]+$")
ROLE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
ID_FIELD = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class FieldSpec:
    """A field declared in the catalogue: it overrides what inference guessed."""

    name: str  # the field's name: the header the catalogue names, as a field name (« Code commune » -> code_commune)
    label: str | None = None
    type: str | None = None
    facet: bool = False
    role: str | None = None
    unit: str | None = None
    description: str | None = None
    separator: str | None = None  # multivalued, as Opendatasoft exports it: "2,3" holds the values 2 and 3
    html: bool = False  # the values are HTML: read as sanitised plain text
    aliases: tuple[str, ...] = ()  # the column's other headers, in other editions of the file
    labels: tuple[tuple[str, str], ...] | str | None = None  # code -> label, or a nomenclature's name
    written: str | None = None  # the name as the catalogue writes it, when it is a header (« Code commune »)

    def matches(self, header: str) -> bool:
        """Whether a column header is this field: its name, or one of its aliases (compared as field names)."""
        return header == self.name or slugify(header) == self.name or \
            any(header == alias or slugify(header) == slugify(alias) for alias in self.aliases)


@dataclass(frozen=True)
class XlsxOptions:
    """Which sheets of a workbook to read, and where their table starts."""

    sheet: str | None = None  # a sheet by its name; else the sheets named with a year (« APL 2023 »)
    sheets: str = "latest"  # latest: the sheet of the latest year; all: every year's sheet, stacked
    header_row: int | None = None  # 1-based; found below the title rows when absent
    year_field: str = "annee"  # the column that receives each sheet's year


@dataclass(frozen=True)
class Position:
    """A point read from two number columns (the national parking schema's ylat/xlong, GBFS's lat/lon), named by
    their headers as written or their field names. With `crs`, they are a projected system's y (lat) and x (lon)."""

    lat: str
    lon: str
    crs: str | None = None  # « EPSG:3949 »: the system of the two columns, when not degrees


@dataclass(frozen=True)
class JsonOptions:
    """Where a JSON file's records are: a dotted path to an array of objects (GBFS's « data.stations »); None when
    the file itself is that array (Opendatasoft's json export)."""

    records: str | None = None


@dataclass(frozen=True)
class CsvOptions:
    delimiter: str | None = None  # sniffed when None
    encoding: str | None = None  # UTF-8, with or without a BOM, when None


@dataclass(frozen=True)
class Dataset:
    id: str
    title: str
    theme: str
    format: str
    path: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    publisher: str | None = None
    license: str | None = None
    modified: dt.date | None = None
    csv: CsvOptions = CsvOptions()
    xlsx: XlsxOptions = XlsxOptions()
    json: JsonOptions = JsonOptions()
    position: Position | None = None
    crs: str | None = None  # « EPSG:3949 »: the system of the file's coordinates, when the file does not say it
    dashboard: str | None = None
    fields: tuple[FieldSpec, ...] = ()
    source: Source | None = None
    realtime: Realtime | None = None  # its live feeds (GTFS-RT, GBFS)
    demo: bool = False
    key: tuple[str, ...] = ()  # the fields that name a record (its identity across versions), when declared
    frequency: str | None = None  # how often the content is expected to change (history.freshness.FREQUENCIES)

    def field_spec(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def role_field(self, role: str) -> str | None:
        """The name of the (first) field that plays `role`, or None: dashboards never hard-code columns."""
        return next((f.name for f in self.fields if f.role == role), None)

    def role_fields(self, role: str) -> tuple[str, ...]:
        """Every field that plays `role`, in catalogue order."""
        return tuple(f.name for f in self.fields if f.role == role)


@dataclass(frozen=True)
class Portal:
    title: str = "Open data — Métropole Rouen Normandie"
    publisher: str = "Métropole Rouen Normandie"
    description: str = ""
    demo: bool = False


@dataclass(frozen=True)
class Catalogue:
    portal: Portal
    datasets: tuple[Dataset, ...]
    data_dir: Path
    _by_id: dict[str, Dataset] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({d.id: d for d in self.datasets})

    def get(self, dataset_id: str) -> Dataset | None:
        return self._by_id.get(dataset_id)

    def file_path(self, dataset: Dataset) -> Path:
        """Where the dataset's file lives: always the catalogue's path, never built from a URL."""
        return self.data_dir / dataset.path

    @property
    def themes(self) -> tuple[str, ...]:
        return tuple(sorted({d.theme for d in self.datasets}))


# ---------------------------------------------------------------- validation helpers

_PORTAL_KEYS = {"title": str, "publisher": str, "description": str, "demo": bool}
_DATASET_KEYS = {
    "id": str, "title": str, "description": str, "theme": str, "keywords": list, "publisher": str,
    "license": str, "modified": dt.date, "format": str, "path": str, "csv": dict, "dashboard": str,
    "field": list, "source": dict, "realtime": dict, "demo": bool, "xlsx": dict, "position": dict, "crs": str,
    "json": dict, "key": (str, list), "frequency": str,
}
_FIELD_KEYS = {"name": str, "label": str, "type": str, "facet": bool, "role": str, "unit": str, "description": str,
               "separator": str, "html": bool, "aliases": list, "labels": (str, dict)}
_CSV_KEYS = {"delimiter": str, "encoding": str}
_XLSX_KEYS = {"sheet": str, "sheets": str, "header_row": int, "year_field": str}
XLSX_SHEETS = ("latest", "all")
_POSITION_KEYS = {"lat": str, "lon": str, "crs": str}
_JSON_KEYS = {"records": str}
_RECORDS_PATH = re.compile(r"^[^.\s][^.]*(\.[^.\s][^.]*)*$")
def _parse_field(raw: Any, dataset_id: str, index: int) -> FieldSpec:
    key = f"field[{index}]"
    if not isinstance(raw, dict):
        raise fail(dataset_id, key, "une table [[dataset.field]] est attendue")
    check_keys(raw, _FIELD_KEYS, dataset_id, prefix=f"{key}.")
    written = required(raw, "name", dataset_id) if "name" in raw else None
    if written is None:
        raise fail(dataset_id, f"{key}.name", "obligatoire et absente")
    name = slugify(written)  # the header as the file writes it, or its field name: the same field
    if not name:
        raise fail(dataset_id, f"{key}.name", f"« {written} » ne donne aucun nom de champ (lettres ou chiffres attendus)")
    role = raw.get("role")
    if role is not None and not ROLE_PATTERN.match(role):
        raise fail(dataset_id, f"{key}.role", f"« {role} » n'est pas un nom de rôle valide ([a-z0-9_])")
    separator = raw.get("separator")
    if separator is not None and (not separator or separator.isspace() or len(separator) > 3):
        raise fail(dataset_id, f"{key}.separator", "un séparateur d'un à trois caractères, autre qu'un blanc, est "
                                                    "attendu (par exemple \",\")")
    labels = raw.get("labels")
    if isinstance(labels, str):
        from data_access.catalogue.nomenclatures import NOMENCLATURES

        choice(labels, tuple(NOMENCLATURES), dataset_id, f"{key}.labels")
    elif isinstance(labels, dict):
        if not labels or not all(isinstance(v, str) and v.strip() for v in labels.values()):
            raise fail(dataset_id, f"{key}.labels", "une table code = \"libellé\" est attendue")
        labels = tuple((str(k), v) for k, v in labels.items())
    for key_name in ("separator", "html", "labels"):
        if raw.get(key_name) and raw.get("type", "text") != "text":
            raise fail(dataset_id, f"{key}.{key_name}", f"réservée aux champs de texte, pas au type « {raw['type']} »")
    aliases = raw.get("aliases", [])
    if not all(isinstance(a, str) and a.strip() for a in aliases):
        raise fail(dataset_id, f"{key}.aliases", "une liste de noms de colonnes est attendue")
    return FieldSpec(
        name=name,
        label=raw.get("label"),
        type=choice(raw.get("type"), FIELD_TYPES, dataset_id, f"{key}.type"),
        facet=raw.get("facet", False),
        role=role,
        unit=raw.get("unit"),
        description=raw.get("description"),
        separator=separator,
        html=raw.get("html", False),
        aliases=tuple(a.strip() for a in aliases),
        labels=labels,
        written=written.strip() if written.strip() != name else None,
    )


def _parse_xlsx(raw: dict, dataset_id: str) -> XlsxOptions:
    check_keys(raw, _XLSX_KEYS, dataset_id, prefix="xlsx.")
    sheets = choice(raw.get("sheets", "latest"), XLSX_SHEETS, dataset_id, "xlsx.sheets")
    if raw.get("sheet") is not None and "sheets" in raw:
        raise fail(dataset_id, "xlsx.sheets", "inutile avec xlsx.sheet, qui désigne une seule feuille")
    if raw.get("sheet") is not None and not raw["sheet"].strip():
        raise fail(dataset_id, "xlsx.sheet", "le nom d'une feuille du classeur est attendu")
    header_row = raw.get("header_row")
    if header_row is not None and not 1 <= header_row <= 1000:
        raise fail(dataset_id, "xlsx.header_row", "un numéro de ligne entre 1 et 1000 est attendu")
    year_field = raw.get("year_field", "annee")
    if not ID_FIELD.match(year_field):
        raise fail(dataset_id, "xlsx.year_field", "un nom de champ en a-z, 0-9 et _ est attendu")
    return XlsxOptions(sheet=raw.get("sheet"), sheets=sheets, header_row=header_row, year_field=year_field)


def _parse_position(raw: dict, dataset_id: str) -> Position:
    check_keys(raw, _POSITION_KEYS, dataset_id, prefix="position.")
    for key in ("lat", "lon"):
        if not raw.get(key):
            raise fail(dataset_id, f"position.{key}", "obligatoire : le champ qui donne la " +
                        ("latitude" if key == "lat" else "longitude"))
    if slugify(raw["lat"]) == slugify(raw["lon"]):
        raise fail(dataset_id, "position.lon", "la latitude et la longitude doivent être deux champs différents")
    crs = parse_crs(raw["crs"], dataset_id, "position.crs") if "crs" in raw else None
    return Position(lat=raw["lat"].strip(), lon=raw["lon"].strip(), crs=crs)


def parse_crs(value: str, dataset_id: str, key: str) -> str:
    """A coordinate system's code (« EPSG:3949 »), checked against PROJ's registry."""
    from data_access.geometry.coordinates import EXAMPLE, UnknownCrs, known_crs

    try:
        return known_crs(value).code
    except UnknownCrs as exc:
        raise fail(dataset_id, key, f"{exc} (par exemple {EXAMPLE})") from None


def _parse_json(raw: dict, dataset_id: str) -> JsonOptions:
    check_keys(raw, _JSON_KEYS, dataset_id, prefix="json.")
    records = raw.get("records")
    if records is not None and not _RECORDS_PATH.match(records.strip()):
        raise fail(dataset_id, "json.records", f"« {records} » n'est pas un chemin : des noms séparés par des points "
                                               "sont attendus (par exemple « data.stations »)")
    return JsonOptions(records=records.strip() if records is not None else None)


def _parse_path(value: str, dataset_id: str) -> str:
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise fail(dataset_id, "path", f"« {value} » doit être un chemin relatif à DATA_DIR, sans « .. »")
    return str(path)


def _parse_dataset(raw: Any, index: int, portal: Portal) -> Dataset:
    if not isinstance(raw, dict):
        raise fail(None, f"dataset[{index}]", "une table [[dataset]] est attendue")
    raw_id = raw.get("id")
    dataset_id = raw_id if isinstance(raw_id, str) and raw_id else f"n°{index + 1}"
    check_keys(raw, _DATASET_KEYS, dataset_id)
    required(raw, "id", dataset_id)
    if not ID_PATTERN.match(raw_id):
        raise fail(dataset_id, "id", "seuls les caractères a-z, 0-9 et - sont permis")
    for key in ("title", "theme", "format", "path"):
        required(raw, key, dataset_id)
    fmt = choice(raw["format"], FORMATS, dataset_id, "format")
    if "xlsx" in raw and fmt != "xlsx":
        raise fail(dataset_id, "xlsx", f"réservée aux classeurs (format = \"xlsx\"), pas au format « {fmt} »")
    if "json" in raw and fmt != "json":
        raise fail(dataset_id, "json", f"réservée aux fichiers JSON (format = \"json\"), pas au format « {fmt} »")
    if "crs" in raw and fmt in ("gtfs", "parquet"):
        raise fail(dataset_id, "crs", f"sans objet pour le format « {fmt} », qui dit son système lui-même")
    csv_raw = raw.get("csv", {})
    check_keys(csv_raw, _CSV_KEYS, dataset_id, prefix="csv.")
    delimiter = csv_raw.get("delimiter")
    if delimiter is not None and len(delimiter) != 1:
        raise fail(dataset_id, "csv.delimiter", "un seul caractère est attendu")
    encoding = csv_raw.get("encoding")
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise fail(dataset_id, "csv.encoding", f"encodage « {encoding} » inconnu") from None
    keywords = raw.get("keywords", [])
    if not all(isinstance(k, str) for k in keywords):
        raise fail(dataset_id, "keywords", "une liste de textes est attendue")
    fields = tuple(_parse_field(f, dataset_id, i) for i, f in enumerate(raw.get("field", [])))
    seen: set[str] = set()
    for i, spec in enumerate(fields):
        if spec.name in seen:
            raise fail(dataset_id, f"field[{i}].name", f"le champ « {spec.name} » est déclaré deux fois")
        seen.add(spec.name)
    key = _parse_key(raw.get("key", ()), dataset_id)
    # A role may be held by several fields (the indicators of a dataset); role_field gives the first.
    return Dataset(
        id=raw_id,
        title=raw["title"].strip(),
        theme=raw["theme"].strip(),
        format=fmt,
        path=_parse_path(raw["path"], dataset_id),
        description=raw.get("description", ""),
        keywords=tuple(keywords),
        publisher=raw.get("publisher", portal.publisher),
        license=raw.get("license"),
        modified=raw.get("modified"),
        csv=CsvOptions(delimiter=delimiter, encoding=encoding),
        xlsx=_parse_xlsx(raw.get("xlsx", {}), dataset_id),
        json=_parse_json(raw.get("json", {}), dataset_id),
        crs=parse_crs(raw["crs"], dataset_id, "crs") if "crs" in raw else None,
        position=_parse_position(raw["position"], dataset_id) if "position" in raw else None,
        dashboard=choice(raw.get("dashboard"), DASHBOARDS, dataset_id, "dashboard"),
        fields=fields,
        source=parse_source(raw["source"], dataset_id) if "source" in raw else None,
        realtime=parse_realtime(raw["realtime"], dataset_id, fmt, raw.get("demo", portal.demo))
        if "realtime" in raw else None,
        demo=raw.get("demo", portal.demo),
        key=key,
        frequency=choice(raw.get("frequency"), FREQUENCIES, dataset_id, "frequency"),
    )


def _parse_key(raw, dataset_id: str) -> tuple[str, ...]:
    """`key = "<field>"` or a list of fields: what names a record across versions."""
    names = [raw] if isinstance(raw, str) else list(raw)
    if not all(isinstance(n, str) and n.strip() for n in names) or len(set(names)) != len(names):
        raise fail(dataset_id, "key", "un nom de champ, ou une liste de noms de champs distincts, est attendu")
    return tuple(n.strip() for n in names)


def parse_catalogue(text: str, data_dir: Path) -> Catalogue:
    """Parse catalogue.toml text. Raise CatalogueError with one line naming the dataset and key."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{CATALOGUE_FILE} : syntaxe TOML invalide ({exc})") from None
    unknown = set(doc) - {"portal", "dataset"}
    if unknown:
        key = sorted(unknown)[0]
        hint = difflib.get_close_matches(key, ["portal", "dataset"], n=1)
        suggestion = f" (vouliez-vous écrire « {hint[0]} » ?)" if hint else ""
        raise fail(None, key, f"section inconnue{suggestion}")
    portal_raw = doc.get("portal", {})
    if not isinstance(portal_raw, dict):
        raise fail(None, "portal", "une table [portal] est attendue")
    check_keys(portal_raw, _PORTAL_KEYS, None, prefix="portal.")
    portal = Portal(**portal_raw)
    raw_datasets = doc.get("dataset", [])
    if not isinstance(raw_datasets, list):
        raise fail(None, "dataset", "des tables [[dataset]] sont attendues")
    datasets = tuple(_parse_dataset(raw, i, portal) for i, raw in enumerate(raw_datasets))
    ids: set[str] = set()
    for d in datasets:
        if d.id in ids:
            raise fail(d.id, "id", "cet identifiant est déjà utilisé par un autre jeu de données")
        ids.add(d.id)
    check_keep_references(datasets)
    return Catalogue(portal=portal, datasets=datasets, data_dir=data_dir)


def load_catalogue(data_dir: Path) -> Catalogue:
    """Read DATA_DIR/catalogue.toml."""
    path = data_dir / CATALOGUE_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogueError(f"{CATALOGUE_FILE} : fichier introuvable dans {data_dir}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{CATALOGUE_FILE} : illisible ({exc})") from None
    return parse_catalogue(text, data_dir)
