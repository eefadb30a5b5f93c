"""Therapy and staff training read what people type by the one set of input rules
(sendesk.lib.inputs): a NUL, which PostgreSQL can't store, is refused with a message, never
dropped or passed to the database. The pages' forms refuse it first; the services refuse
it for any other caller."""

import datetime as dt

import pytest

from sendesk.lib.errors import ServiceError
from sendesk.staff.models import Training
from sendesk.staff.services import training_add
from sendesk.therapy import services
from sendesk.therapy.models import ProgrammeReview


def test_a_review_note_with_a_nul_is_refused(world):
    with pytest.raises(ServiceError) as refused:
        services.programme_review(
            actor=world.theo, programme=world.programme, note="Good\x00 week", data={}
        )
    assert refused.value.errors == {
        "note": "This holds a character that can't be stored: retype it."
    }
    assert not ProgrammeReview.objects.exists()


def test_a_programme_title_that_is_not_text_is_refused(world):
    with pytest.raises(ServiceError) as refused:
        services.programme_review(
            actor=world.theo, programme=world.programme, note="n", data={"title": 42}
        )
    assert refused.value.errors == {"title": "This must be text."}


def test_a_course_with_a_nul_is_refused(world):
    before = Training.objects.count()
    with pytest.raises(ServiceError) as refused:
        training_add(
            actor=world.head, school_id=world.school.pk, user_id=world.tess.pk,
            kind=Training.Kind.values[0], course="First\x00aid",
            completed_on=dt.date(2026, 11, 1),
        )  # fmt: skip
    assert refused.value.errors == {
        "course": "This holds a character that can't be stored: retype it."
    }
    assert Training.objects.count() == before
