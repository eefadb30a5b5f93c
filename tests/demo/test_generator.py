"""The synthetic school generator: deterministic, valid, plausible. A small school (40
pupils) keeps these fast; the demo school has its own tests."""

import datetime as dt
import random
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from sendesk.behaviour.models import (
    Incident,
    Observation,
    RestrictiveIntervention,
    StrategyUse,
)
from sendesk.care.models import CareEvent, CarePlan, Equipment
from sendesk.demo.generator import (
    EHC_NEED_CODES,
    SEN_SUPPORT_WEIGHTS,
    draw_needs,
    ehcp_need_weights,
    generate,
    pad_timeline,
)
from sendesk.family.models import ParentLink
from sendesk.medication.models import Administration, HealthcarePlan, Medicine
from sendesk.plans.models import Plan
from sendesk.provision.models import Provision, Rating, Session, SessionPupil, TargetRating
from sendesk.pupils.models import Pupil, SenStatusPeriod, TimelineEntry
from sendesk.pupils.upn import upn_error
from sendesk.safeguarding.models import Concern
from sendesk.schools.calendar import Calendar
from sendesk.schools.models import Trust
from sendesk.staff.models import Training
from sendesk.therapy.models import Programme, ProgrammeReview, Referral

TODAY = dt.date(2026, 11, 18)  # a Wednesday in the autumn term


def small(seed=7, weeks=2, **kwargs):
    return generate(seed=seed, pupils=40, weeks_of_history=weeks, today=TODAY, **kwargs)


def fingerprint(generated):
    school = generated.schools[0]
    pupils = Pupil.objects.filter(school=school.school).prefetch_related("needs")
    return {
        "pupils": sorted(
            (
                p.upn,
                p.legal_first_name,
                p.legal_last_name,
                p.date_of_birth,
                p.sen_status,
                tuple(n.code for n in p.needs.all()),
            )
            for p in pupils
        ),
        "staff": sorted((u.email, u.full_name) for u in school.staff.values()),
        "counts": school.counts,
        "provisions": sorted(
            Provision.objects.filter(pupil__school=school.school).values_list(
                "pupil__upn", "title", "days", "weekly_minutes"
            )
        ),
        "sessions": sorted(
            SessionPupil.objects.filter(pupil__school=school.school).values_list(
                "pupil__upn", "date", "attendance", "minutes", "session__missed_reason"
            )
        ),
        "incidents": sorted(
            Incident.objects.filter(school=school.school).values_list(
                "pupil__upn", "occurred_at", "kind", "severity", "lesson", "behaviour"
            )
        ),
        "observations": sorted(
            Observation.objects.filter(school=school.school).values_list(
                "pupil__upn", "started_at", "method", "event_count", "on_task_pct"
            )
        ),
        "strategy_uses": sorted(
            StrategyUse.objects.filter(pupil__school=school.school).values_list(
                "pupil__upn", "strategy__text", "effectiveness", "recorded_at"
            )
        ),
        "interventions": sorted(
            RestrictiveIntervention.objects.filter(school=school.school).values_list(
                "pupil__upn", "started_at", "kind", "notify_parent_by"
            )
        ),
        "concerns": sorted(
            Concern.objects.filter(school=school.school).values_list(
                "pupil__upn", "reported_by__email", "reported_at", "concern"
            )
        ),
        "training": sorted(
            Training.objects.filter(user__staff_roles__school=school.school).values_list(
                "user__email", "kind", "completed_on", "expires_on"
            )
        ),
        "administrations": sorted(
            Administration.objects.filter(school=school.school).values_list(
                "pupil__upn", "medicine__name", "due_at", "given_at", "outcome", "reason"
            )
        ),
        "stock": sorted(
            Medicine.objects.filter(pupil__school=school.school).values_list(
                "pupil__upn", "name", "stock", "expiry_date", "consent_by"
            )
        ),
        "care_events": sorted(
            CareEvent.objects.filter(school=school.school).values_list(
                "pupil__upn", "kind", "occurred_at", "by__email", "second_staff__email"
            )
        ),
        "equipment": sorted(
            Equipment.objects.filter(school=school.school).values_list(
                "name", "serial", "last_inspected", "next_inspection"
            )
        ),
        "programmes": sorted(
            Programme.objects.filter(pupil__school=school.school).values_list(
                "pupil__upn", "referral__therapist__full_name", "title", "goals", "updated_at"
            )
        ),
        "parents": sorted(
            ParentLink.objects.filter(pupil__school=school.school).values_list(
                "user__email", "user__full_name", "pupil__upn", "relationship"
            )
        ),
    }


