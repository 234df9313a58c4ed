// Shows only the parameters of the chosen operation (without JavaScript every group shows,
// each under its own legend) and says "Running…" while the gateway works.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.run");
  if (!form) return;
  const groups = form.querySelectorAll("fieldset[data-for]");
  const show = () => {
    const chosen = form.querySelector("input[name=operation]:checked");
    groups.forEach((group) => {
      group.hidden = chosen !== null && group.dataset.for !== chosen.value;
    });
  };
  form.addEventListener("change", show);
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "Running…";
  });
  show();
});
