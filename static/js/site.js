// Small enhancements; every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Take keyboard and screen-reader users straight to a form's error summary.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }

    // The header's disclosures (<details data-disclosure>) open and close by themselves; this
    // only closes an open one on Escape (focus back on its button) or a click elsewhere.
    var disclosures = document.querySelectorAll("details[data-disclosure]");
    function closeAll(except) {
      disclosures.forEach(function (details) {
        if (details.open && !details.contains(except)) {
          details.open = false;
        }
      });
    }
    document.addEventListener("click", function (event) {
      closeAll(event.target);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      var open = event.target.closest && event.target.closest("details[data-disclosure][open]");
      var button = open && open.querySelector("summary");
      if (button && button.getClientRects().length) {  // a wide screen hides the "Menu" button
        open.open = false;
        button.focus();
      }
    });
  });
})();
