"""Telling people about an emergency dose: the SENCO(s) of the pupil's school and the
pupil's parents (parent logins, and contacts with parental responsibility and an e-mail
address) get an e-mail, sent by the task worker (medication.tasks) through Django's e-mail
framework. A mail server that is down fails the attempt, which is logged and tried again
later (medication.tasks); it is never a reason to lose the record (the timeline and the
pupil's pages show the emergency whatever happens to the mail, and the dose page says
while nobody has been e-mailed yet).

Parents get the structured facts only (when, what, how much, who was called): the staff's
free-text "what happened" may name other children or staff, and parents see only notes
staff chose to share."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from sendesk.accounts.models import User
from sendesk.pupils.models import Contact
from sendesk.schools.models import Role, StaffRole

from .rules import flags_words, unit_words


def _senco_emails(school_id) -> list[str]:
    return list(
        StaffRole.objects.filter(school_id=school_id, role=Role.SENCO, user__is_active=True)
        .values_list("user__email", flat=True)
        .distinct()
    )


def _parent_emails(pupil) -> list[str]:
    """Parents who log in (their link to the child active) and the child's contacts with
    parental responsibility and an e-mail address, each address once. Two queries."""
    logins = User.objects.filter(
        children_links__pupil=pupil, children_links__active=True, is_active=True
    ).values_list("email", flat=True)
    rows = Contact.objects.filter(pupil=pupil, parental_responsibility=True).exclude(email="")
    contacts = rows.order_by("priority").values_list("email", flat=True)
    return list(dict.fromkeys(e.lower() for e in [*logins, *contacts]))


def _calls(record) -> str:
    done = [w for w, yes in (("999 was called", record.called_999),
                             ("a parent was phoned", record.parent_called)) if yes]  # fmt: skip
    return " and ".join(done).capitalize() + "." if done else "Neither 999 nor a parent was phoned."


def _staff_message(record, medicine, pupil) -> tuple[str, str]:
    when = timezone.localtime(record.given_at)
    subject = f"Emergency medicine given: {pupil.name}, {when:%-d %b %H:%M}"
    checks = flags_words(record.flags)
    body = (
        f"{record.given_by} gave {pupil.name} {unit_words(medicine, record.units)} of "
        f"{medicine.name} {medicine.strength} in an emergency at {when:%H:%M} on "
        f"{when:%A %-d %B}"
        + (f", at {record.place}" if record.place else "")
        + ".\n\n"
        + (f"{checks}.\n\n" if checks else "")
        + f"What happened: {record.what_happened}\n\n{_calls(record)}\n\n"
        f"The record: {settings.SITE_URL}{reverse('dose_detail', args=[record.pk])}\n"
    )
    return subject, body


def _parent_message(record, medicine, pupil) -> tuple[str, str]:
    """Plain English from the record's structured fields only, dated (the e-mail may be
    read, or sent, on a later day than the dose)."""
    when = timezone.localtime(record.given_at)
    name = pupil.preferred_name or pupil.legal_first_name
    # A dose given away from school (a trip) says where: a parent is never told "at school"
    # of a child who was at the museum.
    where = f"on the trip to {record.place}" if record.place else "at school"
    subject = f"{name} needed emergency medicine {where} on {when:%A %-d %B}"
    called = [
        "We called an ambulance (999)." if record.called_999 else "",
        "We phoned you." if record.parent_called else "",
    ]
    body = (
        f"At {when:%H:%M} on {when:%A %-d %B %Y}, {name} needed the emergency medicine in "
        f"{name}'s healthcare plan. {name} was given "
        f"{unit_words(medicine, record.units)} of {medicine.name}.\n\n"
        + (f"{' '.join(c for c in called if c)}\n\n" if any(called) else "")
        + "If you have any questions, please contact the school. "
        f"You can see {name}'s medicine record when you log in.\n"
    )
    return subject, body


def emergency_messages(record) -> list[EmailMessage]:
    """The messages about an emergency dose: one to the SENCO(s), one to each parent
    (parents do not see each other's addresses)."""
    medicine, pupil = record.medicine, record.pupil
    messages = []
    if staff := _senco_emails(pupil.school_id):
        subject, body = _staff_message(record, medicine, pupil)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, staff))
    subject, body = _parent_message(record, medicine, pupil)
    messages += [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
        for to in _parent_emails(pupil)
    ]
    return messages
