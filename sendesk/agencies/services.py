"""Keeping a school's agencies and their professionals (head, SENCO). Each write checks
the actor may, validates, writes and records in the audit trail in one transaction.

A professional is invited through the staff accounts' own invite (signin.accounts), always
with the external-professional role (Role.THERAPIST), never a staff role: what they see is
then decided by the referrals to their agency and the parents' consent (therapy.selectors).
"""

from django.db import IntegrityError, transaction
from django.http import Http404

from sendesk.accounts.models import User
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, snapshot
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.inputs import NUL_MESSAGE
from sendesk.schools import capabilities
from sendesk.schools.models import Role
from sendesk.signin import accounts

from .models import Agency, AgencyMember
from .selectors import MANAGE

# No agency promises an answer in more than a year; a bigger number is a typing slip
# (4200 for 42), and would hide a referral's lateness for years.
MAX_RESPONSE_DAYS = 365
KINDS = dict(Agency.Kind.choices)
_TAKEN = "The school already has an agency called {name}."


def _require(actor, school_id: int) -> None:
    if not capabilities.can(actor, school_id, MANAGE):
        raise Http404


def _words(value) -> str:
    return " ".join(str(value or "").split())


def _unstorable(data: dict, names, errors: dict) -> None:
    """A NUL in what was sent: PostgreSQL can neither store nor search for it, so it is
    refused in words before any query (inputs.text's rule)."""
    for name in names:
        if "\x00" in str(data.get(name) or ""):
            errors[name] = NUL_MESSAGE.format(label="This")


def _check_name(name: str, school_id: int, agency: Agency | None, errors: dict) -> None:
    """A name is needed, and one the school's other agencies do not have (in any case:
    "county ep service" is the same service to the person choosing from a list)."""
    if not name:
        errors["name"] = "Enter the agency's name."
    elif len(name) > 150:
        errors["name"] = "Keep the name to 150 characters or fewer."
    else:
        same = Agency.objects.filter(school_id=school_id, name__iexact=name)
        if agency is not None:
            same = same.exclude(pk=agency.pk)
        if same.exists():
            errors["name"] = _TAKEN.format(name=name)


def _clean_agency(school_id: int, data: dict, agency: Agency | None) -> dict:
    """The agency's fields from `data`, checked; ServiceError naming each field wrong."""
    errors: dict[str, str] = {}
    _unstorable(data, ("name", "email", "phone"), errors)
    name = _words(data.get("name"))
    if "name" not in errors:
        _check_name(name, school_id, agency, errors)
    kind = data.get("kind")
    if kind not in KINDS:
        errors["kind"] = "Choose what kind of service it is."
    email, valid = inputs.email(data.get("email"))
    if email and not valid and "email" not in errors:
        errors["email"] = "Enter the agency's e-mail address, like referrals@service.example."
    phone = _words(data.get("phone"))
    if len(phone) > 40 and "phone" not in errors:
        errors["phone"] = "Keep the phone number to 40 characters or fewer."
    days = data.get("response_days")
    if days is None or days == "":
        errors["response_days"] = "Give the number of days the agency usually takes to respond."
    elif isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_RESPONSE_DAYS:
        errors["response_days"] = (
            f"Give the days the agency takes to respond as a whole number from 1 to "
            f"{MAX_RESPONSE_DAYS}."
        )
    if errors:
        raise ServiceError(errors)
    return {"name": name, "kind": kind, "email": email, "phone": phone, "response_days": days}


def agency_create(*, actor, school_id: int, data: dict) -> Agency:
    """A new agency of the school. `data`: name, kind, email, phone, response_days."""
    _require(actor, school_id)
    values = _clean_agency(school_id, data, None)
    try:
        with transaction.atomic():
            agency = Agency.objects.create(school_id=school_id, **values)
            record_change(
                actor=actor, action=AuditEvent.Action.CREATE, obj=agency, school_id=school_id,
                after=snapshot(agency),
            )  # fmt: skip
    except IntegrityError:
        # Someone added one of that name in the same moment (the unique constraint).
        raise ServiceError({"name": _TAKEN.format(name=values["name"])}) from None
    return agency


def agency_update(*, actor, agency: Agency, data: dict) -> bool:
    """Change the agency's details. Referrals already sent keep the timescale they were
    sent with (therapy.models.Referral.response_days). False when nothing changed."""
    _require(actor, agency.school_id)
    values = _clean_agency(agency.school_id, data, agency)
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        before = snapshot(locked)
        for name, value in values.items():
            setattr(locked, name, value)
        if snapshot(locked) == before:
            return False
        locked.save(update_fields=list(values))
        record_change(
            actor=actor, action=AuditEvent.Action.UPDATE, obj=locked,
            school_id=locked.school_id, before=before, after=snapshot(locked),
        )  # fmt: skip
    return True


