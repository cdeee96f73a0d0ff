// Backstride's only script of its own (htmx does the rest). No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  function defaultZone() {
    var field = document.getElementById("f-timezone");
    if (!field || field.dataset.browserDefault !== "yes") return;
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && field.value !== zone) field.value = zone;
    } catch (e) { /* keep the server's default */ }
    field.dataset.browserDefault = "done";
  }
  document.addEventListener("DOMContentLoaded", defaultZone);
  document.addEventListener("htmx:afterSettle", defaultZone);
})();
