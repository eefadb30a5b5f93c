"""Writes for therapy: the school refers a pupil to a therapist (and ends the referral);
the therapist sets a programme, reviews and updates it, and ends it.

A programme is delivered as a provision in the spine, so a new programme creates its
Provision (kind "therapy") here, in the same transaction: provision.services.provision_create
needs write_plans, which an external therapist does not hold, and must not.

Each service validates everything first and raises ServiceError({field: message}) before
anything is written; then it writes the record, the pupil's timeline line and the audit
rows in one transaction."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from sendesk import access
from sendesk.agencies.models import Agency, AgencyMember
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, record_pupil_change, snapshot
from sendesk.consent import selectors as consent
from sendesk.consent.models import Decision
from sendesk.consent.models import Kind as ConsentKind
from sendesk.lib import files, inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import field_limits
from sendesk.notifications.services import notify
from sendesk.plans import services as plans_services
from sendesk.plans.models import Plan
from sendesk.provision import services as provision_services
from sendesk.provision.models import Provision
from sendesk.provision.models import TimelineKind as ProvisionLine
from sendesk.provision.services import check_amount as provision_amount
from sendesk.pupils import services as pupils_services
from sendesk.pupils.timeline import timeline_add
from sendesk.schools.models import Role, StaffRole

from .models import (
    THERAPIES,
    Advice,
    AdviceFile,
    AdviceProvision,
    Programme,
    ProgrammeReview,
    Referral,
    Status,
    TimelineKind,
)
from .selectors import ENDED, get_referred_pupil, referrals_in_scope

# How often a programme runs is checked as any provision's is (_frequency). These are
# the provision's words for a pattern with no school day in it: its _validate_provision
# checks the days before the amount (a test keeps the two pages saying the same).
PROVISION_DAYS = "Choose at least one school day (Monday to Friday)."
PROGRAMME_TEXT = ("title", "goals", "activities")
PROGRAMME_FREQUENCY = ("sessions_per_week", "session_minutes", "days")


def _external_role_at(school_id: int):
    """Everyone active who holds the external-professional (therapist) role at a school."""
    from sendesk.accounts.models import User

    ids = StaffRole.objects.filter(school_id=school_id, role=Role.THERAPIST).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name")


def therapists_of(school_id: int):
    """The therapists a school refers to without an agency (the issue-9 referral): those
    with the therapist role who are no agency's active member. An agency's professionals
    are referred through agency_referral_create only, where the parents' consent to the
    referral and to sharing with the agency is asked. One query when evaluated."""
    members = AgencyMember.objects.filter(active=True).values("user_id")
    return _external_role_at(school_id).exclude(pk__in=members)


# --- Referrals (the SENCO or head) -----------------------------------------------------


def referral_create(*, actor, pupil, data: dict) -> Referral:
    """Refer `pupil` to a therapist of the pupil's school. `data`: therapist (a User),
    discipline, reason, consent_by, consent_on, start, shared_notes."""
    if not access.can(actor, pupil.school_id, "write_pupils"):
        raise Http404
    errors = {}
    today = timezone.localdate()
    therapist = data.get("therapist")
    if therapist is None or not therapists_of(pupil.school_id).filter(pk=therapist.pk).exists():
        errors["therapist"] = "Choose a therapist who works with this school."
    discipline = data.get("discipline")
    if discipline not in THERAPIES:
        errors["discipline"] = "Choose speech and language therapy, OT or physiotherapy."
    consent_by = inputs.text(
        data.get("consent_by"), "consent_by", errors,
        required="Say who gave consent (usually a parent).",
        limit=Referral._meta.get_field("consent_by").max_length,
    )  # fmt: skip
    reason = inputs.text(data.get("reason"), "reason", errors, limit=2000)
    shared_notes = inputs.text(data.get("shared_notes"), "shared_notes", errors, limit=4000)
    consent_on, start = data.get("consent_on"), data.get("start")
    if not isinstance(consent_on, dt.date):
        errors["consent_on"] = "Give the date consent was given."
    elif consent_on > today:
        errors["consent_on"] = "Consent can't be dated in the future."
    if not isinstance(start, dt.date):
        errors["start"] = "Give the date the referral starts."
    elif isinstance(consent_on, dt.date) and start < consent_on:
        errors["start"] = "A referral can't start before consent was given."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        referral = Referral.objects.create(
            pupil=pupil,
            therapist=therapist,
            discipline=discipline,
            reason=reason,
            consent_by=consent_by,
            consent_on=consent_on,
            start=start,
            shared_notes=shared_notes,
            referred_by=actor,
            # A therapist referral is agreed with the therapist before it is typed in.
            status=Status.ACCEPTED,
        )
        _referral_made(actor, pupil, referral,
                       f"Referred to {referral.get_discipline_display().lower()} "
                       f"({therapist.full_name}) from {start:%-d %B %Y}")  # fmt: skip
    return referral


def _referral_made(actor, pupil, referral, title: str) -> None:
    """A new referral's audit row and timeline line, in the caller's transaction: one
    place for the therapist's referral and the agency's."""
    record_change(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=referral,
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        after=snapshot(referral),
    )
    timeline_add(pupil=pupil, kind=TimelineKind.REFERRAL, title=title, actor=actor, ref=referral)


def referral_end(*, actor, referral: Referral, end: dt.date) -> Referral:
    """The referral's last day. The therapist sees the pupil up to and including it, and
    never after: to stop access at once, end it yesterday. The programmes' provisions are
    left as they are (the school may go on delivering them; the SENCO ends those)."""
    school_id = referral.pupil.school_id
    if not access.can(actor, school_id, "write_pupils"):
        raise Http404
    if not isinstance(end, dt.date):
        raise ServiceError({"end": "Give the referral's last day."})
    if end < referral.start:
        began = f"{referral.start:%-d %B %Y}"
        raise ServiceError({"end": f"The last day can't be before the referral began ({began})."})
    if referral.end is not None and referral.end < timezone.localdate():
        raise ServiceError({"end": "This referral has already ended."})
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        before = snapshot(referral)
        referral.end = end
        referral.save(update_fields=["end"])
        record_change(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=referral,
            school_id=school_id,
            pupil_id=referral.pupil_id,
            before=before,
            after=snapshot(referral),
        )
        timeline_add(
            pupil=referral.pupil_id,
            kind=TimelineKind.REFERRAL,
            title=f"{referral.get_discipline_display()} referral ends on {end:%-d %B %Y}",
            actor=actor,
            ref=referral,
        )
    return referral


# --- Programmes (the therapist) ---------------------------------------------------------


def _frequency(data, errors):
    """(sessions a week, minutes each, days) from `data`, checked by the provision's own
    rules and in its words: a programme is a provision, so the therapist and the SENCO
    read the same message about the same frequency. Each is None when it is refused."""
    days = "".join(sorted(set(str(d) for d in (data.get("days") or ""))))
    if not days or any(d not in "12345" for d in days):
        errors["days"] = PROVISION_DAYS
    amount = {name: data.get(name) for name in ("sessions_per_week", "session_minutes")}
    before = set(errors)
    provision_amount(amount, days, errors)
    refused = set(errors) - before
    sessions, minutes = amount["sessions_per_week"], amount["session_minutes"]
    if refused & {"sessions_per_week", "session_minutes"}:
        sessions = minutes = None
    return sessions, minutes, days


def _programme_text(data, errors):
    limits = {"title": Programme._meta.get_field("title").max_length, "goals": 4000,
              "activities": 6000}  # fmt: skip
    messages = {
        "title": "Give the programme a short title.",
        "goals": "Say what the programme is for: its goals.",
        "activities": "Say what the TA does in a session, step by step.",
    }
    return {
        name: inputs.text(data.get(name), name, errors, required=messages[name], limit=limits[name])
        for name in PROGRAMME_TEXT
    }


def _check_therapist(actor, referral: Referral):
    """The actor is the referral's therapist and the referral is in force today; anything
    else looks like the pupil does not exist."""
    get_referred_pupil(actor, referral.pupil_id)
    # In force, to this professional (or their agency), with the consent it needs: today.
    if not referrals_in_scope(actor, timezone.localdate(), pk=referral.pk).exists():
        raise Http404


def programme_create(*, actor, referral: Referral, data: dict) -> Programme:
    """A new programme for the referred pupil, and the provision TAs deliver it through:
    kind therapy, promised in `data["source"]` (ehcp_f or sen_support), staffed by TAs,
    starting today."""
    _check_therapist(actor, referral)
    pupil = referral.pupil
    errors = {}
    text = _programme_text(data, errors)
    sessions, minutes, days = _frequency(data, errors)
    source = data.get("source")
    if source not in Provision.Source.values:
        errors["source"] = "Say where it is promised: EHC plan section F or the SEN support plan."
    errors.update(field_limits(Provision, {"title": text["title"]}))
    if errors:
        raise ServiceError(errors)
    now = timezone.now()
    with transaction.atomic():
        provision = Provision.objects.create(
            pupil=pupil,
            title=text["title"],
            description=text["goals"],
            kind=Provision.Kind.THERAPY,
            source=source,
            sessions_per_week=sessions,
            session_minutes=minutes,
            weekly_minutes=sessions * minutes,
            days=days,
            staffing=Provision.Staffing.TA,
            staffing_notes=f"Programme set by {actor.full_name} "
            f"({referral.get_discipline_display().lower()})"[:200],
            start=timezone.localdate(),
        )
        programme = Programme.objects.create(
            referral=referral,
            pupil=pupil,
            provision=provision,
            updated_at=now,
            updated_by=actor,
            **text,
        )
        for obj in (provision, programme):
            record_change(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=obj,
                school_id=pupil.school_id,
                pupil_id=pupil.pk,
                after=snapshot(obj),
            )
        timeline_add(
            pupil=pupil,
            kind=ProvisionLine.PROVISION,
            title=f"Therapy programme added: {programme.title} ({provision.how_much})",
            actor=actor,
            ref=programme,
        )
    return programme


def programme_can_change_frequency(programme: Programme) -> bool:
    """How often a programme runs is the therapist's to change only when the programme has
    its own therapy provision. A programme delivered through a provision the school wrote
    (an EHC plan's 1:1, say) leaves that promise to the SENCO."""
    return programme.provision.kind == Provision.Kind.THERAPY


def _review_frequency(programme, data, errors) -> dict:
    """The new frequency a review asks for ({} when it asks for none): the therapist's to
    change only on the programme's own therapy provision."""
    provision = programme.provision
    wants_frequency = any(
        name in data and data[name] is not None and data[name] != getattr(provision, name)
        for name in PROGRAMME_FREQUENCY
    )
    if not wants_frequency:
        return {}
    if not programme_can_change_frequency(programme):
        errors["sessions_per_week"] = (
            f"This programme is delivered through the school's provision "
            f"“{provision.title}”: ask the SENCO to change how often it runs."
        )
        return {}
    # A field left blank keeps what the programme has.
    merged = {
        name: getattr(provision, name) if data.get(name) is None else data[name]
        for name in PROGRAMME_FREQUENCY
    }
    sessions, minutes, days = _frequency(merged, errors)
    return {"sessions_per_week": sessions, "session_minutes": minutes, "days": days}


def _set_changed(obj, values: dict, changes: dict) -> dict:
    """Sets each of `values` that differs on `obj`, noting [old, new] in `changes`."""
    for name, value in values.items():
        if getattr(obj, name) != value:
            changes[name] = [getattr(obj, name), value]
            setattr(obj, name, value)
    return changes


def _review_provision(programme, provision, frequency, changes) -> bool:
    """Carries a review's changes to the provision (frequency; and the title and goals of
    the programme's own therapy provision); whether the provision changed."""
    had = len(changes)
    provision_changed = len(_set_changed(provision, frequency, changes)) > had
    if provision_changed:
        provision.weekly_minutes = provision.sessions_per_week * provision.session_minutes
    if provision.kind != Provision.Kind.THERAPY:
        return provision_changed
    if "title" in changes:
        provision.title = programme.title[: Provision._meta.get_field("title").max_length]
        provision_changed = True
    if "goals" in changes:
        provision.description = programme.goals
        provision_changed = True
    return provision_changed


def programme_review(*, actor, programme: Programme, note: str, data: dict) -> ProgrammeReview:
    """The therapist's review of the sessions, with any change to the programme: its title,
    goals, activities and (for its own provision) how often it runs. The review keeps each
    changed field's old and new value; a review may change nothing."""
    _check_therapist(actor, programme.referral)
    errors = {}
    note = inputs.text(note, "note", errors, limit=4000,
                       required="Say what you saw in the sessions and what follows.")  # fmt: skip
    text = _programme_text({name: data.get(name, getattr(programme, name))
                            for name in PROGRAMME_TEXT}, errors)  # fmt: skip
    frequency = _review_frequency(programme, data, errors)
    if errors:
        raise ServiceError(errors)
    now = timezone.now()
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        provision = Provision.objects.select_for_update().get(pk=programme.provision_id)
        before, provision_before = snapshot(programme), snapshot(provision)
        changes = _set_changed(programme, text, {})
        provision_changed = _review_provision(programme, provision, frequency, changes)
        review = ProgrammeReview.objects.create(
            programme=programme, by=actor, at=now, note=note, changes=changes
        )
        school_id = programme.pupil.school_id
        if changes:
            programme.updated_at, programme.updated_by = now, actor
            programme.save()
            record_change(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=programme,
                school_id=school_id,
                pupil_id=programme.pupil_id,
                before=before,
                after={**snapshot(programme), "review": review.pk, "changes": changes},
            )
        if provision_changed:
            provision.save()
            record_change(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=provision,
                school_id=school_id,
                pupil_id=programme.pupil_id,
                before=provision_before,
                after=snapshot(provision),
            )
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=review,
            school_id=school_id,
            pupil_id=programme.pupil_id,
            after=snapshot(review),
        )
        timeline_add(
            pupil=programme.pupil_id,
            kind=TimelineKind.PROGRAMME_REVIEW,
            title=f"Therapy programme reviewed: {programme.title}"
            + (" (changed)" if changes else ""),
            actor=actor,
            ref=programme,
        )
    return review


