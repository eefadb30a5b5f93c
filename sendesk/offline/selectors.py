"""The pack a device keeps for offline use (issue 13): My day for today and the next school
day, and for the person's own pupils on those days (their deployed pupils in their scope,
as My day) what a TA needs without a signal: targets, strategies, the one-page profile,
care and moving-and-handling plans, medicines with their rules in words and the last dose,
healthcare plans' emergency steps; the staff who may witness; the forms' choices.

Built from the apps' own selectors (provision's My day, medication's rules and last doses)
in a number of queries that does not grow with the number of pupils (tests/offline)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Prefetch, Q
from django.utils import timezone

from sendesk import access
from sendesk.behaviour.models import BehaviourStrategy, Effectiveness, Incident, ObservationMethod
from sendesk.care.models import CarePlan
from sendesk.homeschool import selectors as homeschool
from sendesk.homeschool.models import SCHOOL_SECTIONS
from sendesk.lib.registry import declared
from sendesk.medication import selectors as medication
from sendesk.medication.models import Administration, HealthcarePlan, Medicine
from sendesk.plans.models import Plan, Target
from sendesk.provision import selectors as provision
from sendesk.provision.models import Attendance, MissedReason, Rating
from sendesk.pupils.models import Pupil, PupilNeed, Strategy
from sendesk.staff.selectors import school_staff


def pack(user, today: dt.date) -> tuple[dict, list]:
    """(the pack, the pupils in it: for the access log)."""
    days = _days(user, today)
    pupils = _pupils(user, [d["date"] for d in days])
    out = {
        "user": {"id": user.pk, "name": user.full_name},
        "generated_at": timezone.now(),
        "days": days,
        "pupils": {str(p.pk): _pupil(p, today) for p in pupils},
        "witnesses": _witnesses({p.school_id for p in pupils}),
        "choices": CHOICES,
    }
    return out, pupils


# --- The days ------------------------------------------------------------------------------


def _days(user, today) -> list[dict]:
    """Today (with its cards, or why nothing is due) and the next school day, to read."""
    closed, open_schools = provision.not_school_day(user, today)
    days = [_day(user, today, closed, open_schools, today=True)]
    ahead, open_ahead = provision.next_school_day(user, today)
    if ahead is not None:
        days.append(_day(user, ahead, "", open_ahead, today=False))
    return days


def _day(user, day, closed, open_schools, *, today) -> dict:
    cards: dict = {}
    for prov, done in [] if closed else provision.my_day(user, day, open_schools):
        card = cards.setdefault(prov.pupil_id, {"pupil": prov.pupil_id, "group": "",
                                                "provisions": []})  # fmt: skip
        if prov.kind == prov.Kind.GROUP:
            card["group"] = prov.title
        card["provisions"].append(
            {
                "id": prov.pk,
                "title": prov.title,
                "minutes": prov.minutes_offered,  # as the online form offers
                "frequency": _frequency(prov),
                "delivered": done is not None,
            }
        )
    return {
        "date": day,
        "label": f"{day:%A %-d %B}",
        "today": today,
        "recordable": today and not closed,
        "closed": closed,
        "lines": [_line(line) for lines_of in declared("my_day_lines")
                  for line in lines_of(user, day)],
        "cards": list(cards.values()),
    }  # fmt: skip


def _frequency(prov) -> str:
    if prov.sessions_per_week:
        return f"{prov.sessions_per_week} x week"
    return f"{prov.weekly_minutes} minutes a week"


def _line(line: dict) -> str:
    """A My day line (the deployment plan, exams, the diary) in plain words."""
    when = ""
    if line.get("start") and line.get("end"):
        when = f"{line['start']:%H:%M}-{line['end']:%H:%M} "
    place = f" ({line['place']})" if line.get("place") else ""
    return f"{when}{line.get('text', '')}{place}".strip()


# --- The pupils ----------------------------------------------------------------------------


def _pupils(user, days) -> list:
    """The person's own pupils on any of `days`: those they are deployed to that day, in
    their scope that day (access.visible_pupils), as My day. One query."""
    wanted = Q(pk__in=[])
    for day in days:
        scope = access.pupil_scope(user, None, day)
        if scope is not None:
            wanted |= scope & Q(pk__in=access.deployed_pupils(user, day))
    needs = Prefetch("needs", queryset=PupilNeed.objects.order_by("rank"))
    strategies = Prefetch("strategies", queryset=Strategy.objects.order_by("created", "id"))
    pupils = list(
        Pupil.objects.filter(wanted)
        .select_related("year_group")
        .prefetch_related(needs, strategies)
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    if pupils:
        _attach(pupils)
    return pupils


def _attach(pupils) -> None:
    """Each pupil's targets, behaviour strategies, care plans, medicines (with consent and
    the last dose) and healthcare plans: a fixed number of queries for all of them."""
    ids = [p.pk for p in pupils]
    by = {name: defaultdict(list) for name in ("targets", "ibp", "care", "medicines", "ihcp")}
    for t in Target.objects.in_force().filter(plan__pupil__in=ids).select_related("plan"):
        by["targets"][t.plan.pupil_id].append(t)
    for s in BehaviourStrategy.objects.filter(
        plan__pupil__in=ids, plan__kind=Plan.Kind.IBP, plan__status=Plan.Status.ACTIVE
    ).select_related("plan"):
        by["ibp"][s.plan.pupil_id].append(s)
    for c in CarePlan.objects.filter(pupil__in=ids, active=True):
        by["care"][c.pupil_id].append(c)
    medicines = list(Medicine.objects.filter(pupil__in=ids, active=True).order_by("name"))
    medication.load_consent_records(medicines, timezone.localdate())
    last = medication.last_doses([m.pk for m in medicines])
    today = medication.doses_given_on([m.pk for m in medicines], timezone.localdate())
    for m in medicines:
        m.last_dose = last.get(m.pk)
        m.doses_today = today.get(m.pk, 0)
        by["medicines"][m.pupil_id].append(m)
    for h in HealthcarePlan.objects.filter(pupil__in=ids, active=True):
        by["ihcp"][h.pupil_id].append(h)
    diaries = homeschool.with_diary(ids)
    for p in pupils:
        p.offline = {name: rows[p.pk] for name, rows in by.items()}
        p.offline["diary"] = p.pk in diaries


PROFILE = (
    ("what_matters", "What matters to me"),
    ("good_at", "What I'm good at"),
    ("how_to_support", "How best to support me"),
)


def _pupil(p, today) -> dict:
    got = p.offline
    return {
        "id": p.pk,
        "name": p.name,
        "first_name": p.preferred_name or p.legal_first_name,
        "year": p.year_group.name,
        "school": p.school_id,
        "needs": [n.get_code_display() for n in p.needs.all()],
        "targets": [{"id": t.pk, "text": t.text, "area": t.plan.title,
                     "success_criteria": t.success_criteria} for t in got["targets"]],
        "strategies": [{"text": s.text} for s in p.strategies.all()],
        "behaviour_strategies": [{"id": s.pk, "text": s.text} for s in got["ibp"]],
        "profile": [{"heading": h, "text": getattr(p, f)} for f, h in PROFILE if getattr(p, f)],
        "care_plans": [_care_plan(c) for c in got["care"]],
        "medicines": [_medicine(m, today) for m in got["medicines"]],
        "emergency_steps": [{"plan": h.conditions, "steps": h.emergency,
                             "who_to_call": h.who_to_call} for h in got["ihcp"]],
        "diary": got["diary"],
    }  # fmt: skip


def _care_plan(c) -> dict:
    staff = [f"{c.staff_required} staff" if c.staff_required > 1 else "one member of staff"]
    if c.gender_preference != CarePlan.Gender.ANY:
        staff.append(c.get_gender_preference_display().lower() + " only")
    text = c.routine + (f"\n\nTransfers: {c.transfers}" if c.transfers else "")
    if c.sling_size:
        text += f"\n\nSling size: {c.sling_size}"
    return {
        "id": c.pk,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "title": c.title,
        "text": text,
        "staff": ", ".join(staff),
        "staff_required": c.staff_required,
    }


def _medicine(m, today) -> dict:
    last = m.last_dose
    return {
        "id": m.pk,
        "name": m.name,
        "strength": m.strength,
        "dose": m.dose,
        "times": m.times,
        "as_needed": m.as_needed,
        "as_needed_when": m.as_needed_when,
        "controlled": m.controlled,
        "emergency_use": m.emergency_use,
        "rules": medication.rules_in_words(m, today),
        "last_dose": None
        if last is None
        else {"at": last.given_at, "by": last.given_by.full_name, "outcome": last.outcome},
        "doses_today": m.doses_today,
    }


def _witnesses(schools) -> dict:
    """By school: the staff who may witness a dose or be the second adult. One query a
    school (the person's own schools: a handful, whatever the number of pupils)."""
    return {
        str(school): [{"id": u.pk, "name": u.full_name} for u in school_staff(school)]
        for school in sorted(schools)
    }


CHOICES = {
    "session_outcomes": [["delivered", "Delivered"], ["missed", "Missed"]],
    "missed_reasons": [list(c) for c in MissedReason.choices],
    "attendance": [list(c) for c in Attendance.choices],
    "ratings": [list(c) for c in Rating.choices],
    "incident_kinds": [list(c) for c in Incident.Kind.choices],
    "incident_severities": [list(c) for c in Incident.Severity.choices],
    "strategy_effectiveness": [list(c) for c in Effectiveness.choices],
    "observation_methods": [list(c) for c in ObservationMethod.choices],
    "diary_sections": [[s.value, s.label] for s in SCHOOL_SECTIONS],
    "dose_outcomes": [list(c) for c in Administration.Outcome.choices],
}
