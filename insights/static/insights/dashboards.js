/* Draws every chart box of the Insights pages from its JSON figure, on page load and after
   each htmx swap (range change, compare, sorting), so swapped charts get Plotly's full CSS.

   The chart library (plotly.js, 1.2 MB) takes 300-400 ms of a busy 2-core machine's CPU just to
   start, and each chart 35-170 ms to draw. So the page does not wait for charts it does not show
   yet: charts in the window are drawn at once (loading the library first); the library is
   otherwise started right after the page has loaded (the template preloads it, so it is already
   downloaded) and the charts further down are drawn one per frame, those scrolled to first. */
(function () {
  "use strict";
  // Responsive: a chart takes its box's width and follows it (a phone, a resized window). No
  // mode bar: on a narrow chart its buttons covered the title, and each chart already has a
  // "download CSV" link of exactly its numbers.
  var config = { displaylogo: false, displayModeBar: false, responsive: true };
  // Charts this close below the window are drawn before the reader scrolls to them.
  var NEAR_PX = 300;
  var plotlySrc = document.currentScript && document.currentScript.getAttribute("data-plotly-src");
  var plotlyReady = [];
  var plotlyRequested = false;
  var waiting = [];
  var observer = null;

  // Runs `then` once plotly.js has run (loading it on the first call).
  function withPlotly(then) {
    if (typeof Plotly !== "undefined") {
      then();
      return;
    }
    plotlyReady.push(then);
    if (plotlyRequested || !plotlySrc) {
      return;
    }
    plotlyRequested = true;
    var script = document.createElement("script");
    script.src = plotlySrc;
    script.onload = function () {
      var callbacks = plotlyReady;
      plotlyReady = [];
      callbacks.forEach(function (callback) {
        callback();
      });
    };
    document.head.appendChild(script);
  }

  function draw(box) {
    if (box.getAttribute("data-rendered")) {
      return;
    }
    var source = document.getElementById(box.getAttribute("data-plotly-figure"));
    if (!source) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    box.setAttribute("data-rendered", "1");
    if (observer) {
      observer.unobserve(box);
    }
    Plotly.newPlot(box, figure.data, figure.layout || {}, config);
  }

  function inWindow(box) {
    var rect = box.getBoundingClientRect();
    return rect.top < window.innerHeight && rect.bottom > 0;
  }

  function drawNextWaiting() {
    while (waiting.length && waiting[0].getAttribute("data-rendered")) {
      waiting.shift();
    }
    if (!waiting.length) {
      return;
    }
    draw(waiting.shift());
    window.requestAnimationFrame(function () {
      window.setTimeout(drawNextWaiting, 0);
    });
  }

  // Draws the boxes of `root` not drawn yet: all of them now (after an htmx swap), or on a first
  // load those in the window now and the rest later.
  function render(root, firstLoad) {
    var boxes = (root || document).querySelectorAll("[data-plotly-figure]:not([data-rendered])");
    var now = [];
    Array.prototype.forEach.call(boxes, function (box) {
      if (!firstLoad || inWindow(box)) {
        now.push(box);
        return;
      }
      waiting.push(box);
    });
    if (now.length) {
      withPlotly(function () {
        now.forEach(draw);
      });
    }
  }

  if ("IntersectionObserver" in window) {
    observer = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            withPlotly(function () {
              draw(entry.target);
            });
          }
        });
      },
      { rootMargin: NEAR_PX + "px 0px" }
    );
  }

  document.addEventListener("DOMContentLoaded", function () {
    render(document, true);
  });
  window.addEventListener("load", function () {
    if (!waiting.length) {
      return;
    }
    if (observer) {
      // Charts the reader scrolls to jump the queue.
      waiting.forEach(function (box) {
        observer.observe(box);
      });
    }
    // After the next paint: the page shows before the library's start takes the main thread.
    window.requestAnimationFrame(function () {
      window.setTimeout(function () {
        withPlotly(drawNextWaiting);
      }, 0);
    });
  });
  document.addEventListener("htmx:afterSettle", function () {
    render(document, false);
  });
})();
