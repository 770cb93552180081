// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Filters submit as soon as a select changes, when scripting is available; the button stays for everyone else.
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
    // Ask before a move that cannot be undone (the server checks again anyway).
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
    // Show the funding fields only when the technical support fund is asked for.
    var kind = document.getElementById("id_kind");
    var funding = document.getElementById("funding-fields");
    if (kind && funding) {
      var sync = function () { funding.hidden = kind.value !== "fund" && !funding.querySelector(".is-invalid"); };
      kind.addEventListener("change", sync);
      sync();
    }
  });
})();
