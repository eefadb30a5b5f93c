import datetime as dt
import uuid

import pytest
from django.http import Http404
from django.utils import timezone

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.lib.errors import ServiceError
from sendesk.pupils.models import Pupil, TimelineEntry
from sendesk.safeguarding import services
from sendesk.safeguarding.models import Concern, ConcernAction, SafeguardingAudit

from .conftest import MARKER, report


def test_any_staff_member_reports_about_any_pupil_of_their_school(world):
    # Alice's scope is Ben; Dan is out of it, but she may still report a concern about him.
    for person in ("alice", "bob", "tess", "tom", "hana", "senco", "head", "dsl"):
        concern = report(getattr(world, person), world.dan)
        assert concern.school_id == world.school.pk
        assert concern.status == Concern.Status.NEW and concern.risk == Concern.Risk.UNKNOWN
    olly = report(world.olga, world.olly)
    assert olly.school_id == world.other.pk


@pytest.mark.parametrize("person,pupil", [("olga", "ben"), ("alice", "olly"), ("nobody", "ben")])
def test_a_pupil_of_another_school_is_not_found(world, person, pupil):
    with pytest.raises(Http404):
        report(getattr(world, person), getattr(world, pupil))
    with pytest.raises(Http404):
        report(world.alice, Pupil(pk=uuid.uuid4(), date_of_birth=dt.date(2018, 1, 1)))
    assert not Concern.objects.exists()


def test_report_writes_its_own_audit_and_nothing_shared(world):
    before = (AuditEvent.objects.count(), AccessEvent.objects.count())
    timeline = TimelineEntry.objects.count()
    concern = report(world.alice, world.dan)
    assert (AuditEvent.objects.count(), AccessEvent.objects.count()) == before
    assert TimelineEntry.objects.count() == timeline
    audit = SafeguardingAudit.objects.get(concern=concern)
    assert audit.action == "report" and audit.actor == world.alice
    assert audit.after["concern"] == concern.concern
    assert concern.reported_at == timezone.now()
    assert concern.body_map == [{"side": "front", "x": 30, "y": 40, "note": f"{MARKER} bruise"}]


def test_retained_to_date_of_birth_plus_25_years(world):
    assert report(world.alice, world.dan).retain_until == dt.date(2043, 3, 4)
    leap = Pupil.objects.create(
        school=world.school, upn="X", legal_first_name="Lea", legal_last_name="Leap",
        date_of_birth=dt.date(2016, 2, 29), year_group=world.y4,
    )  # fmt: skip
    assert report(world.alice, leap).retain_until == dt.date(2041, 2, 28)
    assert services.retain_until(dt.date(2016, 3, 1)) == dt.date(2041, 3, 1)


def test_same_client_id_returns_the_stored_concern(world):
    first = report(world.alice, world.dan)
    again, created = services.concern_report(
        actor=world.alice, client_id=first.client_id, pupil_id=world.ben.pk,
        occurred_at=timezone.now(), concern="Something else",
    )  # fmt: skip
    assert (again.pk, created) == (first.pk, False)
    assert Concern.objects.count() == 1 and SafeguardingAudit.objects.count() == 1


def test_someone_elses_client_id_reveals_nothing(world):
    # A client_id is unique per reporter: reusing another's makes a new concern of one's
    # own, exactly as a fresh id would, so it cannot be used to learn that one exists.
    first = report(world.dsl, world.dan)
    mine, created = services.concern_report(
        actor=world.alice, client_id=first.client_id, pupil_id=world.ben.pk,
        occurred_at=timezone.now(), concern="Mine",
    )  # fmt: skip
    assert created and mine.pk != first.pk and mine.reported_by == world.alice
    assert Concern.objects.count() == 2


def _report(world, **changes):
    kwargs = {
        "actor": world.alice, "pupil_id": world.dan.pk, "occurred_at": timezone.now(),
        "concern": "Saw a bruise", **changes,
    }  # fmt: skip
    count = Concern.objects.count()
    with pytest.raises(ServiceError) as err:
        services.concern_report(**kwargs)
    assert Concern.objects.count() == count
    return err.value.errors


