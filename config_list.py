"""Every setting, declared once: its name, default, kind, bounds and help. `config.load_settings` reads and checks
the environment with it, the computing layer takes its defaults from it, and docs/configuration.md's table is
written from it (`python -m config_list` rewrites the table; a test fails when they differ)."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

CACHE_TYPES = ("NullCache", "SimpleCache", "FileSystemCache", "RedisCache")
CONTRIBUTIONS_FILE = "contributions.sqlite"  # the contributions' SQLite database under DATA_DIR, by default


KINDS = {"datadir": "an existing folder with `catalogue.toml`", "bool": "`0` or `1`", "text": "a host name or address", "choice": "one of the names given",
         "folder": "a folder (made when missing; writable)", "url": "an address (`http(s)://…`)",
         "hosts": "host names", "secret": "any text", "database": "`sqlite:///…` or `postgresql+psycopg://…`"}


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None  # as the environment would write it; None: no default (see `shown`)
    kind: str  # a key of KINDS, or int
    help: str  # what it does, as docs/configuration.md says it
    low: int | None = None  # an int's bounds
    high: int | None = None
    shown: str | None = None  # the default as the docs say it, when it is not the value itself

    @property
    def accepted(self) -> str:
        """What a value may be, as the docs say it."""
        if self.kind == "int":
            return f"{self.low:,} to {self.high:,}"
        return KINDS[self.kind]

    @property
    def documented_default(self) -> str:
        if self.shown is not None:
            return self.shown
        if self.kind == "int":
            return f"{int(self.default):,}" if int(self.default) >= 10_000 else self.default
        return f"`{self.default}`"


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", None, "datadir", "folder holding `catalogue.toml` and the files it names",
            shown="the demo snapshot (`data/demo/`)"),
    Setting("HOST", "127.0.0.1", "text", "the address `python app.py` listens on"),
    Setting("PORT", "8050", "int", "the port `python app.py` listens on", 1, 65535),
    Setting("CACHE_TYPE", "SimpleCache", "choice", "`NullCache`, `SimpleCache`, `FileSystemCache` (needs "
            "`CACHE_DIR`), `RedisCache` (needs `CACHE_REDIS_URL`)"),
    Setting("CACHE_DIR", None, "folder", "the cache's folder, with `CACHE_TYPE=FileSystemCache`", shown="none"),
    Setting("CACHE_REDIS_URL", None, "url", "the Redis address (`redis://…`), with `CACHE_TYPE=RedisCache`",
            shown="none"),
    Setting("SECRET_KEY", None, "secret", "must be the same on every worker and host",
            shown="random per process, with a warning"),
    Setting("MAX_EXPORT_ROWS", "5000000", "int", "an extract larger than this gets a clear error", 1, 10**10),
    Setting("CACHE_SECONDS", "3600", "int", "lifetime of the cached results (dataset summaries, key figures); no key "
            "lives for ever", 1, 7 * 86400),
    Setting("MAX_XLSX_ROWS", "200000", "int", "an Excel extract larger than this is refused, pointing to CSV and "
            "Parquet", 1, 1_048_575),
    Setting("MAX_EXTRACT_BUILDS", "2", "int", "XLSX, JSON or GeoJSON extracts of more than 5,000 rows built at once "
            "per process; the next gets 429 and `Retry-After`", 1, 64),
    Setting("EXTRACT_CACHE_DIR", None, "folder", "where full extracts are kept per file version, shared by a host's "
            "workers", shown="a folder of the system's temporary folder"),
    Setting("SERVED_DIR", None, "folder", "each dataset converted to Parquet with its manifest, once per file "
            "version, read in place by the engine",
            shown="`DATA_DIR/.served` (a temporary folder if `DATA_DIR` cannot be written)"),
    Setting("ENGINE_MEMORY_MB", "512", "int", "the memory (MiB) the DuckDB engine may use in each process",
            64, 1 << 20),
    Setting("ENGINE_THREADS", "2", "int", "the threads the DuckDB engine may use in each process", 1, 256),
    Setting("DERIVED_MEMORY_MB", "1024", "int", "what the dashboards' tables and indexes may hold in each process "
            "(MiB); the least recently used go first, and the log says when one is built again soon after (the "
            "budget is then too small)", 16, 1 << 20),
    Setting("HISTORY_VERSIONS", "30", "int", "versions of each dataset's content the sync keeps for its history "
            "(with `HISTORY_DAYS`, whichever keeps more)", 1, 100_000),
    Setting("HISTORY_DAYS", "400", "int", "days a version of a dataset's content is kept for its history (with "
            "`HISTORY_VERSIONS`, whichever keeps more)", 1, 36_500),
    Setting("LOAD_FAILURE_SECONDS", "600", "int", "how long a file that cannot be parsed is not read again; an access "
            "or memory error is tried again at the next request", 1, 86400),
    Setting("LIVE_REFRESH", "1", "bool", "`0` keeps this process from refreshing the live feeds a catalogue declares "
            "(`[dataset.realtime]`): its pages read what other processes keep in the shared cache, else the "
            "timetable"),
    Setting("DASH_DEV", "0", "bool", "`1` turns on Dash's dev tools and debug mode; never on by default"),
    Setting("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "url", "the map background "
            "(`{z}/{x}/{y}`); empty: no background, the maps still draw the data", shown="OpenStreetMap's tiles"),
    Setting("PUBLIC_URL", None, "url", "the portal's public address: every absolute address the portal writes "
            "(extracts' permalinks, embed codes, oEmbed) is built from it", shown="the request's host"),
    Setting("TRUSTED_HOSTS", "localhost,127.0.0.1", "hosts", "the names a request's `Host` may carry "
            "(comma-separated, without port; `PUBLIC_URL`'s host is always added); any other gets a 400"),
    Setting("EXTRACT_SEND_TIMEOUT", "60", "int", "seconds after which an extract its client no longer reads is cut, "
            "freeing its gunicorn thread", 1, 3600),
    Setting("DATABASE_URL", None, "database", "the contributions' database; "
            "`postgresql+psycopg://user:password@host/base` when several hosts share it",
            shown=f"SQLite, `<DATA_DIR>/{CONTRIBUTIONS_FILE}`"),
    Setting("CONTRIBUTION_EMAIL_DAYS", "90", "int", "days a contributor's e-mail is kept; `python -m portail "
            "contributions purger` forgets the older ones", 1, 3650),
    Setting("PROXY_COUNT", "0", "int", "trusted reverse proxies in front of the portal: the reader's address (rate "
            "limits) is read from `X-Forwarded-For`, the scheme (HSTS) from `X-Forwarded-Proto`", 0, 5,
            shown="0 (`deploy/serve`: 1)"),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


def default(name: str) -> str | None:
    """A setting's default, as the environment would write it."""
    return BY_NAME[name].default


def int_default(name: str) -> int:
    return int(BY_NAME[name].default)


def contributions_url(data_dir: Path) -> str:
    """The contributions' database when DATABASE_URL says none: SQLite beside the catalogue."""
    return f"sqlite:///{Path(data_dir).resolve() / CONTRIBUTIONS_FILE}"


def table() -> str:
    """docs/configuration.md's table of the settings."""
    rows = ["| variable | default | accepted | meaning |", "|---|---|---|---|"]
    rows += [f"| `{s.name}` | {s.documented_default} | {s.accepted} | {s.help} |" for s in SETTINGS]
    return "\n".join(rows) + "\n"


DOC = Path(__file__).resolve().parent / "docs" / "configuration.md"
START, END = "<!-- settings -->\n", "<!-- /settings -->\n"


def documented() -> str:
    """The table docs/configuration.md holds between its markers."""
    text = DOC.read_text(encoding="utf-8")
    return text[text.index(START) + len(START):text.index(END)]


def write_doc() -> None:
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(text[:text.index(START) + len(START)] + table() + text[text.index(END):], encoding="utf-8")


if __name__ == "__main__":
    write_doc()
    print(f"{DOC.name} : tableau des {len(SETTINGS)} réglages réécrit", file=sys.stderr)
