// User form: show the block field for a secretariat and the agency field for a member only.
// Without JavaScript both stay visible and the server checks the combination.
(function () {
  "use strict";
  var form = document.querySelector("[data-role-form]");
  if (!form) return;
  var role = form.querySelector("select[name=role]");
  if (!role) return;
  var update = function () {
    form.querySelectorAll(".role-dependent").forEach(function (el) {
      el.hidden = !el.classList.contains("role-" + role.value);
    });
  };
  role.addEventListener("change", update);
  update();
})();
