"""The school day's set-up: periods per weekday (validated: overlapping periods and an end
before the start are refused with a clear message and what was typed kept), copying
Monday to the week, duty posts and their needs, where each class is. Each write audited."""

import datetime as dt

from sendesk.audit.models import AuditEvent
from sendesk.deployment.models import DutyNeed, DutyPost, GroupLesson
from sendesk.schools.models import Period

from .helpers import make_plan, school_day, text


def _add(client, **data):
    body = {"action": "add", "weekday": "1", "name": "Lesson 1", "kind": "lesson",
            "start": "09:00", "end": "10:00", **data}  # fmt: skip
    return client.post("/deployment/school-day/", body)


def test_the_senco_adds_a_period_and_it_is_audited(world, as_user):
    client = as_user(world.senco)
    response = _add(client)
    assert response.status_code == 302
    period = Period.objects.get(school=world.school, weekday=1)
    assert (period.name, period.kind, period.start, period.end) == (
        "Lesson 1", "lesson", dt.time(9), dt.time(10),
    )  # fmt: skip
    event = AuditEvent.objects.get(object_type="schools.period", object_id=str(period.pk))
    assert (event.actor, event.action, event.school_id) == (world.senco, "create", world.school.pk)
    page = text(client.get("/deployment/school-day/"))
    assert "09:00–10:00" in page and "Lesson 1" in page


def test_an_overlapping_period_is_refused_with_what_it_overlaps(world, as_user):
    client = as_user(world.senco)
    _add(client)
    response = _add(client, name="Assembly", start="09:30", end="10:15")
    assert response.status_code == 422
    page = text(response)
    assert "That overlaps Lesson 1 (09:00–10:00) on Monday." in page
    assert 'class="error-summary"' in page and "autofocus" in page
    assert 'value="Assembly"' in page  # what was typed is kept
    assert Period.objects.filter(school=world.school).count() == 1


def test_an_end_before_the_start_is_refused(world, as_user):
    response = _add(as_user(world.head), start="11:00", end="10:00")
    assert response.status_code == 422
    assert "The end (10:00) must be after the start (11:00)." in text(response)
    assert not Period.objects.filter(school=world.school).exists()


def test_nonsense_is_a_message_not_a_crash(world, as_user):
    client = as_user(world.senco)
    response = _add(client, weekday="9", kind="nap", start="25:00", end="", name="x" * 41)
    assert response.status_code == 422
    assert not Period.objects.exists()
    response = client.post("/deployment/school-day/", {"action": "explode"})
    assert response.status_code == 400
    response = client.post("/deployment/school-day/", {"action": "remove", "period": "abc"})
    assert response.status_code == 404


def test_copy_monday_to_the_week_copies_duties_and_lessons_too(world, as_user):
    client = as_user(world.senco)
    _add(client)
    _add(client, name="Break", kind="break", start="10:30", end="10:45")
    post = DutyPost.objects.create(school=world.school, name="Playground")
    brk = Period.objects.get(weekday=1, name="Break")
    DutyNeed.objects.create(post=post, period=brk, adults=2)
    lesson = Period.objects.get(weekday=1, name="Lesson 1")
    GroupLesson.objects.create(teaching_group=world.g3a, period=lesson, subject="Maths")
    response = client.post("/deployment/school-day/", {"action": "copy"})
    assert response.status_code == 302
    for weekday in range(2, 6):
        assert list(
            Period.objects.filter(school=world.school, weekday=weekday).values_list("name", "start")
        ) == [("Lesson 1", dt.time(9)), ("Break", dt.time(10, 30))]
    assert DutyNeed.objects.filter(post=post, adults=2).count() == 5
    assert GroupLesson.objects.filter(teaching_group=world.g3a, subject="Maths").count() == 5
    assert AuditEvent.objects.filter(object_type="schools.period", action="update").exists()


def test_periods_a_plan_uses_are_kept(world, as_user):
    made = make_plan(world)
    client = as_user(world.senco)
    used = made.periods[(2, "Lesson 1")]
    response = client.post("/deployment/school-day/", {"action": "remove", "period": used.pk})
    assert response.status_code == 422
    assert "Lesson 1 on Tuesday is used by a deployment plan" in text(response)
    assert Period.objects.filter(pk=used.pk).exists()
    response = client.post("/deployment/school-day/", {"action": "copy"})
    assert response.status_code == 422
    assert "A deployment plan uses the periods of Tuesday, Wednesday" in text(response)
    assert Period.objects.filter(school=world.school).count() == 20


def test_duty_posts_and_their_needs(world, as_user):
    periods = school_day(world.school)
    client = as_user(world.senco)
    response = client.post("/deployment/duties/", {"action": "add", "name": "Dining hall"})
    assert response.status_code == 302
    post = DutyPost.objects.get(school=world.school, name="Dining hall")
    lunch = periods[(1, "Lunch")]
    response = client.post(
        "/deployment/duties/", {"action": "needs", "post": post.pk, f"p{lunch.pk}": "2"}
    )
    assert response.status_code == 302
    assert list(DutyNeed.objects.filter(post=post).values_list("period_id", "adults")) == [
        (lunch.pk, 2)
    ]
    assert (
        AuditEvent.objects.filter(object_type="deployment.dutypost", actor=world.senco).count() == 2
    )
    # The same name again, and a need that is not a number: messages, nothing written.
    response = client.post("/deployment/duties/", {"action": "add", "name": "dining hall"})
    assert response.status_code == 422
    assert "There is already a duty post called “dining hall”." in text(response)
    response = client.post(
        "/deployment/duties/", {"action": "needs", "post": post.pk, f"p{lunch.pk}": "lots"}
    )
    assert response.status_code == 422
    assert "Give each need as a number of adults from 0 to 20." in text(response)
    assert DutyNeed.objects.get(post=post).adults == 2


def test_where_each_class_is(world, as_user):
    periods = school_day(world.school)
    client = as_user(world.senco)
    lesson = periods[(3, "Lesson 2")]
    url = f"/deployment/lessons/?group={world.g4b.pk}"
    response = client.post(url, {"group": world.g4b.pk, f"s{lesson.pk}": "PE",
                                 f"r{lesson.pk}": "Hall"})  # fmt: skip
    assert response.status_code == 302
    held = GroupLesson.objects.get(teaching_group=world.g4b)
    assert (held.period_id, held.subject, held.room) == (lesson.pk, "PE", "Hall")
    assert AuditEvent.objects.filter(object_type="schools.teachinggroup").exists()
    # A room with no subject is refused beside its lesson, with what was typed kept.
    response = client.post(url, {"group": world.g4b.pk, f"r{lesson.pk}": "Library"})
    assert response.status_code == 422
    page = text(response)
    assert "Say what the lesson is, or leave the room empty too." in page
    assert 'value="Library"' in page
    assert GroupLesson.objects.get(teaching_group=world.g4b).room == "Hall"
