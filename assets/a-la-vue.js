/* « À la vue » (components/a_la_vue.py): a chart or a map is drawn when its box comes within 200 pixels of the
   screen, so that plotly.js and Leaflet are fetched and run only for what the reader scrolls to. Until then
   the box keeps the height of what it holds. Printing needs everything drawn: `portail:tout-dessiner` (sent by
   « Imprimer / PDF », assets/impression.js) draws every box, and so does window.portailToutDessiner = true. */
(function () {
  "use strict";
  var EVENT = "portail:tout-dessiner";
  var MARGIN = 200;  // pixels: a box this close to the screen is drawn

  function near(element) {
    if (!element || element.getClientRects().length === 0) { return false; }
    var rect = element.getBoundingClientRect();
    var height = window.innerHeight || document.documentElement.clientHeight;
    return rect.bottom >= -MARGIN && rect.top <= height + MARGIN;
  }

  function ALaVue(props) {
    var React = window.React;
    var box = React.useRef(null);
    var state = React.useState(!!window.portailToutDessiner || !("IntersectionObserver" in window));
    var shown = state[0];
    var setShown = state[1];
    // drawn with the page when it is already near the screen (measured before the first frame: Dash's page is
    // laid out where it will show, assets/premier-rendu.js); a box inside a closed <details> has no size
    React.useLayoutEffect(function () {
      if (!shown && near(box.current)) { setShown(true); }
    }, []);
    React.useEffect(function () {
      if (shown) { return undefined; }
      function all() { setShown(true); }
      var observer = new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) { setShown(true); }
      }, {rootMargin: MARGIN + "px 0px"});
      observer.observe(box.current);
      window.addEventListener(EVENT, all);
      return function () { observer.disconnect(); window.removeEventListener(EVENT, all); };
    }, [shown]);
    // the height is kept once drawn too: a chart's or a map's own code comes a moment later, and meanwhile
    // nothing below it must move
    var style = props.hauteur ? {minHeight: props.hauteur} : undefined;
    return React.createElement("div", {id: props.id, ref: box, className: props.className, style: style,
                                       "data-dessine": shown ? "oui" : "non"}, shown ? props.children : null);
  }

  window.portail = window.portail || {};
  window.portail.ALaVue = ALaVue;
})();
