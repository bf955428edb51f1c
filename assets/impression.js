/* « Imprimer / PDF », and what every printed page carries: the page's print header (components/impression.py)
   gives its title, the data's date, its filters and its source to the margins of every page, with the page
   number; each chart and map keeps its screen size and is scaled to fit the page (assets/rendu-imprime.css). */
(function () {
  "use strict";
  var PAGE = {landscape: {width: 1000, height: 560}, portrait: {width: 690, height: 420}};  // CSS px for a part
  var written = null;

  function text(value, size) {
    var words = String(value || "").replace(/[\r\n]+/g, " ");
    if (words.length > size) { words = words.slice(0, size - 1) + "…"; }
    return '"' + words.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
  }

  function margins() {
    var meta = document.querySelector("[data-impression-titre]");
    var parts = meta ? ["titre", "date", "filtres", "source"].map(function (k) {
      return meta.getAttribute("data-impression-" + k) || "";
    }) : ["", "", "", ""];
    var key = parts.join("\n");
    if (key === written) { return; }
    written = key;
    var style = document.getElementById("impression-marges");
    if (!style) {
      style = document.createElement("style");
      style.id = "impression-marges";
      document.head.appendChild(style);
    }
    var box = "font-size: 8pt; color: #333; font-family: system-ui, sans-serif;";
    var page = meta ? "@top-left { content: " + text(parts[0] + (parts[2] ? " · " + parts[2] : ""), 150) +
      "; " + box + " } @top-right { content: " + text(parts[1], 90) + "; " + box + " text-align: right; } " +
      "@bottom-left { content: " + text(parts[3], 230) + "; " + box + " } " : "";
    page += "@bottom-right { content: \"Page \" counter(page) \" / \" counter(pages); white-space: nowrap; " + box + " }";
    style.textContent = "@media print { @page { " + page + " } }";
  }

  function sizes() {
    var portrait = !!document.querySelector(".commune-page, .compare-page, .recit, .nearby-page");
    var room = portrait ? PAGE.portrait : PAGE.landscape;
    document.querySelectorAll(".js-plotly-plot, .leaflet-container").forEach(function (element) {
      var width = element.offsetWidth, height = element.offsetHeight;
      if (!width || !height) { return; }
      var small = element.closest(".commune-page") ? 0.5 : 1;  // a commune's map sits in a column
      var zoom = Math.min(1, room.width * small / width, room.height / height);
      element.style.setProperty("--largeur-ecran", width + "px");
      element.style.setProperty("--hauteur-ecran", height + "px");
      element.style.setProperty("--zoom-impression", zoom.toFixed(3));
    });
  }

  function refresh() {
    margins();
    sizes();
  }

  var pending = false;
  function later() {
    if (pending) { return; }
    pending = true;
    window.setTimeout(function () { pending = false; refresh(); }, 200);
  }

  function start() {
    new MutationObserver(later).observe(document.body, {childList: true, subtree: true});
    refresh();
  }
  // the scripts run after the first paint (script_loader.py): the document may be parsed already
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  window.addEventListener("resize", later);
  window.addEventListener("beforeprint", function () {  // the browser's own print: what is drawn by now
    window.portailToutDessiner = true;
    window.dispatchEvent(new Event("portail:tout-dessiner"));
    refresh();
  });
  // every chart and map drawn first (assets/a-la-vue.js draws them when they come into view), then printed
  function printDrawn() {
    window.portailToutDessiner = true;
    window.dispatchEvent(new Event("portail:tout-dessiner"));
    var waited = 0;
    (function ready() {
      var pending = document.querySelectorAll(".a-la-vue .dash-graph:not(:has(.main-svg)), .a-la-vue[data-dessine='non']");
      if (pending.length && waited < 10000) { waited += 200; window.setTimeout(ready, 200); return; }
      refresh();
      window.print();
    })();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-imprimer]");
    if (button) {
      printDrawn();
    }
  });
})();
