"""No English on any page: what a reader sees and what a screen reader says (the accessible names of the controls,
the hidden labels of the map and the data grid), on a laptop and on a phone, in headless Chromium.

The words looked for are English words a library writes by itself (Leaflet's map controls, AG Grid's pagination,
overlays and announcements, Dash's « Loading... », dcc's steppers and dropdowns, plotly's tool bar) and the slips
found in the portal's own French (« totals », « Le réseau Réseau Astuce »): the list is ENGLISH below, grouped by
where the words come from. Each is matched as a whole word and case-sensitive, so that French
homographs stay allowed: « Total » and « Page » are French too (only « Page 1 of 2 » is English), « Menu » and
« Zoom » are French, and lower-case « to » is the filter grammar's `to.<champ>` on the API tab. An English word
the portal writes on purpose — « Open data » in the title, « Leaflet » and « OpenStreetMap » as names — is not
in the list."""
from __future__ import annotations

import re

import pytest

from tests.helpers.apps import free_port, make_app
from tests.helpers.browser import MAP_PAGES, PAGES, as_phone, open_page

# English that must not appear, as whole words (no letter or hyphen on either side), case-sensitive
ENGLISH = (
    # Dash, dcc and the grid while something loads
    "Loading", "loading",
    # Leaflet's controls
    "Zoom in", "Zoom out", "Layers", "A JavaScript library", "interactive maps", "Marker", "Full Screen",
    "Show me where I am",
    # Dash's own components (dcc.Input's number steppers, dcc.Dropdown)
    "Increase value", "Decrease value", "Select All", "Deselect All", "No options found", "Clear search",
    "Clear selection",
    # AG Grid: pagination, overlays, filters and its hidden labels
    "Next", "Previous", "First Page", "Last Page", "Next Page", "Previous Page", "Page Size", r"Page \d+ of",
    r"\d+ to \d+", r"\d+ of \d+", "of", "No Rows", "No Rows To Show", "No rows", "No results", "No options",
    "No matches", "Filter", "Filters", "filter", "Search", "search", "Select", "Select all", "Deselect",
    "Blanks", "Equals", "Contains", "Press", "ENTER", "SPACE", "sort", "Sort", "ascending",
    "descending", "Column", "Columns", "Row", "Rows", "rows", "checked", "unchecked", "Tooltip",
    # buttons and links a library names by itself
    "Clear", "Close", "Cancel", "Apply", "Reset", "Submit", "Download", "Show", "Hide", "Toggle", "Expand",
    "Collapse", "Open", "More", "Back", "Error", "Print", "Share",
    # plotly's tool bar (assets/plotly-fr.js translates it)
    "Autoscale", "Pan", "Box Select", "Lasso Select", "Reset axes", "Produced with",
    # the portal's own slips: an English plural in French, and a name prefixed with what it says already
    "totals", "Totals", "réseau Réseau",
)
# the English the portal writes on purpose: the portal's name (« Open data — Métropole Rouen Normandie »)
ALLOWED = (re.compile(r"\bOpen data\b"),)
REGEX_WORDS = {r"Page \d+ of", r"\d+ to \d+", r"\d+ of \d+"}  # the others are plain text


def _whole(word: str) -> str:
    """A word of ENGLISH as a whole word: neither a letter nor a hyphen right before or after it."""
    return r"(?<![\w-])(?:" + (word if word in REGEX_WORDS else re.escape(word)) + r")(?![\w-])"


PATTERN = re.compile("|".join(_whole(word) for word in ENGLISH))

# every text a reader sees, and every name a screen reader says, in the page as it is: [where, text] pairs (an
# asynchronous script, for execute_async_script)
COLLECT = """
const done = arguments[arguments.length - 1];
function collect() {
const found = [["titre", document.title], ["texte visible", document.body.innerText]];
const names = ["aria-label", "aria-description", "aria-roledescription", "aria-valuetext", "aria-placeholder",
               "title", "alt", "placeholder", "data-title"];
for (const element of document.querySelectorAll("*")) {
  for (const name of names) {
    const value = element.getAttribute(name);
    if (value) { found.push([name + " de <" + element.tagName.toLowerCase() + ">", value]); }
  }
}
const spoken = "button, a, [role='button'], [role='link'], [role='option'], [role='tab'], label, summary, option," +
  " [aria-live], [role='status'], [role='alert'], .visually-hidden, .sr-only, .ag-aria-description-container," +
  " svg title";
// the text of a control, shown or not, without the code it may hold (an embed's HTML in a <textarea>)
function textOf(element) {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let text = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest("textarea, code, pre, script, style")) { text += node.nodeValue + " "; }
  }
  return text.trim();
}
for (const element of document.querySelectorAll(spoken)) {
  const text = textOf(element);
  if (text) { found.push(["texte de <" + element.tagName.toLowerCase() + ">", text]); }
}
return found;
}
// two frames later: what the assets rename after a render (assets/francais.js) has been renamed
requestAnimationFrame(() => requestAnimationFrame(() => done(collect())));
"""


