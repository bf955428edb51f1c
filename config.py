"""Settings read from the environment once, validated, and frozen."""
from __future__ import annotations

import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent
# The embedded demo snapshot: generated deterministically on first start (see data_access/demo).
DEMO_DATA_DIR = ROOT / "data" / "demo"

CACHE_TYPES = ("NullCache", "SimpleCache", "FileSystemCache", "RedisCache")


class ConfigError(Exception):
    """A setting is wrong; the message is one line that names the variable."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str


# Declared once, as data; docs/configuration.md lists them for readers (by hand, kept to this list).
SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", None, "dossier contenant catalogue.toml (par défaut : l'instantané de démonstration)"),
    Setting("HOST", "127.0.0.1", "adresse d'écoute de `python app.py`"),
    Setting("PORT", "8050", "port d'écoute de `python app.py`"),
    Setting("CACHE_TYPE", "SimpleCache", "backend flask-caching : " + ", ".join(CACHE_TYPES)),
    Setting("CACHE_DIR", None, "dossier du cache pour FileSystemCache"),
    Setting("CACHE_REDIS_URL", None, "URL Redis pour RedisCache"),
    Setting("SECRET_KEY", None, "clé secrète, identique sur tous les workers (aléatoire sinon)"),
    Setting("MAX_EXPORT_ROWS", "5000000", "nombre maximal de lignes d'un extrait"),
    Setting("MAX_XLSX_ROWS", "200000", "nombre maximal de lignes d'un extrait XLSX (au-delà : CSV ou Parquet)"),
    Setting("MAX_EXTRACT_BUILDS", "2",
            "extraits XLSX, JSON ou GeoJSON de plus de 5 000 lignes préparés en même temps par processus (au-delà : "
            "429, réessayer)"),
    Setting("EXTRACT_CACHE_DIR", None,
            "dossier des extraits complets gardés par version de fichier (par défaut : un dossier temporaire)"),
    Setting("SERVED_DIR", None, "dossier des jeux convertis en Parquet pour le moteur (par défaut : "
            "<DATA_DIR>/.served, ou un dossier temporaire si DATA_DIR n'est pas modifiable)"),
    Setting("ENGINE_MEMORY_MB", "512", "mémoire (Mio) que le moteur DuckDB peut prendre dans chaque processus"),
    Setting("ENGINE_THREADS", "2", "fils d'exécution du moteur DuckDB dans chaque processus"),
    Setting("DERIVED_MEMORY_MB", "1024", "mémoire (Mio) des tables et index des tableaux de bord gardés dans chaque "
            "processus (au-delà : les moins récemment utilisés sont oubliés, puis refaits)"),
    Setting("CACHE_SECONDS", "3600", "durée de vie (s) des résultats mis en cache (résumés, chiffres clés)"),
    Setting("LOAD_FAILURE_SECONDS", "600",
            "durée (s) pendant laquelle un fichier illisible n'est pas relu (une erreur d'accès est réessayée)"),
    Setting("DASH_DEV", "0", "1 active le mode développement (debug, rechargement)"),
    Setting("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "fond de carte (modèle {z}/{x}/{y}) ; vide : pas de fond, la carte reste lisible"),
    Setting("PUBLIC_URL", None, "adresse publique du portail (https://…) : toute adresse absolue (permaliens, "
            "codes d'intégration, oEmbed) est écrite à partir d'elle"),
    Setting("TRUSTED_HOSTS", "localhost,127.0.0.1", "noms d'hôte acceptés dans l'en-tête Host, séparés par des "
            "virgules (l'hôte de PUBLIC_URL s'y ajoute) ; tout autre hôte reçoit une erreur 400"),
    Setting("EXTRACT_SEND_TIMEOUT", "60", "délai (s) au-delà duquel un extrait que le client ne lit plus est "
            "interrompu, ce qui libère son fil d'exécution"),
    Setting("DATABASE_URL", None, "base des contributions : postgresql+psycopg://… pour plusieurs hôtes (par "
            "défaut : SQLite, <DATA_DIR>/contributions.sqlite)"),
    Setting("CONTRIBUTION_EMAIL_DAYS", "90", "jours pendant lesquels l'adresse e-mail d'un contributeur est gardée "
            "(`python -m data_access.contributions purger` efface les plus anciennes)"),
    Setting("PROXY_COUNT", "0", "nombre de relais (proxys inverses) de confiance devant le portail : l'adresse "
            "du visiteur, qui compte pour les limites d'envoi, est lue dans X-Forwarded-For"),
)


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
    public_url: str | None = None
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    cache_seconds: int = 3600
    load_failure_seconds: int = 600
    max_xlsx_rows: int = 200_000
    max_extract_builds: int = 2
    extract_cache_dir: Path | None = None  # None: a folder of the system's temporary folder, per DATA_DIR
    served_dir: Path | None = None  # None: <DATA_DIR>/.served, or a temporary folder (engine/store.py)
    engine_memory_mb: int = 512
    engine_threads: int = 2
    derived_memory_mb: int = 1024
    database_url: str = ""  # the contributions (load_settings: DATABASE_URL, else SQLite under DATA_DIR)
    contribution_email_days: int = 90
    proxy_count: int = 0
    trusted_hosts: tuple[str, ...] = ("localhost", "127.0.0.1")
    extract_send_timeout: int = 60

    def cache_config(self) -> dict:
        """The flask-caching configuration for these settings: every key has a finite lifetime."""
        config: dict = {"CACHE_TYPE": self.cache_type, "CACHE_DEFAULT_TIMEOUT": self.cache_seconds}
        if self.cache_dir is not None:
            config["CACHE_DIR"] = str(self.cache_dir)
        if self.cache_redis_url:
            config["CACHE_REDIS_URL"] = self.cache_redis_url
        return config


def _int_setting(env: Mapping[str, str], name: str, default: str, low: int, high: int) -> int:
    raw = env.get(name, default).strip()
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise ConfigError(f"{name}={raw!r} : un nombre entier est attendu") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={value} : la valeur doit être comprise entre {low} et {high}")
    return value


def _bool_setting(env: Mapping[str, str], name: str, default: str) -> bool:
    raw = env.get(name, default).strip().lower()
    if raw in ("1", "true", "oui", "yes", "on"):
        return True
    if raw in ("0", "false", "non", "no", "off", ""):
        return False
    raise ConfigError(f"{name}={raw!r} : 0 ou 1 attendu")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting; raise ConfigError naming the first bad variable."""
    env = os.environ if env is None else env
    raw_dir = env.get("DATA_DIR", "").strip()
    if raw_dir:
        data_dir = Path(raw_dir).expanduser()
        if not data_dir.is_dir():
            raise ConfigError(f"DATA_DIR={raw_dir!r} : ce dossier n'existe pas")
        if not (data_dir / "catalogue.toml").is_file():
            raise ConfigError(f"DATA_DIR={raw_dir!r} : aucun fichier catalogue.toml dans ce dossier")
        is_demo = data_dir.resolve() == DEMO_DATA_DIR.resolve()
    else:
        data_dir, is_demo = DEMO_DATA_DIR, True

    cache_type = env.get("CACHE_TYPE", "SimpleCache").strip()
    if cache_type not in CACHE_TYPES:
        raise ConfigError(f"CACHE_TYPE={cache_type!r} : valeurs possibles {', '.join(CACHE_TYPES)}")
    cache_dir = None
    if cache_type == "FileSystemCache":
        raw_cache_dir = env.get("CACHE_DIR", "").strip()
        if not raw_cache_dir:
            raise ConfigError("CACHE_DIR : obligatoire avec CACHE_TYPE=FileSystemCache")
        cache_dir = _writable_dir(env, "CACHE_DIR")
    redis_url = env.get("CACHE_REDIS_URL", "").strip() or None
    if cache_type == "RedisCache" and not (redis_url and redis_url.startswith(("redis://", "rediss://", "unix://"))):
        raise ConfigError("CACHE_REDIS_URL : une URL redis://… est obligatoire avec CACHE_TYPE=RedisCache")

    secret_key = env.get("SECRET_KEY", "")
    random_key = not secret_key
    if random_key:
        secret_key = secrets.token_hex(32)

    host = env.get("HOST", "127.0.0.1").strip()
    if not host:
        raise ConfigError("HOST : une adresse est attendue")
    public_url = _public_url(env)
    return Settings(
        data_dir=data_dir,
        is_demo=is_demo,
        host=host,
        port=_int_setting(env, "PORT", "8050", 1, 65535),
        cache_type=cache_type,
        cache_dir=cache_dir,
        cache_redis_url=redis_url,
        secret_key=secret_key,
        secret_key_is_random=random_key,
        max_export_rows=_int_setting(env, "MAX_EXPORT_ROWS", "5000000", 1, 10**10),
        dev=_bool_setting(env, "DASH_DEV", "0"),
        public_url=public_url,
        tile_url=_tile_url(env),
        cache_seconds=_int_setting(env, "CACHE_SECONDS", "3600", 1, 7 * 86400),
        load_failure_seconds=_int_setting(env, "LOAD_FAILURE_SECONDS", "600", 1, 86400),
        max_xlsx_rows=_int_setting(env, "MAX_XLSX_ROWS", "200000", 1, 1_048_575),
        max_extract_builds=_int_setting(env, "MAX_EXTRACT_BUILDS", "2", 1, 64),
        extract_cache_dir=_writable_dir(env, "EXTRACT_CACHE_DIR"),
        served_dir=_writable_dir(env, "SERVED_DIR"),
        engine_memory_mb=_int_setting(env, "ENGINE_MEMORY_MB", "512", 64, 1 << 20),
        engine_threads=_int_setting(env, "ENGINE_THREADS", "2", 1, 256),
        derived_memory_mb=_int_setting(env, "DERIVED_MEMORY_MB", "1024", 16, 1 << 20),
        database_url=_database_url(env, data_dir),
        contribution_email_days=_int_setting(env, "CONTRIBUTION_EMAIL_DAYS", "90", 1, 3650),
        proxy_count=_int_setting(env, "PROXY_COUNT", "0", 0, 5),
        trusted_hosts=_trusted_hosts(env, public_url),
        extract_send_timeout=_int_setting(env, "EXTRACT_SEND_TIMEOUT", "60", 1, 3600),
    )


DATABASE_SCHEMES = ("sqlite:///", "postgresql://", "postgresql+psycopg://")


def _database_url(env: Mapping[str, str], data_dir: Path) -> str:
    """The contributions' database: DATABASE_URL, else SQLite beside the catalogue."""
    raw = env.get("DATABASE_URL", "").strip()
    if not raw:
        from data_access.contributions.store import default_url

        return default_url(data_dir)
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
    raw = env.get("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png").strip()
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
    raw = env.get("TRUSTED_HOSTS", "localhost,127.0.0.1")
    names = [host_name(part) for part in raw.replace(" ", ",").split(",") if part.strip()]
    if not names:
        raise ConfigError("TRUSTED_HOSTS : au moins un nom d'hôte est attendu (par exemple localhost)")
    for name in names:
        if not _HOST_NAME.fullmatch(name):
            raise ConfigError(f"TRUSTED_HOSTS : « {name[:80]} » n'est pas un nom d'hôte (sans schéma ni chemin)")
    if public_url:
        names.append(host_name(public_url.split("://", 1)[1].split("/", 1)[0]))
    return tuple(dict.fromkeys(names))
