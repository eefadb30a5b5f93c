"""The professional writes advice or logs a visit about a pupil in their scope; it shows
on their page and in the pupil's reviews; out of scope (consent withdrawn) they can't."""

import datetime as dt
import html

from sendesk.audit.models import AuditEvent
from sendesk.consent.models import Decision, Kind
from sendesk.plans.models import Target
from sendesk.pupils.models import Strategy, TimelineEntry
from sendesk.reviews.selectors import sections
from sendesk.therapy.models import Advice
from tests.world import TODAY

from .conftest import decide, referral_data

NEW = "/therapy/pupils/{}/advice/new/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_eve_logs_a_visit_and_it_reaches_the_review(world, ag, as_user):
    eve = as_user(ag.eve)
    assert eve.get(NEW.format(world.cara.pk)).status_code == 200
    r = eve.post(NEW.format(world.cara.pk), {
        "kind": "visit", "visited_on": TODAY.isoformat(), "who_came": "",
        "text": "ADVICE-MARK-5512: short instructions, one at a time; a reading ruler.",
    })  # fmt: skip
    assert r.status_code == 302
    advice = Advice.objects.get(pupil=world.cara)
    assert (advice.kind, advice.visited_on, advice.who_came) == ("visit", TODAY, ag.eve.full_name)
    assert AuditEvent.objects.filter(object_type="therapy.advice", pupil=world.cara).exists()
    assert TimelineEntry.objects.filter(pupil=world.cara, kind="agency_advice").exists()
    assert "ADVICE-MARK-5512" in text(eve.get(f"/therapy/pupils/{world.cara.pk}/"))
    found = [s for s in sections(world.cara, TODAY - dt.timedelta(30), TODAY)
             if s.key == "agency_advice"]  # fmt: skip
    assert len(found) == 1 and "ADVICE-MARK-5512" in found[0].html


def test_bad_advice_is_refused_and_kept(world, ag, as_user):
    r = as_user(ag.eve).post(NEW.format(world.cara.pk), {
        "kind": "visit", "visited_on": "", "text": "KEPT-TEXT-1",
    })  # fmt: skip
    assert r.status_code == 422
    assert "Give the day of the visit." in text(r) and "KEPT-TEXT-1" in text(r)
    r = as_user(ag.eve).post(NEW.format(world.cara.pk), {"kind": "advice", "text": " "})
    assert "Write the advice" in text(r)
    assert not Advice.objects.exists()


def test_after_withdrawal_eve_cannot_write_about_cara(world, ag, as_user):
    decide(world, world.cara, Kind.AGENCY, Decision.WITHDRAWN, ag.ep, on=TODAY)
    r = as_user(ag.eve).post(NEW.format(world.cara.pk), {"kind": "advice", "text": "x"})
    assert r.status_code == 404
    assert as_user(ag.eve).get(NEW.format(world.dan.pk)).status_code == 404
    assert not Advice.objects.exists()


def _ben_advice(world, ag):
    from sendesk.therapy import services

    decide(world, world.ben, Kind.REFERRAL, Decision.GIVEN, ag.ep)
    decide(world, world.ben, Kind.AGENCY, Decision.GIVEN, ag.ep)
    referral = services.agency_referral_create(
        actor=world.senco, pupil=world.ben, data=referral_data(ag.ep, professional=ag.eve)
    )
    return services.advice_add(actor=ag.eve, referral=referral,
                               data={"kind": "advice", "text": "Use a reading ruler."})  # fmt: skip


def test_sam_turns_advice_into_a_strategy_and_a_target_in_one_step(world, ag, as_user):
    advice = _ben_advice(world, ag)
    sam = as_user(world.senco)
    page = sam.get(f"/pupils/{world.ben.pk}/advice/")
    assert page.status_code == 200 and "Use a reading ruler." in text(page)
    r = sam.post(f"/advice/{advice.pk}/adopt/", {"as_what": "strategy", "text": "Reading ruler"})
    assert r.status_code == 302
    assert Strategy.objects.filter(pupil=world.ben, text="Reading ruler").exists()
    r = sam.post(f"/advice/{advice.pk}/adopt/", {"as_what": "target", "text": "Reads a line"})
    assert r.status_code == 302
    target = Target.objects.get(text="Reads a line")
    assert target.plan.kind == "ehcp" and target.plan.pupil_id == world.ben.pk


def test_a_refused_adoption_keeps_the_words(world, ag, as_user):
    advice = _ben_advice(world, ag)
    r = as_user(world.senco).post(f"/advice/{advice.pk}/adopt/",
                                  {"as_what": "strategy", "text": "W" * 301 + "KEPT"})  # fmt: skip
    assert r.status_code == 422
    assert "Keep a strategy under 300 characters." in text(r) and "KEPT" in text(r)


def test_who_may_read_and_adopt(world, ag, as_user):
    advice = _ben_advice(world, ag)
    # Alice (a TA deployed to Ben) reads it but cannot adopt; the parent and Theo get 404.
    alice = as_user(world.alice)
    assert alice.get(f"/pupils/{world.ben.pk}/advice/").status_code == 200
    r = alice.post(f"/advice/{advice.pk}/adopt/", {"as_what": "strategy", "text": "x"})
    assert r.status_code in (403, 404)
    assert not Strategy.objects.filter(pupil=world.ben, text="x").exists()
    for person in (world.pat, world.theo, ag.eve):
        assert as_user(person).get(f"/pupils/{world.ben.pk}/advice/").status_code == 404
