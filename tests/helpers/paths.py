"""Where the tests find things: the checkout, the hand-written fixtures and the real public files, and whether this
run is CI's (where a test that cannot run is a failure, never a silent skip)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
# The real public files live beside the checkout (never inside it); tests using them skip when absent, except
# under CI=true, where a test that did not run is a failure.
REALDATA = Path(os.environ.get("REALDATA_DIR", ROOT.parent / "shared" / "realdata"))


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
