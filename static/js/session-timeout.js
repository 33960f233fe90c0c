// Idle-session warning (WCAG 2.2.1). The server ends idle sessions on its own
// (marketplace/session_timeout.py); this only warns before and lets the person stay logged in
// without leaving the page, so nothing typed into a form is lost. No inline script: strict CSP.
(function () {
  "use strict";

  function init(dialog) {
    var remaining = parseInt(dialog.getAttribute("data-remaining"), 10);
    var warning = parseInt(dialog.getAttribute("data-warning"), 10);
    if (isNaN(remaining) || isNaN(warning) || typeof dialog.showModal !== "function") {
      return;
    }
    var form = dialog.querySelector("[data-session-extend]");
    var warningState = dialog.querySelector('[data-session-state="warning"]');
    var expiredState = dialog.querySelector('[data-session-state="expired"]');
    var closeButton = dialog.querySelector("[data-session-close]");
    var returnFocus = null;
    var warnTimer = null;
    var expireTimer = null;

    function open(focusTarget) {
      if (!dialog.open) {
        returnFocus = document.activeElement;
        dialog.showModal();
      }
      if (focusTarget) {
        focusTarget.focus();
      }
    }

    function close() {
      if (dialog.open) {
        dialog.close();
      }
    }

    function showWarning() {
      warningState.hidden = false;
      expiredState.hidden = true;
      open(form.querySelector("button"));
    }

    function showExpired() {
      warningState.hidden = true;
      expiredState.hidden = false;
      open(expiredState.querySelector("[data-session-login]"));
    }

    function schedule(seconds) {
      window.clearTimeout(warnTimer);
      window.clearTimeout(expireTimer);
      warnTimer = window.setTimeout(showWarning, Math.max(0, seconds - warning) * 1000);
      expireTimer = window.setTimeout(showExpired, seconds * 1000);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
      window
        .fetch(form.action, {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": token },
          body: new FormData(form),
        })
        .then(function (response) {
          var json = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
          if (!response.ok || !json) {
            throw new Error("session ended");
          }
          return response.json();
        })
        .then(function (data) {
          close();
          schedule(data.remaining);
        })
        .catch(showExpired);
    });

    closeButton.addEventListener("click", close);
    // However it closes (a button, Escape), focus goes back where the person was. Timers keep
    // running: after Escape the dialog comes back at expiry.
    dialog.addEventListener("close", function () {
      if (returnFocus && typeof returnFocus.focus === "function") {
        returnFocus.focus();
      }
    });

    schedule(remaining);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var dialog = document.querySelector("[data-session-timeout]");
    if (dialog) {
      init(dialog);
    }
  });
})();
