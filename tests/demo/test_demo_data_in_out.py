"""The demo's data in and out (issue 12): dpo@ signs in with the published key and finds
parent@'s request about her child in progress, with the DSL's decision and a deadline on a
school day, and one released earlier; the head's import at the start of term, applied, and
the one SEN difference it left for the SENCO, which agrees with the pupil's needs."""

from django.conf import settings
from django.test import Client
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.demo.generator import SchoolDays
from sendesk.family.models import ParentLink
from sendesk.imports.models import ImportBatch, SenDifference
from sendesk.pupils.models import PupilNeed
from sendesk.records.models import SubjectAccessRequest as Sar
from sendesk.schools.models import Role, StaffRole, Term
from tests.world import TODAY

from ..second_factor import verified_login
from .test_demo_second_factor import app_code

DOMAIN = "oakfield.example"


def login(key):
    return User.objects.get(email=f"{key}@{DOMAIN}")


def test_the_dpo_signs_in_with_the_password_and_the_published_key(demo):
    assert f"dpo@{DOMAIN}" in demo
    dpo = login("dpo")
    assert list(StaffRole.objects.filter(user=dpo).values_list("role", flat=True)) == [Role.DPO]
    client = Client()
    client.post("/login/", {"username": dpo.email, "password": settings.DEMO_PASSWORD})
    assert client.get("/subject-access/").url.startswith("/login/second-step/")
    r = client.post("/login/second-step/", {"code": app_code(settings.DEMO_TOTP_SECRET)})
    assert r.status_code == 302
    assert client.get("/subject-access/").status_code == 200


def test_a_request_in_progress_and_one_released_as_the_dpo_sees_them(demo, client):
    days = SchoolDays()
    link = ParentLink.objects.select_related("user", "pupil").get(user=login("parent"))
    child = link.pupil
    open_ = Sar.objects.get(pupil=child)
    # From the parent, about their child, in the names the demo gives them.
    assert open_.requester == f"{link.user.full_name} ({link.relationship.lower()})"
    assert open_.status != Sar.Status.RELEASED
    assert open_.safeguarding != Sar.Safeguarding.PENDING and open_.safeguarding_reason
    assert open_.safeguarding_by == login("dsl") and open_.opened_by == login("dpo")
    assert open_.received_on < timezone.localtime(open_.safeguarding_at).date() <= TODAY
    assert days.is_school_day(open_.received_on) and days.is_school_day(open_.deadline)
    assert days.is_school_day(timezone.localtime(open_.safeguarding_at).date())
    assert open_.deadline > TODAY

    released = Sar.objects.exclude(pk=open_.pk).get()
    assert released.status == Sar.Status.RELEASED and released.pdf_name
    assert released.pupil_id != child.pk
    on = timezone.localtime(released.released_at).date()
    assert released.received_on < on <= released.deadline < TODAY
    assert days.is_school_day(released.received_on) and days.is_school_day(on)

    verified_login(client, login("dpo"))
    page = client.get("/subject-access/").content.decode()
    assert f"{child.legal_first_name} {child.legal_last_name}" in page
    assert f"{open_.deadline:%-d %B %Y}" in page and "days left" in page
    assert released.requester in page and f"released {on:%-d %B %Y}" in page
    assert client.get(f"/subject-access/{released.pk}/download/pdf/").status_code == 200
    assert "Subject access:" in demo and f"{open_.deadline:%A %-d %B %Y}" in demo


def test_the_roll_was_imported_at_the_start_of_term_with_one_difference_for_the_senco(demo, client):
    (batch,) = ImportBatch.objects.all()
    school = batch.school
    assert batch.kind == "ctf" and batch.status == ImportBatch.Status.APPLIED
    assert batch.uploaded_by == login("head") and batch.applied_by == login("head")
    assert batch.counts["errors"] == 0 and batch.counts["created"] == 0
    term = Term.objects.get(school=school, start__lte=TODAY, end__gte=TODAY)
    day = timezone.localtime(batch.applied_at).date()
    assert day == SchoolDays().on_or_after(term.start)
    (diff,) = SenDifference.objects.filter(decision=SenDifference.Decision.OPEN)
    ours = list(
        PupilNeed.objects.filter(pupil=diff.pupil).order_by("rank").values_list("code", flat=True)
    )
    # The same two needs as SENDesk holds, ranked the other way: the SENCO decides.
    assert len(ours) == 2 and diff.file_needs == ours[::-1] and diff.ours_needs == ours
    assert diff.file_status == diff.pupil.sen_status == diff.ours_status

    verified_login(client, login("senco"))
    page = client.get("/imports/sen/").content.decode()
    assert diff.pupil.legal_last_name in page
    verified_login(client, login("head"))
    assert batch.filename in client.get("/imports/").content.decode()
    assert f"the MIS ranks {diff.pupil.name}'s two needs" in demo
