"""Staff accounts as a head (or school admin) keeps them: inviting someone by e-mail,
sending the invite again, changing their roles at the school, and a leaver's last day.
Each write validates, writes and records in the security trail in one transaction; an
e-mail goes out through the task worker once the transaction has committed."""

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.audit.models import SecurityEvent
from sendesk.audit.services import record_security
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.schools import capabilities
from sendesk.schools.models import Role, School, StaffRole, Trust

from .invites import send_account_email
from .services import end_sessions_and_tokens

MANAGE = "manage_accounts"


def managed_school(user, school_id=None, capability: str = MANAGE) -> int:
    """The school whose staff accounts `user` keeps (head); Http404 for everyone else.
    `capability`: another page that invites people in one fixed role (the agencies page
    invites external professionals) names the capability it is asked under."""
    return capabilities.pick_school(capabilities.schools_where(user, capability), school_id)


def staff_of(school_id: int):
    """The people holding a role at the school, each with `school_roles` (their roles
    here) and `other_schools` (whether they hold roles elsewhere): two queries."""
    here = StaffRole.objects.filter(school_id=school_id).order_by("role")
    return (
        User.objects.filter(staff_roles__school_id=school_id)
        .distinct()
        .prefetch_related(Prefetch("staff_roles", queryset=here, to_attr="school_roles"))
        .order_by("full_name", "pk")
    )


def person_at(actor, school_id: int, user_id) -> User:
    """A member of the school's staff, for the head of that school; Http404 otherwise."""
    managed_school(actor, school_id)
    person = staff_of(school_id).filter(pk=user_id).first() if _small(user_id) else None
    if person is None:
        raise Http404
    return person


def _small(value) -> bool:
    return isinstance(value, int) and 0 < value < 2**31


def status_of(person, day: dt.date | None = None) -> str:
    day = day or timezone.localdate()
    if person.leaves_on is not None and person.leaves_on < day:
        return "left"
    if not person.is_active:
        return "inactive"
    if not person.has_usable_password():
        return "invited"
    return "active"


def _clean_roles(roles, errors) -> list[str]:
    roles = list(dict.fromkeys(roles or ()))
    if not roles:
        errors["roles"] = "Choose at least one role."
    elif set(roles) - set(Role.values):
        errors["roles"] = "Choose roles from the list."
    return roles


def _give_roles(person, school_id, roles, actor, request) -> list[str]:
    held = set(person.staff_roles.filter(school_id=school_id).values_list("role", flat=True))
    added = [r for r in roles if r not in held]
    StaffRole.objects.bulk_create(
        StaffRole(user=person, school_id=school_id, role=role) for role in added
    )
    if added:
        record_security(
            SecurityEvent.Kind.ROLE_CHANGED, user=person, actor=actor, request=request,
            school=school_id, added=added, removed=[],
        )  # fmt: skip
    return added


def clean_person(full_name, email, errors: dict, domain: str = "school.example") -> tuple[str, str]:
    """Whom an invitation is for, checked: their name (spaces tidied, up to 150
    characters) and e-mail address (lower case, valid, up to 254). Problems go into
    `errors` in words; `domain` is the example address's (a school's or a service's)."""
    if "full_name" not in errors:
        full_name = " ".join(str(full_name or "").split())
        if not full_name:
            errors["full_name"] = "Enter their name."
        elif len(full_name) > 150:
            errors["full_name"] = "Keep the name to 150 characters or fewer."
    email, valid = inputs.email(email)
    if not valid:
        errors.setdefault("email", f"Enter their e-mail address, like name@{domain}.")
    return full_name, email


