/* Fixes for what Dash 4's own components tell assistive technologies (found by axe-core, checked in the
   browser tests), applied after every render:
   - dcc.Dropdown takes the keyboard focus on a hidden read-only input (aria-hidden, yet focusable): it is shown
     to assistive technologies as the combobox it stands for, named by its <label>; and its button, named by its
     value alone, gets the label's text first (components/controls.py);
   - dcc.Checklist puts native checkboxes inside role="option" items of a role="listbox": the roles go, the
     checkboxes (already labelled) stay;
   - a plotly chart's drawing is hidden from screen readers (its summary and data table say the same), while
     its tool bar stays reachable. */
window.portail = window.portail || {};
window.portail.aChaqueRendu = window.portail.aChaqueRendu || [];
window.portail.aChaqueRendu.push(function () {
  document.querySelectorAll(".dash-dropdown-focus-target").forEach(function (input) {
    var button = input.parentNode && input.parentNode.querySelector("button.dash-dropdown");
    if (input.getAttribute("aria-hidden") === "true") {
      input.removeAttribute("aria-hidden");
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-haspopup", "listbox");
    }
    var expanded = button ? button.getAttribute("aria-expanded") || "false" : "false";
    if (input.getAttribute("aria-expanded") !== expanded) { input.setAttribute("aria-expanded", expanded); }
  });
  document.querySelectorAll("label button.dash-dropdown").forEach(function (button) {
    var name = button.closest("label").querySelector(".chart-control-label");
    if (!name) { return; }
    if (!name.id) { name.id = "libelle-" + (button.id || Math.random().toString(36).slice(2)); }
    var ids = button.getAttribute("aria-labelledby") || "";
    if (ids.split(" ")[0] !== name.id) { button.setAttribute("aria-labelledby", (name.id + " " + ids).trim()); }
  });
  document.querySelectorAll(".dash-checklist[role='listbox']").forEach(function (list) {
    list.removeAttribute("role");
    list.querySelectorAll(".dash-options-list-option[role='option']").forEach(function (item) {
      item.removeAttribute("role");
      item.removeAttribute("aria-selected");
    });
  });
  document.querySelectorAll(".chart-card svg.main-svg:not([aria-hidden])").forEach(function (svg) {
    svg.setAttribute("aria-hidden", "true");
  });
});
