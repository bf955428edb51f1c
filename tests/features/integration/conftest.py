"""What the embeds' tests share: the demo app, and the clock pinned to the day its stories and dashboards are
read (`pytestmark = pytest.mark.usefixtures("pinned_clock")` in a module that wants it)."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.apps import make_app

NOON = dt.datetime(2026, 12, 2, 11, 0, tzinfo=dt.timezone.utc)  # the day the demo stories are read


@pytest.fixture(scope="module")
def app():
    return make_app(TILE_URL="")


@pytest.fixture
def pinned_clock(monkeypatch):
    from data_access import clock

    monkeypatch.setattr(clock, "utc_now", lambda: NOON)
