/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  // A copy button on each code snippet.
  document.querySelectorAll("pre[data-copy]").forEach(function (pre) {
    if (!navigator.clipboard) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = pre.getAttribute("data-copy");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(pre.textContent).then(function () {
        button.textContent = pre.getAttribute("data-copied");
      });
    });
    pre.insertAdjacentElement("afterend", button);
  });
})();
(function () {
  "use strict";
  // The map search: a button that searches the area the map shows.
  var form = document.getElementById("bbox-form");
  var map = window.map_search;
  if (!form || !map || !map.getBounds) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = form.getAttribute("data-visible-label");
  button.addEventListener("click", function () {
    var b = map.getBounds();
    var values = {west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth()};
    Object.keys(values).forEach(function (name) {
      form.elements[name].value = values[name].toFixed(4);
    });
    form.submit();
  });
  form.insertBefore(button, form.firstChild);
})();
(function () {
  "use strict";
  // Lazy maps: Leaflet and the map's script load when the map comes near the screen.
  function load(tag, attrs, then) {
    var el = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) { el[k] = attrs[k]; });
    if (then) { el.onload = then; }
    document.head.appendChild(el);
  }
  function start(map) {
    if (map.getAttribute("data-started")) { return; }
    map.setAttribute("data-started", "1");
    load("link", {rel: "stylesheet", href: map.getAttribute("data-leaflet-css")});
    var script = function () { load("script", {src: map.getAttribute("data-map-script")}); };
    if (window.L) { script(); } else { load("script", {src: map.getAttribute("data-leaflet")}, script); }
  }
  var maps = document.querySelectorAll("[data-map-script]");
  if (!maps.length) { return; }
  if (!("IntersectionObserver" in window)) { maps.forEach(start); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); start(entry.target); }
    });
  }, {rootMargin: "400px"});
  maps.forEach(function (map) { observer.observe(map); });
})();
