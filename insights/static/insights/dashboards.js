/* Draws every chart box of the Insights pages from its JSON figure, on page load and after
   each htmx swap (range change, compare, sorting), so swapped charts get Plotly's full CSS. */
(function () {
  "use strict";
  // Responsive: a chart takes its box's width and follows it (a phone, a resized window). No
  // mode bar: on a narrow chart its buttons covered the title, and each chart already has a
  // "download CSV" link of exactly its numbers.
  var config = { displaylogo: false, displayModeBar: false, responsive: true };

  function render(root) {
    var boxes = (root || document).querySelectorAll("[data-plotly-figure]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.getAttribute("data-rendered")) {
        return;
      }
      var source = document.getElementById(box.getAttribute("data-plotly-figure"));
      if (!source || typeof Plotly === "undefined") {
        return;
      }
      var figure = JSON.parse(source.textContent);
      box.setAttribute("data-rendered", "1");
      Plotly.newPlot(box, figure.data, figure.layout || {}, config);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    render(document);
  });
  document.addEventListener("htmx:afterSettle", function () {
    render(document);
  });
})();