def agency_set_active(*, actor, agency: Agency, active: bool) -> bool:
    """Stop (or start again) sending referrals to the agency. An inactive agency stays on
    the referrals already sent to it, and its professionals keep seeing those pupils while
    the referrals and consents stand; it is only no longer offered for a new referral.
    False when it already was so."""
    _require(actor, agency.school_id)
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        if locked.active == bool(active):
            return False
        before = snapshot(locked)
        locked.active = bool(active)
        locked.save(update_fields=["active"])
        record_change(
            actor=actor, action=AuditEvent.Action.UPDATE, obj=locked,
            school_id=locked.school_id, before=before, after=snapshot(locked),
        )  # fmt: skip
    agency.active = locked.active
    return True


def _clean_person(full_name, email, job_title) -> tuple[str, str, str]:
    """The same checks and words as the staff invite (signin.accounts.invite), and the
    job title; done first so that linking an existing account is checked alike."""
    errors: dict[str, str] = {}
    sent = {"full_name": full_name, "email": email, "job_title": job_title}
    _unstorable(sent, sent, errors)
    full_name, email = accounts.clean_person(full_name, email, errors, "service.example")
    job_title = _words(job_title)
    if len(job_title) > 100 and "job_title" not in errors:
        errors["job_title"] = "Keep the job title to 100 characters or fewer."
    if errors:
        raise ServiceError(errors)
    return full_name, email, job_title


def _existing(email: str, school_id: int, agency: Agency) -> tuple[User | None, bool]:
    """The account already holding `email`, and whether it already has the external role
    here (then it is linked: no second account, no invite). Refused, in words, when it is
    a member of the school's staff, has ended, or already works for this agency."""
    person = User.objects.select_for_update().filter(email=email).first()
    if person is None:
        return None, False
    here = set(person.staff_roles.filter(school_id=school_id).values_list("role", flat=True))
    if here - {Role.THERAPIST}:
        # One account, one side of the wall: a member of staff sees pupils as staff, and an
        # outside professional's scope must never widen to the school's roll.
        raise ServiceError(
            {"email": f"{person.full_name} has a staff account here. An agency's "
             "professional needs an account of their own, with another e-mail address."}
        )  # fmt: skip
    if not person.may_sign_in():
        raise ServiceError({"email": "That address belongs to an account that has ended."})
    if AgencyMember.objects.filter(agency=agency, user=person, active=True).exists():
        raise ServiceError({"email": f"{person.full_name} already works for {agency.name}."})
    return person, Role.THERAPIST in here


def professional_add(*, actor, agency: Agency, full_name, email, job_title="", request=None):
    """Add a professional to `agency`: a new account invited by e-mail in the external
    role, or, when the address already has an account (another agency's professional here,
    or someone at another school of the trust), that account linked. A membership ended
    earlier is taken up again. Returns {"member", "invited": bool}."""
    _require(actor, agency.school_id)
    full_name, email, job_title = _clean_person(full_name, email, job_title)
    if not agency.active:
        raise ServiceError(
            f"{agency.name} is no longer active: make it active again before adding someone."
        )
    with transaction.atomic():
        person, linked = _existing(email, agency.school_id, agency)
        invited = False
        if not linked:
            done = accounts.invite(
                actor=actor, school_id=agency.school_id, full_name=full_name, email=email,
                roles=[Role.THERAPIST], request=request, capability=MANAGE,
            )  # fmt: skip
            person, invited = done["user"], done["new"]
        member = AgencyMember.objects.filter(agency=agency, user=person).first()
        action = AuditEvent.Action.CREATE
        before = None
        if member is None:
            member = AgencyMember.objects.create(agency=agency, user=person, job_title=job_title)
        else:
            action, before = AuditEvent.Action.UPDATE, snapshot(member)
            member.active, member.job_title = True, job_title or member.job_title
            member.save(update_fields=["active", "job_title"])
        record_change(
            actor=actor, action=action, obj=member, school_id=agency.school_id,
            before=before, after=snapshot(member),
        )  # fmt: skip
    member.agency = agency
    return {"member": member, "invited": invited}


def membership_end(*, actor, member: AgencyMember) -> bool:
    """The professional no longer works for the agency: from the next request they see no
    pupil through it (therapy.selectors asks for an active membership, also for referrals
    that name them). Their account stays, for their other agencies and the trail.
    False when it had already ended."""
    school_id = member.agency.school_id
    _require(actor, school_id)
    with transaction.atomic():
        locked = AgencyMember.objects.select_for_update().get(pk=member.pk)
        if not locked.active:
            return False
        before = snapshot(locked)
        locked.active = False
        locked.save(update_fields=["active"])
        record_change(
            actor=actor, action=AuditEvent.Action.UPDATE, obj=locked, school_id=school_id,
            before=before, after=snapshot(locked),
        )  # fmt: skip
    member.active = False
    return True


def invite_resend(*, actor, member: AgencyMember, request=None) -> None:
    """A new invite link for a professional who has not chosen a password yet, through
    the staff accounts' own resend (their earlier link stops working)."""
    school_id = member.agency.school_id
    _require(actor, school_id)
    if not member.active:
        raise ServiceError(
            f"{member.user.full_name} no longer works for {member.agency.name}: add them "
            "again first."
        )
    accounts.resend_invite(
        actor=actor, school_id=school_id, person=member.user, request=request,
        capability=MANAGE,
    )  # fmt: skip
