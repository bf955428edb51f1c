"""The portal on a phone (390 CSS pixels, Chromium's device emulation): no page scrolls sideways."""
from __future__ import annotations

import pytest

from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import PAGES, as_phone, open_page

# what is wider than the screen, for the failure's message: the widest elements that stick out on the right
OVERFLOW = """
var width = document.documentElement.clientWidth, found = [];
document.querySelectorAll('body *').forEach(function (e) {
  var box = e.getBoundingClientRect();
  if (box.right > width + 1 && box.width > 0 && getComputedStyle(e).position !== 'fixed') {
    found.push([Math.round(box.right), e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                (e.className && e.className.baseVal === undefined ? '.' + String(e.className).split(' ')[0] : '')]);
  }
});
found.sort(function (a, b) { return b[0] - a[0]; });
return {scroll: document.documentElement.scrollWidth, width: width, wide: found.slice(0, 5)};
"""


@pytest.fixture
def phone(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    return dash_duo


def test_no_page_scrolls_sideways_on_a_phone(phone):
    wider = {}
    with as_phone(phone):
        for path, ready in PAGES:
            open_page(phone, path)
            phone.wait_for_element(ready)
            found = phone.driver.execute_script(OVERFLOW)
            if found["scroll"] > found["width"] + 1:
                wider[path] = found
    assert wider == {}


def test_no_chart_toolbar_covers_the_data_on_a_phone(phone):
    with as_phone(phone):
        open_page(phone, "/tableaux-de-bord/sante")
        phone.wait_for_element("#sante-pyramide .main-svg[aria-hidden='true']")
        bars = phone.driver.find_elements("css selector", ".modebar-container")
        assert bars and not any(bar.is_displayed() for bar in bars)
    open_page(phone, "/tableaux-de-bord/sante")  # on a laptop the toolbar is there
    phone.wait_for_element("#sante-pyramide .main-svg[aria-hidden='true']")
    phone.driver.execute_script("window.scrollTo(0, 0)")
    assert phone.driver.find_elements("css selector", ".modebar-container")
