// The actions of a page's header, enhanced: the "More" list becomes a menu (keyboard
// as WAI-ARIA's menu button pattern), and links marked data-dialog open their action's
// page in the page's <dialog>, fetched and posted with an HX-Request header (GWM
// answers with the dialog's content, or HX-Redirect once the request is recorded).
// Without JavaScript the links go to the action's own page and the list stays a list.
"use strict";
(function () {
  // -- the "More" menu ---------------------------------------------------------------
  function parts(menu) {
    return { button: menu.querySelector(".menu-button"), list: menu.querySelector(".menu-list") };
  }

  function items(menu) {
    return Array.from(parts(menu).list.querySelectorAll("[role=menuitem]"));
  }

  function enhanceMenus(root) {
    root.querySelectorAll("[data-menu]").forEach(function (menu) {
      if (menu.dataset.enhanced) return;
      menu.dataset.enhanced = "yes";
      var p = parts(menu);
      p.button.hidden = false;
      p.button.setAttribute("aria-haspopup", "menu");
      p.button.setAttribute("aria-expanded", "false");
      p.list.setAttribute("role", "menu");
      p.list.removeAttribute("aria-label");
      p.list.setAttribute("aria-labelledby", p.button.id);
      p.list.hidden = true;
      p.list.querySelectorAll("li:not([role=separator])").forEach(function (li) {
        li.setAttribute("role", "none");
      });
      p.list.querySelectorAll("a").forEach(function (a) {
        a.setAttribute("role", "menuitem");
        a.tabIndex = -1;
      });
    });
  }

  function openMenu(menu, which) {
    var p = parts(menu);
    p.list.hidden = false;
    p.button.setAttribute("aria-expanded", "true");
    var all = items(menu);
    if (all.length) all[which === "last" ? all.length - 1 : 0].focus();
  }

  function closeMenu(menu, returnFocus) {
    var p = parts(menu);
    if (p.list.hidden) return;
    p.list.hidden = true;
    p.button.setAttribute("aria-expanded", "false");
    if (returnFocus) p.button.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".menu-button");
    var menu = button && button.closest("[data-menu][data-enhanced]");
    if (menu) {
      // Enter and Space activate the button too (a click): open on the first item.
      if (parts(menu).list.hidden) openMenu(menu, "first");
      else closeMenu(menu, true);
      return;
    }
    document.querySelectorAll("[data-menu][data-enhanced]").forEach(function (other) {
      if (!other.contains(event.target)) closeMenu(other, false);
    });
  });

  document.addEventListener("keydown", function (event) {
    var button = event.target.closest && event.target.closest(".menu-button");
    var menu = event.target.closest && event.target.closest("[data-menu][data-enhanced]");
    if (!menu) return;
    if (button) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        openMenu(menu, event.key === "ArrowUp" ? "last" : "first");
      }
      return;
    }
    var all = items(menu);
    var at = all.indexOf(event.target);
    if (at < 0) return;
    var next = null;
    if (event.key === "ArrowDown") next = (at + 1) % all.length;
    else if (event.key === "ArrowUp") next = (at - 1 + all.length) % all.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = all.length - 1;
    else if (event.key === "Escape") {
      event.preventDefault();
      closeMenu(menu, true);
    } else if (event.key === "Tab") {
      closeMenu(menu, false);
    } else if (event.key === " ") {
      event.preventDefault();
      all[at].click();
    }
    if (next !== null) {
      event.preventDefault();
      all[next].focus();
    }
  });

  // -- the action dialog ---------------------------------------------------------------
  var opener = null;

  function dialog() {
    return document.getElementById("action-dialog");
  }

  function show(html) {
    var d = dialog();
    d.querySelector(".dialog-body").innerHTML = html;
    if (d.querySelector("#action-dialog-title")) {
      d.setAttribute("aria-labelledby", "action-dialog-title");
    }
    if (!d.open) d.showModal();
    focusFirst(d);
  }

  function focusFirst(d) {
    // A field first; with none, Cancel for a destructive step, else its button.
    var field = d.querySelector(
      ".dialog-body input:not([type=hidden]), .dialog-body select, .dialog-body textarea",
    );
    var danger = d.querySelector(".dialog-body button.danger");
    var target = field || (danger && d.querySelector("[data-dialog-close]")) ||
      d.querySelector(".dialog-body button, .dialog-body a[href]");
    if (target) target.focus();
  }

  // The dialog's text `key` in the page's language (data-msg-<key>), else `english`.
  function text(key, english) {
    var d = dialog();
    return (d && d.dataset["msg" + key.charAt(0).toUpperCase() + key.slice(1)]) || english;
  }

  function failed(status, url) {
    var body = document.createElement("div");
    var heading = document.createElement("h2");
    heading.id = "action-dialog-title";
    heading.textContent = text("failed", "GWM could not show this here");
    var answer = document.createElement("p");
    answer.textContent = text("answered", "It answered {status}.").replace("{status}", status) + " ";
    var link = document.createElement("a");
    link.href = url;
    link.textContent = text("open", "Open its page");
    answer.appendChild(link);
    var buttons = document.createElement("p");
    buttons.className = "dialog-buttons";
    var close = document.createElement("a");
    close.href = "#";
    close.setAttribute("data-dialog-close", "");
    close.textContent = text("close", "Close");
    buttons.appendChild(close);
    body.append(heading, answer, buttons);
    show(body.innerHTML);
  }

  function load(url, init) {
    init.headers = { "HX-Request": "true" };
    init.credentials = "same-origin";
    return fetch(url, init).then(function (response) {
      var next = response.headers.get("HX-Redirect");
      if (next) {
        window.location.assign(next);
        return;
      }
      // The action's views answer the dialog with its content: a form (400 with its
      // errors), a confirmation, or why not now (409). Anything else is a whole page.
      if ([200, 400, 409].indexOf(response.status) < 0) {
        failed(response.status, url);
        return;
      }
      return response.text().then(show);
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-dialog]");
    var d = dialog();
    if (!link || !d || typeof d.showModal !== "function") return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    var menu = link.closest("[data-menu][data-enhanced]");
    opener = menu ? parts(menu).button : link;
    if (menu) closeMenu(menu, false);
    load(link.href, {}).catch(function () {
      window.location.assign(link.href); // the plain page, then
    });
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-dialog-close]");
    var d = dialog();
    if (close && d && d.contains(close)) {
      event.preventDefault();
      d.close();
    }
  });

  document.addEventListener("submit", function (event) {
    var d = dialog();
    var form = event.target;
    if (!d || !d.contains(form)) return;
    event.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    form.querySelectorAll("button").forEach(function (b) {
      b.disabled = true;
    });
    load(form.action, { method: "POST", body: data }).catch(function () {
      form.submit(); // the plain POST, then
    });
  });

  // showModal makes the page behind inert; Tab past the dialog's last control would
  // still leave the document (for the browser's own bar): keep it going round.
  document.addEventListener("keydown", function (event) {
    var d = dialog();
    if (event.key !== "Tab" || !d || !d.open) return;
    var stops = Array.from(
      d.querySelectorAll("a[href], button:not([disabled]), input:not([type=hidden]), select, textarea"),
    );
    if (!stops.length) return;
    var first = stops[0];
    var last = stops[stops.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });

  function onClose() {
    var d = dialog();
    d.querySelector(".dialog-body").innerHTML = "";
    d.removeAttribute("aria-labelledby");
    if (opener && document.contains(opener)) opener.focus();
    opener = null;
  }

  function init() {
    enhanceMenus(document);
    var d = dialog();
    if (d) d.addEventListener("close", onClose);
    // Parts htmx swaps in (the VM page's actions, fetched again when the VM changed).
    document.body.addEventListener("htmx:load", function (event) {
      enhanceMenus(event.detail.elt.parentNode || document);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
