/* A form with data-confirm asks before it is submitted (a plain form, without htmx: htmx's
   hx-confirm covers the others). A file rather than an onsubmit attribute, so the
   Content-Security-Policy allows no inline script at all. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
