"""The people who log in. Their roles at schools are edited on the same page: the schools
app, above this one, adds that inline (schools/admin.py)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "is_active", "is_staff"]
    search_fields = ["full_name", "email"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "password1", "password2"]})]

    def has_delete_permission(self, request, obj=None):
        # People are deactivated, never deleted: their names stay on the records they made
        # (and a delete page would list protected records, some behind the safeguarding wall).
        return False
