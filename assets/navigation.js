/* Accessible navigation for a single-page app: after each page change, mark the current menu link
   (aria-current), move the focus to the main content and announce the new page to screen readers.
   Dash's pages router sets document.title on each page change, so the title is what we watch. */
(function () {
  "use strict";
  var lastTitle = null;

  function markCurrentLink() {
    var links = document.querySelectorAll(".nav-links a");
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, window.location.href);
      if (url.pathname === window.location.pathname) {
        links[i].setAttribute("aria-current", "page");
      } else {
        links[i].removeAttribute("aria-current");
      }
    }
  }

  function announce(title) {
    var region = document.getElementById("annonce-navigation");
    if (region) { region.textContent = "Page chargée : " + title; }
  }

  function onTitleChange() {
    var title = document.title;
    if (title === lastTitle) { return; }
    var first = lastTitle === null;
    lastTitle = title;
    markCurrentLink();
    if (!first) {
      var main = document.getElementById("contenu");
      if (main) { main.focus({preventScroll: false}); }
      announce(title);
    }
  }

  function start() {
    var head = document.querySelector("head");
    new MutationObserver(onTitleChange).observe(head, {subtree: true, childList: true, characterData: true});
    // The menu is drawn by React after this script runs: mark it once it exists.
    new MutationObserver(function (_m, observer) {
      if (document.querySelector(".nav-links a")) { markCurrentLink(); observer.disconnect(); }
    }).observe(document.body, {subtree: true, childList: true});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
