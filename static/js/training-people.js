// Training pages of employees, supervisors and operators. Enhancements only: each page works
// without this file.
(function () {
  "use strict";

  // <input type="checkbox" data-select-all="NAME"> ticks or unticks every checkbox named NAME
  // (the approval inbox's "select all"), and follows them when they are ticked one by one.
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    const name = master.getAttribute("data-select-all");
    const boxes = function () {
      return Array.from(document.querySelectorAll('input[type="checkbox"][name="' + name + '"]'));
    };
    master.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = master.checked; });
    });
    document.addEventListener("change", function (event) {
      if (event.target.name !== name) return;
      const all = boxes();
      const ticked = all.filter(function (box) { return box.checked; }).length;
      master.checked = ticked === all.length;
      master.indeterminate = ticked > 0 && ticked < all.length;
    });
  });
})();
