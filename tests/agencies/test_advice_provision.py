"""Issue 11: a professional's advice becomes provision in one step: the SENCO chooses
"provision", confirms the provision form prefilled from the advice, and the provision is
written by the provision app's service (audited, counted in promised against delivered),
linked to the advice, which then says what it became."""

import html

from sendesk.audit.models import AuditEvent
from sendesk.provision.models import Provision
from sendesk.provision.selectors import reconcile
from sendesk.therapy import services
from sendesk.therapy.models import AdviceProvision
from tests.world import TODAY

from .test_advice import _ben_advice

ADVICE = "Precision teaching of high-frequency words, 3 times a week, 20 minutes each."


def text(response) -> str:
    return html.unescape(response.content.decode())


def ben_advice(world, ag):
    """Eve's advice about Ben, under the referral test_advice sets up."""
    referral = _ben_advice(world, ag).referral
    return services.advice_add(actor=ag.eve, referral=referral,
                               data={"kind": "advice", "text": ADVICE})  # fmt: skip


def confirmed(**changes):
    data = {
        "title": "Precision teaching: HF words", "description": ADVICE, "kind": "one_to_one",
        "source": "ehcp_f", "sessions_per_week": "3", "session_minutes": "20",
        "days": ["1", "3", "5"], "group_size": "1", "staffing": "ta",
        "start": TODAY.isoformat(),
    }  # fmt: skip
    data.update(changes)
    return data


def test_sam_turns_advice_into_provision_in_one_step(world, ag, as_user):
    advice = ben_advice(world, ag)
    sam = as_user(world.senco)
    page = text(sam.get(f"/pupils/{world.ben.pk}/advice/"))
    assert 'value="provision"' in page
    r = sam.post(f"/advice/{advice.pk}/adopt/",
                 {"as_what": "provision", "text": "Precision teaching: HF words"})  # fmt: skip
    assert r.status_code == 302 and r["Location"] == f"/advice/{advice.pk}/provision/"
    form = sam.get(r["Location"])
    assert form.status_code == 200
    form = text(form)
    # Prefilled from the advice: the SENCO's words, the advice, 3 a week of 20 minutes.
    assert 'value="Precision teaching: HF words"' in form and ADVICE in form
    assert 'name="sessions_per_week" value="3"' in form
    assert 'name="session_minutes" value="20"' in form
    assert "Eve Psychologist's advice of" in form
    r = sam.post(f"/advice/{advice.pk}/provision/", confirmed())
    assert r.status_code == 302
    provision = Provision.objects.get(title="Precision teaching: HF words")
    assert (provision.pupil, provision.weekly_minutes, provision.days) == (world.ben, 60, "135")
    assert AdviceProvision.objects.get().advice == advice
    assert provision.from_advice.advice == advice
    for kind in ("provision.provision", "therapy.adviceprovision"):
        assert AuditEvent.objects.filter(object_type=kind, pupil=world.ben).count() == 1
    # Promised against delivered: today (a Wednesday) is one of its days.
    (figures,) = reconcile([provision], TODAY)
    assert (figures.promised_week, figures.delivered_week) == (20, 0)
    page = text(sam.get(f"/pupils/{world.ben.pk}/advice/"))
    assert "Became provision: Precision teaching: HF words (3 × 20 min a week" in page


def test_a_refused_provision_keeps_what_was_typed(world, ag, as_user):
    advice = ben_advice(world, ag)
    r = as_user(world.senco).post(f"/advice/{advice.pk}/provision/",
                                  confirmed(title="KEPT-TITLE-5521", days=["1"]))  # fmt: skip
    assert r.status_code == 422
    body = text(r)
    assert "3 session(s) a week need 3 day(s)" in body and "KEPT-TITLE-5521" in body
    assert 'class="error-summary"' in body
    assert not Provision.objects.filter(title="KEPT-TITLE-5521").exists()
    assert not AdviceProvision.objects.exists()


def test_only_those_who_write_plans_make_provision(world, ag, as_user):
    advice = ben_advice(world, ag)
    url = f"/advice/{advice.pk}/provision/"
    # Alice reads Ben's advice but does not write plans; Pat, Eve and Olga see no advice.
    for person in (world.alice, world.pat, ag.eve, world.olga):
        client = as_user(person)
        assert client.get(url).status_code == 404
        assert client.post(url, confirmed()).status_code == 404
        r = client.post(f"/advice/{advice.pk}/adopt/", {"as_what": "provision", "text": "x"})
        assert r.status_code == 404
    assert not Provision.objects.filter(title="Precision teaching: HF words").exists()
    assert not AdviceProvision.objects.exists()
