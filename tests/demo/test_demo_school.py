"""Oakfield Primary, the demo school, as `make run` creates it (time frozen at the test
world's Wednesday 18 November 2026)."""

import io

from django.conf import settings
from django.core.management import call_command

from sendesk import access
from sendesk.accounts.models import User
from sendesk.plans.models import Plan
from sendesk.provision.models import Provision, Session
from sendesk.provision.selectors import my_day
from sendesk.pupils.models import Deployment, Pupil
from sendesk.schools.models import Role, School, Term
from tests.world import TODAY

LOGINS = (
    ["head", "senco", "dsl"]
    + [f"teacher{i}" for i in range(1, 9)]
    + ["hlta"]
    + [f"ta{i}" for i in range(1, 9)]
)


def test_demo_school_as_the_readme_promises(demo, client):
    school = School.objects.get(name="Oakfield Primary", trust__name="Oakfield Learning Trust")
    assert 180 <= Pupil.objects.filter(school=school).count() <= 220

    # Every login is printed with the password, and works over HTTP.
    emails = [f"{key}@oakfield.example" for key in LOGINS]
    for email in emails:
        assert email in demo
    assert settings.DEMO_PASSWORD in demo
    for email in emails:
        r = client.post("/login/", {"username": email, "password": settings.DEMO_PASSWORD})
        assert r.status_code == 302, email
        client.logout()
    r = client.post("/login/", {"username": emails[0], "password": "not-the-password"})
    assert r.status_code == 200

    # teacher1…8 each teach a class.
    for i in range(1, 9):
        assert User.objects.get(email=f"teacher{i}@oakfield.example").teaching_groups.count() == 1

    # ta1 has a 1:1 pupil with an EHC plan in force, targets, and provision every weekday.
    ta1 = User.objects.get(email="ta1@oakfield.example")
    # Her standing 1:1 (the published plan's dated rows name other days' pupils too).
    ones = Pupil.objects.filter(
        deployments__in=Deployment.objects.standing().filter(staff=ta1, kind="one_to_one"),
        sen_status="E",
    )
    daily = (
        Provision.objects.current_on(TODAY)
        .filter(pupil__in=ones, days="12345", targets__isnull=False)
        .distinct()
    )
    assert daily.exists()
    pupil = daily.first().pupil
    plan = Plan.objects.active().get(pupil=pupil, kind=Plan.Kind.EHCP)
    assert plan.targets.exists()
    due = {p.pk for p, _ in my_day(ta1, TODAY)}
    assert set(daily.values_list("pk", flat=True)) <= due

    # The HLTA supports a group.
    hlta = User.objects.get(email="hlta@oakfield.example")
    assert Deployment.objects.filter(staff=hlta, kind="group").exists()

    # Some pupils on the SEN register are in no TA's (or HLTA's) scope.
    assistants = User.objects.filter(
        staff_roles__school=school, staff_roles__role__in=[Role.TA, Role.HLTA]
    ).distinct()
    assert assistants.count() == 9
    reached = set()
    for person in assistants:
        reached |= set(access.visible_pupils(person, TODAY).values_list("pk", flat=True))
    register = set(Pupil.objects.filter(school=school).on_register().values_list("pk", flat=True))
    assert register - reached
    assert register & reached

    # History covers this term so far, delivered and missed, up to yesterday.
    term = Term.objects.get(school=school, start__lte=TODAY, end__gte=TODAY)
    sessions = Session.objects.filter(school=school)
    assert sessions.filter(delivered=True).exists() and sessions.filter(delivered=False).exists()
    assert min(sessions.values_list("date", flat=True)) >= term.start
    assert max(sessions.values_list("date", flat=True)) < TODAY


def test_seed_demo_runs_once_and_then_only_prints_the_logins(demo, settings):
    settings.DEMO_MODE = True
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    # Oakfield and, since issue 13, the trust's two smaller schools: nothing made again.
    assert School.objects.count() == 3
    assert "ta1@oakfield.example" in again.getvalue()
    assert "Creating" not in again.getvalue()


def test_seed_demo_leaves_a_database_with_other_schools_alone(world, settings):
    settings.DEMO_MODE = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "not added" in out.getvalue()
    assert not School.objects.filter(name="Oakfield Primary").exists()
