// Sending the records kept on this device (issue 13): oldest first, one at a time, each to
// POST /api/v1/offline/outbox with its client_id, so a record sent twice (a lost answer, a
// second tab) is stored once. A refusal is kept with the server's words until the person
// deals with it, and sending goes on past it; no network, a server fault, a lost sign-in,
// another person's sign-in, or any answer that is not the server's own "saved" or
// "refused" for this record stop the round and the record waits for the next one.
// Nothing is dropped.
(function () {
  "use strict";
  var store = window.SENDeskOffline;
  var URL = "/api/v1/offline/outbox";

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  // One answer -> [state, what to keep, stop the round?]. Only the server's own "saved" for
  // this very record counts: a 200 from a captive portal, a proxy or a login page (HTML, or
  // JSON about something else) would otherwise mark the record saved, and saved rows are
  // deleted at sign-out, so the record would be lost without ever reaching SENDesk.
  function judge(status, body, record) {
    body = body && typeof body === "object" ? body : {};
    if ((status === 200 || status === 201) && body.status === "saved" && body.client_id === record.client_id) {
      return ["saved", {message: body.message || "Saved.", warning: body.warning || "", id: body.id}, false];
    }
    if (status === 401 || status === 403) {
      return ["waiting", {message: "Not sent yet: sign in to SENDesk to send it."}, "signin"];
    }
    // Signed in as someone else on this browser: the record is fine, it waits for its person.
    if (status === 409 && body.code === "other_person") {
      var who = record.by_name ? "sign in as " + record.by_name : "sign in as the person who recorded it";
      return ["waiting", {message: "Not sent yet: " + who + " to send it."}, "other_person"];
    }
    // Too many requests / too large from a proxy: nothing was judged, so nothing is refused.
    if (status === 429 || status === 413 || status < 400 || status === 408) {
      return ["waiting", {message: "Not sent yet: SENDesk could not take it just now. It will try again."}, "server"];
    }
    if (status < 500 && body.status === "refused") {
      return ["refused", {
        message: body.message || body.detail || "The server refused this record.",
        errors: body.errors || {}, code: body.code || ""
      }, false];
    }
    return ["waiting", {message: "Not sent yet: SENDesk could not take it just now. It will try again."}, "server"];
  }

  function post(user, record) {
    var body = {
      kind: record.kind, client_id: record.client_id, recorded_by: Number(user),
      recorded_at: record.recorded_at, data: record.data
    };
    return fetch(URL, {
      // A redirect (to a login or portal page) is a failure, never an answer.
      method: "POST", credentials: "same-origin", cache: "no-store", redirect: "error",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (json) { return [r.status, json]; });
    });
  }

  function round(user, changed) {
    var result = {saved: 0, refused: 0, stopped: null};
    return store.records(user).then(function (list) {
      var todo = list.filter(function (e) { return e.state === "waiting" || e.state === "sending"; });
      function next(i) {
        if (i >= todo.length) return result;
        var e = todo[i];
        return store.putRecord(user, e.seq, "sending", e.record).then(function () {
          if (changed) changed();
          return post(user, e.record);
        }).then(function (answer) {
          var verdict = judge(answer[0], answer[1], e.record);
          var record = Object.assign({}, e.record, {message: "", warning: "", errors: {}}, verdict[1]);
          if (verdict[0] === "saved") result.saved++;
          if (verdict[0] === "refused") result.refused++;
          return store.putRecord(user, e.seq, verdict[0], record).then(function () {
            if (changed) changed();
            if (verdict[2]) { result.stopped = verdict[2]; return result; }
            return next(i + 1);
          });
        }, function () {
          // No network: it waits, in its place, for the next round.
          var record = Object.assign({}, e.record, {message: ""});
          return store.putRecord(user, e.seq, "waiting", record).then(function () {
            if (changed) changed();
            result.stopped = "network";
            return result;
          });
        });
      }
      return next(0);
    });
  }

  // One round at a time across this device's tabs (Web Locks); without them, per tab.
  var busy = null;
  function send(user, changed) {
    if (!user) return Promise.resolve({saved: 0, refused: 0, stopped: null});
    if (navigator.locks) {
      return navigator.locks.request("sendesk-outbox", function () { return round(user, changed); });
    }
    if (!busy) busy = round(user, changed).finally(function () { busy = null; });
    return busy;
  }

  window.SENDeskOutbox = {send: send, csrf: csrf};
})();
