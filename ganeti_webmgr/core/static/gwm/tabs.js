// Tabs that are links (each tab has its own address, rendered by the server), with the
// keyboard of WAI-ARIA's tabs pattern, manual activation: one tab stop, arrow keys (and
// Home, End) move between the tabs, Enter or Space opens the focused one. After a tab
// opened by keyboard, focus comes back to it on the new page.
"use strict";
(function () {
  var KEY = "gwm-tab-focus";

  function init() {
    document.querySelectorAll("[role=tablist][data-tabs]").forEach(function (list) {
      var tabs = Array.from(list.querySelectorAll("[role=tab]"));
      if (!tabs.length) return;
      var selected = tabs.filter(function (t) {
        return t.getAttribute("aria-selected") === "true";
      })[0] || tabs[0];
      tabs.forEach(function (t) {
        t.tabIndex = t === selected ? 0 : -1;
      });
      if (list.id && sessionStorage.getItem(KEY) === list.id) {
        sessionStorage.removeItem(KEY);
        selected.focus();
      }
      list.addEventListener("keydown", function (event) {
        var at = tabs.indexOf(document.activeElement);
        if (at < 0) return;
        var next = null;
        if (event.key === "ArrowRight") next = (at + 1) % tabs.length;
        else if (event.key === "ArrowLeft") next = (at - 1 + tabs.length) % tabs.length;
        else if (event.key === "Home") next = 0;
        else if (event.key === "End") next = tabs.length - 1;
        if (next !== null) {
          event.preventDefault();
          tabs[at].tabIndex = -1;
          tabs[next].tabIndex = 0;
          tabs[next].focus();
        } else if (event.key === " " || event.key === "Enter") {
          event.preventDefault();
          if (list.id) sessionStorage.setItem(KEY, list.id);
          tabs[at].click();
        }
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
