// Sends the deep-linking reply back to the platform at once (the button stays for no-JS).
document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
  form.submit();
});