def programme_end(*, actor, programme: Programme, end: dt.date, note: str) -> ProgrammeReview:
    """End the programme from a date: its provision ends there (nothing is deleted: the
    sessions stay evidence). Recorded as a review with the end date as the change."""
    _check_therapist(actor, programme.referral)
    provision = programme.provision
    errors = {}
    note = inputs.text(note, "note", errors, required="Say why the programme ends.", limit=4000)
    if not programme_can_change_frequency(programme):
        errors["end"] = (
            f"This programme is delivered through the school's provision “{provision.title}”: "
            "ask the SENCO to end it."
        )
    elif not isinstance(end, dt.date):
        errors["end"] = "Give the programme's last day."
    elif end < provision.start:
        errors["end"] = f"The last day can't be before it began ({provision.start:%-d %B %Y})."
    elif provision.end is not None and provision.end < timezone.localdate():
        errors["end"] = "This programme has already ended."
    if errors:
        raise ServiceError(errors)
    now = timezone.now()
    with transaction.atomic():
        provision = Provision.objects.select_for_update().get(pk=provision.pk)
        before = snapshot(provision)
        changes = {"end": [inputs.plain(provision.end), end.isoformat()]}
        provision.end = end
        provision.save(update_fields=["end"])
        review = ProgrammeReview.objects.create(
            programme=programme, by=actor, at=now, note=note, changes=changes
        )
        school_id = programme.pupil.school_id
        record_change(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=provision,
            school_id=school_id,
            pupil_id=programme.pupil_id,
            before=before,
            after=snapshot(provision),
        )
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=review,
            school_id=school_id,
            pupil_id=programme.pupil_id,
            after=snapshot(review),
        )
        timeline_add(
            pupil=programme.pupil_id,
            kind=ProvisionLine.PROVISION,
            title=f"Therapy programme ends on {end:%-d %B %Y}: {programme.title}",
            body=note,
            actor=actor,
            ref=programme,
        )
    return review


