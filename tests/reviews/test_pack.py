"""The annual review pack: one click builds a PDF in plain English and in the order a
local authority expects, with the views, the progress, the evidence (charts) and the
decisions; never anything from safeguarding; fast for a pupil with years of history."""

import datetime as dt
import time
import uuid

from sendesk.reviews import pack, services

from .conftest import PAST_MEETING, book, pdf_text, record_data, school_days, sessions

SECRET = "Zebra-crossing disclosure at the bus stop"


def test_the_pack_holds_the_review_in_order(world, as_user):
    w = world
    sessions(w, school_days(dt.date(2026, 9, 7), dt.date(2026, 11, 13)), rating="secure")
    review = book(w, date=PAST_MEETING)
    services.view_save(actor=w.alice, review=review, kind="pupil", author="Ben",
                       answers={"feel": "happy", "like": "Trains at golden time"})  # fmt: skip
    services.parent_view_save(actor=w.pat, review=review,
                              answers={"hopes": "Reading a comic on his own"})  # fmt: skip
    services.review_record(actor=w.senco, review=review, data=record_data(w))
    r = as_user(w.senco).get(f"/reviews/{review.pk}/pack.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == 'attachment; filename="review-brown-ben-2026-11-16.pdf"'
    text = pdf_text(r.content)
    order = ["1. About Ben Brown", "2. The meeting", "3. Ben Brown's views",
             "Trains at golden time", "4. Parents' views", "Reading a comic on his own",
             "8. Progress towards the outcomes", "Uses 3-word sentences most days",
             "9. Evidence since the last review", "Progress on each target",
             "Support promised and support given", "11. What the meeting decided",
             "Keep the EHC plan as it is", "Next review: 1 November 2027",
             "12. The statutory timeline"]  # fmt: skip
    at = [text.find(part) for part in order]
    assert -1 not in at, [p for p, i in zip(order, at, strict=True) if i == -1]
    assert at == sorted(at)
    assert "Pat Parent (Mother)" in text and "Secure" in text


def test_no_safeguarding_words_ever_reach_the_pack(world, as_user, api):
    w = world
    sessions(w, school_days(dt.date(2026, 11, 2), dt.date(2026, 11, 13)))
    r = api.post(w.alice, "/safeguarding/concerns", {
        "client_id": str(uuid.uuid4()), "pupil_id": str(w.ben.pk),
        "occurred_at": "2026-11-10T09:00", "concern": SECRET, "words_used": SECRET,
        "location": SECRET[:40], "action_taken": SECRET,
    })  # fmt: skip
    assert r.status_code in (200, 201), r.content
    review = book(w, date=PAST_MEETING)
    html = pack.pack_html(review)
    text = pdf_text(as_user(w.senco).get(f"/reviews/{review.pk}/pack.pdf").content)
    assert "Uses 4-word sentences to ask for help" in text  # the pack did read Ben's record
    for words in (SECRET, "Zebra", "bus stop"):
        assert words not in text and words not in html
    # The DSL, who may read the concern, gets the same pack without it.
    dsl_page = as_user(w.dsl).get(f"/reviews/{review.pk}/").content.decode()
    assert "Zebra" not in dsl_page


def test_a_pupil_with_three_years_of_history_gets_the_pack_in_3_seconds(world):
    w = world
    w.plan.start_date = dt.date(2023, 9, 4)
    w.plan.save()
    w.talk.start = w.plan.start_date
    w.talk.save()
    days = [d for d in school_days(dt.date(2023, 9, 4), dt.date(2026, 11, 13)) if d.month != 8]
    sessions(w, days)
    review = book(w, date=PAST_MEETING)
    pack.pack_pdf(review)  # the first build in a process loads the fonts
    started = time.perf_counter()
    content = pack.pack_pdf(review)
    assert time.perf_counter() - started <= 3.0
    assert content.startswith(b"%PDF")


def test_only_those_who_run_the_review_get_the_pack(world, as_user):
    w = world
    review = book(w, date=PAST_MEETING)
    for person in (w.alice, w.hana, w.pat, w.olga):
        assert as_user(person).get(f"/reviews/{review.pk}/pack.pdf").status_code == 404
    assert as_user(w.head).get(f"/reviews/{review.pk}/pack.pdf").status_code == 200
