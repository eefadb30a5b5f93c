"""The plan pages read what a plan holds: the grid by adult and day, its unmet list with
reasons in plain words, two plans compared; bad input to running, moving and absence is a
message, never a crash. (Running, publishing, pinning and the cover re-plan call the
planner's services: see test_with_planner.py.)"""

import datetime as dt

from sendesk.deployment.models import Assignment, Plan, StaffAbsence

from .helpers import MONDAY, count, grow, make_plan, text


def test_the_plan_by_adult_and_day_with_its_unmet_reasons(world, as_user):
    made = make_plan(world, status="draft")
    response = as_user(world.senco).get(f"/deployment/plans/{made.plan.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "Plan: week of 16 November 2026" in page
    assert "Publish this plan" in page
    for name in ("Alice Assistant", "Bob Assistant", "Hana Hlta"):
        assert name in page
    assert "Talk Boost" in page and "with Ben Brown" in page and "Playground" in page
    assert "Not met (1)" in page
    assert "Ben Brown</strong>: Precision teaching, 20 min on Tuesday 17 Nov." in page
    assert "No medication-trained adult free on Tuesday, Lesson 2." in page
    # 150 min of Alice's 1:1 and 300 of Hana's group: what the plan meets.
    assert "450 minutes of support planned, 20 minutes unmet." in page


def test_the_plan_shows_one_day_at_a_time_today_first(world, as_user):
    """Alice's own break is at 10:30 every day; the page lists only the day chosen (today,
    Wednesday, unless another day of the plan is asked for), with links to the others."""
    made = make_plan(world, status="draft")
    client = as_user(world.senco)
    url = f"/deployment/plans/{made.plan.pk}/"
    page = text(client.get(url))
    assert "By adult: Wednesday 18 November" in page
    days = [a.date for a in Assignment.objects.filter(plan=made.plan, staff=world.alice)]
    assert len(set(days)) == 5
    body = client.get(url).content.decode()
    wednesday = Assignment.objects.filter(
        plan=made.plan, date=dt.date(2026, 11, 18), start=dt.time(10, 30)
    )
    assert body.count("10:30–10:45") == wednesday.count() > 0
    assert '<a href="?day=2026-11-18#by-adult" aria-current="page">Wed 18</a>' in body
    assert '<a href="?day=2026-11-16#by-adult">Mon 16</a>' in body
    page = text(client.get(url, {"day": "2026-11-16"}))
    assert "By adult: Monday 16 November" in page
    # A day outside the plan, or not a date, shows the default day, never an error.
    for bad in ("2026-11-23", "monday", "2026-13-01", ""):
        response = client.get(url, {"day": bad})
        assert response.status_code == 200
        assert "By adult: Wednesday 18 November" in text(response)


def test_a_published_plan_offers_no_publish(world, as_user):
    made = make_plan(world)
    page = text(as_user(world.head).get(f"/deployment/plans/{made.plan.pk}/"))
    assert "Publish this plan" not in page and "Published" in page


def test_the_list_of_plans(world, as_user):
    make_plan(world)
    page = text(as_user(world.senco).get("/deployment/plans/"))
    assert "Week of 16 Nov 2026" in page and "1 unmet" in page and "Published" in page


def test_comparing_two_plans_says_what_changed(world, as_user):
    first = make_plan(world).plan
    second = Plan.objects.create(
        school=world.school, week_start=MONDAY, created_by=world.senco,
        created_at=first.created_at,
    )  # fmt: skip
    for a in first.assignments.exclude(staff=world.bob):
        pupils = list(a.pupils.all())
        a.pk, a.plan = None, second
        a.save()
        a.pupils.set(pupils)
    # The second plan leaves Bob out and gives Monday's playground duty to Hana.
    Assignment.objects.create(
        plan=second, staff=world.hana, date=MONDAY, start=dt.time(10, 30),
        end=dt.time(10, 45), kind="duty", duty_post=first.assignments.filter(kind="duty")
        .first().duty_post,
    )  # fmt: skip
    response = as_user(world.senco).get(f"/deployment/plans/compare/?a={first.pk}&b={second.pk}")
    assert response.status_code == 200
    page = text(response)
    assert "Only in the first plan (5)" in page
    assert "Only in the second plan (1)" in page
    assert "Mon 16 Nov 10:30–10:45: Hana Hlta, duty" in page
    assert "15 deployments are the same in both." in page
    assert page.count("450 minutes met") == 2
    assert "20 minutes unmet" in page and "0 minutes unmet" in page


def test_compare_with_bad_ids(world, as_user):
    client = as_user(world.senco)
    response = client.get("/deployment/plans/compare/?a=one&b=2")
    assert response.status_code == 400
    assert "Choose two plans to compare." in text(response)
    assert client.get("/deployment/plans/compare/?a=123456&b=123457").status_code == 404


def test_running_the_planner_without_a_week_is_a_message(world, as_user):
    client = as_user(world.senco)
    for bad in ("", "not-a-date", "2026-02-30"):
        response = client.post("/deployment/plans/", {"week_start": bad})
        assert response.status_code == 422
        assert "error-summary" in text(response)
    assert not Plan.objects.exists()


def test_marking_an_absence_without_enough_is_a_message(world, as_user):
    client = as_user(world.senco)
    response = client.post("/deployment/absence/", {"date": "2026-11-19", "reason": "sickness"})
    assert response.status_code == 422
    assert "Choose who is absent." in text(response)
    response = client.post(
        "/deployment/absence/",
        {"date": "2026-11-21", "staff": [world.alice.pk], "reason": "sickness"},
    )
    assert response.status_code == 422
    assert "Saturday is the weekend: nobody is deployed then." in text(response)
    response = client.post(
        "/deployment/absence/",
        {"date": "2026-11-19", "staff": [world.olga.pk], "reason": "sickness"},
    )
    assert response.status_code == 422
    assert not StaffAbsence.objects.exists()


def test_moving_to_someone_who_is_not_staff_here_is_refused(world, as_user):
    made = make_plan(world, status="draft")
    a = made.plan.assignments.filter(staff=world.alice).first()
    response = as_user(world.senco).post(
        f"/deployment/assignments/{a.pk}/move/", {"staff": world.olga.pk}, follow=True
    )
    assert "Choose a member of this school&#x27;s staff." in response.content.decode() or (
        "Choose a member of this school's staff." in text(response)
    )
    a.refresh_from_db()
    assert a.staff_id == world.alice.pk


def test_the_plan_page_costs_the_same_however_big_the_plan(world, as_user):
    made = make_plan(world, status="draft")
    client = as_user(world.senco)
    url = f"/deployment/plans/{made.plan.pk}/"
    client.get(url)
    _, few = count(lambda: client.get(url))
    grow(world, made.plan, adults=8)
    response, many = count(lambda: client.get(url))
    assert "Extra 7" in text(response)
    assert many == few


def test_the_move_page_offers_the_schools_staff(world, as_user):
    made = make_plan(world, status="draft")
    a = made.plan.assignments.filter(staff=world.alice, kind="support").first()
    response = as_user(world.senco).get(f"/deployment/assignments/{a.pk}/move/")
    assert response.status_code == 200
    page = text(response)
    assert "Monday 16 November, 09:00–09:30: 1:1 support (Talk Boost), now Alice Assistant." in page
    assert "Bob Assistant</option>" in page and "Olga Other" not in page
    assert as_user(world.alice).get(f"/deployment/assignments/{a.pk}/move/").status_code == 404
