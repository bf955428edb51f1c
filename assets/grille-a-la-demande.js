/* The data grid (dash-ag-grid, 360 KB compressed) is fetched only by the pages that show one: the app does not
   list its file among every page's scripts (factory.PortalDash), and this stand-in takes its place until the
   first grid is drawn. Dash's renderer waits for `_dashprivate_isLazyComponentReady` before it sends the grid's
   callbacks, as it does for its own components loaded on demand; the real component then draws with the same
   props, and the file replaces window.dash_ag_grid for every later grid. */
(function () {
    "use strict";
    if (window.dash_ag_grid) {
        return;
    }
    var loading = null;

    function load() {
        if (!loading) {
            loading = new Promise(function (resolve, reject) {
                var config = JSON.parse(document.getElementById("_dash-config").textContent);
                var script = document.createElement("script");
                script.src = config.requests_pathname_prefix + "_dash-component-suites/dash_ag_grid/dash_ag_grid.min.js";
                script.onload = function () { resolve(window.dash_ag_grid.AgGrid); };
                script.onerror = function () { loading = null; reject(new Error("grille indisponible")); };
                document.head.appendChild(script);
            });
        }
        return loading;
    }

    function AgGrid(props) {
        var state = window.React.useState(null);
        var real = state[0];
        var setReal = state[1];
        window.React.useEffect(function () {
            load().then(function (component) { setReal(function () { return component; }); });
        }, []);
        return real ? window.React.createElement(real, props) : null;
    }
    Object.defineProperty(AgGrid, "_dashprivate_isLazyComponentReady", {
        get: function () { return load(); }
    });
    window.dash_ag_grid = {AgGrid: AgGrid};
})();
