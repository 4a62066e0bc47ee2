// Careers pages: ticking candidates to propose them together. Enhancements only: the page
// works without this file (the server refuses an empty selection with a message).
(function () {
  "use strict";

  function boxes(name) {
    return Array.from(document.querySelectorAll('input[type="checkbox"][name="' + name + '"]:not(:disabled)'));
  }

  // Keep "select all", the count on the submit button and its enabled state in step with
  // the ticked boxes. Listeners sit on the document, so rows swapped in by htmx follow too.
  function refresh(name) {
    const all = boxes(name);
    const ticked = all.filter(function (box) { return box.checked; }).length;
    document.querySelectorAll('[data-select-all="' + name + '"]').forEach(function (master) {
      master.checked = all.length > 0 && ticked === all.length;
      master.indeterminate = ticked > 0 && ticked < all.length;
      master.disabled = all.length === 0;
    });
    document.querySelectorAll('[data-selected-count="' + name + '"]').forEach(function (badge) {
      badge.textContent = String(ticked);
    });
    document.querySelectorAll('[data-bulk-submit="' + name + '"]').forEach(function (button) {
      button.disabled = ticked === 0;
    });
  }

  function refreshAll() {
    document.querySelectorAll("[data-select-all]").forEach(function (master) {
      refresh(master.getAttribute("data-select-all"));
    });
  }

  document.addEventListener("change", function (event) {
    const master = event.target.closest("[data-select-all]");
    if (master) {
      const name = master.getAttribute("data-select-all");
      boxes(name).forEach(function (box) { box.checked = master.checked; });
      refresh(name);
      return;
    }
    if (event.target.matches('input[type="checkbox"][name]')) refresh(event.target.name);
  });

  document.addEventListener("htmx:afterSwap", refreshAll);
  refreshAll();
})();
