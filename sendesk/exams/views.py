"""The exam pages: the pupils with access arrangements (with the TA's one-tap "used in
class" record), a pupil's arrangements and their normal way of working evidence, the exam
timetable, an exam session (its rooms, candidates and adults, with the allocation form
that refuses conflicts) and its printable room list.

Pupils come through the access layer: pages name only the pupils the reader may see (the
others are counted, not named), and a pupil or session out of scope is a 404."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendesk import access
from sendesk.audit.services import record_access, record_access_many
from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.staff.selectors import school_staff

from . import selectors
from . import services as exams
from .forms import (
    AllocationForm,
    ArrangementForm,
    EndForm,
    RoomForm,
    SeatForm,
    SessionForm,
    UseForm,
    WithdrawForm,
)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _staff_member(user):
    if not access.schools_where(user, "school_staff"):
        raise Http404


# --- Arrangements and the normal way of working -------------------------------------------


def _use_form(arrangement, sessions, data=None):
    return UseForm(data, prefix=f"use-{arrangement.pk}", sessions=sessions)


def _cards(user, arrangements, today):
    """Each arrangement with its use form, for those who may record uses. Two queries at
    most, however many arrangements."""
    may_record = {}
    for a in arrangements:
        school = a.pupil.school_id
        if school not in may_record:
            may_record[school] = access.can(user, school, "record_sessions")
    recordable = [a for a in arrangements if may_record[a.pupil.school_id] and a.end is None]
    sessions = selectors.session_choices({a.pupil for a in recordable}, today) if recordable else {}
    for a in arrangements:
        a.use_form = _use_form(a, sessions.get(a.pupil_id, [])) if a in recordable else None
    return arrangements


@login_required
@require_GET
def arrangement_board(request):
    """The pupils the reader may see with current arrangements: a TA's one place to record
    that an arrangement was used in class."""
    _staff_member(request.user)
    today = timezone.localdate()
    pupils = selectors.board(request.user, today)
    for p in pupils:
        for a in p.arrangements_now:
            a.pupil = p
    _cards(request.user, [a for p in pupils for a in p.arrangements_now], today)
    record_access_many(actor=request.user, pupils=pupils, what="exam arrangements")
    manage = exams.may_manage(request.user)
    choices = (
        access.visible_pupils(request.user).filter(school_id__in=manage)
        .select_related("year_group").order_by("legal_last_name", "legal_first_name")
        if manage else []
    )  # fmt: skip
    return render(request, "exams/board.html", {
        "pupils": pupils, "choices": choices, "next": reverse("arrangement_board"),
        "allocated": list(selectors.my_allocations(request.user, today)),
    })  # fmt: skip


@login_required
@require_GET
def arrangement_for(request):
    """The board's "add an arrangement for" picker: on to that pupil's page."""
    pupil = access.get_pupil_for(request.user, request.GET.get("pupil"), "manage_exams")
    return redirect("pupil_arrangements", pupil.pk)


def _pupil_context(request, pupil, form=None, status=200):
    today = timezone.localdate()
    arrangements = selectors.arrangements_of(pupil)
    for a in arrangements:
        a.pupil = pupil
    _cards(request.user, arrangements, today)
    manage = access.can(request.user, pupil.school_id, "manage_exams")
    if manage and form is None:
        form = ArrangementForm()
    seats = (
        pupil.exam_seats.filter(session__date__gte=today)
        .select_related("session", "room").order_by("session__date", "session__start")
    )  # fmt: skip
    return {
        "pupil": pupil, "arrangements": arrangements, "form": form if manage else None,
        "manage": manage, "seats": list(seats), "next": request.path,
    }  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def pupil_arrangements(request, pupil_id):
    pupil = access.get_pupil(request.user, pupil_id)
    form, status = None, 200
    if request.method == "POST":
        access.require(request.user, pupil.school_id, "manage_exams")
        form, status = ArrangementForm(request.POST), 422
        if form.is_valid():
            try:
                arrangement = exams.arrangement_add(
                    actor=request.user, pupil_id=pupil.pk, data=form.arrangement_data()
                )
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(request, f"{arrangement.label} recorded for {pupil.name}.")
                return redirect("pupil_arrangements", pupil.pk)
    record_access(actor=request.user, pupil=pupil, what="exam arrangements")
    context = _pupil_context(request, pupil, form)
    return render(request, "exams/pupil_arrangements.html", context, status=status)


def _back(request, arrangement):
    target = request.POST.get("next", "")
    if target == reverse("arrangement_board"):
        return redirect(target)
    return redirect("pupil_arrangements", arrangement.pupil_id)


@login_required
@require_POST
def arrangement_use(request, pk):
    arrangement = exams.get_arrangement(request.user, pk)
    access.require(request.user, arrangement.pupil.school_id, "record_sessions")
    today = timezone.localdate()
    sessions = selectors.session_choices([arrangement.pupil], today).get(arrangement.pupil_id, [])
    form = _use_form(arrangement, sessions, request.POST)
    status = 422
    if form.is_valid():
        try:
            use, created = exams.use_record(
                actor=request.user, arrangement=arrangement, **form.use_data()
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
            status = error.status
        else:
            status = 200
            note = f"Recorded: {arrangement.label.lower()} used on {use.date:%-d %B}."
            if not request.htmx:
                messages.success(request, note)
                return _back(request, arrangement)
            form = _use_form(arrangement, sessions)
            form.saved = note
    if not request.htmx:
        messages.error(request, "Not recorded: " + " ".join(
            str(e) for errors in form.errors.values() for e in errors))  # fmt: skip
        return _back(request, arrangement)
    arrangement.evidence_counted = selectors.evidence_for([arrangement])[arrangement.pk]
    arrangement.use_form = form
    context = {"a": arrangement, "next": request.POST.get("next", "")}
    return render(request, "exams/_arrangement.html", context, status=status)


@login_required
@require_POST
def arrangement_end(request, pk):
    arrangement = exams.get_arrangement(request.user, pk)
    access.require(request.user, arrangement.pupil.school_id, "manage_exams")
    form = EndForm(request.POST)
    form.is_valid()
    try:
        exams.arrangement_end(
            actor=request.user, arrangement=arrangement,
            reason=form.cleaned_data.get("end_reason", ""),
        )  # fmt: skip
    except ServiceError as error:
        messages.error(request, "Not ended: " + " ".join(error.errors.values()))
    else:
        messages.success(request, f"{arrangement.label} ended.")
    return redirect("pupil_arrangements", arrangement.pupil_id)


@login_required
@require_POST
def use_withdraw(request, pk):
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        withdrawal = exams.use_withdraw(
            actor=request.user, use_id=pk, reason=form.cleaned_data.get("reason", "")
        )
    except ServiceError as error:
        messages.error(request, "Not withdrawn: " + " ".join(error.errors.values()))
        use = access.get_scoped(request.user, exams.ArrangementUse.objects.all(), pk)
        return redirect("pupil_arrangements", use.pupil_id)
    messages.success(request, "Withdrawn: it no longer counts, and stays on record.")
    return redirect("pupil_arrangements", withdrawal.use.pupil_id)


# --- The exam timetable ------------------------------------------------------------------------


@login_required
@require_GET
def exam_list(request):
    _staff_member(request.user)
    today = timezone.localdate()
    sessions = selectors.sessions_for(exams.visible_sessions(request.user))
    return render(request, "exams/exam_list.html", {
        "upcoming": [s for s in sessions if s.date >= today],
        "past": [s for s in sessions if s.date < today][::-1],
        "may_manage": bool(exams.may_manage(request.user)),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def exam_new(request):
    school_id = access.pick_school(exams.may_manage(request.user), request.GET.get("school"))
    form, status = SessionForm(_posted(request)), 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                session = exams.session_create(
                    actor=request.user, data=form.session_data(), school_id=school_id
                )
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(request, f"{session.title} is on the timetable.")
                return redirect("exam_detail", session.pk)
    return render(request, "exams/exam_form.html", {"form": form}, status=status)


# The seat and allocation forms share the session page and both have a "room": the seat
# form's ids are its own, so each Room label (and the error summary's link) finds its control.
SEAT_IDS = "seat-%s"


def _seat_choices(request, session, seated):
    """(year chosen, [(id, name)] of the years, the pupils to tick) for the seat form. One
    year group at a time: the one asked for, else the one most of the seated candidates
    are in; "all" lists the whole school, and nothing is listed until a year is chosen (a
    school of a thousand pupils is a page of a thousand boxes)."""
    year = request.GET.get("year", "")
    visible = access.visible_pupils(request.user).filter(school_id=session.school_id)
    years = [
        (pk, name)
        for pk, name, _ in sorted(
            set(
                visible.exclude(year_group=None).values_list(
                    "year_group_id", "year_group__name", "year_group__ordinal"
                )
            ),
            key=lambda y: (y[2], y[1]),
        )
    ]
    if not year:
        seated_years = Counter(p.year_group_id for p in seated if p.year_group_id)
        year = str(seated_years.most_common(1)[0][0]) if seated_years else ""
    chosen = visible if year == "all" else visible.none()
    if year.isdigit():
        chosen = visible.filter(year_group_id=int(year))
    pupils = chosen.select_related("year_group").order_by(
        "year_group__ordinal", "legal_last_name", "legal_first_name"
    )
    return year, years, list(pupils)


def _detail(request, session, status=200, **forms):
    listing = selectors.room_list(session, request.user)
    record_access_many(actor=request.user, pupils=listing["pupils"], what="exam room list")
    manage = access.can(request.user, session.school_id, "manage_exams")
    context = {"session": session, "manage": manage, **listing}
    if manage:
        rooms = list(session.rooms.all())
        year, years, pupils = _seat_choices(request, session, listing["pupils"])
        context.update(
            years=years, year=year,
            seat_form=forms.get("seat_form")
            or SeatForm(pupils=pupils, rooms=rooms, auto_id=SEAT_IDS),
            allocation_form=forms.get("allocation_form") or AllocationForm(
                staff=school_staff(session.school_id), rooms=rooms,
                candidates=listing["pupils"],
            ),
            room_form=forms.get("room_form") or RoomForm(),
        )  # fmt: skip
    return render(request, "exams/exam_detail.html", context, status=status)


@login_required
@require_GET
def exam_detail(request, pk):
    return _detail(request, exams.get_session(request.user, pk))


@login_required
@require_GET
def exam_room_list(request, pk):
    session = exams.get_session(request.user, pk)
    listing = selectors.room_list(session, request.user)
    record_access_many(actor=request.user, pupils=listing["pupils"], what="exam room list")
    return render(request, "exams/room_list.html", {"session": session, **listing})


def _write(request, session, form, name, write, said):
    """One form of the session page: written through its service, then back to the page
    with what was done; refused, the page again with the form as typed and its messages."""
    status = 422
    if form.is_valid():
        try:
            done = write(form)
        except ServiceError as error:
            apply_service_errors(form, error.errors)
            status = error.status
        else:
            messages.success(request, said(done))
            return redirect("exam_detail", session.pk)
    return _detail(request, session, status, **{name: form})


@login_required
@require_POST
def exam_room_add(request, pk):
    session = exams.get_managed_session(request.user, pk)
    return _write(
        request, session, RoomForm(request.POST), "room_form",
        lambda form: exams.room_add(actor=request.user, session=session,
                                    name=form.cleaned_data["name"]),
        lambda room: f"{room.name} added.",
    )  # fmt: skip


@login_required
@require_POST
def exam_seat(request, pk):
    session = exams.get_managed_session(request.user, pk)
    pupils = access.visible_pupils(request.user).filter(school_id=session.school_id)
    form = SeatForm(request.POST, pupils=pupils.select_related("year_group"),
                    rooms=session.rooms.all(), auto_id=SEAT_IDS)  # fmt: skip
    return _write(
        request, session, form, "seat_form",
        lambda form: exams.seat(actor=request.user, session=session, **form.seat_data()),
        lambda seats: f"{len(seats)} pupil(s) seated.",
    )  # fmt: skip


@login_required
@require_POST
def exam_unseat(request, pk):
    session = exams.get_managed_session(request.user, pk)
    try:
        exams.unseat(actor=request.user, session=session, pupil_id=request.POST.get("pupil"))
    except ServiceError as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(request, "Taken off this session.")
    return redirect("exam_detail", session.pk)


def _allocated(allocation) -> str:
    note = f"{allocation.staff.full_name} allocated as {allocation.get_role_display().lower()}."
    if allocation.confirmed_conflict:
        note += " The 1:1 left without an adult is recorded with your reason."
    return note


@login_required
@require_POST
def exam_allocate(request, pk):
    session = exams.get_managed_session(request.user, pk)
    listing = selectors.room_list(session, request.user)
    form = AllocationForm(
        request.POST, staff=school_staff(session.school_id), rooms=session.rooms.all(),
        candidates=listing["pupils"],
    )  # fmt: skip
    return _write(
        request, session, form, "allocation_form",
        lambda form: exams.allocate(actor=request.user, session=session,
                                    data=form.allocation_data()),
        _allocated,
    )  # fmt: skip


@login_required
@require_POST
def exam_unallocate(request, pk):
    session = exams.unallocate(actor=request.user, allocation_id=pk)
    messages.success(request, "Taken off the session.")
    return redirect("exam_detail", session.pk)
