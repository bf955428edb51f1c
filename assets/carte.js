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

  // One letter per class of row (the Travaux status): colour, and a dash pattern or marker shape, so colour is
  // never the only signal. The legend under the map says the same in words.
  classes: {
    p: {color: "#8a3ffc", dashArray: "2 6", radius: 5},   // programmé: dotted, small
    c: {color: "#00558c", dashArray: null, radius: 7},    // en cours: solid
    t: {color: "#2a9d5c", dashArray: "10 6", radius: 6},  // terminé: dashed
    s: {color: "#b8860b", dashArray: "4 4", radius: 6},   // suspendu: short dashes
    r: {color: "#d62728", dashArray: null, radius: 9}     // en retard: solid, thick, large
  },

  _classOf: function (feature, context) {
    var codes = context && context.hideout && context.hideout.classe;
    var code = codes ? codes.charAt(feature.properties.i) : "c";
    return window.portail.carte.classes[code] || window.portail.carte.classes.c;
  },

  style: function (feature, context) {
    var c = window.portail.carte._classOf(feature, context);
    return {color: c.color, weight: c.radius > 8 ? 6 : 4, dashArray: c.dashArray, opacity: 0.9};
  },

  pointClasse: function (feature, latlng, context) {
    var c = window.portail.carte._classOf(feature, context);
    return L.circleMarker(latlng, {radius: c.radius, color: "#222", weight: 1, fillColor: c.color,
                                   fillOpacity: 0.9, dashArray: c.dashArray});
  },

  point: function (feature, latlng) {
    return L.circleMarker(latlng, {radius: 6, weight: 2, color: "#00558c", fillColor: "#3d8fd1", fillOpacity: 0.8});
  }
};
