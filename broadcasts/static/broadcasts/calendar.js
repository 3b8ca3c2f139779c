// Content calendar: drag a planned broadcast onto another day. The server checks the
// permission and the state; the grid is re-rendered from its answer either way.
(function () {
  "use strict";
  let moving = null;
  document.addEventListener("dragstart", function (event) {
    const item = event.target.closest && event.target.closest("[data-move-url]");
    if (!item) return;
    moving = item;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.moveUrl);
  });
  document.addEventListener("dragover", function (event) {
    const day = moving && event.target.closest && event.target.closest("[data-day]");
    if (!day) return;
    event.preventDefault();
    day.classList.add("drop-target");
  });
  document.addEventListener("dragleave", function (event) {
    const day = event.target.closest && event.target.closest("[data-day]");
    if (day) day.classList.remove("drop-target");
  });
  document.addEventListener("drop", function (event) {
    const day = moving && event.target.closest && event.target.closest("[data-day]");
    if (!day) return;
    event.preventDefault();
    day.classList.remove("drop-target");
    const url = moving.dataset.moveUrl;
    moving = null;
    const params = new URLSearchParams(window.location.search);
    htmx.ajax("POST", url + "?" + params.toString(), {
      target: "#calendar-grid",
      swap: "outerHTML",
      values: { date: day.dataset.day },
    });
  });
  document.addEventListener("dragend", function () { moving = null; });
})();
