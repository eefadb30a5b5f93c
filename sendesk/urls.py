from django.contrib import admin
from django.urls import include, path

# The admin holds set-up data only (schools, staff, roles, groups, calendar): pupil records
# are not registered there, because every view of them goes through the access layer.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("sendesk.front.urls")),
    path("api/v1/", include("sendesk.api.urls")),
]

# The site's own "not found" page, with its layout and navigation (front/views.py).
handler404 = "sendesk.front.views.not_found"
