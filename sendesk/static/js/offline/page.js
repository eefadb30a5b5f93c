// On every page (issue 13): the installable app's service worker; the device's offline
// store kept in step with who is signed in; My day saved on the device (with a signal);
// records kept on the device sent when the network is there; and sign-out asking first
// when some are not sent yet. The page says who is signed in (the meta tag base.html
// writes), and how long the sign-in has left (the session-end dialog's data-most-left).
(function () {
  "use strict";
  var store = window.SENDeskOffline, outbox = window.SENDeskOutbox;
  if (!store || !window.crypto || !crypto.subtle || !window.indexedDB) return;
  var meta = document.querySelector('meta[name="sendesk-offline"]');
  if (!meta) return;
  var user = meta.dataset.user || "";
  var API = "/api/v1/offline/";

  function deadlineFromPage() {
    var end = document.getElementById("session-end");
    var most = end ? parseInt(end.dataset.mostLeft, 10) : NaN;
    return isNaN(most) ? null : Date.now() + most * 1000;
  }

  function getJSON(path) {
    return fetch(API + path, {credentials: "same-origin", cache: "no-store",
                              headers: {"Accept": "application/json"}})
      .then(function (r) {
        if (!r.ok) throw new Error(path + " " + r.status);
        return r.json().then(function (body) { return {body: body, date: r.headers.get("Date")}; });
      });
  }

  // The key, once per sign-in. The server's clock may differ from this device's: the
  // sign-in's end is placed on this device's clock by the answer's Date header.
  function ensureKey(evenWhenLeaving) {
    return store.getKey(user).then(function (rec) {
      if (rec) return rec;
      return getJSON("key").then(function (answer) {
        if (leaving && !evenWhenLeaving) throw new Error("signing out");
        var k = answer.body;
        if (String(k.user) !== user) throw new Error("key for someone else");
        var server = answer.date ? Date.parse(answer.date) : NaN;
        var skew = isNaN(server) ? 0 : Date.now() - server;
        var deadline = deadlineFromPage() || (Date.parse(k.expires_at) + skew);
        return store.saveKey(user, k.key, deadline, skew);
      });
    });
  }

  // A status line at the top of the page's main part (made once, then reused).
  function statusLine(name, className) {
    var main = document.getElementById("main");
    var line = document.querySelector("[data-" + name + "]");
    if (!line && main) {
      line = document.createElement("p");
      line.className = className;
      line.setAttribute("data-" + name, "");
      line.setAttribute("role", "status");
      main.insertBefore(line, main.firstChild);
    }
    return line;
  }

  function saved(at) {
    var line = statusLine("offline-saved-note", "offline-saved-note muted");
    if (!line) return;
    line.textContent = "Saved on this device for when there is no signal (" +
      new Date(at).toLocaleTimeString("en-GB", {hour: "2-digit", minute: "2-digit"}) + ").";
    document.body.setAttribute("data-offline-saved", String(at));
  }

  // Set once sign-out has begun: nothing is saved on the device after that.
  var leaving = false;

  function refresh() {
    if (!navigator.onLine) return Promise.resolve();
    return ensureKey().then(function () { return getJSON("pack"); })
      .then(function (answer) {
        if (leaving) return Promise.reject(new Error("signing out"));
        if (String(answer.body.user && answer.body.user.id) !== user) throw new Error("pack for someone else");
        return store.savePack(user, answer.body);
      })
      .then(function () { saved(Date.now()); })
      .catch(function () { /* no signal or no pack: the device keeps what it had */ });
  }

  // A line on the page while this person has records on the device, with the way to them.
  function notice() {
    return store.exists().then(function (there) {
      if (!there) return;
      return store.records(user).then(function (list) {
        var unsent = list.filter(function (e) { return e.state !== "saved"; });
        var refused = list.filter(function (e) { return e.state === "refused"; }).length;
        var box = document.querySelector("[data-offline-outbox-note]");
        if (!unsent.length) { if (box) box.remove(); return; }
        box = statusLine("offline-outbox-note", "message offline-outbox-note");
        if (!box) return;
        box.textContent = "";
        var words = unsent.length === 1 ? "1 record" : unsent.length + " records";
        box.appendChild(document.createTextNode(words + " recorded on this device " +
          (refused ? "(" + refused + " refused) " : "") + "not saved yet. "));
        var a = document.createElement("a");
        a.href = meta.dataset.shell;
        a.textContent = "See them";
        box.appendChild(a);
        if (refused) box.classList.add("error");
      });
    });
  }

  function sendKept() {
    if (!navigator.onLine) return Promise.resolve();
    return store.exists().then(function (there) {
      if (!there) return;
      return store.unsentCount(user).then(function (n) {
        if (n) return outbox.send(user).then(notice);
      });
    });
  }

  // --- Sign-out ------------------------------------------------------------------------------
  function dialog() {
    var d = document.querySelector("dialog.offline-signout");
    if (d) return d;
    d = document.createElement("dialog");
    d.className = "offline-signout";
    d.setAttribute("aria-labelledby", "offline-signout-title");
    d.setAttribute("aria-describedby", "offline-signout-text");
    var h = document.createElement("h2");
    h.id = "offline-signout-title";
    h.textContent = "Records not sent yet";
    var p = document.createElement("p");
    p.id = "offline-signout-text";
    var status = document.createElement("p");
    status.className = "error";
    status.setAttribute("role", "alert");
    status.hidden = true;
    var actions = document.createElement("div");
    actions.className = "actions";
    [["send", "Send now", ""], ["keep", "Keep on this device for me", "secondary"],
     ["cancel", "Cancel", "secondary"]].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.value = b[0];
      button.textContent = b[1];
      if (b[2]) button.className = b[2];
      actions.appendChild(button);
    });
    d.append(h, p, status, actions);
    document.body.appendChild(d);
    return d;
  }

  function leave(form) {
    form.setAttribute("data-offline-checked", "");
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  function askAtSignOut(form, count) {
    var d = dialog();
    var text = d.querySelector("#offline-signout-text");
    var status = d.querySelector("[role=alert]");
    text.textContent = (count === 1 ? "1 record" : count + " records") + " you made on this " +
      "device " + (count === 1 ? "has" : "have") + " not been saved by SENDesk yet. Send " +
      "them now, or keep them on this device, locked, until you sign in here again. " +
      "Nobody else can see or send them.";
    status.hidden = true;
    d.onclick = function (evt) {
      var choice = evt.target.closest && evt.target.closest("button");
      if (!choice) return;
      if (choice.value === "cancel") { leaving = false; d.close(); return; }
      if (choice.value === "keep") {
        store.forget().then(function () { d.close(); leave(form); });
        return;
      }
      choice.disabled = true;
      // The key may not be on the device yet on this page (it is fetched on My day).
      ensureKey(true).catch(function () { /* offline: nothing can be sent anyway */ }).then(function () {
        return outbox.send(user);
      }).then(function () { return store.unsentCount(user); }, function () {
        return store.unsentCount(user);
      }).then(function (left) {
        choice.disabled = false;
        if (!left) { store.forget().then(function () { d.close(); leave(form); }); return; }
        status.hidden = false;
        status.textContent = (left === 1 ? "1 record is" : left + " records are") + " still not " +
          "saved (no connection, or refused: see them on the list). Keep them on this " +
          "device, or cancel and deal with them first.";
      });
    };
    if (!d.open) d.showModal();
  }

  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("form.logout")) return;
    if (form.hasAttribute("data-offline-checked")) return;
    // Decided after a look at the store (which takes a moment): the form is sent then.
    evt.preventDefault();
    evt.stopPropagation();
    leaving = true;
    store.exists().then(function (there) {
      return there ? store.unsentCount(user) : 0;
    }).then(function (count) {
      if (count) { askAtSignOut(form, count); return; }
      return store.forget().then(function () { leave(form); });
    }).catch(function () { leave(form); });
  }, true);

  // --- Start ---------------------------------------------------------------------------------
  if (user && meta.dataset.sw && navigator.serviceWorker) {
    navigator.serviceWorker.register(meta.dataset.sw, {scope: "/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // Activated while this page was loading: ask to be claimed, so that the next page
      // fetched with no network is answered by the worker (see sw.js "message").
      if (!navigator.serviceWorker.controller && registration.active) {
        registration.active.postMessage("claim");
      }
    }).catch(function () { /* */ });
  }
  store.settle(user).then(function () {
    if (!user) return;
    var deadline = deadlineFromPage();
    var steps = deadline ? store.exists().then(function (there) {
      if (there) return store.setDeadline(user, deadline);
    }) : Promise.resolve();
    if (meta.dataset.refresh) steps = steps.then(refresh);
    return steps.then(sendKept).then(notice);
  }).catch(function () { /* storage unavailable (private mode): the site works online */ })
    .then(function () { document.body.setAttribute("data-offline-settled", ""); });
  window.addEventListener("online", function () { if (user) sendKept(); });
})();
