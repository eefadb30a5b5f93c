"""The set-up screens (/admin/) change passwords and roles too: the same security trail
records them as the head's pages do, and a password set there signs the person out
everywhere, as a reset does. This app sits above accounts and schools, so it takes their
admin pages as they are and adds the recording."""

from django.contrib import admin
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendesk.accounts.models import User
from sendesk.audit.models import SecurityEvent
from sendesk.audit.services import record_security
from sendesk.schools import admin as schools_admin
from sendesk.schools.models import School, StaffRole, Trust, TrustRole

from .services import end_sessions_and_tokens


def _roles(**where) -> set[tuple[int, int, str]]:
    return set(StaffRole.objects.filter(**where).values_list("user_id", "school_id", "role"))


def record_role_changes(before, after, *, actor, request, where="at school") -> None:
    """One ROLE_CHANGED row per person whose roles differ between two snapshots of
    (user id, school or trust id, role); `where` names the place ("of trust" for trust
    roles)."""
    added, removed = after - before, before - after
    for user_id in sorted({u for u, _, _ in added | removed}):
        record_security(
            SecurityEvent.Kind.ROLE_CHANGED,
            user=User.objects.get(pk=user_id),
            actor=actor,
            request=request,
            added=sorted(f"{role} {where} {place}" for u, place, role in added if u == user_id),
            removed=sorted(f"{role} {where} {place}" for u, place, role in removed if u == user_id),
            how="set-up screens",
        )


class AuditedUserAdmin(schools_admin.UserWithRolesAdmin):
    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            before = _roles(user=form.instance)
            super().save_formset(request, form, formset, change)
            after = _roles(user=form.instance)
            record_role_changes(before, after, actor=request.user, request=request)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and "is_active" in form.changed_data and not obj.is_active:
                record_security(
                    SecurityEvent.Kind.ACCOUNT_ENDED, user=obj, actor=request.user,
                    request=request, how="switched off in the set-up screens",
                )  # fmt: skip
                end_sessions_and_tokens(
                    obj, why="account switched off", actor=request.user, request=request
                )

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            before = User.objects.filter(pk=id).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            user = User.objects.filter(pk=id).first()
            if request.method == "POST" and user is not None and user.password != before:
                end_sessions_and_tokens(
                    user, why="password set by an admin", actor=request.user, request=request
                )
                record_security(
                    SecurityEvent.Kind.PASSWORD_CHANGED, user=user, actor=request.user,
                    request=request, how="set-up screens",
                )  # fmt: skip
                if user.pk == request.user.pk:
                    update_session_auth_hash(request, user)  # their own: this session stays
        return response


class AuditedSchoolAdmin(schools_admin.SchoolAdmin):
    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            before = _roles(school=form.instance)
            super().save_formset(request, form, formset, change)
            after = _roles(school=form.instance)
            record_role_changes(before, after, actor=request.user, request=request)


class AuditedTrustAdmin(schools_admin.TrustAdmin):
    """Trust roles (issue 13) are given on the trust's page: in the trail as school roles are."""

    def save_formset(self, request, form, formset, change):
        def roles():
            found = TrustRole.objects.filter(trust=form.instance)
            return set(found.values_list("user_id", "trust_id", "role"))

        with transaction.atomic():
            before = roles()
            super().save_formset(request, form, formset, change)
            record_role_changes(
                before, roles(), actor=request.user, request=request, where="of trust"
            )


class AuditedStaffRoleAdmin(schools_admin.StaffRoleAdmin):
    def _people(self, *roles):
        return {r.user_id for r in roles if r.user_id} | set(
            StaffRole.objects.filter(pk__in=[r.pk for r in roles if r.pk]).values_list(
                "user_id", flat=True
            )
        )

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            people = self._people(obj)
            before = _roles(user_id__in=people)
            super().save_model(request, obj, form, change)
            after = _roles(user_id__in=people)
            record_role_changes(before, after, actor=request.user, request=request)

    def delete_model(self, request, obj):
        self.delete_queryset(request, StaffRole.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            people = set(queryset.values_list("user_id", flat=True))
            before = _roles(user_id__in=people)
            super().delete_queryset(request, queryset)
            after = _roles(user_id__in=people)
            record_role_changes(before, after, actor=request.user, request=request)


for model, audited in [
    (User, AuditedUserAdmin),
    (School, AuditedSchoolAdmin),
    (StaffRole, AuditedStaffRoleAdmin),
    (Trust, AuditedTrustAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, audited)

# django-otp puts its devices in the admin, where deleting one would reset a second factor
# without the trail or ending the person's sessions: the head's page does it
# (mfa_services.reset), so the admin does not offer it.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
