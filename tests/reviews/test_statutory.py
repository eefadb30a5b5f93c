"""The statutory timeline of an annual review, and the steps overdue shown to the SENCO."""

import datetime as dt
from types import SimpleNamespace

from sendesk.reviews import statutory

from .conftest import MEETING, PAST_MEETING, book

TODAY = dt.date(2026, 11, 18)


def review(**kw):
    base = dict(kind="annual", status="planned", date=dt.date(2026, 12, 2), recorded_at=None,
                invitations_sent_on=None, papers_sent_on=None, report_sent_on=None)  # fmt: skip
    return SimpleNamespace(**{**base, **kw})


def by_key(found):
    return {s.key: s for s in found}


def test_twelve_months_from_the_last_review():
    s = by_key(statutory.steps(review(), TODAY, dt.date(2025, 12, 2)))
    assert s["within_year"].state == "done"
    s = by_key(statutory.steps(review(), TODAY, dt.date(2025, 12, 1)))
    assert s["within_year"].state == "late" and "after 1 December 2026" in s["within_year"].detail
    assert statutory.add_year(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_invitations_and_papers_two_weeks_before():
    s = by_key(statutory.steps(review(), TODAY, None))
    assert s["invitations"].due == dt.date(2026, 11, 18) and s["invitations"].state == "soon"
    s = by_key(statutory.steps(review(), TODAY + dt.timedelta(1), None))
    assert s["invitations"].state == "overdue" and "1 day overdue" in s["invitations"].detail
    s = by_key(statutory.steps(review(invitations_sent_on=dt.date(2026, 11, 19)), TODAY, None))
    assert s["invitations"].state == "late"
    s = by_key(statutory.steps(review(papers_sent_on=dt.date(2026, 11, 10)), TODAY, None))
    assert s["papers"].state == "done"


def test_report_within_two_weeks_after():
    held = review(status="held", recorded_at=dt.datetime(2026, 12, 2, 16, 0))
    s = by_key(statutory.steps(held, dt.date(2026, 12, 16), None))
    assert s["report"].state == "soon"
    s = by_key(statutory.steps(held, dt.date(2026, 12, 17), None))
    assert s["report"].state == "overdue"
    s = by_key(
        statutory.steps(
            review(
                status="held", report_sent_on=dt.date(2026, 12, 10), recorded_at=held.recorded_at
            ),
            dt.date(2027, 1, 5),
            None,
        )
    )
    assert s["report"].state == "done" and s["meeting"].state == "done"
    # A termly review has one step; a cancelled one none.
    assert [x.key for x in statutory.steps(review(kind="termly"), TODAY, None)] == ["meeting"]
    assert statutory.steps(review(status="cancelled"), TODAY, None) == []


def test_the_senco_sees_the_steps_overdue(world, as_user):
    w = world
    book(w, date=PAST_MEETING)  # invitations were due on 2 November; nothing recorded
    page = as_user(w.senco).get("/reviews/").content.decode()
    assert "Steps overdue" in page and "Invitations sent" in page and "16 days overdue" in page
    assert "Meeting held and recorded" in page


def test_recording_the_steps_clears_them(world, as_user):
    w = world
    review_ = book(w, date=MEETING)
    c = as_user(w.senco)
    r = c.post(f"/reviews/{review_.pk}/steps/", {"step": "invitations", "on": "2026-11-17"})
    assert r.status_code == 302
    review_.refresh_from_db()
    assert review_.invitations_sent_on == dt.date(2026, 11, 17)
    r = c.post(f"/reviews/{review_.pk}/steps/", {"step": "papers", "on": "2026-11-30"})
    assert r.status_code == 422 and "has not come yet" in r.content.decode()
    r = c.post(f"/reviews/{review_.pk}/steps/", {"step": "report", "on": "2026-11-18"})
    assert r.status_code == 422 and "Record the meeting before" in r.content.decode()
    review_.refresh_from_db()
    assert review_.papers_sent_on is None and review_.report_sent_on is None


def test_annual_reviews_to_book_are_listed(world, as_user):
    w = world
    # Ben's plan is to be reviewed by 10 December: within six weeks, nothing booked.
    page = as_user(w.senco).get("/reviews/").content.decode()
    assert "Annual reviews to book" in page and f"/plans/{w.plan.pk}/reviews/" in page
    book(w)
    page = as_user(w.senco).get("/reviews/").content.decode()
    assert "Annual reviews to book" not in page
