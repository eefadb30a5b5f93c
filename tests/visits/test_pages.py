"""The trip pages: the list and a trip for the SENCO, head and the adults going (404 for
anyone else), planning through the form, the printable medicines list, a dose given on the
trip recorded on the MAR with the place, and the day's provision recorded as missed."""

import datetime as dt
import html

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.medication.models import Administration
from sendesk.provision.models import Session
from sendesk.visits.models import Trip

from .conftest import TRIP_DAY, body


def text(response) -> str:
    return html.unescape(response.content.decode())


def _trip(api, w, **changes) -> Trip:
    r = api.post(w.senco, "/trips", body(w, **changes))
    assert r.status_code == 201, r.content
    return Trip.objects.get(pk=r.json()["id"])


def _on(day, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def test_the_adults_going_and_the_senco_see_the_trip_with_its_checks(trained, api, as_user):
    w = trained
    trip = _trip(api, w, changing_facilities=False)
    for person in (w.senco, w.head, w.alice):
        page = as_user(person).get(f"/trips/{trip.pk}/")
        assert page.status_code == 200
        body_text = text(page)
        assert "Trip to Science Museum" in body_text
        assert "1 to put right" in body_text and "changing facilities" in body_text
    assert "Science Museum" in text(as_user(w.alice).get("/trips/"))
    assert AccessEvent.objects.filter(actor=w.alice, pupil=w.ben, what="trip").exists()


def test_anyone_else_gets_not_found(trained, api, as_user):
    w = trained
    trip = _trip(api, w)
    for person in (w.hana, w.tess, w.theo, w.pat, w.olga):
        client = as_user(person)
        for path in ("", "medicines/", "dose/"):
            assert client.get(f"/trips/{trip.pk}/{path}").status_code == 404, (person, path)
        assert client.post(f"/trips/{trip.pk}/provision/").status_code == 404
    assert "Science Museum" not in text(as_user(w.hana).get("/trips/"))


def test_an_adult_on_the_trip_sees_only_the_pupils_in_their_scope(trained, api, as_user):
    w = trained
    trip = _trip(api, w, pupil_ids=[str(w.ben.pk), str(w.cara.pk)])
    # Bob goes with them: on the trip page he sees, ahead, whom he looks after that day.
    page = text(as_user(w.bob).get(f"/trips/{trip.pk}/"))
    assert "Ben Brown" in page and "Cara Clark" in page
    assert "Ben Brown" in text(as_user(w.alice).get(f"/trips/{trip.pk}/"))


def test_the_medicines_list_says_what_to_take_and_where_it_is_kept(trained, api, as_user):
    w = trained
    trip = _trip(api, w)
    page = text(as_user(w.senco).get(f"/trips/{trip.pk}/medicines/"))
    assert "Salbutamol 100 micrograms per puff" in page
    assert "Class 3A medical box" in page and "2 puffs" in page
    assert "Methylphenidate" in page and "due at 12:00" in page
    assert "Printed" in page


def test_planning_through_the_form(trained, as_user):
    w = trained
    client = as_user(w.senco)
    assert client.get("/trips/new/").status_code == 200
    form = {
        "destination": "Farm visit", "date": "2026-11-24", "start": "09:30", "end": "09:00",
        "pupils": [str(w.ben.pk)], "staff": [str(w.alice.pk)],
    }  # fmt: skip
    r = client.post("/trips/new/", form)
    assert r.status_code == 422
    page = text(r)
    assert 'class="error-summary"' in page and "back after it leaves" in page
    assert 'value="Farm visit"' in page  # what was typed is kept
    assert not Trip.objects.exists()
    r = client.post("/trips/new/", {**form, "end": "15:00"})
    trip = Trip.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/trips/{trip.pk}/"
    assert trip.destination == "Farm visit"


def test_the_form_refuses_a_pupil_the_teacher_does_not_teach(trained, as_user):
    w = trained
    client = as_user(w.tom)
    page = text(client.get("/trips/new/"))
    assert "Cara Clark" in page and "Ben Brown" not in page
    form = {"destination": "Park", "date": "2026-11-24", "start": "09:30", "end": "11:00",
            "pupils": [str(w.ben.pk)], "staff": [str(w.tom.pk)]}  # fmt: skip
    r = client.post("/trips/new/", form)
    assert r.status_code == 422 and "Choose pupils from the list" in text(r)
    assert not Trip.objects.exists()
    assert as_user(w.alice).get("/trips/new/").status_code == 404


def test_a_dose_given_on_the_trip_goes_on_the_mar_with_the_place(trained, api, as_user, now):
    w = trained
    trip = _trip(api, w)
    now.move_to(_on(TRIP_DAY, 11, 0))
    client = as_user(w.alice)
    form = {"medicine": str(w.inhaler.pk), "time": "10:50", "outcome": "given",
            "dose": "2 puffs"}  # fmt: skip
    r = client.post(f"/trips/{trip.pk}/dose/", form)
    assert r.status_code == 302, text(r)
    dose = Administration.objects.get(medicine=w.inhaler)
    assert (dose.place, dose.given_by, dose.given_at) == (
        "Science Museum",
        w.alice,
        _on(TRIP_DAY, 10, 50),
    )
    assert AuditEvent.objects.filter(object_type="medication.administration", pupil=w.ben).exists()
    mar = text(as_user(w.senco).get(f"/pupils/{w.ben.pk}/mar/?month=2026-11"))
    assert "Science Museum" in mar
    family = text(as_user(w.pat).get(f"/family/children/{w.ben.pk}/mar/?month=2026-11"))
    assert "on a trip to Science Museum" in family


def test_a_dose_refused_by_the_rules_is_not_recorded(trained, api, as_user, now):
    w = trained
    trip = _trip(api, w)
    now.move_to(_on(TRIP_DAY, 11, 0))
    client = as_user(w.alice)
    r = client.post(
        f"/trips/{trip.pk}/dose/",
        {"medicine": str(w.inhaler.pk), "time": "10:50", "outcome": "given", "dose": "9 puffs"},
    )
    assert r.status_code == 422 and "The dose on the plan is 2 puffs" in text(r)
    r = client.post(f"/trips/{trip.pk}/dose/", {"medicine": str(w.inhaler.pk), "time": ""})
    assert r.status_code == 422 and "Give the time of the dose" in text(r)
    # A medicine of a pupil not on the trip: as if it did not exist.
    other = trained.lunch_med.__class__.objects.create(
        pupil=w.cara, name="Other", form="tablet", strength="1 mg", dose="1 tablet",
        route="oral", as_needed=True, storage="Office", expiry_date=dt.date(2027, 1, 1),
        stock=5, consent_by="Mr Clark", consent_on=dt.date(2026, 9, 2),
    )  # fmt: skip
    r = client.post(
        f"/trips/{trip.pk}/dose/",
        {"medicine": str(other.pk), "time": "10:50", "outcome": "given", "dose": "1 tablet"},
    )
    assert r.status_code == 422
    assert not Administration.objects.exists()


def test_provision_that_day_is_recorded_as_missed_because_of_the_trip(trained, api, as_user, now):
    w = trained
    trip = _trip(api, w)
    client = as_user(w.senco)
    # Before the day: nothing to record yet.
    client.post(f"/trips/{trip.pk}/provision/")
    assert not Session.objects.exists()
    now.move_to(_on(TRIP_DAY, 15, 0))
    client = as_user(w.senco)  # a new day, a new sign-in
    page = text(client.get(f"/trips/{trip.pk}/"))
    assert "Talk Boost" in page and "Precision teaching" not in page  # not due on Tuesdays
    assert client.post(f"/trips/{trip.pk}/provision/").status_code == 302
    session = Session.objects.get()
    assert (session.provision, session.date, session.delivered) == (w.talk, TRIP_DAY, False)
    assert (session.missed_reason, session.minutes) == ("trip", 30)
    assert session.missed_note == "On the trip to Science Museum"
    # Pressed again: nothing new (the day has its record).
    client.post(f"/trips/{trip.pk}/provision/")
    assert Session.objects.count() == 1


def test_the_trip_page_costs_the_same_queries_however_many_pupils_go(trained, api, as_user):
    w = trained
    small = _trip(api, w)
    large = _trip(
        api, w, date="2026-11-25", pupil_ids=[str(w.ben.pk), str(w.cara.pk), str(w.dan.pk)]
    )
    client = as_user(w.senco)
    client.get(f"/trips/{small.pk}/")
    counts = []
    for trip in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/trips/{trip.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_a_controlled_drug_given_on_the_trip_needs_a_witness_going(trained, api, as_user, now):
    w = trained
    trip = _trip(api, w)
    now.move_to(_on(TRIP_DAY, 12, 5))
    client = as_user(w.alice)
    form = {"medicine": str(w.lunch_med.pk), "time": "12:00", "outcome": "given",
            "dose": "1 tablet"}  # fmt: skip
    r = client.post(f"/trips/{trip.pk}/dose/", form)
    assert r.status_code == 422 and not Administration.objects.exists()
    r = client.post(f"/trips/{trip.pk}/dose/", {**form, "witness": str(w.bob.pk)})
    assert r.status_code == 302, text(r)
    dose = Administration.objects.get()
    assert (dose.witness, dose.place) == (w.bob, "Science Museum")


def test_the_mar_api_gives_the_place_of_a_dose_given_on_the_trip(trained, api, as_user, now):
    w = trained
    trip = _trip(api, w)
    now.move_to(_on(TRIP_DAY, 11, 0))
    form = {"medicine": str(w.inhaler.pk), "time": "10:50", "outcome": "given",
            "dose": "2 puffs"}  # fmt: skip
    assert as_user(w.alice).post(f"/trips/{trip.pk}/dose/", form).status_code == 302
    api.tokens.clear()  # a new day: a new token
    mar = api.get(w.senco, f"/pupils/{w.ben.pk}/mar", month="2026-11").json()
    assert [d["place"] for d in mar["as_needed"]] == ["Science Museum"]


def test_on_the_trip_day_the_adults_going_see_its_pupils_and_only_then(trained, api, as_user, now):
    w = trained
    trip = _trip(api, w, pupil_ids=[str(w.ben.pk), str(w.cara.pk)])
    assert as_user(w.bob).get(f"/pupils/{w.cara.pk}/").status_code == 404  # not before the day
    now.move_to(_on(TRIP_DAY, 9, 0))
    client = as_user(w.bob)
    page = text(client.get(f"/trips/{trip.pk}/"))
    assert "Ben Brown" in page and "Cara Clark" in page
    assert client.get(f"/pupils/{w.cara.pk}/").status_code == 200
    # Not the day after.
    now.move_to(_on(TRIP_DAY + dt.timedelta(days=1), 9, 0))
    assert as_user(w.bob).get(f"/pupils/{w.cara.pk}/").status_code == 404


def test_at_the_end_of_the_trip_day_what_nobody_gave_is_recorded_as_missed(
    trained, api, as_user, now
):
    from django_tasks_db.models import DBTaskResult

    from tests.medication.test_emergency import run_the_worker

    w = trained
    trip = _trip(api, w)
    queued = DBTaskResult.objects.get(task_path__endswith="record_trip_provision")
    assert queued.args_kwargs["args"] == [trip.pk]
    assert timezone.localtime(queued.run_after) == _on(TRIP_DAY, 17, 0)
    now.move_to(_on(TRIP_DAY, 16, 0))
    run_the_worker()  # the day is not over: nothing ready yet
    assert not Session.objects.exists()
    now.move_to(_on(TRIP_DAY, 17, 1))
    run_the_worker()
    session = Session.objects.get()
    assert (session.provision, session.date, session.missed_reason) == (w.talk, TRIP_DAY, "trip")
    assert session.recorded_by == w.senco


def test_a_teachers_trip_does_not_deploy_anyone(trained, as_user, now):
    """Deploying staff to pupils is the SENCO's and head's: a teacher's trip names the
    adults going, but gives none of them the pupils (the SENCO's trip does, for its day)."""
    from sendesk.pupils.models import Deployment

    w = trained
    form = {"destination": "Park", "date": "2026-11-24", "start": "09:30", "end": "11:00",
            "pupils": [str(w.cara.pk)], "staff": [str(w.tom.pk), str(w.bob.pk)]}  # fmt: skip
    assert as_user(w.tom).post("/trips/new/", form).status_code == 302
    assert not Deployment.objects.filter(kind="trip").exists()
    assert as_user(w.senco).post("/trips/new/", form).status_code == 302
    assert Deployment.objects.filter(kind="trip", staff=w.bob, pupil=w.cara).count() == 1
