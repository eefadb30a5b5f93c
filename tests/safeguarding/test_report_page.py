import html as htmllib
import json
import re
import uuid

import pytest

from sendesk.audit.models import AccessEvent, AuditEvent
from sendesk.pupils.models import TimelineEntry
from sendesk.safeguarding.models import Concern, SafeguardingAccess

URL = "/safeguarding/report/"
STAFF = ["alice", "bob", "tess", "tom", "hana", "senco", "head", "dsl", "olga"]


def form_data(world, **changes):
    data = {
        "client_id": str(uuid.uuid4()),
        "q": "dale",
        "pupil": str(world.dan.pk),
        "occurred_at": "2026-11-18T09:15",
        "location": "Year 3 cloakroom",
        "concern": "Dan had a bruise on his left forearm and flinched when I reached for his coat.",
        "words_used": "Dan said: 'my uncle did it'",
        "body_map": json.dumps([{"side": "front", "x": 80, "y": 40, "note": "Purple bruise"}]),
        "action_taken": "Told Dan I must pass it on.",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("person", STAFF)
def test_every_staff_member_gets_the_form(world, as_user, person):
    response = as_user(getattr(world, person)).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Report a safeguarding concern" in html
    assert 'id="id_body_map"' in html and "bodymap.js" in html
    assert 'value="2026-11-18T10:00"' in html  # when: now, to correct


def test_someone_with_no_role_gets_404(world, as_user):
    client = as_user(world.nobody)
    for url in (URL, URL + "pupils/?q=ben", URL + "done/"):
        assert client.get(url).status_code == 404
    assert client.post(URL, form_data(world)).status_code == 404
    assert not Concern.objects.exists()


def test_search_finds_pupils_of_my_schools_by_name_only(world, as_user):
    response = as_user(world.alice).get(URL, {"q": "da"})
    html = response.content.decode()
    # Dan is outside Alice's scope but in her school: found, with name and year only.
    assert "Dale, Dan" in html and "Year 3" in html
    assert world.dan.upn not in html and "SEMH" not in html and "2018" not in html
    assert "Oak" not in as_user(world.alice).get(URL, {"q": "oak"}).content.decode()
    olga = as_user(world.olga).get(URL, {"q": "o"}).content.decode()
    assert "Oak, Olly" in olga and "Brown" not in olga
    # Finding a name writes no shared access row (the SENCO would see it).
    assert not AccessEvent.objects.exists()
    assert SafeguardingAccess.objects.filter(actor=world.olga, pupil=world.olly).exists()


def test_search_partial_for_htmx(world, as_user):
    response = as_user(world.tess).get(
        URL + "pupils/", {"q": "clark", "pupil": str(world.dan.pk)}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<form" not in html
    assert 'id="pupil-results"' in html
    assert "Clark, Cara" in html and "Dale, Dan" in html  # the chosen one stays
    assert html.index("Dale, Dan") < html.index("Clark, Cara")
    assert f'value="{world.dan.pk}" checked' in html


def test_find_without_script_keeps_what_was_typed(world, as_user):
    data = form_data(world, q="brown", pupil="", find="1")
    response = as_user(world.alice).post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Brown, Ben" in html and "flinched when I reached" in html
    assert not Concern.objects.exists()


def test_report_then_only_received(world, as_user):
    client = as_user(world.alice)
    response = client.post(URL, form_data(world, send="1"))
    assert response.status_code == 302 and response["Location"] == URL + "done/"
    concern = Concern.objects.get()
    assert concern.pupil == world.dan and concern.reported_by == world.alice
    assert concern.body_map == [{"side": "front", "x": 80.0, "y": 40.0, "note": "Purple bruise"}]
    assert concern.words_used == "Dan said: 'my uncle did it'"
    assert concern.occurred_at.isoformat() == "2026-11-18T09:15:00+00:00"
    done = client.get(response["Location"]).content.decode()
    assert "Received — it is in the DSL team’s inbox now" in done
    assert "Wednesday 18 November 2026, 10:00" in done
    assert "flinched" not in done and "Dan" not in done
    # No trace anywhere the school's other staff read.
    assert not TimelineEntry.objects.filter(pupil=world.dan).exists()
    assert not AuditEvent.objects.exists() and not AccessEvent.objects.exists()
    # And the reporter cannot open it.
    assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 404


def test_posting_twice_stores_once(world, as_user):
    data = form_data(world)
    client = as_user(world.alice)
    assert client.post(URL, data).status_code == 302
    assert client.post(URL, data).status_code == 302
    assert Concern.objects.count() == 1


def test_bad_input_422_keeps_what_was_typed(world, as_user):
    data = form_data(world, concern="  ", occurred_at="2027-01-01T09:00")
    response = as_user(world.alice).post(URL, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Not saved: please check" in html
    assert "Say what you saw, heard or were told." in html
    assert "can&#x27;t be in the future" in html
    assert 'href="#id_concern"' in html and 'aria-invalid="true"' in html
    assert "Year 3 cloakroom" in html and "my uncle did it" in html and "Purple bruise" in html
    assert f'value="{world.dan.pk}" checked' in html
    assert not Concern.objects.exists()


@pytest.mark.parametrize("pupil", ["olly", "missing", "garbage"])
def test_a_pupil_outside_my_schools_is_a_field_error(world, as_user, pupil):
    value = {"olly": str(world.olly.pk), "missing": str(uuid.uuid4()), "garbage": "x"}[pupil]
    response = as_user(world.alice).post(URL, form_data(world, pupil=value))
    html = response.content.decode()
    assert response.status_code == 422
    assert "Choose the pupil from the list." in html and "flinched" in html
    assert "Oak" not in html
    assert not Concern.objects.exists()


def test_no_pupil_chosen(world, as_user):
    response = as_user(world.alice).post(URL, form_data(world, pupil=""))
    assert response.status_code == 422
    assert "Choose the pupil the concern is about." in response.content.decode()


def test_body_map_marks_by_keyboard_without_script(world, as_user):
    client = as_user(world.alice)
    data = form_data(world, body_map="[]", mark_side="back", mark_position="l_shoulder",
                     mark_note="Red mark", add_mark="1")  # fmt: skip
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Back, left shoulder" in html and "Red mark" in html
    assert "Remove mark 1" in html and "flinched" in html
    marks = json.loads(_hidden(html, "body_map"))
    assert marks == [{"side": "back", "x": 30.0, "y": 20.5, "note": "Red mark"}]
    assert not Concern.objects.exists()

    data.update(body_map=json.dumps(marks), mark_position="r_knee", mark_note="", add_mark="1")
    html = client.post(URL, data).content.decode()
    marks = json.loads(_hidden(html, "body_map"))
    assert [m["note"] for m in marks] == ["Red mark", ""] and "Back, right knee" in html

    data.pop("add_mark")
    html = client.post(URL, {**data, "body_map": json.dumps(marks), "remove_mark": "0"}).content
    assert json.loads(_hidden(html.decode(), "body_map")) == [marks[1]]

    data.pop("mark_side")
    response = client.post(URL, {**data, "mark_side": "", "add_mark": "1"})
    assert response.status_code == 422
    assert "Choose the side and the position" in response.content.decode()


def test_a_mark_on_the_front_is_described_from_the_pupils_side(world, as_user):
    data = form_data(world, body_map="[]", mark_side="front", mark_position="r_hand",
                     add_mark="1")  # fmt: skip
    html = as_user(world.alice).post(URL, data).content.decode()
    # The pupil's right hand is on the viewer's left of the front outline.
    assert json.loads(_hidden(html, "body_map"))[0]["x"] == 16.0
    assert "Front, right hand" in html


def test_an_unreadable_body_map_is_refused(world, as_user):
    response = as_user(world.alice).post(URL, form_data(world, body_map="{nope"))
    assert response.status_code == 422
    assert "The body map could not be read" in response.content.decode()


def test_a_bad_mark_from_a_tampered_page_is_refused(world, as_user):
    bad = json.dumps([{"side": "front", "x": 500, "y": 4}])
    response = as_user(world.alice).post(URL, form_data(world, body_map=bad))
    assert response.status_code == 422
    assert "Mark 1: the position x must be a number from 0 to 100." in response.content.decode()


def _hidden(html, name):
    match = re.search(rf'name="{name}" id="id_{name}" value="([^"]*)"', html)
    return htmllib.unescape(match.group(1))
