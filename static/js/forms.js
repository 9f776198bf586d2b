// A form marked data-submit-once sends once: a double click on "Sign in" would send the
// old session cookie twice, and the second request would find that session gone.
(function () {
  "use strict";
  document.querySelectorAll("form[data-submit-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit]").forEach((button) => {
        button.setAttribute("aria-disabled", "true");
      });
    });
  });
})();
