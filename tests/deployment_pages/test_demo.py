"""The demo school's day (issue 9, Demo): Oakfield's periods, duty posts with their
adults, and where each class is each lesson, as the SENCO sees them."""

from django.conf import settings

from sendesk.accounts.models import User
from sendesk.deployment.models import DutyNeed, DutyPost, GroupLesson
from sendesk.schools.models import Period, TeachingGroup
from tests.second_factor import code_for

from .helpers import text


def test_oakfields_school_day(seeded, client):
    periods = Period.objects.filter(school__name="Oakfield Primary")
    assert periods.count() == 45  # nine a day
    monday = [(p.name, f"{p.start:%H:%M}", f"{p.end:%H:%M}") for p in periods.filter(weekday=1)]
    assert monday[0] == ("Registration", "08:45", "09:00")
    assert ("Morning break", "10:30", "10:45") in monday
    assert ("Lunch, first half", "12:00", "12:30") in monday
    assert ("Lunch, second half", "12:30", "13:00") in monday
    assert monday[-1][2] == "15:15"
    posts = DutyPost.objects.filter(school__name="Oakfield Primary")
    assert sorted(posts.values_list("name", flat=True)) == ["Dining hall", "Playground"]
    playground = DutyNeed.objects.filter(
        post__name="Playground", post__school__name="Oakfield Primary"
    )
    assert playground.count() == 15 and {n.adults for n in playground} == {2}
    classes = TeachingGroup.objects.filter(school__name="Oakfield Primary").count()
    assert GroupLesson.objects.filter(teaching_group__school__name="Oakfield Primary").count() == (
        classes * 25
    )
    client.post(
        "/login/", {"username": "senco@oakfield.example", "password": settings.DEMO_PASSWORD}
    )
    client.post(
        "/login/second-step/", {"code": code_for(User.objects.get(email="senco@oakfield.example"))}
    )
    page = text(client.get("/deployment/school-day/"))
    assert "12:00–12:30" in page and "Lunch, first half" in page
    duties = text(client.get("/deployment/duties/"))
    assert "Dining hall" in duties and "Playground" in duties
