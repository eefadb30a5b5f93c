"""Subject access requests: open one (the head or the data-protection officer), the DSL's
decision on the safeguarding record, the redactions, and the release. Each validates,
writes and audits in one transaction; gathering the download is background work
(tasks.gather_request), queued in the same transaction so a request is never left without.

Who: the capability "subject_access" (head, DPO) at the subject's school opens, redacts,
releases and downloads; "subject_access_safeguarding" (DSL) decides about safeguarding.
Anyone else, and a subject at a school where they hold neither, gets the same 404 as a
subject that does not exist."""

import calendar
import datetime as dt
import uuid

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, snapshot
from sendesk.lib.errors import ServiceError
from sendesk.pupils.models import Pupil
from sendesk.schools.models import StaffRole
from sendesk.staff.models import StaffMember

from .models import SubjectAccessRequest as Sar

OPEN = "subject_access"
DECIDE = "subject_access_safeguarding"
MAX_REDACTIONS = 200


def one_month_after(day: dt.date) -> dt.date:
    """The ICO's calendar month: the same day next month, or that month's last day when it
    has no such day (received 31 January: due 28 or 29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _as_uuid(value):
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404 from None


def subject_pupil(user, pupil_id) -> Pupil:
    """A pupil of a school where `user` answers subject access requests; 404 otherwise.
    Asked of the access layer: the head sees the pupil there anyway; the DPO sees no pupil
    in the ordinary pages, only as the subject of a request."""
    schools = access.schools_where(user, OPEN)
    pupil = Pupil.objects.filter(pk=_as_uuid(pupil_id), school_id__in=schools).first()
    if pupil is None:
        raise Http404
    return pupil


def subject_staff(user, staff_id) -> tuple[object, int]:
    """A member of staff (their user id) of a school where `user` answers subject access
    requests, with that school; 404 otherwise. A leaver whose role has gone is found by
    their staff record."""
    from sendesk.accounts.models import User

    try:
        pk = int(staff_id)
    except (TypeError, ValueError):
        raise Http404 from None
    schools = sorted(access.schools_where(user, OPEN))
    person = User.objects.filter(pk=pk).first()
    if person is None or not schools:
        raise Http404
    held = set(StaffRole.objects.filter(user=person, school_id__in=schools).values_list(
        "school_id", flat=True))  # fmt: skip
    held |= set(StaffMember.objects.filter(user=person, school_id__in=schools).values_list(
        "school_id", flat=True))  # fmt: skip
    if not held:
        raise Http404
    return person, min(held)


def subject_staff_of(school_id: int):
    """Everyone a request may be about at the school: whoever holds a role there or was
    employed there, leavers included (they ask most often). No query until evaluated."""
    from sendesk.accounts.models import User

    return (
        User.objects.filter(
            Q(staff_roles__school_id=school_id) | Q(employments__school_id=school_id)
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def visible_requests(user):
    """The requests `user` may see: all of a school's for its head and DPO; for its DSL,
    the same list, to decide about safeguarding (the download stays the head's and DPO's)."""
    schools = access.schools_where(user, OPEN) | access.schools_where(user, DECIDE)
    return Sar.objects.filter(school_id__in=schools).select_related("pupil", "staff", "school")


def get_request(user, sar_id, capability: str = OPEN) -> Sar:
    sar = visible_requests(user).filter(pk=_as_uuid(sar_id)).first()
    if sar is None or not access.can(user, sar.school_id, capability):
        raise Http404
    return sar


def _audit(actor, sar, action, before=None):
    # In the school's trail, not the pupil's: the pupil's change history is read by the
    # SENCO, and the DSL's reason about the safeguarding record must not reach them.
    record_change(
        actor=actor, action=action, obj=sar, school_id=sar.school_id, before=before,
        after=snapshot(sar),
    )  # fmt: skip


def _queue(sar: Sar) -> None:
    from . import tasks  # tasks import these services' model helpers

    sar.status = Sar.Status.QUEUED
    sar.save(update_fields=["status"])
    tasks.gather_request.enqueue(str(sar.pk))


def _check_open(*, pupil_id, staff_id, requester, received_on, today) -> dict:
    errors = {}
    if (pupil_id in (None, "")) == (staff_id in (None, "")):
        errors["subject"] = "Choose a pupil or a member of staff: one of the two."
    if not (requester or "").strip():
        errors["requester"] = "Say who asked, as they signed the request."
    elif len(requester.strip()) > 200:
        errors["requester"] = "Shorten this to 200 characters or fewer."
    if received_on is None:
        errors["received_on"] = "Give the day the request was received."
    elif received_on > today:
        errors["received_on"] = "The day it was received cannot be in the future."
    elif received_on < today - dt.timedelta(days=366):
        errors["received_on"] = "That is over a year ago: check the year."
    return errors


def sar_open(*, actor, pupil_id=None, staff_id=None, requester: str, received_on=None) -> Sar:
    """Opens a request about a pupil or a member of staff and queues the gathering. The
    deadline is one calendar month from the day it was received (today unless given)."""
    today = timezone.localdate()
    received_on = today if received_on is None else received_on
    errors = _check_open(
        pupil_id=pupil_id, staff_id=staff_id, requester=requester, received_on=received_on,
        today=today,
    )  # fmt: skip
    if errors:
        raise ServiceError(errors)
    if pupil_id not in (None, ""):
        pupil, staff = subject_pupil(actor, pupil_id), None
        school_id = pupil.school_id
    else:
        pupil, (staff, school_id) = None, subject_staff(actor, staff_id)
    with transaction.atomic():
        sar = Sar.objects.create(
            school_id=school_id, pupil=pupil, staff=staff, requester=requester.strip(),
            received_on=received_on, deadline=one_month_after(received_on), opened_by=actor,
            opened_at=timezone.now(),
        )  # fmt: skip
        _audit(actor, sar, AuditEvent.Action.CREATE)
        _queue(sar)
    return sar


def _not_released(sar: Sar) -> None:
    if sar.status == Sar.Status.RELEASED:
        raise ServiceError("This request has been released: nothing more can change.", 409)


def sar_decide_safeguarding(*, actor, sar: Sar, include, reason: str) -> Sar:
    """The DSL's decision whether the safeguarding record goes with the download, with a
    reason; audited, and the download gathered again."""
    if not access.can(actor, sar.school_id, DECIDE):
        raise Http404
    _not_released(sar)
    errors = {}
    if include not in (True, False):
        errors["include"] = "Choose whether the safeguarding record goes with it."
    if not (reason or "").strip():
        errors["reason"] = "Give the reason for the decision: it is kept with the request."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        sar = Sar.objects.select_for_update().get(pk=sar.pk)
        before = snapshot(sar)
        sar.safeguarding = Sar.Safeguarding.INCLUDE if include else Sar.Safeguarding.EXCLUDE
        sar.safeguarding_reason = reason.strip()
        sar.safeguarding_by, sar.safeguarding_at = actor, timezone.now()
        sar.save()
        _audit(actor, sar, AuditEvent.Action.UPDATE, before)
        _queue(sar)
    return sar


def sar_redact(*, actor, sar: Sar, terms) -> Sar:
    """Sets the words and names to remove from the download (other people's data), and
    gathers it again with them removed."""
    if not access.can(actor, sar.school_id, OPEN):
        raise Http404
    _not_released(sar)
    cleaned = []
    for term in terms:
        term = " ".join(str(term).split())
        if term and term.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(term)
    if any(len(t) < 2 for t in cleaned):
        raise ServiceError({"terms": "Each item to remove needs at least two letters."})
    if len(cleaned) > MAX_REDACTIONS or any(len(t) > 200 for t in cleaned):
        raise ServiceError({"terms": f"At most {MAX_REDACTIONS} items, each of 200 characters."})
    with transaction.atomic():
        sar = Sar.objects.select_for_update().get(pk=sar.pk)
        before = snapshot(sar)
        sar.redactions = cleaned
        sar.save(update_fields=["redactions"])
        _audit(actor, sar, AuditEvent.Action.UPDATE, before)
        _queue(sar)
    return sar


def sar_release(*, actor, sar: Sar) -> Sar:
    """Marks the download as sent to the requester: after the DSL's decision, once it is
    ready. From then on it does not change."""
    if not access.can(actor, sar.school_id, OPEN):
        raise Http404
    _not_released(sar)
    if sar.safeguarding == Sar.Safeguarding.PENDING:
        raise ServiceError("The DSL has not yet decided about the safeguarding record.", 409)
    if sar.status != Sar.Status.READY:
        raise ServiceError("The download is not ready yet.", 409)
    with transaction.atomic():
        sar = Sar.objects.select_for_update().get(pk=sar.pk)
        before = snapshot(sar)
        sar.status = Sar.Status.RELEASED
        sar.released_by, sar.released_at = actor, timezone.now()
        sar.save()
        _audit(actor, sar, AuditEvent.Action.UPDATE, before)
    return sar


def pending_decisions(user):
    """Requests at the DSL's schools still waiting for their decision (for their list)."""
    return (
        visible_requests(user)
        .filter(
            Q(school_id__in=access.schools_where(user, DECIDE)),
            safeguarding=Sar.Safeguarding.PENDING,
        )
        .exclude(status=Sar.Status.RELEASED)
    )