# --- Referrals to an agency, with a timescale (issue 11) ---------------------------------


def professionals_of(agency):
    """The active members of `agency` who hold the external-professional role at its
    school: whom a referral may name. One query when evaluated."""
    ids = AgencyMember.objects.filter(agency=agency, active=True).values("user_id")
    return _external_role_at(agency.school_id).filter(pk__in=ids)


def _agency_referral_checks(pupil, data, errors, today):
    """(agency, professional, sent_on, response_days) from `data`, each checked; the
    missing referral consent is said plainly, naming the agency."""
    agency = data.get("agency")
    if not isinstance(agency, Agency) or agency.school_id != pupil.school_id:
        errors["agency"] = "Choose one of the school's agencies."
        agency = None
    elif not agency.active:
        errors["agency"] = f"{agency.name} is no longer active: it takes no new referrals."
        agency = None
    professional = data.get("professional")
    if professional is not None and (
        agency is None or not professionals_of(agency).filter(pk=professional.pk).exists()
    ):
        errors["professional"] = "Choose someone who works for that agency, or nobody yet."
    sent_on = data.get("sent_on")
    if not isinstance(sent_on, dt.date):
        errors["sent_on"] = "Give the date the referral was sent."
    elif sent_on > today:
        errors["sent_on"] = "The referral can't be sent in the future."
    days = data.get("response_days")
    if days is not None and (not isinstance(days, int) or not 1 <= days <= 365):
        errors["response_days"] = "Give the days to respond as a whole number from 1 to 365."
    if agency is not None and isinstance(sent_on, dt.date):
        # Consent is asked on the day the referral was sent and today: a referral typed in
        # late must not go ahead after the parents withdrew (a backdated sent_on).
        if not all(
            consent.allows(pupil.pk, ConsentKind.REFERRAL, day, agency_id=agency.pk)
            for day in {sent_on, today}
        ):
            errors["agency"] = (
                f"The parents have not given consent to a referral to {agency.name}. "
                "Record their consent first."
            )
    return agency, professional, sent_on, days


