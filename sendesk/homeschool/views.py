"""The home-school pages: one conversation per child (parents and staff in scope on the
same page), the diary, and when staff are reachable. Every pupil comes through
services.conversation_pupil (the access layer): another child is a page that does not
exist. A failed form comes back with what was typed and the error summary."""

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.audit.services import record_access
from sendesk.lib.errors import ServiceError
from sendesk.schools.models import School

from . import selectors, services
from .models import HOME_SECTIONS, SCHOOL_SECTIONS, Attachment, DiaryPupil, Reachable, Section

WHAT = "home-school messages"
MEETING_FIELDS = ("about", "times", "held_on", "attendees", "notes", "actions", "request")
DIARY_WHAT = "home-school diary"


def _conversation_context(request, pupil, as_parent, **extra):
    return {
        "pupil": pupil,
        "name": services.first_name(pupil),
        "as_parent": as_parent,
        "messages_list": selectors.conversation(pupil),
        "reachable": selectors.reachable(pupil),
        "has_diary": selectors.has_diary(pupil),
        "values": {},
        "errors": {},
        # The form's own id: pressing Send twice, or again after a lost answer, stores one
        # message (a failed form keeps its id, a new form gets a new one).
        "client_id": request.POST.get("client_id") or uuid.uuid4(),
        **extra,
    }


@login_required
@require_GET
def inbox(request):
    is_staff = bool(access.schools_where(request.user, "school_staff"))
    children = list(access.children_of(request.user).order_by("legal_first_name"))
    if not is_staff and not children:
        raise Http404
    # Someone who is staff and a parent (common) sees both: the families' conversations
    # they answer, and their own children's.
    rows = selectors.inbox(request.user, own_children=not is_staff)
    own = selectors.inbox(request.user, own_children=True) if is_staff and children else []
    requests = selectors.open_meeting_requests(request.user) if is_staff else []
    return render(request, "homeschool/inbox.html",
                  {"rows": rows, "own": own, "is_staff": is_staff, "children": children,
                   "requests": requests})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request, pupil_id):
    pupil, as_parent = services.conversation_pupil(request.user, pupil_id)
    status = 200
    extra = {}
    if request.method == "POST":
        try:
            _, created = services.message_send(
                actor=request.user, pupil_id=pupil.pk, body=request.POST.get("body"),
                client_id=request.POST.get("client_id") or None,
                photo=request.FILES.get("photo"),
            )  # fmt: skip
        except ServiceError as exc:
            status = 403 if exc.status == 403 else 400
            extra = {"errors": exc.errors, "values": {"body": request.POST.get("body", "")}}
        else:
            flash.success(request, "Sent." if created else "This message was already sent.")
            # ?sent: the page tells the device to forget the draft it kept of this message.
            return redirect(reverse("homeschool_conversation", args=[pupil.pk]) + "?sent=1")
    services.mark_read(request.user, pupil)
    record_access(actor=request.user, pupil=pupil, what=WHAT)
    context = _conversation_context(request, pupil, as_parent, **extra)
    return render(request, "homeschool/conversation.html", context, status=status)


def _message(request, pupil_id, message_id):
    message, pupil, as_parent = services._own_message(request.user, pupil_id, message_id)
    return message, pupil, as_parent


@login_required
@require_http_methods(["GET", "POST"])
def amend(request, pupil_id, message_id):
    message, pupil, as_parent = _message(request, pupil_id, message_id)
    if message.author_id != request.user.pk:
        raise Http404
    errors, values, status = {}, {"body": message.body, "reason": ""}, 200
    if request.method == "POST":
        values = {"body": request.POST.get("body", ""), "reason": request.POST.get("reason", "")}
        try:
            services.message_amend(actor=request.user, pupil_id=pupil.pk, message_id=message.pk,
                                   body=values["body"], reason=values["reason"])  # fmt: skip
        except ServiceError as exc:
            errors, status = exc.errors, 400
        else:
            flash.success(request, "Corrected. Your first message is still shown beside it.")
            return redirect("homeschool_conversation", pupil_id=pupil.pk)
    # The page shows the message about the child: read like the conversation, logged.
    record_access(actor=request.user, pupil=pupil, what=WHAT)
    return render(request, "homeschool/amend.html",
                  {"pupil": pupil, "message": message, "errors": errors, "values": values},
                  status=status)  # fmt: skip


