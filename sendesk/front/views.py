from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sendesk.access import roles_of
from sendesk.lib import faults
from sendesk.lib.registry import declared
from sendesk.schools.capabilities import trust_roles_of
from sendesk.signin.lockout import refused_for_lockout


class EmailLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail address and password don't match an account. "
        "Check both and try again.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        self.fields["username"].error_messages["required"] = "Enter your e-mail address."
        self.fields["password"].error_messages["required"] = "Enter your password."

    def get_invalid_login_error(self):
        # A sign-in refused because the account (or the address) is locked says so, and
        # until when; the page answers 429 (signin.lockout.lockout_response).
        if (lock := refused_for_lockout(self.request)) is not None:
            return ValidationError(lock.message(), code="locked")
        return super().get_invalid_login_error()

    def clean_username(self):
        # Accounts are stored in lower case; people type their address however they like.
        return self.cleaned_data["username"].strip().lower()


login = auth_views.LoginView.as_view(
    template_name="front/login.html",
    authentication_form=EmailLoginForm,
    redirect_authenticated_user=True,
)
logout = auth_views.LogoutView.as_view()


@login_required
def home(request):
    """Each person lands where their work is."""
    roles = {role for _, role in roles_of(request.user)}
    if roles & {"ta", "hlta"}:
        return redirect("my_day")
    if roles & {"senco", "head"}:
        return redirect("overview")
    if "teacher" in roles:
        return redirect("teacher_feed")
    if "dsl" in roles:
        return redirect("safeguarding_inbox")
    if "therapist" in roles:
        return redirect("therapy_home")
    if not roles:
        # Roles that are not staff roles come from the apps that add them (family: parent),
        # as the navigation gets them.
        for extra in declared("nav_roles"):
            roles |= extra(request.user)
    if "parent" in roles:
        return redirect("family_home")
    if "dpo" in roles:
        # The data-protection officer's work is the subject access requests (issue 12).
        return redirect("sar_list")
    if roles:
        return redirect("pupil_list")
    if trust_roles_of(request.user):
        # A trust officer with no school role (issue 13): their work is the trust view.
        return redirect("trust_overview")
    # An account with no role at any school (yet, or any more) sees nothing of any pupil.
    return render(request, "front/no_role.html")


@never_cache
@require_GET
def healthz(request):
    """200 "ok" when the database can be read and written (a write rolled back, so nothing
    stays and nothing is audited); 503 with what is wrong otherwise."""
    fault = faults.database_problem()
    if fault is not None:
        return faults.answer(request, fault)
    return HttpResponse("ok", content_type="text/plain")


def not_found(request, exception=None):
    """The site's own 404 (handler404): its layout and navigation and a way back. It shows
    nothing of what was asked for, so a record out of the person's scope and one that does
    not exist give the same page."""
    return render(request, "404.html", {"not_found": True}, status=404)
