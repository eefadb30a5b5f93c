from django.urls import path

from . import ctf_views

urlpatterns = [
    path("pupils/<uuid:pupil_id>/ctf/", ctf_views.pupil_ctf, name="pupil_ctf"),
]
