/* Progressive enhancement only: every page works without it. No inline script (CSP 'self'). */
(function () {
  "use strict";

  // The same as the server's chassis.i18n.format_money: "1\u00a0234,50\u00a0$" (fr), "$1,234.50" (en).
  function money(value, lang) {
    var parts = Math.abs(value).toFixed(2).split(".");
    var sign = value < 0 ? "-" : "";
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, lang === "en" ? "," : "\u00a0");
    if (lang === "en") { return sign + "$" + whole + "." + parts[1]; }
    return sign + whole + "," + parts[1] + "\u00a0$";
  }

  // Payment tab: live total, card fields and instructions that follow the chosen method (C8, C9).
  function paymentForm(form) {
    var unit = parseFloat(form.getAttribute("data-unit-price") || "2");
    var count = parseInt(form.getAttribute("data-count") || "0", 10);
    // the card minimum comes from the quote (the billing setting); without it the card option stays shown
    var minimumText = form.getAttribute("data-card-minimum");
    var minimum = minimumText ? parseFloat(minimumText) : null;
    var lang = form.getAttribute("data-lang") || "fr";
    var output = form.querySelector("[data-total]");
    var method = form.querySelector("select[name=payment_method]");
    var total = unit * count;
    if (output) { output.textContent = money(total, lang); }
    function follow() {
      var chosen = method ? method.value : "";
      form.querySelectorAll("[data-when-method]").forEach(function (el) {
        var wanted = el.getAttribute("data-when-method").split(" ");
        var show = wanted.indexOf(chosen) !== -1 && (chosen !== "credit_card" || minimum === null || total >= minimum);
        el.hidden = !show;
        el.querySelectorAll("input").forEach(function (input) { input.disabled = !show; });
      });
    }
    if (method) { method.addEventListener("change", follow); }
    follow();
  }

  // Session form: the institution list replaces the free-text name for accredited institutions (C5).
  function institutionToggle(select) {
    var form = select.form;
    function follow() {
      var option = select.options[select.selectedIndex];
      var needs = option && option.getAttribute("data-requires-institution") === "1" ? "1" : "0";
      form.querySelectorAll("[data-when-institution]").forEach(function (el) {
        el.hidden = el.getAttribute("data-when-institution") !== needs;
      });
    }
    select.addEventListener("change", follow);
    follow();
  }

  // Type-ahead on registered users (P4, P6): suggestions from the server, keyboard friendly.
  function typeahead(box) {
    var input = box.querySelector("input[type=search]");
    var hidden = box.querySelector(".typeahead-value");
    var list = box.querySelector(".suggestions");
    var source = box.getAttribute("data-source");
    var timer = null, active = -1, items = [];

    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    function choose(item) {
      clearTimeout(timer);
      input.value = item.label; hidden.value = item.id; close();
    }
    function render() {
      list.innerHTML = "";
      items.forEach(function (item, index) {
        var li = document.createElement("li");
        li.id = list.id + "-" + index;
        li.setAttribute("role", "option");
        li.textContent = item.label;
        if (index === active) { li.setAttribute("aria-selected", "true"); input.setAttribute("aria-activedescendant", li.id); }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }
    function fetchItems() {
      var q = input.value.trim();
      if (q.length < 2) { items = []; render(); return; }
      fetch(source + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          // An answer for a query no longer typed, or arriving after a pick, would reopen a stale list
          // over the page: it is dropped.
          if (hidden.value || input.value.trim() !== q) { return; }
          items = data.items || []; active = -1; render();
        })
        .catch(function () { if (!hidden.value) { items = []; render(); } });
    }
    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(fetchItems, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { active = Math.min(active + 1, items.length - 1); render(); event.preventDefault(); }
      else if (event.key === "ArrowUp") { active = Math.max(active - 1, 0); render(); event.preventDefault(); }
      else if (event.key === "Enter" && active >= 0) { choose(items[active]); event.preventDefault(); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  // A form that waits on the server (the payment: invoice, then card): the button is disabled and a
  // polite status says so, which also stops a second submission. Without script the form posts as is.
  function busyForm(form) {
    var status = form.querySelector("[data-busy-status]");
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) { return; }
      if (form.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
      form.setAttribute("aria-busy", "true");
      if (status) { status.textContent = form.getAttribute("data-busy"); }
      // after this submit has been taken by the browser, so the button's own value still goes with it
      setTimeout(function () {
        form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
          button.disabled = true;
          button.setAttribute("aria-disabled", "true");
        });
      }, 0);
    });
  }

  // Back to a page kept in the browser's memory: its form can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-busy][aria-busy=true]").forEach(function (form) {
      form.removeAttribute("aria-busy");
      var status = form.querySelector("[data-busy-status]");
      if (status) { status.textContent = ""; }
      form.querySelectorAll("button[disabled]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
      });
    });
  });

  // Confirmation before a destructive button.
  function confirmations(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-live-total]").forEach(paymentForm);
    document.querySelectorAll("select[data-institution-toggle]").forEach(institutionToggle);
    document.querySelectorAll(".typeahead").forEach(typeahead);
    document.querySelectorAll("form[data-confirm]").forEach(confirmations);
    document.querySelectorAll("form[data-busy]").forEach(busyForm);
  });
})();

/* Confirmation with a server-side step (reissue, "Marquer expédiée"): a form with data-confirm-step
   also works without JavaScript, the server then asks on a confirmation page. Once the browser's
   confirm dialog (data-confirm, above) said yes, mark the form confirmed so the server acts at once.
   Registered after the handlers above, so a refused dialog has already cancelled the submit. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-confirm][data-confirm-step]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) { return; }
        var field = form.querySelector("input[name=confirmed]");
        if (field) { field.value = "1"; }
      });
    });
  });
})();
