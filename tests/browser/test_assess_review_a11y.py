"""Issue 10's pages (photo consent, evidence, assessment and the Engagement Model, exams and
access arrangements, reviews and the parent's view) as a keyboard or screen reader user on a
small phone meets them. test_reflow opens each of them once at 320 CSS px; here:
- every form, refused, puts focus on its error summary, keeps what was typed, and the page
  with its messages still fits 320 px;
- Tab walks each form top to bottom with a visible focus ring, reaches its button and goes
  on past it (no trap);
- no id is used twice (a label, and the summary's link, find their own control: the exam
  page's two Room fields shared one);
- the review page names each of its regions once (the assessment sections repeated the
  section's heading and name inside it);
- a thumbnail's link says its caption once (its alt repeated the caption beside it)."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from .conftest import WIDTH
from .pages import make_records
from .signin import log_in
from .test_reflow import problems

# (who, url name, kwargs from (world, records), query, the field typed into and what,
#  the button). Typing one field leaves others the form needs empty, so it is refused.
FORMS = [
    ("alice", "evidence_add", lambda w, r: {"pupil_id": w.ben.pk}, "?session={session}",
     ("caption", "Built a tower of six blocks"), "Save"),
    ("alice", "evidence_amend", lambda w, r: {"pk": r.evidence}, "",
     ("caption", "Tower of eleven blocks"), "Save the correction"),
    ("alice", "assessment_new", lambda w, r: {"pupil_id": w.ben.pk}, "",
     ("score", "91"), "Save score"),
    ("alice", "assessment_amend", lambda w, r: {"pk": r.assessment}, "",
     ("note", "Retested after the holiday"), "Save the correction"),
    ("alice", "engagement_new", lambda w, r: {"pupil_id": w.ben.pk}, "",
     ("note_exploration", "Reached for the bubbles twice"), "Save observation"),
    ("alice", "reviews_view", lambda w, r: {"pk": r.review, "kind": "pupil"}, "",
     ("like", "Playtime and the computers"), "Save the view"),
    ("pat", "reviews_family_view", lambda w, r: {"pupil_id": w.ben.pk, "pk": r.review}, "",
     None, "Send my views to the school"),
    ("senco", "pupil_consent", lambda w, r: {"pupil_id": w.ben.pk}, "",
     ("given_by_name", "Mrs Parent"), "Record the form"),
    ("senco", "measure_new", lambda w, r: {}, "", ("name", "Times tables (out of 25)"),
     "Save measure"),
    ("senco", "engagement_scale", lambda w, r: {}, "", ("levels", "Only one level"),
     "Save the scale"),
    ("senco", "exam_new", lambda w, r: {}, "", ("rooms", "Hall\nLibrary"),
     "Add it to the timetable"),
    ("senco", "exam_detail", lambda w, r: {"pk": r.exam}, "", None, "Seat them in this room"),
    ("senco", "exam_detail", lambda w, r: {"pk": r.exam}, "", ("name", "Hall"), "Add the room"),
    ("senco", "pupil_arrangements", lambda w, r: {"pupil_id": w.ben.pk}, "",
     ("evidence", "Reading age 7y2m"), "Record the arrangement"),
    ("senco", "reviews_decide", lambda w, r: {"pk": r.review}, "",
     ("success_criteria", "Three times in a week"), "Save the decision"),
]  # fmt: skip

# The view forms leave the name filled in for you: emptied, the view is refused.
EMPTIED = {"reviews_view": "author"}

FOCUSED_SUMMARY = """() => {
  const el = document.activeElement;
  return el && el.classList.contains("error-summary") ? el.innerText : null;
}"""

# Where Tab lands: the element, whether it shows a focus ring, and where it is on the page.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el), box = el.getBoundingClientRect();
  return {
    what: el.tagName.toLowerCase() + (el.name ? `[name=${el.name}]` : "") + " "
      + (el.innerText || el.value || "").trim().slice(0, 30),
    ring: cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0,
    top: box.top + window.scrollY, inMain: !!el.closest("main"),
    submit: el.type === "submit",
  };
}"""

DUPLICATE_IDS = """() => {
  const seen = {};
  for (const el of document.querySelectorAll("[id]")) seen[el.id] = (seen[el.id] || 0) + 1;
  return Object.keys(seen).filter((id) => seen[id] > 1);
}"""