BAD_MAPS = [
    ("not a list", "body_map", "list of marks"),
    ([{"side": "top", "x": 1, "y": 1}], "body_map.0.side", "front or back"),
    ([{"side": "front", "x": 101, "y": 1}], "body_map.0.x", "0 to 100"),
    ([{"side": "back", "x": 5, "y": -1}], "body_map.0.y", "0 to 100"),
    ([{"side": "back", "x": "5", "y": 5}], "body_map.0.x", "0 to 100"),
    ([{"side": "back", "x": True, "y": 5}], "body_map.0.x", "0 to 100"),
    ([{"side": "back", "x": 5, "y": 5, "note": "n" * 201}], "body_map.0.note", "200"),
    (
        [{"side": "back", "x": 5, "y": 5, "note": "n\x00"}],
        "body_map.0.note",
        "Mark 1: the note holds",
    ),
    ([{"side": "back", "x": 5, "y": 5, "colour": "red"}], "body_map.0", "other than"),
    (["mark"], "body_map.0", "object"),
    ([{"side": "front", "x": 5, "y": 5}] * 31, "body_map", "at most 30"),
]


@pytest.mark.parametrize("body_map,key,words", BAD_MAPS)
def test_body_map_is_checked(world, body_map, key, words):
    errors = _report(world, body_map=body_map)
    assert words in errors[key]


def test_thirty_marks_with_notes_of_200_are_fine(world):
    marks = [{"side": "back", "x": 0, "y": 100, "note": "n" * 200}] * 30
    concern = report(world.alice, world.dan, body_map=marks)
    assert len(concern.body_map) == 30


@pytest.mark.parametrize(
    "changes,key,words",
    [
        ({"concern": "   "}, "concern", "Say what you saw"),
        ({"pupil_id": None}, "pupil", "Choose the pupil"),
        ({"occurred_at": None}, "occurred_at", "date and time"),
        ({"occurred_at": "yesterday"}, "occurred_at", "date and time"),
        ({"location": "x" * 151}, "location", "150 characters or fewer"),
        ({"concern": "Bruise\x00"}, "concern", "can't be stored"),
        ({"words_used": 7}, "words_used", "must be text"),
        ({"client_id": "nope"}, "client_id", "not a valid id"),
    ],
)
def test_bad_input_is_named(world, changes, key, words):
    assert words in _report(world, **changes)[key]


def test_the_future_and_before_birth_are_refused(world):
    future = timezone.now() + dt.timedelta(hours=1)
    assert "future" in _report(world, occurred_at=future)["occurred_at"]
    # A device clock a few minutes fast is not the future.
    report(world.alice, world.dan, occurred_at=timezone.now() + dt.timedelta(minutes=5))
    born = timezone.make_aware(dt.datetime(2017, 1, 1, 9))
    assert "before the pupil was born" in _report(world, occurred_at=born)["occurred_at"]


def test_error_messages_never_repeat_what_was_typed(world):
    marks = [{"side": "front", "x": 5, "y": 5, "note": MARKER * 30}]
    errors = _report(world, body_map=marks, location=MARKER * 20)
    assert MARKER not in str(errors)


# --- The DSL team ------------------------------------------------------------------------


