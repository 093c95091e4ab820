/* Progressive enhancement for the ledger pages. Every page works without it.
   Loaded from static/ (the Content-Security-Policy allows only 'self' scripts). */
(function () {
  "use strict";

  // Filter panels start open on a wide screen, folded on a phone.
  function openOnDesktop() {
    if (!window.matchMedia("(min-width: 900px)").matches) return;
    document.querySelectorAll("details[data-open-desktop]").forEach(function (d) { d.open = true; });
  }

  // New hazard: the deadline follows the level (15 / 60 days) until edited by hand,
  // and a major hazard's emergency plan is marked required.
  function deadlineByLevel() {
    var deadline = document.querySelector("input[data-default-general]");
    if (!deadline) return;
    var plan = document.querySelector("[data-field='emergency_plan']");
    var touched = false;
    deadline.addEventListener("input", function () { touched = true; });
    document.querySelectorAll("input[name='level']").forEach(function (radio) {
      function sync() {
        if (!radio.checked) return;
        if (plan) plan.classList.toggle("is-required", radio.value === "major");
        if (touched) return;
        var value = deadline.getAttribute("data-default-" + radio.value);
        if (value) deadline.value = value;
      }
      radio.addEventListener("change", sync);
      if (radio.checked && plan) plan.classList.toggle("is-required", radio.value === "major");
    });
  }

  // Review: the comment and the new deadline matter only when the result is "fail".
  function reviewForm() {
    document.querySelectorAll(".review-form").forEach(function (form) {
      var radios = form.querySelectorAll("input[name$='result']");
      var deadline = form.querySelector("[data-field='new_deadline']");
      var comment = form.querySelector("[data-field='comment']");
      function sync() {
        var checked = form.querySelector("input[name$='result']:checked");
        var failing = !checked || checked.value === "fail";
        if (deadline) deadline.hidden = !failing;
        if (comment) comment.classList.toggle("is-required", !!checked && checked.value === "fail");
      }
      radios.forEach(function (r) { r.addEventListener("change", sync); });
      sync();
    });
  }

  // Thumbnails of the photos picked, before they are uploaded.
  function photoPreview() {
    document.querySelectorAll("[data-preview-for]").forEach(function (box) {
      var input = document.getElementById(box.getAttribute("data-preview-for"));
      if (!input || !window.URL || !URL.createObjectURL) return;
      input.addEventListener("change", function () {
        box.replaceChildren();
        Array.prototype.slice.call(input.files || [], 0, 10).forEach(function (file) {
          if (!/^image\//.test(file.type)) return;
          var img = document.createElement("img");
          img.alt = file.name;
          img.src = URL.createObjectURL(file);
          img.addEventListener("load", function () { URL.revokeObjectURL(img.src); });
          box.appendChild(img);
        });
      });
    });
  }

  // A form is sent once: the button is disabled while the page loads (phones on slow links).
  function submitOnce() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.method.toLowerCase() !== "post") return;
      var button = event.submitter || form.querySelector("button[type=submit], button:not([type])");
      if (!button) return;
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
    // Coming back through the history: the buttons work again.
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form button[disabled]").forEach(function (b) { b.disabled = false; });
    });
  }

  // A form sent back with errors: focus moves to its summary (role="alert"), so a screen
  // reader reads it and the keyboard goes on from there to the fields marked in red.
  function focusErrors() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    // The skip link's "#main", kept in the address by a form that posts back to it, moves
    // the focus to <main> once the page has loaded: take it back to the summary.
    window.addEventListener("load", function () {
      var active = document.activeElement;
      if (!active || active === document.body || active.id === "main") summary.focus();
    });
  }

  function init() {
    focusErrors();
    openOnDesktop();
    deadlineByLevel();
    reviewForm();
    photoPreview();
    submitOnce();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
