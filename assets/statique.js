/* Static islands (components/statique.py): a run of components that no callback reads or writes, drawn by React
   directly from their JSON form, element for element as Dash would draw them (the same tags and attributes),
   without Dash's wrapper around each one. A dcc.Link keeps its navigation without a reload, as dcc.Link does it:
   the address pushed, then Dash's router told (`_dashprivate_pushstate`). */
(function () {
  "use strict";
  var HTML = "dash_html_components";
  var DASH_ONLY = {n_clicks: 1, n_clicks_timestamp: 1, disable_n_clicks: 1, loading_state: 1, setProps: 1,
                   children: 1, key: 1};
  var UNSAFE = /^\s*(javascript|vbscript|data):/i;

  function follow(href, target, refresh) {
    return function (event) {
      if (event.metaKey || event.shiftKey || event.altKey || event.ctrlKey) { return; }
      if (target && target !== "_self") { return; }
      event.preventDefault();
      if (refresh) { window.location = href; return; }
      window.history.pushState({}, "", href);
      window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
      window.scrollTo(0, 0);
    };
  }

  function attributes(props, key) {
    var out = {key: key};
    Object.keys(props).forEach(function (name) {
      if (!DASH_ONLY[name] && props[name] !== null && props[name] !== undefined) { out[name] = props[name]; }
    });
    return out;
  }

  function build(node, key) {
    var React = window.React;
    if (node === null || node === undefined || typeof node === "boolean") { return null; }
    if (typeof node !== "object") { return String(node); }
    if (Array.isArray(node)) { return node.map(function (child, i) { return build(child, i); }); }
    var props = node.props || {};
    var children = props.children === undefined || props.children === null ? null : build(props.children);
    if (node.namespace !== HTML) {  // dcc.Link, the only other component an island holds
      var href = UNSAFE.test(props.href || "") ? undefined : props.href;
      var link = attributes(props, key);
      delete link.refresh;
      link.href = href;
      link.onClick = follow(href, props.target, props.refresh);
      return React.createElement("a", link, children === null ? href : children);
    }
    return React.createElement(node.type.toLowerCase(), attributes(props, key), children);
  }

  function Statique(props) {
    var drawn = build(props.arbre, undefined);
    return Array.isArray(drawn) ? window.React.createElement(window.React.Fragment, null, drawn) : drawn;
  }

  window.portail = window.portail || {};
  window.portail.Statique = Statique;
})();
