"""The demo's educational visit: a trip on a school day of next school week for the class
of the pupil who carries an inhaler, with their teacher, the pupils' 1:1 adults, a
medication-trained adult and a first-aider, so that its checks can be seen passing and
its medicines list printed. Called once from demo.oakfield.build_demo."""

import datetime as dt

from django.utils import timezone

from sendesk.medication.models import Medicine
from sendesk.pupils.models import Deployment
from sendesk.schools.calendar import school_calendar
from sendesk.staff.models import Training
from sendesk.visits.checks import TripFacts, run_checks
from sendesk.visits.models import Trip

DESTINATION = "The Natural History Museum"
CLASSMATES = 9  # with the pupil who carries the inhaler: a small group from one class


def trip_day(school_id: int, today: dt.date) -> dt.date:
    """The Tuesday of next week, or the first school day after it (a holiday week moves
    it on)."""
    calendar = school_calendar(school_id)
    day = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=8)
    for _ in range(120):
        if calendar.is_school_day(day):
            return day
        day += dt.timedelta(days=1)
    return day


def make_trip(data) -> Trip | None:
    """data: the generator's SchoolData for the demo school."""
    school = data.school
    medicine = (
        Medicine.objects.filter(pupil__school=school, form=Medicine.Form.INHALER, active=True)
        .select_related("pupil")
        .order_by("pupil__upn")
        .first()
    )
    if medicine is None:
        return None
    carrier = medicine.pupil
    day = trip_day(school.pk, data.today)
    group = carrier.teaching_groups.order_by("name").first()
    pupils = [carrier]
    if group is not None:
        pupils += list(group.pupils.exclude(pk=carrier.pk).order_by("upn")[:CLASSMATES])
    staff = list(group.teachers.all()) if group is not None else []
    one_to_one = (
        Deployment.objects.standing()
        .filter(pupil__in=pupils, kind=Deployment.Kind.ONE_TO_ONE, start__lte=day)
        .select_related("staff")
    )
    staff += [d.staff for d in one_to_one]
    trained = Training.objects.current_on(day).filter(user__staff_roles__school=school)
    staff.append(_medication_adult(school, medicine.training, day) or data.staff["ta1"])
    staff = list(dict.fromkeys(staff))
    _first_aider(staff, trained, data, day)
    trip = Trip.objects.create(
        school=school, date=day, start=dt.time(9, 15), end=dt.time(15, 0),
        destination=DESTINATION, created_by=data.staff["senco"], created_at=timezone.now(),
        changing_facilities=True,
    )  # fmt: skip
    trip.pupils.set(pupils)
    trip.staff.set(staff)
    _add_for_failing(trip, staff, trained)
    return trip


def _medication_adult(school, kind, day):
    """An adult trained to give the medicine, current on the day if anyone is (else the
    one trained most recently: in a long holiday the new year's course is still to come,
    and the trip's check says so)."""
    rows = Training.objects.filter(user__staff_roles__school=school, kind=kind)
    row = (
        rows.current_on(day).order_by("user_id").first()
        or rows.order_by("-completed_on", "user_id").first()
    )
    return row.user if row is not None else None


def _first_aider(staff, trained, data, day) -> None:
    """A first-aider goes: one of the adults already going, else a trained assistant, else
    the class teacher gets a current certificate."""
    aiders = set(trained.filter(kind=Training.Kind.FIRST_AID).values_list("user_id", flat=True))
    if any(u.pk in aiders for u in staff):
        return
    for key in sorted(data.staff):
        user = data.staff[key]
        if key.startswith(("hlta", "ta")) and user.pk in aiders:
            staff.append(user)
            return
    calendar = school_calendar(data.school.pk)
    completed = day - dt.timedelta(days=200)
    while not calendar.is_school_day(completed) and completed > day - dt.timedelta(days=400):
        completed -= dt.timedelta(days=1)
    Training.objects.create(
        user=staff[0], kind=Training.Kind.FIRST_AID, course="Paediatric first aid",
        completed_on=completed, expires_on=completed + dt.timedelta(days=3 * 365),
    )  # fmt: skip


def _add_for_failing(trip, staff, trained) -> None:
    """Adds trained adults for a check that still fails (positive handling, care plans,
    the ratio), a few times at most: the demo shows a trip that is ready to go."""
    by_kind = {}
    for user_id, kind in trained.values_list("user_id", "kind"):
        by_kind.setdefault(kind, []).append(user_id)
    wanted = {
        "positive_handling": Training.Kind.POSITIVE_HANDLING,
        "care_plans": Training.Kind.INTIMATE_CARE,
        "staffing_ratio": Training.Kind.MEDICATION,
    }
    for _ in range(4):
        failing = [c.rule for c in run_checks(TripFacts.of(trip)) if not c.ok]
        rule = next((r for r in failing if r in wanted), None)
        if rule is None:
            return
        going = {u.pk for u in staff}
        extra = next((i for i in sorted(by_kind.get(wanted[rule], [])) if i not in going), None)
        if extra is None:
            return
        trip.staff.add(extra)
        staff.append(trip.staff.get(pk=extra))
