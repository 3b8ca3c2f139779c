// The public form page inside LINE: start LIFF, put its ID token into the form, enable it.
// Outside LINE without a LINE login (or when LIFF cannot start) the form is replaced by the
// "open it in LINE" box; the server verifies the token again before storing anything.
(function () {
  "use strict";
  var form = document.getElementById("liff-form");
  if (!form) return;
  var gate = document.getElementById("liff-open-in-line");
  var waiting = document.getElementById("liff-waiting");
  var submit = form.querySelector("button[type=submit]");
  var tokenInput = form.querySelector("input[name=id_token]");

  function ready(token) {
    tokenInput.value = token;
    submit.disabled = false;
    if (waiting) waiting.hidden = true;
  }

  function outside() {
    // The embedded demo's simulated LINE accepts the demo token the page carries.
    if (form.dataset.demoToken) {
      ready(form.dataset.demoToken);
      return;
    }
    form.hidden = true;
    if (waiting) waiting.hidden = true;
    if (gate) gate.hidden = false;
  }

  // The embedded demo's forms have no LIFF app at LINE: no need to try starting one.
  if (form.dataset.demoToken || !window.liff || !form.dataset.liffId) {
    outside();
    return;
  }
  submit.disabled = true;
  window.liff
    .init({ liffId: form.dataset.liffId })
    .then(function () {
      if (!window.liff.isInClient() && !window.liff.isLoggedIn()) {
        outside();
        return;
      }
      var token = window.liff.getIDToken();
      if (token) ready(token);
      else outside();
    })
    .catch(outside);
})();
