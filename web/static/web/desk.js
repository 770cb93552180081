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
    // A message's preview in place: nothing typed, chosen or uploaded is lost (without scripting, the button
    // posts the form to the preview page, which shows it again as typed).
    document.querySelectorAll("button[data-preview]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-preview"));
      if (!target || !window.fetch || !window.FormData) { return; }
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var data = new FormData(button.form);
        button.form.querySelectorAll("input[type=file]").forEach(function (input) { data.delete(input.name); });
        fetch(button.formAction, {
          method: "POST", body: data, credentials: "same-origin", headers: { "X-Preview": "fragment" }
        }).then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.text();
        }).then(function (html) {
          target.innerHTML = html;
          target.hidden = false;
        }).catch(function () { button.form.requestSubmit(button); });
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
