"""Each timetable that names pupils logs the view in the access trail: one row per pupil
named, written in one INSERT per request however many pupils the week names; pupils the
reader may not see are neither named nor logged."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendesk.audit.models import AccessEvent

from ..api.conftest import Api
from .helpers import WEEK, grow, make_plan, manage


def _logged(actor, what):
    return sorted(
        str(pk)
        for pk in AccessEvent.objects.filter(actor=actor, what=what).values_list(
            "pupil_id", flat=True
        )
    )


def _inserts(queries):
    return [q for q in queries if 'INSERT INTO "audit_accessevent"' in q["sql"]]


def test_an_adults_week_logs_each_pupil_it_names_once(world, as_user):
    made = make_plan(world)
    client = as_user(world.senco)
    response = client.get(f"/timetable/{world.alice.pk}/?week={WEEK}")
    assert response.status_code == 200
    # Ben, five mornings: one row for him.
    assert _logged(world.senco, "timetable") == [str(world.ben.pk)]
    grow(world, made.plan)  # Alice now also has Ben, Dan and Cara each afternoon
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/timetable/{world.alice.pk}/?week={WEEK}").status_code == 200
    assert len(_inserts(queries.captured_queries)) == 1
    pupils = [world.ben, world.ben, world.dan, world.cara]
    assert _logged(world.senco, "timetable") == sorted(str(p.pk) for p in pupils)


def test_a_week_naming_nobody_logs_nothing(world, as_user):
    make_plan(world)
    assert as_user(world.bob).get(f"/timetable/?week={WEEK}").status_code == 200  # duty only
    assert not AccessEvent.objects.filter(actor=world.bob).exists()


def test_the_pupils_week_logs_the_pupil(world, as_user):
    make_plan(world)
    response = as_user(world.senco).get(f"/pupils/{world.ben.pk}/timetable/?week={WEEK}")
    assert response.status_code == 200
    assert _logged(world.senco, "timetable") == [str(world.ben.pk)]


def test_the_team_page_logs_its_pupils_in_one_write(world, as_user):
    made = make_plan(world)
    manage(world, world.hana, world.alice, world.bob)
    grow(world, made.plan)
    with CaptureQueriesContext(connection) as queries:
        response = as_user(world.hana).get(f"/team/?week={WEEK}")
    assert response.status_code == 200
    assert len(_inserts(queries.captured_queries)) == 1
    logged = _logged(world.hana, "team timetable")
    assert str(world.ben.pk) in logged and len(logged) == len(set(logged))
    # Exactly the pupils the page names are logged.
    page = response.content.decode()
    for pupil in (world.ben, world.dan, world.cara):
        assert (pupil.name in page) == (str(pupil.pk) in logged), pupil.name


@pytest.fixture
def api(client):
    return Api(client)


def test_the_api_week_logs_its_pupils_as_api(world, api):
    make_plan(world)
    response = api.get(world.senco, f"/staff/{world.alice.pk}/timetable", week=WEEK)
    assert response.status_code == 200
    rows = AccessEvent.objects.filter(actor=world.senco, what="timetable")
    assert [(str(r.pupil_id), r.via) for r in rows] == [(str(world.ben.pk), "api")]
