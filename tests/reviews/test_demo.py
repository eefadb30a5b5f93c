"""The demo (issue 10): an EHC plan pupil with an annual review due within six weeks,
views in from the parent and the TA, and a pack that can be built."""

import datetime as dt

import pytest

from sendesk.reviews import pack
from sendesk.reviews.models import ReviewMeeting

from .conftest import pdf_text


@pytest.fixture
def seeded(db, now, _shared):
    return _shared.get("seeded")


def test_the_demo_has_an_annual_review_to_prepare(seeded):
    review = ReviewMeeting.objects.select_related("pupil", "plan").get()
    today = dt.date(2026, 11, 18)
    assert review.kind == "annual" and review.plan.kind == "ehcp" and review.status == "planned"
    assert today < review.date <= today + dt.timedelta(weeks=6)
    assert review.date.weekday() < 5 and review.plan.review_date == review.date
    views = {v.kind: v for v in review.views.select_related("written_by")}
    assert set(views) == {"parent", "ta"}
    assert views["parent"].written_by.email == "parent@oakfield.example"
    assert views["ta"].written_by.email.startswith("ta")
    text = pdf_text(pack.pack_pdf(review))
    assert review.pupil.name in text and "4. Parents' views" in text
    assert views["parent"].answers["hopes"][:30] in text
