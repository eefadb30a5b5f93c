import datetime as dt
import html

import pytest

from sendesk.audit.models import AuditEvent
from sendesk.pupils.models import Contact, Pupil, SenStatusPeriod
from sendesk.pupils.upn import make_upn, upn_error

from ..world import TODAY

GOOD_UPN = make_upn("123", "4567", 2026, 42)
BAD_UPN = ("B" if GOOD_UPN[0] != "B" else "C") + GOOD_UPN[1:]


def _form(world, **overrides):
    data = {
        "upn": GOOD_UPN,
        "legal_first_name": "Evie",
        "legal_last_name": "Evans",
        "preferred_name": "Eve",
        "date_of_birth": "2018-06-01",
        "year_group": world.y3.pk,
        "teaching_groups": [world.g3a.pk],
        "sen_status": "K",
        "need_1": "SLCN",
        "need_2": "SPLD",
        "need_3": "",
        "what_matters": "My dog Biscuit",
        "good_at": "Drawing",
        "how_to_support": "Short instructions, one at a time",
        "contact_name": "Erin Evans",
        "contact_relationship": "Mother",
        "contact_phone": "07700 900123",
        "contact_parental_responsibility": "on",
    }
    data.update(overrides)
    return data


def test_invalid_upn_is_refused_with_the_check_letter_message_and_keeps_what_was_typed(
    world, as_user
):
    response = as_user(world.senco).post("/pupils/new/", _form(world, upn=BAD_UPN))
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert upn_error(BAD_UPN) in page
    assert "The check letter does not match" in page
    assert f'value="{BAD_UPN}"' in page and 'value="Evans"' in page and "My dog Biscuit" in page
    assert '<option value="SLCN" selected>' in page
    assert (
        'aria-invalid="true"' in page and 'aria-describedby="id_upn_helptext id_upn_error"' in page
    )
    assert not Pupil.objects.filter(legal_last_name="Evans").exists()
    assert not Contact.objects.filter(name="Erin Evans").exists()


def test_valid_create_writes_pupil_needs_status_contact_and_audit(world, as_user):
    response = as_user(world.senco).post("/pupils/new/", _form(world))
    pupil = Pupil.objects.get(upn=GOOD_UPN)
    assert response.status_code == 302 and response["Location"] == f"/pupils/{pupil.pk}/"
    assert (pupil.name, pupil.school, pupil.sen_status) == ("Eve Evans", world.school, "K")
    assert list(pupil.needs.values_list("code", "rank")) == [("SLCN", 1), ("SPLD", 2)]
    assert list(pupil.teaching_groups.all()) == [world.g3a]
    assert SenStatusPeriod.objects.get(pupil=pupil).start == TODAY
    contact = Contact.objects.get(pupil=pupil)
    assert (contact.name, contact.relationship, contact.parental_responsibility) == (
        "Erin Evans", "Mother", True,
    )  # fmt: skip
    created = AuditEvent.objects.get(pupil=pupil, object_type="pupils.pupil", action="create")
    assert created.actor == world.senco and created.after["upn"] == GOOD_UPN


def test_missing_fields_all_reported_at_once(world, as_user):
    response = as_user(world.head).post(
        "/pupils/new/", _form(world, legal_first_name="", date_of_birth="", year_group="")
    )
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert "Legal first name: This is required." in page
    assert "Give the date of birth as a date." in page
    assert "Choose a year group of this school." in page


def test_bad_contact_rolls_back_the_pupil(world, as_user):
    response = as_user(world.senco).post("/pupils/new/", _form(world, contact_relationship=""))
    assert response.status_code == 422
    assert "Say who they are to the pupil." in html.unescape(response.content.decode())
    assert not Pupil.objects.filter(upn=GOOD_UPN).exists()


def test_duplicate_needs_refused(world, as_user):
    response = as_user(world.senco).post("/pupils/new/", _form(world, need_2="SLCN"))
    assert response.status_code == 422
    assert "Each need appears once in the ranking." in response.content.decode()


@pytest.mark.parametrize("person", ["alice", "tess", "hana", "dsl", "bob", "nobody"])
def test_only_senco_and_head_add_pupils(world, as_user, person):
    client = as_user(getattr(world, person))
    assert client.get("/pupils/new/").status_code == 404
    assert client.post("/pupils/new/", _form(world)).status_code == 404
    assert not Pupil.objects.filter(upn=GOOD_UPN).exists()


def test_edit_changes_details_needs_and_status_with_a_from_date(world, as_user):
    dan = world.dan
    response = as_user(world.senco).post(
        f"/pupils/{dan.pk}/edit/",
        _form(world, upn=dan.upn, legal_first_name="Daniel", legal_last_name="Dale",
              preferred_name="Dan", sen_status="E", sen_status_from="2026-11-02",
              need_1="SEMH", need_2="ASD", contact_name="", contact_relationship="",
              contact_phone=""),
    )  # fmt: skip
    assert response.status_code == 302
    dan.refresh_from_db()
    assert (dan.legal_first_name, dan.sen_status) == ("Daniel", "E")
    assert list(dan.needs.values_list("code", flat=True)) == ["SEMH", "ASD"]
    history = list(dan.sen_history.order_by("start").values_list("status", "start", "end"))
    assert history == [
        ("K", dt.date(2026, 9, 3), dt.date(2026, 11, 1)),
        ("E", dt.date(2026, 11, 2), None),
    ]
    assert not Contact.objects.filter(pupil=dan).exists()
    page = as_user(world.senco).get(f"/pupils/{dan.pk}/").content.decode()
    assert "1 Nov 2026" in page and "2 Nov 2026" in page


def test_failed_edit_changes_nothing(world, as_user):
    dan = world.dan
    response = as_user(world.senco).post(
        f"/pupils/{dan.pk}/edit/",
        _form(world, upn=dan.upn, legal_first_name="Daniel", legal_last_name="Dale",
              sen_status="E", sen_status_from="2026-09-01", need_1="MLD", contact_name=""),
    )  # fmt: skip
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert "The new status must start after 3 September 2026." in page
    assert 'value="Daniel"' in page
    dan.refresh_from_db()
    assert (dan.legal_first_name, dan.sen_status) == ("Dan", "K")
    assert list(dan.needs.values_list("code", flat=True)) == ["SEMH"]


def test_edit_form_shows_current_values(world, as_user):
    page = as_user(world.head).get(f"/pupils/{world.ben.pk}/edit/").content.decode()
    assert f'value="{world.ben.upn}"' in page
    assert '<option value="ASD" selected>' in page and '<option value="SLCN" selected>' in page


@pytest.mark.parametrize("person", ["alice", "tess", "hana", "olga", "nobody"])
def test_edit_refused_with_404(world, as_user, missing_body, person):
    user = getattr(world, person)
    nothing = missing_body(user, "/pupils/{}/edit/")
    client = as_user(user)
    response = client.post(f"/pupils/{world.ben.pk}/edit/", {"legal_first_name": "X"})
    assert response.status_code == 404 and response.content == nothing
    world.ben.refresh_from_db()
    assert world.ben.legal_first_name == "Ben"