def agency_referral_create(*, actor, pupil, data: dict) -> Referral:
    """Refer `pupil` to an agency of the pupil's school. `data`: agency (an Agency),
    professional (a User of that agency, or None while the agency allocates one), reason,
    sent_on, response_days (None: the agency's), shared_notes. Needs the parents'
    referral consent for that agency on the day it is sent; what the professional then
    sees also needs the consent to share with the agency (therapy.selectors)."""
    if not access.can(actor, pupil.school_id, "write_pupils"):
        raise Http404
    errors = {}
    today = timezone.localdate()
    agency, professional, sent_on, days = _agency_referral_checks(pupil, data, errors, today)
    reason = inputs.text(data.get("reason"), "reason", errors, limit=2000,
                         required="Say why the pupil is referred.")  # fmt: skip
    shared_notes = inputs.text(data.get("shared_notes"), "shared_notes", errors, limit=4000)
    if errors:
        raise ServiceError(errors)
    # The decision in force on the day it was sent, not a later row.
    agreed = consent.current(pupil.pk, ConsentKind.REFERRAL, agency_id=agency.pk, on=sent_on)
    days = days or agency.response_days
    with transaction.atomic():
        referral = Referral.objects.create(
            pupil=pupil,
            agency=agency,
            therapist=professional,
            discipline=agency.kind,
            reason=reason,
            consent_by=(agreed.given_by_name or getattr(agreed.given_by, "full_name", ""))[:150]
            or "Parent",
            consent_on=agreed.on,
            start=sent_on,
            sent_on=sent_on,
            response_days=days,
            respond_by=sent_on + dt.timedelta(days=days),
            status=Status.SENT,
            shared_notes=shared_notes,
            referred_by=actor,
        )
        _referral_made(actor, pupil, referral,
                       f"Referred to {agency.name} on {sent_on:%-d %B %Y} "
                       f"(response expected by {referral.respond_by:%-d %B %Y})")  # fmt: skip
    return referral


