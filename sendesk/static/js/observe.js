// The observation recorder (templates/behaviour/observe.html). Plain JS, no framework.
// From Start until the server confirms the save, the observation lives in this device's
// localStorage, written after every tap: a reload, a closed tab or a lost connection never
// loses it, and the page offers to resume it. The client_id made at Start travels with
// every attempt to save, so a retry can never store the observation twice.
(function () {
  "use strict";

  var root, KEY, state = null, ticker = null, retryTimer = null, retryDelay = 5;
  var METHODS = {
    abc: "ABC observation",
    frequency: "Frequency count",
    duration: "Duration recording",
    interval: "Interval sampling"
  };

  function $(id) { return document.getElementById(id); }
  function show(el, on) { el.hidden = !on; }
  function now() { return Date.now(); }
  function iso(ms) { return new Date(ms).toISOString(); }
  function clock(ms) {
    return new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function mmss(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
  }
  function spoken(seconds) {
    seconds = Math.round(seconds);
    var m = Math.floor(seconds / 60), s = seconds % 60, parts = [];
    if (m) parts.push(m + " min");
    if (s || !m) parts.push(s + " s");
    return parts.join(" ");
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function entriesText(n) { return n + (n === 1 ? " entry" : " entries"); }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  // Storage: if it is unavailable (private mode, full) the recorder still works in memory.
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* in memory only */ }
  }
  function forget() {
    try { localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
  }

  // Two live regions: prompts interrupt (assertive), confirmations wait their turn.
  function say(text, urgent) {
    var el = urgent ? $("obs-announce") : $("obs-status");
    el.textContent = "";
    window.setTimeout(function () { el.textContent = text; }, 30);
  }

  function intervalMs() { return state.interval_seconds * 1000; }
  function elapsed() { return ((state.ended || now()) - state.started) / 1000; }

  // ---- Set up --------------------------------------------------------------------------
  function chosenMethod() {
    var checked = document.querySelector("#obs-setup input[name=method]:checked");
    return checked ? checked.value : "abc";
  }
  function syncSetup() {
    var method = chosenMethod();
    document.querySelectorAll("#obs-setup [data-for]").forEach(function (el) {
      show(el, el.dataset.for.split(" ").indexOf(method) !== -1);
    });
  }
  function start(evt) {
    evt.preventDefault();
    var method = chosenMethod();
    var behaviour = $("obs-behaviour").value.trim();
    var error = $("obs-behaviour-error");
    if ((method === "frequency" || method === "duration") && !behaviour) {
      error.textContent = "Name the behaviour you are counting or timing.";
      show(error, true);
      $("obs-behaviour").setAttribute("aria-invalid", "true");
      $("obs-behaviour").focus();
      return;
    }
    show(error, false);
    $("obs-behaviour").removeAttribute("aria-invalid");
    var usesInterval = method === "frequency" || method === "interval";
    state = {
      v: 1,
      client_id: uuid4(),
      method: method,
      behaviour: method === "abc" ? "" : (method === "interval" ? "on task" : behaviour),
      interval_seconds: usesInterval ? parseInt($("obs-interval").value, 10) : null,
      lesson: $("obs-lesson").value.trim(),
      activity: $("obs-activity").value.trim(),
      staff_present: $("obs-staff").value.trim(),
      notes: "",
      started: now(),
      ended: null,
      status: "recording",
      entries: [],     // abc, duration, interval: entries as they will be sent
      counts: {},      // frequency: interval number -> count
      taps: [],        // frequency: the interval of each +1, for undo
      episode: null,   // duration: when the running episode began
      pending: null,   // interval: the prompt waiting for an answer
      prompted: 0,     // interval: how many prompts so far
      missed: 0
    };
    save();
    record();
    say(METHODS[method] + " started at " + clock(state.started) + ".", false);
  }

  // ---- Recording -------------------------------------------------------------------------
  function record() {
    show($("obs-setup"), false);
    show($("obs-resume"), false);
    show($("obs-send"), false);
    show($("obs-live"), true);
    var name = root.dataset.pupilName;
    $("obs-live-method").textContent = METHODS[state.method] + ": " + name;
    var setting = [state.lesson, state.activity].filter(Boolean).join(", ");
    $("obs-setting").textContent = setting ? "· " + setting : "";
    document.querySelectorAll("#obs-live [data-panel]").forEach(function (panel) {
      show(panel, panel.dataset.panel === state.method);
    });
    $("obs-notes").value = state.notes || "";
    $("obs-freq-name").textContent = state.behaviour;
    $("obs-dur-name").textContent = state.behaviour;
    render();
    if (ticker) window.clearInterval(ticker);
    ticker = window.setInterval(tick, 250);
    tick();
    $("obs-live-h").focus();
  }

  function tick() {
    if (!state || state.status !== "recording") return;
    $("obs-elapsed").textContent = mmss(elapsed());
    if (state.method === "frequency") tickFrequency();
    if (state.method === "duration" && state.episode) {
      $("obs-dur-timer").textContent = mmss((now() - state.episode) / 1000);
    }
    if (state.method === "interval") tickInterval();
  }

  function render() {
    if (state.method === "abc") renderAbc();
    if (state.method === "frequency") renderFrequency();
    if (state.method === "duration") renderDuration();
    if (state.method === "interval") renderInterval();
  }

  function removeButton(label, onRemove) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = "Remove";
    button.setAttribute("aria-label", label);
    button.addEventListener("click", onRemove);
    return button;
  }

  // ABC
  function addAbc() {
    var a = $("obs-a"), b = $("obs-b"), c = $("obs-c"), error = $("obs-abc-error");
    if (!b.value.trim()) {
      error.textContent = "Write what the pupil did (the behaviour) before adding the entry.";
      show(error, true);
      b.setAttribute("aria-invalid", "true");
      b.focus();
      return;
    }
    show(error, false);
    b.removeAttribute("aria-invalid");
    var at = now();
    state.entries.push({
      at: iso(at), antecedent: a.value.trim(), behaviour: b.value.trim(), consequence: c.value.trim()
    });
    save();
    a.value = b.value = c.value = "";
    renderAbc();
    say("Entry " + state.entries.length + " added at " + clock(at) + ".", false);
    a.focus();
  }
  function renderAbc() {
    var list = $("obs-abc-list");
    list.textContent = "";
    state.entries.forEach(function (entry, i) {
      var li = document.createElement("li");
      var when = document.createElement("time");
      when.dateTime = entry.at;
      when.textContent = clock(Date.parse(entry.at));
      li.appendChild(when);
      [["A", entry.antecedent], ["B", entry.behaviour], ["C", entry.consequence]].forEach(function (pair) {
        if (!pair[1]) return;
        var p = document.createElement("p");
        var tag = document.createElement("strong");
        tag.textContent = pair[0] + ": ";
        p.appendChild(tag);
        p.appendChild(document.createTextNode(pair[1]));
        li.appendChild(p);
      });
      li.appendChild(removeButton("Remove entry " + (i + 1), function () {
        state.entries.splice(i, 1);
        save();
        renderAbc();
        say("Entry " + (i + 1) + " removed.", false);
      }));
      list.appendChild(li);
    });
    $("obs-abc-count").textContent = state.entries.length;
  }

  // Frequency: counts per interval; the interval is worked out from the clock each time.
  function currentSeq(at) { return Math.floor((at - state.started) / intervalMs()) + 1; }
  function tickFrequency() {
    var seq = currentSeq(now());
    var left = state.started + seq * intervalMs() - now();
    $("obs-freq-left").textContent = mmss(left / 1000);
    if (String(seq) !== $("obs-freq-seq").textContent) {
      renderFrequency();
      if (seq > 1) say("Interval " + seq + " started.", false);
    }
  }
  function plusOne() {
    var seq = currentSeq(now());
    state.counts[seq] = (state.counts[seq] || 0) + 1;
    state.taps.push(seq);
    save();
    renderFrequency();
    say(state.counts[seq] + " this interval.", false);
  }
  function undoPlus() {
    var seq = state.taps.pop();
    if (seq === undefined) { say("Nothing to undo.", false); return; }
    state.counts[seq] -= 1;
    save();
    renderFrequency();
    say("Last +1 undone: " + state.counts[seq] + " in interval " + seq + ".", false);
  }
  function renderFrequency() {
    var seq = currentSeq(state.ended || now()), total = 0, list = $("obs-freq-list");
    $("obs-freq-seq").textContent = seq;
    $("obs-freq-now").textContent = state.counts[seq] || 0;
    list.textContent = "";
    for (var n = 1; n <= seq; n++) {
      var count = state.counts[n] || 0, li = document.createElement("li");
      total += count;
      var from = (n - 1) * state.interval_seconds, to = n * state.interval_seconds;
      li.textContent = "Interval " + n + " (" + mmss(from) + "–" + mmss(to) + "): " + count;
      list.appendChild(li);
    }
    $("obs-freq-total").textContent = total;
    $("obs-freq-undo").disabled = !state.taps.length;
  }

  // Duration: a start/stop toggle per episode.
  function toggleEpisode() {
    var at = now();
    if (state.episode === null) {
      state.episode = at;
      say("Episode started at " + clock(at) + ".", false);
    } else {
      var seconds = Math.max(1, Math.round((at - state.episode) / 1000));
      state.entries.push({ at: iso(state.episode), duration_seconds: seconds });
      state.episode = null;
      say("Episode " + state.entries.length + " stopped: " + spoken(seconds) + ".", false);
    }
    save();
    renderDuration();
  }
  function renderDuration() {
    var running = state.episode !== null, button = $("obs-dur-toggle"), total = 0;
    button.textContent = running ? "Stop episode" : "Start episode";
    button.setAttribute("aria-pressed", running ? "true" : "false");
    button.classList.toggle("running", running);
    $("obs-dur-state").textContent = running ? "happening now" : "not happening";
    $("obs-dur-timer").textContent = running ? mmss((now() - state.episode) / 1000) : "";
    var list = $("obs-dur-list");
    list.textContent = "";
    state.entries.forEach(function (entry, i) {
      total += entry.duration_seconds;
      var li = document.createElement("li");
      li.textContent = clock(Date.parse(entry.at)) + ": " + spoken(entry.duration_seconds) + " ";
      li.appendChild(removeButton("Remove episode " + (i + 1), function () {
        state.entries.splice(i, 1);
        save();
        renderDuration();
        say("Episode " + (i + 1) + " removed.", false);
      }));
      list.appendChild(li);
    });
    $("obs-dur-count").textContent = state.entries.length;
    $("obs-dur-total").textContent = spoken(total);
  }

  // Interval sampling: a prompt every interval; the answer is recorded for the moment of
  // the prompt. A prompt still unanswered when the next one comes counts as missed.
  function tickInterval() {
    var due = Math.floor((now() - state.started) / intervalMs());
    if (due > state.prompted) {
      // Prompts that came and went while the page was closed count as missed too.
      state.missed += due - state.prompted - 1 + (state.pending ? 1 : 0);
      state.prompted = due;
      state.pending = { seq: due, at: state.started + due * intervalMs() };
      save();
      renderInterval();
      if (navigator.vibrate) {
        try { navigator.vibrate([200, 100, 200]); } catch (e) { /* not allowed */ }
      }
      say("Sample " + due + ": is " + root.dataset.pupilName + " on task or off task?", true);
    }
    var next = state.started + (state.prompted + 1) * intervalMs() - now();
    var countdown = $("obs-int-next");  // absent while a prompt waits for its answer
    if (countdown) countdown.textContent = spoken(Math.max(0, next / 1000));
  }
  function answer(onTask) {
    if (!state.pending) return;
    state.entries.push({ at: iso(state.pending.at), on_task: onTask });
    var seq = state.pending.seq;
    state.pending = null;
    save();
    renderInterval();
    say("Sample " + seq + ": " + (onTask ? "on task" : "off task") + ".", false);
  }
  function renderInterval() {
    var waiting = !!state.pending, on = 0, list = $("obs-int-list");
    $("obs-int-on").disabled = $("obs-int-off").disabled = !waiting;
    $("obs-int-prompt").classList.toggle("due", waiting);
    var question = $("obs-int-question");
    question.textContent = "";
    if (waiting) {
      question.textContent = "Sample " + state.pending.seq + ": is " + root.dataset.pupilName + " on task?";
    } else {
      question.appendChild(document.createTextNode((state.prompted ? "Next prompt" : "The first prompt") + " in "));
      var next = document.createElement("span");
      next.id = "obs-int-next";
      question.appendChild(next);
      question.appendChild(document.createTextNode("."));
    }
    list.textContent = "";
    state.entries.forEach(function (entry, i) {
      if (entry.on_task) on += 1;
      var li = document.createElement("li");
      li.className = entry.on_task ? "on" : "off";
      li.textContent = (i + 1) + ": " + (entry.on_task ? "on" : "off");
      list.appendChild(li);
    });
    var n = state.entries.length;
    $("obs-int-tally").textContent = plural(n, "sample") + (n ? ", " + Math.round(100 * on / n) + "% on task" : "");
    $("obs-int-missed").textContent = state.missed + " missed";
  }

  // ---- Finishing and saving ----------------------------------------------------------------
  function finish() {
    if (state.method === "interval" && !state.entries.length) {
      say("No samples yet: answer at least one prompt, or discard the observation.", true);
      return;
    }
    var at = now();
    if (state.method === "duration" && state.episode !== null) toggleEpisode();
    if (state.pending) { state.missed += 1; state.pending = null; }
    state.notes = $("obs-notes").value.trim();
    state.ended = at;
    state.status = "sending";
    save();
    window.clearInterval(ticker);
    ticker = null;
    send();
  }

  function payload() {
    var entries = state.entries;
    if (state.method === "frequency") {
      // Every interval, zeros included; a tap in the very last instant counts in the last.
      var n = Math.max(1, Math.ceil((state.ended - state.started) / intervalMs()));
      var counts = {};
      Object.keys(state.counts).forEach(function (seq) {
        var s = Math.min(parseInt(seq, 10), n);
        counts[s] = (counts[s] || 0) + state.counts[seq];
      });
      entries = [];
      for (var seq = 1; seq <= n; seq++) {
        entries.push({ seq: seq, at: iso(state.started + (seq - 1) * intervalMs()), count: counts[seq] || 0 });
      }
    }
    return {
      client_id: state.client_id,
      method: state.method,
      behaviour: state.behaviour,
      lesson: state.lesson,
      activity: state.activity,
      staff_present: state.staff_present,
      notes: state.notes,
      interval_seconds: state.interval_seconds,
      started_at: iso(state.started),
      ended_at: iso(state.ended),
      entries: entries
    };
  }

  function sending(text) {
    show($("obs-setup"), false);
    show($("obs-resume"), false);
    show($("obs-live"), false);
    show($("obs-send"), true);
    $("obs-send-status").textContent = text;
  }

  function send() {
    if (retryTimer) { window.clearTimeout(retryTimer); retryTimer = null; }
    sending("Saving…");
    show($("obs-send-errors"), false);
    show($("obs-send-retry"), false);
    show($("obs-send-back"), false);
    $("obs-send-h").focus();
    fetch(root.dataset.postUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": root.dataset.csrf
      },
      body: JSON.stringify(payload())
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
      if (response.status >= 500) return failed("the server had a problem.");
      if (!json || response.redirected) return blocked(response.status);
      return response.json().then(function (data) {
        if (response.status === 200 || response.status === 201) saved(data);
        else refused(data);
      });
    }).catch(function () {
      failed("no connection.");
    });
  }

  function saved(data) {
    forget();
    state = null;
    retryDelay = 5;
    sending("Saved ✓ " + (data.summary || "") + " Opening the record…");
    say("Observation saved.", false);
    window.location.assign(data.url);
  }

  function failed(reason) {
    var seconds = retryDelay;
    retryDelay = Math.min(retryDelay * 2, 60);
    sending("Not saved yet: " + reason + " The observation is kept on this device. Trying again in " + seconds + " seconds.");
    show($("obs-send-retry"), true);
    retryTimer = window.setTimeout(send, seconds * 1000);
  }

  function blocked(status) {
    // A login page (session expired), a stale CSRF token, or the pupil gone from one's list.
    var why = status === 404
      ? "this pupil is not in your list (any more)."
      : "you need to log in again, or this page is out of date.";
    sending("Not saved: " + why + " The observation is kept on this device. Reload this page (log in if asked) and choose “Save it now”.");
    show($("obs-send-retry"), true);
  }

  function refused(data) {
    sending("Not saved: the server could not accept the observation.");
    var list = $("obs-send-errors");
    list.textContent = "";
    var errors = (data && data.errors) || { __all__: (data && data.detail) || "Unknown problem." };
    Object.keys(errors).forEach(function (key) {
      var li = document.createElement("li");
      li.textContent = errors[key];
      list.appendChild(li);
    });
    show(list, true);
    show($("obs-send-back"), true);
  }

  function backToRecording() {
    state.status = "recording";
    state.ended = null;
    save();
    record();
  }

  function discard() {
    if (!window.confirm("Discard this observation? What you recorded will be lost.")) return;
    if (ticker) window.clearInterval(ticker);
    if (retryTimer) window.clearTimeout(retryTimer);
    ticker = retryTimer = null;
    forget();
    state = null;
    show($("obs-live"), false);
    show($("obs-resume"), false);
    show($("obs-send"), false);
    show($("obs-setup"), true);
    say("Observation discarded.", false);
  }

  // ---- Resuming what the device kept -------------------------------------------------------
  function offerResume() {
    var text = $("obs-resume-text"), go = $("obs-resume-go");
    var count = state.method === "frequency"
      ? state.taps.length
      : state.entries.length;
    var what = METHODS[state.method] + " of " + root.dataset.pupilName;
    if (state.status === "sending") {
      text.textContent = what + ", " + clock(state.started) + "–" + clock(state.ended) +
        ", finished but not saved yet (" + entriesText(count) + ").";
      go.textContent = "Save it now";
    } else {
      text.textContent = what + ", started at " + clock(state.started) + " (" +
        entriesText(count) + " so far), is still running.";
      go.textContent = "Resume";
    }
    show($("obs-setup"), false);
    show($("obs-resume"), true);
  }
  function resume() {
    if (state.status === "sending") send();
    else record();
  }

  function init() {
    root = $("observe");
    if (!root) return;
    // One per person and pupil: on a shared tablet, nobody else is offered your observation.
    KEY = "sendesk-observe:" + root.dataset.user + ":" + root.dataset.pupil;
    show(root, true);
    var manual = $("manual");
    if (manual && !manual.querySelector(".error-summary")) manual.open = false;

    $("obs-setup").addEventListener("submit", start);
    $("obs-setup").addEventListener("change", syncSetup);
    $("obs-abc-add").addEventListener("click", addAbc);
    $("obs-freq-plus").addEventListener("click", plusOne);
    $("obs-freq-undo").addEventListener("click", undoPlus);
    $("obs-dur-toggle").addEventListener("click", toggleEpisode);
    $("obs-int-on").addEventListener("click", function () { answer(true); });
    $("obs-int-off").addEventListener("click", function () { answer(false); });
    $("obs-notes").addEventListener("input", function () {
      if (state) { state.notes = this.value; save(); }
    });
    $("obs-finish").addEventListener("click", finish);
    $("obs-discard").addEventListener("click", discard);
    $("obs-resume-go").addEventListener("click", resume);
    $("obs-resume-discard").addEventListener("click", discard);
    $("obs-send-retry").addEventListener("click", send);
    $("obs-send-back").addEventListener("click", backToRecording);
    window.addEventListener("online", function () { if (retryTimer) send(); });
    syncSetup();

    var kept = load();
    if (kept && kept.v === 1 && METHODS[kept.method]) {
      state = kept;
      offerResume();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
