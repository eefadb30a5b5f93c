// The body map on the concern report. Tap an outline to place a numbered mark and say
// what was seen there; or, by keyboard, choose a side and position and press "Add mark".
// The marks live in the hidden body_map field as JSON [{side, x, y, note}], x and y from
// 0 to 100 across and down the figure. Without script the same buttons post the form and
// the server adds or removes the mark, so nothing here is needed to report a concern.
(function () {
  "use strict";
  var MAX_MARKS = 30;
  var SVG = "http://www.w3.org/2000/svg";
  var SIDE_LABEL = { front: "Front", back: "Back" };

  function init(section) {
    if (section.dataset.bodymapBound) return;
    section.dataset.bodymapBound = "1";
    var field = section.querySelector("#id_body_map");
    var list = section.querySelector(".bodymap-list");
    var empty = section.querySelector(".bodymap-empty");
    var pending = section.querySelector(".bodymap-pending");
    var pendingNote = section.querySelector("#bodymap-pending-note");
    var pendingN = section.querySelector("[data-pending-n]");
    var positionsEl = document.getElementById("bodymap-positions");
    var positions = positionsEl ? JSON.parse(positionsEl.textContent) : [];
    var marks;
    try { marks = JSON.parse(field.value || "[]"); } catch (e) { marks = []; }
    if (!Array.isArray(marks)) marks = [];
    var draft = null; // a tapped mark waiting for its note

    function describe(mark) {
      var best = null, bestD = Infinity;
      positions.forEach(function (p) {
        var at = p[mark.side];
        if (!at) return;
        var d = Math.pow(at[0] - mark.x, 2) + Math.pow((at[1] - mark.y) * 2, 2);
        if (d < bestD) { bestD = d; best = p; }
      });
      var label = best ? best.label.charAt(0).toLowerCase() + best.label.slice(1) : "";
      return (SIDE_LABEL[mark.side] || mark.side) + (label ? ", " + label : "");
    }

    function drawMarks() {
      section.querySelectorAll("svg.bodymap-target").forEach(function (svg) {
        var side = svg.dataset.side;
        var g = svg.querySelector("g.marks");
        while (g.firstChild) g.removeChild(g.firstChild);
        var all = draft ? marks.concat([draft]) : marks;
        var titles = [];
        all.forEach(function (m, i) {
          if (m.side !== side) return;
          var mark = document.createElementNS(SVG, "g");
          mark.setAttribute("class", m === draft ? "mark pending" : "mark");
          var c = document.createElementNS(SVG, "circle");
          c.setAttribute("cx", m.x); c.setAttribute("cy", m.y * 2); c.setAttribute("r", "4.5");
          var t = document.createElementNS(SVG, "text");
          t.setAttribute("x", m.x); t.setAttribute("y", m.y * 2); t.setAttribute("dy", "2");
          t.textContent = String(i + 1);
          mark.appendChild(c); mark.appendChild(t); g.appendChild(mark);
          titles.push((i + 1) + ": " + describe(m));
        });
        var title = svg.querySelector("title");
        var n = titles.length;
        title.textContent = "Body map, " + side + ": " + n + " mark" + (n === 1 ? "" : "s") +
          (n ? "; " + titles.join("; ") : "");
      });
    }

    function render() {
      field.value = JSON.stringify(marks);
      while (list.firstChild) list.removeChild(list.firstChild);
      marks.forEach(function (m, i) {
        var li = document.createElement("li");
        var strong = document.createElement("strong");
        strong.textContent = describe(m);
        li.appendChild(strong);
        if (m.note) li.appendChild(document.createTextNode(": " + m.note + " "));
        var remove = document.createElement("button");
        remove.type = "submit"; remove.name = "remove_mark"; remove.value = String(i);
        remove.className = "link"; remove.textContent = "Remove mark " + (i + 1);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(remove);
        list.appendChild(li);
      });
      if (empty) empty.hidden = marks.length > 0;
      drawMarks();
    }

    function full() {
      if (marks.length < MAX_MARKS) return false;
      window.alert("A body map holds at most " + MAX_MARKS + " marks. Describe the rest in words.");
      return true;
    }

    section.querySelectorAll("svg.bodymap-target").forEach(function (svg) {
      svg.addEventListener("click", function (evt) {
        if (full()) return;
        var pt = svg.createSVGPoint();
        pt.x = evt.clientX; pt.y = evt.clientY;
        var at = pt.matrixTransform(svg.getScreenCTM().inverse());
        var x = Math.max(0, Math.min(100, at.x));
        var y = Math.max(0, Math.min(100, at.y / 2));
        draft = { side: svg.dataset.side, x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10, note: "" };
        pendingN.textContent = String(marks.length + 1) + " (" + describe(draft) + ")";
        pending.hidden = false;
        pendingNote.value = "";
        drawMarks();
        pendingNote.focus();
      });
    });

    function savePending() {
      if (!draft) return;
      draft.note = pendingNote.value.trim().slice(0, 200);
      marks.push(draft);
      draft = null;
      pending.hidden = true;
      render();
    }
    function cancelPending() {
      draft = null;
      pending.hidden = true;
      drawMarks();
    }
    section.querySelector("[data-pending-save]").addEventListener("click", savePending);
    section.querySelector("[data-pending-cancel]").addEventListener("click", cancelPending);
    pendingNote.addEventListener("keydown", function (evt) {
      // Enter would submit the whole report: here it saves the mark.
      if (evt.key === "Enter") { evt.preventDefault(); savePending(); }
      if (evt.key === "Escape") { evt.preventDefault(); cancelPending(); }
    });

    section.addEventListener("click", function (evt) {
      var button = evt.target.closest("button");
      if (!button) return;
      if (button.hasAttribute("data-add-mark")) {
        evt.preventDefault();
        if (full()) return;
        var side = section.querySelector("[name=mark_side]").value;
        var key = section.querySelector("[name=mark_position]").value;
        var noteEl = section.querySelector("[name=mark_note]");
        var pos = positions.filter(function (p) { return p.key === key; })[0];
        if (!pos || !pos[side]) return;
        marks.push({ side: side, x: pos[side][0], y: pos[side][1], note: noteEl.value.trim().slice(0, 200) });
        noteEl.value = "";
        render();
      } else if (button.name === "remove_mark") {
        evt.preventDefault();
        var i = parseInt(button.value, 10);
        if (i >= 0 && i < marks.length) marks.splice(i, 1);
        render();
        var next = list.querySelector("button") || section.querySelector("[name=mark_side]");
        if (next) next.focus();
      }
    });
    render();
  }

  function start(root) { root.querySelectorAll("[data-bodymap]").forEach(init); }
  document.addEventListener("DOMContentLoaded", function () { start(document); });
})();
