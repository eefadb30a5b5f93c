"""The one amendment tail and the one 'changes in words' renderer.

Every kind of record that can be corrected (a session, an incident, a restrictive
intervention, a care event, a dose) leaves the same trail through sendesk.pupils.amendments:
an amendment row with who, when, why and every old and new value, a line on the pupil's
timeline whose body is the reason, and an audit row ('amend') holding the old and new values.
A refused correction writes none of them. Every detail page shows the corrections through
the one partial."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from sendesk.audit.models import AuditEvent
from sendesk.behaviour import services as behaviour
from sendesk.behaviour.models import Amendment as BehaviourAmendment
from sendesk.care import services as care
from sendesk.care.models import Amendment as CareAmendment
from sendesk.lib.errors import ServiceError
from sendesk.medication import services as med
from sendesk.provision.models import SessionAmendment
from sendesk.provision.services import PupilRecord, session_amend, session_record
from sendesk.pupils.amendments import Wording, changes_in_words
from sendesk.pupils.models import TimelineEntry
from tests.world import TODAY

REASON = "Typed in the wrong box"


def at(days=0, hour=9, minute=30):
    day = TODAY + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _session(w):
    session, _ = session_record(
        actor=w.alice, client_id=uuid.uuid4(), provision_id=w.talk.pk, date=TODAY,
        minutes=30, delivered=True, pupils=[PupilRecord(pupil_id=w.ben.pk, attendance="present")],
    )  # fmt: skip
    return session


def _incident(w):
    incident, _ = behaviour.incident_record(
        actor=w.alice, client_id=uuid.uuid4(), pupil_id=w.ben.pk, kind="concern",
        occurred_at=at(-1, 13, 20), location="Classroom", behaviour="Threw a pencil",
    )  # fmt: skip
    return incident


def _intervention(w):
    ri, _ = behaviour.intervention_record(
        actor=w.senco, client_id=uuid.uuid4(), pupil_id=w.ben.pk, kind="restraint",
        started_at=at(-1, 13, 5), duration_minutes=3, location="Hall", before="b",
        deescalation="d", holds="h", reason="r", staff=[(w.alice.pk, "lead")],
    )  # fmt: skip
    return ri


def _care_event(w):
    event, _ = care.care_event_record(
        actor=w.alice, client_id=uuid.uuid4(), care_plan_id=w.toileting.pk,
        occurred_at=at(0, 9, 40), kind="pad change", second_staff_id=w.tess.pk,
        observations="Skin fine",
    )  # fmt: skip
    return event


def _dose(w):
    record, _ = med.administration_record(
        actor=w.alice, client_id=uuid.uuid4(), medicine_id=w.inhaler.pk, given_at=at(0, 9, 30),
        outcome="given", dose="2 puffs",
    )  # fmt: skip
    return record


# kind -> (make the record, correct it with `reason`, the change expected, amendment rows,
# the audit object type, the timeline kind)
KINDS = {
    "session": (
        _session,
        lambda w, r, reason: session_amend(
            actor=w.alice, session=r, reason=reason, changes={"minutes": 25}, pupil_changes={}
        ),
        ("minutes", [30, 25]),
        lambda r: SessionAmendment.objects.filter(session=r),
        "provision.session",
        "session_amended",
    ),
    "incident": (
        _incident,
        lambda w, r, reason: behaviour.incident_amend(
            actor=w.alice, incident=r, reason=reason, changes={"location": "Hall"}
        ),
        ("location", ["Classroom", "Hall"]),
        lambda r: BehaviourAmendment.objects.filter(record_type="incident", record_id=r.pk),
        "behaviour.incident",
        "corrected",
    ),
    "intervention": (
        _intervention,
        lambda w, r, reason: behaviour.intervention_amend(
            actor=w.senco, intervention=r, reason=reason, changes={"location": "Library"}
        ),
        ("location", ["Hall", "Library"]),
        lambda r: BehaviourAmendment.objects.filter(record_type="intervention", record_id=r.pk),
        "behaviour.restrictiveintervention",
        "corrected",
    ),
    "care event": (
        _care_event,
        lambda w, r, reason: care.care_event_amend(
            actor=w.alice, event=r, reason=reason, changes={"observations": "Skin red"}
        ),
        ("observations", ["Skin fine", "Skin red"]),
        lambda r: CareAmendment.objects.filter(record_type="care_event", record_id=r.pk),
        "care.careevent",
        "care_amended",
    ),
    "dose": (
        _dose,
        lambda w, r, reason: med.administration_amend(
            actor=w.alice, record=r, reason=reason, changes={"reactions": "Coughed a little"}
        ),
        ("reactions", ["", "Coughed a little"]),
        lambda r: CareAmendment.objects.filter(record_type="administration", record_id=r.pk),
        "medication.administration",
        "medication",
    ),
}


def _trail(object_type, record):
    audit = AuditEvent.objects.filter(object_type=object_type, object_id=str(record.pk))
    return audit.filter(action="amend"), TimelineEntry.objects.filter(
        ref_type=record._meta.model_name, ref_id=str(record.pk)
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_correction_leaves_the_same_trail(world, kind):
    make, correct, (field, old_new), rows, object_type, timeline_kind = KINDS[kind]
    record = make(world)
    amendment = correct(world, record, REASON)

    assert list(rows(record)) == [amendment]
    assert (amendment.reason, amendment.amended_at) == (REASON, timezone.now())
    assert amendment.changes[field] == old_new
    amended_by = amendment.amended_by
    assert amended_by in (world.alice, world.senco)

    audit, timeline = _trail(object_type, record)
    (row,) = audit
    assert (row.actor, row.pupil_id, row.school_id) == (amended_by, world.ben.pk, world.school.pk)
    assert row.after["changes"] == amendment.changes and row.after["reason"] == REASON
    assert row.before is not None and row.after is not None
    # The record's own line (a dose's "given" line shares the kind) stays; one more is added.
    entry = timeline.get(kind=timeline_kind, title__endswith="corrected")
    assert (entry.pupil_id, entry.actor, entry.body) == (world.ben.pk, amended_by, REASON)
    assert entry.occurred_at == amendment.amended_at

    record.refresh_from_db()
    if kind != "session":  # the session's minutes live on the session, checked through pupils
        assert getattr(record, field) == old_new[1]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reason", ["", "   ", "Wrong\x00box", "x" * 301, 42])
def test_a_correction_without_a_sound_reason_writes_nothing(world, kind, reason):
    # Every amendment keeps its reason in a 300-character column that PostgreSQL can store.
    make, correct, (field, old_new), rows, object_type, _ = KINDS[kind]
    record = make(world)
    audit, timeline = _trail(object_type, record)
    before = (timeline.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError):
        correct(world, record, reason)
    assert not rows(record).exists() and not audit.exists()
    assert (timeline.count(), AuditEvent.objects.count()) == before
    record.refresh_from_db()
    if kind != "session":
        assert getattr(record, field) == old_new[0]


@pytest.mark.parametrize("kind", KINDS)
def test_a_correction_that_changes_nothing_writes_nothing(world, kind):
    make, _, (field, old_new), rows, object_type, _ = KINDS[kind]
    record = make(world)
    correct = {
        "session": lambda: session_amend(
            actor=world.alice, session=record, reason=REASON, changes={"minutes": 30},
            pupil_changes={},
        ),
        "incident": lambda: behaviour.incident_amend(
            actor=world.alice, incident=record, reason=REASON, changes={"location": "Classroom"}
        ),
        "intervention": lambda: behaviour.intervention_amend(
            actor=world.senco, intervention=record, reason=REASON, changes={"location": "Hall"}
        ),
        "care event": lambda: care.care_event_amend(
            actor=world.alice, event=record, reason=REASON, changes={"observations": "Skin fine"}
        ),
        "dose": lambda: med.administration_amend(
            actor=world.alice, record=record, reason=REASON, changes={"reactions": ""}
        ),
    }[kind]  # fmt: skip
    before = AuditEvent.objects.count(), TimelineEntry.objects.count()
    with pytest.raises(ServiceError) as refused:
        correct()
    assert refused.value.errors == {"__all__": "Nothing was changed."}
    assert not rows(record).exists()
    assert (AuditEvent.objects.count(), TimelineEntry.objects.count()) == before


# --- Changes in words ------------------------------------------------------------------------


class _Row:
    """An amendment as the renderer reads it: only its changes."""

    def __init__(self, changes):
        self.changes = changes


def test_changes_read_in_words(world):
    wording = Wording(
        labels={"outcome": "What happened", "second": "Second adult", "shared": "Shared"},
        choices={"outcome": {"given": "Given", "refused": "Refused"}},
        people=("second",),
        nobody="nobody",
    )
    changes = {
        "outcome": ["given", "refused"],
        "second": [world.tess.pk, None],
        "shared": [False, True],
        "when": ["2026-11-17T13:05:00+00:00", "2026-11-18T09:00:00+00:00"],
        "on": [None, "2026-11-18"],
        "start": ["10:30:00", "10:45:00"],
        "count": [198, 200],
    }
    (row,) = changes_in_words([_Row(changes)], wording)
    assert [(c["label"], c["old"], c["new"]) for c in row["changes"]] == [
        ("What happened", "Given", "Refused"),
        ("Second adult", "Tess Teacher", "nobody"),
        ("Shared", "No", "Yes"),
        ("when", "17 Nov 2026, 13:05", "18 Nov 2026, 09:00"),
        ("on", "—", "18 Nov 2026"),
        ("start", "10:30", "10:45"),
        ("count", "198", "200"),
    ]


def test_a_key_hook_names_rows_and_leaves_out_what_the_viewer_may_not_see(world):
    def key(key):
        _, who, field = key.split(":")
        return None if who == "hidden" else (f"{who}: {field}", field)

    wording = Wording(labels={"minutes": "Minutes"}, key=key)
    rows = changes_in_words(
        [
            _Row({"minutes": [30, 25], "pupil:Ben:attendance": ["present", "absent"]}),
            _Row({"pupil:hidden:note": ["a", "b"]}),  # nothing left to show: left out
        ],
        wording,
    )
    assert len(rows) == 1
    assert [(c["label"], c["old"], c["new"]) for c in rows[0]["changes"]] == [
        ("Minutes", "30", "25"),
        ("Ben: attendance", "present", "absent"),
    ]


def test_people_no_longer_on_the_list_are_named_as_such(world, django_assert_num_queries):
    wording = Wording(people=("staff",))
    with django_assert_num_queries(1):
        (row,) = changes_in_words([_Row({"staff": [[world.alice.pk], [999999]]})], wording)
    assert (row["changes"][0]["old"], row["changes"][0]["new"]) == (
        "Alice Assistant",
        "someone no longer on the staff list",
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_detail_page_shows_corrections_through_the_one_partial(world, as_user, kind):
    make, correct, (field, old_new), *_ = KINDS[kind]
    record = make(world)
    url = {
        "session": f"/sessions/{record.pk}/",
        "incident": f"/incidents/{record.pk}/",
        "intervention": f"/restrictive-interventions/{record.pk}/",
        "care event": f"/care/events/{record.pk}/",
        "dose": f"/medication/doses/{record.pk}/",
    }[kind]
    client = as_user(world.senco)
    body = client.get(url).content.decode()
    assert 'id="corrections"' in body and "None: this is the record as it was saved." in body
    correct(world, record, REASON)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="corrections"' in body and "None: this is the record as it was saved." not in body
    assert f"Why: {REASON}" in body
    old = str(old_new[0]) if old_new[0] != "" else "—"
    assert f'<td data-label="Was">{old}</td><td data-label="Changed to">{old_new[1]}</td>' in body
