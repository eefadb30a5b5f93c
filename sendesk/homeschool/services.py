"""Writing in the home-school conversation and diary. Each service checks first (the child
is the parent's own, or in the staff member's scope: access; the photo consent for a
staff member's photo of the child) and raises ServiceError before anything is written;
then writes the record, the audit row and the notification in one transaction."""

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sendesk import access
from sendesk.audit.models import AuditEvent
from sendesk.audit.services import record_change, record_pupil_change, snapshot
from sendesk.consent.selectors import allows
from sendesk.evidence import media
from sendesk.evidence.services import no_consent_message
from sendesk.lib import inputs
from sendesk.lib.errors import ServiceError
from sendesk.lib.files import in_words
from sendesk.notifications.services import notify
from sendesk.pupils.models import Deployment
from sendesk.safeguarding.services import concern_report
from sendesk.schools.models import Role, StaffRole

from .models import (
    BODY_MAX,
    HOME_SECTIONS,
    SCHOOL_SECTIONS,
    Attachment,
    DiaryNote,
    DiaryPupil,
    Meeting,
    MeetingAction,
    MeetingRequest,
    Message,
    MessageAmendment,
    MessageRead,
    Reachable,
    Section,
)

PHOTO_MAX = 15 * 1024 * 1024
# What the person passing a message to the DSL adds: a few lines, as on a concern's form.
NOTE_MAX = 2000
# Concerns raised from a message get a client_id made from the message and the person, so
# pressing the button twice (or on two tabs) reports once.
CONCERN_NAMESPACE = uuid.UUID("6f1c3c1e-8d0a-4b7e-9a53-7c1f0b3f1a11")


def first_name(pupil) -> str:
    return pupil.preferred_name or pupil.legal_first_name


def conversation_pupil(user, pupil_id):
    """(pupil, as_parent): the child if `user` is their parent, else the pupil if in
    `user`'s staff scope. Http404 otherwise, exactly as for a pupil that does not exist."""
    if (
        user.is_authenticated
        and access.children_of(user).filter(pk=access._as_uuid(pupil_id)).exists()
    ):
        return access.get_child(user, pupil_id), True
    return access.get_pupil(user, pupil_id), False


def _client_id(value, errors):
    if value in (None, ""):
        return uuid.uuid4()
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        errors["client_id"] = "This is not a valid id."
        return None


def _check_photo(pupil, upload, as_parent, errors):
    """The sniffed photo, or None with the message in errors. A staff member's photo is
    of the child, so it needs the parents' photo consent, asked now; a parent's own photo
    of their child is theirs to send."""
    if upload is None:
        return None
    if not upload.size:
        errors["photo"] = "This file is empty: choose it again."
        return None
    upload.seek(0)
    sniffed = media.sniff(upload.read(16), getattr(upload, "content_type", "") or "")
    if sniffed is None or sniffed.family != "image":
        errors["photo"] = "Send a photo (JPEG, PNG, WebP or GIF)."
        return None
    if upload.size > PHOTO_MAX:
        errors["photo"] = (
            f"This photo is {in_words(upload.size)}: the largest SENDesk takes is "
            f"{in_words(PHOTO_MAX)}. Choose a smaller copy of it."
        )
        return None
    if not as_parent and not allows(pupil.pk, "photos"):
        errors["photo"] = no_consent_message(pupil)
        return None
    return sniffed


def _store_photo(upload, school_id) -> tuple[uuid.UUID, media.Stored, str, str]:
    """The photo written afresh without metadata (evidence's own code), and its thumbnail."""
    pk = uuid.uuid4()
    folder = Path(settings.EVIDENCE_DIR) / str(school_id)
    folder.mkdir(parents=True, exist_ok=True)
    work, thumb = folder / f"msg-{pk}.tmp", folder / f"msg-{pk}-thumb.jpg"
    try:
        stored = media.store_image(upload, work, thumb)
    except media.NotMedia as exc:
        raise ServiceError({"photo": str(exc)}) from None
    ext = "png" if stored.content_type == "image/png" else "jpg"
    work.rename(folder / f"msg-{pk}.{ext}")
    return pk, stored, f"{school_id}/msg-{pk}.{ext}", f"{school_id}/msg-{pk}-thumb.jpg"


