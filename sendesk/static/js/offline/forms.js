// The recording forms of the offline My day (issue 13). Each kind builds its fields from
// what the device keeps (the pack) and turns what was typed into exactly the body the
// server's own API takes for that record (the contract: OFFLINE-CONTRACT.md), with plain
// words for anything missing. Times are school time (Europe/London), on the server's
// clock as this device last knew it.
(function () {
  "use strict";
  var ZONE = "Europe/London";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === false || v === null || v === undefined) return;
      if (k === "text") node.textContent = v;
      else if (k === "className") node.className = v;
      else node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  var uid = 0;
  function id(name) { uid += 1; return "f-" + name + "-" + uid; }

  function text(name, label, opts) {
    opts = opts || {};
    var i = id(name);
    var input = opts.long ? el("textarea", {id: i, name: name, rows: 3, maxlength: opts.maxlength}) :
      el("input", {id: i, name: name, type: opts.type || "text", inputmode: opts.inputmode,
                   min: opts.min, max: opts.max, maxlength: opts.maxlength, autocomplete: "off"});
    if (opts.hint) input.setAttribute("aria-describedby", i + "-hint");
    if (opts.value !== undefined && opts.value !== null) input.value = opts.value;
    return el("div", {className: "field", "data-field": name}, [
      el("label", {"for": i, text: label + (opts.optional ? " (optional)" : "")}),
      opts.hint ? el("p", {className: "hint muted", id: i + "-hint", text: opts.hint}) : null,
      input
    ]);
  }

  function select(name, label, choices, opts) {
    opts = opts || {};
    var i = id(name);
    var s = el("select", {id: i, name: name});
    if (opts.blank !== undefined) s.appendChild(el("option", {value: "", text: opts.blank}));
    choices.forEach(function (c) { s.appendChild(el("option", {value: c[0], text: c[1]})); });
    if (opts.value !== undefined) s.value = opts.value;
    return el("div", {className: "field", "data-field": name}, [
      el("label", {"for": i, text: label + (opts.optional ? " (optional)" : "")}), s
    ]);
  }

  function radios(name, legend, choices, opts) {
    opts = opts || {};
    var box = el("div", {className: "choices"});
    choices.forEach(function (c) {
      var input = el("input", {type: "radio", name: name, value: c[0]});
      if (String(opts.value) === String(c[0])) input.checked = true;
      box.appendChild(el("label", {}, [input, " " + c[1]]));
    });
    return el("fieldset", {className: "chips", "data-field": name}, [el("legend", {text: legend}), box]);
  }

  function check(name, label) {
    var i = id(name);
    return el("div", {className: "field", "data-field": name}, [
      el("label", {className: "check", "for": i}, [el("input", {type: "checkbox", id: i, name: name, value: "1"}), " " + label])
    ]);
  }

  // --- Time ----------------------------------------------------------------------------------
  function parts(ms) {
    var out = {};
    new Intl.DateTimeFormat("en-GB", {timeZone: ZONE, year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23"})
      .formatToParts(new Date(ms)).forEach(function (p) { out[p.type] = p.value; });
    return {date: out.year + "-" + out.month + "-" + out.day, time: out.hour + ":" + out.minute};
  }
  function addMinutes(date, time, minutes) {
    var t = time.split(":").map(Number);
    var total = t[0] * 60 + t[1] + minutes;
    var d = new Date(date + "T00:00:00Z");
    d.setUTCMinutes(total);
    return d.toISOString().slice(0, 16) + ":00";
  }
  function when(ctx, values) {
    // The device's own (skew-corrected) date, or the kept record's own date when it is
    // being corrected, at the time typed: never the pack's "today", which may be a day old.
    return ctx.date + "T" + values.time + ":00";
  }
  function dayWords(date) {
    return new Date(date + "T12:00:00Z").toLocaleDateString("en-GB",
      {timeZone: "UTC", weekday: "short", day: "numeric", month: "short"});
  }
  function timeField(ctx, label) {
    return text("time", label || "Time", {type: "time", value: parts(ctx.now).time});
  }

  function choices(ctx, name, fallback) {
    var c = ctx.pack.choices && ctx.pack.choices[name];
    return c && c.length ? c : fallback;
  }
  function staffChoices(ctx) {
    var list = (ctx.pack.witnesses && ctx.pack.witnesses[String(ctx.pupil.school)]) || [];
    return list.filter(function (w) { return String(w.id) !== String(ctx.user); })
      .map(function (w) { return [String(w.id), w.name]; });
  }

  var ATTENDANCE = [["present", "Present"], ["partial", "Part of the session"], ["absent", "Absent"], ["refused", "Refused"]];
  var RESPONSE = [["1", "1 did not engage"], ["2", "2"], ["3", "3"], ["4", "4"], ["5", "5 fully engaged"]];
  var RATINGS = [["not_yet", "Not yet"], ["emerging", "Emerging"], ["developing", "Developing"], ["secure", "Secure"], ["achieved", "Achieved"]];
  var MISSED = [["staff_absent", "Staff absent"], ["pupil_absent", "Pupil absent"], ["trip", "Trip or event"], ["timetable_clash", "Timetable clash"], ["other", "Other"]];
  var EFFECT = [["1", "Didn't help"], ["2", "Helped a little"], ["3", "Worked well"]];
  var SEVERITY = [["1", "Low"], ["2", "Medium"], ["3", "High"]];
  var DIARY = [["food", "Food and drink"], ["toileting", "Toileting"], ["sleep", "Sleep and rest"], ["mood", "Mood"], ["enjoyed", "What they enjoyed"], ["know", "Anything to know"]];

  // SessionPupil.flag_note's length: the server says the same in the same words.
  var FLAG_NOTE_MAX = 300;

  function twoStaff(ctx) { return (ctx.carePlan.staff_required || 1) > 1; }
  function need(errors, values, name, words) {
    if (!String(values[name] || "").trim()) errors[name] = words;
  }
  function needTime(errors, values) {
    if (!/^\d\d:\d\d$/.test(values.time || "")) errors.time = "Enter the time, for example 09:15.";
  }

  // --- Frequency and duration, recorded live ------------------------------------------------
  // As the online recorder (js/observe.js): a frequency count is sent as counts per interval
  // of the chosen length, zeros included; a duration as one entry per episode, its start
  // and its length in seconds. Here each tap and each episode keeps its own moment (on the
  // server's clock as this device knows it), held in hidden fields, so that a record kept
  // on the device and corrected later is sent with the same moments.
  var OBSERVE_METHODS = [["abc", "ABC: what happened before, what they did, what happened next"],
    ["frequency", "Count: how often it happens (+1 each time)"],
    ["duration", "Time: how long each episode lasts"]];
  // The online recorder's interval lengths (behaviour/views_observe.py INTERVALS), 30 s first chosen.
  var INTERVALS = [["10", "10 seconds"], ["15", "15 seconds"], ["20", "20 seconds"], ["30", "30 seconds"],
    ["60", "1 minute"], ["120", "2 minutes"], ["300", "5 minutes"]];
  var LONGEST = 8 * 3600 * 1000;
  var LIVE = ["obs_started", "obs_ended", "obs_running", "obs_taps", "obs_episodes"];

  function liveFields() {
    return [text("watched", "The behaviour you are counting or timing", {hint: "For example: calls out, leaves seat."}),
      el("div", {"data-when": "frequency"}, [select("interval_seconds", "Counts kept per", INTERVALS, {value: "30"})]),
      el("div", {className: "field obs-watch", "data-field": "watch"}, [
        el("p", {className: "obs-clock", "data-obs-clock": "", tabindex: "-1"}),
        el("button", {type: "button", className: "secondary", "data-obs-start": "", text: "Start watching"}),
        // The watch ends here, not when Save is pressed: notes typed after it are not
        // counted as time watched.
        el("button", {type: "button", className: "secondary", "data-obs-stop": "", hidden: true, text: "Stop watching"})
      ]),
      el("div", {"data-when": "frequency"}, [
        el("p", {className: "obs-count", role: "status", "data-obs-count": ""}),
        el("button", {type: "button", className: "obs-big", "data-obs-plus": "", "aria-label": "+1: it happened now", text: "+1"}),
        el("button", {type: "button", className: "secondary", "data-obs-undo": "", text: "Undo last +1"}),
        el("ol", {className: "obs-list", "data-obs-taps": ""})
      ]),
      el("div", {"data-when": "duration"}, [
        el("p", {className: "obs-count", role: "status", "data-obs-total": ""}),
        el("button", {type: "button", className: "obs-big", "data-obs-episode": "", "aria-pressed": "false", text: "Start episode"}),
        el("ol", {className: "obs-list", "data-obs-episodes": ""})
      ]),
      text("notes", "Notes", {long: true, optional: true})
    ].concat(LIVE.map(function (name) { return el("input", {type: "hidden", name: name, value: ""}); }));
  }

  function serverNow(ctx) { return Date.now() - (ctx.skew || 0); }
  function clockOf(ms) {
    return new Date(ms).toLocaleTimeString("en-GB", {timeZone: ZONE, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"});
  }
  function lengthWords(seconds) {
    var m = Math.floor(seconds / 60), sec = seconds % 60, out = [];
    if (m) out.push(m + " min");
    if (sec || !m) out.push(sec + " s");
    return out.join(" ");
  }
  function times(n) { return n + (n === 1 ? " time" : " times"); }
  function episodesWords(n) { return n + (n === 1 ? " episode" : " episodes"); }
  function listOf(raw) {
    try { var got = JSON.parse(raw || "[]"); return Array.isArray(got) ? got : []; } catch (e) { return []; }
  }
  // An episode that began at `running` and ends `at` (at least a second long).
  function episodeTo(running, at) {
    return {at: running, seconds: Math.max(1, Math.round((at - running) / 1000))};
  }
  function liveState(v) {
    return {started: Number(v.obs_started) || 0, ended: Number(v.obs_ended) || 0,
      running: Number(v.obs_running) || 0, taps: listOf(v.obs_taps), episodes: listOf(v.obs_episodes)};
  }

  // The live buttons: Start watching, +1 and its undo, Start / Stop episode. Listeners go on
  // this opening's own elements (the form is reused for every record).
  function bindLive(form, ctx) {
    var hidden = {};
    LIVE.forEach(function (name) { hidden[name] = form.querySelector('input[name="' + name + '"]'); });
    function $(sel) { return form.querySelector(sel); }
    var st = liveState({obs_started: hidden.obs_started.value, obs_ended: hidden.obs_ended.value,
      obs_running: hidden.obs_running.value, obs_taps: hidden.obs_taps.value, obs_episodes: hidden.obs_episodes.value});
    function keep() {
      hidden.obs_started.value = st.started ? String(st.started) : "";
      hidden.obs_ended.value = st.ended ? String(st.ended) : "";
      hidden.obs_running.value = st.running ? String(st.running) : "";
      hidden.obs_taps.value = JSON.stringify(st.taps);
      hidden.obs_episodes.value = JSON.stringify(st.episodes);
    }
    function begin(at) { if (!st.started) st.started = at; }
    function render() {
      var done = !!st.ended;
      $("[data-obs-clock]").textContent = st.started ? "Watching since " + clockOf(st.started) +
        (done ? ", finished at " + clockOf(st.ended) + "." : ".") :
        "Not started: press Start watching when you begin (a first +1 or episode starts it too).";
      $("[data-obs-start]").hidden = !!st.started;
      $("[data-obs-stop]").hidden = !st.started || done;
      $("[data-obs-count]").textContent = "Counted: " + times(st.taps.length) + ".";
      $("[data-obs-plus]").disabled = done;
      $("[data-obs-undo]").disabled = done || !st.taps.length;
      var taps = $("[data-obs-taps]");
      taps.textContent = "";
      st.taps.forEach(function (t) { taps.appendChild(el("li", {text: clockOf(t)})); });
      var total = st.episodes.reduce(function (a, e) { return a + e.seconds; }, 0);
      $("[data-obs-total]").textContent = (st.running ? "Episode happening now, since " + clockOf(st.running) + ". " : "") +
        episodesWords(st.episodes.length) + ", " + lengthWords(total) + " in all.";
      var ep = $("[data-obs-episode]");
      ep.textContent = st.running ? "Stop episode" : "Start episode";
      ep.setAttribute("aria-pressed", st.running ? "true" : "false");
      ep.disabled = done;
      var list = $("[data-obs-episodes]");
      list.textContent = "";
      st.episodes.forEach(function (e) { list.appendChild(el("li", {text: clockOf(e.at) + ": " + lengthWords(e.seconds)})); });
    }
    $("[data-obs-start]").addEventListener("click", function () {
      begin(serverNow(ctx)); keep(); render();
      // The button is gone once started: focus goes to the one the method records with.
      var method = (form.querySelector('input[name="method"]:checked') || {}).value;
      $(method === "duration" ? "[data-obs-episode]" : "[data-obs-plus]").focus();
    });
    $("[data-obs-stop]").addEventListener("click", function () {
      var at = serverNow(ctx);
      // An episode still going ends with the watch.
      if (st.running) {
        st.episodes.push(episodeTo(st.running, at));
        st.running = 0;
      }
      st.ended = at; keep(); render();
      $("[data-obs-clock]").focus();
    });
    $("[data-obs-plus]").addEventListener("click", function () {
      var at = serverNow(ctx);
      begin(at); st.taps.push(at); keep(); render();
    });
    $("[data-obs-undo]").addEventListener("click", function () {
      st.taps.pop(); keep(); render();
      if (!st.taps.length) $("[data-obs-plus]").focus();
    });
    $("[data-obs-episode]").addEventListener("click", function () {
      var at = serverNow(ctx);
      if (st.running) {
        st.episodes.push(episodeTo(st.running, at));
        st.running = 0;
      } else {
        begin(at); st.running = at;
      }
      keep(); render();
    });
    render();
  }

  function collectLive(ctx, v) {
    var errors = {}, st = liveState(v), method = v.method;
    var behaviour = (v.watched || "").trim();
    if (!behaviour) errors.watched = "Name the behaviour you are counting or timing.";
    else if (behaviour.length > 200) errors.watched = "Keep the behaviour's name to 200 characters (it has " + behaviour.length + ").";
    var interval = method === "frequency" ? parseInt(v.interval_seconds, 10) : null;
    if (method === "frequency" && !(interval >= 5 && interval <= 3600)) errors.interval_seconds = "Choose how long each count's interval is.";
    // A record corrected later keeps the end it was saved with; a new one ends now.
    var ended = st.ended || serverNow(ctx);
    if (!st.started) errors.watch = "Press Start watching when you begin, then record what you see.";
    else if (ended - st.started > LONGEST) errors.watch = "An observation lasts at most 8 hours, and this watch has run longer: cancel it and start a new one.";
    var summary = method === "frequency" ? "Observation (frequency): " + times(st.taps.length) :
      "Observation (duration): " + episodesWords(st.episodes.length + (st.running ? 1 : 0));
    if (Object.keys(errors).length) return {errors: errors, data: {}, summary: summary};
    v.obs_ended = String(ended);  // kept with the record (the shell stores these values)
    var entries;
    if (method === "frequency") {
      // Every interval, zeros included; a tap in the very last instant counts in the last.
      var ms = interval * 1000, n = Math.max(1, Math.ceil((ended - st.started) / ms)), counts = {};
      st.taps.forEach(function (t) {
        var seq = Math.min(n, Math.max(1, Math.floor((t - st.started) / ms) + 1));
        counts[seq] = (counts[seq] || 0) + 1;
      });
      entries = [];
      for (var seq = 1; seq <= n; seq++) {
        entries.push({seq: seq, at: new Date(st.started + (seq - 1) * ms).toISOString(), count: counts[seq] || 0});
      }
    } else {
      var episodes = st.episodes.slice();
      // An episode still going when it is saved ends with the observation, as online.
      if (st.running) episodes.push(episodeTo(st.running, ended));
      entries = episodes.map(function (e) { return {at: new Date(e.at).toISOString(), duration_seconds: e.seconds}; });
    }
    return {errors: errors, data: {
      pupil_id: ctx.pupil.id, method: method, behaviour: behaviour, lesson: v.lesson || "",
      activity: v.activity || "", staff_present: "", notes: (v.notes || "").trim(),
      interval_seconds: interval, started_at: new Date(st.started).toISOString(),
      ended_at: new Date(ended).toISOString(), entries: entries
    }, summary: summary};
  }

  // --- The kinds -----------------------------------------------------------------------------
  var KINDS = {
    session: {
      title: function (ctx) { return "Record session: " + ctx.provision.title; },
      bind: function (form) { bindSwitches(form, "outcome", "delivered"); },
      fields: function (ctx) {
        var out = [
          radios("outcome", "Did the session happen?", choices(ctx, "session_outcomes",
            [["delivered", "Delivered"], ["missed", "Missed"]])),
          text("minutes", "Minutes", {type: "number", inputmode: "numeric", min: 1, max: 600, value: ctx.provision.minutes || ""}),
          timeField(ctx, "Start time"),
          el("div", {"data-when": "delivered"}, [
            radios("attendance", "Attendance", choices(ctx, "attendance", ATTENDANCE)),
            radios("response", "How did they engage?", choices(ctx, "responses", RESPONSE))
          ].concat((ctx.pupil.targets || []).map(function (t) {
            return select("rating:" + t.id, "Progress on: " + t.text, choices(ctx, "ratings", RATINGS), {blank: "Not rated", optional: true});
          })).concat([text("note", "Note", {long: true, optional: true}),
            check("share_note", "Parents may read the note"),
            check("flag", "Flag for the teacher"),
            // Asked once the session is flagged, as on the online session form.
            el("div", {"data-if-checked": "flag", hidden: true}, [
              text("flag_note", "What should the teacher look at?", {long: true, maxlength: FLAG_NOTE_MAX,
                hint: "Needed when flagged, up to " + FLAG_NOTE_MAX + " characters."})
            ])])),
          el("div", {"data-when": "missed", hidden: true}, [
            select("missed_reason", "Why was it missed?", choices(ctx, "missed_reasons", MISSED), {blank: "Choose a reason"}),
            text("missed_note", "What happened", {optional: true, hint: "Needed when the reason is Other."})
          ])
        ];
        return out;
      },
      collect: function (ctx, v) {
        var errors = {};
        var delivered = v.outcome === "delivered";
        if (!v.outcome) errors.outcome = "Say whether the session was delivered or missed.";
        var minutes = parseInt(v.minutes, 10);
        if (!(minutes >= 1 && minutes <= 600)) errors.minutes = "Enter the minutes, from 1 to 600.";
        needTime(errors, v);
        if (delivered) need(errors, v, "attendance", "Choose the attendance.");
        var flagNote = (v.flag_note || "").trim();
        if (delivered && v.flag && !flagNote) errors.flag_note = "Say what the teacher should look at.";
        if (delivered && v.flag && flagNote.length > FLAG_NOTE_MAX) errors.flag_note = "Keep what the teacher should look at to " + FLAG_NOTE_MAX + " characters.";
        if (v.outcome === "missed") {
          need(errors, v, "missed_reason", "Choose why the session was missed.");
          if (v.missed_reason === "other") need(errors, v, "missed_note", "Say what happened (the reason is Other).");
        }
        var pupils = [];
        if (delivered) {
          pupils.push({
            pupil_id: ctx.pupil.id, attendance: v.attendance,
            response: v.response ? parseInt(v.response, 10) : null, note: v.note || "",
            note_shared_with_parents: !!v.share_note, flag_for_teacher: !!v.flag,
            flag_note: v.flag ? flagNote : "",
            target_progress: (ctx.pupil.targets || []).filter(function (t) { return v["rating:" + t.id]; })
              .map(function (t) { return {target_id: t.id, rating: v["rating:" + t.id]}; })
          });
        }
        return {errors: errors, data: {
          provision_id: ctx.provision.id, date: ctx.date, start_time: v.time, minutes: minutes,
          delivered: delivered, missed_reason: delivered ? "" : (v.missed_reason || ""),
          missed_note: delivered ? "" : (v.missed_note || ""), pupils: pupils
        }, summary: "Session: " + ctx.provision.title + (delivered ? "" : " (missed)")};
      }
    },
    observation: {
      title: function () { return "Observation"; },
      fields: function (ctx) {
        return [radios("method", "How are you observing?", OBSERVE_METHODS, {value: "abc"}),
          el("p", {className: "hint muted", text: "Interval sampling (on task or off task at each prompt) " +
            "is recorded online only, on the pupil's Observe page."}),
          text("lesson", "Lesson", {optional: true}), text("activity", "Activity", {optional: true}),
          el("div", {"data-when": "abc"}, [timeField(ctx, "Started at"),
            text("minutes", "Minutes watched", {type: "number", inputmode: "numeric", min: 1, max: 480, value: 10}),
            text("antecedent", "What happened before", {long: true, optional: true}),
            text("behaviour", "What they did", {long: true}),
            text("consequence", "What happened next", {long: true, optional: true})]),
          el("div", {"data-when": "frequency duration", hidden: true}, liveFields())];
      },
      bind: function (form, ctx) {
        bindSwitches(form, "method", "abc");
        bindLive(form, ctx);
      },
      collect: function (ctx, v) {
        if (v.method === "frequency" || v.method === "duration") return collectLive(ctx, v);
        var errors = {};
        needTime(errors, v);
        var minutes = parseInt(v.minutes, 10);
        if (!(minutes >= 1 && minutes <= 480)) errors.minutes = "Enter the minutes watched, from 1 to 480.";
        need(errors, v, "behaviour", "Say what they did.");
        var start = errors.time ? "" : when(ctx, v);
        return {errors: errors, data: {
          pupil_id: ctx.pupil.id, method: "abc", lesson: v.lesson || "", activity: v.activity || "",
          started_at: start, ended_at: start && minutes ? addMinutes(ctx.date, v.time, minutes) : "",
          entries: [{at: start, antecedent: v.antecedent || "", behaviour: v.behaviour || "", consequence: v.consequence || ""}]
        }, summary: "Observation (ABC)"};
      }
    },
    incident: {
      title: function () { return "Behaviour incident"; },
      fields: function (ctx) {
        return [timeField(ctx), radios("severity", "How serious?", choices(ctx, "incident_severities", SEVERITY)),
          text("location", "Where", {optional: true}), text("lesson", "Lesson", {optional: true}),
          text("antecedent", "What happened before", {long: true, optional: true}),
          text("behaviour", "What they did", {long: true}),
          text("response", "What staff did", {long: true, optional: true}),
          text("outcome", "How it ended", {long: true, optional: true})]
          .concat((ctx.pupil.behaviour_strategies || []).map(function (st) {
            // The behaviour plan's strategies: how well each one tried worked.
            return select("strategy:" + st.id, "If you used it: " + st.text,
              choices(ctx, "strategy_effectiveness", EFFECT), {blank: "Not used", optional: true});
          }));
      },
      collect: function (ctx, v) {
        var errors = {};
        needTime(errors, v);
        need(errors, v, "severity", "Choose how serious it was.");
        need(errors, v, "behaviour", "Say what they did.");
        return {errors: errors, data: {
          pupil_id: ctx.pupil.id, kind: "concern", severity: v.severity ? parseInt(v.severity, 10) : null,
          occurred_at: errors.time ? "" : when(ctx, v), location: v.location || "", lesson: v.lesson || "",
          antecedent: v.antecedent || "", behaviour: v.behaviour || "", response: v.response || "",
          outcome: v.outcome || "",
          strategies: (ctx.pupil.behaviour_strategies || []).filter(function (st) { return v["strategy:" + st.id]; })
            .map(function (st) { return {strategy_id: st.id, effectiveness: parseInt(v["strategy:" + st.id], 10)}; })
        }, summary: "Incident"};
      }
    },
    recognition: {
      title: function () { return "Positive recognition"; },
      fields: function (ctx) {
        return [timeField(ctx), text("behaviour", "What they achieved", {long: true}),
          text("location", "Where", {optional: true})];
      },
      collect: function (ctx, v) {
        var errors = {};
        needTime(errors, v);
        need(errors, v, "behaviour", "Say what they achieved.");
        return {errors: errors, data: {
          pupil_id: ctx.pupil.id, kind: "positive", occurred_at: errors.time ? "" : when(ctx, v),
          behaviour: v.behaviour || "", location: v.location || ""
        }, summary: "Positive recognition"};
      }
    },
    diary: {
      title: function () { return "Home-school diary"; },
      fields: function (ctx) {
        return [el("p", {className: "muted", text: "Write in any of these; the family reads them."})]
          .concat(choices(ctx, "diary_sections", DIARY).map(function (s) {
            return text("section:" + s[0], s[1], {long: true, optional: true});
          }));
      },
      collect: function (ctx, v) {
        var errors = {}, notes = {};
        choices(ctx, "diary_sections", DIARY).forEach(function (s) {
          var t = (v["section:" + s[0]] || "").trim();
          if (t) notes[s[0]] = t;
        });
        if (!Object.keys(notes).length) errors["section:" + choices(ctx, "diary_sections", DIARY)[0][0]] = "Write in at least one part of the diary.";
        return {errors: errors, data: {pupil_id: ctx.pupil.id, date: ctx.date, notes: notes},
                summary: "Diary entry"};
      }
    },
    care_event: {
      title: function (ctx) { return "Care: " + (ctx.carePlan.title || ctx.carePlan.kind_label || ctx.carePlan.kind); },
      fields: function (ctx) {
        var out = [timeField(ctx), text("what", "What was done", {hint: "For example: pad change, hoist transfer."}),
          select("second_staff", "Second member of staff", staffChoices(ctx), {blank: "Nobody else", optional: !twoStaff(ctx)}),
          text("observations", "Skin condition, anything unusual", {long: true, optional: true}),
          text("note", "Note", {long: true, optional: true})];
        if (/ only/.test(ctx.carePlan.staff || "")) out.push(check("gender_confirmed", "The plan's rule was kept: " + ctx.carePlan.staff));
        return out;
      },
      collect: function (ctx, v) {
        var errors = {};
        needTime(errors, v);
        need(errors, v, "what", "Say what was done.");
        if (twoStaff(ctx)) need(errors, v, "second_staff", "Choose the second member of staff: this plan needs two.");
        return {errors: errors, data: {
          care_plan_id: ctx.carePlan.id, occurred_at: errors.time ? "" : when(ctx, v), kind: v.what || "",
          second_staff_id: v.second_staff ? parseInt(v.second_staff, 10) : null,
          observations: v.observations || "", products_used: "", note: v.note || "",
          gender_confirmed: !!v.gender_confirmed
        }, summary: "Care: " + (v.what || ctx.carePlan.title || "")};
      }
    },
    dose: {
      title: function (ctx) { return "Give " + ctx.medicine.name; },
      hint: function (ctx) {
        return "Offline, SENDesk cannot check whether another adult has given a dose since " +
          "this device was last connected. Check with the class first. The dose is saved " +
          "as given offline, not yet confirmed, and checked against the plan's rules when it is sent.";
      },
      fields: function (ctx) {
        var m = ctx.medicine, out = [medicineFacts(m, ctx.stale)];
        out.push(timeField(ctx, "Time given"));
        out.push(text("dose", "Dose given", {value: m.dose || ""}));
        if (m.controlled) {
          out.push(select("witness", "Witness (controlled drug)", staffChoices(ctx), {blank: "Choose the witness"}));
        } else {
          out.push(select("witness", "Witness", staffChoices(ctx), {blank: "No witness", optional: true}));
        }
        out.push(text("reactions", "Any reaction", {long: true, optional: true}));
        return out;
      },
      collect: function (ctx, v) {
        var errors = {};
        needTime(errors, v);
        need(errors, v, "dose", "Enter the dose given, for example 2 puffs.");
        if (ctx.medicine.controlled) need(errors, v, "witness", "A controlled drug needs its witness: choose who saw it given. Without one it cannot be saved.");
        return {errors: errors, data: {
          medicine_id: ctx.medicine.id, given_at: errors.time ? "" : when(ctx, v), outcome: "given",
          dose: v.dose || "", witness_id: v.witness ? parseInt(v.witness, 10) : null,
          reactions: v.reactions || "", given_offline: true
        }, summary: "Dose: " + ctx.medicine.name + " — given offline, not yet confirmed"};
      }
    }
  };

  // How many given on the day the pack was made ("2 of 4 today"), when the server says and
  // that day is still today on this device.
  function givenTodayWords(m, stale) {
    if (stale || typeof m.doses_today !== "number") return "";
    return " " + m.doses_today + " given today.";
  }

  function lastDoseWords(m) {
    if (!m.last_dose) return "No dose recorded that this device knows of.";
    var at = new Date(m.last_dose.at);
    return "Last dose this device knows of: " + at.toLocaleString("en-GB", {timeZone: ZONE,
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"}) +
      (m.last_dose.by ? ", by " + m.last_dose.by : "") +
      (m.last_dose.outcome && m.last_dose.outcome !== "given" ? " (" + m.last_dose.outcome + ")" : "") + ".";
  }

  function medicineFacts(m, stale) {
    var rules = (m.rules || []).map(function (r) { return el("li", {text: r}); });
    return el("div", {className: "medicine-facts"}, [
      el("p", {}, [el("strong", {text: m.name}), " — " + (m.dose || "") +
        (m.times && m.times.length ? ", at " + m.times.join(", ") : "") + (m.as_needed ? " (when needed)" : "")]),
      el("p", {className: "last-dose", text: lastDoseWords(m) + givenTodayWords(m, stale)}),
      rules.length ? el("ul", {className: "rules"}, rules) : null,
      el("p", {className: "offline-warning", text: "Another adult may have given a dose since this " +
        "device was last connected: it cannot check. Ask before you give it."}),
      m.controlled ? el("p", {className: "badge warn", text: "Controlled drug: needs a witness"}) : null
    ]);
  }

  function values(form) {
    var out = {};
    new FormData(form).forEach(function (v, k) { out[k] = typeof v === "string" ? v : ""; });
    return out;
  }

  function restore(form, saved) {
    Object.keys(saved || {}).forEach(function (name) {
      form.querySelectorAll("[name]").forEach(function (input) {
        if (input.name !== name) return;
        if (input.type === "radio" || input.type === "checkbox") input.checked = input.value === saved[name];
        else input.value = saved[name];
      });
    });
  }

  // The parts for the choice made in the radios `name` (a session delivered or missed, an
  // observation's method; `fallback` before any is chosen), and a part asked only when its
  // box is ticked (the flag's note). Listeners go on this opening's own inputs: the form
  // is reused for every record, so one left on it would judge the next record's parts.
  function bindSwitches(form, name, fallback) {
    function show() {
      var chosen = (form.querySelector('input[name="' + name + '"]:checked') || {}).value || fallback;
      form.querySelectorAll("[data-when]").forEach(function (part) {
        part.hidden = part.dataset.when.split(" ").indexOf(chosen) === -1;
      });
      form.querySelectorAll("[data-if-checked]").forEach(function (part) {
        var box = form.querySelector('input[name="' + part.dataset.ifChecked + '"]');
        part.hidden = !(box && box.checked);
      });
    }
    form.querySelectorAll('input[name="' + name + '"], [data-record-fields] input[type=checkbox]').forEach(function (input) {
      input.addEventListener("change", show);
    });
    show();
  }

  // Whether the open form holds a count or timing not yet saved on the device (it lives
  // only in the form until then): closing it asks first.
  function liveWork(form) {
    var method = (form.querySelector('input[name="method"]:checked') || {}).value;
    if (method !== "frequency" && method !== "duration") return false;
    var got = function (name) { var i = form.querySelector('input[name="' + name + '"]'); return i ? i.value : ""; };
    return !!got("obs_started") || listOf(got("obs_taps")).length > 0 || listOf(got("obs_episodes")).length > 0;
  }

  window.SENDeskForms = {
    KINDS: KINDS, el: el, values: values, restore: restore, bindSwitches: bindSwitches, liveWork: liveWork,
    medicineFacts: medicineFacts, lastDoseWords: lastDoseWords, dayWords: dayWords, parts: parts
  };
})();
