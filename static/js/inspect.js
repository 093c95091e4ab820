/* The inspector's pages work without this file; it only saves taps.
   - Changing a hazard's level moves its deadline to that level's default
     (general +15 days, major +60), unless the inspector already typed a date. */
(function () {
  "use strict";

  function onLevelChange(event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[name$='level']")) return;
    var form = select.form;
    if (!form) return;
    var prefix = select.name.slice(0, -"level".length);
    var deadline = form.querySelector("input[name='" + prefix + "deadline']");
    if (!deadline) return;
    var general = deadline.getAttribute("data-default-general");
    var major = deadline.getAttribute("data-default-major");
    // Only a date still at a default is ours to move.
    if (deadline.value && deadline.value !== general && deadline.value !== major) return;
    deadline.value = select.value === "major" ? major : general;
  }

  document.addEventListener("change", onLevelChange);
})();
