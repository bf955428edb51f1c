"""Settings from the environment: defaults, and one clear line naming the variable when a value is bad."""
from __future__ import annotations

import subprocess
import sys

import pytest

import config_list
from config import DEMO_DATA_DIR, ConfigError, load_settings
from tests.helpers.paths import FIXTURES, ROOT


def test_defaults_serve_the_demo_snapshot_on_loopback():
    settings = load_settings({})
    assert settings.data_dir == DEMO_DATA_DIR and settings.is_demo
    assert (settings.host, settings.port) == ("127.0.0.1", 8050)
    assert settings.cache_type == "SimpleCache"
    assert settings.max_export_rows == 5_000_000
    assert settings.dev is False
    assert settings.secret_key_is_random and len(settings.secret_key) == 64


def test_a_given_data_dir_is_not_the_demo():
    settings = load_settings({"DATA_DIR": str(FIXTURES / "portal")})
    assert settings.data_dir == FIXTURES / "portal" and not settings.is_demo


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATA_DIR": "/nulle/part"}, "DATA_DIR"),
        ({"DATA_DIR": str(FIXTURES)}, "DATA_DIR"),  # a folder without catalogue.toml
        ({"CACHE_TYPE": "MemcacheCache"}, "CACHE_TYPE"),
        ({"CACHE_TYPE": "FileSystemCache"}, "CACHE_DIR"),
        ({"CACHE_TYPE": "RedisCache"}, "CACHE_REDIS_URL"),
        ({"PORT": "huit mille"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"MAX_EXPORT_ROWS": "0"}, "MAX_EXPORT_ROWS"),
        ({"DASH_DEV": "peut-être"}, "DASH_DEV"),
    ],
)
def test_bad_values_name_their_variable(env, variable):
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    message = str(caught.value)
    assert message.startswith(variable) and "\n" not in message


def test_cache_config_for_several_workers(tmp_path):
    settings = load_settings({"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path)})
    assert settings.cache_config() == {"CACHE_TYPE": "FileSystemCache", "CACHE_DEFAULT_TIMEOUT": 3600,
                                       "CACHE_DIR": str(tmp_path)}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"CACHE_TYPE": "Bogus"}, "Erreur de configuration : CACHE_TYPE='Bogus'"),
        ({"DATA_DIR": str(FIXTURES / "bad_catalogue")}, "Erreur dans le catalogue : catalogue.toml : jeu de données « chantiers », clé « fromat »"),
        ({"DATA_DIR": str(FIXTURES / "portal"), "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": "/proc/nulle-part"},
         "Erreur de configuration : CACHE_DIR='/proc/nulle-part' : dossier impossible à créer"),
        ({"DATA_DIR": str(FIXTURES / "portal"), "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": "redis://127.0.0.1:1/0"},
         "Erreur de configuration : CACHE_REDIS_URL : cache RedisCache inutilisable (ConnectionError"),
    ],
)
def test_start_up_stops_with_one_line_and_no_traceback(env, expected):
    result = subprocess.run([sys.executable, "-c", "import app"], cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "test", **env}, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(expected), result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_configuration_doc_is_the_declared_settings_list():
    """docs/configuration.md's table is written from config_list.SETTINGS: `python -m config_list` rewrites it."""
    assert config_list.documented() == config_list.table()


@pytest.mark.parametrize("name", [s.name for s in config_list.SETTINGS if s.kind == "int"])
def test_every_declared_number_is_read_and_checked_within_its_bounds(name):
    setting = config_list.BY_NAME[name]
    with pytest.raises(ConfigError, match=f"^{name}="):
        load_settings({name: "beaucoup"})
    with pytest.raises(ConfigError, match=f"^{name}={setting.high + 1} : la valeur doit être comprise entre"):
        load_settings({name: str(setting.high + 1)})
    assert getattr(load_settings({name: str(setting.low)}), name.lower()) == setting.low