def invite(
    *,
    actor,
    school_id: int,
    full_name: str,
    email: str,
    roles,
    request=None,
    capability: str = MANAGE,
) -> dict:
    """Make an account for a new member of staff with no usable password, give them their
    roles here and e-mail them a link to choose one. Someone who already has an account
    (at another school of the trust, say) gets the roles added and no e-mail: they sign in
    as before. Returns {"user", "new": bool, "added": [roles]}."""
    managed_school(actor, school_id, capability)
    errors: dict[str, str] = {}
    full_name, email = clean_person(full_name, email, errors)
    roles = _clean_roles(roles, errors)
    if errors:
        raise ServiceError(errors)
    try:
        with transaction.atomic():
            return _invite(actor, school_id, full_name, email, roles, request)
    except IntegrityError:
        # Someone else made an account for this address in the same moment.
        raise ServiceError({"email": "That address has just been given an account."}) from None


def _invite(actor, school_id, full_name, email, roles, request) -> dict:
    person = User.objects.select_for_update().filter(email=email).first()
    new = person is None
    if new:
        person = User.objects.create_user(email, None, full_name=full_name)
    elif person.staff_roles.filter(school_id=school_id).exists():
        raise ServiceError(
            {"email": f"{person.full_name} already has an account here: change their "
             "roles on their page."}
        )  # fmt: skip
    elif not person.may_sign_in():
        raise ServiceError({"email": "That address belongs to an account that has ended."})
    added = _give_roles(person, school_id, roles, actor, request)
    if new:
        record_security(
            SecurityEvent.Kind.INVITED, user=person, actor=actor, request=request,
            school=school_id, roles=roles,
        )  # fmt: skip
        _queue_invite(person, school_id, actor)
    return {"user": person, "new": new, "added": added}


def _queue_invite(person, school_id, actor):
    # The task row is written in this transaction (the database backend), so it exists
    # exactly when the account does.
    send_account_email.enqueue(person.pk, "invite", school_id, actor.pk)


def resend_invite(*, actor, school_id: int, person, request=None, capability: str = MANAGE) -> None:
    """A new invite link for someone who has not chosen a password yet. Their earlier link
    stops working (a new unusable password changes what the link signs)."""
    managed_school(actor, school_id, capability)
    if person.has_usable_password():
        raise ServiceError(
            f"{person.full_name} has already chosen a password. If they have forgotten it, "
            'they can use "Forgot your password?" on the sign-in page.'
        )
    if not person.may_sign_in():
        raise ServiceError(
            f"{person.full_name}'s account has ended: take away their last day first."
        )
    with transaction.atomic():
        person.set_unusable_password()
        person.save(update_fields=["password"])
        record_security(
            SecurityEvent.Kind.INVITED, user=person, actor=actor, request=request,
            school=school_id, again=True,
        )  # fmt: skip
        _queue_invite(person, school_id, actor)


def set_roles(*, actor, school_id: int, person, roles, request=None) -> dict:
    """Their roles at this school become `roles` (at least one: to take someone off the
    staff, set their last day). The school keeps at least one head."""
    managed_school(actor, school_id)
    errors: dict[str, str] = {}
    roles = _clean_roles(roles, errors)
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        # Locks the school's head rows, so two heads taking each other's role at once
        # cannot leave the school with none.
        heads = list(
            StaffRole.objects.select_for_update()
            .filter(school_id=school_id, role=Role.HEAD)
            .values_list("user_id", flat=True)
        )
        held = set(person.staff_roles.filter(school_id=school_id).values_list("role", flat=True))
        removed = sorted(held - set(roles))
        if Role.HEAD in removed and set(heads) <= {person.pk}:
            raise ServiceError(
                {"roles": "The school needs a head or school admin: give the role to "
                 "someone else first."}
            )  # fmt: skip
        StaffRole.objects.filter(user=person, school_id=school_id, role__in=removed).delete()
        added = [r for r in roles if r not in held]
        StaffRole.objects.bulk_create(
            StaffRole(user=person, school_id=school_id, role=role) for role in added
        )
        if added or removed:
            record_security(
                SecurityEvent.Kind.ROLE_CHANGED, user=person, actor=actor, request=request,
                school=school_id, added=added, removed=removed,
            )  # fmt: skip
    return {"added": added, "removed": removed}


