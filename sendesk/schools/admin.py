from django.contrib import admin

from sendesk.accounts.admin import UserAdmin
from sendesk.accounts.models import User

from .models import (
    Closure,
    School,
    StaffRole,
    TeachingGroup,
    Term,
    Trust,
    TrustRole,
    YearGroup,
)


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 1
    autocomplete_fields = ["user"]


class TermInline(admin.TabularInline):
    model = Term
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class TrustRoleInline(admin.TabularInline):
    # Trust SENCOs and trust leads (issue 13): granted here or with `manage.py trust_role`.
    model = TrustRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    inlines = [TrustRoleInline]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "trust", "urn"]
    search_fields = ["name", "urn"]
    inlines = [TermInline, ClosureInline, StaffRoleInline]

    def has_delete_permission(self, request, obj=None):
        # A school's records are kept for their retention periods; its delete page would
        # also list protected records, some behind the safeguarding wall.
        return False


@admin.register(YearGroup)
class YearGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "ordinal"]
    list_filter = ["school"]


@admin.register(TeachingGroup)
class TeachingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "year_group"]
    list_filter = ["school"]
    filter_horizontal = ["teachers"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "school"]
    list_filter = ["school", "role"]
    autocomplete_fields = ["user"]


class RoleInline(admin.TabularInline):
    model = StaffRole
    extra = 1


class UserWithRolesAdmin(UserAdmin):
    """The accounts app's user page, with the person's roles at schools on it."""

    inlines = [*UserAdmin.inlines, RoleInline]


admin.site.unregister(User)
admin.site.register(User, UserWithRolesAdmin)
