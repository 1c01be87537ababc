// Activity forms: show the fields that apply to the chosen category. Without JS every field is
// shown and the server ignores (or explains) the ones that do not apply.
(function () {
  "use strict";

  function wrapperOf(el) {
    return el ? el.closest(".field") || el.parentNode : null;
  }

  function setHidden(el, hidden) {
    if (el) el.hidden = hidden;
  }

  function setupActivityForm(form) {
    var block = form.querySelector("#block");
    var category = form.querySelector("#category");
    var kind = form.querySelector("#kind");
    var dateOnly = (form.getAttribute("data-date-only") || "").split(",").filter(Boolean);
    var timeInputs = ["start_time", "end_time"].map(function (id) {
      return form.querySelector("#" + id);
    }).filter(Boolean);
    var councilKinds = ["council", "secretariat"];
    var hqKinds = ["wg", "pt", "tf"];

    function isHq() {
      if (block) return block.value === "";
      return form.getAttribute("data-hq") === "1";
    }

    function update() {
      var hq = isHq();
      var code = category ? category.value : "council";
      var allDateOnly = dateOnly.indexOf("all") !== -1;
      var onlyDate = !hq && (allDateOnly || dateOnly.indexOf(code) !== -1);
      timeInputs.forEach(function (input) {
        var wrapper = wrapperOf(input);
        if (onlyDate && input.value) input.value = "";
        setHidden(wrapper, onlyDate);
      });
      setHidden(form.querySelector(".js-category"), hq);
      if (kind) {
        var usesKind = hq || code === "council";
        setHidden(form.querySelector(".js-kind"), !usesKind);
        var allowed = hq ? hqKinds : councilKinds;
        Array.prototype.forEach.call(kind.options, function (option) {
          var ok = option.value === "" || allowed.indexOf(option.value) !== -1;
          option.hidden = !ok;
          option.disabled = !ok;
        });
        if (kind.value && allowed.indexOf(kind.value) === -1) kind.value = "";
      }
      setHidden(form.querySelector(".js-measures"), hq || code !== "briefing");
      setHidden(form.querySelector(".js-national"), !block || block.value !== "national");
    }

    [block, category].forEach(function (el) {
      if (el) el.addEventListener("change", update);
    });
    update();
  }

  function setupUploadForm(form) {
    var input = form.querySelector("input[type=file]");
    var message = form.querySelector(".upload-form__client-error");
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (!input || !message || !max) return;
    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (file && file.size > max) {
        event.preventDefault();
        message.textContent = "ファイルが大きすぎます。添付できるのは1ファイル" +
          form.getAttribute("data-max-label") + "までです。";
        message.hidden = false;
        input.focus();
      }
    });
    input.addEventListener("change", function () { message.hidden = true; });
  }

  document.querySelectorAll("form[data-activity-form]").forEach(setupActivityForm);
  document.querySelectorAll("form.upload-form").forEach(setupUploadForm);
})();
