"""The home-school diary: for pupils who need one; the adults note the day at school (with
what was already recorded offered first), the family reads it and adds the evening and
morning at home, which the pupil's adults see on My day."""

import datetime as dt
import uuid

from django.utils import timezone

from sendesk.homeschool.models import DiaryNote, DiaryPupil
from sendesk.notifications.models import Notification
from sendesk.provision.models import Session, SessionPupil
from tests.world import TODAY

from .conftest import text

DIARY = "/diary/{}/"


def test_a_pupil_without_a_diary_has_none_until_staff_start_one(world, as_user, client):
    r = as_user(world.pat).get(DIARY.format(world.ben.pk))
    assert r.status_code == 404  # nothing to read yet, as for any page that does not exist
    client.logout()
    alice = as_user(world.alice)
    assert "has no home-school diary" in text(alice.get(DIARY.format(world.ben.pk)))
    assert alice.post(DIARY.format(world.ben.pk) + "start/").status_code == 302
    assert DiaryPupil.objects.filter(pupil=world.ben).exists()
    assert alice.get(DIARY.format(world.ben.pk)).status_code == 200


def test_staff_write_the_day_starting_from_what_was_recorded(world, as_user, ben_diary):
    session = Session.objects.create(
        school=world.school, provision=world.talk, date=TODAY, minutes=30, delivered=True,
        delivered_by=world.alice, recorded_by=world.alice, recorded_at=timezone.now(),
    )  # fmt: skip
    SessionPupil.objects.create(
        session=session, pupil=world.ben, provision=world.talk, attendance="present",
        date=TODAY, minutes=30, note="Loved the rhyming game.", note_shared_with_parents=True,
    )  # fmt: skip
    alice = as_user(world.alice)
    page = text(alice.get(DIARY.format(world.ben.pk)))
    assert "Talk Boost: Loved the rhyming game." in page  # offered in "What they enjoyed"
    r = alice.post(DIARY.format(world.ben.pk), {
        "date": TODAY.isoformat(), "food": "Ate all his lunch.", "mood": "Cheerful",
        "enjoyed": "Talk Boost: Loved the rhyming game.",
    })  # fmt: skip
    assert r.status_code == 302
    rows = DiaryNote.objects.filter(pupil=world.ben, from_home=False)
    assert {r.section: r.text for r in rows} == {
        "food": "Ate all his lunch.", "mood": "Cheerful",
        "enjoyed": "Talk Boost: Loved the rhyming game.",
    }  # fmt: skip


def test_the_family_reads_and_adds_home_which_is_on_my_day(world, as_user, client, ben_diary):
    DiaryNote.objects.create(
        school=world.school, pupil=world.ben, date=TODAY - dt.timedelta(days=1), section="food",
        text="Ate all his lunch.", by=world.alice, from_home=False, written_at=timezone.now(),
    )  # fmt: skip
    pat = as_user(world.pat)
    page = text(pat.get(DIARY.format(world.ben.pk)))
    assert "Ate all his lunch." in page and "Last evening at home" in page
    home = {"date": TODAY.isoformat(), "morning": "Slept badly, had breakfast."}
    r = pat.post(DIARY.format(world.ben.pk), home)
    assert r.status_code == 302
    note = DiaryNote.objects.get(from_home=True)
    assert (note.section, note.by) == ("morning", world.pat)
    assert Notification.objects.filter(kind="homeschool_diary_home", user=world.alice).exists()
    client.logout()
    my_day = text(as_user(world.alice).get("/my-day/"))
    assert "From home about Ben (this morning at home): Slept badly, had breakfast." in my_day
    client.logout()
    # Bob supports nobody: nothing from home on his day.
    assert "Slept badly" not in text(as_user(world.bob).get("/my-day/"))


def test_a_failed_save_keeps_what_was_typed(world, as_user, ben_diary):
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    r = as_user(world.pat).post(
        DIARY.format(world.ben.pk), {"date": tomorrow, "evening": "A calm evening."}
    )
    assert r.status_code == 400
    body = text(r)
    assert 'class="error-summary"' in body and "has not come" in body
    assert "A calm evening.</textarea>" in body
    assert not DiaryNote.objects.exists()


def test_api_reads_a_day_and_writes_only_ones_own_sections(world, api, ben_diary):
    path = f"/pupils/{world.ben.pk}/diary"
    r = api.post(world.pat, path, {"notes": {"mood": "Happy"}})  # a school section
    assert r.status_code == 422 and "notes" in r.json()["errors"]
    body = {"client_id": str(uuid.uuid4()), "notes": {"evening": "Bath and bed by 7."}}
    assert api.post(world.pat, path, body).status_code == 201
    assert api.post(world.pat, path, body).status_code == 200  # a retry: stored once
    assert DiaryNote.objects.count() == 1
    day = api.get(world.alice, path, date=TODAY.isoformat())
    assert day.status_code == 200
    assert [n["text"] for n in day.json()["notes"]] == ["Bath and bed by 7."]
    assert api.get(world.alice, path, date="yesterday").status_code == 422


def test_api_out_of_scope_or_without_a_diary_is_missing(world, api, ben_diary):
    for who, pupil_id in ((world.bob, world.ben.pk), (world.pat, world.cara.pk),
                          (world.alice, world.dan.pk)):  # fmt: skip
        out = api.get(who, f"/pupils/{pupil_id}/diary")
        ghost = api.get(who, f"/pupils/{uuid.uuid4()}/diary")
        assert (out.status_code, out.content) == (404, ghost.content)
