// Print buttons ([data-print]) on printable records (market dialogue, evaluation report). The
// pages print fine from the browser's menu without this file. A static file, not an onclick
// attribute: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
