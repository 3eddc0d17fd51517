// The countdown of a timed attempt. The server fixed the deadline and sent the seconds
// left, so the browser's clock does not matter. Screen readers hear it only as each mark
// passes (10, 5 and 1 minutes, then time up: app/quizzes/deadlines.py), never every second.
// At zero the form is submitted, inside the server's grace period; without this script
// the page shows the deadline's time and the server grades the saved answers.
(function () {
  "use strict";
  var box = document.querySelector("[data-timer]");
  if (!box) { return; }
  var clock = box.querySelector("[data-timer-clock]");
  var say = box.querySelector("[data-timer-announce]");
  var form = document.querySelector("form[data-autosave]");
  var left = parseInt(box.getAttribute("data-seconds-left"), 10);
  var marks = (box.getAttribute("data-announce-at") || "").split(",").map(Number);
  var ends = Date.now() + left * 1000;
  var previous = left;
  var submitted = false;
  box.querySelector(".timer__left").hidden = false;

  function show(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    clock.textContent = m + ":" + (s < 10 ? "0" : "") + s;
  }

  function announcement(before, now) {
    if (before > 0 && now <= 0) { return "Time is up. Your saved answers are being submitted."; }
    for (var i = 0; i < marks.length; i++) {
      if (before > marks[i] && marks[i] >= now) {
        var minutes = marks[i] / 60;
        return minutes + " minute" + (minutes === 1 ? "" : "s") + " left.";
      }
    }
    return null;
  }

  function submit() {
    if (submitted || !form) { return; }
    submitted = true;
    var button = form.querySelector("button[value=submit]");
    // A moment past zero, so the server agrees the deadline has passed (it then accepts
    // unanswered questions); well inside its grace period.
    window.setTimeout(function () {
      if (form.requestSubmit && button) { form.requestSubmit(button); } else { form.submit(); }
    }, 1500);
  }

  function tick() {
    var now = Math.max(0, Math.round((ends - Date.now()) / 1000));
    show(now);
    var words = announcement(previous, now);
    if (words) { say.textContent = words; }
    previous = now;
    if (now <= 0) { submit(); return; }
    window.setTimeout(tick, 1000);
  }

  show(left);
  if (left <= 0) { submit(); } else { window.setTimeout(tick, 1000); }
})();
