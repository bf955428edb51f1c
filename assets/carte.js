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

  point: function (feature, latlng) {
    return L.circleMarker(latlng, {radius: 6, weight: 2, color: "#00558c", fillColor: "#3d8fd1", fillOpacity: 0.8});
  }
};
