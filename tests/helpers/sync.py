"""What the sync's tests share: a fake Opendatasoft portal serving a works feed and a plain file, a DATA_DIR whose
catalogue syncs from it, and the sync run as its command runs."""
from __future__ import annotations

import io

import pytest

from data_access.sync import run as sync
from tests.helpers.fake_ods import FakeServer

ROWS = [{"id": f"CH-{i}", "titre": f"Chantier {i}", "commune": "Rouen" if i % 2 else "Elbeuf",
         "date_debut": "2026-01-0%d" % (1 + i % 9), "date_fin": "2026-12-0%d" % (1 + i % 9)} for i in range(12)]
SERVED = "\ufeffid;titre;commune;date_debut;date_fin\r\nOLD-1;Ancien;Rouen;2025-01-01;2025-06-01\r\n"

CATALOGUE = """
[[dataset]]
id = "travaux"
title = "Travaux"
theme = "Travaux"
format = "csv"
path = "travaux.csv"

[dataset.source]
kind = "ods"
base_url = "{base}"
dataset_id = "travaux-json"
refine = "commune:Rouen"
select = "id,titre,commune,date_debut,date_fin"

[[dataset.field]]
name = "titre"
role = "title"

[[dataset.field]]
name = "date_debut"
role = "start_date"

[[dataset]]
id = "fichier"
title = "Un fichier"
theme = "Transports"
format = "csv"
path = "fichier.csv"

[dataset.source]
kind = "url"
url = "{base}/files/fichier.csv"
"""


@pytest.fixture
def server():
    """The fake portal: the works feed as an export, and a plain file."""
    with FakeServer() as fake:
        fake.tables["travaux-json"] = ROWS
        fake.files["/files/fichier.csv"] = "a;b\r\n1;2\r\n3;4\r\n".encode()
        yield fake


@pytest.fixture
def data_dir(tmp_path, server):
    """A DATA_DIR whose catalogue syncs from the fake portal, with a works file already served."""
    (tmp_path / "catalogue.toml").write_text(CATALOGUE.format(base=server.base_url), encoding="utf-8")
    (tmp_path / "travaux.csv").write_text(SERVED, encoding="utf-8")
    return tmp_path


def run(data_dir, *ids, waits=None, dry_run=False) -> tuple[int, str]:
    out = io.StringIO()
    status = sync.run(data_dir, list(ids) or None, dry_run=dry_run, sleep=(waits.append if waits is not None
                                                                           else lambda s: None), out=out)
    return status, out.getvalue()
