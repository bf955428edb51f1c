"""JavaScript the portal serves itself instead of the heavier file a library registers.

`plotly-basic.min.js` is plotly.js's partial bundle « basic » (the npm package `plotly.js-basic-dist-min`,
MIT licence in `LICENSE-plotly.js.txt`, origin in `SOURCE.md`): the scatter, bar and pie traces, which are
every trace the portal draws (a histogram is drawn as bars). Its version is the one the plotly package bundles;
a test checks it. Compressed, it is about 400 KB instead of the full bundle's 1.4 MB.

`regenerator-runtime-0.13.11.js` (MIT, `LICENSE-regenerator-runtime.txt`) is what the Dash bundles need of the
@babel/polyfill Dash lists on every page: 7 KB compressed instead of 33 KB, and no core-js to run on a phone
(dash_internals.py, 3.).
"""
from __future__ import annotations

from pathlib import Path

PLOTLY_VERSION = "4.1.1"
PLOTLY_BUNDLE = Path(__file__).with_name("plotly-basic.min.js")
PLOTLY_TRACES = ("scatter", "bar", "pie")  # what the bundle draws; a chart of another type would stay blank
# where Dash's renderer fetches plotly.js when a page first shows a chart (window._dashPlotlyJSURL, set by
# dash-renderer when the app serves its files itself)
PLOTLY_URL = "_dash-component-suites/plotly/package_data/plotly.min.js"

RUNTIME_SCRIPT = Path(__file__).with_name("regenerator-runtime-0.13.11.js")
RUNTIME_URL = "_portail/regenerator-runtime-0.13.11.js"  # where the portal serves it (factory)
