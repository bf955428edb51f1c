/* French for the words the libraries write by themselves, where they offer no prop for them:
   - Leaflet's controls: the zoom buttons' title and aria-label, the layers' button, the title of the « Leaflet »
     link in the attribution, and the alt text of its default marker. Its defaults are changed as soon as Leaflet
     is there (dash-leaflet's bundle sets window.L before the assets run), so new maps are drawn in French;
   - dcc.Input's number steppers (Dash 4): « Decrease value » and « Increase value »;
   - « Loading... » of Dash's renderer while the layout comes (factory.portal_index says it in the page's HTML),
     and of dash-leaflet while a layer's code comes.
   What is already drawn is renamed after every render (assets/navigation.js runs window.portail.aChaqueRendu).
   The grid's words are in components/grid_locale.py, the dropdowns' in components/controls.py, plotly's in
   assets/plotly-fr.js; tests/web/test_browser_french.py looks for English on every page. */
(function () {
  "use strict";
  var ZOOM_IN = "Zoom avant", ZOOM_OUT = "Zoom arrière", LAYERS = "Couches", MARKER = "Repère",
    LEAFLET = "Leaflet, bibliothèque JavaScript de cartes interactives",
    LESS = "Diminuer la valeur", MORE = "Augmenter la valeur";
  var LOADING = "Loading...", CHARGEMENT = "Chargement…";
  var defaultsSet = false;

  function setDefaults() {
    var L = window.L;
    if (defaultsSet || !L || !L.Control || !L.Control.Zoom || !L.Marker) { return; }
    L.Control.Zoom.prototype.options.zoomInTitle = ZOOM_IN;
    L.Control.Zoom.prototype.options.zoomOutTitle = ZOOM_OUT;
    L.Marker.prototype.options.alt = MARKER;
    var attribution = L.Control.Attribution && L.Control.Attribution.prototype.options;
    if (attribution && typeof attribution.prefix === "string") {
      attribution.prefix = attribution.prefix.replace(/title="[^"]*"/, 'title="' + LEAFLET + '"');
    }
    defaultsSet = true;
  }

  function rename(selector, attributes, name) {
    document.querySelectorAll(selector).forEach(function (element) {
      attributes.forEach(function (attribute) {
        if (element.getAttribute(attribute) !== name) { element.setAttribute(attribute, name); }
      });
    });
  }

  function francise() {
    setDefaults();
    rename(".leaflet-control-zoom-in", ["title", "aria-label"], ZOOM_IN);
    rename(".leaflet-control-zoom-out", ["title", "aria-label"], ZOOM_OUT);
    rename(".leaflet-control-layers-toggle", ["title", "aria-label"], LAYERS);
    rename(".leaflet-control-attribution a[href='https://leafletjs.com']", ["title"], LEAFLET);
    rename("img.leaflet-marker-icon[alt='Marker']", ["alt"], MARKER);
    rename("button.dash-stepper-decrement", ["aria-label"], LESS);
    rename("button.dash-stepper-increment", ["aria-label"], MORE);
    // Dash's renderer until the layout is there, and dash-leaflet while a layer's code is fetched (a React
    // fallback in the map): the text node is kept, only its words change
    document.querySelectorAll("._dash-loading, .leaflet-container > div:not([class]), "
      + ".leaflet-container > div:not([class]) > div:not([class])").forEach(function (element) {
      var text = element.firstChild;
      if (text && text === element.lastChild && text.nodeType === 3 && text.nodeValue.trim() === LOADING) {
        text.nodeValue = CHARGEMENT;
      }
    });
  }

  window.portail = window.portail || {};
  window.portail.aChaqueRendu = window.portail.aChaqueRendu || [];
  window.portail.aChaqueRendu.push(francise);
  setDefaults();
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", francise); } else { francise(); }
})();
