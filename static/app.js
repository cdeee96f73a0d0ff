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
  // Bring the result into view and move focus to its heading (for screen readers too) when it changes after a
  // submit, a relaxation, or an answer about pain or safety; urgent advice always. Other edits leave focus where
  // the runner is typing.
  var focusResult = false;
  function noteTrigger(evt) {
    var trigger = evt.detail.triggeringEvent, target = trigger && trigger.target;
    focusResult = !!trigger && (trigger.type === "submit" || trigger.type === "click" ||
      (trigger.type === "change" && !!target && !!target.closest && !!target.closest("[data-focus-result]")));
  }
  function showResult() {
    var plan = document.getElementById("plan");
    if (!plan) return;
    var heading = plan.querySelector(".result-heading");
    var urgent = !!plan.querySelector(".advice");
    if (heading && (focusResult || urgent)) {
      heading.focus({preventScroll: true});
      heading.scrollIntoView({block: "start"});
      hideCue();
    } else if (heading && heading.getBoundingClientRect().top > window.innerHeight) {
      showCue();  // the plan changed out of sight (below the form on a phone): say so, one tap away
    }
    focusResult = false;
  }
  function showCue() {
    var cue = document.getElementById("plan-updated");
    if (cue) cue.hidden = false;
  }
  function hideCue() {
    var cue = document.getElementById("plan-updated");
    if (cue) cue.hidden = true;
  }
  function cueClicked(evt) {
    if (!evt.target || !evt.target.closest || !evt.target.closest("#plan-updated")) return;
    evt.preventDefault();
    hideCue();
    var heading = document.querySelector("#plan .result-heading");
    if (heading) { heading.focus({preventScroll: true}); heading.scrollIntoView({block: "start"}); }
  }
  // "None of these apply" answers the safety group in one tap: it clears any ticked question (which the CSS
  // then folds away) and re-plans once.
  function answerNone(evt) {
    var el = evt.target;
    if (!el || el.id !== "f-screening_none" || !el.checked) return;
    var boxes = document.querySelectorAll("#planner input[name=flags]:checked");
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = false;
  }
  // A folded section names its answer in its summary: keep that line true while boxes are ticked.
  function updateAnswer(evt) {
    var section = evt.target && evt.target.closest && evt.target.closest("details.section");
    var answer = section && section.querySelector(".section-answer[data-none]");
    if (!answer) return;
    var names = [], boxes = section.querySelectorAll("input[type=checkbox]:checked");
    for (var i = 0; i < boxes.length; i++) names.push(boxes[i].parentNode.textContent.trim());
    answer.textContent = names.length ? names.join(", ") : answer.getAttribute("data-none");
  }
  // The private link is selectable text without JavaScript; with it, one tap copies it.
  function setUpCopy() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      if (!navigator.clipboard) continue;
      buttons[i].hidden = false;
      buttons[i].onclick = copyLink;
    }
  }
  function copyLink(evt) {
    var button = evt.currentTarget, field = document.getElementById(button.getAttribute("data-copy"));
    var done = button.parentNode.querySelector(".copy-done");
    navigator.clipboard.writeText(field.value).then(function () {
      if (done) done.textContent = "Copied.";
    }, function () {
      field.select();
      if (done) done.textContent = "Select the link and copy it.";
    });
  }
  document.addEventListener("change", answerNone, true);
  document.addEventListener("click", cueClicked);
  window.addEventListener("scroll", function () {
    var heading = document.querySelector("#plan .result-heading");
    if (heading && heading.getBoundingClientRect().top < window.innerHeight) hideCue();
  }, {passive: true});
  document.addEventListener("change", updateAnswer);
  document.addEventListener("htmx:configRequest", noteTrigger);
  document.addEventListener("htmx:afterSettle", showResult);
  document.addEventListener("DOMContentLoaded", setUpCopy);
  document.addEventListener("htmx:configRequest", previewToPlan);
  document.addEventListener("DOMContentLoaded", defaultZone);
  document.addEventListener("htmx:afterSettle", defaultZone);
  document.addEventListener("htmx:afterSettle", markInvalid);
})();
