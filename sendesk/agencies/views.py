"""The agencies page of the head and the SENCO: the school's agencies (adding, changing,
stopping one) and each agency's professionals (inviting one, ending their membership,
sending their invite again). 404 for everyone else, and for another school's agency."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.schools.models import School
from sendesk.signin.accounts import status_of
from sendesk.signin.invites import hours_valid

from . import selectors, services
from .forms import AgencyForm, ProfessionalForm

STATUS = {
    "invited": ("Invited: no password yet", "warn"),
    "active": ("Can sign in", "ok"),
    "left": ("Account ended", "bad"),
    "inactive": ("Account switched off", "bad"),
}


def _here(name, school_id, *args) -> str:
    return f"{reverse(name, args=args)}?school={school_id}"


@login_required
@require_GET
def agency_list(request):
    school_id = selectors.managed_school(request.user, request.GET.get("school") or None)
    context = {
        "school": School.objects.get(pk=school_id),
        "school_id": school_id,
        "agencies": list(selectors.agencies_of(school_id)),
        "new_url": _here("agency_new", school_id),
    }
    return render(request, "agencies/agency_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agency_new(request):
    school_id = selectors.managed_school(request.user, request.GET.get("school") or None)
    form = AgencyForm(request.POST or None, initial={"response_days": 42})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                agency = services.agency_create(
                    actor=request.user, school_id=school_id, data=form.cleaned_data
                )
            except ServiceError as error:
                apply_service_errors(form, error)
                status = error.status
            else:
                messages.success(request, f"{agency.name} added. Now add its professionals.")
                return redirect(_here("agency_detail", school_id, agency.pk))
    context = {
        "form": form,
        "school": School.objects.get(pk=school_id),
        "back": _here("agency_list", school_id),
    }
    return render(request, "agencies/agency_new.html", context, status=status)


def _post(request, agency, forms):
    """Run the form posted; returns (status, done message). A bound form that failed is
    put in `forms` so the page shows what was typed beside the errors."""
    which = request.POST.get("form")
    user = request.user
    try:
        if which == "edit":
            form = forms["edit"] = AgencyForm(request.POST)
            if not form.is_valid():
                return 422, None
            try:
                changed = services.agency_update(actor=user, agency=agency, data=form.cleaned_data)
            except ServiceError as error:
                apply_service_errors(form, error)
                return error.status, None
            return 200, "Details saved." if changed else "Nothing had changed."
        if which == "professional":
            form = forms["professional"] = ProfessionalForm(request.POST, prefix="pro")
            if not form.is_valid():
                return 422, None
            try:
                done = services.professional_add(
                    actor=user, agency=agency, request=request, **form.cleaned_data
                )
            except ServiceError as error:
                apply_service_errors(form, error)
                return error.status, None
            person = done["member"].user
            if done["invited"]:
                return 200, (
                    f"Invite sent to {person.email}. The link in it works for "
                    f"{hours_valid()} hours."
                )
            return 200, (
                f"{person.full_name} already had a SENDesk account: it is now linked to "
                f"{agency.name}, and they sign in as before."
            )
        if which in ("deactivate", "reactivate"):
            active = which == "reactivate"
            services.agency_set_active(actor=user, agency=agency, active=active)
            if active:
                return 200, f"{agency.name} is active again: new referrals can go to it."
            return 200, (
                f"{agency.name} is no longer active. Referrals already sent stay as they "
                "are; no new referral can be sent to it."
            )
        if which in ("end", "resend"):
            member = selectors.get_member(agency, request.POST.get("member"))
            if which == "end":
                services.membership_end(actor=user, member=member)
                return 200, (
                    f"{member.user.full_name} no longer works for {agency.name}: they no "
                    "longer see any pupil through it."
                )
            services.invite_resend(actor=user, member=member, request=request)
            return 200, (
                f"Invite sent again to {member.user.email}. The earlier link no longer works."
            )
    except ServiceError as error:
        for message in error.errors.values():
            messages.error(request, message)
        return error.status, None
    messages.error(request, "Nothing was saved: use one of the buttons on this page.")
    return 400, None


@login_required
@require_http_methods(["GET", "POST"])
def agency_detail(request, agency_id):
    agency = selectors.get_agency(request.user, agency_id)
    school_id = agency.school_id
    forms = {
        "edit": AgencyForm(
            initial={
                f: getattr(agency, f) for f in ("name", "kind", "email", "phone", "response_days")
            }  # fmt: skip
        ),
        "professional": ProfessionalForm(prefix="pro"),
    }
    status = 200
    if request.method == "POST":
        status, done = _post(request, agency, forms)
        if done:
            messages.success(request, done)
            return redirect(_here("agency_detail", school_id, agency.pk))
    members = selectors.members_of(agency)
    for member in members:
        member.status, member.badge = STATUS[status_of(member.user)]
        member.invited = member.active and status_of(member.user) == "invited"
    context = {
        "agency": agency,
        "school": agency.school,
        "members": members,
        "edit_form": forms["edit"],
        "professional_form": forms["professional"],
        "action": _here("agency_detail", school_id, agency.pk),
        "back": _here("agency_list", school_id),
        "hours": hours_valid(),
    }
    return render(request, "agencies/agency_detail.html", context, status=status)
