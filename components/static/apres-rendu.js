/* Dash's scripts after the first paint (script_loader.py): the page's first answer already holds the page, as
   HTML (server_render.py), so its scripts need not compete with it for a slow network or a slow processor.
   Once the first frame is painted, this puts them back in the page in Dash's order (the index keeps them with a type
   no browser runs): the files, fetched side by
   side and run in order, then the inline scripts Dash wrote (its clientside functions, the renderer's start),
   as elements with the same text (the Content-Security-Policy allows them by their hash). */
(function () {
  "use strict";
  var list = Array.prototype.map.call(document.querySelectorAll('script[type="text/x-apres-rendu"]'),
    function (element) { return element.getAttribute("data-src") ? {src: element.getAttribute("data-src")}
                                                                   : {code: element.text}; });
  var started = false;

  function inline(code) {
    var script = document.createElement("script");
    script.text = code;
    document.body.appendChild(script);
  }

  function start() {
    if (started) { return; }
    started = true;
    var files = list.filter(function (item) { return item.src; });
    var codes = list.filter(function (item) { return !item.src; });
    var left = files.length;
    function loaded() {
      left -= 1;
      if (left === 0) { codes.forEach(function (item) { inline(item.code); }); }
    }
    if (!left) { codes.forEach(function (item) { inline(item.code); }); return; }
    files.forEach(function (item) {
      var script = document.createElement("script");
      script.src = item.src;
      script.async = false;  // fetched side by side, run in order
      script.onload = loaded;
      script.onerror = loaded;
      document.body.appendChild(script);
    });
  }

  if (document.visibilityState === "hidden") {
    start();
  } else {
    window.requestAnimationFrame(function () { window.setTimeout(start, 0); });
    window.setTimeout(start, 1000);  // a frame never painted (a page opened in the background)
  }
})();
