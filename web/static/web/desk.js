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
    // Dates and times in the reader's language and time zone; the server wrote an unambiguous fallback
    // (web.templatetags.desk.time_element). A "day" is a calendar date: the same in every zone.
    var lang = document.documentElement.lang || undefined;
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
        formats[style] = formats[style] || new Intl.DateTimeFormat(lang, styles[style]);
        el.title = el.textContent;
        el.textContent = formats[style].format(value);
      } catch (error) { /* an old browser keeps the server's text */ }
    });
    // A form sent back with errors: the first field at fault, with its label, in the middle of the screen
    // (the server marked it autofocus, which already works without this), and each link of the summary
    // above the form takes the reader into its field.
    var firstInvalid = document.querySelector("[autofocus][aria-invalid='true']");
    if (firstInvalid) {
      // Once laid out (styles loaded), so the position holds; autofocus has focused it by then.
      window.addEventListener("load", function () {
        (firstInvalid.closest(".mb-3, fieldset") || firstInvalid).scrollIntoView({ block: "center" });
        if (document.activeElement !== firstInvalid) { firstInvalid.focus({ preventScroll: true }); }
      });
    }
    document.querySelectorAll("[id$='form-errors'] a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (!target) { return; }
        event.preventDefault();
        (target.closest(".mb-3, fieldset") || target).scrollIntoView({ block: "center" });
        target.focus({ preventScroll: true });
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