def generated_then_rolled_back(**kwargs):
    with transaction.atomic():
        result = fingerprint(small(**kwargs))
        transaction.set_rollback(True)
    return result


def test_same_seed_gives_the_same_school(db):
    first = generated_then_rolled_back(seed=7)
    again = generated_then_rolled_back(seed=7)
    other = generated_then_rolled_back(seed=8)
    assert first == again
    assert first["counts"]["sessions"] > 0
    for key in (
        "incidents",
        "observations",
        "strategy_uses",
        "interventions",
        "concerns",
        "administrations",
        "care_events",
        "equipment",
        "programmes",
        "parents",
    ):
        assert first[key], key
    assert first["pupils"] != other["pupils"]


def test_upns_are_valid_and_unique_per_school(db):
    generated = generate(seed=3, pupils=300, schools=2, weeks_of_history=0, today=TODAY)
    for school in generated.schools:
        upns = [p.upn for p in school.pupils]
        assert len(upns) == 300 == len(set(upns))
        assert [u for u in upns if upn_error(u)] == []
    # Different establishments: no UPN is shared between the trust's schools either.
    first, second = ({p.upn for p in s.pupils} for s in generated.schools)
    assert not first & second


def test_records_pass_model_validation_and_constraints(db):
    school = small(weeks=4).schools[0]
    for pupil in Pupil.objects.filter(school=school.school):
        pupil.full_clean()
        current = SenStatusPeriod.objects.filter(pupil=pupil, end__isnull=True)
        assert [p.status for p in current] == [pupil.sen_status]
    for prov in Provision.objects.filter(pupil__school=school.school):
        prov.full_clean()
        if prov.sessions_per_week:
            assert prov.weekly_minutes == prov.sessions_per_week * prov.session_minutes
            assert len(prov.days) == prov.sessions_per_week
    for plan in Plan.objects.filter(pupil__school=school.school, status=Plan.Status.ACTIVE):
        assert plan.start_date <= TODAY
        assert plan.review_date >= plan.start_date
    records = [
        *Incident.objects.filter(school=school.school),
        *Observation.objects.filter(school=school.school),
        *RestrictiveIntervention.objects.filter(school=school.school),
        *Concern.objects.filter(school=school.school),
        *Training.objects.filter(user__staff_roles__school=school.school),
        *HealthcarePlan.objects.filter(pupil__school=school.school),
        *Medicine.objects.filter(pupil__school=school.school),
        *Administration.objects.filter(school=school.school),
        *CarePlan.objects.filter(pupil__school=school.school),
        *CareEvent.objects.filter(school=school.school),
        *Equipment.objects.filter(school=school.school),
        *Referral.objects.filter(pupil__school=school.school),
        *Programme.objects.filter(pupil__school=school.school),
        *ProgrammeReview.objects.filter(programme__pupil__school=school.school),
        *ParentLink.objects.filter(pupil__school=school.school),
    ]
    assert len({type(r) for r in records}) == 15
    for record in records:
        record.full_clean()


def test_behaviour_records_come_a_few_per_pupil_on_the_register_per_term(db):
    """Volume for benchmarks: in proportion to the register and the length of history."""
    school = generate(seed=5, pupils=120, weeks_of_history=26, today=TODAY).schools[0]
    register = [p for p in school.pupils if p.sen_status != "N"]
    calendar = Calendar.load(school.school.pk, school.history_start, TODAY)
    terms = calendar.count("12345", school.history_start, TODAY - dt.timedelta(days=1)) / 65
    assert terms > 1.2  # longer than a term
    incidents = Incident.objects.filter(school=school.school)
    per_pupil_term = incidents.count() / len(register) / terms
    assert 1 <= per_pupil_term <= 6
    observed = Observation.objects.filter(school=school.school)
    assert 0.3 <= observed.count() / len(register) / terms <= 3
    off_register = {p.pk for p in school.pupils if p.sen_status == "N"}
    assert not incidents.filter(pupil__in=off_register).exists()
    assert not observed.filter(pupil__in=off_register).exists()
    # Longer histories than a term: some earlier restrictive interventions, parents told;
    # still exactly one overdue.
    interventions = RestrictiveIntervention.objects.filter(school=school.school)
    assert interventions.filter(notifications__isnull=True).count() == 1
    assert school.counts["incidents"] == incidents.count()


