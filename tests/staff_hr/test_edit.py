"""The head changes and adds staff records: validated per field (a failed form keeps what
was typed, says what is wrong, 4xx, nothing written), audited with before and after."""

import datetime as dt
import html
from decimal import Decimal

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.staff.models import StaffMember, WorkingDay


def _form(world, **changes):
    data = {
        "post": "ta", "job_title": "Teaching Assistant (SEN)", "grade": "H3", "band": "band2",
        "line_manager_id": str(world.hana.pk), "hours_per_week": "31.67",
        "weeks_per_year": "38", "term_time_only": "on", "inset_days": "2",
        "started_on": "2024-09-03", "nvq_level": "3", "first_aid": "paediatric",
        "d1_start": "08:30", "d1_end": "15:30", "d2_start": "08:30", "d2_end": "15:30",
        "d3_start": "08:30", "d3_end": "15:30", "d4_start": "08:30", "d4_end": "15:30",
        "d5_start": "08:30", "d5_end": "12:30",
    }  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _state(member):
    return (
        list(StaffMember.objects.filter(pk=member.pk).values()),
        list(WorkingDay.objects.filter(member=member).values()),
        AuditEvent.objects.count(),
    )


def test_the_head_changes_a_record_and_it_is_audited(world, hr, as_user):
    r = as_user(world.head).post(
        f"/staff/{hr.bob.pk}/edit/",
        _form(world, grade="H4", band="band3", hours_per_week="30", fixed_term_end="2027-08-31"),
    )
    assert r.status_code == 302
    bob = StaffMember.objects.get(pk=hr.bob.pk)
    assert (bob.grade, bob.band, bob.hours_per_week, bob.fixed_term_end) == (
        "H4", "band3", Decimal("30.00"), dt.date(2027, 8, 31),
    )  # fmt: skip
    friday = WorkingDay.objects.get(member=bob, weekday=5)
    assert (friday.start, friday.end) == (dt.time(8, 30), dt.time(12, 30))
    event = AuditEvent.objects.order_by("-pk").first()
    assert (event.action, event.object_type, event.actor) == (
        "update",
        "staff.staffmember",
        world.head,
    )
    assert event.before["grade"] == "H3" and event.after["grade"] == "H4"
    assert event.before["pattern"]["5"] == ["08:30", "15:30"]
    assert event.after["pattern"]["5"] == ["08:30", "12:30"]


def test_a_day_left_empty_is_a_day_off(world, hr, as_user):
    r = as_user(world.head).post(
        f"/staff/{hr.bob.pk}/edit/",
        _form(world, hours_per_week="20", d4_start="", d4_end="", d5_start="", d5_end=""),
    )
    assert r.status_code == 302
    assert list(WorkingDay.objects.filter(member=hr.bob).values_list("weekday", flat=True)) == [
        1, 2, 3,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hours_per_week": "lots"}, "hours_per_week", "as a number"),
        ({"hours_per_week": "NaN"}, "hours_per_week", "as a number"),
        ({"hours_per_week": "70"}, "hours_per_week", "at most 60"),
        ({"hours_per_week": "0"}, "hours_per_week", "more than 0"),
        ({"hours_per_week": "40"}, "hours_per_week", "less than the 40.00 h contracted"),
        ({"weeks_per_year": "53"}, "weeks_per_year", "at most 52"),
        ({"left_on": "2024-01-01"}, "left_on", "can't be before the start date"),
        ({"fixed_term_end": "2023-07-31"}, "fixed_term_end", "can't be before the start date"),
        ({"started_on": ""}, "started_on", "Give the date"),
        ({"line_manager_id": "BOB"}, "line_manager_id", "Nobody can be their own line manager"),
        ({"line_manager_id": "OLGA"}, "line_manager_id", "from this school's staff"),
        ({"d2_start": "15:00", "d2_end": "09:00"}, "d2_start", "after the start time"),
        ({"d3_end": ""}, "d3_start", "both the start and the end"),
        ({"d1_start": "05:00"}, "d1_start", "between 06:00 and 20:00"),
        ({"job_title": ""}, "job_title", "Give the job title"),
        ({"post": "janitor"}, "post", "Choose the post"),
        ({"nvq_level": "9"}, "nvq_level", "from 1 to 8"),
        ({"inset_days": "40"}, "inset_days", "from 0 to 20"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(world, hr, as_user, changes, field, message):
    names = {"BOB": str(world.bob.pk), "OLGA": str(world.olga.pk)}
    changes = {k: names.get(v, v) for k, v in changes.items()}
    before = _state(hr.bob)
    r = as_user(world.head).post(f"/staff/{hr.bob.pk}/edit/", _form(world, **changes))
    assert r.status_code == 422
    body = html.unescape(r.content.decode())
    assert message in body and 'class="error-summary"' in body
    assert message in " ".join(r.context["form"].errors[field])
    assert _state(hr.bob) == before
    # What was typed is kept.
    for name, value in changes.items():
        if value and name not in ("line_manager_id", "post"):
            assert f'value="{value}"' in body, name


def test_a_line_management_loop_is_refused(world, hr, as_user):
    # Hana manages Bob; Bob can't then manage Hana.
    before = _state(hr.hana)
    r = as_user(world.head).post(
        f"/staff/{hr.hana.pk}/edit/",
        _form(world, post="hlta", line_manager_id=str(world.bob.pk)),
    )
    assert r.status_code == 422 and "would make a loop" in r.content.decode()
    assert _state(hr.hana) == before


def test_the_head_adds_a_record_for_someone_without_one(world, hr, as_user):
    client = as_user(world.head)
    assert client.get(f"/staff/new/?user={world.dsl.pk}").status_code == 200
    r = client.post(
        "/staff/new/",
        _form(world, user_id=str(world.dsl.pk), post="leader", job_title="Deputy head",
              line_manager_id=str(world.head.pk), hours_per_week="32.5", weeks_per_year="52",
              term_time_only=None, d5_end="16:30"),
    )  # fmt: skip
    assert r.status_code == 302
    dee = StaffMember.objects.get(school=world.school, user=world.dsl)
    assert (dee.post, dee.line_manager, dee.term_time_only) == ("leader", world.head, False)
    assert WorkingDay.objects.filter(member=dee).count() == 5
    event = AuditEvent.objects.order_by("-pk").first()
    assert (event.action, event.object_id) == ("create", str(dee.pk))
    # A second record for the same person at the same school is refused.
    r = client.post("/staff/new/", _form(world, user_id=str(world.dsl.pk)))
    assert r.status_code == 422 and "already have a staff record" in r.content.decode()
    # And so is someone who is not on this school's staff.
    r = client.post("/staff/new/", _form(world, user_id=str(world.olga.pk)))
    assert r.status_code == 422 and "this school&#x27;s staff" in r.content.decode()


@pytest.mark.parametrize("person", ["senco", "hana", "alice"])
def test_only_the_head_may_change_a_record(world, hr, as_user, person):
    before = _state(hr.bob)
    r = as_user(getattr(world, person)).post(f"/staff/{hr.bob.pk}/edit/", _form(world, grade="H9"))
    assert r.status_code == 404
    assert _state(hr.bob) == before
