"""Passwords: "forgot your password?" on the sign-in page, the link from that e-mail, the
link from an invite, and "change your password" for someone signed in. Django's own views,
with the site's pages, the security trail, and everyone else signed out after a change.

Whether an address has an account is never said: the answer to "forgot password" is the
same for every address, and the e-mail is sent by the task worker, not while the person
waits."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import TemplateView

from sendesk.accounts.models import User
from sendesk.audit.models import SecurityEvent
from sendesk.audit.services import record_security

from .invites import hours_valid, invite_tokens, reset_tokens, send_account_email
from .services import end_sessions_and_tokens


def _new_password_fields(form, first="New password"):
    rules = " ".join(password_validators_help_texts())
    form.fields["new_password1"].label = first
    form.fields["new_password1"].help_text = rules
    form.fields["new_password1"].error_messages["required"] = "Enter a new password."
    form.fields["new_password2"].label = "The same password again"
    form.fields["new_password2"].help_text = ""
    form.fields["new_password2"].error_messages["required"] = "Enter the new password again."
    form.error_messages["password_mismatch"] = (
        "The two passwords are not the same: type them again."
    )


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _new_password_fields(self)


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _new_password_fields(self)
        self.fields["old_password"].label = "Your password now"
        self.fields["old_password"].error_messages["required"] = "Enter the password you use now."
        self.error_messages["password_incorrect"] = "That is not your password now: type it again."


class ForgotForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = "E-mail address"
        field.error_messages.update(
            required="Enter the e-mail address you sign in with.",
            invalid="Enter an e-mail address, like name@school.example.",
        )

    def get_users(self, email):
        # Someone invited who lost the invite may ask here too; a leaver may not.
        for user in User.objects.filter(email__iexact=email.strip(), is_active=True):
            if user.may_sign_in():
                yield user

    def save(self, **kwargs):
        # Queued, not sent: the page answers as fast for an address with an account as
        # for one without, and the link is made only when the worker sends it.
        for user in self.get_users(self.cleaned_data["email"]):
            send_account_email.enqueue(user.pk, "reset")


class _Status422:
    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)


class Forgot(_Status422, auth_views.PasswordResetView):
    form_class = ForgotForm
    template_name = "signin/password_forgot.html"
    success_url = reverse_lazy("password_forgot_sent")


class ForgotSent(TemplateView):
    template_name = "signin/password_forgot_sent.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "hours": hours_valid()}


class _LinkPage(_Status422, auth_views.PasswordResetConfirmView):
    """A page reached from an e-mailed link. A link that does not work says why (run out,
    or used or not right) and what to do, with 410 Gone."""

    form_class = NewPasswordForm

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.may_sign_in() else None

    def _link_state(self) -> str:
        token = self.kwargs.get("token")
        if token == self.reset_url_token:
            token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN)
        return self.token_generator.state(self.user, token)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hours"] = hours_valid()
        context["person"] = self.user
        if not self.validlink:
            context["link_state"] = self._link_state()
        return context

    def render_to_response(self, context, **kwargs):
        if not context.get("validlink"):
            kwargs["status"] = 410
        return super().render_to_response(context, **kwargs)

    def _spend_link(self):
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)


class ResetConfirm(_LinkPage):
    token_generator = reset_tokens
    template_name = "signin/password_reset.html"

    def form_valid(self, form):
        with transaction.atomic():
            user = form.save()
            end_sessions_and_tokens(user, why="password reset", request=self.request)
            record_security(SecurityEvent.Kind.PASSWORD_RESET, user=user, request=self.request)
        self._spend_link()
        # Not signed in from here: a link in an e-mail alone is not a sign-in (the sign-in
        # page asks for everything a sign-in needs, a second factor included).
        messages.success(
            self.request,
            "Your password is changed, and you are signed out everywhere else. "
            "Sign in with your new password.",
        )
        return redirect("login")


class InviteAccept(_LinkPage):
    token_generator = invite_tokens
    template_name = "signin/invite_accept.html"
    post_reset_login = True
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        with transaction.atomic():
            user = form.save()
            record_security(
                SecurityEvent.Kind.PASSWORD_CHANGED, user=user, request=self.request,
                how="invite link",
            )  # fmt: skip
        self._spend_link()
        # The invite's whole point: they arrive signed in (Django's login, so the sign-in
        # is recorded like any other).
        auth_login(self.request, user, backend="sendesk.accounts.backends.StaffBackend")
        messages.success(self.request, "Your password is set and you are signed in. Welcome.")
        return redirect(self.success_url)


class ChangePassword(_Status422, auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "signin/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        request = self.request
        with transaction.atomic():
            user = form.save()
            end_sessions_and_tokens(user, why="password changed", actor=user, request=request)
            record_security(SecurityEvent.Kind.PASSWORD_CHANGED, user=user, request=request,
                            how="changed by them")  # fmt: skip
        # This session goes on (with the new password and stamp); every other one ends.
        update_session_auth_hash(request, user)
        messages.success(
            request, "Your password is changed. You are signed out on every other device."
        )
        return redirect(self.success_url)


forgot = Forgot.as_view()
forgot_sent = ForgotSent.as_view()
reset_confirm = ResetConfirm.as_view()
invite_accept = InviteAccept.as_view()
change_password = ChangePassword.as_view()
