/* An embedded view (/integrer/…, <html class="integration">) tells the page that frames it how tall its content is,
   so the iframe can take that height (the « Intégrer » snippet listens for this message). Only the height and the
   view's path leave the frame: no state, no cookie, nothing the reader did. */
(function () {
  "use strict";
  if (!document.documentElement.classList.contains("integration")) { return; }
  window.addEventListener("click", function (event) { openOutside(event); }, true);
  if (window.parent === window) { return; }
  var last = 0;
  var scheduled = false;

  function height() {
    var site = document.querySelector(".site") || document.body;
    var style = window.getComputedStyle(document.body);
    return Math.ceil(site.getBoundingClientRect().height + parseFloat(style.marginTop || 0)
                     + parseFloat(style.marginBottom || 0));
  }

  function report() {
    scheduled = false;
    var now = height();
    if (now === last || now <= 0) { return; }
    last = now;
    window.parent.postMessage({type: "portail-integration", hauteur: now, adresse: window.location.pathname}, "*");
  }

  function schedule() {
    if (scheduled) { return; }
    scheduled = true;
    window.requestAnimationFrame(report);
  }

  // A link out of the view opens the portal in a new tab: in the frame, the portal's pages would be drawn by the
  // router inside the other site's page. Caught before the router's own handler (capture, on window).
  function openOutside(event) {
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button > 0) { return; }
    var url = new URL(link.href, window.location.href);
    if (url.origin === window.location.origin && url.pathname.indexOf("/integrer/") === 0) { return; }
    if (url.origin === window.location.origin && url.pathname === window.location.pathname && url.hash) { return; }
    event.preventDefault();
    event.stopPropagation();
    window.open(url.href, "_blank", "noopener");
  }

  function start() {
    if (window.ResizeObserver) { new ResizeObserver(schedule).observe(document.body); }
    new MutationObserver(schedule).observe(document.body, {subtree: true, childList: true});
    window.addEventListener("load", schedule);
    schedule();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
