// Pause and ground without leaving the page: the Pause control opens the grounding
// exercise in a dialog, so scroll position and unsaved answers stay exactly as they were,
// and closing it returns focus to the control. Without this script (or without <dialog>),
// the control is a link (lessons) or a save-then-pause button (quizzes) to the Pause page.
(function () {
  "use strict";
  var dialog = document.getElementById("pause-dialog");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var opener = null;
  document.querySelectorAll("[data-js-only]").forEach(function (control) {
    control.hidden = false;
  });
  document.querySelectorAll("[data-pause]").forEach(function (control) {
    control.addEventListener("click", function (event) {
      event.preventDefault();
      opener = control;
      dialog.showModal();
    });
  });
  dialog.addEventListener("close", function () {
    if (opener) { opener.focus(); }
  });
})();
