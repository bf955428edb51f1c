/* The phone's header: « Menu » opens and closes the links (components/shell.py). The button says whether they are
   open (aria-expanded); Escape, or following a link, closes them and gives the focus back to the button. On a wide
   screen the button is hidden and the links are always shown (assets/portail.css). */
(function () {
  "use strict";

  function parts() {
    // the server's copy of the page while Dash draws its own (assets/premier-rendu.js), then Dash's
    var button = document.querySelector("#premier-rendu .menu-button") || document.getElementById("menu-bouton");
    var header = button ? button.closest(".site-header") : null;
    return button && header ? {button: button, header: header} : null;
  }

  function setOpen(found, open) {
    found.button.setAttribute("aria-expanded", open ? "true" : "false");
    found.header.classList.toggle("menu-ouvert", open);
  }

  document.addEventListener("click", function (event) {
    var found = parts();
    if (!found) { return; }
    if (event.target === found.button) {
      setOpen(found, found.button.getAttribute("aria-expanded") !== "true");
    } else if (event.target.closest && event.target.closest(".nav-links a")) {
      setOpen(found, false);  // a page was chosen: the menu steps aside
    }
  });

  document.addEventListener("keydown", function (event) {
    var found = parts();
    if (event.key !== "Escape" || !found || found.button.getAttribute("aria-expanded") !== "true") { return; }
    setOpen(found, false);
    found.button.focus();
  });
})();
