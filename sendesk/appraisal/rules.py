"""Who may see what of a person's appraisal, training and CPD. HR data, not pupil data, so
it is decided here (beside sendesk.access, which stays the only reader of pupil scope), and,
as there, out of scope and nonexistent give the same Http404.

- An appraisal: the appraisee, their line manager at that school
  (staff.StaffMember.line_manager) and the school's head/admin. Nobody else: not the SENCO
  (unless they are the line manager), not the DSL, not other staff.
- A person's training record, certificates and CPD log: the person, their line manager, and
  the SENCO and head/admin of a school where they work (the SENCO keeps the register)."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from sendesk.lib import inputs
from sendesk.schools import capabilities
from sendesk.schools.models import StaffRole
from sendesk.staff import access as staff_access
from sendesk.staff.models import Training

from .models import Appraisal

APPRAISE_ALL = "appraise_all"  # the head/admin: every appraisal of their school


def _pk(value) -> int:
    pk = inputs.parse_id(value)
    if pk is None:
        raise Http404
    return pk


def is_line_manager(viewer, school_id: int, person_id: int) -> bool:
    """Their line manager now (staff.access.manages). One query."""
    return staff_access.manages(viewer, school_id, person_id)


def may_manage(viewer, appraisal) -> bool:
    """The line manager's side of an appraisal: their line manager, or the head/admin. The
    appraisee never, even when they are a head."""
    if viewer.pk == appraisal.appraisee_id:
        return False
    return capabilities.can(viewer, appraisal.school_id, APPRAISE_ALL) or is_line_manager(
        viewer, appraisal.school_id, appraisal.appraisee_id
    )


def visible_appraisals(viewer):
    """The appraisals `viewer` may see, as a QuerySet (one query when evaluated)."""
    if not viewer.is_authenticated:
        return Appraisal.objects.none()
    managed = staff_access.managed_members(viewer).filter(
        school_id=OuterRef("school_id"), user_id=OuterRef("appraisee_id")
    )
    heads = capabilities.schools_where(viewer, APPRAISE_ALL)
    return Appraisal.objects.filter(
        Q(appraisee=viewer) | Q(school_id__in=sorted(heads)) | Q(Exists(managed))
    )


def get_appraisal(viewer, pk) -> Appraisal:
    try:
        return (
            visible_appraisals(viewer)
            .select_related("appraisee", "school", "started_by")
            .get(pk=_pk(pk))
        )
    except Appraisal.DoesNotExist:
        raise Http404 from None


def may_see_training(viewer, person_id: int) -> bool:
    """Whether `viewer` may see `person_id`'s training, certificates and CPD log. At most
    two queries (the viewer's roles are cached for the request)."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == person_id:
        return bool(capabilities.schools_where(viewer, "school_staff"))
    oversees = capabilities.schools_where(viewer, "oversee")
    if (
        oversees
        and StaffRole.objects.filter(user_id=person_id, school_id__in=sorted(oversees))
        .exclude(role="therapist")
        .exists()
    ):
        return True
    return staff_access.managed_members(viewer).filter(user_id=person_id).exists()


def may_keep_training(viewer, person_id: int) -> bool:
    """Who may add to a person's training and CPD: the person, and the SENCO or head of a
    school where they work (the register's keepers). Not the line manager, who reads."""
    if viewer.pk == person_id:
        return bool(capabilities.schools_where(viewer, "school_staff"))
    oversees = capabilities.schools_where(viewer, "oversee")
    return bool(oversees) and (
        StaffRole.objects.filter(user_id=person_id, school_id__in=sorted(oversees))
        .exclude(role="therapist")
        .exists()
    )


def get_person_training(viewer, person_id):
    """The id of a person whose training `viewer` may see; Http404 otherwise."""
    person_id = _pk(person_id)
    if not may_see_training(viewer, person_id):
        raise Http404
    return person_id


def get_training(viewer, pk) -> Training:
    """A training record `viewer` may see; Http404 otherwise, whether it exists or not."""
    training = Training.objects.select_related("user").filter(pk=_pk(pk)).first()
    if training is None or not may_see_training(viewer, training.user_id):
        raise Http404
    return training


def school_of(viewer, person_id: int, asked=None) -> int:
    """The school the viewer acts at for `person_id`: one where both work (the viewer's
    first, or the one asked). Http404 when there is none."""
    theirs = set(
        StaffRole.objects.filter(user_id=person_id)
        .exclude(role="therapist")
        .values_list("school_id", flat=True)
    )
    mine = capabilities.schools_where(viewer, "school_staff")
    managed = set(
        staff_access.managed_members(viewer)
        .filter(user_id=person_id)
        .values_list("school_id", flat=True)
    )
    return capabilities.pick_school((theirs & mine) | (theirs & managed), asked)
