import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.audit.models import AccessEvent
from sendesk.plans.models import Plan, Target
from sendesk.provision.models import Provision
from sendesk.pupils.models import Deployment, Strategy
from tests.world import AUTUMN_START, TODAY, _pupil

from .helpers import text

TUESDAY = TODAY - dt.timedelta(days=1)


def test_alice_sees_bens_provisions_due_today(world, as_user):
    w = world
    response = as_user(w.alice).get("/my-day/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ben Brown" in body and "Year 3" in body
    assert "Talk Boost" in body and "Precision teaching" in body
    # Targets and strategies one tap away, inside <details>.
    assert "Uses 4-word sentences to ask for help" in body
    assert "Give a five-minute warning before changes" in body
    # The menu and its "Assess and review" and "Your account" groups, "Go to a day", the
    # strategies and each card's targets.
    assert body.count("<details") == 7
    # A compact card per provision: the form loads when it is opened, from a link that is
    # the session record page itself (no script: the page; htmx: the card swapped in).
    for p in (w.talk, w.precision):
        assert (
            f'href="/sessions/record/{p.pk}/" hx-get="/sessions/record/{p.pk}/" '
            f'hx-target="#card-{p.pk}" hx-swap="outerHTML"'
        ) in body
        # A draft kept on this device is announced on the closed card.
        assert f'data-draft-pending="provision-{p.pk}-{TODAY.isoformat()}" hidden' in body
    assert "30 min · 1:1 support · for Ben Brown" in body
    assert '<form method="post" action="/sessions/record/' not in body
    assert 'name="minutes"' not in body
    for name in ("Cara", "Dan", "Olly"):
        assert name not in body
    assert list(AccessEvent.objects.values_list("pupil", "what", "via")) == [
        (w.ben.pk, "my day", "web")
    ]


def test_only_provision_due_that_weekday_is_shown(world, as_user):
    body = as_user(world.alice).get(f"/my-day/?date={TUESDAY}").content.decode()
    assert "Talk Boost" in body
    assert "Precision teaching" not in body  # Mon, Wed, Fri only
    assert "Tuesday 17 November" in body


def test_bob_is_deployed_to_nobody(world, as_user):
    response = as_user(world.bob).get("/my-day/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing is due today" in body
    assert "Ben" not in body and "Talk Boost" not in body
    assert not AccessEvent.objects.exists()


def test_hana_sees_her_group_pupil(world, as_user):
    w = world
    Provision.objects.create(
        pupil=w.cara, title="Toe by Toe", kind="group", source="sen_support",
        sessions_per_week=1, session_minutes=15, weekly_minutes=15, days="3", start=AUTUMN_START,
    )  # fmt: skip
    body = as_user(w.hana).get("/my-day/").content.decode()
    assert "Cara Clark" in body and "Toe by Toe" in body
    assert "Talk Boost" not in body


def test_weekend_says_so_and_offers_earlier_days(world, as_user):
    response = as_user(world.alice).get("/my-day/?date=2026-11-14")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saturday is the weekend: no provision is due." in body
    assert "Talk Boost" not in body
    assert 'href="/my-day/?date=2026-11-13"' in body  # the previous school day


def test_half_term_is_a_closure(world, as_user):
    body = as_user(world.alice).get("/my-day/?date=2026-10-27").content.decode()
    assert "The school is closed that day" in body
    assert "Talk Boost" not in body


def test_summer_holiday_is_not_term_time(world, as_user):
    body = as_user(world.alice).get("/my-day/?date=2026-08-12").content.decode()
    assert "not in term time" in body


def test_future_date_cannot_be_recorded(world, as_user):
    response = as_user(world.alice).get("/my-day/?date=2026-11-19")
    assert response.status_code == 400
    body = text(response)
    assert "hasn't happened yet: sessions can't be recorded for the future" in body
    assert "Talk Boost" not in body
    assert not AccessEvent.objects.exists()


def test_malformed_date_is_explained(world, as_user):
    response = as_user(world.alice).get("/my-day/?date=18/11/2026")
    assert response.status_code == 400
    assert "That is not a date. Give it as YYYY-MM-DD" in response.content.decode()


def test_yesterday_has_its_own_forms_and_navigation(world, as_user):
    body = as_user(world.alice).get(f"/my-day/?date={TUESDAY}").content.decode()
    assert f'href="/sessions/record/{world.talk.pk}/?date={TUESDAY}"' in body
    assert f'data-draft-pending="provision-{world.talk.pk}-{TUESDAY}"' in body
    assert 'href="/my-day/">Today</a>' in body
    assert 'href="/my-day/">Next day' in body


def test_recorded_provision_shows_its_record_instead_of_the_form(world, as_user, record):
    w = world
    session = record(w.alice, w.talk, response=4, flag_for_teacher=True)
    body = as_user(w.alice).get("/my-day/").content.decode()
    assert "Recorded ✓" in body
    assert f'href="/sessions/{session.pk}/"' in body
    assert "response 4/5" in body and "Flagged for teacher" in body
    assert f'hx-get="/sessions/record/{w.talk.pk}/"' not in body
    assert f'hx-get="/sessions/record/{w.precision.pk}/"' in body
    assert f'href="/sessions/record/{w.talk.pk}/?date={TODAY}&amp;another=1"' in body


def test_a_teacher_has_no_deployments_so_nothing_is_due(world, as_user):
    body = as_user(world.tess).get("/my-day/").content.decode()
    assert "Nothing is due today" in body


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get("/my-day/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def _more_pupils_and_provisions(w, record):
    """A second pupil for Alice with four provisions, targets and strategies, and a recorded
    session for Ben's: Alice has five provisions due on Wednesday."""
    eve = _pupil(w.school, w.y3, 5, "Eve", "Evans", "K", ["MLD"], [w.g3a])
    Deployment.objects.create(
        school=w.school, staff=w.alice, kind="key_adult", pupil=eve, start=AUTUMN_START
    )
    Strategy.objects.create(pupil=eve, text="Sit her near the front")
    plan = Plan.objects.create(pupil=eve, kind="iep", title="Eve's IEP", status="active")
    for i in range(4):
        p = Provision.objects.create(
            pupil=eve, plan=plan, title=f"Numicon {i}", kind="group", source="sen_support",
            sessions_per_week=2, session_minutes=25, weekly_minutes=50, days="35",
            start=AUTUMN_START,
        )  # fmt: skip
        p.targets.set([Target.objects.create(plan=plan, text=f"Counts to {10 * (i + 1)}")])
    record(w.alice, w.talk)


def test_query_count_does_not_grow_with_provisions(
    world, as_user, record, django_assert_num_queries
):
    w = world
    w.precision.delete()
    record(w.alice, w.talk)  # a recorded card (its ratings are one more query) from the start
    client = as_user(w.alice)
    with CaptureQueriesContext(connection) as one:
        body = client.get("/my-day/").content.decode()
    assert body.count('class="card provision-card') == 1
    queries = len(one)  # now: the log is cleared by the next request

    _more_pupils_and_provisions(w, record)
    with django_assert_num_queries(queries):
        body = client.get("/my-day/").content.decode()
    assert body.count('class="card provision-card') == 5
    assert "Eve Evans" in body and "Recorded ✓" in body


def test_a_provision_recorded_twice_shows_the_newest_record_and_its_ratings(world, as_user, record):
    w = world
    record(w.alice, w.talk, response=2, target_progress=[(w.t1.pk, "emerging")])
    newest = record(w.alice, w.talk, response=5, target_progress=[(w.t1.pk, "secure")])
    body = text(as_user(w.alice).get("/my-day/"))
    assert f'href="/sessions/{newest.pk}/"' in body
    assert "response 5/5" in body and "response 2/5" not in body
    assert f"{w.t1.text}: <strong>Secure</strong>" in body
    assert "Emerging" not in body.split('id="card-' + str(w.talk.pk))[1].split("</article>")[0]


def test_query_count_is_the_same_with_nothing_recorded_or_many_records_with_ratings(
    world, as_user, record, django_assert_num_queries
):
    """Nothing recorded yet (the small bench school) costs what a day of records costs."""
    w = world
    client = as_user(w.alice)
    with CaptureQueriesContext(connection) as empty:
        assert "Recorded ✓" not in client.get("/my-day/").content.decode()
    queries = len(empty)
    for response in (1, 2, 3):
        record(w.alice, w.talk, response=response, target_progress=[(w.t1.pk, "developing")])
    record(w.alice, w.precision)
    with django_assert_num_queries(queries):
        body = text(client.get("/my-day/"))
    assert body.count("Recorded ✓") == 2 and "response 3/5" in body
