from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.mark_read, name="notifications_read"),
    path("notifications/settings/", views.settings_page, name="notification_settings"),
]
