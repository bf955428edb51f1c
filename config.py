"""Settings read from the environment once, validated, and frozen."""
from __future__ import annotations

import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from config_list import BY_NAME, CACHE_TYPES, SETTINGS, contributions_url, default

__all__ = ["CACHE_TYPES", "SETTINGS", "ConfigError", "Settings", "host_name", "load_settings"]

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent
# The embedded demo snapshot: generated deterministically on first start (see data_access/demo).
DEMO_DATA_DIR = ROOT / "data" / "demo"


class ConfigError(Exception):
    """A setting is wrong; the message is one line that names the variable."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    is_demo: bool
    host: str
    port: int
    cache_type: str
    cache_dir: Path | None
    cache_redis_url: str | None
    secret_key: str
    secret_key_is_random: bool
    max_export_rows: int
    dev: bool
    live_refresh: bool  # this process refreshes the live feeds (data_access/realtime/refresher.py)
    public_url: str | None
    tile_url: str
    cache_seconds: int
    load_failure_seconds: int
    max_xlsx_rows: int
    max_extract_builds: int
    extract_cache_dir: Path | None
    served_dir: Path | None
    engine_memory_mb: int
    engine_threads: int
    derived_memory_mb: int
    history_versions: int
    history_days: int
    database_url: str
    contribution_email_days: int
    proxy_count: int
    trusted_hosts: tuple[str, ...]
    extract_send_timeout: int

    def cache_config(self) -> dict:
        """The flask-caching configuration for these settings: every key has a finite lifetime."""
        config: dict = {"CACHE_TYPE": self.cache_type, "CACHE_DEFAULT_TIMEOUT": self.cache_seconds}
        if self.cache_dir is not None:
            config["CACHE_DIR"] = str(self.cache_dir)
        if self.cache_redis_url:
            config["CACHE_REDIS_URL"] = self.cache_redis_url
        return config


def _int_setting(env: Mapping[str, str], name: str) -> int:
    """An integer setting, within the bounds its declaration gives."""
    setting = BY_NAME[name]
    low, high = setting.low, setting.high
    raw = env.get(name, setting.default).strip()
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise ConfigError(f"{name}={raw!r} : un nombre entier est attendu") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={value} : la valeur doit être comprise entre {low} et {high}")
    return value


def _bool_setting(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, default(name)).strip().lower()
    if raw in ("1", "true", "oui", "yes", "on"):
        return True
    if raw in ("0", "false", "non", "no", "off", ""):
        return False
    raise ConfigError(f"{name}={raw!r} : 0 ou 1 attendu")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting; raise ConfigError naming the first bad variable."""
    env = os.environ if env is None else env
    data_dir, is_demo = _data_dir(env)
    cache_type, cache_dir, redis_url = _cache(env)
    secret_key = env.get("SECRET_KEY", "")
    host = env.get("HOST", default("HOST")).strip()
    if not host:
        raise ConfigError("HOST : une adresse est attendue")
    public_url = _public_url(env)
    # every number, read within the bounds its declaration gives, under the field of its name (PORT: port)
    numbers = {setting.name.lower(): _int_setting(env, setting.name) for setting in SETTINGS if setting.kind == "int"}
    return Settings(
        data_dir=data_dir,
        is_demo=is_demo,
        host=host,
        cache_type=cache_type,
        cache_dir=cache_dir,
        cache_redis_url=redis_url,
        secret_key=secret_key or secrets.token_hex(32),
        secret_key_is_random=not secret_key,
        dev=_bool_setting(env, "DASH_DEV"),
        live_refresh=_bool_setting(env, "LIVE_REFRESH"),
        public_url=public_url,
        tile_url=_tile_url(env),
        extract_cache_dir=_writable_dir(env, "EXTRACT_CACHE_DIR"),
        served_dir=_writable_dir(env, "SERVED_DIR"),
        database_url=_database_url(env, data_dir),
        trusted_hosts=_trusted_hosts(env, public_url),
        **numbers,
    )


def _data_dir(env: Mapping[str, str]) -> tuple[Path, bool]:
    """DATA_DIR, an existing folder with its catalogue.toml; the demo snapshot when it is not set."""
    raw_dir = env.get("DATA_DIR", "").strip()
    if not raw_dir:
        return DEMO_DATA_DIR, True
    data_dir = Path(raw_dir).expanduser()
    if not data_dir.is_dir():
        raise ConfigError(f"DATA_DIR={raw_dir!r} : ce dossier n'existe pas")
    if not (data_dir / "catalogue.toml").is_file():
        raise ConfigError(f"DATA_DIR={raw_dir!r} : aucun fichier catalogue.toml dans ce dossier")
    return data_dir, data_dir.resolve() == DEMO_DATA_DIR.resolve()


