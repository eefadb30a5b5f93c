// The offline My day (issue 13): draws what this device keeps for the person signed in on
// it (decrypted with their key), lets them record into the outbox, and shows each kept
// record's state: waiting, sending, saved, or refused with the server's reason (kept until
// they correct or dismiss it). Sends when the network is there: on load, on the browser's
// "online" event and with "Send now".
(function () {
  "use strict";
  var store = window.SENDeskOffline, outbox = window.SENDeskOutbox, F = window.SENDeskForms;
  var el = F.el;
  var state = {user: null, pack: null, skew: 0, refreshed: 0, days: [], date: "", stale: ""};
  var STATES = {waiting: "Waiting to send", sending: "Sending…", saved: "Saved ✓", refused: "Refused"};

  function $(sel) { return document.querySelector(sel); }
  function now() { return Date.now() - (state.skew || 0); }

  function banner() {
    var b = $("[data-offline-banner]");
    if (navigator.onLine) {
      b.textContent = "Connected — records saved on this device are sent now. ";
      b.appendChild(el("a", {href: document.body.dataset.myDay, text: "Open My day"}));
      b.classList.remove("is-offline");
    } else {
      b.textContent = "Offline — saved on this device, will send when connected";
      b.classList.add("is-offline");
    }
  }

  function empty(words) {
    var box = $("[data-empty]");
    box.hidden = false;
    if (words) box.querySelector("[data-empty-why]").textContent = words;
  }

  // --- The outbox list -----------------------------------------------------------------------
  // After a change the list is drawn again, so the button that was used is gone: focus goes
  // to the record's new line (`focusSeq`) or, when that line is gone too, the list's heading.
  function renderOutbox(focusSeq) {
    if (!state.user) return Promise.resolve();
    return store.records(state.user).then(function (list) {
      var section = $("[data-outbox]"), ol = $("[data-outbox-list]"), sendBtn = $("[data-send-now]");
      // Redrawn while sending: whoever had focus in the list keeps it on the same record.
      var held = ol.contains(document.activeElement) ? document.activeElement.closest("[data-seq]") : null;
      var hadSend = document.activeElement === sendBtn;
      if (focusSeq === undefined && held) focusSeq = Number(held.dataset.seq);
      section.hidden = !list.length;
      ol.textContent = "";
      var counts = {waiting: 0, sending: 0, saved: 0, refused: 0};
      list.forEach(function (e) {
        counts[e.state] = (counts[e.state] || 0) + 1;
        ol.appendChild(item(e));
      });
      var parts = [];
      if (counts.waiting + counts.sending) parts.push((counts.waiting + counts.sending) + " waiting to send");
      if (counts.refused) parts.push(counts.refused + " refused: check them below");
      if (counts.saved) parts.push(counts.saved + " saved");
      $("[data-outbox-status]").textContent = parts.join(", ") + ".";
      $("[data-clear-saved]").hidden = !counts.saved;
      sendBtn.hidden = !(counts.waiting + counts.sending);
      if (focusSeq === undefined && hadSend && sendBtn.hidden) focusSeq = null;
      if (focusSeq === undefined) return;
      var li = focusSeq === null ? null : ol.querySelector('[data-seq="' + focusSeq + '"]');
      if (li) li.focus();
      else if (!section.hidden) $("#outbox-title").focus();
      else $("#main").focus();
    });
  }

  function item(e) {
    var r = e.record;
    var li = el("li", {className: "outbox-item state-" + e.state, "data-seq": e.seq, "data-state": e.state, tabindex: "-1"}, [
      el("p", {className: "outbox-what"}, [el("strong", {text: r.summary}), " — " + (r.pupil_name || "") +
        ", " + F.dayWords(r.day) + (r.time ? " " + r.time : "")]),
      el("p", {className: "outbox-state"}, [el("span", {className: "badge " + ({saved: "ok", refused: "bad", waiting: "warn", sending: "warn"})[e.state], text: STATES[e.state] || e.state})])
    ]);
    if (r.message) li.appendChild(el("p", {className: e.state === "refused" ? "error" : "muted", text: r.message}));
    if (r.warning) li.appendChild(el("p", {className: "error", text: r.warning}));
    var errs = r.errors || {};
    var keys = Object.keys(errs);
    if (e.state === "refused" && keys.length) {
      li.appendChild(el("ul", {className: "errorlist"}, keys.map(function (k) {
        return el("li", {text: errs[k]});
      })));
    }
    // A dose refused by SENDesk was still given: the SENCO must hear of it today.
    if (e.state === "refused" && r.kind === "dose") {
      li.appendChild(el("p", {className: "error", text: "This dose was given but is not saved: tell the SENCO now."}));
    }
    if (e.state === "refused") {
      li.appendChild(el("div", {className: "actions"}, [
        el("button", {type: "button", "data-correct": e.seq, text: "Correct it"}),
        el("button", {type: "button", className: "secondary", "data-dismiss": e.seq, text: "Dismiss (not saved)"})
      ]));
    }
    return li;
  }

  var sending = false;
  function sendNow() {
    if (!state.user || sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    return outbox.send(state.user, function () { return renderOutbox(); }).then(function (result) {
      if (result && result.stopped === "signin") {
        $("[data-outbox-status]").textContent = "Not sent: sign in to SENDesk to send these records.";
      }
      if (result && result.stopped === "other_person") {
        $("[data-outbox-status]").textContent = "Not sent: sign in as " + (who() || "the person who recorded them") + " to send these records.";
      }
    }, function () { /* kept; the next round tries again */ }).then(function () {
      sending = false;
      return renderOutbox();
    });
  }

  // --- Days and pupils -----------------------------------------------------------------------
  function details(summary, children, open) {
    var d = el("details", {className: "offline-details"}, [el("summary", {text: summary})].concat(children));
    if (open) d.open = true;
    return d;
  }

  function list(items, fn) { return el("ul", {}, items.map(function (x) { return el("li", {}, fn(x)); })); }

  function pupilFacts(p, recordable) {
    var out = [];
    if (p.emergency_steps && p.emergency_steps.length) {
      out.push(el("div", {className: "emergency"}, [el("h4", {text: "In an emergency"})].concat(
        p.emergency_steps.map(function (s) {
          // The plan's conditions are sentences of their own: a line above the steps, not
          // a heading run into them.
          return el("div", {}, [el("p", {}, [el("strong", {text: "Condition: "}), s.plan]),
            el("p", {className: "pre-line", text: s.steps}),
            s.who_to_call ? el("p", {text: "Who to call: " + s.who_to_call}) : null]);
        }))));
    }
    if (p.targets && p.targets.length) {
      out.push(details("Targets (" + p.targets.length + ")", [list(p.targets, function (t) {
        return [t.text, t.area ? el("span", {className: "muted", text: " — " + t.area}) : null];
      })]));
    }
    out.push(details("Strategies that work (" + (p.strategies || []).length + ")", [
      (p.strategies || []).length ? list(p.strategies, function (s) { return [s.text]; }) :
        el("p", {className: "muted", text: "None written down yet."})]));
    if (p.profile && p.profile.length) {
      out.push(details("One-page profile", p.profile.map(function (s) {
        return el("div", {}, [el("h4", {text: s.heading}), el("p", {text: s.text})]);
      })));
    }
    if (p.care_plans && p.care_plans.length) {
      out.push(details("Care and moving and handling plans (" + p.care_plans.length + ")", p.care_plans.map(function (c, i) {
        var bits = [el("h4", {text: (c.kind_label || c.kind) + (c.title ? ": " + c.title : "")}), el("p", {className: "pre-line", text: c.text || ""})];
        if (c.staff) bits.push(el("p", {className: "badge warn", text: c.staff}));
        if (recordable && c.id) bits.push(el("button", {type: "button", className: "secondary", "data-record": "care_event", "data-pupil": p.id, "data-care": String(i), text: "Record care"}));
        return el("div", {className: "care-plan"}, bits);
      })));
    }
    if (p.medicines && p.medicines.length) {
      out.push(details("Medicines (" + p.medicines.length + ")", p.medicines.map(function (m, i) {
        var bits = [F.medicineFacts(m, !!state.stale)];
        if (recordable) bits.push(el("button", {type: "button", "data-record": "dose", "data-pupil": p.id, "data-medicine": String(i), text: "Give " + m.name}));
        return el("div", {className: "medicine"}, bits);
      }), true));
    }
    return out;
  }

  function pupilCard(p, card, day, shown) {
    var first = !shown[p.id];
    shown[p.id] = true;
    var recordable = !!day.recordable;
    var bits = [el("h3", {id: "p-" + day.date + "-" + p.id}, [p.name + " ", el("span", {className: "year muted", text: p.year || ""})])];
    if (card && card.group) bits.push(el("p", {className: "muted", text: card.group}));
    if (card && card.provisions && card.provisions.length) {
      bits.push(el("ul", {className: "offline-provisions"}, card.provisions.map(function (pr, i) {
        var row = [el("strong", {text: pr.title}), " " + [pr.minutes ? pr.minutes + " minutes" : "", pr.frequency || ""].filter(Boolean).join(", ")];
        if (pr.delivered) row.push(el("span", {className: "badge ok", text: "Recorded"}));
        if (recordable) row.push(el("button", {type: "button", "data-record": "session", "data-pupil": p.id, "data-day": day.date, "data-provision": String(i), text: "Record session"}));
        return el("li", {}, row);
      })));
    }
    if (recordable) {
      // The diary only for a pupil who has one: the outbox refuses it for anyone else.
      var kinds = [["observation", "Observation"], ["incident", "Incident"], ["recognition", "Recognition"]];
      if (p.diary) kinds.push(["diary", "Diary entry"]);
      bits.push(el("div", {className: "actions offline-record"}, kinds.map(function (k) {
        return el("button", {type: "button", className: "secondary", "data-record": k[0], "data-pupil": p.id, "data-day": day.date, text: k[1]});
      })));
    }
    if (first) bits = bits.concat(pupilFacts(p, recordable));
    else bits.push(el("p", {className: "muted", text: "Plans and medicines: see above."}));
    return el("article", {className: "card offline-pupil", "aria-labelledby": "p-" + day.date + "-" + p.id}, bits);
  }

  // The pack's days as they stand on this device's own (skew-corrected) date. When the pack
  // was made on another day (kept overnight), its "today" is not today: the day that is
  // today on the device (the pack's next school day) becomes today, recordable if a school
  // day; if none is, nothing is recordable, though care, medicines and emergency steps show.
  function daysNow() {
    var date = F.parts(now()).date, days = state.pack.days || [];
    var packToday = days.filter(function (d) { return d.today; })[0];
    state.date = date;
    state.stale = packToday && packToday.date !== date ? packToday.date : "";
    if (!state.stale) return days;
    return days.map(function (d) {
      var match = d.date === date;
      return Object.assign({}, d, {today: match, recordable: match && !d.closed, past: d.date < date});
    });
  }

  function longDay(date) {
    return new Date(date + "T12:00:00Z").toLocaleDateString("en-GB",
      {timeZone: "UTC", weekday: "long", day: "numeric", month: "long"});
  }

  function renderDays() {
    var pack = state.pack, root = $("[data-days]"), shown = {};
    state.days = daysNow();
    root.textContent = "";
    root.appendChild(el("h1", {text: "My day (saved on this device)"}));
    if (state.stale) {
      var any = state.days.some(function (d) { return d.today; });
      root.appendChild(el("p", {className: "message offline-stale", role: "status", "data-stale": state.stale},
        ["This was saved on " + longDay(state.stale) + ": today's plan is not on this device. " +
          (any ? "The plan below for today is the one saved then; sign in with a signal to refresh it." :
            "Nothing can be recorded here today. Pupils' care, medicines and emergency steps are below.")]));
    }
    state.days.forEach(function (day) {
      var label = (day.today ? "Today, " : day.past ? "Saved for " : "Next school day, ") + (day.label || F.dayWords(day.date));
      var section = el("section", {className: "offline-day", "data-date": day.date}, [el("h2", {text: label})]);
      if (day.closed) section.appendChild(el("p", {className: "muted", text: day.closed}));
      if (!day.recordable && !day.today) section.appendChild(el("p", {className: "muted", text: day.past ? "To read: that day has passed." : "To read: record on the day."}));
      if (day.lines && day.lines.length) section.appendChild(el("ul", {className: "day-lines"}, day.lines.map(function (l) {
        return el("li", {text: typeof l === "string" ? l : (l.text || "")});
      })));
      (day.cards || []).forEach(function (card) {
        var p = pack.pupils[card.pupil];
        if (p) section.appendChild(pupilCard(p, card, day, shown));
      });
      if (!(day.cards || []).length && !day.closed) section.appendChild(el("p", {className: "muted", text: "No sessions planned."}));
      root.appendChild(section);
    });
    // Pupils on no card (their medicines, care and emergency steps still matter).
    var today = state.days.filter(function (d) { return d.today; })[0] || {date: state.date, recordable: !state.stale};
    var rest = Object.keys(pack.pupils || {}).filter(function (k) { return !shown[k]; });
    if (rest.length) {
      var other = el("section", {className: "offline-day"}, [el("h2", {text: "Your other pupils"})]);
      rest.forEach(function (k) { other.appendChild(pupilCard(pack.pupils[k], null, today, shown)); });
      root.appendChild(other);
    }
  }

  // --- Recording -----------------------------------------------------------------------------
  var dialog, form, opener, editing = null;

  function dayOf(date) {
    var days = state.days;
    return days.filter(function (d) { return d.date === date; })[0] ||
      days.filter(function (d) { return d.today; })[0] || {date: state.date, recordable: !state.stale};
  }

  // A new record is dated by the device's clock; a record being corrected keeps its own day.
  function contextFor(kind, ds, keptDay) {
    var pack = state.pack, p = pack.pupils[ds.pupil], day = dayOf(ds.day), at = now();
    var ctx = {kind: kind, pack: pack, pupil: p, day: day, user: state.user, now: at, skew: state.skew || 0, ids: Object.assign({}, ds),
      date: keptDay || F.parts(at).date, stale: !!state.stale};
    if (kind === "session") {
      var card = (day.cards || []).filter(function (c) { return c.pupil === p.id; })[0];
      ctx.provision = card.provisions[parseInt(ds.provision, 10)];
    }
    if (kind === "dose") ctx.medicine = p.medicines[parseInt(ds.medicine, 10)];
    if (kind === "care_event") ctx.carePlan = p.care_plans[parseInt(ds.care, 10)];
    return ctx;
  }

  function open(kind, ds, saved, seq, keptDay) {
    var ctx = contextFor(kind, ds, keptDay), spec = F.KINDS[kind];
    editing = {kind: kind, ctx: ctx, seq: seq || null};
    $("[data-record-title]").textContent = spec.title(ctx) + " — " + ctx.pupil.name;
    $("[data-record-hint]").textContent = spec.hint ? spec.hint(ctx) : "Saved on this device, then sent when connected.";
    var errors = $("[data-record-errors]");
    errors.hidden = true; errors.textContent = "";
    var fields = $("[data-record-fields]");
    fields.textContent = "";
    spec.fields(ctx).forEach(function (f) { fields.appendChild(f); });
    if (saved) F.restore(form, saved);
    if (spec.bind) spec.bind(form, ctx);
    dialog.showModal();
    var firstInput = fields.querySelector("input, select, textarea");
    if (firstInput) firstInput.focus();
  }

  function showErrors(errs) {
    var box = $("[data-record-errors]");
    box.textContent = "";
    form.querySelectorAll("[aria-invalid]").forEach(function (x) { x.removeAttribute("aria-invalid"); });
    form.querySelectorAll(".field-error").forEach(function (x) { x.remove(); });
    box.appendChild(el("h3", {text: "Not saved yet: check these"}));
    box.appendChild(el("ul", {}, Object.keys(errs).map(function (name) {
      var field = form.querySelector('[data-field="' + name + '"]');
      // A live recorder's error is placed at its button (Start watching).
      var input = field && field.querySelector("input:not([type=hidden]), select, textarea, button");
      if (input) {
        if (!input.id) input.id = "f-" + name.replace(/\W/g, "-");
        input.setAttribute("aria-invalid", "true");
        var msg = el("p", {className: "error field-error", id: input.id + "-error", text: errs[name]});
        input.setAttribute("aria-describedby", msg.id);
        field.insertBefore(msg, field.querySelector("input:not([type=hidden]), select, textarea, button, .choices"));
      }
      return el("li", {}, [input ? el("a", {href: "#" + input.id, text: errs[name]}) : errs[name]]);
    })));
    box.hidden = false;
    box.focus();
  }

  function save(evt) {
    evt.preventDefault();
    var ctx = editing.ctx, spec = F.KINDS[editing.kind];
    var v = F.values(form);
    var out = spec.collect(ctx, v);
    if (Object.keys(out.errors).length) { showErrors(out.errors); return; }
    var record = {
      kind: editing.kind, client_id: crypto.randomUUID(), recorded_by: Number(state.user),
      recorded_at: new Date().toISOString(), data: out.data, summary: out.summary,
      pupil_name: ctx.pupil.name, day: ctx.date, time: v.time || "", form: v, ids: ctx.ids, by_name: who(),
      message: "", warning: "", errors: {}
    };
    var seq = editing.seq;
    var done = seq ? store.putRecord(state.user, seq, "waiting", record).then(function () { return seq; }) :
      store.addRecord(state.user, record);
    done.then(function () {
      // A corrected record's "Correct it" button is drawn away: focus its line, not the body.
      if (seq) opener = null;
      dialog.close();
      say(out.summary + " for " + ctx.pupil.name + ": saved on this device" +
        (navigator.onLine ? ", sending now." : ", will send when connected."));
      return renderOutbox(seq ? seq : undefined);
    }).then(function () { if (navigator.onLine) sendNow(); })
      .catch(function () { showErrors({_: "Could not save on this device. Sign in again with a signal."}); });
  }

  function say(words) {
    var live = $("[data-said]");
    if (!live) {
      live = el("p", {className: "message offline-said", role: "status", "data-said": ""});
      $("[data-outbox]").parentNode.insertBefore(live, $("[data-outbox]"));
    }
    live.textContent = words;
  }

  function onClick(evt) {
    var b = evt.target.closest && evt.target.closest("button");
    if (!b) return;
    if (b.dataset.record) { opener = b; open(b.dataset.record, b.dataset); return; }
    if (b.hasAttribute("data-send-now")) { sendNow(); return; }
    if (b.hasAttribute("data-clear-saved")) {
      store.records(state.user).then(function (list) {
        return Promise.all(list.filter(function (e) { return e.state === "saved"; })
          .map(function (e) { return store.removeRecord(state.user, e.seq); }));
      }).then(function () { return renderOutbox(null); });
      return;
    }
    if (b.dataset.dismiss) {
      if (!window.confirm("Dismiss this record? It has not been saved by SENDesk and will be removed from this device.")) return;
      store.removeRecord(state.user, Number(b.dataset.dismiss)).then(function () { return renderOutbox(null); });
      return;
    }
    if (b.dataset.correct) {
      var seq = Number(b.dataset.correct);
      store.records(state.user).then(function (list) {
        var e = list.filter(function (x) { return x.seq === seq; })[0];
        if (!e) return;
        opener = b;
        open(e.record.kind, e.record.ids, e.record.form, seq, e.record.day);
        var errs = e.record.errors || {};
        if (e.record.message || Object.keys(errs).length) {
          var box = $("[data-record-errors]");
          box.textContent = "";
          box.appendChild(el("h3", {text: "SENDesk refused this record"}));
          box.appendChild(el("p", {text: e.record.message || ""}));
          box.appendChild(el("ul", {}, Object.keys(errs).map(function (k) { return el("li", {text: errs[k]}); })));
          box.hidden = false;
        }
      });
    }
  }

  function who() { return state.pack && state.pack.user && state.pack.user.name || ""; }

  function expireCheck() {
    store.getKey(state.user).then(function (key) {
      if (!key) store.settle("").then(function () { location.reload(); });
      // Left open past midnight: today is another day now, and the page says so.
      else if (state.pack && F.parts(now()).date !== state.date && !dialog.open) renderDays();
    });
  }

  function start() {
    dialog = $("[data-record-dialog]");
    form = $("[data-record-form]");
    form.addEventListener("submit", save);
    // A count or timing not yet saved on the device is only in the form: closing it (Cancel,
    // Esc, leaving the page) asks first, so a slip does not lose it.
    var DISCARD = "Discard this observation? What you counted or timed is not saved on this device yet.";
    function mayClose() { return !dialog.open || !F.liveWork(form) || window.confirm(DISCARD); }
    $("[data-record-cancel]").addEventListener("click", function () { if (mayClose()) dialog.close(); });
    dialog.addEventListener("cancel", function (evt) { if (!mayClose()) evt.preventDefault(); });
    window.addEventListener("beforeunload", function (evt) {
      if (dialog.open && F.liveWork(form)) { evt.preventDefault(); evt.returnValue = ""; }
    });
    dialog.addEventListener("close", function () { if (opener && document.contains(opener)) opener.focus(); });
    document.addEventListener("click", onClick);
    banner();
    window.addEventListener("online", function () { banner(); sendNow(); });
    window.addEventListener("offline", banner);
    if (!store || !window.crypto || !crypto.subtle) { empty("This browser cannot keep records safely offline."); return; }
    store.exists().then(function (there) {
      return there ? store.current() : null;
    }).then(function (user) {
      if (!user) { empty("Nobody is signed in on this device, or their sign-in has ended. Sign in with a signal and open My day."); return; }
      // The end of the sign-in's life: the key and My day go (unsent records stay, locked).
      return store.getKey(user).then(function (key) {
        if (!key) { return store.settle("").then(function () { empty("Your sign-in on this device has ended. Sign in again with a signal."); }); }
        state.user = user;
        return store.getPack(user).then(function (got) {
          if (!got) { empty(); return renderOutbox(); }
          state.pack = got.pack; state.skew = got.skew; state.refreshed = got.refreshed;
          var who = $(".offline-who");
          who.textContent = got.pack.user && got.pack.user.name || "";
          who.hidden = !who.textContent;
          var r = $("[data-refreshed]");
          r.textContent = "Last refreshed " + new Date(got.refreshed).toLocaleString("en-GB",
            {weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit"}) + ".";
          r.hidden = false;
          renderDays();
          return renderOutbox();
        });
      });
    }).then(function () {
      document.body.setAttribute("data-shell-ready", "");
      // Left open past the end of the sign-in: the key and My day go then, not later.
      if (state.user) setInterval(expireCheck, 60 * 1000);
      if (navigator.onLine) return sendNow();
    }).catch(function () { empty("What this device keeps could not be read. Sign in again with a signal."); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
