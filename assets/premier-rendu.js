/* The first paint (server_render.py): the page arrives as HTML, written by the server, in #premier-rendu, while
   Dash draws its own copy out of sight (<html class="avant-dash">, assets/portail.css). Once Dash has drawn the
   page's content and settled (below), the two are swapped at once: the copy goes, Dash's page shows where it
   was, and nothing on screen moves. The focus, when the reader had put it in the copy, goes to the same control
   of Dash's page. Without JavaScript, the copy is the page. */
(function () {
  "use strict";
  var PREFIX = "pr-";
  var root = document.documentElement;
  if (!root.classList.contains("avant-dash")) { return; }

  function drawn() {
    var content = document.querySelector("#react-entry-point #_pages_content");
    return content !== null && content.childElementCount > 0;
  }

  function swap() {
    var copy = document.getElementById("premier-rendu");
    var focused = document.activeElement;
    var focusId = copy && focused && copy.contains(focused) && focused.id && focused.id.indexOf(PREFIX) === 0
      ? focused.id.slice(PREFIX.length) : null;
    var top = window.scrollY;
    if (copy) { copy.parentNode.removeChild(copy); }
    root.classList.remove("avant-dash");
    if (window.scrollY !== top) { window.scrollTo(0, top); }
    var target = focusId ? document.getElementById(focusId) : null;
    if (target && typeof target.focus === "function") {
      target.focus({preventScroll: true});
    } else if (window.location.hash && window.portail && window.portail.allerAuFragment) {
      window.portail.allerAuFragment();  // the part the address names (#…), shown and focused (navigation.js)
    }
  }

  // Dash's page is ready to show when its content is drawn, no callback is running, nothing changed for a
  // moment, and it is nearly as tall as the copy (components fetched on demand, such as a list or a text in
  // Markdown, are drawn a moment after the rest); after WAIT_MS, it shows whatever its state
  var QUIET_MS = 150, WAIT_MS = 2000;
  var drawnAt = null, timer = null, done = false;

  function ready() {
    var page = document.querySelector("#react-entry-point #contenu");
    var copy = document.getElementById(PREFIX + "contenu");
    var loading = document.querySelector("#react-entry-point [data-dash-is-loading]");
    var tall = !page || !copy || page.offsetHeight >= 0.9 * copy.offsetHeight;
    return (!loading && tall) || Date.now() - drawnAt > WAIT_MS;
  }

  function attempt() {
    if (done) { return; }
    if (ready()) { done = true; swap(); } else { timer = window.setTimeout(attempt, QUIET_MS); }
  }

  function changed() {
    if (done || !drawn()) { return; }
    drawnAt = drawnAt || Date.now();
    window.clearTimeout(timer);
    timer = window.setTimeout(attempt, QUIET_MS);
  }

  function watch() {
    var observer = new MutationObserver(function () {
      changed();
      if (done) { observer.disconnect(); }
    });
    observer.observe(document.getElementById("react-entry-point") || document.body,
                     {childList: true, subtree: true, attributes: true});
    changed();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
