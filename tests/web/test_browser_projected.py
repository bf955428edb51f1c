"""The demo's parkings are published in Lambert CC49 (EPSG:3949), as some of the Métropole's files are: in a real
browser, every one of them is drawn on the map, inside the Métropole."""
from __future__ import annotations

import math
import re

from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import open_page

TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # never answers: the tiles' places on the screen are what is read
METROPOLE = (0.75, 49.20, 1.35, 49.60)  # lon, lat

# Each mark's centre and how many rows it stands for (a cluster's count), and one tile: its z/x/y and its corner,
# which give the map's projection as the browser drew it.
MARKS = """
var out = {marks: [], tile: null};
document.querySelectorAll('#jeu-carte path.leaflet-interactive, #jeu-carte .marker-cluster').forEach(function (m) {
  var r = m.getBoundingClientRect();
  var n = m.classList.contains('marker-cluster') ? parseInt(m.textContent, 10) : 1;
  out.marks.push([r.left + r.width / 2, r.top + r.height / 2, n]);
});
var tile = document.querySelector('#jeu-carte img.leaflet-tile');
if (tile) { var t = tile.getBoundingClientRect(); out.tile = [tile.getAttribute('src'), t.left, t.top]; }
return out;
"""


def lon_lat(x: float, y: float, zoom: int) -> tuple[float, float]:
    """A point of the Web Mercator world, in pixels at `zoom`, as longitude and latitude."""
    size = 256 * 2 ** zoom
    return x / size * 360 - 180, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / size))))


def test_the_projected_demo_parkings_are_drawn_inside_the_metropole(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=TILES), port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    open_page(dash_duo, "/jeux-de-donnees/parkings?tab=map")
    dash_duo.wait_for_text_to_equal("h1", "Parkings et parcs relais")
    dash_duo.wait_for_element("#jeu-carte .leaflet-interactive, #jeu-carte .marker-cluster")
    dash_duo.wait_for_element("#jeu-carte img.leaflet-tile")
    drawn = dash_duo.driver.execute_script(MARKS)
    zoom, column, row = map(int, re.search(r"/(\d+)/(\d+)/(\d+)\.png", drawn["tile"][0]).groups())
    origin_x, origin_y = column * 256 - drawn["tile"][1], row * 256 - drawn["tile"][2]
    places = [lon_lat(origin_x + x, origin_y + y, zoom) for x, y, _ in drawn["marks"]]
    west, south, east, north = METROPOLE
    assert places and all(west <= lon <= east and south <= lat <= north for lon, lat in places), places
    rows = int(dash_duo.find_element(".result-count").text.split()[0])
    assert rows == 45 and sum(n for _, _, n in drawn["marks"]) == rows  # every parking drawn, none elsewhere
