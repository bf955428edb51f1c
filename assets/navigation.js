/* Accessible navigation for a single-page app.
   - After a change of page: mark the current menu link (aria-current), move to the top and put the focus on
     the main content, and announce the new page to screen readers.
   - After a change of the same page's filters (the page is drawn again from its URL): give the focus back to
     the control the user was on, so a keyboard user does not fall back to the top of the document.
   Dash's pages router sets document.title on each render, so the title is what we watch. */
(function () {
  "use strict";
  var lastTitle = null;
  var lastPath = window.location.pathname;
  var focusKey = null;  // {id, value} of the control that last had the focus in the page content

  function markCurrentLink() {
    var links = document.querySelectorAll(".nav-links a");
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, window.location.href);
      var current = url.pathname === "/" ? window.location.pathname === "/"
        : window.location.pathname.indexOf(url.pathname) === 0;
      if (current) { links[i].setAttribute("aria-current", "page"); } else { links[i].removeAttribute("aria-current"); }
    }
  }

  function announce(text) {
    var region = document.getElementById("annonce-navigation");
    if (region) { region.textContent = text; }
  }

  function rememberFocus(event) {
    var target = event.target;
    var holder = target.closest ? target.closest("[id]") : null;
    if (holder && holder.id && holder.closest("#_pages_content")) {
      focusKey = {id: holder.id, value: target.value || null};
    }
  }

  function restoreFocus() {
    if (!focusKey || (document.activeElement && document.activeElement !== document.body)) { return; }
    var holder = document.getElementById(focusKey.id);
    if (!holder) { return; }
    var target = holder;
    if (focusKey.value !== null) {
      var inputs = holder.querySelectorAll("input");
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].value === focusKey.value) { target = inputs[i]; break; }
      }
    }
    if (typeof target.focus === "function") { target.focus({preventScroll: true}); }
  }

  // A link to a part of a page (« Tous les départs de Saint-Paul » → #transports-arret-titre): once the page is
  // drawn, that part is shown and takes the focus (the browser looked for it before the page existed).
  function goToHash() {
    var id = window.location.hash ? decodeURIComponent(window.location.hash.slice(1)) : "";
    var target = id ? document.getElementById(id) : null;
    if (!target) { return false; }
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.scrollIntoView({block: "start"});
    target.focus({preventScroll: true});
    return true;
  }

  // the server's copy of the page gives way to Dash's (assets/premier-rendu.js): the part the address names is
  // in Dash's page only (the copy's ids are prefixed), so it is shown then
  window.portail = window.portail || {};
  window.portail.allerAuFragment = goToHash;

  function onTitleChange() {
    var title = document.title;
    if (title === lastTitle) { return; }
    var first = lastTitle === null;
    lastTitle = title;
    markCurrentLink();
    if (window.location.pathname !== lastPath) {  // a new page, not the same page with other filters
      lastPath = window.location.pathname;
      focusKey = null;
      if (!goToHash()) {
        window.scrollTo(0, 0);
        var main = document.getElementById("contenu");
        if (main) { main.focus({preventScroll: true}); }
      }
      announce("Page chargée : " + title);
    } else if (first) {
      goToHash();
    }
  }

  function start() {
    new MutationObserver(onTitleChange).observe(document.querySelector("head"),
      {subtree: true, childList: true, characterData: true});
    document.addEventListener("focusin", rememberFocus);
    var scheduled = false;  // at most one check per frame, however many nodes React changed
    new MutationObserver(function () {
      if (scheduled) { return; }
      scheduled = true;
      window.requestAnimationFrame(function () {
        scheduled = false;
        markCurrentLink();
        restoreFocus();
        // other assets' work after a render (assets/accessibilite.js)
        ((window.portail && window.portail.aChaqueRendu) || []).forEach(function (fix) { fix(); });
      });
    }).observe(document.body, {subtree: true, childList: true});
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
