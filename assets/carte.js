/* Map functions used by dash-leaflet through `{"variable": "portail.carte.…"}`: filtering happens here, in the
   browser, from a bitmap of the rows the view keeps (hideout.garder), so the geometry is sent only once. */
window.portail = window.portail || {};
window.portail.carte = {
  _decoded: {key: null, bytes: null},

  garde: function (feature, context) {
    var hideout = context && context.hideout;
    if (!hideout || !hideout.garder) { return true; }
    var cache = window.portail.carte._decoded;
    if (cache.key !== hideout.garder) {
      var raw = atob(hideout.garder), bytes = new Uint8Array(raw.length);
      for (var k = 0; k < raw.length; k++) { bytes[k] = raw.charCodeAt(k); }
      cache.key = hideout.garder;
      cache.bytes = bytes;
    }
    var i = feature.properties.i;
    return (cache.bytes[i >> 3] >> (i & 7)) & 1;
  },

  // One letter per class of row (the Travaux status): a colour, and a dash pattern for lines or a shape for
  // points, so colour is never the only signal. The legend under the map says the same in words.
  classes: {
    p: {color: "#8a3ffc", dashArray: "2 6", mark: "\u25CB"},        // programmé: dotted, hollow circle
    c: {color: "#00558c", dashArray: null, mark: "\u25CF"},         // en cours: solid, circle
    t: {color: "#2a9d5c", dashArray: "10 6", mark: "\u25C6"},       // terminé: long dashes, diamond
    s: {color: "#b8860b", dashArray: "4 4", mark: "\u25A0"},        // suspendu: short dashes, square
    r: {color: "#d62728", dashArray: "12 5 2 5", mark: "\u25B2"}    // en retard: dash-dot, triangle
  },
  // One digit per row (hideout.taille): 0 when the budget is unknown, then 1 to 4 by budget planned.
  markSizes: [10, 13, 17, 22, 28],
  lineWeights: [2, 3, 4, 6, 8],

  _of: function (feature, context, key, fallback) {
    var codes = context && context.hideout && context.hideout[key];
    return codes ? codes.charAt(feature.properties.i) : fallback;
  },

  _classOf: function (feature, context) {
    var classes = window.portail.carte.classes;
    return classes[window.portail.carte._of(feature, context, "classe", "c")] || classes.c;
  },

  _size: function (feature, context) {
    return parseInt(window.portail.carte._of(feature, context, "taille", "0"), 10) || 0;
  },

  style: function (feature, context) {
    var c = window.portail.carte._classOf(feature, context);
    var weight = window.portail.carte.lineWeights[window.portail.carte._size(feature, context)];
    return {color: c.color, weight: weight, dashArray: c.dashArray, opacity: 0.9};
  },

  pointClasse: function (feature, latlng, context) {
    var c = window.portail.carte._classOf(feature, context);
    var px = window.portail.carte.markSizes[window.portail.carte._size(feature, context)];
    var icon = L.divIcon({className: "site-mark", iconSize: [px, px],
                          html: '<span style="color:' + c.color + ";font-size:" + px + 'px">' + c.mark + "</span>"});
    // not a tab stop each: the table under the map gives the same sites to the keyboard
    return L.marker(latlng, {icon: icon, keyboard: false});
  },

  // The communes layers: a shade per class (hideout.classe, one digit per commune), a tooltip in words.
  shades: ["#f2f2f2", "#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"],

  aplat: function (feature, context) {
    var code = window.portail.carte._of(feature, context, "classe", "x");
    var hideout = (context && context.hideout) || {};
    var chosen = hideout.choisie === feature.properties.i;  // the chosen commune: a thick black outline
    if (code === "x") {  // no value: a dashed outline and no fill, never the look of a zero
      return {color: chosen ? "#000" : "#555", weight: chosen ? 4 : 1, dashArray: "4 4", fillColor: "#fff",
              fillOpacity: 0.05};
    }
    var k = parseInt(code, 10) || 0;
    return {color: chosen ? "#000" : "#555", weight: chosen ? 4 : 1, fillColor: window.portail.carte.shades[k],
            fillOpacity: k ? 0.7 : 0.35};
  },

  infobulle: function (feature, layer, context) {
    var texts = context && context.hideout && context.hideout.texte;
    var text = texts && texts[feature.properties.i];
    if (text) {  // as text, never as HTML: the names come from data files
      var span = document.createElement("span");
      span.textContent = text;
      layer.bindTooltip(span, {sticky: true});
    }
  },

  // A label on each shape (hideout.etiquettes, one text per row: a polling station's code), shown from a zoom
  // where they no longer hide each other (the map's container gets the class map-labels-hidden below it).
  labelZoom: 13,

  etiquette: function (feature, layer, context) {
    var texts = context && context.hideout && context.hideout.etiquettes;
    var text = texts && texts[feature.properties.i];
    if (text) {  // as text, never as HTML
      var span = document.createElement("span");
      span.textContent = text;
      layer.bindTooltip(span, {permanent: true, direction: "center", className: "map-label"});
      layer.once("add", function () {
        var map = layer._map;
        if (!map || map._portailLabels) { return; }
        map._portailLabels = true;
        var update = function () {
          map.getContainer().classList.toggle("map-labels-hidden", map.getZoom() < window.portail.carte.labelZoom);
        };
        map.on("zoomend", update);
        update();
      });
    }
  },

  // The network's lines (Transports): each in its colour, the chosen mode's only, named in a tooltip.
  ligne: function (feature) {
    return {color: feature.properties.c || "#00558c", weight: 4, opacity: 0.85};
  },

  ligneDuMode: function (feature, context) {
    var mode = context && context.hideout && context.hideout.mode;
    return !mode || feature.properties.m === mode;
  },

  nomDeLigne: function (feature, layer) {
    var span = document.createElement("span");  // as text, never as HTML
    span.textContent = "Ligne " + feature.properties.n;
    layer.bindTooltip(span, {sticky: true});
  },

  point: function (feature, latlng) {
    return L.circleMarker(latlng, {radius: 6, weight: 2, color: "#00558c", fillColor: "#3d8fd1", fillOpacity: 0.8});
  }
};
