from django.urls import path

from . import views_observe

urlpatterns = [
    path(
        "pupils/<uuid:pupil_id>/observe/",
        views_observe.observation_record,
        name="observation_record",
    ),
    path("observations/<uuid:pk>/", views_observe.observation_detail, name="observation_detail"),
]