def test_triage_action_close_reopen_append_and_audit(world):
    concern = report(world.alice, world.dan)
    services.concern_triage(actor=world.dsl, concern=concern, status="open", risk="high",
                            note="Spoke to Dan")  # fmt: skip
    services.concern_action_add(actor=world.dsl, concern=concern, kind="referral_csc",
                                note="Referred to CSC, ref 123")  # fmt: skip
    services.concern_action_add(actor=world.dsl, concern=concern, kind="note",
                                note="Correction: it was the left arm")  # fmt: skip
    services.concern_close(actor=world.dsl, concern=concern, note="CSC took it on")
    services.concern_reopen(actor=world.dsl, concern=concern, note="New information")
    concern.refresh_from_db()
    assert (concern.status, concern.risk) == ("open", "high")
    kinds = list(concern.actions.values_list("kind", flat=True))
    assert kinds == ["triage", "referral_csc", "note", "close", "reopen"]
    triage = concern.actions.get(kind="triage")
    assert "Risk: High" in triage.note and "Spoke to Dan" in triage.note and triage.by == world.dsl
    audits = SafeguardingAudit.objects.filter(concern=concern).order_by("at", "id")
    assert [a.action for a in audits] == ["report", *kinds]
    close = audits.get(action="close")
    assert close.before["status"] == "open" and close.after["status"] == "closed"
    # The reporter's account is untouched.
    assert concern.concern == f"{MARKER} bruise on arm"
    assert AuditEvent.objects.count() == 0 and AccessEvent.objects.count() == 0


@pytest.mark.parametrize("person", ["alice", "tess", "senco", "head", "olga", "nobody"])
def test_only_the_dsl_team_acts(world, person):
    concern = report(world.alice, world.dan)
    user = getattr(world, person)
    calls = [
        lambda: services.concern_triage(actor=user, concern=concern, status="open", risk="low"),
        lambda: services.concern_action_add(actor=user, concern=concern, kind="monitor"),
        lambda: services.concern_close(actor=user, concern=concern, note="x"),
        lambda: services.concern_reopen(actor=user, concern=concern, note="x"),
        # Bad input too: a 404, not a message that would show the concern exists.
        lambda: services.concern_triage(actor=user, concern=concern, status="?", risk="?"),
        lambda: services.concern_close(actor=user, concern=concern, note=""),
    ]
    for call in calls:
        with pytest.raises(Http404):
            call()
    assert not ConcernAction.objects.exists()


def test_dsl_of_another_school_cannot_act(world):
    concern = report(world.olga, world.olly)
    with pytest.raises(Http404):
        services.concern_triage(actor=world.dsl, concern=concern, status="open", risk="low")


@pytest.mark.parametrize(
    "call,key,words",
    [
        (lambda w, c: services.concern_triage(actor=w.dsl, concern=c, status="new", risk="low"),
         "status", "open"),
        (lambda w, c: services.concern_triage(actor=w.dsl, concern=c, status="open", risk="x"),
         "risk", "low, medium or high"),
        (lambda w, c: services.concern_triage(actor=w.dsl, concern=c, status="closed",
                                              risk="low"), "note", "no further action"),
        (lambda w, c: services.concern_action_add(actor=w.dsl, concern=c, kind="close"),
         "kind", "Choose what was done"),
        (lambda w, c: services.concern_action_add(actor=w.dsl, concern=c, kind="note"),
         "note", "Write the note"),
        (lambda w, c: services.concern_close(actor=w.dsl, concern=c, note=" "),
         "note", "why"),
        (lambda w, c: services.concern_reopen(actor=w.dsl, concern=c, note="x"),
         "__all__", "not closed"),
    ],
)  # fmt: skip
def test_dsl_input_is_checked(world, call, key, words):
    concern = report(world.alice, world.dan)
    with pytest.raises(ServiceError) as err:
        call(world, concern)
    assert words in err.value.errors[key]
    assert not ConcernAction.objects.exists()


def test_a_closed_concern_takes_notes_only(world):
    concern = report(world.alice, world.dan)
    services.concern_triage(actor=world.dsl, concern=concern, status="closed", risk="low",
                            note="No further action: explained by a fall at football")  # fmt: skip
    for call in (
        lambda: services.concern_action_add(actor=world.dsl, concern=concern, kind="police"),
        lambda: services.concern_triage(
            actor=world.dsl, concern=concern, status="open", risk="low"
        ),  # fmt: skip
        lambda: services.concern_close(actor=world.dsl, concern=concern, note="again"),
    ):
        with pytest.raises(ServiceError):
            call()
    services.concern_action_add(actor=world.dsl, concern=concern, kind="note", note="Mum called")
    assert list(concern.actions.values_list("kind", flat=True)) == ["triage", "note"]
