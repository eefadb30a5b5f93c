// Before a web session ends (signin/sessions.py: 30 minutes idle, 10 hours at most):
// a warning with "Stay signed in", and nothing typed is lost when it ends.
//
// What was typed in a form is kept as sendesk.js keeps drafts (localStorage, under
// "sendesk-draft:<user>:", so it goes at logout and after 12 hours like every draft), for
// the forms that have no draft of their own (data-draft ones keep theirs already):
// - just before the session ends, every form with unsaved changes is kept ("kept");
// - every form sent is kept ("sent") until a page of the same sign-in loads (each sign-in
//   has its own id, data-sign-in): if the session had ended, the post was answered with
//   the login page, so the next page is of a later sign-in and the form is put back when
//   its page opens again.
(function () {
  "use strict";
  var PREFIX = "sendesk-draft:";
  var SLACK_MS = 2000;  // go to the login page just after the server has ended the session
  var box = document.getElementById("session-end");
  if (!box) return;
  var signInId = box.dataset.signIn;
  var user = document.body.dataset.user || "anon";
  var shared = "sendesk-session:" + user;
  var ends = fromLeft(box.dataset.idleLeft, box.dataset.mostLeft);
  var warnMs = (+box.dataset.warn || 120) * 1000;
  var dismissedFor = null;
  var gone = false;

  function fromLeft(idle, most) {
    var now = Date.now();
    return {idle: now + (+idle) * 1000, most: now + (+most) * 1000};
  }
  function here() { return location.pathname + location.search; }
  function pageKey(path, i) { return PREFIX + user + ":page:" + path + "#" + i; }

  // Every tab of this person shares the latest activity: another tab's request keeps
  // this one's session alive too.
  function share() {
    try {
      var theirs = JSON.parse(localStorage.getItem(shared) || "null");
      if (theirs && theirs.signIn === signInId && theirs.idle > ends.idle) ends.idle = theirs.idle;
      localStorage.setItem(shared, JSON.stringify({signIn: signInId, idle: ends.idle}));
    } catch (e) { /* storage unavailable */ }
  }

  // --- Keeping and putting back what was typed ------------------------------------------
  // A form that asks the browser not to remember what is typed (the safeguarding report)
  // is not kept on the device either.
  function tracked() {
    return Array.prototype.filter.call(document.querySelectorAll("form"), function (form) {
      return (form.getAttribute("method") || "").toLowerCase() === "post" &&
        !form.dataset.draft && !form.classList.contains("logout") && !form.closest("dialog") &&
        form.getAttribute("autocomplete") !== "off";
    });
  }
  function changed(form) {
    return Array.prototype.some.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "password") return false;
      if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
      if (el.tagName === "SELECT") {
        return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return el.value !== el.defaultValue;
    });
  }
  function keep(form, state) {
    var index = tracked().indexOf(form);
    if (index < 0) return;
    var data = {};
    new FormData(form).forEach(function (value, name) {
      var el = form.elements[name];
      if (name === "csrfmiddlewaretoken" || typeof value !== "string") return;
      if (el && el.type === "password") return;
      (data[name] = data[name] || []).push(value);
    });
    var kept = {at: Date.now(), state: state, signIn: signInId, action: form.getAttribute("action") || "", data: data};
    try { localStorage.setItem(pageKey(here(), index), JSON.stringify(kept)); } catch (e) { /* */ }
  }
  function keepAll() {
    tracked().forEach(function (form) { if (changed(form)) keep(form, "kept"); });
  }
  function fill(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.type === "password") return;
      var values = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else if (el.type !== "hidden" || el.name === "client_id") {
        el.value = values[0];
      }
    });
    var note = document.createElement("p");
    note.className = "message";
    note.setAttribute("role", "status");
    note.textContent = "What you typed before you were signed out has been put back. Check it, then save.";
    form.insertBefore(note, form.firstChild);
  }
  function putBack() {
    var forms = tracked();
    var mine = PREFIX + user + ":page:";
    var keys = [];
    try {
      for (var i = 0; i < localStorage.length; i++) {
        var k = localStorage.key(i);
        if (k && k.indexOf(mine) === 0) keys.push(k);
      }
    } catch (e) { return; }
    var failed = document.querySelector(".error-summary");
    keys.forEach(function (k) {
      var kept;
      try { kept = JSON.parse(localStorage.getItem(k)); } catch (e) { kept = null; }
      if (!kept) { localStorage.removeItem(k); return; }
      // Sent within this sign-in: the server had it (saved, or answered with its errors).
      if (kept.state === "sent" && kept.signIn === signInId) { localStorage.removeItem(k); return; }
      var hash = k.lastIndexOf("#");
      if (k.slice(mine.length, hash) !== here() || failed) return;
      var form = forms[+k.slice(hash + 1)];
      if (form && (form.getAttribute("action") || "") === kept.action && kept.data) fill(form, kept.data);
      localStorage.removeItem(k);
    });
  }

  // --- The warning ---------------------------------------------------------------------
  function endsAt() { return Math.min(ends.idle, ends.most); }
  function why() { return ends.most <= ends.idle ? "most" : "idle"; }
  function clock(ms) {
    var d = new Date(ms);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }
  function open() {
    var reason = why();
    box.querySelectorAll("[data-when]").forEach(function (p) { p.hidden = p.dataset.when !== reason; });
    box.querySelectorAll(".session-end-at").forEach(function (el) { el.textContent = clock(endsAt()); });
    box.querySelector(".session-end-stay").hidden = reason === "most";
    box.querySelector(".session-end-problem").hidden = true;
    if (typeof box.showModal === "function") box.showModal(); else box.setAttribute("open", "");
  }
  function close() {
    if (typeof box.close === "function") box.close(); else box.removeAttribute("open");
  }
  function signIn(url) {
    if (gone) return;
    gone = true;
    keepAll();
    location.assign(url || box.dataset.login + "?next=" + encodeURIComponent(here()));
  }
  function tick() {
    share();
    var left = endsAt() - Date.now();
    if (left <= -SLACK_MS) return signIn();
    if (left > warnMs) {
      if (box.open) close();
      dismissedFor = null;
    } else if (!box.open && dismissedFor !== endsAt()) {
      open();
    }
  }
  function stay(evt) {
    evt.preventDefault();
    var form = evt.target;
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"Accept": "application/json"}})
      .then(function (r) {
        if (r.status === 401) return signIn();
        if (!r.ok) throw new Error(r.status);
        return r.json().then(function (left) {
          ends = fromLeft(left.idle, left.most);
          share();
          close();
        });
      })
      .catch(function () {
        var problem = box.querySelector(".session-end-problem");
        problem.textContent = "SENDesk could not be reached. Check the connection and try again.";
        problem.hidden = false;
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    putBack();
    share();
    box.querySelector(".session-end-stay").addEventListener("submit", stay);
    box.querySelector(".session-end-close").addEventListener("click", function () {
      dismissedFor = endsAt();
      close();
    });
    // Escape closes the dialog: the same as "Close".
    box.addEventListener("cancel", function () { dismissedFor = endsAt(); });
    setInterval(tick, 5000);
    tick();
  });
  // A form sent the ordinary way is kept until the next page says the server had it.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    // Only what someone typed: a bare button (a sign-out, "mark as seen") has nothing to
    // put back.
    if (tracked().indexOf(form) !== -1 && changed(form)) keep(form, "sent");
  }, true);
  // Each answer says how long the session has left; an htmx request whose session had
  // ended is answered 401 with where to sign in (sessions.py), which is followed here.
  document.addEventListener("htmx:afterRequest", function (evt) {
    var xhr = evt.detail.xhr;
    if (!xhr) return;
    var out = xhr.getResponseHeader("X-Signed-Out");
    if (xhr.status === 401 && out) return signIn(out);
    var left = (xhr.getResponseHeader("X-Session-Left") || "").split(" ");
    if (left.length === 2) { ends = fromLeft(left[0], left[1]); share(); }
    // An htmx form was answered by the server: nothing of it is lost.
    var form = evt.detail.elt && evt.detail.elt.closest && evt.detail.elt.closest("form");
    var index = form ? tracked().indexOf(form) : -1;
    if (index !== -1) { try { localStorage.removeItem(pageKey(here(), index)); } catch (e) { /* */ } }
  });
})();
