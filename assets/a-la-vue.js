/* « À la vue » (components/a_la_vue.py): a chart or a map is drawn when its box comes within 200 pixels of the
   screen, so that plotly.js and Leaflet are fetched and run only for what the reader scrolls to. Until then
   the box keeps the height of what it holds. A box that names a library (`bibliotheque`: dash-leaflet for a
   map) fetches it first: the page keeps it inert (script_loader.LIBRARIES) until a box needs it. Printing needs
   everything drawn: `portail:tout-dessiner` (sent by « Imprimer / PDF », assets/impression.js) draws every box,
   and so does window.portailToutDessiner = true. */
(function () {
  "use strict";
  var EVENT = "portail:tout-dessiner";
  var MARGIN = 200;  // pixels: a box this close to the screen is drawn
  var loading = {};

  function near(element) {
    if (!element || element.getClientRects().length === 0) { return false; }
    var rect = element.getBoundingClientRect();
    var height = window.innerHeight || document.documentElement.clientHeight;
    return rect.bottom >= -MARGIN && rect.top <= height + MARGIN;
  }

  // Dash's renderer looks up every component of a layout as it receives it, drawn or not: until its file runs, a
  // library kept for later answers with components that draw nothing (never drawn: « à la vue » waits for the
  // file), and the file's own object takes its place when it runs
  function waiting(library) {
    return new Proxy({}, {get: function (found, name) {
      if (name === "__enAttente") { return true; }
      if (typeof name !== "string" || name === "then") { return undefined; }
      if (!found[name]) { found[name] = function () { return null; }; }
      return found[name];
    }});
  }

  function missing(library) { return !window[library] || window[library].__enAttente === true; }

  Array.prototype.forEach.call(document.querySelectorAll('script[type="text/x-a-la-demande"]'), function (inert) {
    var library = inert.getAttribute("data-bibliotheque");
    if (missing(library)) { window[library] = waiting(library); }
  });

  // the library's file, run once for the whole page; then what runs after each render (its words in French)
  function load(library) {
    if (!library || !missing(library)) { return Promise.resolve(); }
    if (!loading[library]) {
      loading[library] = new Promise(function (resolve) {
        var inert = document.querySelector('script[type="text/x-a-la-demande"][data-bibliotheque="' + library + '"]');
        if (!inert) { resolve(); return; }
        var script = document.createElement("script");
        script.src = inert.getAttribute("data-src");
        script.onload = script.onerror = function () {
          ((window.portail && window.portail.aChaqueRendu) || []).forEach(function (run) { run(); });
          resolve();
        };
        document.body.appendChild(script);
      });
    }
    return loading[library];
  }

  function ALaVue(props) {
    var React = window.React;
    var box = React.useRef(null);
    var wanted = React.useState(!!window.portailToutDessiner || !("IntersectionObserver" in window));
    var ready = React.useState(!props.bibliotheque || !missing(props.bibliotheque));
    var shown = wanted[0] && ready[0];
    // drawn with the page when it is already near the screen (measured before the first frame: Dash's page is
    // laid out where it will show, assets/premier-rendu.js); a box inside a closed <details> has no size
    React.useLayoutEffect(function () {
      if (!wanted[0] && near(box.current)) { wanted[1](true); }
    }, []);
    React.useEffect(function () {
      if (wanted[0]) { return undefined; }
      function all() { wanted[1](true); }
      var observer = new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) { wanted[1](true); }
      }, {rootMargin: MARGIN + "px 0px"});
      observer.observe(box.current);
      window.addEventListener(EVENT, all);
      return function () { observer.disconnect(); window.removeEventListener(EVENT, all); };
    }, [wanted[0]]);
    React.useEffect(function () {
      if (wanted[0] && !ready[0]) { load(props.bibliotheque).then(function () { ready[1](true); }); }
    }, [wanted[0], ready[0]]);
    // the height is kept once drawn too: a chart's or a map's own code comes a moment later, and meanwhile
    // nothing below it must move
    var style = props.hauteur ? {minHeight: props.hauteur} : undefined;
    return React.createElement("div", {id: props.id, ref: box, className: props.className, style: style,
                                       "data-dessine": shown ? "oui" : "non"}, shown ? props.children : null);
  }

  window.portail = window.portail || {};
  window.portail.ALaVue = ALaVue;
  window.portail.chargerBibliotheque = load;
})();
