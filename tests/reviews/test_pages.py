"""The review pages as the world's people use them: the SENCO books an annual review of
Ben's EHC plan, the TA adds the pupil's view and her own, the parent adds theirs from the
parent pages, the SENCO records the meeting; who may do what, and out of scope is 404."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.plans.models import Plan
from sendesk.pupils.models import TimelineEntry
from sendesk.reviews.models import ReviewAttendee, ReviewMeeting, ReviewProgress, ReviewView

from .conftest import MEETING, PAST_MEETING, book


def test_the_senco_books_an_annual_review_from_the_plan(world, as_user):
    w = world
    c = as_user(w.senco)
    r = c.post(f"/plans/{w.plan.pk}/reviews/", {"kind": "annual", "date": "2026-12-02"})
    review = ReviewMeeting.objects.get(plan=w.plan)
    assert r.status_code == 302 and r["Location"] == f"/reviews/{review.pk}/"
    assert (review.kind, review.date, review.status, review.pupil, review.school) == (
        "annual", MEETING, "planned", w.ben, w.school)  # fmt: skip
    assert AuditEvent.objects.filter(object_type="reviews.reviewmeeting", actor=w.senco).exists()
    assert TimelineEntry.objects.filter(pupil=w.ben, kind="review").exists()
    page = c.get(f"/reviews/{review.pk}/").content.decode()
    assert "Statutory timeline" in page and "Invitations sent" in page


def test_a_bad_booking_keeps_what_was_typed_and_says_why(world, as_user):
    w = world
    c = as_user(w.senco)
    r = c.post(f"/plans/{w.plan.pk}/reviews/", {"kind": "annual", "date": "2026-08-01"})
    assert r.status_code == 422
    page = r.content.decode()
    assert "can&#x27;t be before the plan started" in page
    assert 'value="2026-08-01"' in page and 'class="error-summary"' in page
    r = c.post(f"/plans/{w.ibp.pk}/reviews/", {"kind": "annual", "date": "2026-12-02"})
    assert r.status_code == 422 and "Only an EHC plan has an annual review" in r.content.decode()
    assert not ReviewMeeting.objects.exists()


def test_a_teacher_books_a_termly_review_but_not_an_annual_one(world, as_user):
    w = world
    c = as_user(w.tess)  # teaches Ben's class, writes plans
    r = c.post(f"/plans/{w.plan.pk}/reviews/", {"kind": "annual", "date": "2026-12-02"})
    assert r.status_code == 404
    r = c.post(f"/plans/{w.plan.pk}/reviews/", {"kind": "weekly", "date": "2026-12-02"})
    assert r.status_code == 422 and "Choose a termly review" in r.content.decode()
    r = c.post(f"/plans/{w.plan.pk}/reviews/", {"kind": "termly", "date": "2026-12-02"})
    assert r.status_code == 302
    assert ReviewMeeting.objects.get().kind == "termly"


def test_a_ta_reads_the_review_but_books_nothing(world, as_user):
    w = world
    review = book(w)
    c = as_user(w.alice)
    page = c.get(f"/plans/{w.plan.pk}/reviews/")
    assert page.status_code == 200 and "Book the review" not in page.content.decode()
    assert (
        c.post(f"/plans/{w.plan.pk}/reviews/", {"kind": "termly", "date": "2026-12-03"}).status_code
        == 404
    )
    detail = c.get(f"/reviews/{review.pk}/").content.decode()
    assert "Add your view as their TA" in detail and "Add an agency" not in detail
    assert "Download the review pack" not in detail
    assert c.get(f"/reviews/{review.pk}/record/").status_code == 404
    assert c.get(f"/reviews/{review.pk}/pack.pdf").status_code == 404
    assert c.get(f"/reviews/{review.pk}/views/agency/").status_code == 404
    assert ReviewMeeting.objects.count() == 1


def test_out_of_scope_is_not_found_everywhere(world, as_user):
    w = world
    review = book(w)
    paths = [f"/reviews/{review.pk}/", f"/reviews/{review.pk}/views/ta/",
             f"/reviews/{review.pk}/record/", f"/reviews/{review.pk}/decisions/",
             f"/reviews/{review.pk}/pack.pdf", f"/plans/{w.plan.pk}/reviews/"]  # fmt: skip
    for person in (w.bob, w.tom, w.olga, w.nobody, w.pat, w.theo):
        c = as_user(person)
        before = AccessEvent.objects.count()
        for path in paths:
            assert c.get(path).status_code == 404, (person, path)
        assert (
            c.post(
                f"/reviews/{review.pk}/steps/", {"step": "invitations", "on": "2026-11-18"}
            ).status_code
            == 404
        )
        assert AccessEvent.objects.count() == before
    assert ReviewMeeting.objects.get().invitations_sent_on is None
    # Bob and Tom see no review in their list either.
    assert "Ben Brown" not in as_user(w.bob).get("/reviews/").content.decode()


def test_the_ta_adds_the_pupils_view_with_pictures_and_her_own(world, as_user):
    w = world
    review = book(w)
    c = as_user(w.alice)
    form = c.get(f"/reviews/{review.pk}/views/pupil/").content.decode()
    assert 'class="prompt-picture"' in form and "How do you feel about school?" in form
    r = c.post(f"/reviews/{review.pk}/views/pupil/",
               {"author": "Ben", "feel": "happy", "like": "Trains and the quiet room"})  # fmt: skip
    assert r.status_code == 302
    r = c.post(
        f"/reviews/{review.pk}/views/ta/",
        {"author": "Alice Assistant, TA", "progress": "Asks for help in 3 words"},
    )
    assert r.status_code == 302
    views = {v.kind: v for v in ReviewView.objects.filter(review=review)}
    assert views["pupil"].answers == {"feel": "happy", "like": "Trains and the quiet room"}
    assert views["pupil"].written_by == w.alice and views["ta"].author == "Alice Assistant, TA"
    page = as_user(w.senco).get(f"/reviews/{review.pk}/").content.decode()
    assert "Trains and the quiet room" in page and "Happy" in page
    assert "Written down by Alice Assistant" in page
    # Written again before the meeting: the words are replaced, and the change audited.
    c = as_user(w.alice)
    c.post(
        f"/reviews/{review.pk}/views/ta/",
        {"author": "Alice Assistant, TA", "progress": "Now 4 words"},
    )
    assert ReviewView.objects.get(kind="ta").answers == {"progress": "Now 4 words"}
    assert AuditEvent.objects.filter(object_type="reviews.reviewview", action="update").exists()


def test_an_empty_or_wrong_view_is_refused_with_a_message(world, as_user):
    w = world
    review = book(w)
    c = as_user(w.alice)
    r = c.post(f"/reviews/{review.pk}/views/pupil/", {"author": "Ben", "feel": "angry"})
    assert r.status_code == 422 and "Choose one of the faces" in r.content.decode()
    r = c.post(f"/reviews/{review.pk}/views/ta/", {"author": "Alice"})
    assert r.status_code == 422 and "Write at least one answer" in r.content.decode()
    r = c.post(f"/reviews/{review.pk}/views/ta/", {"author": "", "works": "x" * 10})
    assert r.status_code == 422 and "Say whose view this is" in r.content.decode()
    assert "x" * 10 in r.content.decode()
    assert not ReviewView.objects.exists()


def test_the_parent_adds_their_view_from_the_family_pages(world, as_user):
    w = world
    review = book(w)
    c = as_user(w.pat)
    child = c.get(f"/family/children/{w.ben.pk}/").content.decode()
    link = f"/family/children/{w.ben.pk}/reviews/{review.pk}/"
    assert link in child and "Reviews coming up" in child
    form = c.get(link).content.decode()
    assert "What is going well for your child?" in form
    r = c.post(link, {"going_well": "He loves the reading sessions", "worries": ""})
    assert r.status_code == 302 and r["Location"] == f"/family/children/{w.ben.pk}/"
    view = ReviewView.objects.get(kind="parent")
    assert (view.written_by, view.author) == (w.pat, "Pat Parent (Mother)")
    assert view.answers == {"going_well": "He loves the reading sessions"}
    # Another parent, a member of staff, or another child: not found.
    assert as_user(w.senco).get(link).status_code == 404
    cara_review = ReviewMeeting.objects.create(
        school=w.school, pupil=w.cara, plan=Plan.objects.create(
            pupil=w.cara, kind="iep", title="Cara's plan", status="active",
            start_date=dt.date(2026, 9, 3), review_date=MEETING),
        kind="termly", date=MEETING, created_by=w.senco,
    )  # fmt: skip
    c = as_user(w.pat)
    assert c.get(f"/family/children/{w.cara.pk}/reviews/{cara_review.pk}/").status_code == 404
    assert c.get(f"/family/children/{w.ben.pk}/reviews/{cara_review.pk}/").status_code == 404


def test_the_senco_records_the_meeting_and_the_plan_gets_its_next_review(world, as_user, now):
    w = world
    review = book(w, date=PAST_MEETING)
    c = as_user(w.senco)
    form = c.get(f"/reviews/{review.pk}/record/").content.decode()
    assert f"Progress: {w.t1.text}" in form and "recommendation" in form
    r = c.post(f"/reviews/{review.pk}/record/", {
        "name_0": "Pat Parent", "role_0": "Mother", "name_1": "Dr Khan", "role_1": "EP",
        "apologies_1": "on", f"progress_{w.t1.pk}": "Uses 3-word sentences most days",
        "summary": "Good progress.", "recommendation": "maintain",
        "next_review_date": "2027-11-01",
    })  # fmt: skip
    assert r.status_code == 302
    review.refresh_from_db()
    assert review.status == "held" and review.next_review_date == dt.date(2027, 11, 1)
    assert review.summary.startswith("Recommendation: Keep the EHC plan as it is.")
    assert list(ReviewAttendee.objects.values_list("name", "attended")) == [
        ("Pat Parent", True), ("Dr Khan", False)]  # fmt: skip
    assert ReviewProgress.objects.get().target == w.t1
    w.plan.refresh_from_db()
    assert w.plan.review_date == dt.date(2027, 11, 1)
    page = c.get(f"/reviews/{review.pk}/").content.decode()
    assert "Dr Khan, EP" in page and "Uses 3-word sentences most days" in page
    # Kept as it was: a second record is refused, and so are new views.
    r = c.post(f"/reviews/{review.pk}/record/", {"name_0": "X", "next_review_date": "2027-10-01"})
    assert r.status_code == 422
    r = as_user(w.alice).post(f"/reviews/{review.pk}/views/ta/", {"author": "A", "works": "y"})
    assert r.status_code == 422 and not ReviewView.objects.exists()


def test_a_record_with_mistakes_comes_back_with_each_message(world, as_user):
    w = world
    review = book(w, date=PAST_MEETING)
    c = as_user(w.senco)
    r = c.post(f"/reviews/{review.pk}/record/", {
        "role_0": "Mother", "summary": "Kept", "next_review_date": "2028-06-01"})  # fmt: skip
    page = r.content.decode()
    assert r.status_code == 422
    assert "Give the person&#x27;s name" in page and "within 12 months" in page
    assert "Kept</textarea>" in page
    assert ReviewMeeting.objects.get().status == "planned"
    # A meeting still ahead cannot be recorded.
    ahead = book(w)
    r = c.post(f"/reviews/{ahead.pk}/record/", {"name_0": "Pat", "next_review_date": "2027-11-01"})
    assert r.status_code == 422 and "once it has been held" in r.content.decode()


def test_the_list_costs_the_same_queries_for_more_reviews(world, as_user):
    w = world
    c = as_user(w.senco)
    book(w, date=PAST_MEETING)
    c.get("/reviews/")
    with CaptureQueriesContext(connection) as one:
        assert c.get("/reviews/").status_code == 200
    for pupil in (w.cara, w.dan):
        plan = Plan.objects.create(pupil=pupil, kind="iep", title="Plan", status="active",
                                   start_date=dt.date(2026, 9, 3), review_date=MEETING)  # fmt: skip
        book(w, plan=plan, kind="termly", date=PAST_MEETING)
    with CaptureQueriesContext(connection) as three:
        page = c.get("/reviews/").content.decode()
    assert "Cara Clark" in page and "Dan Dale" in page
    assert len(three.captured_queries) == len(one.captured_queries)
