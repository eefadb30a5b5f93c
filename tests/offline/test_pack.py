"""The pack a device keeps for offline use (issue 13, part 1): today's and the next school
day's cards, and for the person's own pupils only their plans, care and medicines; never
another school's pupil; nothing for those who record nothing; audited; a query count that
does not grow with the number of pupils."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sendesk.audit.models import AccessEvent
from sendesk.care.models import CarePlan
from sendesk.homeschool.models import DiaryPupil
from sendesk.medication.models import HealthcarePlan, Medicine
from sendesk.medication.services import administration_record
from sendesk.plans.models import Plan, Target
from sendesk.provision.models import Provision
from sendesk.pupils.models import Deployment, Strategy
from tests.second_factor import verified_login

from ..world import AUTUMN_START, TODAY, _medicine_consents, _pupil

LONDON = ZoneInfo("Europe/London")


def test_a_tas_pack_holds_her_pupil_and_nothing_else(world, device):
    r = device(world.alice).get("/pack")
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    pack = r.json()
    assert pack["user"] == {"id": world.alice.pk, "name": "Alice Assistant"}
    today, ahead = pack["days"]
    assert (today["date"], today["label"], today["today"], today["recordable"]) == (
        "2026-11-18", "Wednesday 18 November", True, True,
    )  # fmt: skip
    # Wednesday: both of Ben's provisions; Thursday: Talk Boost only (Precision is M/W/F).
    [card] = today["cards"]
    assert card["pupil"] == str(world.ben.pk)
    assert [p["title"] for p in card["provisions"]] == ["Precision teaching", "Talk Boost"]
    assert card["provisions"][1] == {"id": str(world.talk.pk), "title": "Talk Boost",
                                     "minutes": 30, "frequency": "5 x week",
                                     "delivered": False}  # fmt: skip
    assert (ahead["date"], ahead["today"], ahead["recordable"]) == ("2026-11-19", False, False)
    assert [p["title"] for c in ahead["cards"] for p in c["provisions"]] == ["Talk Boost"]

    assert list(pack["pupils"]) == [str(world.ben.pk)]
    ben = pack["pupils"][str(world.ben.pk)]
    assert (ben["name"], ben["first_name"], ben["year"]) == ("Ben Brown", "Ben", "Year 3")
    assert [t["text"] for t in ben["targets"]] == [world.t1.text, world.t2.text]
    assert ben["strategies"] == [{"text": "Give a five-minute warning before changes"}]
    assert [s["id"] for s in ben["behaviour_strategies"]] == [
        world.calm_corner.pk, world.first_then.pk,
    ]  # fmt: skip
    assert ben["profile"] == [
        {"heading": "What matters to me", "text": "Ben likes trains and quiet spaces."}
    ]
    [care] = ben["care_plans"]
    assert (care["id"], care["staff"], care["staff_required"]) == (
        str(world.toileting.pk), "2 staff", 2,
    )  # fmt: skip
    inhaler = next(m for m in ben["medicines"] if m["name"] == "Salbutamol")
    assert "At least 4 hours between doses" in inhaler["rules"]
    assert "No more than 4 doses in 24 hours" in inhaler["rules"]
    assert inhaler["last_dose"] is None
    lunch = next(m for m in ben["medicines"] if m["name"] == "Methylphenidate")
    assert lunch["controlled"] and lunch["times"] == ["12:00"]
    assert ben["emergency_steps"] == [{"plan": "Asthma", "steps": world.ihcp.emergency,
                                       "who_to_call": world.ihcp.who_to_call}]  # fmt: skip
    witnesses = pack["witnesses"][str(world.school.pk)]
    assert {"id": world.hana.pk, "name": "Hana Hlta"} in witnesses
    assert "Olga Other" not in str(pack)
    assert ["delivered", "Delivered"] in pack["choices"]["session_outcomes"]

    # Audited as a view of Ben, and of nobody else.
    seen = AccessEvent.objects.filter(actor=world.alice, what="offline pack")
    assert [(e.pupil_id, e.via) for e in seen] == [(world.ben.pk, "web")]


def test_the_last_dose_is_in_the_pack(world, device):
    administration_record(
        actor=world.alice, client_id=None, medicine_id=world.inhaler.pk,
        given_at=dt.datetime(2026, 11, 18, 9, 0, tzinfo=LONDON), outcome="given",
        dose="2 puffs",
    )  # fmt: skip
    ben = device(world.alice).get("/pack").json()["pupils"][str(world.ben.pk)]
    inhaler = next(m for m in ben["medicines"] if m["name"] == "Salbutamol")
    assert inhaler["last_dose"] == {"at": "2026-11-18T09:00:00Z", "by": "Alice Assistant",
                                    "outcome": "given"}  # fmt: skip


def test_the_last_dose_is_the_last_given_and_today_is_counted(world, device):
    # Given at 08:00, refused at 09:00 (and one given yesterday): the device must still read
    # "at least 4 hours between doses" against the 08:00 dose actually given.
    def dose(day, hour, outcome, reason=""):
        administration_record(
            actor=world.alice, client_id=None, medicine_id=world.inhaler.pk,
            given_at=dt.datetime.combine(day, dt.time(hour), LONDON), outcome=outcome,
            dose="2 puffs", reason=reason,
        )  # fmt: skip

    dose(dt.date(2026, 11, 17), 9, "given")
    dose(dt.date(2026, 11, 18), 8, "given")
    dose(dt.date(2026, 11, 18), 9, "refused", "Said he felt fine")
    ben = device(world.alice).get("/pack").json()["pupils"][str(world.ben.pk)]
    inhaler = next(m for m in ben["medicines"] if m["name"] == "Salbutamol")
    assert inhaler["last_dose"] == {"at": "2026-11-18T08:00:00Z", "by": "Alice Assistant",
                                    "outcome": "given"}  # fmt: skip
    assert inhaler["doses_today"] == 1
    lunch = next(m for m in ben["medicines"] if m["name"] == "Methylphenidate")
    assert (lunch["last_dose"], lunch["doses_today"]) == (None, 0)


@pytest.mark.parametrize(("starts", "in_pack"), [(1, True), (2, False)])
def test_the_next_school_days_pupil_is_in_the_pack(world, device, starts, in_pack):
    # Decided (README "Who sees what"): the pack holds the next school day's pupils, so the
    # tablet is ready before the signal goes. Bob is deployed to Ben from Thursday (the next
    # school day) or from Friday (neither day of the pack).
    Deployment.objects.create(
        school=world.school, staff=world.bob, kind="one_to_one", pupil=world.ben,
        start=dt.date(2026, 11, 18) + dt.timedelta(days=starts),
    )  # fmt: skip
    pack = device(world.bob).get("/pack").json()
    assert (str(world.ben.pk) in pack["pupils"]) is in_pack
    if in_pack:
        ben = pack["pupils"][str(world.ben.pk)]
        assert [m["name"] for m in ben["medicines"]] == ["Methylphenidate", "Salbutamol"]
        assert pack["days"][0]["cards"] == [] and pack["days"][1]["cards"] != []
    # Online, Ben is still out of Bob's scope today.
    bob = verified_login(Client(), world.bob)
    assert bob.get(f"/pupils/{world.ben.pk}/medication/").status_code == 404
    # Hana is deployed to Ben neither day: never in her pack.
    assert str(world.ben.pk) not in device(world.hana).get("/pack").json()["pupils"]


def test_each_person_gets_their_own_pupils(world, device):
    # Hana supports group 4B: Cara (no provision due, so no card), never Ben.
    hana = device(world.hana).get("/pack").json()
    assert list(hana["pupils"]) == [str(world.cara.pk)]
    assert hana["days"][0]["cards"] == []
    # A teacher and the SENCO are deployed to nobody: an empty pack, as their My day.
    for person in (world.tess, world.senco):
        r = device(person).get("/pack")
        assert r.status_code == 200 and r.json()["pupils"] == {}
    # The other school's SENCO: never this school's pupils.
    Deployment.objects.create(
        school=world.other, staff=world.olga, kind="one_to_one", pupil=world.olly,
        start=AUTUMN_START,
    )  # fmt: skip
    olga = device(world.olga).get("/pack").json()
    assert list(olga["pupils"]) == [str(world.olly.pk)]
    assert str(world.ben.pk) not in str(olga)


def test_the_pack_says_which_pupils_have_a_diary(world, device):
    # The diary is offered offline only where the outbox will take it: a pupil who has a
    # home-school diary (DiaryPupil, as the online diary page and API ask).
    tablet = device(world.alice)
    assert tablet.get("/pack").json()["pupils"][str(world.ben.pk)]["diary"] is False
    DiaryPupil.objects.create(pupil=world.ben, started_by=world.senco, started_on=TODAY)
    assert tablet.get("/pack").json()["pupils"][str(world.ben.pk)]["diary"] is True
    # Cara, in Hana's group, has none.
    assert device(world.hana).get("/pack").json()["pupils"][str(world.cara.pk)]["diary"] is False


def test_nothing_for_those_who_record_nothing(world, device):
    assert Client().get("/api/v1/offline/pack").status_code == 401
    assert device(world.pat).get("/pack").status_code == 404
    assert device(world.theo).get("/pack").status_code == 404
    assert not AccessEvent.objects.filter(what="offline pack").exists()


def test_on_a_saturday_the_pack_holds_mondays_plan_to_read(world, device, now):
    now.move_to(dt.datetime(2026, 11, 21, 9, 0, tzinfo=LONDON))
    saturday, monday = device(world.alice).get("/pack").json()["days"]
    assert saturday["closed"] == "Saturday is the weekend: no provision is due."
    assert (saturday["recordable"], saturday["cards"]) == (False, [])
    assert (monday["date"], monday["label"], monday["recordable"]) == (
        "2026-11-23", "Monday 23 November", False,
    )  # fmt: skip
    assert [p["title"] for c in monday["cards"] for p in c["provisions"]] == [
        "Precision teaching", "Talk Boost",
    ]  # fmt: skip


def test_at_the_end_of_term_the_next_school_day_is_next_term(world, device, now):
    now.move_to(dt.datetime(2026, 12, 18, 9, 0, tzinfo=LONDON))  # the last day of term
    days = device(world.alice).get("/pack").json()["days"]
    assert [d["date"] for d in days] == ["2026-12-18", "2027-01-05"]


def _more_pupils(world, how_many):
    """Pupils deployed to Alice, each with a provision, a target, a strategy, a care plan,
    a medicine with consent and a dose, and a healthcare plan."""
    for n in range(how_many):
        pupil = _pupil(world.school, world.y3, 10 + n, f"Extra{n}", "Pupil", "K", ["SPLD"])
        Deployment.objects.create(
            school=world.school, staff=world.alice, kind="one_to_one", pupil=pupil,
            start=AUTUMN_START,
        )  # fmt: skip
        plan = Plan.objects.create(pupil=pupil, kind="iep", title="Plan", status="active",
                                   start_date=AUTUMN_START)  # fmt: skip
        target = Target.objects.create(plan=plan, text=f"Target {n}")
        provision = Provision.objects.create(
            pupil=pupil, plan=plan, title="Reading", kind="one_to_one", source="sen_support",
            sessions_per_week=5, session_minutes=20, weekly_minutes=100, days="12345",
            start=AUTUMN_START,
        )  # fmt: skip
        provision.targets.set([target])
        Strategy.objects.create(pupil=pupil, text="Short instructions")
        CarePlan.objects.create(pupil=pupil, kind="toileting", title="Toileting",
                                routine="Prompt", review_date=dt.date(2027, 1, 15))  # fmt: skip
        HealthcarePlan.objects.create(
            pupil=pupil, conditions="Asthma", emergency="Inhaler", who_to_call="Mum",
            review_date=dt.date(2027, 9, 1), created_by=world.senco,
        )  # fmt: skip
        medicine = Medicine.objects.create(
            pupil=pupil, name="Salbutamol", form="inhaler", strength="100 mcg", dose="2 puffs",
            dose_units=2, route="inhaled", as_needed=True, as_needed_when="Wheeze",
            min_interval_minutes=240, max_per_24h=4, storage="Box",
            expiry_date=dt.date(2027, 6, 30), stock=100, consent_by="Mum",
            consent_on=dt.date(2026, 9, 2),
        )  # fmt: skip
        _medicine_consents(world.senco, medicine)
        administration_record(
            actor=world.alice, client_id=None, medicine_id=medicine.pk,
            given_at=dt.datetime(2026, 11, 18, 9, 0, tzinfo=LONDON), outcome="given",
            dose="2 puffs",
        )  # fmt: skip


def _queries(tablet) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        r = tablet.get("/pack")
    assert r.status_code == 200
    return len(ctx.captured_queries), r.json()


@pytest.mark.parametrize("extra", [6])
def test_the_query_count_does_not_grow_with_the_pupils(world, device, extra):
    tablet = device(world.alice)
    tablet.get("/pack")  # the session's first request settles its bookkeeping
    one, pack = _queries(tablet)
    assert len(pack["pupils"]) == 1
    _more_pupils(world, extra)
    many, pack = _queries(tablet)
    assert len(pack["pupils"]) == 1 + extra
    assert all(p["medicines"][0]["last_dose"] for p in pack["pupils"].values()
               if p["first_name"].startswith("Extra"))  # fmt: skip
    assert many == one


def test_support_given_in_hours_offers_a_days_share_as_online(world, device):
    """In-class 1:1 support is promised in hours a week, not sessions: the offline form
    offers the day's share, as the online form does, not an empty box."""
    Provision.objects.create(
        pupil=world.ben, title="In-class 1:1 support", kind="one_to_one", source="ehcp_f",
        weekly_minutes=900, days="12345", start=AUTUMN_START,
    )  # fmt: skip
    [card] = device(world.alice).get("/pack").json()["days"][0]["cards"]
    offered = {p["title"]: p["minutes"] for p in card["provisions"]}
    assert offered == {"In-class 1:1 support": 180, "Precision teaching": 20, "Talk Boost": 30}
