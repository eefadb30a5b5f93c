"""Why a person needs a training names the pupil only for a reader the access layer lets
see that pupil: a teacher who line-manages a TA but does not teach the TA's pupil learns
that a pupil they do not support needs it, not who."""

from sendesk.appraisal import services
from sendesk.staff.models import StaffMember

from .conftest import YEAR, member, text
from .test_needs import midazolam

NAMED = "Ben Brown's medicine: Buccal midazolam"
UNNAMED = "a pupil you do not support (medicine: Buccal midazolam)"


def managed_by(team, manager):
    StaffMember.objects.filter(user=team.alice).update(line_manager=manager)


def test_a_line_manager_who_does_not_teach_the_pupil_is_not_told_who(team, as_user):
    member(team, team.tom, "teacher", team.head)
    managed_by(team, team.tom)  # Tom teaches 4B; Ben (Alice's 1:1) is in 3A
    midazolam(team.ben)
    appraisal = services.appraisal_start(
        actor=team.tom, school_id=team.school.pk, appraisee_id=team.alice.pk, year=YEAR
    )
    tom = as_user(team.tom)
    for url in (f"/cpd/{team.alice.pk}/", f"/appraisal/{appraisal.pk}/"):
        r = tom.get(url)
        assert r.status_code == 200
        body = text(r)
        assert UNNAMED in body and "Buccal midazolam" in body
        assert "Ben Brown" not in body and "Ben" not in body.replace("Band", "")
    # Alice herself, and the head, see whom it is for.
    for person in (team.alice, team.head):
        assert NAMED in text(as_user(person).get(f"/appraisal/{appraisal.pk}/"))
    assert NAMED in text(as_user(team.alice).get("/cpd/"))
    # The SENCO's page names every pupil of the school for the SENCO.
    assert NAMED in text(as_user(team.senco).get("/staff/training/needs/"))


def test_a_line_manager_who_teaches_the_pupil_sees_the_name(team, as_user):
    managed_by(team, team.tess)  # Tess teaches 3A, Ben's class
    midazolam(team.ben)
    body = text(as_user(team.tess).get(f"/cpd/{team.alice.pk}/"))
    assert NAMED in body and UNNAMED not in body
