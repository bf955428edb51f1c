"""The data engine: DuckDB reading each dataset's served Parquet file in place.

DatasetBackend is what the pages and the extracts ask of a dataset: how many rows a query keeps, a page of
them, the facet counts, aggregates, and the whole result as Arrow record batches. DuckDBBackend answers it
with one DuckDB connection per process, made after the fork (gunicorn forks its workers: a connection is
never inherited), and a cursor per thread; each process's DuckDB is held to ENGINE_MEMORY_MB and
ENGINE_THREADS. The files are read through the system's page cache, which every worker shares: DuckDB's own
file cache is off, so a worker's memory does not grow with the data.
"""
from __future__ import annotations

import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Protocol

import pyarrow as pa

from config_list import int_default
from data_access.derived import derived
from data_access.engine.served import CLUSTERED, MAX_COUNTED_VALUES, ROW, values_column
from data_access.engine.sql import Clauses, order_by, quoted
from data_access.errors import DatasetUnavailable
from data_access.query import Query, selected_texts
from data_access.readers.base import FieldInfo, main_geometry

log = logging.getLogger(__name__)
BATCH_ROWS = 65_536  # rows per record batch of a stream
MAX_GROUPING = 32  # keys of one GROUPING SETS question (DuckDB refuses 64)
TEMP_LIMIT = "4GB"  # what one worker's spilled sorts may take on disk


@dataclass(frozen=True)
class EngineLimits:
    memory_mb: int = int_default("ENGINE_MEMORY_MB")
    threads: int = int_default("ENGINE_THREADS")


class DatasetBackend(Protocol):
    fields: tuple[FieldInfo, ...]
    notes: tuple[str, ...]

    def count(self, query: Query) -> int: ...

    def rows(self, query: Query, columns: list[str] | None = None, offset: int = 0,
             limit: int | None = None) -> pa.Table: ...

    def frame(self, query: Query, columns: list[str] | None = None, offset: int = 0,
              limit: int | None = None): ...

    def positions(self, query: Query) -> pa.Array: ...

    def facets(self, query: Query, fields: list[FieldInfo], top: int | None = None
               ) -> dict[str, list[tuple[object, int]]]: ...

    def aggregate(self, query: Query, group_by: list[str], measures: list[tuple[str, str, str | None]]
                  ) -> pa.Table: ...

    def summarise(self, query: Query, statement: str, params: list, steps: str = "") -> pa.Table: ...

    def stream(self, query: Query, columns: list[str] | None = None, source_order: bool = False
               ) -> Iterator[pa.RecordBatch]: ...


