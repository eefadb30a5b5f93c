from django.urls import path

from . import views

urlpatterns = [
    path("my-day/", views.my_day, name="my_day"),
    path("sessions/record/<uuid:provision_id>/", views.session_record, name="session_record"),
    path("sessions/<uuid:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<uuid:pk>/amend/", views.session_amend, name="session_amend"),
    path("feed/", views.teacher_feed, name="teacher_feed"),
    path("feed/<int:pk>/seen/", views.feed_seen, name="feed_seen"),
    path("feed/seen/", views.feed_seen_all, name="feed_seen_all"),
    path("pupils/<uuid:pupil_id>/provision/new/", views.provision_new, name="provision_new"),
    path("provision/<uuid:provision_id>/end/", views.provision_end, name="provision_end"),
]
