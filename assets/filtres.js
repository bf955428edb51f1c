/* The filters on a phone (components/filter_panel.py): « Filtres (n) » opens the filter panel as a full-height
   sheet, a dialog that takes the focus; « Voir les N résultats » (its count drawn with the page, so it follows
   each filter) and Escape close it and give the focus back to the button. A filter changed in the sheet draws
   the page again: the sheet stays open across that render. On a wide screen the panel is beside the content
   and none of this shows (assets/portail.css). */
(function () {
  "use strict";
  var open = false;
  var path = window.location.pathname;

  function parts() {
    var panel = document.querySelector("#react-entry-point #panneau-filtres");
    var button = document.querySelector("#react-entry-point #filtres-bouton");
    return panel && button ? {panel: panel, button: button} : null;
  }

  function show(found, focus) {
    found.panel.classList.add("feuille-ouverte");
    found.panel.setAttribute("role", "dialog");
    found.panel.setAttribute("aria-modal", "true");
    found.button.setAttribute("aria-expanded", "true");
    document.body.classList.add("feuille-filtres");
    if (focus) {
      var title = document.getElementById("panneau-filtres-titre");
      if (title) { title.focus(); }
    }
  }

  function hide(found) {
    found.panel.classList.remove("feuille-ouverte");
    found.panel.removeAttribute("role");
    found.panel.removeAttribute("aria-modal");
    found.button.setAttribute("aria-expanded", "false");
    document.body.classList.remove("feuille-filtres");
    found.button.focus();
  }

  document.addEventListener("click", function (event) {
    var found = parts();
    if (!found || !event.target.closest) { return; }
    if (event.target.closest("#filtres-bouton")) {
      open = true;
      path = window.location.pathname;
      show(found, true);
    } else if (event.target.closest("#panneau-filtres .sheet-close")) {
      open = false;
      hide(found);
    }
  });

  document.addEventListener("keydown", function (event) {
    var found = parts();
    if (event.key !== "Escape" || !open || !found) { return; }
    open = false;
    hide(found);
  });

  // after each render (assets/navigation.js): the same page drawn again keeps its sheet open; another page closes it
  window.portail = window.portail || {};
  window.portail.aChaqueRendu = window.portail.aChaqueRendu || [];
  window.portail.aChaqueRendu.push(function () {
    if (!open) { return; }
    var found = parts();
    if (window.location.pathname !== path || !found) {
      open = false;
      document.body.classList.remove("feuille-filtres");
      return;
    }
    if (!found.panel.classList.contains("feuille-ouverte")) { show(found, false); }
  });
})();
