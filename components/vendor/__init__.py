"""JavaScript the portal serves itself instead of the heavier file a library registers.

`plotly-basic.min.js` is plotly.js's partial bundle « basic » (the npm package `plotly.js-basic-dist-min`,
MIT licence in `LICENSE-plotly.js.txt`, origin in `SOURCE.md`): the scatter, bar and pie traces, which are
every trace the portal draws (a histogram is drawn as bars). Its version is the one the plotly package bundles;
a test checks it. Compressed, it is about 400 KB instead of the full bundle's 1.4 MB.
"""
from __future__ import annotations

from pathlib import Path

PLOTLY_VERSION = "4.1.1"
PLOTLY_BUNDLE = Path(__file__).with_name("plotly-basic.min.js")
PLOTLY_TRACES = ("scatter", "bar", "pie")  # what the bundle draws; a chart of another type would stay blank
# where Dash's renderer fetches plotly.js when a page first shows a chart (window._dashPlotlyJSURL, set by
# dash-renderer when the app serves its files itself)
PLOTLY_URL = "_dash-component-suites/plotly/package_data/plotly.min.js"
