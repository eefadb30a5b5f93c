"""Reading the conversation and the diary. The caller has fetched the pupil through
services.conversation_pupil (the access layer); nothing here checks scope."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from sendesk import access
from sendesk.care.models import CareEvent
from sendesk.provision.models import SessionPupil
from sendesk.reviews.models import ReviewMeeting

from .models import (
    HOME_SECTIONS,
    SCHOOL_SECTIONS,
    DiaryNote,
    DiaryPupil,
    Meeting,
    MeetingRequest,
    Message,
    MessageRead,
    Reachable,
    Section,
)
from .services import first_name, staff_to_tell


def conversation(pupil) -> list[Message]:
    """The child's messages, oldest first, each with its author, photos, corrections and
    read receipts (`read_by_other`: when the other side — the family for a staff message,
    the school for a parent's — first read it). Five queries whatever the number."""
    messages = list(
        Message.objects.filter(pupil=pupil)
        .select_related("author")
        .prefetch_related("attachments", "amendments")
        .order_by("sent_at", "pk")
    )
    parent_ids = set(pupil.parent_links.filter(active=True).values_list("user_id", flat=True))
    first_read = {}
    for message_id, user_id, read_at in MessageRead.objects.filter(
        message__pupil=pupil
    ).values_list("message_id", "user_id", "read_at"):
        first_read.setdefault((message_id, user_id in parent_ids), []).append(read_at)
    for m in messages:
        other_side = not m.from_parent  # a staff message is read by the family
        times = first_read.get((m.pk, other_side), [])
        m.read_by_other = min(times) if times else None
        m.latest = m.amendments.all()[len(m.amendments.all()) - 1] if m.amendments.all() else None
    return messages


def reachable(pupil) -> list[Reachable]:
    """When the staff who answer this child's messages are reachable, as they set it."""
    return list(
        Reachable.objects.filter(user_id__in=staff_to_tell(pupil), school_id=pupil.school_id)
        .select_related("user")
        .order_by("user__full_name")
    )


def inbox(user, *, own_children=False) -> list[dict]:
    """The conversations `user` may read, latest first, with how many they have not read:
    the pupils in their staff scope (the whole school for the SENCO), or with
    `own_children` their own children's. One query."""
    pupils = access.children_of(user) if own_children else access.visible_pupils(user)
    unread = ~Exists(MessageRead.objects.filter(message=OuterRef("pk"), user=user))
    rows = (
        Message.objects.filter(pupil__in=pupils)
        .values(
            "pupil_id", "pupil__legal_first_name", "pupil__preferred_name", "pupil__legal_last_name"
        )  # fmt: skip
        .annotate(last=Max("sent_at"), count=Count("pk"), unread=Count("pk", filter=Q(unread)))
        .order_by("-last")
    )
    return [
        {
            "pupil_id": r["pupil_id"],
            "name": f"{r['pupil__preferred_name'] or r['pupil__legal_first_name']} "
            f"{r['pupil__legal_last_name']}",
            "last": r["last"],
            "count": r["count"],
            "unread": r["unread"],
        }
        for r in rows
    ]


def open_meeting_requests(user) -> list[MeetingRequest]:
    """The meetings families asked for that no recorded meeting has answered yet, about
    the pupils `user` may see (the whole school for the SENCO), oldest first: the longest
    wait comes first. One query."""
    return list(
        MeetingRequest.objects.filter(pupil__in=access.visible_pupils(user), meeting__isnull=True)
        .select_related("pupil", "requested_by")
        .order_by("requested_at", "pk")
    )


# --- The diary ------------------------------------------------------------------------


def has_diary(pupil) -> bool:
    return DiaryPupil.objects.filter(pupil=pupil).exists()


def with_diary(pupil_ids) -> set:
    """Of `pupil_ids`, those who have a diary (the rule of has_diary and of diary_write),
    in one query: the offline pack offers the diary for these only."""
    return set(DiaryPupil.objects.filter(pupil__in=pupil_ids).values_list("pupil_id", flat=True))


def diary_days(pupil, first: dt.date, last: dt.date) -> list[dict]:
    """The diary from `first` to `last`, newest day first: for each day the school's notes
    and the home's, by section in a fixed order, each with who and when. One query."""
    notes = (
        DiaryNote.objects.filter(pupil=pupil, date__range=(first, last))
        .select_related("by")
        .order_by("-date", "written_at")
    )
    days: dict = defaultdict(lambda: {"school": defaultdict(list), "home": defaultdict(list)})
    for n in notes:
        days[n.date]["home" if n.from_home else "school"][n.section].append(n)
    out = []
    for day in sorted(days, reverse=True):
        d = days[day]
        out.append(
            {
                "date": day,
                "school": [
                    (Section(s).label, d["school"][s])
                    for s in SCHOOL_SECTIONS
                    if d["school"].get(s)
                ],
                "home": [
                    (Section(s).label, d["home"][s]) for s in HOME_SECTIONS if d["home"].get(s)
                ],
            }  # fmt: skip
        )
    return out


def prefill(pupil, day: dt.date) -> dict:
    """What the school already recorded that day, as first words for the diary's sections:
    care events (toileting, eating and drinking) and the notes of sessions shared with the
    family. Two queries."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    by_section = defaultdict(list)
    for kind, plan_kind, at in (
        CareEvent.objects.filter(pupil=pupil, occurred_at__gte=start, occurred_at__lt=end)
        .order_by("occurred_at")
        .values_list("kind", "care_plan__kind", "occurred_at")
    ):
        section = Section.FOOD if plan_kind in ("feeding", "gastrostomy") else Section.TOILETING
        if plan_kind not in ("toileting", "feeding", "gastrostomy"):
            continue
        by_section[section].append(f"{kind.capitalize()} at {timezone.localtime(at):%H:%M}.")
    for title, note in (
        SessionPupil.objects.filter(pupil=pupil, date=day, note_shared_with_parents=True)
        .exclude(note="")
        .values_list("provision__title", "note")
    ):
        by_section[Section.ENJOYED].append(f"{title or 'Session'}: {note.strip()}")
    return {section: " ".join(lines) for section, lines in by_section.items()}


def home_notes(user, day: dt.date) -> list[DiaryNote]:
    """What families wrote at home last evening and this morning for the pupils with a
    diary that `user` is deployed to on `day`, and still has in scope (a deployment names
    pupils, it does not vouch for them: someone who left the school sees nothing). One
    query."""
    scope = access.pupil_scope(user, "pupil", day)
    if scope is None:
        return []
    return list(
        DiaryNote.objects.filter(
            scope, pupil__in=access.deployed_pupils(user, day), from_home=True,
            date__range=(day - dt.timedelta(days=1), day),
        )
        .select_related("pupil")
        .order_by("pupil__legal_first_name", "written_at")
    )  # fmt: skip


def home_lines(notes) -> list[dict]:
    """My day's lines for `notes` (home_notes)."""
    return [
        {
            "start": None,
            "end": None,
            "kind": "diary",
            "text": f"From home about {first_name(n.pupil)} ({Section(n.section).label.lower()}): "
            f"{n.text}",
            "place": "",
            "uncovered": False,
        }  # fmt: skip
        for n in notes
    ]


# --- Meetings with the family -------------------------------------------------------------


def meetings(pupil) -> dict:
    """The meetings with the family (newest first, with their actions), the requests not
    yet answered, and the reviews to come (where the family adds their views: the reviews
    app's own page). Four queries."""
    held = list(
        Meeting.objects.filter(pupil=pupil)
        .select_related("recorded_by")
        .prefetch_related("actions")
        .order_by("-held_on", "-recorded_at")
    )
    open_requests = list(
        MeetingRequest.objects.filter(pupil=pupil, meeting__isnull=True)
        .select_related("requested_by")
        .order_by("requested_at")
    )
    reviews = list(
        ReviewMeeting.objects.filter(
            pupil=pupil, status=ReviewMeeting.Status.PLANNED, date__gte=timezone.localdate()
        ).order_by("date")
    )
    return {"held": held, "open_requests": open_requests, "reviews": reviews}
