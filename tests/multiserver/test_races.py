"""Races between two app servers on one database: the same thing sent to A and B at the
same moment is stored once, whichever server each request reached."""

import re
import uuid

import requests

from sendesk.audit.models import AuditEvent
from sendesk.behaviour.models import Incident
from sendesk.deployment.models import Plan as DeploymentPlan
from sendesk.medication.models import Administration, Medicine
from sendesk.plans.models import Plan
from sendesk.provision.models import Provision, Session
from tests.world import TODAY

from .conftest import ALIAS, api_token, at_once, bearer, by_email, sign_in
from .conftest import FROZEN_AT as NOW


def _post(base, token, path, body):
    return lambda: requests.post(f"{base}/api/v1{path}", json=body, headers=bearer(token))


def test_one_scheduled_dose_recorded_at_once_on_a_and_b_is_stored_once(ms):
    alice, bob = by_email("alice@test.example"), by_email("bob@test.example")
    token = api_token(ms.a, alice.email)
    lunch = Medicine.objects.using(ALIAS).get(name="Methylphenidate")
    due = NOW.replace(hour=12, minute=0)

    def dose():  # two devices, two records of the same 12:00 dose
        return {
            "client_id": str(uuid.uuid4()), "medicine_id": str(lunch.pk),
            "given_at": NOW.isoformat(), "due_at": due.isoformat(), "outcome": "given",
            "dose": lunch.dose, "witness_id": bob.pk,
        }  # fmt: skip

    path = "/medication/administrations"
    answers = at_once(_post(ms.a, token, path, dose()), _post(ms.b, token, path, dose()))
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    refused = next(r for r in answers if r.status_code == 409).json()
    assert refused["rule"] == "already_recorded"
    assert "already recorded" in refused["detail"]
    assert Administration.objects.using(ALIAS).filter(medicine=lunch, due_at=due).count() == 1
    # The stock went down once.
    assert Medicine.objects.using(ALIAS).get(pk=lunch.pk).stock == lunch.stock - 1


