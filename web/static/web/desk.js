// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Filters submit as soon as a select changes, when scripting is available; the button stays for everyone else.
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
    // Moves that cannot be undone confirm in a dialog that names the consequence
    // (templates/web/requests/confirm_dialog.html). Without <dialog> support, or without this file, the page's
    // own fallback asks instead: a link to the move's page, or the confirmation box in the form.
    if (typeof HTMLDialogElement === "function") {
      var lang = document.documentElement.lang || undefined;
      var money = null;
      // Latin digits, as the server writes every number; the language's own separators.
      try {
        money = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2, numberingSystem: "latn" });
      } catch (e) { money = null; }
      var openDialog = function (dialog) {
        // The amount the dialog names follows the field as typed.
        dialog.querySelectorAll("[data-echo]").forEach(function (echo) {
          var input = document.getElementById(echo.getAttribute("data-echo"));
          if (!input) { return; }
          // Unchanged (or blank: the amount asked), the server's own wording of the amount stays.
          if (!echo.hasAttribute("data-server")) { echo.setAttribute("data-server", echo.textContent); }
          if (input.value === "" || input.value === input.defaultValue) {
            echo.textContent = echo.getAttribute("data-server");
            return;
          }
          var value = Number(input.value.replace(",", "."));
          echo.textContent = money && !isNaN(value) ? money.format(value) : input.value;
        });
        dialog.showModal();
      };
      // A link to the move's page opens its dialog instead.
      document.querySelectorAll("[data-dialog]").forEach(function (opener) {
        var dialog = document.getElementById(opener.getAttribute("data-dialog"));
        if (!dialog) { return; }
        opener.addEventListener("click", function (event) { event.preventDefault(); openDialog(dialog); });
      });
      // A form with fields: the dialog's own button sends it with the confirmation, so the box goes.
      document.querySelectorAll("form[data-confirm-dialog]").forEach(function (form) {
        var dialog = document.getElementById(form.getAttribute("data-confirm-dialog"));
        if (!dialog) { return; }
        form.querySelectorAll("[data-confirm-box]").forEach(function (box) {
          box.hidden = true;
          box.querySelectorAll("input[type=checkbox]").forEach(function (input) { input.checked = false; });
        });
        form.addEventListener("submit", function (event) {
          var submitter = event.submitter;
          if (submitter && submitter.hasAttribute("data-confirmed")) { return; }
          event.preventDefault();
          // A button elsewhere on the page may name what it submits (a message to release): keep it.
          if (submitter && submitter.name && submitter.form === form && submitter.closest("form") !== form) {
            var carried = form.querySelector("input[data-carried]") || document.createElement("input");
            carried.type = "hidden";
            carried.setAttribute("data-carried", "");
            carried.name = submitter.name;
            carried.value = submitter.value;
            form.appendChild(carried);
          }
          openDialog(dialog);
        });
      });
      document.querySelectorAll("dialog [data-dialog-close]").forEach(function (button) {
        button.addEventListener("click", function () { button.closest("dialog").close(); });
      });
    }
    // Dates and times in the reader's language and time zone; the server wrote an unambiguous fallback
    // (web.templatetags.desk.time_element). A "day" is a calendar date: the same in every zone.
    var pageLang = document.documentElement.lang || undefined;
    var styles = {
      datetime: { dateStyle: "medium", timeStyle: "short" },
      date: { dateStyle: "medium" },
      day: { dateStyle: "medium", timeZone: "UTC" }
    };
    var formats = {};
    document.querySelectorAll("time[data-style]").forEach(function (el) {
      var style = el.getAttribute("data-style");
      var value = new Date(el.getAttribute("datetime"));
      if (!styles[style] || isNaN(value.getTime())) { return; }
      try {
        formats[style] = formats[style] || new Intl.DateTimeFormat(pageLang, styles[style]);
        el.title = el.textContent;
        el.textContent = formats[style].format(value);
      } catch (error) { /* an old browser keeps the server's text */ }
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
