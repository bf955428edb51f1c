"""Shared test fixtures: paths to the hand-written fixtures and to the real public files."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The real public files live beside the checkout (never inside it); tests using them skip when absent.
REALDATA = Path(os.environ.get("REALDATA_DIR", ROOT.parent / "shared" / "realdata"))


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata est absent")
    return REALDATA