class _Connections:
    """One DuckDB database per process and a cursor per thread, made again in a forked child."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._database = None
        self._local = threading.local()
        self._inherited: list = []
        self.limits = EngineLimits()

    def configure(self, limits: EngineLimits) -> None:
        with self._lock:
            if limits != self.limits:
                self.limits, self._pid, self._database = limits, None, None

    def cursor(self, own: bool = False):
        """This thread's cursor; `own`: a cursor of its own (a stream read across several yields, which another
        question of the same thread must not cut)."""
        import duckdb

        pid = os.getpid()
        with self._lock:
            if self._pid != pid:  # first use in this process, or a child forked after it: a database of its own
                if self._database is not None:
                    # a parent's database and cursors, copied by the fork: never freed here, since freeing them
                    # would wait for the parent's threads, which the child does not have
                    self._inherited.append((self._database, self._local))
                self._database = duckdb.connect(":memory:", config={
                    "threads": self.limits.threads, "memory_limit": f"{self.limits.memory_mb}MB",
                    "enable_external_file_cache": False, "preserve_insertion_order": True,
                    # a sort larger than the memory limit spills here, never into the app's working folder
                    "temp_directory": os.path.join(tempfile.gettempdir(), f"portail-moteur-{pid}"),
                    "max_temp_directory_size": TEMP_LIMIT})
                self._database.execute("LOAD parquet")
                self._database.execute("SET parquet_metadata_cache = true")  # footers read once per file
                self._pid = pid
                self._local = threading.local()
            database = self._database
        if own:
            return database.cursor()
        held = getattr(self._local, "cursor", None)
        if held is None or held[0] is not database:
            held = (database, database.cursor())
            self._local.cursor = held
        return held[1]


CONNECTIONS = _Connections()


class QueryLog:
    """How many questions this process asked the engine, and the most values one of them bound (tests and
    the bench read it: the work of a request is bounded)."""

    def __init__(self):
        self.count = 0
        self.largest = 0

    def record(self, params: list) -> None:
        self.count += 1
        self.largest = max(self.largest, sum(len(p) if isinstance(p, list) else 1 for p in params))


QUERIES = QueryLog()


class DuckDBBackend:
    """A dataset's served file, queried in place. `fields` are the dataset's (from its manifest)."""

    def __init__(self, path: Path, fields: tuple[FieldInfo, ...], rows: int | None = None,
                 manifest: dict | None = None):
        self.path, self.fields, self.total = str(path), fields, rows
        self.manifest = manifest or {}
        self.values = self.manifest.get("values") or {}  # each facet field's value counts over the whole table
        self._source = "read_parquet(?)"
        # the copy clustered on these fields (served.py): a filter on one of them reads it, in a few row groups
        self.keys = set(self.manifest.get("cluster_keys") or ())
        self.clustered = str(Path(path).parent / CLUSTERED) if self.keys else None

    @property
    def geometry_field(self) -> FieldInfo | None:
        return main_geometry(self.fields)

    @property
    def notes(self) -> tuple[str, ...]:
        """What reading the file repaired or converted (a coordinate system, a units row, codes), in French."""
        return tuple(self.manifest.get("notes") or ())

    def _run(self, sql: str, params: list, own: bool = False, path: str | None = None):
        import duckdb

        QUERIES.record(params)
        try:
            return CONNECTIONS.cursor(own).sql(sql, params=[path or self.path, *params])
        except duckdb.Error as exc:  # a damaged or vanished served file, a full disk: said in French, logged
            log.error("moteur : %s sur %s (%s)", type(exc).__name__, self.path, exc)
            raise DatasetUnavailable("lecture des données impossible pour le moment, réessayez plus tard") from None

    def _file(self, clauses: Clauses) -> str:
        """The clustered copy when a clause filters one of its keys, else the file in the source's order."""
        if self.clustered and any(key[0] != "q" and key[1] in self.keys for key, _, _ in clauses.items):
            return self.clustered
        return self.path

    def _columns(self, columns: list[str] | None) -> str:
        names = columns if columns is not None else [f.name for f in self.fields]
        return ", ".join(quoted(n) for n in names) if names else ROW

    def count(self, query: Query) -> int:
        clauses = Clauses(query, self.fields)
        where, params = clauses.where()
        if not where and self.total is not None:
            count = self.total
        else:
            path, sql = self._file(clauses), f"SELECT count(*) FROM {self._source}{where}"
            # the page, then every block its grid asks, count the same rows: once per served file and filters
            count = derived(("compte", path, where, repr(params)),
                            lambda: self._run(sql, params, path=path).fetchall()[0][0])
        return min(count, query.limit) if query.limit is not None else count

    def _select(self, query: Query, columns: list[str] | None, offset: int, limit: int | None,
                source: bool = False) -> tuple[str, list, str]:
        """The SELECT of a page of the query's rows, its parameters and the file it reads; `source`: the file in
        the source's order whatever the filters (an extract streams it from start to end)."""
        clauses = Clauses(query, self.fields)
        where, params = clauses.where()
        path = self.path if source else self._file(clauses)
        if query.limit is not None:  # the query's own limit, then the page asked for within it
            end = query.limit if limit is None else min(query.limit, offset + limit)
            limit = max(0, end - offset)
        # no sort: the file's order is the source's, which DuckDB keeps (preserve_insertion_order); the clustered
        # copy is put back in it
        order = order_by(query, self.fields) if query.sort else f" ORDER BY {ROW}" if path != self.path else ""
        sql = f"SELECT {self._columns(columns)} FROM {self._source}{where}{order}"
        if limit is not None:
            sql += " LIMIT ?"
            params = [*params, int(limit)]
        if offset:
            sql += " OFFSET ?"
            params = [*params, int(offset)]
        return sql, params, path

    def rows(self, query: Query, columns: list[str] | None = None, offset: int = 0,
             limit: int | None = None) -> pa.Table:
        sql, params, path = self._select(query, columns, offset, limit)
        return self._run(sql, params, path=path).to_arrow_table()

    def frame(self, query: Query, columns: list[str] | None = None, offset: int = 0, limit: int | None = None):
        """rows() as a frame of the reader's dtypes, indexed by each row's place in the source."""
        from data_access.engine.frames import to_frame

        names = columns if columns is not None else [f.name for f in self.fields]
        arrow = self.rows(query, [*names, ROW], offset, limit)
        return to_frame(arrow.drop_columns([ROW]), self.fields, self.manifest.get("dtypes"),
                        index=arrow.column(ROW).to_pandas())

    def positions(self, query: Query) -> pa.Array:
        """The source positions of the rows the query keeps, in its order (tests/helpers/oracle.py's row_positions)."""
        return self.rows(query, [ROW]).column(ROW).combine_chunks()

    def stream(self, query: Query, columns: list[str] | None = None, source_order: bool = False
               ) -> Iterator[pa.RecordBatch]:
        """The query's rows as record batches; `source_order`: the rows it keeps, in the source's order (the
        columns then name ROW)."""
        sql, params, path = self._select(query, columns, 0, None, source=True)
        if source_order and query.sort:
            sql = f"SELECT * FROM ({sql}) ORDER BY {ROW}"
        yield from self._run(sql, params, own=True, path=path).to_arrow_reader(BATCH_ROWS)

    def facets(self, query: Query, fields: list[FieldInfo], top: int | None = None
               ) -> dict[str, list[tuple[object, int]]]:
        """Each field's (value, rows) with every clause of the query but the field's own refine: the fields
        no refine names share one scan (grouping sets); a multivalued value counts each cell once. `top`: a
        field of more values than the manifest counts gives only about its `top` most frequent (ties in
        French order) and the values the query refines on, whatever the number of its values."""
        clauses = Clauses(query, self.fields)
        refined = {name for name, _ in query.refine}
        found: dict[str, list[tuple[object, int]]] = {}
        for f in fields:  # nothing else filters this field's rows: the manifest counted them at conversion
            if f.name in self.values and not clauses.where(lambda key, name=f.name: key[:2] == ("refine", name))[0]:
                found[f.name] = [(v, n) for v, n in self.values[f.name]]
        profiles = self.manifest.get("profiles", {})
        many = {f.name for f in fields if top is not None and f.name not in found
                and profiles.get(f.name, {}).get("distinct", 0) > MAX_COUNTED_VALUES}
        shared = [f for f in fields if f.name not in refined and not f.separator and f.name not in found
                  and f.name not in many]
        for start in range(0, len(shared), MAX_GROUPING):  # one question per MAX_GROUPING keys
            self._shared_facets(clauses, shared[start:start + MAX_GROUPING], found)
        for f in fields:
            if f.name in found:
                continue
            where, params = clauses.where(lambda key, name=f.name: key[0] == "refine" and key[1] == name)
            key = f"unnest({quoted(values_column(f.name))})" if f.separator else _facet_key(f)
            sql = f"SELECT v, count(*) AS n FROM (SELECT {key} AS v FROM {self._source}{where}) WHERE v IS NOT NULL " \
                  "GROUP BY v"
            if f.name in many:  # the page shows the first values and the chosen ones: never 100,000 groups
                sql += (" QUALIFY row_number() OVER (ORDER BY n DESC, lower(strip_accents(CAST(v AS VARCHAR)))) <= ?"
                        " OR list_contains(?::VARCHAR[], CAST(v AS VARCHAR))")
                # twice as many as shown: the page orders ties by its own fold, which may differ on rare letters
                params = [*params, 2 * int(top), sorted(selected_texts(query, f))]
            rows = self._run(sql, params, path=self._file(clauses)).fetchall()
            found[f.name] = [(v, n) for v, n in rows]
        return found

    def _shared_facets(self, clauses: Clauses, shared: list[FieldInfo], found: dict) -> None:
        """The facets of fields no refine names: one scan for all of them (grouping sets)."""
        where, params = clauses.where()
        keys = [_facet_key(f) for f in shared]
        sets = ", ".join(f"({k})" for k in keys)
        groups = f"GROUPING({', '.join(keys)})"  # a bit per key, the first key's the highest
        select = ", ".join(f"{k} AS f{i}" for i, k in enumerate(keys))
        rows = self._run(f"SELECT {select}, count(*), {groups} AS g FROM {self._source}{where} "
                         f"GROUP BY GROUPING SETS ({sets})", params, path=self._file(clauses)).fetchall()
        for f in shared:
            found[f.name] = []
        width = len(shared)
        for row in rows:
            grouping = row[-1]
            for i, f in enumerate(shared):
                if not grouping & (1 << (width - 1 - i)) and row[i] is not None:
                    found[f.name].append((row[i], row[width]))

    def aggregate(self, query: Query, group_by: list[str], measures: list[tuple[str, str, str | None]]
                  ) -> pa.Table:
        """One row per group: measures are (name, function, field) with function count, sum, min, max, avg
        or count_distinct (field None counts rows)."""
        clauses = Clauses(query, self.fields)
        where, params = clauses.where()
        known = {f.name for f in self.fields}
        parts = [quoted(g) for g in group_by if g in known]
        for name, function, field in measures:
            if function not in _FUNCTIONS or (field is not None and field not in known):
                raise ValueError(f"mesure inconnue : {function}({field})")
            parts.append(f"{_FUNCTIONS[function].format(quoted(field) if field else '*')} AS {quoted(name)}")
        group = f" GROUP BY {', '.join(quoted(g) for g in group_by)}" if group_by else ""
        order = f" ORDER BY {', '.join(quoted(g) for g in group_by)}" if group_by else ""
        return self._run(f"SELECT {', '.join(parts)} FROM {self._source}{where}{group}{order}", params,
                         path=self._file(clauses)).to_arrow_table()

    def summarise(self, query: Query, statement: str, params: list, steps: str = "") -> pa.Table:
        """A dashboard's figures over the rows the query keeps. `statement` is a SELECT the code writes over `kept`
        (those rows) or over its own `steps` (more WITH steps, after `kept`): column names through quoted(),
        values as `?` bound to `params`, in the text's order; never text from a URL."""
        clauses = Clauses(query, self.fields)
        where, where_params = clauses.where()
        more = f", {steps}" if steps else ""
        return self._run(f"WITH kept AS (SELECT * FROM {self._source}{where}){more} {statement}",
                         [*where_params, *params], path=self._file(clauses)).to_arrow_table()


_FUNCTIONS = {"count": "count({})", "sum": "sum({})", "min": "min({})", "max": "max({})", "avg": "avg({})",
              "count_distinct": "count(DISTINCT {})"}


def _facet_key(field: FieldInfo) -> str:
    if field.is_temporal:  # a day is what the grammar's refine takes for dates
        return f"strftime({quoted(field.name)}, '%Y-%m-%d')"
    return quoted(field.name)