def referral_status(*, actor, referral: Referral, status: str, on: dt.date) -> Referral:
    """The agency's answer (accepted, declined) or the referral closed, on `on`. A
    declined or closed referral opens nothing to the professional from then on, ends on
    `on`, and is never reopened: that would skip the consent asked of a new referral."""
    school_id = referral.pupil.school_id
    if not access.can(actor, school_id, "write_pupils"):
        raise Http404
    errors = {}
    if status not in (Status.ACCEPTED, Status.DECLINED, Status.CLOSED):
        errors["status"] = "Choose accepted, declined or closed."
    elif referral.status in ENDED:
        errors["status"] = (
            f"This referral was {referral.get_status_display().lower()} and can't be "
            "changed. To ask again, make a new referral (the parents' consent is checked "
            "then)."
        )
    if not isinstance(on, dt.date):
        errors["on"] = "Give the date."
    elif on > timezone.localdate():
        errors["on"] = "The date can't be in the future."
    elif referral.sent_on and on < referral.sent_on:
        sent = f"{referral.sent_on:%-d %B %Y}"
        errors["on"] = f"The date can't be before the referral was sent ({sent})."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status in ENDED:
            # Closed by someone else (or the parents' withdrawal) since the page was read.
            raise ServiceError({"status": "This referral has been closed already."})
        return _set_status(actor, referral, status, on)


