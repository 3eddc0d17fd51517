// Saves quiz answers as the learner picks them, so a reload or a closed tab loses nothing.
// The page works without this script: its "Save and finish later" button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.querySelector(".autosave-status");
  var timer = null;

  function save() {
    var data = new FormData(form);
    data.set("action", "save");
    // form.action would name the button called "action": read the attribute instead.
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Autosave": "1" }
    }).then(function (response) {
      if (status) { status.textContent = response.ok ? "Your answers are saved." : ""; }
    }).catch(function () {
      if (status) { status.textContent = "Could not save just now; your answers are still on this page."; }
    });
  }

  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 400);
  });
})();
