// Unobtrusive behaviour; every page works without it.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-target]") : null;
    if (!button) return;
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) return;
    var text = target.value || target.textContent;
    var done = function () {
      button.setAttribute("data-copied", "true");
      var status = document.getElementById(button.getAttribute("data-copy-status") || "");
      if (status) status.textContent = "コピーしました。";
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {
        if (target.select) { target.select(); }
        done();
      });
    } else {
      if (target.select) { target.select(); document.execCommand("copy"); }
      done();
    }
  });
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
})();
// After a refused form, take the keyboard to the error summary at its top.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) { summary.focus(); }
})();
// A table wider than its box scrolls in it: make that box reachable by keyboard (WCAG 2.1.1).
(function () {
  "use strict";
  function label(box) {
    var caption = box.querySelector("caption");
    return caption ? caption.textContent.trim() : "表(横にスクロールできます)";
  }
  function mark() {
    document.querySelectorAll("main table, main .table-scroll").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        if (box.tagName !== "TABLE") { box.setAttribute("role", "region"); }
        box.setAttribute("aria-label", label(box));
        box.setAttribute("data-scroll-box", "");
      } else if (!scrolls && box.hasAttribute("data-scroll-box")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-box");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();
