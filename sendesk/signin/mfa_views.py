"""Second-factor pages: the second step after the password, setting up an authenticator
app, one's own second factor and recovery codes, and the head's page (the school's policy,
who has set one up, resetting a lost one). Reads in mfa, writes in mfa_services."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sendesk.lib.errors import ServiceError
from sendesk.lib.forms import apply_service_errors
from sendesk.schools.capabilities import pick_school, schools_where

from . import mfa, mfa_selectors, mfa_services
from .mfa_forms import CodeForm, PolicyForm, RecoveryForm

# Pages a `next` must not lead back to (they would only send the person on again).
_NOT_NEXT = ("mfa_verify", "mfa_enrol")


def _next(request) -> str:
    """Where to go after the second factor: the page first asked for, when it is on this
    site, else the person's home."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not safe or any(wanted.startswith(reverse(name)) for name in _NOT_NEXT):
        return reverse("home")
    return wanted


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step: the code from the authenticator app, or a recovery code."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if user.is_verified():
        return redirect(_next(request))
    if not mfa.has_second_factor(user):
        if mfa.second_factor_required(user):
            return redirect(_with_next("mfa_enrol", request))
        return redirect(_next(request))
    code_form, recovery_form, status = CodeForm(), RecoveryForm(), 200
    # Typing the code is all this page is for: the box has the focus when it opens (after a
    # refusal the error summary takes it instead, as on every form).
    code_form.fields["code"].widget.attrs["autofocus"] = True
    if request.method == "POST":
        status = 422
        recovery = "recovery_code" in request.POST
        form = RecoveryForm(request.POST) if recovery else CodeForm(request.POST)
        name = "recovery_code" if recovery else "code"
        if form.is_valid():
            checked = mfa_services.sign_in_second_step(
                request=request, code=form.cleaned_data[name]
            )
            if checked.device is not None:
                if recovery:
                    _recovery_used_message(request)
                return redirect(_next(request))
            form.add_error(name, checked.error)
        if recovery:
            recovery_form = form
        else:
            code_form = form
    context = {
        "form": code_form,
        "recovery_form": recovery_form,
        "next": _next(request),
        # The menu's pages all send someone back here until the code is typed: not shown.
        "second_factor_step": True,
    }
    return render(request, "signin/mfa_verify.html", context, status=status)


def _recovery_used_message(request) -> None:
    left = mfa.recovery_codes_left(request.user)
    messages.warning(
        request,
        f"You signed in with a recovery code; {left} of {mfa.RECOVERY_CODES} left. If your "
        "phone is lost, ask your head to reset your second factor; make new recovery codes "
        "on your second factor page when you run low.",
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with a
    code, then see the recovery codes once."""
    user = request.user
    if not user.is_verified() and mfa.has_second_factor(user):
        # Replacing an authenticator needs the second factor first.
        return redirect(_with_next("mfa_verify", request))
    form, status = CodeForm(), 200
    if request.method == "POST":
        form, status = CodeForm(request.POST), 422
        if form.is_valid():
            checked = mfa_services.enrol(user=user, code=form.cleaned_data["code"], request=request)
            if checked.device is not None:
                return render(
                    request,
                    "signin/mfa_codes.html",
                    {"codes": checked.codes, "next": _next(request), "enrolled": True},
                )
            form.add_error("code", checked.error)
    device = mfa_services.pending_authenticator(user)
    context = {
        "form": form,
        "qr": mfa.qr_svg(device),
        "secret_groups": mfa.secret_groups(device),
        "issuer": settings.OTP_TOTP_ISSUER,
        "account": user.email,
        "required_by": mfa.why_required(user) if mfa.second_factor_required(user) else [],
        "replacing": mfa.has_second_factor(user),
        "next": _next(request),
        "second_factor_step": not user.is_verified(),
    }
    return render(request, "signin/mfa_enrol.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def manage(request):
    """One's own second factor: whether it is set up, recovery codes left, new ones."""
    user = request.user
    context = {
        "device": mfa.authenticator(user),
        "codes_left": mfa.recovery_codes_left(user),
        "total_codes": mfa.RECOVERY_CODES,
        "required_by": mfa.why_required(user) if mfa.second_factor_required(user) else [],
    }
    return render(request, "signin/mfa_manage.html", context)


@login_required
@never_cache
@require_POST
def recovery_codes(request):
    try:
        codes = mfa_services.replace_recovery_codes(user=request.user, request=request)
    except ServiceError as error:
        messages.error(request, error.errors.get("__all__", str(error)))
        return redirect("mfa_manage")
    return render(request, "signin/mfa_codes.html", {"codes": codes, "next": reverse("mfa_manage")})


def _head_school(request) -> int:
    """The school whose sign-in security this head manages (404 for anyone else)."""
    school = request.POST.get("school") or request.GET.get("school") or None
    return pick_school(schools_where(request.user, "manage_sign_in"), school)


@login_required
@require_http_methods(["GET", "POST"])
def staff(request):
    """The head's page: which roles must use a second factor, and who has set one up."""
    school_id = _head_school(request)
    policy = mfa_selectors.policy_roles(school_id)
    form, status = PolicyForm(initial={"roles": policy}), 200
    if request.method == "POST":
        form, status = PolicyForm(request.POST), 422
        if form.is_valid():
            try:
                mfa_services.set_policy(
                    school_id=school_id, roles=form.cleaned_data["roles"], actor=request.user
                )
            except ServiceError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Saved: who must use a second factor.")
                return redirect(f"{reverse('mfa_staff')}?school={school_id}")
    context = {
        "form": form,
        "school_id": school_id,
        "always": [role.label for role in mfa.ALWAYS_ORDERED],
        "people": mfa_selectors.school_people(school_id, policy),
    }
    return render(request, "signin/mfa_staff.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reset(request, user_id: int):
    """Reset someone's second factor (a lost or new phone), after a confirm step."""
    school_id = _head_school(request)
    person = mfa_selectors.school_person(school_id, user_id)
    if person is None or person.pk == request.user.pk:
        # Another head (or the admin) resets a head's own: nobody lifts their own check.
        raise Http404
    if request.method == "POST":
        mfa_services.reset(user=person, actor=request.user, request=request)
        messages.success(
            request,
            f"{person.full_name}'s second factor is reset and they are signed out everywhere. "
            "They set it up again at their next sign-in.",
        )
        return redirect(f"{reverse('mfa_staff')}?school={school_id}")
    context = {"person": person, "school_id": school_id, "has": mfa.has_second_factor(person)}
    return render(request, "signin/mfa_reset.html", context)