def english_in(texts: list[list[str]]) -> list[str]:
    """Each English word (or slip) found, with where it was and the text around it."""
    hits = []
    for where, text in texts:
        for allowed in ALLOWED:
            text = allowed.sub("", text)
        for match in PATTERN.finditer(text):
            around = text[max(0, match.start() - 40):match.end() + 40].replace("\n", " ")
            hits.append(f"« {match.group(0)} » ({where}) : …{around}…")
    return sorted(set(hits))


def english_on_page(dash_duo) -> list[str]:
    return english_in(dash_duo.driver.execute_async_script(COLLECT))


@pytest.mark.parametrize(("text", "english"), [
    ("Page 1 of 3", True), ("1 to 100 of 2000", True), ("Zoom in", True), ("Loading...", True),
    ("fichier mêle totals et détails", True), ("Press ENTER to sort", True),
    ("Total des heures", False), ("Page 1 sur 3", False), ("Zoom avant", False), ("Menu", False),
    ("Open data — Métropole Rouen Normandie", False), ("from.<champ>, to.<champ>", False), ("© Leaflet", False),
    ("Chargement…", False), ("sélectionné", False), ("pré-filtre", False),
    ("Le réseau Réseau Astuce", True), ("le fichier GTFS « Réseau Astuce »", False),
])
def test_the_word_list_finds_english_and_spares_french(text, english):
    assert bool(english_in([["texte", text]])) is english


def test_every_page_is_french_on_a_laptop_and_on_a_phone(dash_duo):
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    dash_duo.driver.set_window_size(1366, 900)
    found = {}
    for path, ready in PAGES:
        open_page(dash_duo, path)
        dash_duo.wait_for_element(ready)
        if path in MAP_PAGES:  # the map's controls are drawn (and renamed two frames later, see COLLECT)
            dash_duo.wait_for_element(".leaflet-control-zoom-in")
        found[(path, 1366)] = english_on_page(dash_duo)
        with as_phone(dash_duo):
            dash_duo.wait_for_element(ready)
            found[(path, 390)] = english_on_page(dash_duo)
        assert dash_duo.driver.execute_script("return window.innerWidth") >= 1000
    english = [f"{path} à {width} px : {hit}" for (path, width), hits in found.items() for hit in hits]
    assert not english, "de l'anglais sur les pages :\n" + "\n".join(english)


def test_the_app_says_chargement_while_it_starts():
    page = make_app(TILE_URL="").server.test_client().get("/catalogue").text
    assert '<div class="_dash-loading">Chargement…</div>' in page and "Loading..." not in page


# what each « Loading... » block said when it went, if it stayed long enough to be read (100 ms): Dash's
# renderer's until the layout came, dash-leaflet's in a map until the layer's code came (recorded from the page's
# very start; the renderer draws one for a moment before the one the reader sees)
RECORD_LOADING = """
window.__chargements = [];
const born = new WeakMap();
const blocks = node => node.nodeType !== 1 ? [] : [node, ...node.querySelectorAll("div")].filter(div =>
  div.matches("._dash-loading") || (div.childElementCount === 0 && /^(Loading|Chargement)/.test(div.textContent.trim())));
new MutationObserver(mutations => {
  for (const mutation of mutations) {
    mutation.addedNodes.forEach(node => blocks(node).forEach(div => born.set(div, performance.now())));
    mutation.removedNodes.forEach(node => blocks(node).forEach(div => {
      if (performance.now() - (born.get(div) ?? 0) >= 100) { window.__chargements.push(div.textContent.trim()); }
    }));
  }
}).observe(document, {subtree: true, childList: true});
"""


def test_a_slow_start_says_chargement(dash_duo):
    """On a slow network the reader reads « Chargement… » while the app starts and while a map's layer comes."""
    dash_duo.start_server(make_app(TILE_URL=""), port=free_port())
    dash_duo.wait_for_text_to_equal("h1", "Open data — Métropole Rouen Normandie")
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_LOADING})
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": False, "latency": 500, "downloadThroughput": 500_000, "uploadThroughput": 500_000})
    try:
        driver.get(f"{dash_duo.server_url}/communes")
        dash_duo.wait_for_element("#communes-carte .leaflet-interactive", timeout=30)
        seen = driver.execute_script("return window.__chargements")
        assert driver.execute_script("return L.Control.Zoom.prototype.options.zoomInTitle") == "Zoom avant"
    finally:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    assert seen and set(seen) == {"Chargement…"}, seen
