from django.contrib import admin

from .models import Training


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "course", "completed_on", "expires_on"]
    list_filter = ["kind"]
    search_fields = ["user__full_name", "user__email", "course"]
    autocomplete_fields = ["user"]
