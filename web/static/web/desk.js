// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The header's menu (templates/base.html): open as the bar on a wide screen, folded behind "Menu" on a phone.
  // This runs as soon as the page is parsed, before anything else here.
  document.documentElement.classList.add("js");
  var menu = document.querySelector("details.desk-menu");
  var phone = window.matchMedia("(max-width: 767.98px)");
  var fold = function () { if (menu) { menu.open = !phone.matches; } };
  fold();
  if (phone.addEventListener) { phone.addEventListener("change", fold); }
  document.addEventListener("DOMContentLoaded", function () {
    // Filters submit as soon as a select changes, when scripting is available; the button stays for everyone else.
    // "Back to what you wrote" (the 429 page): the browser's Back keeps the form as it was; without
    // scripting the button stays hidden and the page says to use the browser's own Back button.
    document.querySelectorAll("button[data-history-back]").forEach(function (button) {
      if (window.history.length < 2) { return; }
      button.hidden = false;
      button.addEventListener("click", function () { window.history.back(); });
    });
    // Key indicators (web/forms/outcomes.py): an indicator's baseline and target show once it is ticked. Unticked,
    // its figures are hidden and not sent (without this file every figure shows, and the field asks about any
    // figure typed beside an unticked indicator).
    document.querySelectorAll("[data-indicator-row]").forEach(function (row) {
      var box = row.querySelector("input[type=checkbox]");
      var figures = row.querySelector("[data-indicator-figures]");
      if (!box || !figures) { return; }
      var inputs = figures.querySelectorAll("input, select");
      var typed = Array.prototype.some.call(inputs, function (input) { return input.value !== ""; });
      var show = function () {
        figures.hidden = !box.checked;
        inputs.forEach(function (input) { input.disabled = !box.checked; });
      };
      if (!typed || box.checked) { show(); }
      box.addEventListener("change", show);
    });
    // A report's "Print" button: without scripting it stays hidden (the browser's own Print works the same).
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    // "Copy" beside a value shown once (a new API token): without scripting, or without the clipboard, the
    // button stays hidden and the value is selected in its field for the reader to copy.
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field || !navigator.clipboard) { return; }
      var status = button.closest("section") && button.closest("section").querySelector("[data-copy-status]");
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          button.textContent = button.getAttribute("data-copied");
          if (status) { status.textContent = button.getAttribute("data-copied"); }
          setTimeout(function () { button.textContent = label; }, 3000);
        }, function () { field.select(); });
      });
    });
    // On paper a chart's figures cannot be unfolded: each "as a table" prints open, and folds back after.
    var folded = [];
    window.addEventListener("beforeprint", function () {
      folded = Array.prototype.filter.call(document.querySelectorAll("details.desk-chart-table"), function (d) { return !d.open; });
      folded.forEach(function (d) { d.open = true; });
    });
    window.addEventListener("afterprint", function () {
      folded.forEach(function (d) { d.open = false; });
      folded = [];
    });
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
    // Dates and times in the reader's language and in the time zone the server shows them in (the reader's
    // profile setting, else their hub's: <html data-time-zone>, not the device's, so a page and its e-mails
    // agree); the server wrote an unambiguous fallback (web.templatetags.desk.local_time). A "day" is a
    // calendar date: the same in every zone.
    var pageLang = document.documentElement.lang || undefined;
    var pageZone = document.documentElement.getAttribute("data-time-zone") || undefined;
    var styles = {
      datetime: { dateStyle: "medium", timeStyle: "short", timeZone: pageZone },
      date: { dateStyle: "medium", timeZone: pageZone },
      day: { dateStyle: "medium", timeZone: "UTC" }
    };
    var formats = {};
    var localTimes = function (root) {
      root.querySelectorAll("time[data-style]").forEach(localTime);
    };
    var localTime = function (el) {
      var style = el.getAttribute("data-style");
      var value = new Date(el.getAttribute("datetime"));
      if (!styles[style] || isNaN(value.getTime())) { return; }
      try {
        formats[style] = formats[style] || new Intl.DateTimeFormat(pageLang, styles[style]);
        el.title = el.textContent;
        el.textContent = formats[style].format(value);
      } catch (error) { /* an old browser keeps the server's text */ }
    };
    localTimes(document);
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
    // Before a city files (web/views/intake.py): published resources and the city's answered requests that match
    // the title as it is typed (the description while the title is short), in the live region below the
    // description, a moment after typing stops. Without scripting, "Look for answers first" posts the form back
    // to itself, which shows the same list with everything as typed.
    var intakeBox = document.getElementById("intake-suggestions");
    var intakeTitle = document.getElementById("id_title");
    if (intakeBox && intakeTitle && intakeTitle.form && window.fetch && window.URLSearchParams) {
      var intakeText = document.getElementById("id_description");
      var intakeId = intakeTitle.form.querySelector("input[name=intake]");
      var intakeLast = null;
      var intakeTimer = null;
      var intakeQuery = function () {
        var title = intakeTitle.value.trim();
        var text = title.length >= 3 || !intakeText ? title : intakeText.value.trim();
        // The first words are enough (the server reads a few): the rest of the text stays in the form.
        return text.split(/\s+/).slice(0, 8).join(" ").slice(0, 120);
      };
      var intakeAsk = function () {
        var q = intakeQuery();
        if (q.length < 3) {
          if (intakeLast) { intakeBox.innerHTML = ""; }
          intakeLast = "";
          return;
        }
        if (q === intakeLast) { return; }
        intakeLast = q;
        var params = new URLSearchParams({ q: q, intake: intakeId ? intakeId.value : "" });
        fetch(intakeBox.getAttribute("data-intake-url") + "?" + params.toString(), { credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) { throw new Error(response.status); }
            return response.text();
          }).then(function (html) {
            if (q !== intakeLast) { return; }
            intakeBox.innerHTML = html;
            localTimes(intakeBox);
          }).catch(function () { intakeLast = null; });
      };
      var intakeLater = function () {
        clearTimeout(intakeTimer);
        intakeTimer = setTimeout(intakeAsk, 400);
      };
      intakeTitle.addEventListener("input", intakeLater);
      if (intakeText) { intakeText.addEventListener("input", intakeLater); }
      document.querySelectorAll("button[data-intake-look]").forEach(function (button) { button.hidden = true; });
      if (!intakeBox.textContent.trim()) { intakeAsk(); }
    }
    // Show the funding fields only when the technical support fund is asked for.
    var kind = document.getElementById("id_kind");
    var funding = document.getElementById("funding-fields");
    if (kind && funding) {
      var sync = function () { funding.hidden = kind.value !== "fund" && !funding.querySelector(".is-invalid"); };
      kind.addEventListener("change", sync);
      sync();
    }
    // The queue's "select all" box: only with scripting (without it, each line's box is ticked by hand).
    var selectAll = document.querySelector("[data-select-all]");
    var boxes = Array.prototype.slice.call(document.querySelectorAll("table[data-queue] tbody input[name=r]"));
    if (selectAll && boxes.length) {
      var syncAll = function () {
        var ticked = boxes.filter(function (box) { return box.checked; }).length;
        selectAll.checked = ticked === boxes.length;
        selectAll.indeterminate = ticked > 0 && ticked < boxes.length;
      };
      selectAll.closest("[data-select-all-box]").hidden = false;
      selectAll.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = selectAll.checked; });
      });
      boxes.forEach(function (box) { box.addEventListener("change", syncAll); });
      syncAll();
    }
    // "Insert a template" fills the message box in place; without scripting the form asks for the page again.
    document.querySelectorAll("form[data-reply-templates]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var option = form.querySelector("select option:checked");
        var box = document.querySelector("#messages form textarea[name=body]");
        if (!option || !option.value || !box) { return; }
        event.preventDefault();
        var text = option.getAttribute("data-body") || "";
        box.value = box.value.trim() ? box.value.replace(/\s+$/, "") + "\n\n" + text : text;
        box.focus();
      });
    });
    shortcuts();
  });

  // Keyboard shortcuts of the queue and the request page, listed in their help panel (?).
  function shortcuts() {
    var help = document.getElementById("shortcuts-help");
    if (!help || typeof help.showModal !== "function") { return; }
    var page = help.getAttribute("data-shortcuts");
    var open = function () { if (!help.open) { help.showModal(); } };
    document.querySelectorAll("[data-shortcuts-open]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", open);
    });
    var rows = Array.prototype.slice.call(document.querySelectorAll("table[data-queue] tbody tr"))
      .filter(function (row) { return row.querySelector("a[href]"); });
    var current = -1;
    var move = function (step) {
      if (!rows.length) { return; }
      if (current >= 0) { rows[current].classList.remove("queue-current"); }
      current = Math.max(0, Math.min(rows.length - 1, current + step));
      rows[current].classList.add("queue-current");
      rows[current].querySelector("a[href]").focus();
    };
    var rowOf = function () {
      // The line the person is on: the one moved to with j/k, else the one holding the focus.
      if (current >= 0) { return rows[current]; }
      var focused = document.activeElement && document.activeElement.closest("tr");
      return rows.indexOf(focused) >= 0 ? focused : null;
    };
    var typing = function (el) {
      return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
    };
    var pendingG = false;
    var timer = null;
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
      if (help.open || typing(event.target)) { return; }
      var key = event.key;
      if (pendingG) {
        pendingG = false;
        clearTimeout(timer);
        if (key === "q") { event.preventDefault(); window.location.assign(help.getAttribute("data-queue-url")); }
        return;
      }
      if (key === "?") { event.preventDefault(); open(); return; }
      if (key === "g") { pendingG = true; timer = setTimeout(function () { pendingG = false; }, 1500); return; }
      if (page === "request") {
        var reply = document.querySelector("#messages form textarea[name=body]");
        if (key === "r" && reply) { event.preventDefault(); reply.focus(); }
        return;
      }
      var row = rowOf();
      if (key === "j") { event.preventDefault(); move(1); }
      else if (key === "k") { event.preventDefault(); move(current < 0 ? 1 : -1); }
      else if (key === "/") {
        var search = document.querySelector("form[role=search] input[type=search]");
        if (search) { event.preventDefault(); search.focus(); }
      } else if (key === "o" && row) { event.preventDefault(); window.location.assign(row.querySelector("a[href]").href); }
      else if (key === "x" && row) {
        var box = row.querySelector("input[name=r]");
        if (box) { event.preventDefault(); box.click(); }
      } else if (key === "t") {
        var ticked = document.querySelector("table[data-queue] tbody input[name=r]:checked");
        var take = ticked ? document.querySelector("[data-shortcut-take]") : row && row.querySelector("button[form=take-form]");
        if (take) { event.preventDefault(); take.click(); }
      }
    });
  }
})();