def _path(w, records, name, kwargs, query):
    return reverse(name, kwargs=kwargs(w, records)) + query.format(session=records.session)


def _by_person(forms):
    return sorted(forms, key=lambda f: f[0])


def test_refused_forms_focus_their_summary_keep_what_was_typed_and_fit(
    live_world, live_server, client, narrow
):
    w, base, page = live_world, live_server.url, narrow
    records = make_records(w, client)
    failures, who = [], None
    for person, name, kwargs, query, typed, button in _by_person(FORMS):
        if person != who:
            page.context.clear_cookies()
            log_in(page, base, getattr(w, person).email)
            who = person
        page.goto(base + _path(w, records, name, kwargs, query))
        form = page.locator("main form").filter(
            has=page.get_by_role("button", name=button, exact=True)
        )
        # Forms in a closed disclosure are opened as a person would, by their summary.
        form.evaluate("f => { for (let d = f.closest('details'); d; "
                      "d = d.parentElement.closest('details')) d.open = true; }")  # fmt: skip
        # Fields the browser itself requires would stop the form before the server: the
        # server's refusal is what this checks (the browser's own bubble needs no help).
        form.evaluate("f => { f.noValidate = true; }")
        if name in EMPTIED:
            form.locator(f"[name={EMPTIED[name]}]").fill("")
        if typed:
            form.locator(f"[name={typed[0]}]").fill(typed[1])
        form.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()
        label = f"{name} ({button})"
        focused = page.evaluate(FOCUSED_SUMMARY)
        if focused is None or "Not saved" not in focused:
            active = page.evaluate("document.activeElement.tagName.toLowerCase()")
            failures.append(f"{label}: focus is on <{active}>, not the error summary")
        if typed:
            kept = page.locator(f"main [name={typed[0]}]").first.input_value()
            if kept != typed[1]:
                failures.append(f"{label}: {typed[0]} came back as {kept!r}")
        if found := problems(page):
            failures.append(f"{label} refused, at {WIDTH} px: {'; '.join(found)}")
    assert failures == [], "\n".join(failures)


# (who, url name, kwargs, the button Tab must reach)
KEYBOARD = [
    ("alice", "evidence_add", lambda w, r: {"pupil_id": w.ben.pk}, "Save"),
    ("alice", "engagement_new", lambda w, r: {"pupil_id": w.ben.pk}, "Save observation"),
    ("alice", "assessment_new", lambda w, r: {"pupil_id": w.ben.pk}, "Save score"),
    ("alice", "reviews_view", lambda w, r: {"pk": r.review, "kind": "pupil"}, "Save the view"),
    ("pat", "reviews_family_view", lambda w, r: {"pupil_id": w.ben.pk, "pk": r.review},
     "Send my views to the school"),
    ("senco", "pupil_consent", lambda w, r: {"pupil_id": w.ben.pk}, "Record the form"),
    ("senco", "exam_new", lambda w, r: {}, "Add it to the timetable"),
    ("senco", "reviews_record", lambda w, r: {"pk": r.review}, "Save the record"),
    ("senco", "reviews_decide", lambda w, r: {"pk": r.review}, "Save the decision"),
]  # fmt: skip


def _tab_through(page, limit=150):
    """Tab from the top of the page until focus leaves it; every stop on the way."""
    page.evaluate("window.scrollTo(0, 0); document.activeElement.blur()")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS)
        if stop is None or (stops and stop["what"] == stops[0]["what"]):
            return stops, True
        stops.append(stop)
    return stops, False