def set_last_day(*, actor, school_id: int, person, leaves_on, request=None) -> None:
    """A leaver's last day: from the day after it they cannot sign in. A day that is today
    or past ends their sessions and API tokens now. None takes the last day away again.
    Only for people whose every role is at schools the actor keeps: the account is theirs
    across the trust."""
    managed_school(actor, school_id)
    if person.pk == actor.pk:
        raise ServiceError(
            {"leaves_on": "You cannot end your own account: ask another head or the trust."}
        )
    if leaves_on is not None and not isinstance(leaves_on, dt.date):
        raise ServiceError({"leaves_on": "Give the date as day, month and year."})
    elsewhere = person.staff_roles.exclude(
        school_id__in=capabilities.schools_where(actor, MANAGE)
    ).exists()
    if elsewhere:
        raise ServiceError(
            {"leaves_on": f"{person.full_name} also works at another school: take away their "
             "roles here instead, and their other school ends their account."}
        )  # fmt: skip
    if leaves_on == person.leaves_on:
        return
    with transaction.atomic():
        before = person.leaves_on
        person.leaves_on = leaves_on
        person.save(update_fields=["leaves_on"])
        record_security(
            SecurityEvent.Kind.ACCOUNT_ENDED, user=person, actor=actor, request=request,
            school=school_id, leaves_on=leaves_on, before=before,
        )  # fmt: skip
        if leaves_on is not None and leaves_on <= timezone.localdate():
            end_sessions_and_tokens(person, why="account ended", actor=actor, request=request)


def _school_for_admin(name: str, errors: dict) -> School | None:
    """The school named (None: make it), or the only one when no name is given."""
    schools = list(School.objects.order_by("name")[:50])
    if name:
        match = [s for s in schools if s.name.lower() == name.lower()]
        if match:
            return match[0]
        if schools:
            errors["school"] = f"No school is called {name}: give one of " + ", ".join(
                s.name for s in schools
            )
        return None
    if not schools:
        errors["school"] = "There is no school yet: give the school's name."
    elif len(schools) > 1:
        errors["school"] = "Say which school: " + ", ".join(s.name for s in schools)
    return schools[0] if schools else None


def create_admin(*, email: str, full_name: str, password: str, school_name: str = "") -> User:
    """The first head or school admin of a database (manage.py createadmin): their account,
    the school (and its trust) if there is none yet, and the head role there, recorded.
    The password goes through the site's password rules."""
    errors: dict[str, str] = {}
    email, valid = inputs.email(email)
    if not valid:
        errors["email"] = "Enter an e-mail address, like head@school.example."
    full_name = " ".join((full_name or "").split())
    if not full_name or len(full_name) > 150:
        errors["full_name"] = "Enter a name of up to 150 characters."
    school_name = " ".join((school_name or "").split())
    school = _school_for_admin(school_name, errors)
    if not errors and User.objects.filter(email=email).exists():
        errors["email"] = "That address already has an account."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        if school is None:
            trust, _ = Trust.objects.get_or_create(name=school_name)
            school = School.objects.create(trust=trust, name=school_name)
        # Staff and superuser: the set-up screens (/admin/) are where terms, groups and
        # the rest of the school are entered.
        person = User.objects.create_superuser(email, None, full_name=full_name)
        StaffRole.objects.create(user=person, school=school, role=Role.HEAD)
        # Checked once the account and its school exist, so that every password rule
        # (the school's name among them) sees them; a refusal undoes it all.
        try:
            validate_password(password, user=person)
        except ValidationError as error:
            raise ServiceError({"password": " ".join(error.messages)}) from None
        person.set_password(password)
        person.save(update_fields=["password"])
        record_security(
            SecurityEvent.Kind.ROLE_CHANGED, user=person, school=school.pk,
            added=[Role.HEAD.value], removed=[], how="manage.py createadmin",
        )  # fmt: skip
    return person
