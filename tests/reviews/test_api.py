"""POST /api/v1/reviews, GET /api/v1/reviews/{id} and its pack.pdf: 201 with the review,
the statutory steps and views read back, the PDF, bad input naming the field, and a plan or
review out of scope answering 404 exactly as one that does not exist."""

import uuid

from sendesk.reviews import services
from sendesk.reviews.models import ReviewMeeting

from .conftest import PAST_MEETING, book, pdf_text


def test_booking_a_review_answers_201_with_it(world, api):
    w = world
    r = api.post(w.senco, "/reviews", {"plan_id": str(w.plan.pk), "date": "2026-12-02",
                                       "kind": "annual"})  # fmt: skip
    assert r.status_code == 201, r.content
    out = r.json()
    review = ReviewMeeting.objects.get(pk=out["id"])
    assert (review.plan, review.kind, str(review.date)) == (w.plan, "annual", "2026-12-02")
    assert (out["pupil_id"], out["status"], out["kind"]) == (str(w.ben.pk), "planned", "annual")
    assert [s["key"] for s in out["steps"]] == [
        "within_year", "invitations", "papers", "meeting", "report"]  # fmt: skip
    assert {s["key"]: s["state"] for s in out["steps"]}["invitations"] == "soon"


def test_the_review_reads_back_with_views_and_record(world, api):
    w = world
    review = book(w, date=PAST_MEETING)
    services.view_save(actor=w.alice, review=review, kind="ta", author="Alice, TA",
                       answers={"works": "Visual timetable"})  # fmt: skip
    out = api.get(w.senco, f"/reviews/{review.pk}").json()
    assert out["views"] == [{
        "kind": "ta", "author": "Alice, TA", "written_at": out["views"][0]["written_at"],
        "answers": [{"question": "What works well", "answer": "Visual timetable"}],
    }]  # fmt: skip
    assert set(out["overdue"]) == {"invitations", "papers", "meeting"}
    listed = api.get(w.senco, "/reviews").json()
    assert [i["id"] for i in listed["items"]] == [str(review.pk)] and listed["count"] == 1
    # Alice sees Ben's review; Bob (deployed to nobody) does not.
    assert api.get(w.alice, f"/reviews/{review.pk}").status_code == 200
    assert api.get(w.bob, "/reviews").json()["count"] == 0


def test_the_pack_is_a_pdf(world, api):
    w = world
    review = book(w, date=PAST_MEETING)
    r = api.get(w.senco, f"/reviews/{review.pk}/pack.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "Annual review for Ben Brown" in pdf_text(r.content)
    assert api.get(w.alice, f"/reviews/{review.pk}/pack.pdf").status_code == 404


def test_bad_input_names_each_field(world, api):
    w = world
    r = api.post(w.senco, "/reviews", {"plan_id": str(w.plan.pk), "date": "2026-08-01",
                                       "kind": "annual"})  # fmt: skip
    assert r.status_code == 422 and "date" in r.json()["errors"]
    r = api.post(w.senco, "/reviews", {"plan_id": str(w.ibp.pk), "date": "2026-12-02",
                                       "kind": "annual"})  # fmt: skip
    assert r.status_code == 422 and "Only an EHC plan" in r.json()["errors"]["kind"]
    r = api.post(w.senco, "/reviews", {"plan_id": str(w.plan.pk), "date": "2/12/2026",
                                       "kind": "termly"})  # fmt: skip
    assert r.status_code == 422 and "date" in r.json()["errors"]
    r = api.post(w.senco, "/reviews", {"plan_id": str(w.plan.pk), "date": "2026-12-02",
                                       "kind": "weekly"})  # fmt: skip
    assert r.status_code == 422 and "kind" in r.json()["errors"]
    assert api.post(w.senco, "/reviews", "{nope").status_code == 400
    assert not ReviewMeeting.objects.exists()


def test_out_of_scope_answers_as_nonexistent(world, api):
    w = world
    review = book(w, date=PAST_MEETING)
    body = {"plan_id": str(w.plan.pk), "date": "2026-12-03", "kind": "termly"}
    for person in (w.bob, w.tom, w.olga, w.theo):
        for path in (f"/reviews/{review.pk}", f"/reviews/{review.pk}/pack.pdf"):
            hidden, ghost = api.get(person, path), api.get(person, path.replace(
                str(review.pk), str(uuid.uuid4())))  # fmt: skip
            assert (hidden.status_code, hidden.json()) == (ghost.status_code, ghost.json())
            assert hidden.status_code == 404
        assert api.post(person, "/reviews", body).status_code == 404
    # A TA sees the plan but books nothing.
    assert api.post(w.alice, "/reviews", body).status_code == 404
    assert ReviewMeeting.objects.count() == 1
