// BKPP attendance grid: each switch saves through htmx (hx-post on the switch). When the server
// refuses a tick (400) or cannot be reached, put the switch back as it was and say so beside it,
// so the grid never shows a mark that was not saved. The page works without this file: the grid
// is then a plain form with a "Save attendance" button.
(function () {
  "use strict";

  function showProblem(input, text) {
    const cell = input.closest("td") || input.parentElement;
    let note = cell.querySelector(".attendance-problem");
    if (!note) {
      note = document.createElement("div");
      note.className = "attendance-problem invalid-feedback d-block";
      note.setAttribute("role", "alert");
      cell.appendChild(note);
    }
    note.textContent = text;
  }

  function undo(event) {
    const input = event.detail && event.detail.elt;
    if (!input || !input.matches("#attendance-grid input[type=checkbox][name=present]")) return;
    input.checked = !input.checked;
    const xhr = event.detail.xhr;
    const text = (xhr && xhr.responseText && xhr.responseText.length < 300 && xhr.responseText) ||
      input.closest("#attendance-grid").dataset.errorText || "";
    showProblem(input, text);
  }

  document.addEventListener("htmx:responseError", undo);
  document.addEventListener("htmx:sendError", undo);
})();