def _set_status(actor, referral: Referral, status: str, on: dt.date, why: str = "") -> Referral:
    """Writes the new status (in the caller's transaction, the referral locked): a
    declined or closed referral ends on `on` (never before it began), so lists stop
    showing it as current; with its audit row and timeline line."""
    before = snapshot(referral)
    referral.status = status
    if status != Status.CLOSED and referral.responded_on is None:
        referral.responded_on = on
    if status in ENDED:
        last = max(on, referral.start)
        if referral.end is None or referral.end > last:
            referral.end = last
    referral.save(update_fields=["status", "responded_on", "end"])
    record_change(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=referral,
        school_id=referral.pupil.school_id,
        pupil_id=referral.pupil_id,
        before=before,
        after={**snapshot(referral), **({"why": why} if why else {})},
    )
    timeline_add(
        pupil=referral.pupil_id,
        kind=TimelineKind.REFERRAL,
        title=f"Referral to {referral.who}: {referral.get_status_display().lower()} "
        f"on {on:%-d %B %Y}" + (f" ({why})" if why else ""),
        actor=actor,
        ref=referral,
    )
    return referral


def referral_consent_decided(consent) -> int:
    """The consent app's hook (TherapyConfig.consent_decided), called in the transaction
    that records a parent's decision. When a referral consent is withdrawn or refused,
    that agency's open referrals for the child are closed at once, as the parent page
    promises: each audited with a line on the timeline, and the school's SENCOs told.
    Returns how many referrals were closed."""
    if consent.kind != ConsentKind.REFERRAL or consent.decision == Decision.GIVEN:
        return 0
    today = timezone.localdate()
    open_referrals = list(
        # of=self: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
        Referral.objects.select_for_update(of=("self",))
        .select_related("pupil", "agency", "therapist")
        .filter(pupil_id=consent.pupil_id, agency_id=consent.agency_id)
        .exclude(status__in=ENDED)
        .exclude(end__lt=today)
    )
    why = f"the parents {consent.get_decision_display().lower()} consent"
    for referral in open_referrals:
        # Closed today, or the day the parents decided when it was sent before then.
        on = max(consent.on, referral.sent_on or referral.start)
        _set_status(consent.recorded_by, referral, Status.CLOSED, min(on, today), why)
    if open_referrals:
        _tell_sencos_closed(consent, len(open_referrals))
    return len(open_referrals)


def _tell_sencos_closed(consent, count: int) -> None:
    school_id = consent.school_id
    sencos = StaffRole.objects.filter(
        school_id=school_id, role=Role.SENCO, user__is_active=True
    ).values_list("user_id", flat=True)
    what = "A referral" if count == 1 else f"{count} referrals"
    # The title names no pupil (the list the link opens goes through the access layer).
    notify(
        users=list(sencos),
        kind="referral_consent_withdrawn",
        title=f"{what} to {consent.agency} closed: the parents "
        f"{consent.get_decision_display().lower()} consent",
        url=reverse("referral_list") + f"?school={school_id}",
        school_id=school_id,
        dedupe_key=f"referral-consent:{consent.pk}",
    )


