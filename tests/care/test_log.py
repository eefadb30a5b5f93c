"""The quick care log, as the people in the test school use it: Alice logs Ben's toileting
with Tess as the second member of staff; the log refuses what breaks the plan's staffing
rule, an untrained recorder and a plan without consent, with nothing saved."""

import datetime as dt
import uuid

import pytest

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.care import services as care
from sendesk.care.models import CareEvent
from sendesk.pupils.models import TimelineEntry

from .conftest import log_form, page_queries, text


def url(plan):
    return f"/care/plans/{plan.pk}/log/"


def nothing_written():
    assert CareEvent.objects.count() == 0
    assert TimelineEntry.objects.filter(kind="care").count() == 0
    assert not AuditEvent.objects.filter(object_type="care.careevent").exists()


def test_alice_logs_toileting_with_tess(world, as_user):
    client = as_user(world.alice)
    r = client.post(url(world.toileting), log_form(second_staff=str(world.tess.pk)))
    assert r.status_code == 302
    event = CareEvent.objects.get()
    assert r["Location"] == f"/care/events/{event.pk}/"
    assert (event.pupil, event.care_plan, event.by, event.second_staff) == (
        world.ben,
        world.toileting,
        world.alice,
        world.tess,
    )
    assert event.kind == "pad change"
    assert event.observations == "Skin slightly red on the left side"
    assert event.products_used == "Size 5 pad, barrier cream"
    assert event.school_id == world.school.pk
    line = TimelineEntry.objects.get(pupil=world.ben, kind="care")
    assert line.title == "Toileting and continence: pad change, with Tess Teacher"
    assert (line.ref_type, line.ref_id, line.actor) == ("careevent", str(event.pk), world.alice)
    audit = AuditEvent.objects.get(object_type="care.careevent")
    assert (audit.actor, audit.pupil_id, audit.action) == (world.alice, world.ben.pk, "create")
    assert audit.after["second_staff_id"] == world.tess.pk

    page = client.get(r["Location"])
    assert page.status_code == 200
    body = text(page)
    assert "Logged ✓ pad change for Ben" in body
    assert "Tess Teacher" in body and "Skin slightly red" in body


def test_without_second_staff_refused_and_typed_input_kept(world, as_user):
    r = as_user(world.alice).post(url(world.toileting), log_form())
    assert r.status_code == 422
    body = text(r)
    assert "This plan needs 2 staff: name the second member of staff" in body
    assert "Skin slightly red on the left side" in body  # what was typed is kept
    assert 'aria-invalid="true"' in body
    nothing_written()


@pytest.mark.parametrize("who", ["alice", "olga", "theo", "nobody"])
def test_second_staff_must_be_someone_else_on_the_school_staff(world, as_user, who):
    r = as_user(world.alice).post(
        url(world.toileting), log_form(second_staff=str(getattr(world, who).pk))
    )
    assert r.status_code == 422
    body = text(r)
    if who == "alice":
        assert "The second member of staff must be someone else" in body
    else:
        assert "Choose the second member of staff from this school's staff" in body
    nothing_written()


def test_untrained_recorder_refused_403(world, as_user):
    # Tess teaches Ben but has no intimate care training.
    r = as_user(world.tess).post(url(world.toileting), log_form(second_staff=str(world.alice.pk)))
    assert r.status_code == 403
    assert "You have no intimate care training on record" in text(r)
    nothing_written()


def test_expired_training_refused_403(world, as_user):
    world.alice.training.filter(kind="intimate_care").update(
        completed_on="2024-09-01", expires_on="2026-11-17"
    )
    r = as_user(world.alice).post(url(world.toileting), log_form(second_staff=str(world.tess.pk)))
    assert r.status_code == 403
    assert "(it has expired)" in text(r)
    nothing_written()


def test_plan_without_consent_refused_409(world, as_user):
    world.toileting.consent_by = ""
    world.toileting.consent_on = None
    world.toileting.save()
    client = as_user(world.alice)
    page = client.get(url(world.toileting))
    assert "No consent recorded" in text(page)
    r = client.post(url(world.toileting), log_form(second_staff=str(world.tess.pk)))
    assert r.status_code == 409
    assert "No consent recorded for this care plan" in text(r)
    nothing_written()


@pytest.mark.parametrize("who", ["bob", "olga", "theo", "pat", "dsl", "nobody"])
def test_out_of_scope_looks_like_nothing(world, as_user, who):
    client = as_user(getattr(world, who))
    ghost = f"/care/plans/{uuid.uuid4()}/log/"
    for method in ("get", "post"):
        real = getattr(client, method)(url(world.toileting), log_form(second_staff=""))
        missing = getattr(client, method)(ghost, log_form(second_staff=""))
        assert real.status_code == missing.status_code == 404
        assert real.content == missing.content
    nothing_written()
    assert not AccessEvent.objects.exists()


