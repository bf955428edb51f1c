"""Shared test fixtures: paths to the hand-written fixtures and to the real public files."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.paths import REALDATA, in_ci


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        if in_ci():
            pytest.fail(f"fichiers réels absents ({REALDATA}) alors que CI=true : ces tests doivent tourner")
        pytest.skip("../shared/realdata est absent")
    return REALDATA


CHROMIUM = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
CHROMEDRIVER = "/usr/bin/chromedriver"


def browser_missing() -> str | None:
    """Why browser tests cannot run here, or None."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    return f"navigateur absent : {', '.join(missing)} (paquets Debian chromium et chromium-driver)" if missing else None


def pytest_setup_options():
    """Chromium options for dash_duo: Debian's chromium, headless, and no calls to the outside world. Site isolation
    is off so that an iframe of another origin runs in its page's process: its console messages then reach the
    browser log the tests read (the embeds' tests check both consoles)."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,900", "--lang=fr-FR", "--disable-site-isolation-trials",
                 "--disable-features=IsolateOrigins,site-per-process"):
        options.add_argument(flag)
    return options


def pytest_collection_modifyitems(config, items):
    reason = browser_missing()
    for item in items:
        if "dash_duo" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # In CI a browser test that did not run is a failure, never a silent skip.
    if report.skipped and item.get_closest_marker("browser") and in_ci():
        report.outcome = "failed"
        report.longrepr = f"test navigateur ignoré alors que CI=true : {report.longrepr}"


BROWSER_WAIT_SECONDS = 30  # generous: a loaded CI machine must not turn a slow first render into a failure


@pytest.fixture(autouse=True)
def _patient_browser(request):
    """Browser waits of 30 s instead of dash_duo's 10 s (a wait returns as soon as its condition holds)."""
    if "dash_duo" in request.fixturenames:
        from selenium.webdriver.support.wait import WebDriverWait

        duo = request.getfixturevalue("dash_duo")
        duo._wait_timeout = BROWSER_WAIT_SECONDS
        duo._wd_wait = WebDriverWait(duo.driver, BROWSER_WAIT_SECONDS)
        if request.node.get_closest_marker("a_la_vue") is None:
            draw_everything(duo.driver)
        act_on_dash_page(duo.driver)
    yield


def draw_everything(driver) -> None:
    """Every chart and map drawn at once, as printing draws them (assets/a-la-vue.js): a test waits for a chart
    far down a page without scrolling to it. The tests marked `a_la_vue` check the drawing on scroll itself."""
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": "window.portailToutDessiner = true;"})


def act_on_dash_page(driver) -> None:
    """After each page load, the test waits for Dash's page to take the server's copy's place (server_render,
    assets/premier-rendu.js): the copy's buttons do nothing yet, and it is gone a moment later."""
    from selenium.webdriver.support.wait import WebDriverWait

    from tests.helpers.browser import COPY_GONE

    load = driver.get

    def get(url: str) -> None:
        load(url)
        WebDriverWait(driver, BROWSER_WAIT_SECONDS).until(lambda d: d.execute_script(COPY_GONE))

    driver.get = get


@pytest.fixture(scope="session")
def rouen_synced(tmp_path_factory):
    """A DATA_DIR synced with the shipped catalogue.rouen.toml from the fake Opendatasoft server (hosts rewritten),
    serving files in the real sources' shapes; with the sync's exit status and output."""
    from tests.helpers.rouen_snapshot import sync_rouen

    data_dir = tmp_path_factory.mktemp("rouen")
    return (data_dir, *sync_rouen(data_dir))


@pytest.fixture(scope="session")
def postgres_cluster():
    """A PostgreSQL server for the session's tests (Debian's package; .ci/run installs it)."""
    from tests.helpers.databases import Cluster, postgres_missing

    missing = postgres_missing()
    if missing:
        if in_ci():
            pytest.fail(missing)
        pytest.skip(missing)
    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each contributions test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'contributions.sqlite'}"
    return request.getfixturevalue("postgres_cluster").url()


@pytest.fixture
def moderated_app(database_url):
    """An app whose contributions' database has one moderator, camille."""
    from features.contributions.comptes import add_moderator
    from features.contributions.web import sessions
    from tests.helpers.apps import make_app
    from tests.helpers.contributions import PASSWORD

    app = make_app(TILE_URL="", DATABASE_URL=database_url)
    with app.server.app_context():
        add_moderator(sessions(), "camille", PASSWORD)
    return app