# --- Advice, reports and visits (the professional) --------------------------------------


def advice_add(*, actor, referral: Referral, data: dict) -> Advice:
    """The professional's advice, a report's findings or a visit logged, about a pupil
    referred to them (in scope today, consent included). `data`: kind, text, and for a
    visit visited_on and who_came (blank: the professional alone)."""
    _check_therapist(actor, referral)
    errors = {}
    kind = data.get("kind")
    if kind not in Advice.Kind.values:
        errors["kind"] = "Choose advice, a report or a visit."
    text = inputs.text(data.get("text"), "text", errors, limit=8000,
                       required="Write the advice: what you found and what the school "
                       "should do.")  # fmt: skip
    who_came = inputs.text(data.get("who_came"), "who_came", errors, limit=200)
    visited_on = data.get("visited_on")
    if kind == Advice.Kind.VISIT:
        if not isinstance(visited_on, dt.date):
            errors["visited_on"] = "Give the day of the visit."
        elif visited_on > timezone.localdate():
            errors["visited_on"] = "A visit can't be logged before it happens."
        elif visited_on < referral.start:
            errors["visited_on"] = "The visit can't be before the referral began."
    else:
        visited_on, who_came = None, ""
    upload = data.get("file")
    if upload is not None:
        _check_report_file(kind, upload, errors)
    if errors:
        raise ServiceError(errors)
    pupil = referral.pupil
    kept = _keep(upload, pupil) if upload is not None else None
    with _removed_on_failure(kept), transaction.atomic():
        advice = Advice.objects.create(
            referral=referral, pupil=pupil, kind=kind, by=actor, at=timezone.now(),
            visited_on=visited_on, who_came=who_came or (actor.full_name if visited_on else ""),
            text=text,
        )  # fmt: skip
        if kept is not None:
            _file_written(actor, advice, upload, kept)
        record_change(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=advice,
            school_id=pupil.school_id,
            pupil_id=pupil.pk,
            after=snapshot(advice),
        )
        what = "Visit" if visited_on else advice.get_kind_display()
        timeline_add(
            pupil=pupil,
            kind=TimelineKind.ADVICE,
            title=f"{what} from {actor.full_name} "
            f"({referral.agency or referral.get_discipline_display()})",
            body=text,
            actor=actor,
            ref=advice,
        )
    return advice


# --- Report files (the professional, or the SENCO on their behalf) ----------------------

ONLY_REPORTS = "A file goes with a report: choose “A report's findings”, or leave the file out."


def _check_report_file(kind, upload, errors) -> None:
    if kind != Advice.Kind.REPORT:
        errors["file"] = ONLY_REPORTS
        return
    refused = files.check_document(upload, settings.REPORT_MAX_BYTES)
    if refused:
        errors["file"] = refused


def _keep(upload, pupil) -> files.Kept:
    """The checked file written to the private folder, before the transaction that
    records it (a file cannot roll back: _removed_on_failure takes it away again)."""
    try:
        return files.keep_document(upload, f"reports/{pupil.school_id}")
    except files.NotADocument as exc:
        raise ServiceError({"file": str(exc)}) from None


class _removed_on_failure:
    """Removes the kept file if the block fails: no file without its row."""

    def __init__(self, kept):
        self.kept = kept

    def __enter__(self):
        return self.kept

    def __exit__(self, kind, value, tb):
        if kind is not None and self.kept is not None:
            files.remove(self.kept.path)
        return False


