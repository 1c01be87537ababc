// Reports: the print button of the print view. The page prints with the browser's own
// menu too; this only saves a step.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
