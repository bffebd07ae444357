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
