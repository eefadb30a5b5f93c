"""A parent sees their own child's provision in plain sentences, what was done in recent
sessions, how the child is getting on with each target and therapy programmes; never what
staff keep for themselves: unshared session notes, adaptations, engagement scores,
missed-session notes, behaviour, incidents, restrictive interventions, care notes or
safeguarding. Another child is a page that does not exist."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from sendesk.audit.models import AccessEvent
from sendesk.behaviour import services as behaviour
from sendesk.family import words
from sendesk.family.models import ParentLink
from sendesk.plans.models import Target
from sendesk.provision.models import MissedReason, Provision
from sendesk.provision.services import PupilRecord, session_record
from sendesk.safeguarding import services as safeguarding
from tests.therapy.conftest import queries, text
from tests.world import TODAY

from .conftest import JARGON, said, school_days, starts

NOTE = "NOTE-MARK-8120"
SECRET = "SECRET-MARK-5521"
MONDAY = dt.date(2026, 11, 16)


def test_pat_lands_on_her_children(world, as_user):
    r = as_user(world.pat).get("/family/")
    assert r.status_code == 200
    body = text(r)
    assert "Ben Brown" in body and f"/family/children/{world.ben.pk}/" in body
    assert "Cara" not in body and "Dan" not in body
    assert AccessEvent.objects.filter(
        actor=world.pat, pupil=world.ben, what="parent view", via="web"
    ).exists()


def test_bens_term_in_sentences(world, record, child_page):
    """Talk Boost from Monday 2 November: 13 school days to today (today's is recorded).
    Ben had 8 (one of them in part), refused 1, missed 3, and 1 day has no record."""
    starts(world.talk, dt.date(2026, 11, 2))
    starts(world.precision, TODAY)  # nothing due yet: today's is not recorded
    days = list(school_days(dt.date(2026, 11, 2), TODAY))
    assert len(days) == 13
    plan = {
        days[0]: "partial", days[1]: "refused", days[2]: MissedReason.PUPIL_ABSENT,
        days[3]: MissedReason.PUPIL_ABSENT, days[4]: None, TODAY: MissedReason.TRIP,
    }  # fmt: skip
    for day in days:
        what = plan.get(day, "present")
        if what is None:
            continue  # nobody recorded Friday 6 November
        if what in MissedReason.values:
            record(world.alice, world.talk, day=day, delivered=False, missed_reason=what)
        else:
            record(world.alice, world.talk, day=day, attendance=what)
    body = child_page()
    for sentence in (
        "Talk Boost",
        "30 minutes, 5 times a week, every school day. One-to-one with an adult. "
        "Promised in Ben's Education, Health and Care (EHC) plan.",
        "Ben had 8 of the 13 Talk Boost sessions due this term.",
        "In one of these, Ben was there for only part of the session.",
        "3 were missed: 2 when Ben was off school and 1 because of a school trip or event.",
        "Ben was there for 1 other session but did not want to take part.",
        "1 session has no record from the school yet.",
        "Precision teaching",
        "20 minutes, 3 times a week, on Mondays, Wednesdays and Fridays.",
        "No Precision teaching sessions were due yet this term.",
    ):
        assert sentence in body, sentence


def test_every_missed_reason_has_words_a_parent_understands(world, record, child_page):
    assert set(words.REASONS) == set(MissedReason.values)
    starts(world.talk, MONDAY - dt.timedelta(days=7))
    days = list(school_days(MONDAY - dt.timedelta(days=7), TODAY))[: len(MissedReason.values)]
    for day, reason in zip(days, MissedReason.values, strict=True):
        record(world.alice, world.talk, day=day, delivered=False, missed_reason=reason,
               missed_note=f"{NOTE} why" if reason == "other" else "")  # fmt: skip
    body = child_page()
    assert "Ben has not had any of the 7 Talk Boost sessions due this term." in body
    assert (
        "5 were missed: 1 because another school activity was on at the same time, "
        "1 because of a school trip or event, 1 because the member of staff was away, "
        "1 for another reason and 1 when Ben was off school." in body
    )
    assert "2 sessions have no record from the school yet." in body
    assert NOTE not in body  # what staff wrote about why stays with staff


def test_one_session_is_one_session(world, record, child_page):
    starts(world.talk, TODAY)
    starts(world.precision, TODAY)
    record(world.alice, world.talk)
    record(world.alice, world.precision, minutes=20, attendance="partial")
    body = child_page()
    assert "Ben had the Talk Boost session due this term." in body
    assert "Ben had the Precision teaching session due this term." in body
    assert "Ben was there for only part of it." in body
    assert "1 sessions" not in body and "1 were" not in body


def test_support_in_hours_reads_in_hours(world, record, child_page):
    support = Provision.objects.create(
        pupil=world.ben, title="Classroom support", kind="one_to_one", source="sen_support",
        weekly_minutes=600, days="12345", start=MONDAY,
    )  # fmt: skip
    record(world.alice, support, day=MONDAY, minutes=120)
    record(world.alice, support, day=MONDAY + dt.timedelta(days=1), minutes=120,
           delivered=False, missed_reason="staff_absent")  # fmt: skip
    body = child_page()
    assert "10 hours a week, every school day. One-to-one with an adult." in body
    assert "Part of the school's SEN support plan for Ben." in body
    assert "Ben had 2 hours of the 4 hours of Classroom support due this term." in body
    assert "1 session was missed because the member of staff was away." in body


def test_recent_sessions_say_who_what_and_only_shared_notes(world, record, child_page):
    record(world.alice, world.talk, day=MONDAY, note=f"{NOTE} kept for staff", response=2,
           adaptations=f"{NOTE} shorter",
           target_progress=[(world.t1.pk, "developing")])  # fmt: skip
    record(world.alice, world.talk, note="Asked for help in a 4-word sentence today!",
           note_shared_with_parents=True, target_progress=[(world.t1.pk, "secure")])  # fmt: skip
    record(world.alice, world.precision, delivered=False, missed_reason="staff_absent",
           missed_note=f"{NOTE} cover")  # fmt: skip
    body = child_page()
    recent = body[body.index("Recent sessions") : body.index("How Ben is getting on")]
    assert recent.index("Wednesday 18 November") < recent.index("Monday 16 November")
    for sentence in (
        "Talk Boost with Alice Assistant, 30 minutes.",
        "“Uses 4-word sentences to ask for help”: Ben managed this with very little help.",
        "“Uses 4-word sentences to ask for help”: Ben managed this with some help.",
        "Asked for help in a 4-word sentence today!",
        "Note from Alice Assistant",
        "Precision teaching did not happen because the member of staff was away.",
    ):
        assert sentence in recent, sentence
    assert recent.count("Note from") == 1
    assert NOTE not in body  # unshared note, adaptations and the missed note
    assert "engaged a little" not in body and "Response" not in body


def test_how_ben_is_getting_on_with_each_target(world, record, child_page):
    # Five sessions rate "4-word sentences": the oldest "not yet" falls outside the last 4.
    ratings = ["not_yet", "emerging", "developing", "developing", "developing"]
    days = list(school_days(MONDAY - dt.timedelta(days=7), TODAY))[: len(ratings)]
    for day, rating in zip(days, ratings, strict=True):
        record(world.alice, world.talk, day=day, target_progress=[(world.t1.pk, rating)])
    record(world.alice, world.precision, day=MONDAY, minutes=20,
           target_progress=[(world.t2.pk, "achieved")])  # fmt: skip
    body = child_page()
    targets = body[body.index("How Ben is getting on with each target") :]
    assert (
        "Uses 4-word sentences to ask for help "
        "Getting there: in the last 4 sessions Ben managed this with some help 3 times "
        "and with a lot of help once." in targets
    )
    assert "could not do" not in targets
    assert (
        "Reads 20 high-frequency words "
        "Can do this: in the last session Ben managed this without help." in targets
    )


def test_a_target_with_no_ratings_says_so_and_behaviour_targets_stay_hidden(
    world, record, child_page
):
    Target.objects.create(plan=world.ibp, text=f"{SECRET} stays calm at lunch", order=1)
    for day in school_days(MONDAY, TODAY):
        record(world.alice, world.talk, day=day, target_progress=[(world.t1.pk, "secure")])
    body = child_page()
    assert "Nearly there: in the last 3 sessions Ben managed this with very little help." in body
    assert (
        "Reads 20 high-frequency words "
        "No progress recorded yet: staff have not recorded progress on this yet." in body
    )
    assert SECRET not in body


def test_a_group_session_shows_only_bens_part(world, child_page):
    """Sam records one session for Ben and Cara, both notes shared: Ben's parent reads
    Ben's part only."""
    session_record(
        actor=world.senco, client_id=uuid.uuid4(), date=TODAY, minutes=20, delivered=True,
        pupils=[
            PupilRecord(pupil_id=world.ben.pk, attendance="present", note="Ben read well",
                        note_shared_with_parents=True),
            PupilRecord(pupil_id=world.cara.pk, attendance="present",
                        note=f"{SECRET} Cara's note", note_shared_with_parents=True),
        ],
    )  # fmt: skip
    body = child_page()
    assert "Extra support with Sam Senco, 20 minutes." in body
    assert "Ben read well" in body
    assert SECRET not in body and "Cara" not in body


def test_nothing_recorded_yet(world, child_page):
    starts(world.talk, TODAY)
    starts(world.precision, TODAY)
    body = child_page()
    assert "No Talk Boost sessions were due yet this term." in body
    assert "No sessions are recorded for Ben yet." in body
    assert body.count("No progress recorded yet") == 2


def test_the_therapy_programme_says_it_is_happening(world, record, child_page):
    record(world.alice, world.talk)
    body = child_page()
    for shown in (
        "Building sentences",
        "Speech and language therapy. 30 minutes, 5 times a week, every school day.",
        "Goals: Uses 4-word sentences",
        "Ben has had 1 session of this programme this term.",
    ):
        assert shown in body, shown


def test_an_ended_provision_is_not_current(world, as_user):
    Provision.objects.filter(pk=world.precision.pk).update(end=TODAY - dt.timedelta(days=1))
    body = text(as_user(world.pat).get(f"/family/children/{world.ben.pk}/"))
    assert "Talk Boost" in body and "Precision teaching" not in body


def test_behaviour_care_and_safeguarding_never_reach_the_parent(world, as_user, record):
    behaviour.incident_record(
        actor=world.alice, client_id=uuid.uuid4(), pupil_id=world.ben.pk, kind="concern",
        occurred_at=timezone.now() - dt.timedelta(hours=2), location="Classroom",
        lesson="Maths", antecedent=f"{SECRET} asked to stop", behaviour=f"{SECRET} threw",
    )  # fmt: skip
    safeguarding.concern_report(
        actor=world.alice, client_id=uuid.uuid4(), pupil_id=world.ben.pk,
        occurred_at=timezone.now() - dt.timedelta(hours=1), location="Playground",
        concern=f"{SECRET} bruise on arm", words_used="", body_map=[], action_taken="Told DSL",
    )  # fmt: skip
    body = text(as_user(world.pat).get(f"/family/children/{world.ben.pk}/"))
    for hidden in (
        SECRET,
        "Sudden changes",  # the behaviour plan
        "calm corner",
        "five-minute warning",  # staff strategies
        "Prompt at break and lunch",  # the care plan
        "Toileting",
        "likes trains and quiet spaces",  # the profile is staff's
        "use them in activities",  # the therapist's notes to staff
    ):
        assert hidden not in body, hidden
    client = as_user(world.pat)
    for path in (
        f"/pupils/{world.ben.pk}/",
        f"/pupils/{world.ben.pk}/timeline/",
        f"/pupils/{world.ben.pk}/behaviour/",
        f"/pupils/{world.ben.pk}/chronology/",
        f"/pupils/{world.ben.pk}/access-log/",
        f"/plans/{world.plan.pk}/",
        f"/therapy/pupils/{world.ben.pk}/",
        "/restrictive-interventions/",
        "/safeguarding/",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("other", ["cara", "dan", "olly"])
def test_another_child_looks_like_no_child(world, as_user, missing, other):
    pupil = getattr(world, other)
    r = as_user(world.pat).get(f"/family/children/{pupil.pk}/")
    assert (r.status_code, r.content) == missing(world.pat, "/family/children/{}/")
    assert r.status_code == 404
    assert not AccessEvent.objects.filter(pupil=pupil).exists()


def test_a_link_no_longer_active_shows_nothing(world, as_user):
    ParentLink.objects.filter(user=world.pat).update(active=False)
    client = as_user(world.pat)
    assert client.get(f"/family/children/{world.ben.pk}/").status_code == 404
    assert client.get("/family/").status_code == 404


@pytest.mark.parametrize("person", ["alice", "senco", "head", "dsl", "theo", "nobody"])
def test_staff_have_no_family_pages(world, as_user, missing, person):
    user = getattr(world, person)
    r = as_user(user).get(f"/family/children/{world.ben.pk}/")
    assert (r.status_code, r.content) == missing(user, "/family/children/{}/")
    assert as_user(user).get("/family/").status_code == 404
    assert not AccessEvent.objects.filter(what="parent view").exists()


def test_pat_gets_nothing_from_the_api(world, api):
    r = api.get(world.pat, f"/pupils/{world.ben.pk}")
    assert (r.status_code, r.json()) == (404, {"detail": "Not Found"})
    assert api.get(world.pat, "/pupils").json()["count"] == 0


def test_family_pages_speak_no_staff_jargon(world, as_user, record):
    record(world.alice, world.precision, delivered=False, missed_reason="timetable_clash")
    client = as_user(world.pat)
    for path in ("/family/", f"/family/children/{world.ben.pk}/",
                 f"/family/children/{world.ben.pk}/mar/"):  # fmt: skip
        body = said(client.get(path))
        for word in JARGON:
            assert word not in body, (path, word)


def test_child_page_query_count_does_not_grow(world, as_user, new_programme, record):
    client = as_user(world.pat)
    url = f"/family/children/{world.ben.pk}/"
    record(world.alice, world.talk, day=MONDAY, target_progress=[(world.t1.pk, "emerging")])
    client.get(url)
    before = queries(lambda: client.get(url))
    for n in range(3):
        Provision.objects.create(
            pupil=world.ben, title=f"Extra {n}", kind="group", source="sen_support",
            sessions_per_week=1, session_minutes=30, weekly_minutes=30, days="3",
            start=TODAY - dt.timedelta(days=30),
        )  # fmt: skip
    Target.objects.create(plan=world.plan, text="Counts to 20", order=3)
    programme = new_programme()
    record(world.alice, programme.provision)
    for day in school_days(MONDAY - dt.timedelta(days=7), TODAY):
        record(world.alice, world.talk, day=day, note="Shared", note_shared_with_parents=True,
               target_progress=[(world.t1.pk, "developing")])  # fmt: skip
    body = text(client.get(url))
    assert "Extra 2" in body and "Core vocabulary" in body and "Counts to 20" in body
    assert queries(lambda: client.get(url)) == before


def test_two_sessions_on_one_day_do_not_hide_a_day_with_no_record(world, record, child_page):
    """Talk Boost from Monday: Monday has a session and a catch-up, Tuesday has nothing,
    Wednesday (today) one. Three days were due and one of them has no record."""
    starts(world.talk, MONDAY)
    record(world.alice, world.talk, day=MONDAY)
    record(world.alice, world.talk, day=MONDAY)
    record(world.alice, world.talk, day=TODAY)
    body = child_page()
    assert (
        "Ben had 3 Talk Boost sessions this term (3 were due), counting catch-up sessions." in body
    )
    assert "1 session has no record from the school yet." in body


def test_refused_sessions_are_counted_on_their_own(world, record, child_page):
    """Nothing had and nothing missed: the refused session is not "other" than any."""
    starts(world.talk, TODAY)
    record(world.alice, world.talk, attendance="refused")
    body = child_page()
    assert "Ben has not had the Talk Boost session due this term." in body
    assert "Ben was there for 1 session but did not want to take part." in body
    assert "of them" not in body
