"""A parent sees their own child's provision, what was delivered and therapy programmes,
and nothing staff write about the child: no session notes, behaviour, incidents,
restrictive interventions, care notes or safeguarding. Another child is a page that does
not exist."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from sendesk.audit.models import AccessEvent
from sendesk.behaviour import services as behaviour
from sendesk.family.models import ParentLink
from sendesk.provision.models import Provision
from sendesk.safeguarding import services as safeguarding
from tests.therapy.conftest import queries, text
from tests.world import TODAY

NOTE = "NOTE-MARK-8120"
SECRET = "SECRET-MARK-5521"


def test_pat_lands_on_her_children(world, as_user):
    r = as_user(world.pat).get("/family/")
    assert r.status_code == 200
    body = text(r)
    assert "Ben Brown" in body and f"/family/children/{world.ben.pk}/" in body
    assert "Cara" not in body and "Dan" not in body
    assert AccessEvent.objects.filter(
        actor=world.pat, pupil=world.ben, what="parent view", via="web"
    ).exists()


def test_pat_sees_what_ben_received(world, as_user, record):
    record(world.alice, world.talk, note=f"{NOTE} tired today", response=2,
           adaptations=f"{NOTE} shorter")  # fmt: skip
    record(world.alice, world.precision, delivered=False, missed_reason="staff_absent",
           missed_note=f"{NOTE} cover")  # fmt: skip
    r = as_user(world.pat).get(f"/family/children/{world.ben.pk}/")
    assert r.status_code == 200
    body = text(r)
    for shown in (
        "Talk Boost",
        "5 × 30 min a week",
        "30 min</strong> of 1 h 30 min",  # this week, Mon to Wed
        "Precision teaching",
        "0 min</strong> of 40 min",  # Mon and Wed, 20 min each; today's was missed
        "Staff absent (1)",
        "Building sentences",  # the therapy programme, its goals, and that it happens
        "Uses 4-word sentences",
        "Speech and language therapy",
        "1</strong> session delivered this term",
    ):
        assert shown in body, shown
    assert NOTE not in body  # staff notes on sessions never reach parents
    assert "engaged a little" not in body
    assert AccessEvent.objects.filter(
        actor=world.pat, pupil=world.ben, what="parent view", via="web"
    ).exists()


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


def test_child_page_query_count_does_not_grow(world, as_user, new_programme, record):
    client = as_user(world.pat)
    url = f"/family/children/{world.ben.pk}/"
    client.get(url)
    before = queries(lambda: client.get(url))
    for n in range(3):
        Provision.objects.create(
            pupil=world.ben, title=f"Extra {n}", kind="group", source="sen_support",
            sessions_per_week=1, session_minutes=30, weekly_minutes=30, days="3",
            start=TODAY - dt.timedelta(days=30),
        )  # fmt: skip
    programme = new_programme()
    record(world.alice, programme.provision)
    record(world.alice, world.talk)
    body = text(client.get(url))
    assert "Extra 2" in body and "Core vocabulary" in body
    assert queries(lambda: client.get(url)) == before