def _cache(env: Mapping[str, str]) -> tuple[str, Path | None, str | None]:
    """CACHE_TYPE, and the folder or the Redis address it needs."""
    cache_type = env.get("CACHE_TYPE", default("CACHE_TYPE")).strip()
    if cache_type not in CACHE_TYPES:
        raise ConfigError(f"CACHE_TYPE={cache_type!r} : valeurs possibles {', '.join(CACHE_TYPES)}")
    cache_dir = None
    if cache_type == "FileSystemCache":
        if not env.get("CACHE_DIR", "").strip():
            raise ConfigError("CACHE_DIR : obligatoire avec CACHE_TYPE=FileSystemCache")
        cache_dir = _writable_dir(env, "CACHE_DIR")
    redis_url = env.get("CACHE_REDIS_URL", "").strip() or None
    if cache_type == "RedisCache" and not (redis_url and redis_url.startswith(("redis://", "rediss://", "unix://"))):
        raise ConfigError("CACHE_REDIS_URL : une URL redis://… est obligatoire avec CACHE_TYPE=RedisCache")
    return cache_type, cache_dir, redis_url


DATABASE_SCHEMES = ("sqlite:///", "postgresql://", "postgresql+psycopg://")


def _database_url(env: Mapping[str, str], data_dir: Path) -> str:
    """The contributions' database: DATABASE_URL, else SQLite beside the catalogue."""
    raw = env.get("DATABASE_URL", "").strip()
    if not raw:
        return contributions_url(data_dir)
    if not raw.startswith(DATABASE_SCHEMES):
        raise ConfigError("DATABASE_URL : une URL sqlite:///… ou postgresql+psycopg://… est attendue")
    return "postgresql+psycopg://" + raw[len("postgresql://"):] if raw.startswith("postgresql://") else raw


def _writable_dir(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    folder = Path(raw).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{name}={raw!r} : dossier impossible à créer ({exc.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise ConfigError(f"{name}={raw!r} : dossier non accessible en écriture")
    return folder


def _tile_url(env: Mapping[str, str]) -> str:
    raw = env.get("TILE_URL", default("TILE_URL")).strip()
    if raw and not (raw.startswith(("https://", "http://", "/")) and all(k in raw for k in ("{z}", "{x}", "{y}"))):
        raise ConfigError(f"TILE_URL={raw!r} : une adresse contenant {{z}}, {{x}} et {{y}} est attendue (ou rien)")
    return raw


def _public_url(env: Mapping[str, str]) -> str | None:
    raw = env.get("PUBLIC_URL", "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:\d+)?(/[A-Za-z0-9._~\-/]*)?", raw):
        raise ConfigError(f"PUBLIC_URL={raw!r} : une adresse http(s)://hôte[:port][/chemin] est attendue")
    return raw.rstrip("/")


# a host name (letters, digits, dots, hyphens; « _ » is seen in internal names) or an IPv6 address in brackets
_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_.\-]*[a-z0-9_])?|\[[0-9a-f:.]+\]")


def host_name(host: str) -> str:
    """A Host header's name, without its port, in lower case and without a final dot: `Exemple.fr.:443` gives
    `exemple.fr`, `[::1]:8050` gives `[::1]`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[:host.find("]") + 1] if "]" in host else host
    return host.rpartition(":")[0].rstrip(".") if ":" in host else host.rstrip(".")


def _trusted_hosts(env: Mapping[str, str], public_url: str | None) -> tuple[str, ...]:
    """The names a request's Host may carry: TRUSTED_HOSTS (localhost and 127.0.0.1 by default), and always
    PUBLIC_URL's host."""
    raw = env.get("TRUSTED_HOSTS", default("TRUSTED_HOSTS"))
    names = [host_name(part) for part in raw.replace(" ", ",").split(",") if part.strip()]
    if not names:
        raise ConfigError("TRUSTED_HOSTS : au moins un nom d'hôte est attendu (par exemple localhost)")
    for name in names:
        if not _HOST_NAME.fullmatch(name):
            raise ConfigError(f"TRUSTED_HOSTS : « {name[:80]} » n'est pas un nom d'hôte (sans schéma ni chemin)")
    if public_url:
        names.append(host_name(public_url.split("://", 1)[1].split("/", 1)[0]))
    return tuple(dict.fromkeys(names))
