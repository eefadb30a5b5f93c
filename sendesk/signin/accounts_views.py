"""The head's staff accounts pages: who has an account at the school and in which roles,
inviting someone, and each person's page (roles, sending the invite again, a leaver's last
day). For the head or school admin of the school only: 404 for everyone else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.schools.models import Role, School

from . import accounts
from .accounts_forms import InviteForm, LastDayForm, RolesForm
from .invites import hours_valid

STATUS = {
    "invited": ("Invited: no password yet", "warn"),
    "active": ("Active", "ok"),
    "left": ("Left", "bad"),
    "inactive": ("Switched off", "bad"),
}


def _school(request) -> int:
    return accounts.managed_school(request.user, request.GET.get("school") or None)


def _here(name, school_id, *args) -> str:
    return f"{reverse(name, args=args)}?school={school_id}"


def _row(person, day):
    label, badge = STATUS[accounts.status_of(person, day)]
    held = {r.role for r in person.school_roles}
    return {
        "person": person,
        "roles": [role.label for role in Role if role.value in held],
        "status": label,
        "badge": badge,
    }


@login_required
@require_GET
def staff_accounts(request):
    school_id = _school(request)
    day = timezone.localdate()
    rows = [_row(p, day) for p in accounts.staff_of(school_id)]
    context = {
        "school": School.objects.get(pk=school_id),
        "school_id": school_id,
        "rows": rows,
        "invite_url": _here("staff_invite", school_id),
    }
    return render(request, "signin/staff_accounts.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def staff_invite(request):
    school_id = _school(request)
    form = InviteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                done = accounts.invite(
                    actor=request.user, school_id=school_id, request=request, **form.cleaned_data
                )
            except ServiceError as error:
                apply_service_errors(form, error.errors)
                status = error.status
            else:
                person = done["user"]
                if done["new"]:
                    messages.success(
                        request,
                        f"Invite sent to {person.email}. The link in it works for "
                        f"{hours_valid()} hours; you can send it again from "
                        f"{person.full_name}'s page.",
                    )
                else:
                    messages.success(
                        request,
                        f"{person.full_name} already had a SENDesk account: they now have these "
                        "roles here too, and sign in as before.",
                    )
                return redirect(_here("staff_account", school_id, person.pk))
    context = {
        "form": form,
        "school": School.objects.get(pk=school_id),
        "back": _here("staff_accounts", school_id),
        "hours": hours_valid(),
    }
    return render(request, "signin/staff_invite.html", context, status=status)


def _post(request, which, school_id, person):
    """Run the form posted as `which`; returns (the bound form, status, done message)."""
    data = request.POST
    if which == "roles":
        form = RolesForm(data)
        form.is_valid()
        call = lambda: accounts.set_roles(  # noqa: E731
            actor=request.user, school_id=school_id, person=person,
            roles=form.cleaned_data.get("roles"), request=request,
        )  # fmt: skip
        done = "Roles saved."
    elif which == "last_day":
        form = LastDayForm(data)
        if not form.is_valid():
            return form, 422, None
        leaves_on = form.cleaned_data["leaves_on"]
        call = lambda: accounts.set_last_day(  # noqa: E731
            actor=request.user, school_id=school_id, person=person, leaves_on=leaves_on,
            request=request,
        )  # fmt: skip
        done = f"Last day saved: {leaves_on:%-d %B %Y}." if leaves_on else "Last day taken away."
        if leaves_on and leaves_on <= timezone.localdate():
            done += " They have been signed out everywhere."
    else:
        form = None
        call = lambda: accounts.resend_invite(  # noqa: E731
            actor=request.user, school_id=school_id, person=person, request=request
        )
        done = f"Invite sent again to {person.email}. The earlier link no longer works."
    try:
        call()
    except ServiceError as error:
        if form is None:
            for message in error.errors.values():
                messages.error(request, message)
            return None, error.status, None
        apply_service_errors(form, error.errors)
        return form, error.status, None
    return form, 200, done


@login_required
@require_http_methods(["GET", "POST"])
def staff_account(request, user_id):
    school_id = _school(request)
    person = accounts.person_at(request.user, school_id, user_id)
    forms = {
        "roles": RolesForm(initial={"roles": [r.role for r in person.school_roles]}),
        "last_day": LastDayForm(initial={"leaves_on": person.leaves_on}),
    }
    status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        if which in ("roles", "last_day", "resend"):
            form, status, done = _post(request, which, school_id, person)
        else:
            form, status, done = None, 400, None
            messages.error(request, "Nothing was saved: use one of the buttons on this page.")
        if done:
            messages.success(request, done)
            return redirect(_here("staff_account", school_id, person.pk))
        if form is not None:
            forms[which] = form
        person = accounts.person_at(request.user, school_id, user_id)
    label, badge = STATUS[accounts.status_of(person)]
    context = {
        "person": person,
        "school": School.objects.get(pk=school_id),
        "status": label,
        "badge": badge,
        "invited": accounts.status_of(person) == "invited",
        "action": _here("staff_account", school_id, person.pk),
        "back": _here("staff_accounts", school_id),
        **{f"{name}_form": form for name, form in forms.items()},
    }
    return render(request, "signin/staff_account.html", context, status=status)