def test_same_client_id_twice_saves_once(world, as_user):
    client = as_user(world.alice)
    form = log_form(second_staff=str(world.tess.pk))
    first = client.post(url(world.toileting), form)
    second = client.post(url(world.toileting), form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert CareEvent.objects.count() == 1
    assert TimelineEntry.objects.filter(kind="care").count() == 1


def test_future_time_and_empty_kind_refused(world, as_user):
    r = as_user(world.alice).post(
        url(world.toileting), log_form(time="11:30", kind="", second_staff=str(world.tess.pk))
    )
    assert r.status_code == 422
    body = text(r)
    assert "That time hasn't happened yet" in body
    assert "Say what was done" in body
    nothing_written()


def test_log_form_shows_the_gender_preference_and_staffing(world, as_user):
    world.toileting.gender_preference = "female"
    world.toileting.save()
    r = as_user(world.alice).get(url(world.toileting))
    assert r.status_code == 200
    body = text(r)
    assert 'id="gender-preference"' in body
    assert "Gender preference: Female staff only." in body
    assert "2 staff needed: name the second member of staff." in body
    # The second person is picked from the school's staff, not Alice herself or outsiders.
    assert "Tess Teacher" in body and "Sam Senco" in body
    assert "Olga Other" not in body and "Theo Therapist" not in body
    assert f'value="{world.alice.pk}"' not in body
    assert AccessEvent.objects.filter(actor=world.alice, pupil=world.ben).count() == 1


def test_tess_sees_a_warning_before_she_tries(world, as_user):
    r = as_user(world.tess).get(url(world.toileting))
    assert r.status_code == 200
    assert "You can't log this care yet" in text(r)


def test_care_due_lists_alices_plans_with_log_buttons(world, as_user):
    r = as_user(world.alice).get("/care/")
    assert r.status_code == 200
    body = text(r)
    assert "Ben Brown" in body and "Toileting support" in body
    assert f'href="/care/plans/{world.toileting.pk}/log/"' in body
    assert "Not logged today" in body
    assert AccessEvent.objects.filter(actor=world.alice, what="care list").count() == 1


def test_care_due_counts_todays_logs(world, as_user):
    client = as_user(world.alice)
    client.post(url(world.toileting), log_form(second_staff=str(world.tess.pk)))
    assert "Logged 1 time today; last 18 Nov 09:40." in text(client.get("/care/"))


def test_care_due_for_others(world, as_user):
    assert "Toileting support" not in text(as_user(world.bob).get("/care/"))
    assert "Toileting support" not in text(as_user(world.olga).get("/care/"))
    assert "You have no current intimate care training" in text(as_user(world.tess).get("/care/"))
    for who in ("dsl", "theo", "pat", "nobody"):
        assert as_user(getattr(world, who)).get("/care/").status_code == 404


def test_care_due_query_count_is_constant(world, as_user, hoisting):
    client = as_user(world.senco)
    few = page_queries(client, "/care/")
    for i in range(5):
        care.care_plan_create(
            actor=world.senco,
            pupil=world.cara if i % 2 else world.dan,
            data={
                "kind": "dressing",
                "title": f"Dressing {i}",
                "routine": "After PE",
                "staff_required": 1,
                "review_date": dt.date(2027, 3, 1),
            },
        )
    assert page_queries(client, "/care/") == few


def test_timeline_line_appears_on_the_pupil_page(world, as_user):
    client = as_user(world.alice)
    client.post(url(world.toileting), log_form(second_staff=str(world.tess.pk)))
    body = text(client.get(f"/pupils/{world.ben.pk}/"))
    assert "Toileting and continence: pad change, with Tess Teacher" in body
    # Tess teaches Ben and sees it too; Hana does not see Ben at all.
    assert "Toileting and continence: pad change" in text(
        as_user(world.tess).get(f"/pupils/{world.ben.pk}/")
    )


def test_care_event_page_is_scoped(world, as_user):
    as_user(world.alice).post(url(world.toileting), log_form(second_staff=str(world.tess.pk)))
    event = CareEvent.objects.get()
    for who in ("bob", "olga", "theo", "pat", "hana"):
        client = as_user(getattr(world, who))
        real = client.get(f"/care/events/{event.pk}/")
        missing = client.get(f"/care/events/{uuid.uuid4()}/")
        assert real.status_code == missing.status_code == 404
        assert real.content == missing.content


def test_one_tap_for_the_usual_kinds(world, as_user):
    client = as_user(world.alice)
    page = text(client.get(url(world.toileting)))
    assert 'value="wet change"' in page and "Or type what was done" in page
    r = client.post(
        url(world.toileting),
        log_form(kind="", kind_pick="wet change", second_staff=str(world.tess.pk)),
    )
    assert r.status_code == 302
    assert CareEvent.objects.get().kind == "wet change"
    # What is typed wins over a chip left ticked.
    client.post(
        url(world.toileting),
        log_form(kind="toilet and wash", kind_pick="wet change", second_staff=str(world.tess.pk)),
    )
    assert CareEvent.objects.filter(kind="toilet and wash").count() == 1