def test_tab_walks_each_form_in_order_with_a_visible_ring_and_out_again(
    live_world, live_server, client, narrow
):
    w, base, page = live_world, live_server.url, narrow
    records = make_records(w, client)
    failures, who = [], None
    for person, name, kwargs, button in _by_person(KEYBOARD):
        if person != who:
            page.context.clear_cookies()
            log_in(page, base, getattr(w, person).email)
            who = person
        page.goto(base + reverse(name, kwargs=kwargs(w, records)))
        stops, left = _tab_through(page)
        main = [s for s in stops if s["inMain"]]
        if not left:
            failures.append(f"{name}: focus never left the page (a trap?)")
        if not any(s["submit"] and s["what"].endswith(button) for s in main):
            failures.append(f"{name}: Tab never reached {button!r}")
        # A date or time field is several stops (day, month, year, then Chromium's own
        # calendar button, which draws Chromium's ring inside the field): one ring will do.
        ringed = {s["what"] for s in main if s["ring"]}
        if unseen := [s["what"] for s in main if s["what"] not in ringed]:
            failures.append(f"{name}: no focus ring on {unseen[:3]}")
        # One column at 320 px: each stop is at or below the one before.
        pairs = zip(main, main[1:], strict=False)
        if back := [(a["what"], b["what"]) for a, b in pairs if b["top"] < a["top"] - 4]:
            failures.append(f"{name}: Tab goes back up the page: {back[:2]}")
    assert failures == [], "\n".join(failures)


# (who, url name, kwargs) of the pages whose ids, regions and links are checked below.
PAGES = [
    ("senco", "exam_detail", lambda w, r: {"pk": r.exam}),
    ("senco", "reviews_detail", lambda w, r: {"pk": r.review}),
    ("senco", "pupil_arrangements", lambda w, r: {"pupil_id": w.ben.pk}),
    ("senco", "pupil_detail", lambda w, r: {"pupil_id": w.ben.pk}),
    ("alice", "pupil_evidence", lambda w, r: {"pupil_id": w.ben.pk}),
    ("alice", "pupil_engagement", lambda w, r: {"pupil_id": w.ben.pk}),
    ("alice", "pupil_assessment", lambda w, r: {"pupil_id": w.ben.pk}),
    ("pat", "family_child", lambda w, r: {"pupil_id": w.ben.pk}),
    ("pat", "reviews_family_view", lambda w, r: {"pupil_id": w.ben.pk, "pk": r.review}),
]

REGION_NAMES = """() => [...document.querySelectorAll("main section[aria-labelledby]")]
  .map((s) => s.getAttribute("aria-labelledby").split(" ")
    .map((id) => (document.getElementById(id) || {}).textContent || "").join(" ").trim())"""


def test_ids_are_unique_regions_named_once_and_thumbnails_say_their_caption_once(
    live_world, live_server, client, narrow
):
    w, base, page = live_world, live_server.url, narrow
    records = make_records(w, client)
    failures, who = [], None
    for person, name, kwargs in _by_person(PAGES):
        if person != who:
            page.context.clear_cookies()
            log_in(page, base, getattr(w, person).email)
            who = person
        page.goto(base + reverse(name, kwargs=kwargs(w, records)))
        if twice := page.evaluate(DUPLICATE_IDS):
            failures.append(f"{name}: ids used twice: {twice}")
        regions = page.evaluate(REGION_NAMES)
        if repeated := sorted({n for n in regions if regions.count(n) > 1}):
            failures.append(f"{name}: regions with the same name: {repeated}")
    assert failures == [], "\n".join(failures)

    # The review page's evidence: each section under one heading, the assessments' own.
    page.context.clear_cookies()
    log_in(page, base, w.senco.email)
    page.goto(base + reverse("reviews_detail", kwargs={"pk": records.review}))
    evidence = page.locator("#evidence")
    expect(evidence.get_by_role("heading", name="Assessments and interventions")).to_have_count(1)
    expect(evidence.get_by_role("heading", name="The Engagement Model")).to_have_count(1)
    # The exam page: each of its three Room labels (allocate, seat, add a room) finds its
    # own control; with a shared id, two labels led to the same one.
    page.goto(base + reverse("exam_detail", kwargs={"pk": records.exam}))
    expect(page.get_by_label("Room", exact=True)).to_have_count(3)

    # A photo's link on the parent's page reads "Photo: <caption>", the caption once.
    page.context.clear_cookies()
    log_in(page, base, w.pat.email)
    page.goto(base + reverse("family_child", kwargs={"pupil_id": w.ben.pk}))
    link = page.locator(".evidence-grid a").first
    expect(link).to_have_accessible_name(re.compile(r"^Photo: Asked for the red block"))
    text = link.evaluate("a => a.querySelector('img').alt + ' ' + a.innerText")
    assert text.count("Asked for the red block") == 1