def test_history_is_on_school_days_in_each_pattern_and_matches_the_service(db):
    school = small(weeks=6).schools[0]
    calendar = Calendar.load(school.school.pk, school.history_start, TODAY)
    records = SessionPupil.objects.filter(pupil__school=school.school).select_related(
        "session", "provision"
    )
    entries = defaultdict(list)
    for e in TimelineEntry.objects.filter(pupil__school=school.school, ref_type="session"):
        entries[(e.ref_id, e.pupil_id)].append(e)
    assert records
    for sp in records:
        session = sp.session
        assert calendar.is_school_day(sp.date) and sp.date < TODAY
        assert str(sp.date.isoweekday()) in sp.provision.days
        assert sp.date == session.date and sp.provision.pupil_id == sp.pupil_id
        if session.delivered:
            expected = {"present": session.minutes, "partial": session.minutes // 2}
            assert sp.minutes == expected.get(sp.attendance, 0)
        else:
            assert (sp.attendance, sp.minutes) == ("", 0) and session.missed_reason
        [entry] = entries[(str(session.pk), sp.pupil_id)]
        assert entry.kind == ("session" if session.delivered else "session_missed")
        assert entry.title.startswith(sp.provision.title + ": ")
        assert entry.actor_id == session.recorded_by_id


def test_history_has_delivered_and_missed_sessions_and_progress_rises(db):
    school = small(weeks=12).schools[0]
    sessions = Session.objects.filter(school=school.school)
    reasons = Counter(sessions.filter(delivered=False).values_list("missed_reason", flat=True))
    assert sessions.filter(delivered=True).count() > 5 * sum(reasons.values()) > 0
    assert len(reasons) >= 3
    assert SessionPupil.objects.filter(pupil__school=school.school, flag_for_teacher=True).exists()

    order = list(Rating.values)
    ratings = TargetRating.objects.filter(target__plan__pupil__school=school.school)
    third = (TODAY - school.history_start) / 3
    early = [
        order.index(r)
        for r in ratings.filter(date__lt=school.history_start + third).values_list(
            "rating", flat=True
        )
    ]
    late = [
        order.index(r)
        for r in ratings.filter(date__gte=TODAY - third).values_list("rating", flat=True)
    ]
    assert early and late
    assert sum(late) / len(late) > sum(early) / len(early) + 0.5


def test_needs_follow_the_published_mix():
    weights = ehcp_need_weights()
    assert sum(weights.values()) == 638745 - 4870  # all plans less 'need unknown'
    rng = random.Random(1)
    n = 20000
    ehcp = Counter(draw_needs(rng, "E", weights)[0] for _ in range(n))
    total = sum(weights.values())
    for code in ("ASD", "SLCN", "SEMH", "MLD"):
        assert abs(ehcp[code] / n - weights[code] / total) < 0.015, code
    assert ehcp.most_common(1)[0][0] == "ASD"
    assert set(ehcp) <= set(EHC_NEED_CODES)
    support = Counter(draw_needs(rng, "K", weights)[0] for _ in range(n))
    assert support.most_common(1)[0][0] == "SLCN"
    assert abs(support["SLCN"] / n - 0.257) < 0.015
    assert set(support) <= set(SEN_SUPPORT_WEIGHTS)
    assert draw_needs(rng, "N", weights) == []


def test_census_rates_and_needs_in_the_database(db):
    school = generate(seed=11, pupils=300, weeks_of_history=0, today=TODAY).schools[0]
    statuses = Counter(p.sen_status for p in school.pupils)
    assert statuses == {"E": 16, "K": 43, "N": 241}  # 5.3% and 14.2% of 300
    pupils = Pupil.objects.filter(school=school.school).prefetch_related("needs")
    for p in pupils:
        codes = [n.code for n in p.needs.all()]
        assert bool(codes) == (p.sen_status != "N")
        assert len(codes) == len(set(codes))


def test_make_bench_school_command(db, capsys):
    call_command("make_bench_school", pupils=30, years=0, schools=2, seed=4)
    out = capsys.readouterr().out
    assert "Bench 4 School 1" in out and "Bench 4 School 2" in out
    trust = Trust.objects.get(name="Bench Trust 4")
    assert Pupil.objects.filter(school__trust=trust).count() == 60
    with pytest.raises(CommandError, match="already exists"):
        call_command("make_bench_school", pupils=30, years=0, seed=4)


def test_pad_timeline_fills_to_the_total(db):
    school = small(weeks=1).schools[0]
    pupil = school.pupils[0]
    added = pad_timeline(
        pupil,
        total=300,
        start=TODAY - dt.timedelta(days=100),
        end=TODAY,
        actor=school.staff["senco"],
    )
    assert added > 0
    assert TimelineEntry.objects.filter(pupil=pupil).count() == 300
    assert pad_timeline(pupil, total=300, start=TODAY, end=TODAY, actor=None) == 0
