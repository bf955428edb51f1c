"""What computes runs without the web framework: the portal's shared objects and cache are passed in (the app's glue
is components/portal.py), and the moderators' passwords are hashed with hashlib in werkzeug's format, so that every
hash already stored still opens its account."""
from __future__ import annotations

import subprocess
import sys

import pytest

from config import ROOT
from data_access.cache import cache_key, remembered
from features.contributions.comptes import DUMMY_HASH, check_password, hash_password

WEB = ("flask", "dash", "werkzeug", "flask_caching")


def test_the_computing_modules_load_no_web_framework():
    code = ("import sys, data_access.portal, data_access.cache, features.explorer.explorer, "
            "features.explorer.overview, features.contributions.comptes, features.contributions.moderateurs; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB!r}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_hash_werkzeug_made_is_checked_and_ours_are_werkzeugs():
    werkzeug = pytest.importorskip("werkzeug.security")
    stored = werkzeug.generate_password_hash("un mot de passe solide", method="scrypt")
    assert check_password(stored, "un mot de passe solide") and not check_password(stored, "un autre")
    ours = hash_password("un mot de passe solide")
    assert ours.startswith("scrypt:32768:8:1$") and ours != hash_password("un mot de passe solide")  # salted
    assert werkzeug.check_password_hash(ours, "un mot de passe solide")
    older = werkzeug.generate_password_hash("abc", method="pbkdf2:sha256:1000")
    assert check_password(older, "abc") and not check_password(older, "abd")
    assert not check_password("illisible", "x") and not check_password(DUMMY_HASH, "x")


class FailingCache:
    def get(self, key):
        raise ConnectionError("Redis injoignable")

    def set(self, key, value, timeout=None):
        raise ConnectionError("Redis injoignable")


def test_a_result_is_remembered_by_name_and_values_and_a_failing_cache_fails_nothing():
    calls = []

    class Memory(dict):
        def set(self, key, value, timeout=None):
            self[key] = value

    memory = Memory()
    compute = lambda: calls.append(1) or {"n": len(calls)}  # noqa: E731
    assert remembered(memory, "_cached_summaries", ("d", ("v1",)), compute) == {"n": 1}
    assert remembered(memory, "_cached_summaries", ("d", ("v1",)), compute) == {"n": 1}  # shared: not computed again
    assert remembered(memory, "_cached_summaries", ("d", ("v2",)), compute) == {"n": 2}  # a new version
    assert "_cached_summaries" in cache_key("_cached_summaries", ("d",))  # what tests/web/test_redis.py looks for
    assert remembered(FailingCache(), "x", (), compute) == {"n": 3} and remembered(None, "x", (), compute) == {"n": 4}


def test_the_pages_share_the_summaries_through_the_portals_cache():
    from components.portal import EXTENSION
    from features.explorer.explorer import dataset_summaries, summaries_key
    from tests.helpers.apps import make_app, render_page

    app = make_app(TILE_URL="")
    portal = app.server.extensions[EXTENSION]
    assert portal.cache is not None
    render_page(app, "/catalogue")  # the catalogue page draws the summaries
    repository = portal.repository
    key = cache_key("_cached_summaries", summaries_key(repository))
    assert portal.cache.get(key) is not None
    assert dataset_summaries(repository, portal.cache) == dataset_summaries(repository)
