// Drafts: every form marked data-draft="key" keeps what was typed in this device's
// localStorage until the server accepts it, so a lost connection or a failed save never
// loses a TA's notes. Cleared when the server answers with a success fragment. Tablets are
// shared: drafts belong to the person logged in, last 12 hours, and go at logout.
(function () {
  "use strict";
  var PREFIX = "sendesk-draft:";
  // Everything this product keeps on a device: form drafts, and observations in progress
  // (observe.js). All of it goes at logout and after 12 hours.
  var KEPT = [PREFIX, "sendesk-observe:"];
  var MAX_AGE_MS = 12 * 60 * 60 * 1000;
  function user() { return document.body.dataset.user || "anon"; }
  function key(name) { return PREFIX + user() + ":" + name; }
  function forEachDraft(fn) {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var k = localStorage.key(i);
        if (k && KEPT.some(function (p) { return k.indexOf(p) === 0; })) fn(k);
      }
    } catch (e) { /* storage unavailable */ }
  }
  function purge(all) {
    forEachDraft(function (k) {
      var stale = all;
      if (!stale) {
        try {
          var kept = JSON.parse(localStorage.getItem(k));
          stale = Date.now() - (kept.at || kept.started) > MAX_AGE_MS;
        }
        catch (e) { stale = true; }
      }
      if (stale) localStorage.removeItem(k);
    });
  }
  function save(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      (data[name] = data[name] || []).push(value);
    });
    try { localStorage.setItem(key(form.dataset.draft), JSON.stringify({at: Date.now(), data: data})); }
    catch (e) { /* private mode */ }
  }
  function restore(form) {
    var raw;
    try { raw = localStorage.getItem(key(form.dataset.draft)); } catch (e) { return; }
    if (!raw || form.dataset.restored) return;
    form.dataset.restored = "1";
    // A form that came back with its errors holds what was typed, from the server: a
    // draft would only overwrite what the person is correcting now.
    var parent = form.parentNode;
    if (form.querySelector(".error-summary") || (parent && parent.querySelector(".error-summary"))) return;
    var data;
    try { data = JSON.parse(raw).data; } catch (e) { return; }
    if (!data) return;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.name === "csrfmiddlewaretoken") return;
      var values = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.type !== "hidden" || el.name === "client_id") {
        el.value = values[0];
      }
    });
    var note = form.querySelector(".draft-note");
    if (note) note.hidden = false;
  }
  function init(root) {
    // Clear first: a success fragment that also holds a fresh form must not refill it.
    root.querySelectorAll("[data-draft-clear]").forEach(function (el) {
      try { localStorage.removeItem(key(el.dataset.draftClear)); } catch (e) { /* */ }
    });
    // My day's cards load their form when opened: say which have notes kept here.
    root.querySelectorAll("[data-draft-pending]").forEach(function (el) {
      var kept = null;
      try { kept = localStorage.getItem(key(el.dataset.draftPending)); } catch (e) { /* */ }
      el.hidden = !kept;
    });
    root.querySelectorAll("form[data-draft]").forEach(function (form) {
      restore(form);
      if (form.dataset.draftBound) return;
      form.dataset.draftBound = "1";
      form.addEventListener("input", function () { save(form); });
      form.addEventListener("change", function () { save(form); });
    });
  }
  // A form that failed comes back with its error summary at the top: move focus there,
  // so a screen reader announces it and the keyboard starts from it (every page, one rule;
  // without script the summary is still the first thing in the form). Swapped-in content
  // (htmx) gets the same treatment.
  function focusErrors(root) {
    var summary = root.querySelector ? root.querySelector(".error-summary") : null;
    if (!summary && root.classList && root.classList.contains("error-summary")) summary = root;
    if (!summary) return;
    if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
  document.addEventListener("DOMContentLoaded", function () {
    purge(false);
    init(document);
    focusErrors(document);
    var logout = document.querySelector("form.logout");
    if (logout) logout.addEventListener("submit", function () { purge(true); });
  });
  // The phone menu and the bar's groups (Staff, Your account) are <details> (they work
  // with no script); with script, Escape closes the innermost open one and gives focus
  // back to its button, and a tap outside closes them.
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") return;
    var open = document.querySelector(".nav-group > details[open]") ||
      document.querySelector("details.menu[open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
  document.addEventListener("click", function (evt) {
    document.querySelectorAll("details.menu[open], .nav-group > details[open]").forEach(
      function (open) { if (!open.contains(evt.target)) open.open = false; });
  });
  document.addEventListener("htmx:load", function (evt) {
    init(evt.target);
    if (evt.target !== document.body) focusErrors(evt.target);
  });
  // Form errors come back as 422 with the form re-rendered: show them (htmx does not
  // swap 4xx answers by default).
  document.addEventListener("htmx:beforeSwap", function (evt) {
    if (evt.detail.xhr.status === 422) { evt.detail.shouldSwap = true; evt.detail.isError = false; }
  });
  // A place on a page that loads its part after the page (data-loads, hx-trigger="load":
  // the SENCO overview's lists) is busy until the part replaces it; if the part fails, it
  // is not busy any more and keeps its link to the full list.
  document.addEventListener("htmx:beforeRequest", function (evt) {
    if (evt.detail.elt.hasAttribute("data-loads")) evt.detail.elt.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    var elt = evt.detail.elt;
    if (!evt.detail.successful && elt.hasAttribute("data-loads")) elt.removeAttribute("aria-busy");
  });
  // A network failure must not look like a save: say so, keep the form as typed.
  document.addEventListener("htmx:sendError", function (evt) {
    var form = evt.target.closest("form");
    var box = form && form.querySelector(".save-error");
    if (box) { box.hidden = false; box.textContent = "Not saved: no connection. Your notes are kept on this device — try again."; }
  });
})();