def _remove(*relative):
    for name in relative:
        (Path(settings.EVIDENCE_DIR) / name).unlink(missing_ok=True)


def staff_to_tell(pupil) -> list:
    """Who hears of a parent's message or diary note: the staff who have written in the
    conversation and the pupil's 1:1 and key adults now, kept only while the pupil is in
    their scope (someone whose deployment ended, or who left the school, must not be told
    the child's name, and cannot open the message anyway); the SENCO when that leaves
    nobody, so a parent's words always reach someone who can read them. A few queries per
    candidate: there are a handful."""
    today = timezone.localdate()
    ids = set(
        Message.objects.filter(pupil=pupil, from_parent=False).values_list("author_id", flat=True)
    )
    ids |= set(
        Deployment.objects.filter(pupil=pupil, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values_list("staff_id", flat=True)
    )
    return access.who_sees(ids, pupil) or sorted(_sencos(pupil.school_id))


def _sencos(school_id: int) -> list:
    return list(
        StaffRole.objects.filter(school_id=school_id, role=Role.SENCO).values_list(
            "user_id", flat=True
        )
    )


def parents_of(pupil) -> list:
    # Through the pupil's reverse relation: the family app sits above this one.
    return list(pupil.parent_links.filter(active=True).values_list("user_id", flat=True))


def _stored_once(model, client_id, actor, pupil, by: str):
    """The row of `model` saved under `client_id` by `actor` about `pupil`, or None; the
    id used by someone else, or about another child, is a conflict (409)."""
    if client_id is None:
        return None
    row = model.objects.filter(client_id=client_id).first()
    if row is not None and (row.pupil_id != pupil.pk or getattr(row, by) != actor.pk):
        raise ServiceError({"client_id": "This client_id is already used by another record."}, 409)
    return row


def message_send(*, actor, pupil_id, body, client_id=None, photo=None) -> tuple[Message, bool]:
    """Write in the child's conversation, as their parent or as staff in scope. Returns
    (message, created); the same client_id again returns the stored message."""
    pupil, as_parent = conversation_pupil(actor, pupil_id)
    errors: dict[str, str] = {}
    client_id = _client_id(client_id, errors)
    if existing := _stored_once(Message, client_id, actor, pupil, "author_id"):
        return existing, False
    text = inputs.text(body, "body", errors, limit=BODY_MAX, label="The message",
                       required="Write your message.")  # fmt: skip
    sniffed = _check_photo(pupil, photo, as_parent, errors)
    if errors:
        raise ServiceError(errors)
    stored = _store_photo(photo, pupil.school_id) if sniffed else None
    try:
        with transaction.atomic():
            message = Message.objects.create(
                client_id=client_id, school_id=pupil.school_id, pupil=pupil, author=actor,
                from_parent=as_parent, body=text, sent_at=timezone.now(),
            )  # fmt: skip
            if stored:
                pk, info, path, thumb = stored
                Attachment.objects.create(
                    id=pk, message=message, content_type=info.content_type, size=info.size,
                    sha256=info.sha256, path=path, thumb_path=thumb, width=info.width,
                    height=info.height,
                )  # fmt: skip
            record_pupil_change(actor, AuditEvent.Action.CREATE, message, pupil,
                                after=snapshot(message))  # fmt: skip
            MessageRead.objects.create(message=message, user=actor, read_at=message.sent_at)
            tell_about_message(message, pupil, as_parent)
    except IntegrityError:
        if stored:
            _remove(stored[2], stored[3])
        # The same device's retry that lost the race to the first request: the stored
        # message if it is the same person's about the same child; else the id is taken
        # (409), never another child's message handed back.
        if existing := _stored_once(Message, client_id, actor, pupil, "author_id"):
            return existing, False
        raise
    except BaseException:
        if stored:
            _remove(stored[2], stored[3])
        raise
    return message, True


def tell_about_message(message, pupil, as_parent, *, corrected=False):
    """The other side hears of a new message, or of a correction (the demo tells of its
    conversation through this too)."""
    url = f"/messages/{pupil.pk}/"
    if as_parent:
        title = (f"{first_name(pupil)}'s family corrected a message" if corrected
                 else f"A message from {first_name(pupil)}'s family")  # fmt: skip
        notify(users=staff_to_tell(pupil), kind="homeschool_parent_message", title=title,
               url=url, school_id=pupil.school_id)  # fmt: skip
    else:
        title = (f"The school corrected a message about {first_name(pupil)}" if corrected
                 else f"A message from school about {first_name(pupil)}")  # fmt: skip
        notify(users=parents_of(pupil), kind="homeschool_school_message", title=title,
               url=url, school_id=pupil.school_id)  # fmt: skip


def _own_message(actor, pupil_id, message_id) -> tuple[Message, object, bool]:
    pupil, as_parent = conversation_pupil(actor, pupil_id)
    try:
        message = Message.objects.get(pk=access._as_uuid(message_id), pupil=pupil)
    except Message.DoesNotExist:
        raise access.Http404 from None
    return message, pupil, as_parent


def message_amend(*, actor, pupil_id, message_id, body, reason) -> MessageAmendment:
    """Correct one's own message: the first words stay, the correction is shown with why."""
    message, pupil, _ = _own_message(actor, pupil_id, message_id)
    if message.author_id != actor.pk:
        raise ServiceError({"__all__": "Only the person who wrote a message can correct it."}, 403)
    errors: dict[str, str] = {}
    text = inputs.text(body, "body", errors, limit=BODY_MAX, label="The correction",
                       required="Write the message as it should read.")  # fmt: skip
    reason = inputs.text(reason, "reason", errors, limit=300, label="Why",
                         required="Say why you are correcting it.")  # fmt: skip
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        amendment = MessageAmendment.objects.create(
            message=message, body=text, reason=reason, amended_by=actor, amended_at=timezone.now()
        )
        record_pupil_change(actor, AuditEvent.Action.CREATE, amendment, pupil,
                            after=snapshot(amendment))  # fmt: skip
        # The other side may have read the first words already ("pick up at 3"): a
        # correction they are not told of would be a silent change.
        tell_about_message(message, pupil, message.from_parent, corrected=True)
    return amendment


def message_to_concern(*, actor, pupil_id, message_id, note=""):
    """Pass a message to the DSL as a safeguarding concern, in one step. The message stays
    as sent and says nothing of it; the concern is behind the wall. Staff only."""
    message, pupil, as_parent = _own_message(actor, pupil_id, message_id)
    if as_parent:
        raise access.Http404
    errors: dict[str, str] = {}
    note = inputs.text(note, "note", errors, limit=NOTE_MAX, label="What you have done")
    if errors:
        raise ServiceError(errors)
    who = "a parent" if message.from_parent else "a member of staff"
    when = timezone.localtime(message.sent_at)
    text = (
        f"Raised from a message {who} wrote in the home-school conversation on "
        f"{when:%A %-d %B %Y at %H:%M}:\n\n{message.body}"
    )
    concern, _ = concern_report(
        actor=actor, client_id=uuid.uuid5(CONCERN_NAMESPACE, f"{message.pk}:{actor.pk}"),
        pupil_id=pupil.pk, occurred_at=message.sent_at, location="Home-school messages",
        concern=text, action_taken=note or "Passed to the DSL from the message.",
    )  # fmt: skip
    return concern


def mark_read(user, pupil) -> int:
    """Receipts for the messages of `pupil` that `user` had not read: one per message, at
    the first time they opened the conversation after it came. Two queries."""
    unread = list(
        Message.objects.filter(pupil=pupil).exclude(reads__user=user).values_list("pk", flat=True)
    )
    now = timezone.now()
    MessageRead.objects.bulk_create(
        [MessageRead(message_id=pk, user=user, read_at=now) for pk in unread],
        ignore_conflicts=True,
    )
    return len(unread)


def reachable_set(*, actor, school_id, hours: str) -> Reachable:
    if (
        not StaffRole.objects.filter(user=actor, school_id=school_id)
        .exclude(role=Role.THERAPIST)
        .exists()
    ):
        raise access.Http404
    errors: dict[str, str] = {}
    hours = inputs.text(hours, "hours", errors, limit=200, label="When you answer",
                        required="Say when you usually answer messages.")  # fmt: skip
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        before = Reachable.objects.select_for_update().filter(user=actor, school_id=school_id)
        before = snapshot(before[0]) if before else None
        row, created = Reachable.objects.update_or_create(
            user=actor, school_id=school_id,
            defaults={"hours": hours, "updated_at": timezone.now()},
        )  # fmt: skip
        # Families read these words beside the conversation: who changed them, and when,
        # is on the trail like any other write.
        record_change(
            actor=actor, action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            obj=row, school_id=school_id, before=before, after=snapshot(row),
        )  # fmt: skip
    return row


# --- The diary ------------------------------------------------------------------------


def diary_pupil(user, pupil_id):
    """(pupil, as_parent) for a pupil who has a diary; Http404 for one who has none, as
    for one out of scope."""
    pupil, as_parent = conversation_pupil(user, pupil_id)
    if not DiaryPupil.objects.filter(pupil=pupil).exists():
        raise access.Http404
    return pupil, as_parent


def diary_start(*, actor, pupil_id) -> DiaryPupil:
    """Give a pupil a home-school diary (staff with record_sessions)."""
    pupil = access.get_pupil_for(actor, pupil_id, "record_sessions")
    with transaction.atomic():
        row, created = DiaryPupil.objects.get_or_create(
            pupil=pupil, defaults={"started_by": actor, "started_on": timezone.localdate()}
        )
        if created:
            record_pupil_change(actor, AuditEvent.Action.CREATE, row, pupil, after=snapshot(row))
    return row


def diary_write(*, actor, pupil_id, date, notes: dict, client_id=None) -> tuple[list, bool]:
    """Add a day's notes: {section: text}. Staff write the school sections; a parent the
    home ones. Empty sections are skipped; at least one is needed. Returns (notes, created);
    the same client_id again returns the stored notes."""
    pupil, as_parent = diary_pupil(actor, pupil_id)
    errors: dict[str, str] = {}
    client_id = _client_id(client_id, errors)
    if client_id and (stored := _stored_notes(client_id, actor, pupil)):
        return stored, False
    day = _diary_day(date, errors)
    allowed = HOME_SECTIONS if as_parent else SCHOOL_SECTIONS
    if not isinstance(notes, dict):
        notes = {}
        errors["notes"] = "Write at least one part of the diary."
    unknown = [k for k in notes if k not in allowed]
    if unknown:
        errors["notes"] = "Write only in: " + ", ".join(Section(s).label for s in allowed) + "."
    texts = {}
    for section in allowed:
        value = inputs.text(notes.get(section), section, errors, limit=2000,
                            label=Section(section).label)  # fmt: skip
        if value:
            texts[section] = value
    if not texts and "notes" not in errors:
        errors["notes"] = "Write at least one part of the diary."
    if errors:
        raise ServiceError(errors)
    now = timezone.now()
    try:
        rows = _write_notes(actor, pupil, as_parent, day, texts, client_id, now)
    except IntegrityError:
        # Two requests with one client_id in flight (a double tap, a retry while the first
        # is still saving): the second finds the first's notes, as a later retry would.
        if stored := _stored_notes(client_id, actor, pupil):
            return stored, False
        raise
    return rows, True


def _stored_notes(client_id, actor, pupil) -> list:
    """The notes saved under `client_id` (by this person about this pupil), or [];
    the id used by someone else, or for another child, is a conflict (409)."""
    if _stored_once(DiaryNote, client_id, actor, pupil, "by_id") is None:
        return []
    return list(DiaryNote.objects.filter(client_id=client_id).order_by("written_at", "pk"))


def _write_notes(actor, pupil, as_parent, day, texts, client_id, now) -> list:
    with transaction.atomic():
        rows = DiaryNote.objects.bulk_create(
            [
                DiaryNote(
                    client_id=client_id,
                    school_id=pupil.school_id,
                    pupil=pupil,
                    date=day,
                    section=s,
                    text=t,
                    by=actor,
                    from_home=as_parent,
                    written_at=now,
                )
                for s, t in texts.items()
            ]  # fmt: skip
        )
        for row in rows:
            record_pupil_change(actor, AuditEvent.Action.CREATE, row, pupil, after=snapshot(row))
        if as_parent:
            tell_about_home_diary(pupil, day)
    return rows


def tell_about_home_diary(pupil, day):
    """The staff who answer the family hear that the family wrote in the day's diary: once
    a day however many saves (the demo tells of its diary through this too)."""
    return notify(users=staff_to_tell(pupil), kind="homeschool_diary_home",
                  title=f"{first_name(pupil)}'s family wrote in the diary",
                  url=f"/diary/{pupil.pk}/?date={day:%Y-%m-%d}", school_id=pupil.school_id,
                  dedupe_key=f"diary-home:{pupil.pk}:{day}")  # fmt: skip


def _diary_day(value, errors, window: int | None = 14) -> dt.date | None:
    today = timezone.localdate()
    if value in (None, ""):
        return today
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            errors["date"] = "Give the day as a date, for example 2026-11-18."
            return None
    if day > today:
        errors["date"] = "The diary can't be written for a day that has not come."
    elif window is not None and day < today - dt.timedelta(days=window):
        errors["date"] = "The diary can be written for the last two weeks only."
    return day


# --- Meetings with the family -------------------------------------------------------------

ACTIONS_MAX = 12


def meeting_request(*, actor, pupil_id, about, times="", client_id=None) -> tuple:
    """A parent asks to meet about their child; the staff who answer their messages and
    the SENCO are told. Returns (request, created): the same client_id again (the button
    pressed twice) returns the stored request, and nobody is told twice."""
    pupil, as_parent = conversation_pupil(actor, pupil_id)
    if not as_parent:
        raise access.Http404
    errors: dict[str, str] = {}
    client_id = _client_id(client_id, errors)
    if stored := _stored_once(MeetingRequest, client_id, actor, pupil, "requested_by_id"):
        return stored, False
    about = inputs.text(about, "about", errors, limit=2000, label="What about",
                        required="Say what you would like to talk about.")  # fmt: skip
    times = inputs.text(times, "times", errors, limit=300, label="When suits you")
    if errors:
        raise ServiceError(errors)
    try:
        with transaction.atomic():
            row = MeetingRequest.objects.create(
                client_id=client_id, school_id=pupil.school_id, pupil=pupil,
                requested_by=actor, about=about, times=times, requested_at=timezone.now(),
            )  # fmt: skip
            record_pupil_change(actor, AuditEvent.Action.CREATE, row, pupil, after=snapshot(row))
            tell_about_meeting_request(pupil)
    except IntegrityError:
        # The same press arriving twice at once: the second finds the first.
        if stored := _stored_once(MeetingRequest, client_id, actor, pupil, "requested_by_id"):
            return stored, False
        raise
    return row, True


def tell_about_meeting_request(pupil):
    """The staff who answer the family, and the SENCO, who arranges meetings with families,
    hear that it asked to meet (the demo's request is told of through this too)."""
    return notify(users=sorted(set(staff_to_tell(pupil)) | set(_sencos(pupil.school_id))),
                  kind="homeschool_meeting_request",
                  title=f"{first_name(pupil)}'s family asked for a meeting",
                  url=f"/meetings/{pupil.pk}/", school_id=pupil.school_id)  # fmt: skip


def tell_about_meeting_notes(pupil):
    """The family hears that the notes of a meeting with them are written (the demo's
    meeting is told of through this too)."""
    return notify(users=parents_of(pupil), kind="homeschool_school_message",
                  title=f"Notes of your meeting about {first_name(pupil)}",
                  url=f"/meetings/{pupil.pk}/", school_id=pupil.school_id)  # fmt: skip


def _actions(lines, errors) -> list[tuple[str, str]]:
    """Actions typed one a line, "what — who" (or "what - who"): [(what, who)]."""
    if not isinstance(lines, str):
        lines = ""
    out = []
    for line in (ln.strip() for ln in lines.splitlines()):
        if not line:
            continue
        what, _, who = line.replace(" — ", " - ").partition(" - ")
        if len(what) > 300 or len(who) > 120:
            errors["actions"] = "Keep each action to one line: what, then ' - ' and who."
        out.append((what.strip()[:300], who.strip()[:120]))
    if len(out) > ACTIONS_MAX:
        errors["actions"] = f"Agree {ACTIONS_MAX} actions at most in one meeting."
    return out


ANSWERED = "That request has been answered already."


def _request_named(request_id, pupil, errors):
    """The open request the form names, or None with the message in errors. A garbled id
    (a tampered hidden field) is a form error, not a page that does not exist."""
    if not request_id:
        return None
    try:
        pk = uuid.UUID(str(request_id))
    except (TypeError, ValueError, AttributeError):
        errors["request"] = "Choose the request from the list."
        return None
    request = MeetingRequest.objects.filter(pk=pk, pupil=pupil).first()
    if request is None:
        errors["request"] = "Choose the request from the list."
    elif Meeting.objects.filter(request=request).exists():
        errors["request"] = ANSWERED
    return request


def meeting_record(*, actor, pupil_id, held_on, attendees, notes, actions="", request_id=None,
                   client_id=None) -> tuple:  # fmt: skip
    """Staff in scope record a meeting with the family: the family reads it. It answers
    the family's request when one is named. Returns (meeting, created): the same client_id
    again returns the stored meeting, and the family is told once."""
    pupil, as_parent = conversation_pupil(actor, pupil_id)
    if as_parent:
        raise access.Http404
    errors: dict[str, str] = {}
    client_id = _client_id(client_id, errors)
    if stored := _stored_once(Meeting, client_id, actor, pupil, "recorded_by_id"):
        return stored, False
    day = _diary_day(held_on, errors, window=None)
    if "date" in errors:
        errors["held_on"] = errors.pop("date").replace("The diary can't be written", "A meeting "
                                                       "can't be recorded")  # fmt: skip
    attendees = inputs.text(attendees, "attendees", errors, limit=300, label="Who was there",
                            required="Say who was at the meeting.")  # fmt: skip
    notes = inputs.text(notes, "notes", errors, limit=8000, label="Notes",
                        required="Write the notes of the meeting.")  # fmt: skip
    agreed = _actions(actions, errors)
    request = _request_named(request_id, pupil, errors)
    if errors:
        raise ServiceError(errors)
    try:
        meeting = _write_meeting(actor, pupil, request, day, attendees, notes, agreed, client_id)
    except IntegrityError:
        # The same press arriving twice at once finds the first; someone else's meeting
        # answering the request first is said plainly (the request's one meeting).
        if stored := _stored_once(Meeting, client_id, actor, pupil, "recorded_by_id"):
            return stored, False
        raise ServiceError({"request": ANSWERED}) from None
    return meeting, True


def _write_meeting(actor, pupil, request, day, attendees, notes, agreed, client_id):
    with transaction.atomic():
        if request is not None:
            # Locked, then asked again: two people answering one request at once wait for
            # each other, and the second is told it is answered (PostgreSQL; SQLite writes
            # one at a time, and the request's unique meeting is the last word).
            MeetingRequest.objects.select_for_update().filter(pk=request.pk).first()
            if Meeting.objects.filter(request=request).exists():
                raise ServiceError({"request": ANSWERED})
        meeting = Meeting.objects.create(
            client_id=client_id, school_id=pupil.school_id, pupil=pupil, request=request,
            held_on=day, attendees=attendees, notes=notes, recorded_by=actor,
            recorded_at=timezone.now(),
        )  # fmt: skip
        MeetingAction.objects.bulk_create(
            [
                MeetingAction(meeting=meeting, text=w, who=who, order=i)
                for i, (w, who) in enumerate(agreed)
            ]  # fmt: skip
        )
        record_pupil_change(actor, AuditEvent.Action.CREATE, meeting, pupil,
                            after={**snapshot(meeting), "actions": agreed})  # fmt: skip
        tell_about_meeting_notes(pupil)
    return meeting
