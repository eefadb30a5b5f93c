"""The head and the SENCO keep the school's agencies and their professionals: adding,
changing and stopping an agency; inviting a professional (always in the external role),
linking an account that exists, ending a membership (access ends on the next request),
sending the invite again. Everyone else gets the 404 of a page that does not exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendesk.accounts.models import User
from sendesk.agencies.models import Agency, AgencyMember
from sendesk.audit.models import AuditEvent, SecurityEvent
from sendesk.schools.models import Role, StaffRole
from tests.accounts.conftest import link_in, mail_to, run_the_worker

from .conftest import professional

LIST = "/agencies/"
NEW = "/agencies/new/"
PAGE = "/agencies/{}/"
PUPIL = "/therapy/pupils/{}/"


def _agency(**changes):
    data = {"name": "Riverside SLT", "kind": "slt", "email": "slt@riverside.example",
            "phone": "01632 960000", "response_days": "28"}  # fmt: skip
    data.update(changes)
    return data


def _trail(obj):
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", "actor_id")
    )


@pytest.mark.parametrize("who", ["head", "senco"])
def test_the_head_and_the_senco_list_and_add_an_agency(world, ag, as_user, now, who):
    person = getattr(world, who)
    client = as_user(person)
    page = client.get(LIST).content.decode()
    assert "County EP Service" in page and "North CAMHS" in page
    r = client.post(NEW, _agency())
    agency = Agency.objects.get(school=world.school, name="Riverside SLT")
    assert r.status_code == 302 and r.url == f"/agencies/{agency.pk}/?school={world.school.pk}"
    assert (agency.kind, agency.response_days, agency.email, agency.active) == (
        "slt", 28, "slt@riverside.example", True
    )  # fmt: skip
    assert _trail(agency) == [("create", person.pk)]
    assert "Riverside SLT" in client.get(LIST).content.decode()


def test_the_list_counts_professionals_and_open_referrals(world, ag, as_user, now):
    page = as_user(world.head).get(LIST).content.decode()
    ep_row = page[page.index("County EP Service") :].split("</tr>")[0]
    # Eve works for the EP service; Cara and Dan are referred to it.
    assert '<td data-label="Professionals" class="num">1</td>' in ep_row
    assert '<td data-label="Open referrals" class="num">2</td>' in ep_row
    camhs_row = page[page.index("North CAMHS") :].split("</tr>")[0]
    assert '<td data-label="Open referrals" class="num">0</td>' in camhs_row


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"name": "   "}, "name", "Enter the agency&#x27;s name."),
        ({"name": "county ep service"}, "name", "already has an agency called"),
        ({"response_days": "0"}, "response_days", "from 1 to 365"),
        ({"response_days": "4200"}, "response_days", "from 1 to 365"),
        ({"response_days": "six"}, "response_days", "whole number"),
        ({"kind": "wizard"}, "kind", "Choose what kind of service it is."),
        ({"email": "not an address"}, "email", "e-mail address, like"),
    ],
)
def test_bad_input_is_said_plainly_and_keeps_what_was_typed(
    world, ag, as_user, now, changes, field, words
):
    before = Agency.objects.count()
    r = as_user(world.head).post(NEW, _agency(**changes))
    body = r.content.decode()
    assert r.status_code == 422
    assert words in body and 'class="error-summary"' in body
    assert f'href="#id_{field}"' in body
    assert 'value="01632 960000"' in body  # what was typed stays
    assert Agency.objects.count() == before


def test_editing_an_agency_is_audited_and_a_duplicate_name_refused(world, ag, as_user, now):
    head = as_user(world.head)
    url = PAGE.format(ag.ep.pk)
    data = {"form": "edit", **_agency(name="County EP Service", kind="ep", response_days="30")}
    assert head.post(url, data).status_code == 302
    ag.ep.refresh_from_db()
    assert (ag.ep.response_days, ag.ep.email) == (30, "slt@riverside.example")
    assert _trail(ag.ep) == [("update", world.head.pk)]
    # The referrals already sent keep their timescale.
    ag.cara_ref.refresh_from_db()
    assert ag.cara_ref.response_days == 42
    r = head.post(url, {**data, "name": "North CAMHS"})
    assert r.status_code == 422 and "already has an agency called North CAMHS" in r.content.decode()
    ag.ep.refresh_from_db()
    assert ag.ep.name == "County EP Service"


def test_a_deactivated_agency_stays_on_old_referrals_and_takes_no_new_one(world, ag, as_user, now):
    senco = as_user(world.senco)
    r = senco.post(PAGE.format(ag.ep.pk), {"form": "deactivate"})
    assert r.status_code == 302
    ag.ep.refresh_from_db()
    assert not ag.ep.active
    assert _trail(ag.ep) == [("update", world.senco.pk)]
    ag.cara_ref.refresh_from_db()
    assert ag.cara_ref.agency_id == ag.ep.pk
    assert "No longer active" in senco.get(LIST).content.decode()
    # The referral form no longer offers it, and a stale form sending it is told why.
    form_url = reverse("agency_referral_new", args=[world.ben.pk])
    page = senco.get(form_url).content.decode()
    assert "County EP Service" not in page and "North CAMHS" in page
    r = senco.post(form_url, {"agency": ag.ep.pk, "reason": "x", "sent_on": "2025-01-01"})
    assert r.status_code == 422
    assert "no longer active takes no new referrals" in r.content.decode()


def test_a_professional_is_invited_in_the_external_role_only(world, ag, as_user, now):
    head = as_user(world.head)
    r = head.post(
        PAGE.format(ag.camhs.pk),
        {"form": "professional", "pro-full_name": "Pia Worker",
         "pro-email": "Pia.Worker@Camhs.Example", "pro-job_title": "Mental health nurse"},
    )  # fmt: skip
    assert r.status_code == 302
    pia = User.objects.get(email="pia.worker@camhs.example")
    assert list(StaffRole.objects.filter(user=pia).values_list("school", "role")) == [
        (world.school.pk, Role.THERAPIST)
    ]
    member = AgencyMember.objects.get(user=pia)
    assert (member.agency, member.job_title, member.active) == (
        ag.camhs, "Mental health nurse", True
    )  # fmt: skip
    assert _trail(member) == [("create", world.head.pk)]
    assert SecurityEvent.objects.filter(user=pia, kind="invited", actor=world.head).exists()
    run_the_worker()
    (message,) = mail_to("pia.worker@camhs.example")
    assert link_in(message).startswith("/invite/")
    page = head.get(PAGE.format(ag.camhs.pk)).content.decode()
    assert "Pia Worker" in page and "Invited: no password yet" in page


def test_the_senco_can_add_a_professional_and_resend_their_invite(world, ag, as_user, now):
    senco = as_user(world.senco)
    url = PAGE.format(ag.ep.pk)
    senco.post(url, {"form": "professional", "pro-full_name": "Ed Psych",
                     "pro-email": "ed@ep.example"})  # fmt: skip
    member = AgencyMember.objects.get(user__email="ed@ep.example")
    run_the_worker()
    first = link_in(mail_to("ed@ep.example")[0])
    r = senco.post(url, {"form": "resend", "member": member.pk})
    assert r.status_code == 302
    run_the_worker()
    assert len(mail_to("ed@ep.example")) == 2
    assert link_in(mail_to("ed@ep.example")[1]) != first
    assert SecurityEvent.objects.filter(user=member.user, kind="invited").count() == 2


def test_an_existing_account_is_linked_not_duplicated(world, ag, as_user, now):
    head = as_user(world.head)
    r = head.post(PAGE.format(ag.camhs.pk), {"form": "professional", "pro-full_name": "Eve P",
                                             "pro-email": "EP@test.example"})  # fmt: skip
    assert r.status_code == 302
    assert User.objects.filter(email="ep@test.example").count() == 1
    assert set(AgencyMember.objects.filter(user=ag.eve).values_list("agency", flat=True)) == {
        ag.ep.pk, ag.camhs.pk
    }  # fmt: skip
    assert StaffRole.objects.filter(user=ag.eve).count() == 1
    assert not SecurityEvent.objects.filter(user=ag.eve, kind="invited").exists()


@pytest.mark.parametrize("email, words", [
    ("ta1@test.example", "has a staff account here"),
    ("ep@test.example", "already works for County EP Service"),
    ("nobody", "Enter their e-mail address"),
])  # fmt: skip
def test_a_staff_account_or_a_second_membership_is_refused(world, ag, as_user, now, email, words):
    email = world.alice.email if email.startswith("ta1") else email
    before = (User.objects.count(), AgencyMember.objects.count(), StaffRole.objects.count())
    r = as_user(world.head).post(
        PAGE.format(ag.ep.pk),
        {"form": "professional", "pro-full_name": "Someone", "pro-email": email},
    )
    assert r.status_code == 422 and words in r.content.decode().replace("&#x27;", "'")
    assert 'value="Someone"' in r.content.decode()
    assert (User.objects.count(), AgencyMember.objects.count(), StaffRole.objects.count()) == before


def test_ending_a_membership_ends_access_on_the_next_request(world, ag, as_user, now, missing):
    eve = as_user(ag.eve)
    assert eve.get(PUPIL.format(world.cara.pk)).status_code == 200
    member = AgencyMember.objects.get(user=ag.eve, agency=ag.ep)
    r = as_user(world.head).post(PAGE.format(ag.ep.pk), {"form": "end", "member": member.pk})
    assert r.status_code == 302
    member.refresh_from_db()
    assert not member.active
    assert _trail(member) == [("update", world.head.pk)]
    status, body = missing(ag.eve, PUPIL)
    r = as_user(ag.eve).get(PUPIL.format(world.cara.pk))
    assert (r.status_code, r.content) == (404, body)


def test_a_member_of_another_agency_or_school_is_404(world, ag, as_user, now):
    carl = AgencyMember.objects.get(user=ag.carl)
    head = as_user(world.head)
    r = head.post(PAGE.format(ag.ep.pk), {"form": "end", "member": carl.pk})
    assert r.status_code == 404
    carl.refresh_from_db()
    assert carl.active
    elsewhere = Agency.objects.create(school=world.other, name="Far EP", kind="ep")
    assert head.get(PAGE.format(elsewhere.pk)).status_code == 404
    assert head.post(PAGE.format(elsewhere.pk), {"form": "deactivate"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.active


@pytest.mark.parametrize("who", ["alice", "pat", "theo", "dsl", "eve"])
def test_everyone_else_gets_404(world, ag, as_user, now, who):
    person = ag.eve if who == "eve" else getattr(world, who)
    client = as_user(person)
    before = Agency.objects.count()
    for url in (LIST, NEW, PAGE.format(ag.ep.pk)):
        assert client.get(url).status_code == 404, url
    assert client.post(NEW, _agency()).status_code == 404
    assert client.post(PAGE.format(ag.ep.pk), {"form": "deactivate"}).status_code == 404
    assert Agency.objects.count() == before
    ag.ep.refresh_from_db()
    assert ag.ep.active
    home = client.get("/", follow=True)
    assert home.status_code == 200 and 'href="/agencies/"' not in home.content.decode()


@pytest.mark.parametrize("who", ["head", "senco"])
def test_the_nav_shows_agencies_to_the_head_and_senco(world, as_user, now, who):
    page = as_user(getattr(world, who)).get("/", follow=True)
    assert page.status_code == 200 and 'href="/agencies/"' in page.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_queries_as_agencies_grow(world, ag, as_user, now):
    head = as_user(world.head)
    head.get(LIST)
    few = _queries(head, LIST)
    for n in range(6):
        agency = Agency.objects.create(school=world.school, name=f"Service {n}", kind="ot")
        professional(world, f"ot{n}@test.example", f"OT {n}", agency)
    assert _queries(head, LIST) == few
    few_detail = _queries(head, PAGE.format(ag.ep.pk))
    for n in range(4):
        professional(world, f"ep{n}@test.example", f"EP {n}", ag.ep)
    assert _queries(head, PAGE.format(ag.ep.pk)) == few_detail
