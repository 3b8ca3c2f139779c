// Stickers and LINE emoji come from LINE's public CDN; when one cannot load (offline, blocked,
// an id LINE does not serve) it is replaced by its alt text: the sticker's or emoji's ids.
// A file, not an inline handler: the CSP allows scripts from the console's static files only.
(function () {
  "use strict";
  function fallBack(image) {
    var text = document.createElement("span");
    text.className = "line-fallback";
    text.textContent = image.getAttribute("alt") || "";
    image.replaceWith(text);
  }
  // Error events do not bubble, but they reach a capturing listener: this catches images added
  // later too (the history's htmx polls).
  document.addEventListener(
    "error",
    function (event) {
      var target = event.target;
      if (target instanceof HTMLImageElement && target.hasAttribute("data-line-fallback")) {
        fallBack(target);
      }
    },
    true
  );
  // Images that failed before this script ran.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("img[data-line-fallback]").forEach(function (image) {
      if (image.complete && image.naturalWidth === 0) {
        fallBack(image);
      }
    });
  });
})();
