// Small page behaviours shared by every page. Everything here is an enhancement: each page
// works without it (forms have submit buttons, tabs are links).
(function () {
  "use strict";

  // <select data-autosubmit> submits its form on change (the language switch).
  document.addEventListener("change", function (event) {
    const select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit();
  });

  // Keep the current profile section visible in a tab strip that scrolls sideways.
  function showCurrentTab(root) {
    root.querySelectorAll(".section-tabs [aria-current='page']").forEach(function (tab) {
      const strip = tab.closest(".section-tabs");
      const left = tab.offsetLeft - (strip.clientWidth - tab.offsetWidth) / 2;
      strip.scrollLeft = Math.max(0, left);
    });
  }
  showCurrentTab(document);

  // The notification bell refreshes itself every minute, but not while its dropdown is open:
  // the swap would close the list under the reader's pointer.
  document.addEventListener("htmx:beforeRequest", function (event) {
    const bell = event.detail.elt;
    if (bell.id === "notification-bell" && bell.querySelector(".dropdown-menu.show")) {
      event.preventDefault();
    }
  });

  // Content swapped in by htmx gets the same treatment.
  document.addEventListener("htmx:afterSwap", function (event) {
    showCurrentTab(event.target);
  });
})();
