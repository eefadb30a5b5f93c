"""Staff record pages: My employment (one's own record), Team records (a line manager's
reports; every team for the SENCO), Staff (the head / school admin: all records, with
edit), and the single central record with its CSV and print views. staff.access decides
who sees what; out of scope answers 404 as for a record that does not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.schools import capabilities
from sendesk.schools.models import School

from . import access, hr_services, records
from .hr_forms import CheckForm, MemberForm
from .models import CentralCheck, StaffMember
from .selectors import school_staff


@login_required
@require_GET
def staff_me(request):
    if not capabilities.schools_where(request.user, "school_staff"):
        raise Http404
    rows = records.decorate(records.own_records(request.user))
    return render(request, "staff/me.html", {"rows": rows})


@login_required
@require_GET
def staff_team(request):
    # Anyone on a school's staff may open it (an HLTA who manages nobody yet sees an empty
    # team, not a dead link); what it lists is staff.access's answer.
    school_id = capabilities.pick_school(
        capabilities.schools_where(request.user, "school_staff"), request.GET.get("school") or None
    )
    queryset, level = access.visible_members(request.user, school_id)
    rows = records.decorate(records.members(queryset.exclude(user=request.user)))
    whole_school = level == access.FULL or capabilities.can(
        request.user, school_id, access.READ_TEAMS
    )
    context = {"rows": rows, "level": level, "whole_school": whole_school}
    return render(request, "staff/team.html", context)


@login_required
@require_GET
def staff_record(request, member_id):
    member, level = access.member_for(request.user, member_id)
    member = records.decorate(records.members(StaffMember.objects.filter(pk=member.pk)))[0]
    context = {"member": member, "level": level}
    if level == access.FULL:
        rows = [r for r in records.scr_rows(member.school_id) if r.pk == member.pk]
        context["scr"] = rows[0] if rows else None
    return render(request, "staff/record.html", context)


@login_required
@require_GET
def staff_list(request):
    school_id = access.scr_school(request.user, request.GET.get("school") or None)
    rows = records.decorate(records.members(StaffMember.objects.filter(school_id=school_id)))
    held = {m.user_id for m in rows}
    without = [p for p in school_staff(school_id) if p.pk not in held]
    return render(request, "staff/list.html", {"rows": rows, "without": without})


def _member_form_page(request, school_id, member=None):
    staff = list(school_staff(school_id))
    people = None
    if member is None:
        held = set(
            StaffMember.objects.filter(school_id=school_id).values_list("user_id", flat=True)
        )
        people = [p for p in staff if p.pk not in held]
    initial = MemberForm.initial_for(member) if member else {"user_id": request.GET.get("user", "")}
    post = request.POST if request.method == "POST" else None
    form = MemberForm(post, staff=staff, people=people, initial=initial)
    status = 200
    if post is not None:
        status = 422
        if form.is_valid():
            try:
                saved = hr_services.member_save(
                    actor=request.user, school_id=school_id, member=member,
                    user_id=form.cleaned_data.get("user_id"),
                    data=form.data_for_service(), pattern=form.pattern(),
                )  # fmt: skip
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(request, f"Saved: {saved.user.full_name}'s staff record.")
                return redirect("staff_record", member_id=saved.pk)
    context = {"form": form, "member": member}
    return render(request, "staff/member_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def staff_new(request):
    school_id = access.scr_school(request.user, request.GET.get("school") or None)
    return _member_form_page(request, school_id)


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, member_id):
    member, level = access.member_for(request.user, member_id)
    if level != access.FULL:
        raise Http404
    return _member_form_page(request, member.school_id, member)


@login_required
@require_http_methods(["GET", "POST"])
def staff_check(request, member_id, kind):
    member, level = access.member_for(request.user, member_id)
    if level != access.FULL or kind not in CentralCheck.Kind.values:
        raise Http404
    held = CentralCheck.objects.filter(member=member, kind=kind).first()
    initial = {}
    if held:
        initial = {name: getattr(held, name) for name in (
            "checked_on", "evidence", "certificate_number", "barred_list", "update_service"
        )}  # fmt: skip
    post = request.POST if request.method == "POST" else None
    form = CheckForm(post, kind=kind, initial=initial)
    status = 200
    if post is not None:
        status = 422
        if form.is_valid():
            try:
                hr_services.check_record(actor=request.user, member=member, kind=kind,
                                         **form.cleaned_data)  # fmt: skip
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                messages.success(request, f"Saved: {records.KIND_LABELS[kind]} check.")
                return redirect("staff_scr")
    label = records.KIND_LABELS[kind]
    context = {"form": form, "member": member, "label": label, "held": held}
    return render(request, "staff/check_form.html", context, status=status)


def _scr(request):
    school_id = access.scr_school(request.user, request.GET.get("school") or None)
    rows = records.scr_rows(school_id)
    return school_id, rows


@login_required
@require_GET
def staff_scr(request):
    school_id, rows = _scr(request)
    context = {
        "rows": rows,
        "kinds": list(records.KIND_LABELS.items()),
        "gaps": sum(len(r.gaps) for r in rows),
        "day": timezone.localdate(),
        "school_id": school_id,
    }
    return render(request, "staff/scr.html", context)


@login_required
@require_GET
def staff_scr_print(request):
    school_id, rows = _scr(request)
    context = {
        "rows": rows,
        "kinds": list(records.KIND_LABELS.items()),
        "gaps": sum(len(r.gaps) for r in rows),
        "day": timezone.localdate(),
        "school": School.objects.get(pk=school_id),
    }
    return render(request, "staff/scr_print.html", context)


@login_required
@require_GET
def staff_scr_csv(request):
    _, rows = _scr(request)
    response = HttpResponse(records.scr_csv(rows), content_type="text/csv; charset=utf-8")
    day = timezone.localdate()
    response["Content-Disposition"] = f'attachment; filename="single-central-record-{day}.csv"'
    response["Cache-Control"] = "no-store"
    return response
