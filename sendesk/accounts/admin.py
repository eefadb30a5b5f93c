from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from sendesk.schools.models import StaffRole

from .models import User


class RoleInline(admin.TabularInline):
    model = StaffRole
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "is_active", "is_staff"]
    search_fields = ["full_name", "email"]
    inlines = [RoleInline]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "password1", "password2"]})]

    def has_delete_permission(self, request, obj=None):
        # People are deactivated, never deleted: their names stay on the records they made
        # (and a delete page would list protected records, some behind the safeguarding wall).
        return False