@login_required
@require_POST
def to_concern(request, pupil_id, message_id):
    try:
        services.message_to_concern(
            actor=request.user, pupil_id=pupil_id, message_id=message_id,
            note=request.POST.get("note", ""),
        )  # fmt: skip
    except ServiceError as exc:
        # Nothing was passed on: say why on the conversation, where the button is.
        flash.error(request, "Not passed to the DSL: " + " ".join(map(str, exc.errors.values())))
        return redirect("homeschool_conversation", pupil_id=pupil_id)
    # Said to the reporter only; the conversation shows nothing of it.
    flash.success(request, "Passed to the designated safeguarding lead. The message stays as sent.")
    return redirect("homeschool_conversation", pupil_id=pupil_id)


@login_required
@require_GET
def photo(request, attachment_id):
    try:
        attachment = Attachment.objects.select_related("message").get(
            pk=access._as_uuid(attachment_id)
        )
    except Attachment.DoesNotExist:
        raise Http404 from None
    pupil, _ = services.conversation_pupil(request.user, attachment.message.pupil_id)
    thumb = request.GET.get("size") == "thumb"
    path = Path(settings.EVIDENCE_DIR) / (attachment.thumb_path if thumb else attachment.path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError:
        # The row outlived its file (a restore without the files): nothing to show.
        raise Http404 from None
    # A photo of a child is a record about them: its reading is logged like any other.
    record_access(actor=request.user, pupil=pupil, what="home-school photo")
    response = FileResponse(handle, content_type="image/jpeg" if thumb else attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def reachable(request):
    schools = access.schools_where(request.user, "school_staff")
    if not schools:
        raise Http404
    # Someone on the staff of two schools answers each school's families on its own
    # hours: the school asked for (?school= or the form's), else their first.
    school_id = access.pick_school(schools, request.POST.get("school") or request.GET.get("school"))
    current = Reachable.objects.filter(user=request.user, school_id=school_id).first()
    errors, values, status = {}, {"hours": current.hours if current else ""}, 200
    if request.method == "POST":
        values = {"hours": request.POST.get("hours", "")}
        try:
            services.reachable_set(actor=request.user, school_id=school_id, hours=values["hours"])
        except ServiceError as exc:
            errors, status = exc.errors, 400
        else:
            flash.success(request, "Saved. Families see this beside their messages.")
            return redirect(reverse("homeschool_reachable") + f"?school={school_id}")
    others = (
        list(School.objects.filter(pk__in=schools).order_by("name").values("pk", "name"))
        if len(schools) > 1
        else []
    )
    return render(request, "homeschool/reachable.html",
                  {"errors": errors, "values": values, "school_id": school_id,
                   "schools": others}, status=status)  # fmt: skip


# --- The diary ------------------------------------------------------------------------


def _first_day(pupil) -> dt.date:
    """The earliest day the diary can hold: a note may be written for the two weeks before
    the day it was started (services.diary_write's window), never earlier."""
    started = DiaryPupil.objects.filter(pupil=pupil).values_list("started_on", flat=True).first()
    return (started or timezone.localdate()) - dt.timedelta(days=14)


def _day(request, first: dt.date):
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("date") or today.isoformat())
    except ValueError:
        return today, "Give the day as a date, for example 2026-11-18."
    if day > today:
        return today, "The diary can't be read for a day that has not come."
    # A day long before the diary began holds nothing, and one near date.min would
    # overflow the week shown around it.
    if day < first:
        return today, f"The diary holds nothing before {first:%-d %B %Y}: choose a later day."
    return day, ""


@login_required
@require_http_methods(["GET", "POST"])
def diary(request, pupil_id):
    pupil, as_parent = services.conversation_pupil(request.user, pupil_id)
    if not selectors.has_diary(pupil):
        if as_parent:
            raise Http404
        record_access(actor=request.user, pupil=pupil, what=DIARY_WHAT)
        return render(request, "homeschool/diary_none.html", {"pupil": pupil})
    first = _first_day(pupil)
    day, problem = _day(request, first)
    sections = HOME_SECTIONS if as_parent else SCHOOL_SECTIONS
    errors, status = ({"date": problem} if problem else {}), (400 if problem else 200)
    values = {} if as_parent else selectors.prefill(pupil, day)
    if request.method == "POST":
        values = {s: request.POST.get(s, "") for s in sections}
        try:
            services.diary_write(actor=request.user, pupil_id=pupil.pk,
                                 date=request.POST.get("date") or day, notes=values,
                                 client_id=request.POST.get("client_id") or None)  # fmt: skip
        except ServiceError as exc:
            errors, status = exc.errors, 400
        else:
            flash.success(request, "Saved in the diary.")
            return redirect(f"{request.path}?date={request.POST.get('date') or day}&sent=1")
    record_access(actor=request.user, pupil=pupil, what=DIARY_WHAT)
    context = {
        "pupil": pupil, "name": services.first_name(pupil), "as_parent": as_parent, "day": day,
        "days": selectors.diary_days(pupil, day - dt.timedelta(days=6), day),
        "fields": [(s, Section(s).label, values.get(s, "")) for s in sections],
        "errors": errors, "prev": max(day - dt.timedelta(days=7), first),
        "next": min(day + dt.timedelta(days=7), timezone.localdate()),
        "is_today": day == timezone.localdate(),
        "client_id": request.POST.get("client_id") or uuid.uuid4(),
    }  # fmt: skip
    return render(request, "homeschool/diary.html", context, status=status)


@login_required
@require_POST
def diary_start(request, pupil_id):
    services.diary_start(actor=request.user, pupil_id=pupil_id)
    flash.success(
        request, "The home-school diary is started. The family can now read and add to it."
    )
    return redirect("homeschool_diary", pupil_id=pupil_id)


# --- Meetings with the family -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meetings(request, pupil_id):
    pupil, as_parent = services.conversation_pupil(request.user, pupil_id)
    errors, values, status = {}, {}, 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in MEETING_FIELDS}
        client_id = request.POST.get("client_id") or None
        try:
            if as_parent:
                _, created = services.meeting_request(
                    actor=request.user, pupil_id=pupil.pk, about=values["about"],
                    times=values["times"], client_id=client_id,
                )  # fmt: skip
                said = ("Sent. The school will get in touch to arrange a time." if created
                        else "You have asked already: the school has your request.")  # fmt: skip
            else:
                _, created = services.meeting_record(
                    actor=request.user, pupil_id=pupil.pk, held_on=values["held_on"],
                    attendees=values["attendees"], notes=values["notes"],
                    actions=values["actions"], request_id=values["request"] or None,
                    client_id=client_id,
                )  # fmt: skip
                said = ("Saved. The family can read the notes and the actions agreed."
                        if created else "This meeting was saved already.")  # fmt: skip
        except ServiceError as exc:
            errors, status = exc.errors, 400
        else:
            flash.success(request, said)
            return redirect(reverse("homeschool_meetings", args=[pupil.pk]) + "?sent=1")
    record_access(actor=request.user, pupil=pupil, what="meetings with the family")
    context = {
        "pupil": pupil, "name": services.first_name(pupil), "as_parent": as_parent,
        "errors": errors, "values": values, "today": timezone.localdate(),
        # The form's own id, as the conversation's: one request or meeting per press.
        "client_id": request.POST.get("client_id") or uuid.uuid4(),
        **selectors.meetings(pupil),
    }  # fmt: skip
    return render(request, "homeschool/meetings.html", context, status=status)
