/* The rich menu area editor: drag on the preview to draw a tap area. The rectangle is turned
   into LINE's image pixels and written into the area form's x, y, width and height fields, so
   the form (which works without this script) submits it. Typing in those fields moves the
   drawn rectangle too. */
(function () {
  "use strict";

  function field(name) {
    return document.querySelector('[data-testid="area-form"] [name="' + name + '"]');
  }

  function setup(canvas) {
    var draft = canvas.querySelector(".rm-draft");
    var width = Number(canvas.dataset.width);
    var height = Number(canvas.dataset.height);
    var start = null;

    function toImage(event) {
      var box = canvas.getBoundingClientRect();
      var x = Math.min(Math.max(event.clientX - box.left, 0), box.width);
      var y = Math.min(Math.max(event.clientY - box.top, 0), box.height);
      return { x: Math.round((x * width) / box.width), y: Math.round((y * height) / box.height) };
    }

    function show(rect) {
      draft.hidden = false;
      draft.style.left = (rect.x * 100) / width + "%";
      draft.style.top = (rect.y * 100) / height + "%";
      draft.style.width = (rect.width * 100) / width + "%";
      draft.style.height = (rect.height * 100) / height + "%";
    }

    function rectangle(a, b) {
      return {
        x: Math.min(a.x, b.x),
        y: Math.min(a.y, b.y),
        width: Math.abs(a.x - b.x),
        height: Math.abs(a.y - b.y),
      };
    }

    function fill(rect) {
      ["x", "y", "width", "height"].forEach(function (name) {
        var input = field(name);
        if (input) input.value = String(rect[name]);
      });
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      start = toImage(event);
      canvas.setPointerCapture(event.pointerId);
      show({ x: start.x, y: start.y, width: 0, height: 0 });
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!start) return;
      show(rectangle(start, toImage(event)));
    });
    function finish(event) {
      if (!start) return;
      var rect = rectangle(start, toImage(event));
      start = null;
      if (rect.width < 2 || rect.height < 2) {
        draft.hidden = true;
        return;
      }
      show(rect);
      fill(rect);
      var label = field("label");
      if (label) label.focus();
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", function () {
      start = null;
    });

    document.addEventListener("input", function (event) {
      var names = ["x", "y", "width", "height"];
      if (!event.target.closest('[data-testid="area-form"]') || names.indexOf(event.target.name) < 0) return;
      var rect = {};
      for (var i = 0; i < names.length; i += 1) {
        var input = field(names[i]);
        rect[names[i]] = input ? Number(input.value) : NaN;
        if (!isFinite(rect[names[i]])) return;
      }
      if (rect.width > 0 && rect.height > 0) show(rect);
    });
  }

  function init() {
    var canvas = document.querySelector('.rm-canvas[data-editable]');
    if (canvas && !canvas.dataset.editorReady) {
      canvas.dataset.editorReady = "1";
      setup(canvas);
    }
  }

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
