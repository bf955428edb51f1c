"""`python -m portail <commande>`: one command line for every command, French help, the former entry points kept."""
from __future__ import annotations

import subprocess
import sys

from tests.helpers.paths import ROOT
from tests.helpers.sync import CATALOGUE


def portail(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "portail", *args], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **env}, timeout=120)


def test_alone_it_lists_every_command_in_french():
    done = portail()
    assert done.returncode == 2
    for command in ("sync", "demo", "recits", "moderateurs", "contributions"):
        assert f"\n  {command} " in done.stdout
    assert "usage : python -m portail <commande>" in done.stdout and portail("--help").returncode == 0


def test_an_unknown_command_is_said_with_the_list():
    done = portail("synchro")
    assert done.returncode == 2 and "commande inconnue : « synchro »" in done.stderr and "sync" in done.stderr


def test_sync_runs_the_sync_and_the_former_entry_point_still_does(tmp_path):
    (tmp_path / "catalogue.toml").write_text(CATALOGUE.format(base="https://data.example.org"), encoding="utf-8")
    done = portail("sync", "--dry-run", DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "travaux : simulation — GET https://data.example.org/api/explore/v2.1/catalog/datasets/travaux-json/" \
           "exports/csv" in done.stdout
    alias = subprocess.run([sys.executable, "-m", "data_access.sync.run", "--dry-run"], cwd=ROOT, capture_output=True,
                           text=True, env={"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path)}, timeout=120)
    assert alias.returncode == 0 and alias.stdout == done.stdout
    assert "usage: python -m portail sync" in portail("sync", "--help").stdout