def test_one_session_sent_at_once_to_a_and_b_is_one_row(ms):
    token = api_token(ms.b, "alice@test.example")
    talk = Provision.objects.using(ALIAS).get(title="Talk Boost")
    body = {
        "client_id": str(uuid.uuid4()), "provision_id": str(talk.pk),
        "date": TODAY.isoformat(), "start_time": "09:00:00", "minutes": 30, "delivered": True,
        "pupils": [{"pupil_id": str(talk.pupil_id), "attendance": "present", "response": 4}],
    }  # fmt: skip
    answers = at_once(*[_post(base, token, "/sessions", body) for base in (ms.a, ms.b) * 2])
    assert sorted(r.status_code for r in answers) == [200, 200, 200, 201], [r.text for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    assert Session.objects.using(ALIAS).filter(client_id=body["client_id"]).count() == 1


def test_one_deployment_plan_published_at_once_on_a_and_b_is_published_once(ms):
    head = by_email("head@test.example")
    token = api_token(ms.a, head.email, user=head)
    same, other, third = DeploymentPlan.objects.using(ALIAS).order_by("pk")
    path = f"/deployment/plans/{same.pk}/publish"
    answers = at_once(_post(ms.a, token, path, {}), _post(ms.b, token, path, {}))
    assert sorted(r.status_code for r in answers) == [200, 422], [r.text for r in answers]
    refused = next(r for r in answers if r.status_code == 422).json()
    assert "only a draft can be published" in str(refused)
    # Two drafts of the same week published at once: one stands, the other superseded.
    answers = at_once(
        _post(ms.a, token, f"/deployment/plans/{other.pk}/publish", {}),
        _post(ms.b, token, f"/deployment/plans/{third.pk}/publish", {}),
    )
    assert [r.status_code for r in answers] == [200, 200], [r.text for r in answers]
    week = DeploymentPlan.objects.using(ALIAS).filter(week_start=same.week_start)
    assert week.filter(status="published").count() == 1
    assert week.filter(status="superseded").count() == 2


def test_one_pupil_plan_made_active_at_once_on_a_and_b_goes_live_once(ms):
    senco = by_email("senco@test.example")
    draft = Plan.objects.using(ALIAS).get(title="Cara's support plan")
    browser = sign_in(ms.a, senco.email, user=senco)
    page = browser.get(f"{ms.a}/plans/{draft.pk}/")
    assert page.status_code == 200
    assert re.search(r'name="csrfmiddlewaretoken"', page.text)
    url = f"/plans/{draft.pk}/activate/"
    answers = at_once(
        *[
            (
                lambda base=base: browser.post(
                    f"{base}{url}", {"review_date": ""}, allow_redirects=False
                )
            )
            for base in (ms.a, ms.b)
        ]
    )
    assert sorted(r.status_code for r in answers) == [302, 422], [r.status_code for r in answers]
    assert Plan.objects.using(ALIAS).get(pk=draft.pk).status == "active"
    went_live = AuditEvent.objects.using(ALIAS).filter(object_id=str(draft.pk), action="update")
    assert went_live.count() == 1


def test_two_drafts_of_one_kind_made_active_at_once_leave_one_in_force(ms):
    """Two different drafts (not the same one twice): the second waits for the first and
    closes it, as making a plan active does, rather than breaking the one-active-plan rule
    (on PostgreSQL that was a 500)."""
    senco = by_email("senco@test.example")
    drafts = list(Plan.objects.using(ALIAS).filter(title__startswith="Dan's support plan"))
    browser = sign_in(ms.b, senco.email, user=senco)
    assert browser.get(f"{ms.b}/plans/{drafts[0].pk}/").status_code == 200
    answers = at_once(
        *[
            (
                lambda base=base, plan=plan: browser.post(
                    f"{base}/plans/{plan.pk}/activate/", {"review_date": ""},
                    allow_redirects=False,
                )
            )
            for base, plan in zip((ms.a, ms.b), drafts, strict=True)
        ]
    )  # fmt: skip
    assert [r.status_code for r in answers] == [302, 302]
    dan = drafts[0].pupil_id
    in_force = Plan.objects.using(ALIAS).filter(pupil_id=dan, kind="iep", status="active")
    assert in_force.count() == 1
    assert in_force.get().title.startswith("Dan's support plan")


def test_an_offline_outbox_replayed_at_once_on_a_and_b_stores_each_record_once(ms):
    """A tablet back on the network sends its outbox; the answer is lost and it sends it
    again, while a second tab does the same through the other server."""
    alice = by_email("alice@test.example")
    token = api_token(ms.a, alice.email)
    talk = Provision.objects.using(ALIAS).get(title="Talk Boost")
    ben = str(talk.pupil_id)
    outbox = [
        {"kind": "session", "client_id": str(uuid.uuid4()), "recorded_by": alice.pk,
         "data": {"provision_id": str(talk.pk), "date": str(TODAY), "minutes": 25,
                  "delivered": True,
                  "pupils": [{"pupil_id": ben, "attendance": "present", "response": 3}]}},
        {"kind": "incident", "client_id": str(uuid.uuid4()), "recorded_by": alice.pk,
         "data": {"pupil_id": ben, "occurred_at": f"{TODAY}T09:10", "severity": 1,
                  "behaviour": "Shouted at a friend"}},
    ]  # fmt: skip
    for record in outbox:
        sends = [_post(base, token, "/offline/outbox", record) for base in (ms.a, ms.b) * 2]
        answers = at_once(*sends)
        assert sorted(r.status_code for r in answers) == [200, 200, 200, 201], [
            r.text for r in answers
        ]
        assert len({r.json()["id"] for r in answers}) == 1
        assert sum(r.json()["duplicate"] for r in answers) == 3
    assert Session.objects.using(ALIAS).filter(client_id=outbox[0]["client_id"]).count() == 1
    assert Incident.objects.using(ALIAS).filter(client_id=outbox[1]["client_id"]).count() == 1