def _file_written(actor, advice: Advice, upload, kept: files.Kept) -> AdviceFile:
    """The file's row, its audit row and the timeline line, in the caller's transaction."""
    name = "".join(c for c in str(getattr(upload, "name", "") or "") if c.isprintable())
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:150] or f"report.{kept.path[-3:]}"
    pupil = advice.pupil
    row = AdviceFile.objects.create(
        advice=advice, pupil=pupil, name=name, content_type=kept.content_type, size=kept.size,
        sha256=kept.sha256, path=kept.path, by=actor, at=timezone.now(),
    )  # fmt: skip
    record_pupil_change(actor, AuditEvent.Action.CREATE, row, pupil, after=snapshot(row))
    timeline_add(
        pupil=pupil,
        kind=TimelineKind.ADVICE,
        title=f"Report file added to {advice.by.full_name}'s report: {name}",
        actor=actor,
        ref=advice,
    )
    return row


def _may_handle(user, advice: Advice) -> bool:
    """The professional whose referral the advice is under (in force today, consent
    included), or the SENCO or head with the pupil in their scope, on their behalf."""
    if access.can(user, advice.pupil.school_id, "write_pupils"):
        return access.visible_pupils(user).filter(pk=advice.pupil_id).exists()
    return referrals_in_scope(user, timezone.localdate(), pk=advice.referral_id).exists()


def may_attach(user, advice: Advice) -> bool:
    return advice.kind == Advice.Kind.REPORT and _may_handle(user, advice)


def advice_file_add(*, actor, advice: Advice, upload) -> AdviceFile:
    """Attach a report file (PDF, or a JPEG/PNG photo or scan of a paper report) to an
    advice entry of kind report. Anyone who may not: Http404, as if it did not exist."""
    if not _may_handle(actor, advice):
        raise Http404
    errors = {}
    _check_report_file(advice.kind, upload, errors)
    if errors:
        raise ServiceError(errors)
    kept = _keep(upload, advice.pupil)
    with _removed_on_failure(kept), transaction.atomic():
        return _file_written(actor, advice, upload, kept)


def sen_plan(pupil):
    """The pupil's current SEN plan (an EHC plan first, else an IEP), never the behaviour
    or pastoral one; None without one."""
    return (
        Plan.objects.active()
        .filter(pupil=pupil, kind__in=[Plan.Kind.EHCP, Plan.Kind.IEP])
        .order_by("kind", "-start_date")
        .first()
    )


def advice_adopt(*, actor, advice: Advice, as_what: str, text: str):
    """Turn a professional's advice into a strategy on the pupil's profile or a target of
    their current plan, in one step, through those apps' own services (their checks,
    audit and timeline). `text`: the words to adopt, as the SENCO trimmed them. Provision
    needs more (who, how often): the page confirms it on the provision form first and
    saves it with advice_to_provision."""
    pupil = advice.pupil
    if as_what == "strategy":
        return pupils_services.strategy_add(actor=actor, pupil=pupil, text=text)
    if as_what == "target":
        # The SEN plan (an EHC plan first, else an IEP), never the behaviour or pastoral one.
        plan = sen_plan(pupil)
        if plan is None:
            raise ServiceError({"as_what": f"{pupil.name} has no current plan to add a target "
                                "to. Write the plan first."})  # fmt: skip
        return plans_services.target_add(
            actor=actor, plan=plan, data={"text": text, "success_criteria": advice_source(advice)}
        )
    raise ServiceError({"as_what": "Choose a strategy, a target or provision."})


def advice_source(advice: Advice) -> str:
    """Where adopted words came from, in the words the target and provision keep."""
    return f"From {advice.by.full_name}'s advice of {advice.at:%-d %B %Y}."


def advice_to_provision(*, actor, advice: Advice, data: dict, targets=()) -> Provision:
    """Provision for the pupil from a professional's advice, in one step: the provision
    app's own service writes it (its checks, audit and timeline line, and from then on it
    counts in promised against delivered), and the link to the advice is written and
    audited in the same transaction. `data`: the provision form's fields, confirmed."""
    pupil = advice.pupil
    if not access.can(actor, pupil.school_id, "write_plans"):
        raise Http404
    with transaction.atomic():
        provision = provision_services.provision_create(
            actor=actor, pupil=pupil, data=data, targets=targets
        )
        link = AdviceProvision.objects.create(
            advice=advice, provision=provision, by=actor, at=timezone.now()
        )
        record_pupil_change(actor, AuditEvent.Action.CREATE, link, pupil, after=snapshot(link))
    return provision
