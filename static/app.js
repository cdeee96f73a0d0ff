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
  // A live update swaps in only the plan and the error messages (out of band): mark the fields to match,
  // as the server does on a full page (aria-invalid, and .has-error on a field's wrapper).
  function markInvalid() {
    var inputs = document.querySelectorAll("#planner [aria-describedby^='err-']");
    for (var i = 0; i < inputs.length; i++) {
      var message = document.getElementById(inputs[i].getAttribute("aria-describedby"));
      var bad = !!(message && message.textContent.trim());
      if (bad) inputs[i].setAttribute("aria-invalid", "true"); else inputs[i].removeAttribute("aria-invalid");
      var wrapper = inputs[i].closest(".field");
      if (wrapper) wrapper.classList.toggle("has-error", bad);
    }
  }
  // A change re-plans in the background through the form's own hx-post. htmx would send it to the formaction
  // of the submit button last clicked: after "Save and get a link", to /save a second time (a stored copy
  // whose link nobody gets). The save buttons keep their own hx-sync, so a preview never aborts a save.
  function previewToPlan(evt) {
    var form = evt.detail.elt, trigger = evt.detail.triggeringEvent;
    if (form && form.id === "planner" && trigger && trigger.type === "change") {
      evt.detail.path = form.getAttribute("hx-post");
    }
  }
  document.addEventListener("htmx:configRequest", previewToPlan);
  document.addEventListener("DOMContentLoaded", defaultZone);
  document.addEventListener("htmx:afterSettle", defaultZone);
  document.addEventListener("htmx:afterSettle", markInvalid);
})();
