"""My day shows the published plan's lines for the person today (time, what, with whom,
where), and a session nobody covers because its adult is absent as "Not covered — <name>
is absent", added through the registry (provision does not import deployment). Its query
count does not grow with the plan."""

import datetime as dt

from sendesk.deployment.models import Plan, StaffAbsence, Unmet

from .helpers import count, grow, make_plan, text

TODAY = dt.date(2026, 11, 18)


def test_the_ta_sees_where_to_be_today(world, as_user):
    make_plan(world)
    page = text(as_user(world.alice).get("/my-day/"))
    assert "Your timetable" in page
    assert "09:00–09:30</strong> 1:1 support: Talk Boost with Ben Brown" in page
    assert "· 3A" in page
    assert "10:30–10:45</strong> Own break" in page
    bob = text(as_user(world.bob).get("/my-day/"))
    assert "10:30–10:45</strong> Break or lunch duty" in bob and "Playground" in bob


def test_no_lines_without_a_published_plan(world, as_user):
    make_plan(world, status="draft")
    page = text(as_user(world.alice).get("/my-day/"))
    assert "Your timetable" not in page


def _absent_today(world):
    """Alice absent today; the day's re-plan (published) leaves Talk Boost uncovered."""
    week = make_plan(world).plan
    Plan.objects.filter(pk=week.pk).update(status="superseded")
    day = Plan.objects.create(
        school=world.school, week_start=week.week_start, day=TODAY, based_on=week,
        status="published", created_by=world.senco, created_at=week.created_at,
        published_at=week.created_at,
    )  # fmt: skip
    StaffAbsence.objects.create(
        school=world.school, staff=world.alice, date=TODAY, reason="sickness",
        recorded_by=world.senco, recorded_at=week.created_at,
    )  # fmt: skip
    Unmet.objects.create(
        plan=day, provision=world.talk, pupil=world.ben, date=TODAY, minutes=30,
        rule="staff_absent", reason="Alice Assistant is absent and nobody is free.",
    )  # fmt: skip
    return day


def test_an_uncovered_session_shows_as_staff_absent(world, as_user):
    _absent_today(world)
    line = "Talk Boost for Ben Brown: Not covered — Alice Assistant is absent"
    assert line in text(as_user(world.senco).get("/my-day/"))
    assert line in text(as_user(world.tess).get("/my-day/"))  # Ben's class teacher
    # Not to someone who cannot see Ben, and not on another day.
    assert "Not covered" not in text(as_user(world.bob).get("/my-day/"))
    assert "Not covered" not in text(as_user(world.senco).get("/my-day/?date=2026-11-17"))


def test_my_day_costs_the_same_however_big_the_plan(world, as_user):
    made = make_plan(world)
    client = as_user(world.alice)
    client.get("/my-day/")
    _, few = count(lambda: client.get("/my-day/"))
    grow(world, made.plan, adults=5)
    response, many = count(lambda: client.get("/my-day/"))
    assert "13:30–14:30</strong> 1:1 support: Talk Boost with" in text(response)
    assert many == few
