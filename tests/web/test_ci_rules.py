"""Under CI=true a test on the real public files that cannot run is a failure, never a silent skip; elsewhere it is
skipped with its reason."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers.paths import ROOT


@pytest.mark.parametrize(("ci", "status", "said"), [("true", 1, "fichiers réels absents"),
                                                    ("false", 0, "1 skipped")])
def test_a_missing_realdata_folder_fails_in_ci_only(tmp_path, ci, status, said):
    env = {**os.environ, "CI": ci, "REALDATA_DIR": str(tmp_path / "absent")}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           "tests/data_access/readers/test_realdata.py::test_real_ods_export_keeps_labels_codes_and_embedded_newlines"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == status, done.stdout[-2000:]
    assert said in done.stdout
