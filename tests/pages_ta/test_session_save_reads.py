"""What a save over HTTP reads: the provision in scope, the targets it is sent ratings for,
nothing else before it writes. The stored session is looked for only when the checks refuse
or the insert finds its client_id taken; the targets in force only when the form is drawn
(opened, or drawn again after a refusal). Tests of what a TA sees when that matters."""

import datetime as dt
import re
import uuid

from sendesk.audit.models import AuditEvent
from sendesk.provision.models import Provision, Session, SessionPupil, TargetRating
from sendesk.pupils.models import TimelineEntry
from tests.world import AUTUMN_START, TODAY

from .helpers import HTMX, quick_form, text


def url(provision):
    return f"/sessions/record/{provision.pk}/"


def rows():
    return [
        model.objects.count()
        for model in (Session, SessionPupil, TargetRating, TimelineEntry, AuditEvent)
    ]


def test_a_form_sent_again_gets_its_session_even_when_a_new_one_would_be_refused(
    world, as_user, now
):
    """A session a year ago today is the oldest that can be added. Sent again the next day
    (a phone that lost the answer), the same form gets the card of what was stored; a new
    form for that day is refused then."""
    w = world
    w.talk.start = dt.date(2025, 9, 1)
    w.talk.save()
    day = TODAY - dt.timedelta(days=366)
    data = quick_form(
        date=day.isoformat(), note="From the paper log.", **{f"rating_{w.t1.pk}": "secure"}
    )
    first = as_user(w.alice).post(url(w.talk), data, **HTMX)
    assert first.status_code == 200
    assert rows() == [1, 1, 1, 1, 1]

    now.shift(dt.timedelta(days=1))
    client = as_user(w.alice)  # a new day: the school-day login has ended
    fresh = client.post(url(w.talk), {**data, "client_id": str(uuid.uuid4())}, **HTMX)
    assert fresh.status_code == 422
    assert "Sessions more than a year ago can't be added here" in text(fresh)

    again = client.post(url(w.talk), data, **HTMX)
    assert again.status_code == 200
    assert text(again) == text(first)
    assert f"{w.t1.text}: <strong>Secure</strong>" in text(again)
    assert rows() == [1, 1, 1, 1, 1]


def test_a_client_id_taken_by_a_pupil_out_of_scope_is_a_conflict_even_with_bad_input(
    world, as_user, record
):
    w = world
    # Hana's session for Cara (her group); Alice sees only Ben. Alice's form also lacks
    # its attendance: the conflict is what she is told, as before any check.
    cara_session = _hanas_session(w, record)
    data = quick_form(client_id=str(cara_session.client_id), attendance=None)
    response = as_user(w.alice).post(url(w.talk), data, **HTMX)
    assert response.status_code == 409
    assert "already used by another record" in text(response)
    assert Session.objects.count() == 1


def _hanas_session(w, record):
    caras = Provision.objects.create(
        pupil=w.cara, title="Toe by Toe", kind="group", source="sen_support",
        sessions_per_week=1, session_minutes=15, weekly_minutes=15, days="3", start=AUTUMN_START,
    )  # fmt: skip
    return record(w.hana, caras)


def test_a_refused_form_is_drawn_again_with_each_target_and_its_typed_rating(world, as_user):
    w = world
    data = quick_form(attendance=None, note="Kept", **{f"rating_{w.t1.pk}": "secure"})
    response = as_user(w.alice).post(url(w.talk), data, **HTMX)
    assert response.status_code == 422
    body = text(response)
    select = re.search(rf'<select name="rating_{w.t1.pk}".*?</select>', body, re.S)
    assert select, "the target's rating is drawn again"
    assert '<option value="secure" selected>Secure</option>' in select[0]
    assert w.t1.text in body
    # Only the provision's own targets are offered: Talk Boost serves t1, not t2.
    assert f'name="rating_{w.t2.pk}"' not in body
    assert rows() == [0, 0, 0, 0, 0]


def test_a_save_with_nothing_rated_reads_no_target(world, as_user, django_assert_num_queries):
    w = world
    client = as_user(w.alice)
    # session, user, roles, the provision in scope; savepoint, session, pupil record,
    # timeline line, audit row, release: no target read, no rating written.
    # 12: the ten of the save, and the second-factor gate's two (has Alice set one up;
    # does her school's policy ask her to), and the audit chain's head.
    # 11: the gate's two and the roles are one query (mfa.step_owed).
    with django_assert_num_queries(11):
        response = client.post(url(w.talk), quick_form(), **HTMX)
    assert response.status_code == 200
    assert rows() == [1, 1, 0, 1, 1]
    assert 'class="ratings"' not in text(response)
